"""Statistical context: realised volatility, move z-scores and percentiles, seasonal inventory
norms (STL), rolling beta to the dollar index (RollingOLS), and a trend test.

Every result states its window and its sample (first and last date, number of observations).
Weekly figures use each venue's own weekly closes (:mod:`metalwatch.analytics.resample`).
statsmodels is imported inside the functions that need it, so importing metalwatch stays fast.
Inputs are canonical tidy frames or wide frames (DatetimeIndex x series).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metalwatch.analytics.resample import as_wide, weekly_closes, weekly_returns
from metalwatch.errors import InvalidInputError, NoDataError

TRADING_DAYS = 252
WEEKS = 52


def _z(sample: pd.Series, value: float) -> float:
    sd = sample.std()
    return float((value - sample.mean()) / sd) if sd > 0 and np.isfinite(value) else np.nan


def _cut(wide: pd.DataFrame, week: pd.Timestamp | None) -> pd.DataFrame:
    return wide if week is None else wide.loc[: pd.Timestamp(week)]


def realised_vol(
    data: pd.DataFrame,
    week: pd.Timestamp | None = None,
    *,
    days: int = 63,
    weeks: int = 26,
    periods_per_year: int = TRADING_DAYS,
) -> pd.DataFrame:
    """Realised volatility of log returns at ``week`` (default: the last date), per series.

    Daily: standard deviation (ddof 1) of the last ``days`` daily log returns (each series on
    its own trading days); weekly: of the last ``weeks`` weekly log returns. Annualised with
    ``sqrt(periods_per_year)`` and ``sqrt(52)``. ``ann_percentile`` places the current
    annualised daily vol among every earlier ``days``-window of the series (in %) and
    ``ann_z`` is its z-score there (in logs).

    Returns
    -------
    DataFrame
        Indexed by series; vols in percent; ``days``, ``weeks``, ``sample_start``,
        ``sample_end`` and ``n_days`` state the windows.
    """
    wide = _cut(as_wide(data), week)
    rows = {}
    wk = weekly_returns(weekly_closes(wide))
    for col in wide.columns:
        px = wide[col].dropna()
        r = pd.Series(np.log(px / px.shift(1)), index=px.index).dropna()
        if len(r) < days:
            continue
        rolling = r.rolling(days).std() * np.sqrt(periods_per_year)
        last = r.iloc[-days:]
        wr = wk[col].dropna().iloc[-weeks:]
        rows[col] = {
            "daily_pct": last.std() * 100,
            "daily_ann_pct": last.std() * np.sqrt(periods_per_year) * 100,
            "weekly_pct": wr.std() * 100 if len(wr) == weeks else np.nan,
            "weekly_ann_pct": wr.std() * np.sqrt(WEEKS) * 100 if len(wr) == weeks else np.nan,
            "ann_percentile": (rolling.dropna() <= rolling.iloc[-1]).mean() * 100,
            "ann_z": _z(np.log(rolling[rolling > 0]), np.log(max(rolling.iloc[-1], 1e-300))),
            "days": days,
            "weeks": weeks,
            "sample_start": last.index[0],
            "sample_end": last.index[-1],
            "n_days": len(last),
            "history_start": r.index[0],
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "series"
    out.attrs["units"] = {
        c: "%"
        for c in ("daily_pct", "daily_ann_pct", "weekly_pct", "weekly_ann_pct", "ann_percentile")
    }
    out.attrs["window"] = f"{days} trading days / {weeks} weeks of log returns"
    return out


def move_stats(
    data: pd.DataFrame, week: pd.Timestamp, *, lookback_weeks: int | None = 520
) -> pd.DataFrame:
    """This week's move against the series' own history of weekly moves.

    The move is the log return of the week's close against the previous weekly close (the
    same close-to-close as ``compute_moves``'s WoW). The sample is the weekly log returns of
    the ``lookback_weeks`` weeks before ``week`` (None: all history); this week is excluded.

    Returns
    -------
    DataFrame
        Indexed by series: ``move_pct`` (percent), ``log_return``, ``z`` (against the sample
        mean and standard deviation, ddof 1), ``percentile`` (share of sample moves <= this
        one, %), ``rank_weeks`` and ``since`` (the move is the largest in its direction since
        the week ``since``, ``rank_weeks`` weeks earlier; if none in the sample, ``record`` is
        True and ``rank_weeks`` is the sample span), ``n``, ``sample_start``, ``sample_end``.
    """
    week = pd.Timestamp(week)
    closes = weekly_closes(_cut(as_wide(data), week))
    rets = weekly_returns(closes)
    rows = {}
    for col in rets.columns:
        value = rets[col].get(week)
        if value is None or pd.isna(value):
            continue
        r = float(value)
        hist = rets[col].loc[: week - pd.Timedelta(days=7)].dropna()
        if lookback_weeks is not None:
            hist = hist.loc[week - pd.Timedelta(weeks=lookback_weeks) :]
        if len(hist) < 10:
            continue
        larger = hist[hist >= r] if r >= 0 else hist[hist <= r]
        record = larger.empty
        since = hist.index[0] if record else larger.index[-1]
        rows[col] = {
            "move_pct": np.expm1(r) * 100,
            "log_return": r,
            "z": (r - hist.mean()) / hist.std(),
            "percentile": (hist <= r).mean() * 100,
            "rank_weeks": (week - since).days // 7,
            "since": since,
            "record": record,
            "n": len(hist),
            "sample_start": hist.index[0],
            "sample_end": hist.index[-1],
            "mean": hist.mean(),
            "std": hist.std(),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "series"
    out.attrs["units"] = {"move_pct": "%", "percentile": "%", "z": "sd", "rank_weeks": "weeks"}
    lb = "all history" if lookback_weeks is None else f"{lookback_weeks} weeks"
    out.attrs["window"] = f"weekly log returns, {lb} before the week"
    out.attrs["week"] = week
    return out


def seasonal_norm(
    data: pd.DataFrame,
    series: str | None = None,
    week: pd.Timestamp | None = None,
    *,
    years: int = 5,
    period: int = WEEKS,
    seasonal: int = 21,
) -> pd.DataFrame:
    """STL decomposition of a stock series and its seasonal norm, weekly.

    The weekly closes (last stock of each week) up to ``week`` are decomposed with
    ``statsmodels.tsa.seasonal.STL`` on their log, so seasonality is multiplicative: robust,
    ``period`` 52, a locally constant seasonal smoother over ``seasonal`` cycles (years), so
    that one year's swing in stocks does not pass for seasonality. Weeks without a figure are
    interpolated in log for the fit only (counted in ``.attrs['filled_weeks']``). The norm of
    week t is the geometric mean stock of the ``years`` x 52 weeks before t times the week's
    seasonal factor ``exp(seasonal_t)``: where stocks would stand this time of year at their
    recent average level.

    Returns
    -------
    DataFrame
        Weekly: ``stock``, ``trend``, ``seasonal_pct`` (seasonal factor - 1, %), ``norm``,
        ``vs_norm_pct`` and ``z`` (log(stock / norm) against its own distribution over the
        sample). Stock units in ``.attrs['units']``; window and sample in ``.attrs``.
    """
    from statsmodels.tsa.seasonal import STL

    wide = as_wide(data, "stock" if "instrument" in data.columns else None)
    if series is None:
        if wide.shape[1] != 1:
            raise InvalidInputError("pass series=... when the data holds several series")
        series = str(wide.columns[0])
    if series not in wide.columns:
        raise NoDataError(f"no data for {series}")
    closes = weekly_closes(_cut(wide[[series]], week))[series]
    first, last = closes.first_valid_index(), closes.last_valid_index()
    closes = closes.loc[first:last] if first is not None else closes.iloc[:0]
    if len(closes) < 2 * period + 1:
        raise NoDataError(f"{series}: {len(closes)} weeks of stocks; STL needs {2 * period + 1}")
    if (closes.dropna() <= 0).any():
        raise InvalidInputError(f"{series}: zero or negative stocks; cannot take logs")
    logs = np.log(closes).interpolate(limit_area="inside")
    res = STL(logs.to_numpy(), period=period, seasonal=seasonal, seasonal_deg=0, robust=True).fit()
    base = logs.rolling(years * period, min_periods=years * period).mean().shift(1)
    out = pd.DataFrame(index=closes.index)
    out["stock"] = closes
    out["trend"] = np.exp(res.trend)
    out["seasonal_pct"] = np.expm1(res.seasonal) * 100
    out["norm"] = np.exp(base + res.seasonal)
    dev = np.log(out["stock"] / out["norm"])
    out["vs_norm_pct"] = np.expm1(dev) * 100
    out["z"] = (dev - dev.mean()) / dev.std()
    unit = wide.attrs.get("units", {}).get(series, "")
    out.attrs["units"] = {
        "stock": unit,
        "trend": unit,
        "norm": unit,
        "seasonal_pct": "%",
        "vs_norm_pct": "%",
        "z": "sd",
    }
    out.attrs["series"] = series
    out.attrs["filled_weeks"] = int(closes.isna().sum())
    out.attrs["window"] = (
        f"STL(period={period}, seasonal={seasonal}, robust) on log weekly "
        f"stocks; norm = {years}-year mean level x seasonal factor"
    )
    out.attrs["sample"] = (closes.index[0], closes.index[-1], int(closes.notna().sum()))
    return out


def rolling_beta(
    data: pd.DataFrame,
    series: list[str] | str | None = None,
    benchmark: str = "ICE.DXY",
    *,
    window: int = WEEKS,
) -> pd.DataFrame:
    """Rolling beta and correlation of weekly log returns to ``benchmark`` (RollingOLS).

    Each series' weekly returns are paired with the benchmark's on weeks where both traded;
    ``statsmodels.regression.rolling.RollingOLS`` fits ``r = alpha + beta * r_benchmark`` on the
    last ``window`` pairs. ``corr`` is the window's Pearson correlation (sign(beta) sqrt(R2)).

    Returns
    -------
    DataFrame
        Long: ``series``, ``week``, ``beta``, ``alpha``, ``r2``, ``corr``, ``nobs``,
        ``sample_start`` (first week of the window); ``.attrs['window']`` states it.
    """
    from statsmodels.regression.rolling import RollingOLS

    rets = weekly_returns(weekly_closes(as_wide(data)))
    if benchmark not in rets.columns:
        raise NoDataError(f"no data for the benchmark {benchmark}")
    cols = (
        [c for c in rets.columns if c != benchmark]
        if series is None
        else ([series] if isinstance(series, str) else list(series))
    )
    parts = []
    for col in cols:
        if col not in rets.columns:
            raise NoDataError(f"no data for {col}")
        pair = rets[[col, benchmark]].dropna()
        if len(pair) < window:
            continue
        x = np.column_stack([np.ones(len(pair)), pair[benchmark].to_numpy()])
        fit = RollingOLS(pair[col].to_numpy(), x, window=window).fit()
        part = pd.DataFrame(
            {
                "series": col,
                "week": pair.index,
                "beta": fit.params[:, 1],
                "alpha": fit.params[:, 0],
                "r2": fit.rsquared,
                "nobs": fit.nobs,
            }
        )
        part["corr"] = np.sign(part["beta"]) * np.sqrt(part["r2"])
        part["sample_start"] = pair.index.to_series().shift(window - 1).to_numpy()
        parts.append(part.dropna(subset=["beta"]))
    cols_out = ["series", "week", "beta", "alpha", "r2", "corr", "nobs", "sample_start"]
    out = pd.concat(parts, ignore_index=True)[cols_out] if parts else pd.DataFrame(columns=cols_out)
    out.attrs["units"] = {"beta": "log return per log return", "alpha": "log return per week"}
    out.attrs["window"] = f"{window} paired weekly log returns vs {benchmark}"
    return out


def trend_test(
    data: pd.DataFrame, week: pd.Timestamp | None = None, *, weeks: int = 26, maxlags: int = 4
) -> pd.DataFrame:
    """Is there a drift (trend) in the last ``weeks`` weekly log returns?

    OLS of the weekly log returns on a constant with Newey-West (HAC, ``maxlags``) errors: the
    constant is the mean weekly return and its t-statistic tests for a trend. Returns are used
    rather than price levels, since a regression of prices on time finds a "trend" in almost
    any random walk.

    Returns
    -------
    DataFrame
        Indexed by series: ``drift_pct_per_week``, ``t``, ``p``, ``regime`` (``'up'``,
        ``'down'`` or ``'none'`` at 5 %), ``n``, ``sample_start``, ``sample_end``.
    """
    import statsmodels.api as sm

    rets = weekly_returns(weekly_closes(_cut(as_wide(data), week)))
    rows = {}
    for col in rets.columns:
        r = rets[col].dropna().iloc[-weeks:]
        if len(r) < weeks:
            continue
        fit = sm.OLS(r.to_numpy(), np.ones(len(r))).fit(
            cov_type="HAC", cov_kwds={"maxlags": maxlags}
        )
        tval, pval = float(fit.tvalues[0]), float(fit.pvalues[0])
        rows[col] = {
            "drift_pct_per_week": np.expm1(fit.params[0]) * 100,
            "t": tval,
            "p": pval,
            "regime": "none" if pval >= 0.05 else ("up" if tval > 0 else "down"),
            "n": len(r),
            "sample_start": r.index[0],
            "sample_end": r.index[-1],
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "series"
    out.attrs["units"] = {"drift_pct_per_week": "% per week", "t": "sd"}
    out.attrs["window"] = f"last {weeks} weekly log returns, mean with HAC({maxlags}) errors"
    return out

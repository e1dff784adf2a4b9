"""The notebook API: small functions over the store, re-exported from ``metalwatch``."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from metalwatch import frame, registry
from metalwatch.analytics.inputs import moves_inputs
from metalwatch.analytics.moves import compute_moves
from metalwatch.analytics.weeks import MARKET_GROUPS, latest_week, parse_date, week_ending
from metalwatch.errors import InvalidInputError, NoDataError
from metalwatch.store import Store

StoreArg = Store | str | os.PathLike[str] | None


class RenderWarning(UserWarning):
    """The PDF rendered, but with a defect (e.g. characters no bundled font covers)."""


@contextmanager
def _opened(store: StoreArg) -> Iterator[Store]:
    if isinstance(store, Store):
        yield store
        return
    st = Store(store)
    try:
        yield st
    finally:
        st.close()


def instruments() -> pd.DataFrame:
    """The instrument registry as a DataFrame indexed by id."""
    return registry.instruments_frame()


def series(
    instrument: str,
    start: str | None = None,
    end: str | None = None,
    fields: Iterable[str] | None = None,
    store: StoreArg = None,
) -> pd.DataFrame:
    """One instrument's stored rows as a tidy canonical frame (every field unless ``fields``)."""
    inst = registry.get(instrument)
    with _opened(store) as st:
        df = st.read([inst.id], fields=fields, start=_date(start), end=_date(end))
    if df.empty:
        raise NoDataError(f"no stored data for {inst.id} in the range asked")
    return df


def prices(
    ids: str | Iterable[str],
    start: str | None = None,
    end: str | None = None,
    field: str | None = None,
    store: StoreArg = None,
) -> pd.DataFrame:
    """Wide prices: DatetimeIndex x instrument ids, each instrument's moves field by default.

    Units and currencies are in ``.attrs['units']`` and ``.attrs['currencies']``. Dates an
    instrument did not trade stay NaN.
    """
    insts = registry.resolve(ids)
    with _opened(store) as st:
        df = st.read([i.id for i in insts], fields=[field] if field else None,
                     start=_date(start), end=_date(end))  # fmt: skip
    wide = frame.to_wide(df, field)
    return wide.reindex(columns=[i.id for i in insts])


def resolve_week(week: str | pd.Timestamp | None, st: Store) -> pd.Timestamp:
    """The Friday a report covers: ``week`` (or the Friday before it), else the latest covered."""
    market = [
        (i.id, i.field)
        for i in registry.all_instruments().values()
        if i.group in MARKET_GROUPS and i.cadence == "daily"
    ]
    spans = st.span(market)
    newest = latest_week(pd.to_datetime(pd.Series([last for _, last in spans.values()])))
    if week is None:
        return newest
    w = week_ending(week)
    first = pd.to_datetime(pd.Series([f for f, _ in spans.values()])).min()
    if w < first or w > newest + pd.Timedelta(days=6):
        raise NoDataError(
            f"no market data for the week ending {w:%Y-%m-%d}: the store covers weeks "
            f"{week_ending(first + pd.Timedelta(days=6)):%Y-%m-%d} to {newest:%Y-%m-%d}"
        )
    return w


def moves(
    week: str | None = None,
    instruments: str | Iterable[str] | None = None,
    store: StoreArg = None,
) -> pd.DataFrame:
    """Weekly moves, one row per instrument (default: every non-reference instrument).

    Columns include close and its date, WoW/5-day/MTD/YTD % (in percent), the change in units,
    the 52-week high and low, and a ``stale`` flag.
    """
    if instruments is None:
        ids = [i.id for i in registry.all_instruments().values() if i.group != "reference"]
    else:
        ids = [i.id for i in registry.resolve(instruments)]
    with _opened(store) as st:
        w = resolve_week(week, st)
        data = moves_inputs(st, ids, w)
    return compute_moves(data, w, ids)


def report(
    week: str | None = None,
    output: str | os.PathLike[str] | None = None,
    *,
    lang: str = "en",
    fmt: str = "pdf",
    analyst: str | os.PathLike[str] | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    appendix: str | None = None,
    store: StoreArg = None,
) -> Path:
    """Write the weekly for ``week`` and return its path.

    Parameters
    ----------
    week
        Any date; the report covers the week ending on the Friday on or before it. Default:
        the latest week the store covers.
    output
        File to write; default ``reports/metalwatch-weekly-<week>[-zh].<fmt>``.
    lang
        ``'en'`` or ``'zh'``.
    fmt
        ``'pdf'`` or ``'html'`` (same templates).
    analyst
        YAML analyst file: publisher, rating, watch lists, core views, commentary.
    template_dir
        Folder whose templates override the packaged ones, one file at a time.
    appendix
        ``'csv'`` or ``'xlsx'``: also write every figure with its source and formula next to
        the report (``<name>-appendix.<ext>``).
    """
    from metalwatch.reporting import build_weekly, render_html, write_pdf
    from metalwatch.reporting.analyst import load_analyst
    from metalwatch.reporting.appendix import FORMATS, appendix_path, write_appendix
    from metalwatch.reporting.i18n import LANGS
    from metalwatch.reporting.render import write_bytes

    if lang not in LANGS:
        raise InvalidInputError(f"language {lang!r} is not supported (use en or zh)")
    if fmt not in ("pdf", "html"):
        raise InvalidInputError(f"format {fmt!r} is not supported (use pdf or html)")
    if appendix is not None and appendix not in FORMATS:
        raise InvalidInputError(f"appendix format {appendix!r} is not supported (use csv or xlsx)")
    notes = load_analyst(analyst)
    with _opened(store) as st:
        w = resolve_week(week, st)
        model = build_weekly(st, w, lang=lang, analyst=notes)
    html = render_html(model, template_dir)
    if output is None:
        suffix = "-zh" if lang == "zh" else ""
        out = Path("reports") / f"metalwatch-weekly-{w:%Y-%m-%d}{suffix}.{fmt}"
        out.parent.mkdir(exist_ok=True)
    else:
        out = Path(output)
    if fmt == "html":
        write_bytes(out, html.encode("utf-8"))
    else:
        problems = write_pdf(html, out, template_dir)
        glyphs = sorted({m for m in problems if ".notdef" in m})
        if glyphs:
            warnings.warn(f"{out}: {len(glyphs)} missing glyph(s), e.g. {glyphs[0]}",
                          RenderWarning, stacklevel=2)  # fmt: skip
    if appendix:
        write_appendix(model, appendix_path(out, appendix), appendix)
    return out


def _date(value: str | None) -> pd.Timestamp | None:
    return None if value is None else parse_date(value)


# -- quant layer: inventories, spreads, context, conversions, statistics, plots ----------


def _tidy(wide: pd.DataFrame) -> pd.DataFrame:
    """Long rows ``date, instrument, value, unit`` from a wide frame with units in ``.attrs``."""
    units = wide.attrs.get("units", {})
    units = units if isinstance(units, dict) else dict.fromkeys(wide.columns, units)
    long = wide.rename_axis("date").reset_index().melt(
        id_vars="date", var_name="instrument", value_name="value"
    ).dropna(subset=["value"])
    long["instrument"] = long["instrument"].astype("string")
    long["unit"] = long["instrument"].map(units).astype("string")
    out = long.sort_values(["instrument", "date"]).reset_index(drop=True)
    out.attrs = {k: v for k, v in wide.attrs.items() if k != "units"}
    return out


def _movers() -> list[str]:
    from metalwatch.analytics.context import MOVE_GROUPS

    return [i.id for i in registry.all_instruments().values()
            if i.kind in ("price", "index", "fx") and i.group in MOVE_GROUPS
            and i.cadence == "daily"]  # fmt: skip


def _ids(instruments: str | Iterable[str] | None) -> list[str]:
    return _movers() if instruments is None else [i.id for i in registry.resolve(instruments)]


def _fields(ids: Iterable[str]) -> list[str]:
    """The registered fields of ``ids``: what the analytics read (skips open/high/low...)."""
    reg = registry.all_instruments()
    return sorted({reg[i].field for i in ids})


def inventories(
    instruments: str | Iterable[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    *,
    unit: str | None = None,
    tidy: bool = False,
    store: StoreArg = None,
) -> pd.DataFrame:
    """Warehouse stocks: DatetimeIndex x inventory ids (default: every one with data).

    ``unit`` converts masses (``'t'``: short tons and ounces to tonnes); units are in
    ``.attrs['units']``. ``tidy=True`` returns rows ``date, instrument, value, unit``.
    """
    from metalwatch.analytics.units import convert_wide

    reg = registry.all_instruments()
    if instruments is None:
        ids = [i.id for i in reg.values() if i.kind == "inventory"]
    else:
        ids = [i.id for i in registry.resolve(instruments)]
        wrong = [i for i in ids if reg[i].kind != "inventory"]
        if wrong:
            raise InvalidInputError(f"not inventory series: {', '.join(wrong)}")
    with _opened(store) as st:
        df = st.read(ids, fields=["stock"], start=_date(start), end=_date(end))
    if df.empty:
        raise NoDataError("no stored stocks for the series and range asked")
    wide = frame.to_wide(df, "stock")
    if instruments is not None:
        wide = wide.reindex(columns=ids)
        wide.attrs["units"] = {i: reg[i].unit for i in ids}
    if unit is not None:
        wide = convert_wide(wide, unit)
    return _tidy(wide) if tidy else wide


def spreads(
    ids: str | Iterable[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    *,
    detail: bool = False,
    tidy: bool = False,
    store: StoreArg = None,
    **params: object,
) -> pd.DataFrame:
    """Cross-venue spreads and ratios by day: SHFE/LME ratios, import P/L, gold/silver, ...

    Parameters
    ----------
    ids
        Spread ids (default all): ``CU.SHFE/LME``, ``CU.IMPORT`` (CNY/t), ``AU/AG``,
        ``AU.SH-LDN`` (USD/oz), ``CU.CASH-3M`` (USD/t), and the same for ``AL`` and ``SN``.
    detail
        With a single id, return that spread's legs, USD/CNY rate and its date, and terms.
    **params
        ``tenor``, ``vat``, ``duty``, ``premium_usd``, ``fees_cny``, ``max_fx_age_days``; see
        :mod:`metalwatch.analytics.spreads` for their documented defaults.
    """
    from metalwatch.analytics import spreads as sp

    wanted = list(sp.SPREADS) if ids is None else [ids] if isinstance(ids, str) else list(ids)
    age = int(params.get("max_fx_age_days", sp.u.MAX_FX_AGE_DAYS))
    first = _date(start)
    with _opened(store) as st:
        data = st.read(sp.LEGS, start=None if first is None else first - pd.Timedelta(days=age),
                       end=_date(end))  # fmt: skip
    if detail:
        if len(wanted) != 1:
            raise InvalidInputError("detail=True needs exactly one spread id")
        sid = wanted[0]
        if sid not in sp.SPREADS:
            raise InvalidInputError(f"unknown spread {sid!r} (known: {', '.join(sp.SPREADS)})")
        code, _, what = sid.partition(".")
        fns = {"SHFE/LME": sp.shfe_lme_ratio, "IMPORT": sp.import_pl}
        if what in fns:
            out = fns[what](data, code, **params)
        elif what == "CASH-3M":
            out = sp.cash_3m(data, code)
        else:
            out = sp.gold_silver_ratio(data) if sid == "AU/AG" else sp.gold_premium(data, **params)
    else:
        out = sp.all_spreads(data, wanted, **params)
        if out.empty:
            raise NoDataError(f"no spread computable: {out.attrs['skipped']}")
    if first is not None:
        out = out.loc[first:]
    return _tidy(out) if tidy and not detail else out


def context(
    week: str | None = None,
    *,
    kinds: Iterable[str] | None = None,
    notable: bool = False,
    store: StoreArg = None,
    **params: object,
) -> pd.DataFrame:
    """The week's strongest statistical facts as records, strongest first.

    Kinds: extreme moves (z-score, percentile, largest in N weeks), volatility, trend,
    correlation to the dollar index, inventories vs their seasonal norm, import windows,
    Shanghai-London gold premium, gold/silver ratio, LME cash-3M. The record shape is documented
    in :mod:`metalwatch.analytics.context`; ``.attrs['skipped']`` says what could not be
    computed and why. ``notable=True`` keeps the facts that pass their kind's threshold.
    """
    from metalwatch.analytics.context import weekly_context
    from metalwatch.analytics.spreads import LEGS

    reg = registry.all_instruments()
    ids = sorted(set(_movers()) | set(LEGS) | {i for i, r in reg.items() if r.kind == "inventory"})
    with _opened(store) as st:
        w = resolve_week(week, st)
        data = st.read(ids, fields=_fields(ids), end=w)
    out = weekly_context(data, w, kinds=None if kinds is None else list(kinds), **params)
    if notable:
        kept = out[out["notable"]].reset_index(drop=True)
        kept.attrs = out.attrs
        out = kept
    return out


def convert(
    data: pd.DataFrame | str | Iterable[str],
    to: str | dict[str, str],
    *,
    ex_vat: bool = True,
    fx: pd.Series | float | None = None,
    max_fx_age_days: int = 5,
    start: str | None = None,
    end: str | None = None,
    tidy: bool = False,
    store: StoreArg = None,
) -> pd.DataFrame:
    """Convert prices or stocks to another unit, e.g. every copper price to ``'USD/t'``.

    Parameters
    ----------
    data
        A wide frame from :func:`prices` / :func:`inventories` (units in ``.attrs``), or ids.
    to
        Target unit for every column, or ``{id: unit}``.
    ex_vat
        Strip the VAT included in SHFE prices (dated 17 % / 16 % / 13 %; gold has none).
    fx
        USD/CNY rates by date or an explicit constant; default: the stored ``FX.USDCNY`` close
        as of each date, at most ``max_fx_age_days`` old (older: NaN, counted in
        ``.attrs['fx']``).
    """
    from metalwatch.analytics.units import FX_ID, convert_wide, parse_unit

    wide = data if isinstance(data, pd.DataFrame) else prices(data, start, end, store=store)
    units = wide.attrs.get("units", {})
    targets = to if isinstance(to, dict) else dict.fromkeys(wide.columns, to)
    needs_fx = any(parse_unit(units.get(c, "")).currency != parse_unit(t).currency
                   for c, t in targets.items())  # fmt: skip
    if needs_fx and fx is None and not wide.empty:
        lo = wide.index.min() - pd.Timedelta(days=max_fx_age_days)
        with _opened(store) as st:
            rates = st.read([FX_ID], fields=["close"], start=lo, end=wide.index.max())
        fx = pd.Series(rates["value"].to_numpy(), index=pd.DatetimeIndex(rates["date"]))
    out = convert_wide(wide, targets, fx=fx, ex_vat=ex_vat, max_age_days=max_fx_age_days)
    return _tidy(out) if tidy else out


def volatility(
    week: str | None = None,
    instruments: str | Iterable[str] | None = None,
    *,
    days: int = 63,
    weeks: int = 26,
    store: StoreArg = None,
) -> pd.DataFrame:
    """Realised volatility per instrument at the week: daily, weekly and annualised (percent)."""
    from metalwatch.analytics.stats import realised_vol

    ids = _ids(instruments)
    with _opened(store) as st:
        w = resolve_week(week, st)
        data = st.read(ids, fields=_fields(ids), end=w)
    return realised_vol(data, w, days=days, weeks=weeks)


def move_stats(
    week: str | None = None,
    instruments: str | Iterable[str] | None = None,
    *,
    lookback_weeks: int | None = 520,
    store: StoreArg = None,
) -> pd.DataFrame:
    """This week's move per instrument vs its own history: z-score, percentile, largest in N."""
    from metalwatch.analytics.stats import move_stats as _move_stats

    ids = _ids(instruments)
    with _opened(store) as st:
        w = resolve_week(week, st)
        data = st.read(ids, fields=_fields(ids), end=w)
    return _move_stats(data, w, lookback_weeks=lookback_weeks)


def seasonal(
    instrument: str, week: str | None = None, *, years: int = 5, store: StoreArg = None
) -> pd.DataFrame:
    """A stock series' STL decomposition and seasonal norm, weekly, up to ``week``."""
    from metalwatch.analytics.stats import seasonal_norm

    inst = registry.get(instrument)
    with _opened(store) as st:
        w = None if week is None else week_ending(week)
        data = st.read([inst.id], fields=["stock"], end=w)
    return seasonal_norm(data, inst.id, w, years=years)


def beta(
    instruments: str | Iterable[str] | None = None,
    benchmark: str = "ICE.DXY",
    *,
    window: int = 52,
    stat: str = "beta",
    start: str | None = None,
    end: str | None = None,
    tidy: bool = False,
    store: StoreArg = None,
) -> pd.DataFrame:
    """Rolling beta (or ``stat='corr'``, ``'r2'``) of weekly returns to the dollar index.

    Wide: weeks x instruments holding ``stat``; ``tidy=True`` gives every statistic per row.
    """
    from metalwatch.analytics.stats import rolling_beta

    if stat not in ("beta", "corr", "r2", "alpha"):
        raise InvalidInputError(f"stat {stat!r} is not one of beta, corr, r2, alpha")
    ids = [i for i in _ids(instruments) if i != benchmark]
    bench = registry.get(benchmark).id
    with _opened(store) as st:
        data = st.read([*ids, bench], start=_date(start), end=_date(end))
    long = rolling_beta(data, [i for i in ids if i in set(data["instrument"])], bench,
                        window=window)  # fmt: skip
    if tidy:
        return long
    wide = long.pivot(index="week", columns="series", values=stat).reindex(
        columns=[i for i in ids if i in set(long["series"])])  # fmt: skip
    wide.columns.name = None
    wide.attrs = {"units": dict.fromkeys(wide.columns, stat), "window": long.attrs["window"]}
    return wide


def plot(
    data: pd.DataFrame | str | Iterable[str],
    start: str | None = None,
    end: str | None = None,
    *,
    rebase: bool = False,
    title: str | None = None,
    ax: object | None = None,
    store: StoreArg = None,
):
    """A quick matplotlib line chart of a wide frame or of instruments' prices; returns the Axes.

    Each column is drawn over its own trading days. ``rebase=True`` rescales every series to
    100 at its first value; otherwise two units share the chart with a second y axis.
    """
    import matplotlib.pyplot as plt

    wide = data if isinstance(data, pd.DataFrame) else prices(data, start, end, store=store)
    wide = wide.loc[_date(start) : _date(end)]
    units = wide.attrs.get("units", {})
    units = units if isinstance(units, dict) else dict.fromkeys(wide.columns, units)
    groups: dict[str, list[str]] = {}
    for col in wide.columns:
        groups.setdefault("rebased (first = 100)" if rebase else units.get(col, ""), []).append(col)
    if len(groups) > 2:
        raise InvalidInputError(f"{len(groups)} different units in one chart: pass rebase=True")
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    axes = [ax, ax.twinx()] if len(groups) == 2 else [ax]
    for i, ((unit, cols), axis) in enumerate(zip(groups.items(), axes, strict=True)):
        for j, col in enumerate(cols):
            s = wide[col].dropna()
            if rebase and not s.empty:
                s = s / s.iloc[0] * 100
            axis.plot(s.index, s.to_numpy(), label=f"{col} ({units.get(col, '')})",
                      color=f"C{i * len(groups[next(iter(groups))]) + j}", lw=1.2)  # fmt: skip
        axis.set_ylabel(unit)
    handles = [h for a in axes for h in a.get_legend_handles_labels()[0]]
    ax.legend(handles, [h.get_label() for h in handles], loc="best", fontsize=8)
    ax.set_title(title or ", ".join(map(str, wide.columns)))
    ax.grid(alpha=0.3)
    return ax

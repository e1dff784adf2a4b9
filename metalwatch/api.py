"""The notebook API: small functions over the store, re-exported from ``metalwatch``."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from metalwatch import frame, registry
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
    reg = registry.all_instruments()
    market = {
        (i.id, i.field) for i in reg.values() if i.group in MARKET_GROUPS and i.cadence == "daily"
    }
    last = pd.Series({k: v for k, v in st.last_dates().items() if k in market}, dtype="object")
    newest = latest_week(pd.to_datetime(last))
    if week is None:
        return newest
    w = week_ending(week)
    first = pd.to_datetime(
        pd.Series([v for k, v in st.info().set_index(["instrument", "field"])["first"].items()
                   if k in market])  # fmt: skip
    ).min()
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
    reg = registry.all_instruments()
    with _opened(store) as st:
        w = resolve_week(week, st)
        data = st.read(ids, fields=sorted({reg[i].field for i in ids}), end=w)
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

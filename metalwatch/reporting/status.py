"""What the report says about its own data: stale and missing series, sources, the week's news."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from metalwatch import registry
from metalwatch.reporting.i18n import tr
from metalwatch.sources import bundled
from metalwatch.store import Store


@dataclass
class SourceRow:
    """Where one series comes from and how fresh it is."""

    instrument: str
    name: str
    source: str
    licence: str
    first: str
    last: str
    as_of: str
    stale: bool


@dataclass
class DataStatus:
    """Stale series (with why), missing series, and the sources table."""

    stale: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    sources: list[SourceRow] = field(default_factory=list)


def _failed_updates(store: Store, week: pd.Timestamp) -> dict[str, dict]:
    """Series whose latest update attempt (made after the week ended) failed."""
    fetches = store.last_fetches()
    if fetches.empty:
        return {}
    failed = fetches[(fetches["status"] != "ok")
                     & (pd.to_datetime(fetches["attempted_at"]).dt.tz_localize(None) >= week)]
    return {r["instrument"]: r for r in failed.to_dict("records")}  # fmt: skip


def data_status(store: Store, moves: pd.DataFrame, data: pd.DataFrame, week: pd.Timestamp,
                lang: str) -> DataStatus:  # fmt: skip
    """Collect stale and missing series and one sources row per series with data.

    ``data`` is the canonical frame the moves came from; its ``source`` column says where each
    week's close came from for series without bundled provenance.
    """
    prov = bundled.provenance()
    failed = _failed_updates(store, week)
    fields = registry.attribute_map("field")
    spans = store.span([(str(i), str(fields[str(i)])) for i in moves.index])
    close_rows = data.set_index(["instrument", "date"])["source"]
    out = DataStatus()
    for iid, m in moves.iterrows():
        inst = registry.get(str(iid))
        if m["status"] == "no data":
            reason = tr(lang, "no data on or before this week")
            if iid in bundled.missing():
                reason = tr(lang, "no public history bundled; fetched by the live adapter")
            out.missing.append({"instrument": iid, "name": inst.name(lang), "reason": reason})
            continue
        as_of = f"{m['close_date']:%Y-%m-%d}"
        fail = failed.get(str(iid))
        if m["stale"] or fail is not None:
            reason = (tr(lang, "update failed: %(message)s", message=fail["message"])
                      if fail is not None else
                      tr(lang, "last observation %(days)s days before the week's end",
                         days=(week - m["close_date"]).days))  # fmt: skip
            out.stale.append({"instrument": iid, "name": inst.name(lang), "as_of": as_of,
                              "reason": reason})  # fmt: skip
        first, last = spans.get((str(iid), inst.field), ("", ""))
        p = prov.get(str(iid), {})
        row_source = close_rows.get((str(iid), m["close_date"]), "")
        if isinstance(row_source, pd.Series):  # several fields that day
            row_source = row_source.iloc[0]
        out.sources.append(SourceRow(
            instrument=str(iid), name=inst.name(lang),
            source=p.get("upstream") or str(row_source), licence=p.get("licence", ""),
            first=first, last=last, as_of=as_of, stale=bool(m["stale"]) or fail is not None,
        ))  # fmt: skip
    return out


def week_news(store: Store, week: pd.Timestamp, keywords: list[str]) -> list[dict]:
    """Stored headlines dated in the week (Saturday to Friday) matching any keyword."""
    news = store.news(f"{week - pd.Timedelta(days=6):%Y-%m-%d}", f"{week:%Y-%m-%d}")
    if news.empty:
        return []
    title = news["title"].str.lower()
    hit = pd.Series(False, index=news.index)
    for kw in keywords:
        hit |= title.str.contains(kw.lower(), regex=False)
    return news[hit].to_dict("records")

"""What the report says about its own data: stale and missing series, sources, the week's news.

Pure functions of the week's :class:`~metalwatch.store.week.WeekData` and its moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from metalwatch import provenance, registry
from metalwatch.reporting.figures import FigureBook
from metalwatch.reporting.i18n import N_, iso_date, tr
from metalwatch.reporting.news_relevance import NewsRule, relevant
from metalwatch.store.week import WeekData


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
class StatusItem:
    """A stale or missing series and why."""

    instrument: str
    name: str
    reason: str
    as_of: str = ""


#: How the series fetched live only are grouped in the status line, by venue (msgids);
#: equities of any venue are one group, an unlisted venue is its own.
LIVE_GROUPS = {
    "SGE": N_("SGE prices and benchmarks"),
    "100PPI": N_("100ppi spot and basis"),
    "SHFE": N_("SHFE stocks and warrants"),
    "SW": N_("Shenwan indices and valuation"),
    "CN": N_("China quotes"),
}
EQUITY_GROUP = N_("Overseas equities")


@dataclass
class StatusGroup:
    """Series of one kind with no bundled history and no update attempt yet."""

    label: str
    ids: list[str]
    #: How many, as printed (recorded in the figure book).
    count: str


@dataclass
class DataStatus:
    """Stale series (with why), missing series, the live-only series not yet fetched (grouped),
    and the sources table."""

    stale: list[StatusItem] = field(default_factory=list)
    missing: list[StatusItem] = field(default_factory=list)
    sources: list[SourceRow] = field(default_factory=list)
    unfetched: list[StatusGroup] = field(default_factory=list)
    #: How many live-only series were never fetched, as printed.
    unfetched_count: str = ""


def live_group(inst: registry.Instrument) -> str:
    """The status line's group (a msgid) of a series fetched live only."""
    if inst.group == "equity":
        return EQUITY_GROUP
    return LIVE_GROUPS.get(inst.venue, inst.venue)


def failed_updates(fetches: pd.DataFrame, week: pd.Timestamp) -> dict[str, dict[str, Any]]:
    """Series whose latest update attempt (made after the week ended) failed."""
    if fetches.empty:
        return {}
    attempted = pd.to_datetime(fetches["attempted_at"]).dt.tz_localize(None)
    failed = fetches[(fetches["status"] != "ok") & (attempted >= week)]
    return {
        str(r["instrument"]): {str(k): v for k, v in r.items()} for r in failed.to_dict("records")
    }


def source_labels(data: WeekData, moves: pd.DataFrame) -> dict[str, str]:
    """Where each series' close of the week came from: bundled provenance, else the row's source."""
    rows = data.observations.drop_duplicates(["instrument", "date"], keep="last")
    by_day = rows.set_index(["instrument", "date"])["source"]
    out = {}
    for iid, m in moves[moves["status"] != "no data"].iterrows():
        upstream = provenance.provenance().get(str(iid), {}).get("upstream")
        out[str(iid)] = upstream or str(by_day.get((iid, m["close_date"]), ""))
    return out


def data_status(
    data: WeekData, moves: pd.DataFrame, sources: dict[str, str], book: FigureBook
) -> DataStatus:
    """Collect stale and missing series and one sources row per series with data.

    A series whose latest update attempt after the week failed is stale too, and ``moves``'s
    ``stale`` column is set for it.
    """
    lang, week = book.lang, data.week
    failed = failed_updates(data.fetches, week)
    missing_ids = set(provenance.missing())
    tried = _last_attempts(data.fetches)
    out = DataStatus()
    groups: dict[str, list[str]] = {}
    for iid, m in moves.iterrows():
        iid = str(iid)
        inst = registry.get(iid)
        if m["status"] == "no data":
            attempt = tried.get(iid)
            if iid in missing_ids and attempt is None:
                groups.setdefault(live_group(inst), []).append(iid)
                continue
            reason = tr(lang, "no data on or before this week")
            if attempt is not None and attempt["status"] != "ok":
                reason = tr(lang, "update failed: %(message)s", message=attempt["message"])
            elif iid in missing_ids:
                reason = tr(lang, "no public history bundled; the live update stored none so far")
            out.missing.append(StatusItem(iid, inst.name(lang), reason))
            continue
        as_of = iso_date(m["close_date"])
        fail = failed.get(iid)
        stale = bool(m["stale"]) or fail is not None
        if stale:
            moves.loc[iid, "stale"] = True
            if fail is not None:
                reason = tr(lang, "update failed: %(message)s", message=fail["message"])
            else:
                days = book.count(
                    "status",
                    iid,
                    "age_days",
                    (week - m["close_date"]).days,
                    "days",
                    "week's Friday - date of the last observation",
                )
                reason = tr(lang, "last observation %(days)s days before the week's end", days=days)
            out.stale.append(StatusItem(iid, inst.name(lang), reason, as_of))
        first, last = data.spans.get(iid, ("", ""))
        out.sources.append(
            SourceRow(
                instrument=iid,
                name=inst.name(lang),
                source=sources.get(iid, ""),
                licence=str(provenance.provenance().get(iid, {}).get("licence", "")),
                first=first,
                last=last,
                as_of=as_of,
                stale=stale,
            )
        )
    how = "registered series with no bundled history and no update attempt"
    out.unfetched = [
        StatusGroup(
            tr(lang, group),
            ids,
            book.count("status", f"UNFETCHED.{ids[0]}", "series", len(ids), "series", how),
        )
        for group, ids in groups.items()
    ]
    if groups:
        total = sum(len(ids) for ids in groups.values())
        out.unfetched_count = book.count("status", "UNFETCHED", "series", total, "series", how)
    return out


def _last_attempts(fetches: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The latest update attempt of each series (any time), by instrument."""
    if fetches.empty:
        return {}
    return {
        str(r["instrument"]): {str(k): v for k, v in r.items()} for r in fetches.to_dict("records")
    }


def week_news(news: pd.DataFrame, rule: NewsRule) -> list[dict[str, str]]:
    """The week's stored headlines that are metals news by ``rule``
    (:mod:`~metalwatch.reporting.news_relevance`: the title and the source decide)."""
    return [
        {
            "date": iso_date(r["date"]),
            "title": str(r["title"]),
            "source": str(r["source"]),
            "foreign": "" if _has_cjk(str(r["title"])) else "en",
        }
        for r in relevant(news, rule).to_dict("records")
    ]


def _has_cjk(text: str) -> bool:
    """Whether ``text`` holds a CJK ideograph (a Chinese headline)."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)

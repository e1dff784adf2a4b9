"""Every number printed in the weekly is in its data appendix (ids and names excepted), and the
report model is a pure function of the week's data."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser

import pandas as pd
import pytest

from metalwatch.reporting import build_weekly, render_html
from metalwatch.reporting.figures import Cell
from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.store import Store
from metalwatch.store.week import read_week

#: Elements whose text is not a figure: headings, labels, names and ids, formulas in words,
#: quoted third-party text.
SKIP_TAGS = frozenset(
    {"style", "script", "head", "title", "th", "caption", "h1", "h2", "nav", "figure"}
)
SKIP_CLASSES = frozenset({"name", "id", "sources", "news", "formula"})
VOID = frozenset({"meta", "img", "br", "link", "hr", "input"})
#: Dates are as-of labels, not figures; instrument ids (``LME.CA.3M``) and futures contracts
#: (``CU2601``) are names.
DATES = re.compile(
    r"\d{1,2} [A-Z][a-z]+ \d{4}|\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月\d{1,2}日|\(\d{2}-\d{2}\)"
)
IDS = re.compile(r"\b[A-Z]{2,}(?:\.[A-Z0-9_]+)+\b|(?<![A-Za-z0-9])[A-Z]{1,2}\d{4}(?!\d)")
#: Fixed words that contain digits: the 52-week range, the 3-month contract, the 5-day move,
#: the 10-year and 2-year Treasury tenors.
LABELS = (
    "52-week",
    "52 weeks",
    "52周",
    "3-month",
    "5-day",
    "10-year",
    "10年期",
    "2-year",
    "2年期",
)
NUMBER = re.compile(r"[+\-−]?\d[\d,]*(?:\.\d+)?%?")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.stack: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        self.stack.append(tag in SKIP_TAGS or bool(classes & SKIP_CLASSES))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not any(self.stack):
            self.parts.append(data)


def printed_numbers(html: str) -> list[str]:
    """The numbers a reader sees in the weekly's body text, dates, ids and labels left out."""
    parser = _Text()
    parser.feed(html)
    text = IDS.sub(" ", DATES.sub(" ", " ".join(parser.parts)))
    for label in LABELS:
        text = text.replace(label, " ")
    return NUMBER.findall(text)


def _bare(text: str) -> str:
    return text.lstrip("+-−").rstrip("%")


def unrecorded(html: str, figures: pd.DataFrame) -> list[str]:
    recorded = {_bare(t) for t in figures["text"].astype(str)}
    return [n for n in printed_numbers(html) if _bare(n) not in recorded]


@pytest.fixture(scope="module")
def week_data(tmp_path_factory, seeded_path):
    path = tmp_path_factory.mktemp("a") / "s.sqlite"
    shutil.copyfile(seeded_path, path)
    with Store(path) as st:
        return read_week(
            st, pd.Timestamp("2025-12-12"), report_instruments(), history_days=HISTORY_DAYS
        )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_printed_number_is_in_the_appendix(week_data, lang):
    model = build_weekly(week_data, lang=lang)
    html = render_html(model)
    numbers = printed_numbers(html)
    assert len(numbers) > 200  # tables, cover, core views, notes, data status
    assert unrecorded(html, model.figures) == []


def test_the_check_finds_a_number_printed_around_the_recorder(week_data):
    model = build_weekly(week_data, lang="en")
    model.sections[0].tables[0].rows[0].append(Cell("12,345.6", "num"))
    model.sections[1].notes.append("A note quoting 777 tonnes.")
    assert unrecorded(render_html(model), model.figures) == ["12,345.6", "777"]


def test_figures_printed_outside_tables_are_recorded(week_data):
    """The review's misses: ranges, ratio range, FX legs, core-view moves, cross-venue legs,
    and the macro, positioning and lithium figures."""
    figs = build_weekly(week_data, lang="en").figures
    got = set(zip(figs["instrument"], figs["metric"], figs["text"], strict=True))
    for expected in [
        ("AU/AG", "low_52w", "67.03"),
        ("FX.USDCNY", "close", "7.0579"),
        ("SHFE.SN", "wow_pct", "4.88%"),
        ("LME.AH.STOCK", "change", "8,650"),
        ("FRED.DGS10", "change_bp", "+5"),
        ("CFTC.GC.FUT", "mm_net", "123,548"),
        ("GFEX.LC", "close", "97,720"),
        ("LME.SN.3M", "close", "41,850"),
        ("CN.PRND_OXIDE", "low", "577,000"),
        ("CN.PRND_OXIDE", "high", "580,000"),
        ("COMEX.GC", "close", "4,300.1"),
    ]:
        assert expected in got, expected


def test_the_model_reads_no_store(week_data, monkeypatch):
    """build_weekly is a pure function of WeekData: any store access fails it."""

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("the report model touched the store")

    for name in ("read", "span", "news", "last_fetches", "meta", "info", "last_dates"):
        monkeypatch.setattr(Store, name, refuse)
    first = build_weekly(week_data, lang="en").figures
    again = build_weekly(week_data, lang="en").figures
    pd.testing.assert_frame_equal(first, again)

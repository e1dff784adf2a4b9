"""Honest staleness and the default week: no change is printed for a figure that is not this
week's, and ``metalwatch report`` without ``--week`` writes a week whose cover is fresh."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from metalwatch.cli import main
from metalwatch.reporting import build_weekly, render_html
from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.store import Store
from metalwatch.store.week import read_week
from metalwatch.weekly import choose_week

DASH = "—"


@pytest.fixture(scope="module")
def path(tmp_path_factory, seeded_path):
    out = tmp_path_factory.mktemp("honest") / "s.sqlite"
    shutil.copyfile(seeded_path, out)
    return out


def model(path, week: str, lang: str = "en"):
    with Store(path) as st:
        data = read_week(st, pd.Timestamp(week), report_instruments(), history_days=HISTORY_DAYS)
    return build_weekly(data, lang=lang)


@pytest.fixture(scope="module")
def latest(path):
    return model(path, "2026-08-21")


def rows(m, key: str) -> dict[str, list[str]]:
    table = next(t for s in m.sections for t in s.tables if t.key == key)
    return {r[0].text: [c.text for c in r] for r in table.rows}


def test_stale_price_shows_level_and_as_of_but_no_change(latest):
    gold = rows(latest, "precious")["COMEX gold (front month) [stale]"]
    # close 4,696.0 of 2026-05-07 (106 days before 2026-08-21): level and date, no WoW, no YTD
    assert gold[3:7] == ["4,696.0", "2026-05-07", DASH, DASH]


def test_no_ytd_of_a_quote_against_itself(latest):
    # the last SMM PrNd quote (2025-12-25, 593,500) is also the 2026 YTD base: a dash, not 0.00%
    prnd = rows(latest, "strategic")["PrNd oxide (SMM quote) [stale]"]
    assert prnd[3] == "593,500" and prnd[5] == "2025-12-25"
    assert prnd[-1] == DASH and prnd[-2] == DASH


def test_recap_prints_no_five_day_move_for_a_series_that_did_not_trade(latest):
    recap = rows(latest, "recap")
    assert recap["COMEX gold (front month) [stale]"][6] == DASH  # was +1.76% (a May move)
    assert recap["SHFE aluminium (main continuous) [stale]"][6] == DASH  # last 2026-06-22
    assert (
        recap["SHFE gold (main continuous)"][6] == "+4.69%"
    )  # traded: 987.44 / 943.16 (2026-08-14) - 1


def test_stale_ratio_has_no_weekly_change(latest):
    ratio = rows(latest, "precious-derived")["Gold/silver ratio (COMEX)"]
    assert ratio[1] == "59.50" and ratio[3] == DASH  # 4696.0 / 78.92 on 2026-05-07; was 0.00


def test_cover_shows_the_as_of_date_of_figures_not_from_this_week(latest, path):
    html = render_html(latest)
    assert html.count("as of 2026-05-07") >= 2  # COMEX gold and silver on the cover
    assert "as of 2025-12-25" in html  # PrNd
    fresh = model(path, "2025-12-12")
    assert not any(k.dated for k in fresh.key_figures)
    year_end = model(path, "2026-01-02", "zh")
    dated = {k.instrument: k.as_of for k in year_end.key_figures if k.dated}
    assert dated == {"CN.PRND_OXIDE": "2025-12-25"}  # fresh (8 days) but not this week's quote
    assert "截至2025-12-25" in render_html(year_end)


def test_default_week_is_the_latest_with_a_fresh_cover(path):
    with Store(path) as st:
        default = choose_week(st)
        latest = choose_week(st, "latest")
        asked = choose_week(st, "2025-12-10")
    # PrNd's last SMM quote is 2025-12-25 (fresh for 14 days): 2026-01-02 is the last fresh week
    assert default.week == pd.Timestamp("2026-01-02")
    assert "COMEX.GC (last 2026-05-07)" in default.reason
    assert "CN.PRND_OXIDE (last 2025-12-25)" in default.reason
    assert latest.week == pd.Timestamp("2026-08-21")
    assert asked.week == pd.Timestamp("2025-12-05")


def test_report_command_says_which_week_and_why(path, tmp_path, capsys):
    out = tmp_path / "w.html"
    assert main(["--store", str(path), "report", "--format", "html", "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert said.startswith("week 2026-01-02: the latest week whose cover figures are all fresh")
    assert "Week ending 2 January 2026" in out.read_text(encoding="utf-8")

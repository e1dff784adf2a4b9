"""One rounding rule for every printed number: half-up on the value's decimal form, in the one
formatter (``FigureBook``) that tables and running text share."""

from __future__ import annotations

import random
import shutil

import pandas as pd
import pytest

from metalwatch.reporting import build_weekly
from metalwatch.reporting.figures import FigureBook, digits
from metalwatch.reporting.i18n import LANGS, LOCALES
from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.store import Store
from metalwatch.store.week import read_week


@pytest.fixture(scope="module")
def data(tmp_path_factory, seeded_path):
    path = tmp_path_factory.mktemp("rounding") / "s.sqlite"
    shutil.copyfile(seeded_path, path)
    with Store(path) as st:
        return read_week(
            st, pd.Timestamp("2025-12-12"), report_instruments(), history_days=HISTORY_DAYS
        )


def test_half_up_on_the_decimal_value():
    # Babel alone rounds half-even (51.965 -> 51.96); Python's float formatting sees
    # 2.675 as 2.67499... (-> 2.67). The weekly's rule gives 51.97 and 2.68 for both.
    assert digits(51.965, 2, "zh", grouped=False) == "51.97"
    assert digits(2.675, 2, "en") == "2.68"
    assert digits(0.125, 2, "en") == "0.13"
    assert digits(-0.125, 2, "en") == "-0.13"
    assert digits(519_650, 2, "zh", grouped=False, per=10_000) == "51.97"
    assert digits(1_234_567.5, 0, "en") == "1,234,568"
    assert digits(1_234_567.5, 0, "zh", grouped=False) == "1234568"
    assert digits(-0.004, 2, "en") == "0.00"  # no "-0.00"


@pytest.mark.parametrize("lang", LANGS)
def test_the_layout_is_cldrs_for_every_language(lang):
    """``digits`` lays numbers out itself; Babel's CLDR pattern gives the same text for every
    language the weekly has, on the rounded value (a language with another layout fails)."""
    from decimal import Decimal

    from babel.numbers import format_decimal

    rng = random.Random(13)
    values = [0.0, 5.0, -5.0, 999.995, 1e9 + 0.5, -1234567.891, 51.965, 0.001]
    values += [rng.uniform(-1e7, 1e7) for _ in range(300)]
    for value in values:
        for decimals in (0, 1, 2, 3):
            for grouped in (True, False):
                text = digits(value, decimals, lang, grouped=grouped)
                pattern = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
                babel = format_decimal(Decimal(text.replace(",", "")), pattern, LOCALES[lang])
                assert text == babel, (value, decimals, grouped)


def test_an_unknown_language_has_no_layout():
    with pytest.raises(ValueError, match="no number layout for language 'de'"):
        digits(1.5, 2, "de")


def test_a_table_cell_and_a_sentence_print_the_same_digits():
    book = FigureBook("zh")
    cell = book.num("inventory", "LME.AH.STOCK", "close", 519_650.0 / 10_000, 2, "10k t")
    text = book.number(
        "industrial", "LME.AH.STOCK", "close", 519_650.0, 2, "10k t", grouped=False, per=10_000
    )
    assert cell.text == text == "51.97"
    assert book.percent("x", "A", "wow_pct", 0.125) == "+0.13%"
    assert book.percent("x", "A", "wow_pct", -0.125, absolute=True, grouped=False) == "0.13%"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_value_printed_twice_prints_the_same_digits(data, lang):
    """A figure printed in a sentence and in a table (same instrument, metric, value and
    unit) shows the same digits: grouping commas, signs and % aside."""
    figs = build_weekly(data, lang=lang).figures
    figs = figs.assign(bare=figs["text"].str.replace(",", "").str.lstrip("+-").str.rstrip("%"))
    groups = figs.groupby(["instrument", "metric", "value", "unit"])["bare"].agg(set)
    twice = groups[figs.groupby(["instrument", "metric", "value", "unit"]).size() > 1]
    assert len(twice) >= 20  # many figures are printed both in prose and in a table
    assert {k: v for k, v in twice.items() if len(v) > 1} == {}
    # e.g. COMEX silver: the core views and the precious table both print 61.36
    si = figs[(figs["instrument"] == "COMEX.SI") & (figs["metric"] == "close")]
    assert set(si["bare"]) == {"61.36"} and len(si) >= 3

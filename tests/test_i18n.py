"""One translation mechanism: every message used has a Chinese translation."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from metalwatch.reporting import i18n

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "extract_messages.py"


def _extract():
    spec = importlib.util.spec_from_file_location("extract_messages", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.messages()


def test_every_message_is_translated():
    found = _extract()
    assert "Week ending %(date)s" in found and "USD/t" in found
    zh = i18n.translations("zh")
    untranslated = [m for m in found if zh.gettext(m) == m]
    assert untranslated == []


def test_placeholders_survive_translation():
    zh = i18n.translations("zh")
    import re

    for msgid in _extract():
        assert set(re.findall(r"%\((\w+)\)s", msgid)) == set(
            re.findall(r"%\((\w+)\)s", zh.gettext(msgid))
        ), msgid


def test_formats():
    assert i18n.long_date("2025-12-12", "zh") == "2025年12月12日"
    assert i18n.long_date("2025-12-12", "en") == "12 December 2025"
    assert i18n.number(1234567.891, 2, "zh") == "1,234,567.89"
    assert i18n.number(float("nan"), 2, "en") == "—"
    assert i18n.unit("USD/oz", "zh") == "美元/盎司" and i18n.unit("t", "zh") == "吨"
    assert i18n.tr("zh", "Week ending %(date)s", date="2025年12月12日") == "截至2025年12月12日当周"


def test_bundled_font_covers_every_translation():
    from fontTools.ttLib import TTFont

    from metalwatch.reporting.typeface import FONT_DIR, FONT_FILES

    zh = i18n.translations("zh")
    text = "".join(zh.gettext(m) for m in _extract())
    for weight, name in FONT_FILES.items():
        cmap = TTFont(FONT_DIR / name).getBestCmap()
        missing = sorted({c for c in text if ord(c) not in cmap and not c.isspace()})
        assert missing == [], (weight, missing)


def test_long_dates_are_babels_for_every_day_and_language():
    from babel.dates import format_date

    for day in pd.date_range("2024-01-01", "2025-12-31"):  # a leap year and a common one
        d = day.date()
        assert i18n.long_date(day, "en") == format_date(d, "d MMMM y", locale="en")
        assert i18n.long_date(day, "zh") == format_date(d, "long", locale="zh_CN")
    assert i18n.long_date(None, "en") == "—"
    with pytest.raises(ValueError, match="no date layout for language 'fr'"):
        i18n.long_date("2025-12-12", "fr")


def test_region_names_are_babels_but_where_a_desk_says_otherwise():
    from babel import Locale

    from metalwatch.reporting import policy

    for lang in i18n.LANGS:
        cldr = Locale.parse(i18n.LOCALES[lang]).territories
        for code, names in policy.CLDR_REGION_NAMES.items():
            assert names[i18n.LANGS.index(lang)] == cldr[code], (code, lang)
            expected = policy.REGION_NAMES.get((code, lang), cldr[code])
            assert policy.region_name(code, lang) == expected
    from metalwatch.ingest.seed import bundled_events

    assert {e.region for e in bundled_events()} <= set(policy.CLDR_REGION_NAMES)
    assert policy.region_name("CD", "en") == "DR Congo"
    assert policy.region_name("CD", "zh") == "刚果（金）"
    assert policy.region_name("ID", "zh") == "印度尼西亚"  # not in the table: Babel's data
    assert policy.region_name("XX", "en") == "XX"  # no such territory: the code


def test_a_weekly_loads_no_locale_data(tmp_path, store_path):
    """Babel's CLDR data is ~4 MiB of a weekly's peak memory (issue 13); the weekly's dates,
    numbers and region names are laid out without it."""
    from tests.test_import_budget import loaded

    code = (
        "from metalwatch import weekly\n"
        "for lang in ('en', 'zh'):\n"
        f"    weekly.write('2025-12-12', format='html', lang=lang, store={str(store_path)!r},\n"
        f"                 output={str(tmp_path)!r} + f'/w-{{lang}}.html')\n"
        "import babel.localedata as ld\n"
        "print(sorted(ld._cache))\n"
    )
    _, printed = loaded(code, ("babel.localedata",))  # the run must succeed
    assert printed.splitlines()[-1] == "[]"
    assert "United States" in (tmp_path / "w-en.html").read_text(encoding="utf-8")


def test_the_packaged_compiled_catalog_is_the_po_as_it_is():
    """``scripts/extract_messages.py`` (or ``--compile``) after every edit of the .po: the
    weekly then reads the .mo with the standard library, not Babel (~25 ms, ~3 MiB)."""
    import gettext
    import hashlib
    import io

    po = i18n.catalog_file("zh", "po").read_bytes()
    kept = gettext.GNUTranslations(io.BytesIO(i18n.catalog_file("zh", "mo").read_bytes()))
    assert kept.gettext(i18n.PO_STAMP) == hashlib.sha256(po).hexdigest(), (
        "metalwatch.mo is older than metalwatch.po: run python scripts/extract_messages.py "
        "--compile"
    )
    fresh = gettext.GNUTranslations(io.BytesIO(i18n.compile_catalog("zh")))
    for msgid in _extract():
        assert kept.gettext(msgid) == fresh.gettext(msgid) != "", msgid
    assert kept.gettext("Week ending %(date)s") == "截至%(date)s当周"


def test_a_po_edited_since_the_mo_was_compiled_is_read_as_edited(tmp_path, monkeypatch):
    packaged = {suffix: i18n.catalog_file("zh", suffix) for suffix in ("po", "mo")}
    edited = (
        packaged["po"]
        .read_text(encoding="utf-8")
        .replace('msgstr "截至%(date)s当周"', 'msgstr "截至%(date)s的一周"')
    )
    assert "截至%(date)s的一周" in edited
    (tmp_path / "metalwatch.po").write_text(edited, encoding="utf-8")
    (tmp_path / "metalwatch.mo").write_bytes(packaged["mo"].read_bytes())  # now stale
    monkeypatch.setattr(i18n, "catalog_file", lambda _lang, sfx: tmp_path / f"metalwatch.{sfx}")
    i18n.translations.cache_clear()
    try:
        assert i18n.tr("zh", "Week ending %(date)s", date="X") == "截至X的一周"
        (tmp_path / "metalwatch.mo").unlink()  # no .mo at all: compiled in memory too
        i18n.translations.cache_clear()
        assert i18n.tr("zh", "Week ending %(date)s", date="X") == "截至X的一周"
    finally:
        i18n.translations.cache_clear()

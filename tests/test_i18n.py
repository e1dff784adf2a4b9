"""One translation mechanism: every message used has a Chinese translation."""

from __future__ import annotations

import importlib.util
from pathlib import Path

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

    from metalwatch.reporting.render import FONT_DIR, FONT_FILES

    zh = i18n.translations("zh")
    text = "".join(zh.gettext(m) for m in _extract())
    for weight, name in FONT_FILES.items():
        cmap = TTFont(FONT_DIR / name).getBestCmap()
        missing = sorted({c for c in text if ord(c) not in cmap and not c.isspace()})
        assert missing == [], (weight, missing)

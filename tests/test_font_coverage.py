"""The bundled CJK fonts map every character a weekly prints, with low glyph ids in both weights.

The characters come from what a weekly prints: the templates, the Chinese catalogue, the
instrument and Chinese source names, the report code's strings and the bundled events and
news. A PDF subsetter's cost grows with the highest glyph id used
(scripts/build_font_subset.py), so those glyphs come first in both weights.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import subprocess
import sys
from pathlib import Path

from fontTools.ttLib import TTFont
from pypdf import PdfReader

from metalwatch.reporting.typeface import FONT_DIR, FONT_FILES

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    *sorted((ROOT / "templates").rglob("*.*")),
    ROOT / "metalwatch/locale/zh_CN/LC_MESSAGES/metalwatch.po",
    ROOT / "metalwatch/instruments.toml",
    ROOT / "metalwatch/data/provenance_zh.toml",
    *sorted((ROOT / "metalwatch/reporting").glob("*.py")),
    ROOT / "metalwatch/data/events.csv",
    ROOT / "metalwatch/data/news.csv.gz",
]


def weekly_characters() -> str:
    text = ""
    for path in SOURCES:
        raw = path.read_bytes()
        text += (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")
    return "".join(sorted({c for c in text if c.isprintable() and not c.isspace()}))


#: The weekly's glyphs have ids below this (1,394 when the fonts were built).
FIRST_IDS = 1_400


def fonts() -> dict[str, TTFont]:
    return {weight: TTFont(FONT_DIR / name) for weight, name in FONT_FILES.items()}


def test_every_weekly_character_is_in_both_weights():
    chars = weekly_characters()
    assert "稀" in chars and "證" in chars and "℃" not in chars  # the sources were read
    for weight, font in fonts().items():
        cmap = font.getBestCmap()
        assert [c for c in chars if ord(c) not in cmap] == [], weight


def test_weekly_glyphs_come_first_and_share_ids_across_weights():
    chars = weekly_characters()
    ids = {}
    for weight, font in fonts().items():
        cmap, gid = font.getBestCmap(), font.getReverseGlyphMap()
        ids[weight] = {c: gid[cmap[ord(c)]] for c in chars}
        late = [c for c, i in ids[weight].items() if i >= FIRST_IDS]
        # The former fonts had nearly all of them past id 1,400 (up to 13,943). A few new
        # characters (a new translation) may land later until the fonts are rebuilt.
        assert len(late) <= len(chars) // 50, (
            f"{weight}: {''.join(late)} are past glyph id {FIRST_IDS}: rebuild the fonts with "
            "scripts/build_font_subset.py"
        )
        assert len(font.getGlyphOrder()) > 8_500  # all of GB2312 is still there
    assert ids["regular"] == ids["bold"]


RENDER = """
import sys
from pathlib import Path
from metalwatch.reporting.render import write_pdf
from metalwatch.reporting.typeface import FONT_FAMILY
text = Path(sys.argv[1]).read_text(encoding="utf-8")
html = (f'<html lang="zh-CN"><body style="font-family: \\'{FONT_FAMILY}\\'">'
        f'<p>{text}</p><p><b>{text}</b></p></body></html>')
print("\\n".join(write_pdf(html, Path(sys.argv[2]))))
"""


def to_unicode_ids(stream: bytes) -> dict[int, str]:
    """Glyph id -> text of a ToUnicode CMap (WeasyPrint writes bfchar entries)."""
    pairs = re.findall(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>", stream)
    return {int(g, 16): bytes.fromhex(u.decode()).decode("utf-16-be") for g, u in pairs}


def test_zh_pdf_has_no_missing_glyph_with_no_system_fonts(tmp_path):
    chars = "".join(c for c in weekly_characters() if c not in "<>&")
    (tmp_path / "chars.txt").write_text(chars, encoding="utf-8")
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>"
    )
    out = tmp_path / "chars.pdf"
    run = subprocess.run(
        [sys.executable, "-c", RENDER, str(tmp_path / "chars.txt"), str(out)],
        env={**os.environ, "FONTCONFIG_FILE": str(conf)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == ""  # no WeasyPrint warning
    counts = {w: len(f.getGlyphOrder()) for w, f in fonts().items()}
    seen: dict[str, set[str]] = {}
    for page in PdfReader(io.BytesIO(out.read_bytes())).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            name = str(font["/BaseFont"]).split("+")[-1]
            mapping = to_unicode_ids(font["/ToUnicode"].get_object().get_data())
            # WeasyPrint numbers a character the font lacks past the font's last glyph
            limit = counts["bold" if name.endswith("Bold") else "regular"]
            assert max(mapping) < limit, name
            seen.setdefault(name, set()).update(mapping.values())
    assert set(seen) == {"MW-Sans-SC", "MW-Sans-SC-Bold"}
    for name, texts in seen.items():
        assert set(chars) <= set("".join(texts)), name

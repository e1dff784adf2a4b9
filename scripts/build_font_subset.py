"""Subset an OFL CJK font (Noto Sans SC / Noto Sans CJK SC) to GB2312 + Latin + punctuation.

The subset ships in ``metalwatch/fonts/`` so Chinese reports render real glyphs on a machine
with no CJK font installed. Usage::

    python scripts/build_font_subset.py SOURCE_FONT OUTPUT.otf [--font-number N]

The glyph order is rebuilt so the glyphs a weekly prints come first: ``.notdef``, then the
characters of :func:`weekly_text` (ASCII, the templates, the Chinese catalogue, the instrument
names, the bundled events and news) in one fixed order, then every other character by code
point, then glyphs reached only through layout features. Both weights, built from the same
character set, map each of those characters to the same glyph id. This matters because the
PDF subsetter (fontTools' in WeasyPrint's fallback path, and HarfBuzz's second pass) costs in
proportion to the highest glyph id used, not the number of glyphs used.

Layout features are kept except ``aalt`` (a glyph picker's list of every alternate), and
language systems other than Simplified Chinese are dropped first (the Japanese, Korean and
Traditional ``locl`` forms of the Noto Sans CJK collection: never used by a Simplified Chinese
or English report, and 5,800 of the Bold's former 14,336 glyphs).

Sources used for the committed files (both SIL OFL 1.1, see metalwatch/fonts/OFL.txt):
Regular from NotoSansSC-Regular.otf (Noto Sans SC 2.004, PyPI wheel pylopdf-fonts-zh-cn 0.1.1);
Bold from Debian fonts-noto-cjk NotoSansCJK-Bold.ttc, face "Noto Sans CJK SC" (font number 2).
The committed files were built from those sources with::

    python scripts/build_font_subset.py NotoSansSC-Regular.otf \
        metalwatch/fonts/NotoSansSC-Regular-subset.otf --also events.csv headlines.csv
    python scripts/build_font_subset.py NotoSansCJK-Bold.ttc --font-number 2 \
        metalwatch/fonts/NotoSansSC-Bold-subset.otf --also events.csv headlines.csv

where ``events.csv`` and ``headlines.csv`` are the seed news and events of
``shared/data/seed_news_events`` (not yet bundled; their characters are kept and ordered first).
"""

from __future__ import annotations

import argparse
import gzip
import io
import unicodedata
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.reorderGlyphs import reorderGlyphs

ROOT = Path(__file__).resolve().parent.parent
#: Files and folders whose text a weekly prints (its glyphs are ordered first, in this order):
#: the templates, then the package's text files (the catalogue, the registry, the Chinese
#: source names, the bundled events, strings in the code), then the bundled news.
WEEKLY_TEXT_FILES = (
    "templates",
    "metalwatch/locale/zh_CN/LC_MESSAGES/metalwatch.po",
    "metalwatch",
    "metalwatch/data/news.csv.gz",
)
#: Suffixes of the text files read in a folder.
TEXT_SUFFIXES = frozenset({".j2", ".css", ".html", ".po", ".py", ".toml", ".csv", ".yaml", ".md"})
#: Code point ranges ordered first whether or not a file uses them: ASCII, Latin-1, general
#: punctuation (… — ‰), arrows, letterlike (℃), math (− ≈ ≤), CJK and full-width punctuation.
FIRST_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0xFF),
    (0x2000, 0x206F),
    (0x2100, 0x214F),
    (0x2190, 0x2199),
    (0x2200, 0x22FF),
    (0x3000, 0x303F),
    (0xFF01, 0xFF5E),
)
#: Layout features left out (see the module docstring).
DROPPED_FEATURES = frozenset({"aalt"})
#: Language systems kept (with each script's default): Simplified Chinese only.
KEPT_LANGUAGES = frozenset({"ZHS "})


def gb2312_codepoints() -> set[int]:
    """Every character GB2312 encodes (two-byte rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    cps = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                cps.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return cps


def _read_text(path: Path) -> str:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES)
        return "".join(_read_text(p) for p in files)
    if path.suffix == ".gz":
        return gzip.decompress(path.read_bytes()).decode("utf-8")
    return path.read_text(encoding="utf-8")


def weekly_text(extra: list[Path] | None = None) -> str:
    """The characters a weekly prints, first appearance first: Latin and punctuation, the files."""
    text = "".join(chr(c) for lo, hi in FIRST_RANGES for c in range(lo, hi + 1))
    for name in WEEKLY_TEXT_FILES:
        text += _read_text(ROOT / name)
    for path in extra or []:
        text += _read_text(path)
    # Korean appears in source notes only (KOMIS), never in a weekly; the Regular lacks it, and
    # a character one weight lacks would shift the other's ids.
    kept = (c for c in text if c.isprintable() and "HANGUL" not in unicodedata.name(c, ""))
    return "".join(dict.fromkeys(kept))


def wanted_codepoints(first: str = "") -> set[int]:
    """GB2312, the Latin/punctuation/symbol blocks, and every character of ``first``."""
    ranges = [
        (0x20, 0x7E),  # ASCII
        (0xA0, 0xFF),  # Latin-1
        (0x2000, 0x206F),  # general punctuation (— – · … ‰)
        (0x2190, 0x2199),  # arrows
        (0x2200, 0x22FF),  # mathematical operators (− ×  ≈ ≤ ≥)
        (0x2100, 0x214F),  # letterlike (℃ №)
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0xFF00, 0xFFEF),  # full-width forms
    ]
    cps = gb2312_codepoints() | {ord(c) for c in first}
    for lo, hi in ranges:
        cps.update(range(lo, hi + 1))
    return cps


def substitutes(font: TTFont, glyphs: set[str]) -> set[str]:
    """Glyphs the font's GSUB can turn ``glyphs`` into (ligatures, alternates), transitively."""
    lookups = font["GSUB"].table.LookupList.Lookup if "GSUB" in font else []
    found = set(glyphs)
    while True:
        new: set[str] = set()
        for lookup in lookups:
            for table in lookup.SubTable:
                table = getattr(table, "ExtSubTable", table)
                for source, target in getattr(table, "mapping", {}).items():  # single
                    if source in found:
                        new.add(target)
                for source, targets in getattr(table, "alternates", {}).items():
                    if source in found:
                        new.update(targets)
                for first, ligatures in getattr(table, "ligatures", {}).items():
                    for lig in ligatures if first in found else []:
                        if set(lig.Component) <= found:
                            new.add(lig.LigGlyph)
        if new <= found:
            return found - set(glyphs)
        found |= new


def glyph_order(font: TTFont, first: str) -> list[str]:
    """``.notdef``, the glyphs of ``first`` then their substitutes, the same for every character."""
    cmap = font.getBestCmap()
    gid = font.getReverseGlyphMap()
    names = list(dict.fromkeys(cmap[ord(c)] for c in first if ord(c) in cmap))
    names += sorted(substitutes(font, set(names)), key=gid.__getitem__)
    every = {cmap[cp] for cp in cmap}
    names += [cmap[cp] for cp in sorted(cmap)]
    names += sorted(substitutes(font, every), key=gid.__getitem__)
    names += font.getGlyphOrder()
    return list(dict.fromkeys([".notdef", *names]))


def reorder_glyphs(font: TTFont, order: list[str]) -> None:
    """Renumber the glyphs of a CFF-flavoured ``font`` to ``order`` (a permutation).

    fontTools' ``reorderGlyphs`` re-sorts the layout tables' coverages; the CID font's
    ``FDSelect`` (which private dictionary each glyph uses) is permuted here.
    """
    if order[0] != ".notdef":
        raise ValueError("the new glyph order must start with .notdef")
    top = font["CFF "].cff.topDictIndex[0]
    for name in font.getGlyphOrder():  # load each charstring with its private dict first
        top.CharStrings[name]
    old = dict(font.getReverseGlyphMap())
    fd_of = list(top.FDSelect.gidArray) if hasattr(top, "FDSelect") else None
    reorderGlyphs(font, order)
    if fd_of is not None:
        top.FDSelect.gidArray = [fd_of[old[g]] for g in order]
        top.FDSelect.format = None


def build(source: Path, output: Path, font_number: int = 0, extra: list[Path] | None = None) -> int:
    """Write the subset of ``source`` to ``output``; returns how many characters it maps."""
    first = weekly_text(extra)
    font = TTFont(source, fontNumber=font_number, lazy=False)
    features = {r.FeatureTag for t in ("GSUB", "GPOS") if t in font for r in _features(font, t)}
    for tag in ("GSUB", "GPOS"):
        for record in font[tag].table.ScriptList.ScriptRecord if tag in font else []:
            script = record.Script
            script.LangSysRecord = [
                r for r in script.LangSysRecord if r.LangSysTag in KEPT_LANGUAGES
            ]
            script.LangSysCount = len(script.LangSysRecord)
    options = subset.Options()
    options.layout_features = sorted(features - DROPPED_FEATURES)
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.desubroutinize = False
    sub = subset.Subsetter(options)
    cmap = font.getBestCmap()
    sub.populate(unicodes=[c for c in wanted_codepoints(first) if c in cmap])
    sub.subset(font)
    # Round-trip so every table is compiled under the subset's own order before renumbering.
    buffer = io.BytesIO()
    font.save(buffer)
    font = TTFont(io.BytesIO(buffer.getvalue()), lazy=False)
    reorder_glyphs(font, glyph_order(font, first))
    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(output)
    return len(font.getBestCmap())


def _features(font: TTFont, tag: str) -> list[object]:
    feature_list = font[tag].table.FeatureList
    return list(feature_list.FeatureRecord) if feature_list else []


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("source", type=Path)
    p.add_argument("output", type=Path)
    p.add_argument("--font-number", type=int, default=0)
    p.add_argument(
        "--also", type=Path, nargs="*", default=[], help="more text files whose characters to keep"
    )
    a = p.parse_args()
    n = build(a.source, a.output, a.font_number, a.also)
    print(f"{a.output}: {n} characters, {a.output.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()

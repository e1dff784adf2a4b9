"""Subset an OFL CJK font (Noto Sans SC / Noto Sans CJK SC) to GB2312 + Latin + punctuation.

The subset ships in ``metalwatch/fonts/`` so Chinese reports render real glyphs on a machine
with no CJK font installed. Usage::

    python scripts/build_font_subset.py SOURCE_FONT OUTPUT.otf [--font-number N]

Sources used for the committed files (both SIL OFL 1.1, see metalwatch/fonts/OFL.txt):
Regular from NotoSansSC-Regular.otf (Noto Sans SC 2.004, PyPI wheel pylopdf-fonts-zh-cn 0.1.1);
Bold from Debian fonts-noto-cjk NotoSansCJK-Bold.ttc, face "Noto Sans CJK SC" (font number 2).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont


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


def wanted_codepoints() -> set[int]:
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
    cps = gb2312_codepoints()
    for lo, hi in ranges:
        cps.update(range(lo, hi + 1))
    return cps


def build(source: Path, output: Path, font_number: int = 0) -> int:
    font = TTFont(source, fontNumber=font_number, lazy=False)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.desubroutinize = False
    sub = subset.Subsetter(options)
    cmap = font.getBestCmap()
    sub.populate(unicodes=[c for c in wanted_codepoints() if c in cmap])
    sub.subset(font)
    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(output)
    return len(font.getBestCmap())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("source", type=Path)
    p.add_argument("output", type=Path)
    p.add_argument("--font-number", type=int, default=0)
    a = p.parse_args()
    n = build(a.source, a.output, a.font_number)
    print(f"{a.output}: {n} characters, {a.output.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()

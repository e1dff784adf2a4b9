"""The bundled CJK typeface: its files and the one family name the pages and charts call it.

The weekly's ``@font-face`` rules (:func:`metalwatch.reporting.render.font_face_css`) and the
charts' SVG text (:mod:`metalwatch.reporting.charts`) both name :data:`FONT_FAMILY`, so
WeasyPrint sets every word of a PDF, the charts' included, in the same embedded font.
"""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_FILES = {"regular": "NotoSansSC-Regular-subset.otf", "bold": "NotoSansSC-Bold-subset.otf"}
#: A name of our own, so a Noto font installed on the system is never taken for the bundled one.
FONT_FAMILY = "MW Sans SC"


def font_paths() -> dict[str, Path]:
    """The bundled font files by weight, those present only."""
    return {w: FONT_DIR / name for w, name in FONT_FILES.items() if (FONT_DIR / name).is_file()}

"""Render the weekly's HTML to PDF with WeasyPrint, in the bundled fonts.

WeasyPrint may read only ``data:`` URIs, regular files inside the template folders
(:func:`~metalwatch.reporting.templates.template_dirs`) and the bundled fonts: no other file,
no network. A relative URL (``logo.png``, ``my.css``) resolves against the user's folder and,
when the file is not there, against the packaged one.

HTML output names no local path: the bundled CJK fonts are given to WeasyPrint as a separate
stylesheet when the PDF is written (:data:`FONT_FAMILY`), so an HTML report uses the reader's
fonts (``Noto Sans CJK SC`` when installed; a chart's text names the bundled family and falls
back to them too) and a PDF always embeds the bundled ones, for the charts' text as well.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from metalwatch.reporting.output_path import check_output_path, write_bytes
from metalwatch.reporting.templates import template_dirs
from metalwatch.reporting.typeface import FONT_DIR, FONT_FAMILY, FONT_FILES, font_paths

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher


def font_uris() -> dict[str, str]:
    """``file:`` URIs of the bundled CJK font subsets (empty string for a weight not shipped).

    For the PDF only (see :func:`font_face_css`); never put these in HTML output.
    """
    present = font_paths()
    return {weight: present[weight].as_uri() if weight in present else "" for weight in FONT_FILES}


def font_face_css() -> str:
    """The ``@font-face`` rules of the bundled fonts, given to WeasyPrint beside the HTML."""
    rules = []
    for weight, uri in font_uris().items():
        if uri:
            css_weight = "bold" if weight == "bold" else "normal"
            rules.append(
                f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {css_weight};'
                f' src: url("{uri}"); }}'
            )
    return "\n".join(rules)


def _file_path(url: str) -> Path:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"refused {url}: a file URL on another host")
    return Path(url2pathname(parts.path))


def _safe_fetcher(template_roots: list[Path], extra_roots: list[Path]) -> URLFetcher:
    from weasyprint.urls import URLFetcher

    base = template_roots[0]
    allowed = [*template_roots, *extra_roots]

    class RootedFetcher(URLFetcher):  # type: ignore[misc]
        """``data:`` URIs and regular files under the allowed roots; everything else refused.

        A file the first template folder lacks is looked up at the same relative path in the
        next ones (the user's folder first, then the packaged one).
        """

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "file"})

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            if url[:5].lower() == "file:":
                url = self.locate(_file_path(url)).as_uri()
            return super().fetch(url, headers)

        @staticmethod
        def locate(path: Path) -> Path:
            candidates = [path]
            plain = Path(os.path.normpath(path))
            if plain.is_relative_to(base):
                rel = plain.relative_to(base)
                candidates += [root / rel for root in template_roots[1:]]
            for candidate in candidates:
                real = candidate.resolve()
                if not any(real.is_relative_to(r) for r in allowed):
                    raise ValueError(f"refused to read {real}: outside the template folders")
                if real.is_file():
                    return real
            raise ValueError(f"{path} does not exist in the template folders")

    return RootedFetcher()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def load_renderer() -> None:
    """Import WeasyPrint (about 0.4 s), which :func:`write_pdf` would otherwise do on first use."""
    import weasyprint  # noqa: F401


def write_pdf(
    html: str | bytes, output: Path, template_dir: str | os.PathLike[str] | None = None
) -> list[str]:
    """Write ``html`` (text, or UTF-8 bytes: half the memory while WeasyPrint lays it out) as a
    PDF to ``output``; returns WeasyPrint's warnings (missing glyphs...).

    Relative URLs in ``html`` resolve against the user's template folder, then the packaged
    one; the bundled fonts are added as ``@font-face`` rules for :data:`FONT_FAMILY`.
    """
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    check_output_path(output)
    roots = template_dirs(template_dir)
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        fetcher = _safe_fetcher(roots, [FONT_DIR.resolve()])
        fonts = FontConfiguration()
        doc = weasyprint.HTML(
            string=html,
            encoding="utf-8" if isinstance(html, bytes) else None,
            base_url=roots[0].as_uri() + "/",
            url_fetcher=fetcher,
        )
        css = weasyprint.CSS(string=font_face_css(), font_config=fonts, url_fetcher=fetcher)
        pdf = doc.write_pdf(stylesheets=[css], font_config=fonts)
    finally:
        logger.removeHandler(handler)
    write_bytes(output, pdf)
    return handler.messages

"""Render a report model through Jinja templates to HTML, and HTML to PDF with WeasyPrint.

Templates come from a user folder first (``template_dir``: override one block or partial) and
fall back to the packaged ones. Rendering is autoescaped, and WeasyPrint may read only
``data:`` URIs and files inside the template folders: no other file, no network.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.request import url2pathname

import jinja2

from metalwatch.errors import InvalidInputError, OutputError
from metalwatch.reporting import i18n
from metalwatch.reporting.formatters import FILTERS
from metalwatch.reporting.model import WeeklyReport

MAIN_TEMPLATE = "weekly.html.j2"
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_FILES = {"regular": "NotoSansSC-Regular-subset.otf", "bold": "NotoSansSC-Bold-subset.otf"}


def font_uris() -> dict[str, str]:
    """``file:`` URIs of the bundled CJK font subsets (empty string for a weight not shipped)."""
    return {
        weight: (FONT_DIR / name).as_uri() if (FONT_DIR / name).is_file() else ""
        for weight, name in FONT_FILES.items()
    }


def packaged_template_dir() -> Path:
    """The packaged templates: inside the installed package, or ``templates/`` of a checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / MAIN_TEMPLATE).is_file():
            return candidate
    raise FileNotFoundError("metalwatch's packaged templates are missing from the install")


def template_dirs(template_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Search path: the user's folder (if any) before the packaged one."""
    dirs = []
    if template_dir is not None:
        user = Path(template_dir).expanduser().resolve()
        if not user.is_dir():
            raise InvalidInputError(f"template folder {template_dir} does not exist")
        dirs.append(user)
    dirs.append(packaged_template_dir())
    return dirs


def environment(
    template_dir: str | os.PathLike[str] | None = None, lang: str = "en"
) -> jinja2.Environment:
    """The Jinja environment: override-aware loader, autoescape, gettext for ``lang``, filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(template_dir)]),
        autoescape=jinja2.select_autoescape(["html", "j2", "htm", "xml"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    translations = i18n.translations(lang)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(FILTERS)
    env.filters["num"] = lambda v, d=2: i18n.number(v, int(d), lang)
    env.filters["unit"] = lambda u: i18n.unit(u, lang)
    return env


def render_html(report: WeeklyReport, template_dir: str | os.PathLike[str] | None = None) -> str:
    """The report as one self-contained HTML string."""
    env = environment(template_dir, report.lang)
    try:
        return env.get_template(MAIN_TEMPLATE).render(r=report, fonts=font_uris())
    except jinja2.TemplateError as exc:
        where = f" ({exc.filename}:{exc.lineno})" if getattr(exc, "lineno", None) else ""
        raise InvalidInputError(f"template error{where}: {exc.message}") from exc


def _safe_fetcher(roots: list[Path]):
    from weasyprint.urls import URLFetcher

    class RootedFetcher(URLFetcher):
        """Fetch ``data:`` URIs and files under ``roots``; refuse everything else."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "file"})

        def fetch(self, url: str, headers=None):
            if url.startswith("file:"):
                path = Path(url2pathname(url.split("?")[0].split("#")[0][5:])).resolve()
                if not any(path.is_relative_to(r) for r in roots):
                    raise ValueError(f"refused to read {path}: outside the template folders")
            return super().fetch(url, headers)

    return RootedFetcher()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def write_pdf(
    html: str, output: Path, template_dir: str | os.PathLike[str] | None = None
) -> list[str]:
    """Write ``html`` as a PDF to ``output``; returns WeasyPrint's warnings (missing glyphs...)."""
    import weasyprint

    roots = template_dirs(template_dir)
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        fetcher = _safe_fetcher([*roots, FONT_DIR])
        doc = weasyprint.HTML(string=html, base_url=roots[-1].as_uri() + "/", url_fetcher=fetcher)
        pdf = doc.write_pdf()
    finally:
        logger.removeHandler(handler)
    write_bytes(output, pdf)
    return handler.messages


def write_bytes(output: Path, data: bytes) -> None:
    """Write a file atomically (temp file then rename), or raise a one-line OutputError."""
    output = Path(output)
    if not output.parent.is_dir():
        raise OutputError(f"cannot write {output}: folder {output.parent} does not exist")
    tmp = output.with_name(f".{output.name}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from exc

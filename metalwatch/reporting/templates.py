"""Render a report model through Jinja templates to HTML.

Templates come from a user folder first (``template_dir``: override one block or partial) and
fall back to the packaged ones. A template folder may hold untrusted templates:

* every template runs in Jinja's :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment`: no
  ``__globals__``/``__class__`` walks to Python, no mutation of the model, bounded ``range``,
  string repetition and powers. A template that tries is a one-line :class:`InvalidInputError`;
* a template file is read only if it resolves inside its folder (a symlinked file or folder
  pointing elsewhere is refused), and only as a regular file;
* output is autoescaped, undefined names are errors (``StrictUndefined``).

The HTML is turned into a PDF by :mod:`metalwatch.reporting.render`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from metalwatch.errors import InvalidInputError, MetalwatchError, NotFoundError
from metalwatch.reporting import i18n
from metalwatch.reporting.model import WeeklyReport
from metalwatch.reporting.typeface import FONT_FILES

MAIN_TEMPLATE = "weekly.html.j2"
#: Largest string or sequence a template may build with ``*``, and largest exponent of ``**``.
MAX_TEMPLATE_REPEAT = 1_000_000
MAX_TEMPLATE_POWER = 1_000
#: Most files looked at when a template folder is checked up front.
MAX_TEMPLATE_DIR_FILES = 2_000
#: Largest template file read (the packaged ones are under 10 KB).
MAX_TEMPLATE_BYTES = 1024 * 1024


@cache
def packaged_template_dir() -> Path:
    """The packaged templates folder.

    A wheel ships them at ``metalwatch/templates`` (pyproject ``force-include``); a checkout
    (and an editable install) keeps them at ``templates/`` beside the package.
    """
    package = Path(str(resources.files("metalwatch")))
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / MAIN_TEMPLATE).is_file():
            return candidate.resolve()
    raise NotFoundError(
        f"metalwatch's packaged templates are missing from the install (looked for "
        f"{MAIN_TEMPLATE} in {package / 'templates'} and {package.parent / 'templates'})"
    )


def template_dirs(template_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Search path: the user's folder (if any, resolved) before the packaged one."""
    dirs = []
    if template_dir is not None:
        user = Path(template_dir).expanduser()
        if not user.is_dir():
            what = "is not a folder" if user.exists() else "does not exist"
            raise InvalidInputError(f"template folder {template_dir} {what}")
        dirs.append(user.resolve())
    dirs.append(packaged_template_dir())
    return dirs


class RootedLoader(jinja2.BaseLoader):
    """Templates from regular files under ``root`` only.

    ``..`` in a name is not found (as in :class:`jinja2.FileSystemLoader`); a file that
    resolves outside ``root`` (a symlinked file, or a file in a symlinked folder) is refused
    with :class:`InvalidInputError` rather than skipped, so the refusal is visible.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.root.joinpath(*split_template_path(template))
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):  # missing, or a symlink loop
            raise jinja2.TemplateNotFound(template) from None
        if not real.is_relative_to(self.root):
            raise InvalidInputError(
                f"template {template!r} in {self.root} resolves to {real}, outside the folder: "
                "refused"
            )
        try:
            st = real.stat()
        except OSError:
            raise jinja2.TemplateNotFound(template) from None
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device is never opened
            raise jinja2.TemplateNotFound(template)
        if st.st_size > MAX_TEMPLATE_BYTES:
            raise InvalidInputError(
                f"template {real} is larger than the limit of {MAX_TEMPLATE_BYTES:,} bytes"
            )
        try:
            source = real.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"template {real} cannot be read: {exc}") from None
        mtime = st.st_mtime_ns

        def uptodate() -> bool:
            try:
                return real.stat().st_mtime_ns == mtime
            except OSError:
                return False

        return source, str(real), uptodate


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with ``*`` and ``**`` bounded so a template cannot exhaust memory in one op."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "**" and isinstance(right, int) and isinstance(left, int | float):
            bits = max(abs(int(left)).bit_length(), 1) * abs(right)
            if abs(right) > MAX_TEMPLATE_POWER or (
                abs(left) > 1 and bits > 64 * MAX_TEMPLATE_POWER
            ):
                raise SecurityError(f"a power of {right} is too large (about {bits:,} bits)")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | bytes | list | tuple)
                    and isinstance(n, int)
                    and len(seq) * n > MAX_TEMPLATE_REPEAT
                ):
                    raise SecurityError(
                        f"repetition to {len(seq) * n:,} items is longer than "
                        f"{MAX_TEMPLATE_REPEAT:,}"
                    )
        return super().call_binop(context, operator, left, right)


def environment(
    template_dir: str | os.PathLike[str] | None = None, lang: str = "en"
) -> jinja2.Environment:
    """The sandboxed Jinja environment: rooted loaders, autoescape, gettext for ``lang``, filters.

    Cheap (no template is read): raises :class:`InvalidInputError` at once for a missing
    ``template_dir``.
    """
    loader = jinja2.ChoiceLoader([RootedLoader(d) for d in template_dirs(template_dir)])
    env = _Sandbox(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "j2", "htm", "xml"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    translations = i18n.translations(lang)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    # No number filters: every printed number comes pre-formatted (and recorded) from the
    # report model's FigureBook, so the appendix holds it.
    env.filters["unit"] = lambda u: i18n.unit(u, lang)
    return env


def _user_template_names(root: Path) -> Iterator[str]:
    """Names of the templates a user folder overrides (``*.j2`` and packaged file names)."""
    packaged = packaged_template_dir()
    seen = 0
    for folder, dirs, files in os.walk(root):  # symlinked folders are not followed
        dirs.sort()
        for name in sorted(files):
            seen += 1
            if seen > MAX_TEMPLATE_DIR_FILES:
                return
            rel = (Path(folder) / name).relative_to(root).as_posix()
            if name.endswith(".j2") or (packaged / rel).is_file():
                yield rel


def check_template_dir(template_dir: str | os.PathLike[str] | None) -> list[Path]:
    """Check a template folder before any report is built; returns the template search path.

    Raises :class:`InvalidInputError` (one line) when the folder does not exist, or when one of
    its templates does not parse or resolves outside it. Takes milliseconds. What a template
    does when it runs (includes, sandbox violations) is found by :func:`render_html`.
    """
    roots = template_dirs(template_dir)
    if template_dir is None:
        return roots
    env = environment(template_dir)
    for name in _user_template_names(roots[0]):
        try:
            env.get_template(name)
        except jinja2.TemplateError as exc:
            raise _template_error(exc) from exc
    return roots


def _template_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    """File and line of the innermost template frame of a traceback (Jinja rewrites them)."""
    found = None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".j2", ".html", ".css", ".htm", ".xml")):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


#: Errors a template's own expressions can raise (``1/0``, a too large ``range``...).
_EXPRESSION_ERRORS = (ArithmeticError, ValueError, TypeError, LookupError, AttributeError)


def _template_error(exc: Exception) -> InvalidInputError:
    """One line: ``template error (file:line): message``."""
    lineno = getattr(exc, "lineno", None)
    filename = getattr(exc, "filename", None) or getattr(exc, "name", None)
    if not lineno:
        frame = _template_frame(exc.__traceback__)
        filename, lineno = frame if frame else (None, None)
    where = f" ({filename}:{lineno})" if lineno else ""
    if isinstance(exc, jinja2.TemplateNotFound):
        text = f"{exc.name!r} is not in the template folders"
    elif isinstance(exc, jinja2.TemplateError):
        text = exc.message or type(exc).__name__
    else:
        text = f"{type(exc).__name__}: {exc}"
    lines = text.strip().splitlines() or [type(exc).__name__]
    return InvalidInputError(f"template error{where}: {lines[0][:300]}")


def render_html(report: WeeklyReport, template_dir: str | os.PathLike[str] | None = None) -> str:
    """The report as one self-contained HTML string (no local path in it)."""
    env = environment(template_dir, report.lang)
    try:
        # ``fonts`` is kept for templates written for 0.1 (their @font-face src is empty)
        return env.get_template(MAIN_TEMPLATE).render(r=report, fonts=dict.fromkeys(FONT_FILES, ""))
    except MetalwatchError:
        raise
    except (jinja2.TemplateError, *_EXPRESSION_ERRORS) as exc:
        raise _template_error(exc) from exc
    except RecursionError:  # {% include %} of itself, deep macro recursion
        raise InvalidInputError("template error: templates include each other too deeply") from None

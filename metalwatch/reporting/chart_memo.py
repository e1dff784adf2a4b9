"""Charts drawn once per content: a chart is looked up by a digest of everything that draws it.

The digest covers the chart's kind, every input (the values, dates and names of its series,
titles, labels, styles, event marks) and the drawing itself (the source of
:mod:`metalwatch.reporting.charts`, the bundled font and the matplotlib version), so a hit is
the chart the code would draw, and any changed value, label, event or line of drawing code is a
miss. While :func:`remembering` is active, :func:`drawn` answers from its :class:`ChartShelf`
before drawing; a weekly whose charts are all kept never imports matplotlib. The report stays a
pure function of its data: the shelf changes how fast, never what.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import inspect
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import ParamSpec, Protocol

import pandas as pd


class ChartShelf(Protocol):
    """Where drawn charts are kept: the store's chart cache, or a dict in a test."""

    def get(self, digest: str) -> str | None:
        """The chart kept under ``digest`` (a data URI), or None."""

    def put(self, digest: str, uri: str) -> None:
        """Keep the chart ``uri`` under ``digest``."""


_SHELF: ContextVar[ChartShelf | None] = ContextVar("chart_shelf", default=None)


@contextmanager
def remembering(shelf: ChartShelf) -> Iterator[ChartShelf]:
    """Within the block, :func:`drawn` looks charts up on ``shelf`` and keeps new ones there."""
    token = _SHELF.set(shelf)
    try:
        yield shelf
    finally:
        _SHELF.reset(token)


@cache
def drawing_salt() -> bytes:
    """What draws every chart: the charts module's source, the bundled font, matplotlib's
    release (:func:`matplotlib_release`, without importing it)."""
    from metalwatch.reporting import charts

    h = hashlib.sha256()
    h.update(Path(charts.__file__).read_bytes())
    font = charts.chart_font()
    if font is not None:
        h.update(font.read_bytes())
    h.update(matplotlib_release())
    return h.digest()


def matplotlib_release() -> bytes:
    """What names the installed matplotlib: its ``_version.py`` (the release it was built as),
    found without importing matplotlib or :mod:`importlib.metadata` (~8 ms of a weekly); else
    the version in its metadata."""
    spec = find_spec("matplotlib")
    if spec is not None and spec.origin:
        stamp = Path(spec.origin).with_name("_version.py")
        if stamp.is_file():
            return stamp.read_bytes()
    from importlib.metadata import PackageNotFoundError, version  # pragma: no cover

    try:  # pragma: no cover - a matplotlib laid out otherwise
        return version("matplotlib").encode()
    except PackageNotFoundError:  # pragma: no cover - a dependency
        return b"matplotlib ?"


def _feed(h: hashlib._Hash, part: object) -> None:
    """Feed one input of a chart to the digest, its type and structure included."""
    h.update(type(part).__name__.encode() + b"\x00")
    if isinstance(part, pd.DataFrame):
        h.update(repr((list(part.columns), [str(t) for t in part.dtypes])).encode())
        h.update(pd.util.hash_pandas_object(part, index=True).to_numpy().tobytes())
    elif isinstance(part, pd.Series):
        h.update(repr((part.name, str(part.dtype), str(part.index.dtype))).encode())
        h.update(pd.util.hash_pandas_object(part, index=True).to_numpy().tobytes())
    elif isinstance(part, Mapping):
        h.update(str(len(part)).encode())
        for key in sorted(part, key=repr):
            _feed(h, key)
            _feed(h, part[key])
    elif isinstance(part, list | tuple):
        h.update(str(len(part)).encode())
        for item in part:
            _feed(h, item)
    elif dataclasses.is_dataclass(part) and not isinstance(part, type):
        _feed(h, [getattr(part, f.name) for f in dataclasses.fields(part)])
    elif part is None or isinstance(part, str | int | float | bool | pd.Timestamp):
        h.update(repr(part).encode())
    else:
        raise TypeError(f"a chart input of type {type(part).__name__} has no digest")
    h.update(b"\x01")


def digest(kind: str, *parts: object) -> str:
    """The hex digest of the chart ``kind`` drawn from ``parts`` by the current drawing code."""
    h = hashlib.sha256(drawing_salt())
    _feed(h, kind)
    for part in parts:
        _feed(h, part)
    return h.hexdigest()


def drawn(kind: str, parts: tuple[object, ...], draw: Callable[[], str]) -> str:
    """The chart ``kind`` of ``parts``: kept on the active shelf, or drawn by ``draw()`` (and
    kept); drawn every time when no shelf is active."""
    shelf = _SHELF.get()
    if shelf is None:
        return draw()
    key = digest(kind, *parts)
    uri = shelf.get(key)
    if uri is None:
        uri = draw()
        shelf.put(key, uri)
    return uri


P = ParamSpec("P")


def remembered(draw: Callable[P, str]) -> Callable[P, str]:
    """``draw`` (a chart function returning a data URI) through :func:`drawn`, its kind its
    name and its inputs every argument bound to its parameter, defaults included."""
    signature = inspect.signature(draw)

    @functools.wraps(draw)
    def chart(*args: P.args, **kwargs: P.kwargs) -> str:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        parts = tuple(bound.arguments.values())
        return drawn(draw.__name__, parts, lambda: draw(*args, **kwargs))

    return chart

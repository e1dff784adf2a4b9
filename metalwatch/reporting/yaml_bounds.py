"""Bounded YAML for hand-written input files (the analyst file): hard limits, checked early.

A YAML file is small on disk but can be huge once read: aliases reuse one long text hundreds of
times (a 101 KB file expanded to 20 MB of report text), and deep nesting overflows the Python
stack of PyYAML's composer. The limits below are checked while the file is read and composed,
before any Python object is built from it, so a hostile file fails in milliseconds with one
line naming the file, the line (where known) and the limit.

===================  =========  ==========================================================
limit                value      what it bounds
===================  =========  ==========================================================
MAX_FILE_BYTES       256 KiB    bytes read from the file (only a regular file is read)
MAX_DEPTH            10         nesting of lists and mappings (the analyst file needs 4)
MAX_SCALAR_CHARS     20,000     characters in one text (a long commentary is ~3,000)
MAX_ALIASES          100        ``*alias`` uses in the file
MAX_NODES            10,000     values in the document once aliases are expanded
MAX_TEXT_CHARS       262,144    characters of text once aliases are expanded, so aliases
                                cannot make a document larger than the file cap allows
===================  =========  ==========================================================

A recursive alias (``&a [*a]``) is refused as well.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Protocol

import yaml

from metalwatch.errors import InvalidInputError
from metalwatch.reporting.output_path import file_kind

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 10
MAX_SCALAR_CHARS = 20_000
MAX_ALIASES = 100
MAX_NODES = 10_000
MAX_TEXT_CHARS = 256 * 1024


class _Mark(Protocol):
    line: int


def read_text(path: str | os.PathLike[str], what: str = "file") -> str:
    """The UTF-8 text of a regular file of at most :data:`MAX_FILE_BYTES` bytes.

    Reads at most one byte more than the limit; a FIFO, device or folder is refused without
    reading from it (``--analyst /dev/zero``). Errors are one line, starting ``{what} {path}``.
    """
    p = Path(path)
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InvalidInputError(f"{what} {p} does not exist") from None
    except OSError as exc:
        raise InvalidInputError(f"{what} {p} cannot be read: {exc.strerror or exc}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise InvalidInputError(f"{what} {p} is {file_kind(mode)}, not a regular file")
    with os.fdopen(fd, "rb") as f:
        try:
            data = f.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise InvalidInputError(f"{what} {p} cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInputError(
            f"{what} {p} is larger than the limit of {MAX_FILE_BYTES // 1024} KiB "
            f"({MAX_FILE_BYTES:,} bytes)"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{what} {p} cannot be read: {exc}") from None


class BoundedLoader(yaml.SafeLoader):
    """A :class:`yaml.SafeLoader` whose composer enforces the limits above as it goes.

    Sizes are counted with aliases expanded: a node's expanded size is known once it is
    composed, and each alias adds the size of the node it names, so a billion-laughs file is
    stopped after a few aliases, not after expansion.
    """

    def __init__(self, stream: str, source: str) -> None:
        super().__init__(stream)
        self.source = source
        self.depth = 0
        self.aliases = 0
        self.nodes = 0
        self.chars = 0
        self.sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (nodes, chars), expanded

    def limit(self, mark: _Mark | None, message: str) -> InvalidInputError:
        where = f":{mark.line + 1}" if mark is not None else ""
        return InvalidInputError(f"{self.source}{where}: {message}")

    def add(self, nodes: int, chars: int, mark: _Mark | None) -> None:
        self.nodes += nodes
        self.chars += chars
        if self.nodes > MAX_NODES:
            raise self.limit(
                mark, f"more than the limit of {MAX_NODES:,} values once aliases are expanded"
            )
        if self.chars > MAX_TEXT_CHARS:
            raise self.limit(
                mark,
                f"more than the limit of {MAX_TEXT_CHARS:,} characters of "
                "text once aliases are expanded",
            )

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise self.limit(event.start_mark, f"more than the limit of {MAX_ALIASES} aliases")
            node = super().compose_node(parent, index)
            size = self.sizes.get(id(node))
            if size is None:  # the anchored node is still being composed
                raise self.limit(
                    event.start_mark, f"alias *{event.anchor} refers to a value that contains it"
                )
            self.add(*size, event.start_mark)
            return node
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.limit(
                event.start_mark, f"nested deeper than the limit of {MAX_DEPTH} levels"
            )
        before = (self.nodes, self.chars)
        node = super().compose_node(parent, index)
        self.depth -= 1
        own = len(node.value) if isinstance(node, yaml.ScalarNode) else 0
        mark = node.start_mark if node is not None else None
        if own > MAX_SCALAR_CHARS:
            raise self.limit(
                mark,
                f"a text of {own:,} characters is longer than the limit of {MAX_SCALAR_CHARS:,}",
            )
        self.add(1, own, mark)
        self.sizes[id(node)] = (self.nodes - before[0], self.chars - before[1])
        return node


def compose(text: str, source: str) -> yaml.Node | None:
    """The YAML node graph of ``text`` (``None`` for an empty document), within the limits.

    ``source`` names the file in messages. Syntax errors and limits are one-line
    :class:`InvalidInputError`\\ s (``source:line: ...``).
    """
    try:
        loader = BoundedLoader(text, source)  # checks the characters already
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InvalidInputError(f"{source}{where}: not valid YAML: {problem}") from None

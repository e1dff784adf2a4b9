"""The ``metalwatch`` subcommands, one module each.

Each module has ``NAME``, ``add_parser(subparsers)`` and ``run(args) -> int`` (the exit code);
:mod:`metalwatch.cli` builds the parser from :data:`NAMES` and dispatches to them. A new
command is a new module added here.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

#: The command modules' names, in the order ``metalwatch --help`` lists them (each module's
#: ``NAME`` is its module name).
NAMES = (
    "report",
    "moves",
    "curve",
    "instruments",
    "events",
    "update",
    "store",
    "publish",
    "editions",
    "config",
)


def commands(only: str | None = None) -> list[ModuleType]:
    """The command modules, in the order ``metalwatch --help`` lists them; with ``only`` (one
    of :data:`NAMES`) just that one, so a quick command imports no other command's module."""
    return [import_module(f"metalwatch.commands.{name}") for name in NAMES if only in (None, name)]

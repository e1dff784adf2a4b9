"""The ``metalwatch`` subcommands, one module each.

Each module has ``NAME``, ``add_parser(subparsers)`` and ``run(args) -> int`` (the exit code);
:mod:`metalwatch.cli` builds the parser from :data:`COMMANDS` and dispatches to them. A new
command is a new module added here.
"""

from __future__ import annotations

from types import ModuleType


def commands() -> list[ModuleType]:
    """The command modules, in the order ``metalwatch --help`` lists them."""
    from metalwatch.commands import (
        config,
        curve,
        editions,
        events,
        instruments,
        moves,
        publish,
        report,
        store,
        update,
    )

    return [report, moves, curve, instruments, events, update, store, publish, editions, config]

"""The ``metalwatch`` command: a thin face on the library functions.

Each subcommand lives in its own module under :mod:`metalwatch.commands`. Errors are one line
on stderr: a :class:`~metalwatch.errors.MetalwatchError` exits 2; ``update`` exits 1 when any
series failed.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

from metalwatch.errors import MetalwatchError

DESCRIPTION = "Track the metals markets and write the weekly a broker's metals desk publishes."
#: Exit code of a MetalwatchError (bad input, no data, a store or output problem).
EXIT_ERROR = 2


def _command_named(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names after the global ``--store``, if any (None: ``--help``,
    a mistyped name or an unknown option, which the full parser reports)."""
    from metalwatch.commands import NAMES

    args = list(argv)
    while args[:1] == ["--store"] or (args and args[0].startswith("--store=")):
        args = args[2:] if args[0] == "--store" else args[1:]
    return args[0] if args and args[0] in NAMES else None


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand, or of ``only`` (its module alone is imported)."""
    from metalwatch.commands import commands

    p = argparse.ArgumentParser(prog="metalwatch", description=DESCRIPTION)
    p.add_argument(
        "--store",
        help="store file or postgresql:// URL (default: $METALWATCH_STORE, then the config "
        "file's store, then the user data dir)",
    )
    sub = p.add_subparsers(dest="command", required=True)
    for command in commands(only):
        command.add_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    from metalwatch.commands import commands

    argv = sys.argv[1:] if argv is None else list(argv)
    only = _command_named(argv)
    args = _parser(only).parse_args(argv)
    runners = {c.NAME: c.run for c in commands(only)}
    try:
        code: int = runners[args.command](args)
        return code
    except MetalwatchError as exc:
        print(f"metalwatch: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # the reader went away (``metalwatch moves | head``): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def run() -> NoReturn:
    """The console script: :func:`main`, then :func:`leave` with its exit code."""
    leave(main())


def leave(code: int) -> NoReturn:
    """Exit with ``code`` without tearing the interpreter down, once nothing is left to do.

    A weekly leaves ~100k objects behind, most of them WeasyPrint's in reference cycles, and
    Python's teardown spent 0.3-0.45 s collecting and freeing them after the PDF was written
    (issue 13). Here the exit handlers run (logging's flush, finalizers), the standard streams
    are flushed, and the process ends (:func:`os._exit`). With another thread still running,
    or an interpreter without ``atexit._run_exitfuncs``, it is the normal exit.
    """
    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_handlers is None or threading.active_count() > 1:
        sys.exit(code)
    run_handlers()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, ValueError):  # reader gone, or stream closed
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()

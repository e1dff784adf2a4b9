"""``metalwatch editions list|diff``: what was published, and which figures changed since.

``diff`` exits 0 when no figure changed, 1 when some did, 2 on an error.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

NAME = "editions"
EXIT_CHANGED = 1


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``editions`` to ``metalwatch``'s subparsers."""
    p: argparse.ArgumentParser = subparsers.add_parser(NAME, help="list and compare editions")
    sub = p.add_subparsers(dest="editions_command", required=True)
    ls = sub.add_parser("list", help="every edition: week, run, generated, data as of, fingerprint")
    d = sub.add_parser("diff", help="figures changed between two editions, or since an edition")
    d.add_argument("a", help="edition (2025-12-12, 2025-12-12-r2) or its folder")
    d.add_argument("b", nargs="?", help="second edition (newer)")
    d.add_argument("--rebuild", action="store_true", help="compare A with a rebuild from the store")
    d.add_argument("--as-of", help="rebuild as the store knew the data then (point in time)")
    for q in (ls, d):
        q.add_argument("--editions", help="editions folder (default: config)")
        q.add_argument("--config", help="config file (default: $METALWATCH_CONFIG or the user's)")
    return p


def _list(root: Path) -> int:
    from metalwatch.publish.manifest import list_editions

    eds = list_editions(root)
    if not eds:
        print(f"no editions in {root}")
        return 0
    print(
        f"{'edition':<14} {'week':<10}  {'generated at':<25} {'data as of':<25} langs  fingerprint"
    )
    for e in eds:
        m = e.manifest
        print(
            f"{e.name:<14} {e.week:<10}  {m.get('generated_at', ''):<25} "
            f"{m.get('data_as_of') or 'n/a':<25} {','.join(m.get('languages', [])):<6} "
            f"{str(m.get('fingerprint', ''))[:19]}"
        )
    return 0


def run(args: argparse.Namespace) -> int:
    """List or diff editions."""
    from metalwatch.config import load_config, resolve_store
    from metalwatch.errors import InvalidInputError
    from metalwatch.publish import diff, fingerprint, manifest

    cfg = load_config(args.config)
    root = Path(args.editions or cfg.get("editions")).expanduser()
    if args.editions_command == "list":
        return _list(root)
    if (args.b is None) == (not args.rebuild):
        raise InvalidInputError("give a second edition B or --rebuild, not both")
    if args.as_of and not args.rebuild:
        raise InvalidInputError("--as-of goes with --rebuild")
    a = manifest.find_edition(root, args.a)
    old = fingerprint.read_canonical(str(a.path / manifest.FIGURES))
    store = str(resolve_store(cfg, args.store).value)
    if args.rebuild:
        from metalwatch.publish.edition import build

        used = a.manifest.get("analyst") or {}
        analyst = used.get("path") if used else cfg.get("analyst")
        built = build(a.week, langs=["en"], analyst=analyst, store=store,
                      as_of=args.as_of)  # fmt: skip
        new, label, fp_new = built.figures, "rebuild from the store now", built.fingerprint
        if args.as_of:
            label = f"rebuild as of {args.as_of}"
    else:
        b = manifest.find_edition(root, args.b)
        new = fingerprint.read_canonical(str(b.path / manifest.FIGURES))
        label, fp_new = f"edition {b.name}", str(b.manifest.get("fingerprint"))
    changes = diff.diff_figures(old, new)
    changes = _evidence(changes, store, str(a.manifest.get("generated_at", "")))
    print(f"edition {a.name} ({a.manifest.get('fingerprint')}) -> {label} ({fp_new})")
    if not changes:
        print("no figure changed")
        return 0
    print(f"{len(changes)} figure(s) changed:")
    for c in changes:
        print(f"  {c.line()}")
    return EXIT_CHANGED


def _evidence(changes: list[Any], store: str, since: str) -> list[Any]:
    """Quote the store's revisions (when the store can be read) for each revised figure."""
    from metalwatch.errors import MetalwatchError
    from metalwatch.ingest.seed import opened
    from metalwatch.publish.diff import with_revisions

    if not since or not any(c.why == "revised" for c in changes):
        return changes
    try:
        with opened(store) as st:
            return with_revisions(changes, st.revisions(), since)
    except MetalwatchError:
        return changes

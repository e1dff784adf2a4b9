"""``metalwatch config show``: the resolved settings and where each came from."""

from __future__ import annotations

import argparse
import os
from typing import Any

NAME = "config"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``config`` to ``metalwatch``'s subparsers."""
    p: argparse.ArgumentParser = subparsers.add_parser(NAME, help="show the resolved settings")
    sub = p.add_subparsers(dest="config_command", required=True)
    show = sub.add_parser("show", help="each setting, its value and where it came from")
    show.add_argument("--config", help="config file (default: $METALWATCH_CONFIG or the user's)")
    return p


def run(args: argparse.Namespace) -> int:
    """Print ``setting  value  origin`` lines; 0."""
    from metalwatch.config import ENV_CONFIG, load_config, redact, resolve_store

    cfg = load_config(args.config)
    if args.config:
        where = "flag --config"
    elif os.environ.get(ENV_CONFIG):
        where = f"env {ENV_CONFIG}"
    else:
        where = "default"
    rows = [("config file", str(cfg.path) if cfg.path else "(none)", where)]
    store = resolve_store(cfg, args.store)
    rows.append(("store", redact(str(store.value)), store.origin))
    for name, s in cfg.settings.items():
        if name == "store":
            continue
        value = ",".join(s.value) if isinstance(s.value, list) else s.value
        rows.append((name, "" if value is None else str(value), s.origin))
    pw = cfg.get("smtp.password_env")
    rows.append(("smtp.password", "set" if os.environ.get(pw) else "unset", f"env {pw}"))
    width = max(len(r[0]) for r in rows)
    vwidth = min(60, max(len(r[1]) for r in rows))
    for name, value, origin in rows:
        print(f"{name:<{width}}  {value:<{vwidth}}  {origin}")
    return 0

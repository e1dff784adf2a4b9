"""``metalwatch publish``: write the week's edition (and optionally update first, e-mail after).

Exit codes: 0 the edition is written (or was already, unchanged) and, with ``--email``, sent;
1 the edition is written but the e-mail failed (the edition is kept; the line says where);
2 an error, nothing published.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

NAME = "publish"
#: Exit code when the edition is written but its delivery failed.
EXIT_DELIVERY_FAILED = 1


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``publish`` to ``metalwatch``'s subparsers."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        NAME,
        help="write the week's edition: PDF and HTML per language, workbook, manifest",
        description="Write one edition folder for the week (editions are never overwritten: "
        "the same figures again leave the edition as it is, different figures make <week>-r2).",
    )
    p.add_argument("--week", help="any date, or 'latest'; default as for 'metalwatch report'")
    p.add_argument("--out", "--editions", dest="out", help="editions folder (default: config)")
    p.add_argument("--lang", help="languages, comma-separated: en,zh (default: config)")
    p.add_argument("--analyst", help="analyst YAML file (default: config)")
    p.add_argument("--template-dir", help="folder of templates overriding the packaged ones")
    p.add_argument("--update", action="store_true", help="run 'metalwatch update' first")
    p.add_argument("--email", action="store_true", help="send the PDFs over SMTP (config)")
    p.add_argument("--force", action="store_true", help="write a new run even if unchanged")
    p.add_argument("--config", help="config file (default: $METALWATCH_CONFIG or the user's)")
    return p


def run(args: argparse.Namespace) -> int:
    """Publish the week; see the module docstring for the exit codes."""
    from metalwatch import api
    from metalwatch.config import load_config, resolve_store
    from metalwatch.publish.edition import build, publish
    from metalwatch.publish.mail import DeliveryError, send_edition, smtp_settings

    cfg = load_config(args.config)
    store = str(resolve_store(cfg, args.store).value)
    langs = [x.strip() for x in args.lang.split(",")] if args.lang else cfg.get("languages")
    analyst = args.analyst or cfg.get("analyst")
    smtp = smtp_settings(cfg) if args.email else None
    if args.update:
        report = api.update(store=store)
        failed = len(report.failed)
        print(
            f"update: {len(report.outcomes)} series, {report.added} rows added, "
            f"{report.revised} revised, {failed} failed"
            + ("; the weekly marks failed series stale" if failed else "")
        )
    built = build(args.week, langs=langs, analyst=analyst, store=store)
    pub = publish(
        built,
        args.out or cfg.get("editions"),
        store_url=store,
        analyst=analyst,
        template_dir=args.template_dir,
        force=args.force,
    )
    ed = pub.edition
    state = "unchanged, already published" if pub.unchanged else "written"
    print(f"edition {ed.name} ({state}): {ed.path}")
    print(f"week {ed.week}; {ed.manifest['figures']} figures; {ed.manifest['fingerprint']}")
    for w in pub.warnings:
        print(f"metalwatch: warning: {w}", file=sys.stderr)
    if smtp is not None:
        try:
            send_edition(ed, smtp)
        except DeliveryError as exc:
            print(f"metalwatch: delivery failed: {exc}; the edition is kept at {ed.path}",
                  file=sys.stderr)  # fmt: skip
            return EXIT_DELIVERY_FAILED
        print(f"sent {len(pub.pdfs)} PDF(s) to {', '.join(smtp.to)}")
    return 0

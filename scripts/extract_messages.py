"""Collect every translatable message and merge it into the Chinese catalog.

Sources: ``_("...")`` in templates, ``tr(lang, "...")`` / ``t("...")`` in metalwatch/reporting,
and ``i18n.DYNAMIC_MESSAGES``. Existing translations are kept; new messages get an empty
msgstr and are listed, so a translator fills them in; the catalog is then compiled to the
``metalwatch.mo`` beside it. Run: ``python scripts/extract_messages.py``; with ``--compile``,
only the ``.mo`` is written, from the ``.po`` as it is (after a translator's edit).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "metalwatch" / "locale" / "zh_CN" / "LC_MESSAGES" / "metalwatch.po"
#: The compiled catalog the weekly reads (stamped with the .po's sha256).
MO = PO.with_suffix(".mo")


def messages() -> dict[str, list[str]]:
    """msgid -> places it is used."""
    sys.path.insert(0, str(ROOT))
    from metalwatch.reporting.i18n import DYNAMIC_MESSAGES

    found: dict[str, list[str]] = {m: ["i18n.DYNAMIC_MESSAGES"] for m in DYNAMIC_MESSAGES}
    py = extract_from_dir(
        ROOT / "metalwatch" / "reporting",
        [("**.py", "python")],
        keywords={"tr": (2,), "t": (1,), "N_": None},
    )
    html = extract_from_dir(
        ROOT / "templates",
        [("**.j2", "jinja2"), ("**.css", "jinja2")],
        keywords={"_": None},
        options_map={
            "**.j2": {"extensions": "jinja2.ext.i18n"},
            "**.css": {"extensions": "jinja2.ext.i18n"},
        },
    )
    for where, entries in (("reporting", py), ("templates", html)):
        for filename, lineno, message, _comments, _ctx in entries:
            if isinstance(message, str) and message:
                found.setdefault(message, []).append(f"{where}/{filename}:{lineno}")
    return found


def compile_mo() -> None:
    """Write the .mo of the .po as it is (stamped with the .po's sha256)."""
    from metalwatch.reporting.i18n import compile_catalog

    MO.write_bytes(compile_catalog("zh"))


def main() -> int:
    if sys.argv[1:] == ["--compile"]:  # only the .mo, from the .po as it is
        compile_mo()
        print(f"compiled -> {MO.relative_to(ROOT)}")
        return 0
    old = read_po(PO.open("rb")) if PO.exists() else Catalog(locale="zh_CN")
    new = Catalog(
        locale="zh_CN",
        domain="metalwatch",
        project="metalwatch",
        copyright_holder="metalwatch",
        charset="utf-8",
    )
    missing = []
    for msgid, places in sorted(messages().items()):
        prior = old.get(msgid)
        text = prior.string if prior is not None else ""
        new.add(msgid, text, locations=[(p, None) for p in places[:3]])
        if not text:
            missing.append(msgid)
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as fh:
        write_po(fh, new, width=100, omit_header=False, sort_output=True, no_location=True)
    compile_mo()
    for m in missing:
        print(f"untranslated: {m}")
    print(f"{len(new)} messages, {len(missing)} untranslated -> {PO.relative_to(ROOT)}, compiled")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

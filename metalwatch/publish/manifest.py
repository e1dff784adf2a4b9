"""An edition's ``manifest.json``, and finding the editions in a folder.

An edition is one folder per publication of a week: ``<editions>/<week>/`` for the first,
``<week>-r2/``, ``<week>-r3/``... when the week is published again with different figures.
Editions are never changed once written (deliveries are appended to ``delivery.log``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metalwatch.errors import InvalidInputError, NotFoundError

MANIFEST = "manifest.json"
FIGURES = "figures.csv"
DELIVERY_LOG = "delivery.log"
#: Bumped when a manifest key changes meaning.
MANIFEST_VERSION = 1
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-r(\d+))?$")


@dataclass(frozen=True)
class EditionRef:
    """An edition folder and its manifest."""

    name: str
    path: Path
    manifest: dict[str, Any]

    @property
    def week(self) -> str:
        """The week the edition covers (``YYYY-MM-DD``)."""
        return str(self.manifest.get("week", ""))

    @property
    def run(self) -> int:
        """1 for ``<week>``, n for ``<week>-rn``."""
        return int(self.manifest.get("run", 1))


def edition_name(week: str, run: int) -> str:
    """``2025-12-12`` for run 1, ``2025-12-12-r2`` for run 2."""
    return week if run == 1 else f"{week}-r{run}"


def write_manifest(folder: Path, manifest: dict[str, Any]) -> Path:
    """Write ``manifest.json`` (sorted keys, UTF-8, ends with a newline)."""
    path = folder / MANIFEST
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of the edition in ``folder``."""
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFoundError(f"{folder} is not an edition (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise InvalidInputError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidInputError(f"{path} is not a manifest (not a JSON object)")
    return data


def list_editions(root: Path) -> list[EditionRef]:
    """Every edition under ``root``, by week then run (an absent folder holds none)."""
    if not root.is_dir():
        return []
    found = []
    for child in root.iterdir():
        m = _NAME.match(child.name)
        if m and child.is_dir() and (child / MANIFEST).is_file():
            found.append((m[1], int(m[2] or 1), child))
    return [EditionRef(p.name, p, read_manifest(p)) for _, _, p in sorted(found)]


def find_edition(root: Path, name: str) -> EditionRef:
    """The edition ``name`` (``2025-12-12``, ``2025-12-12-r2``) under ``root``, or a folder path.

    Raises :class:`NotFoundError` naming the editions there when there is no such edition.
    """
    given = Path(name).expanduser()
    folder = given if (given / MANIFEST).is_file() else root / name
    if (folder / MANIFEST).is_file():
        return EditionRef(folder.name, folder, read_manifest(folder))
    names = [e.name for e in list_editions(root)]
    have = ", ".join(names[-5:]) if names else "none"
    raise NotFoundError(f"no edition {name!r:.60} in {root} (latest: {have})")


def next_run(root: Path, week: str) -> int:
    """The run number a new edition of ``week`` gets."""
    runs = [e.run for e in list_editions(root) if e.week == week]
    return max(runs, default=0) + 1


def append_delivery(folder: Path, record: dict[str, Any]) -> None:
    """Append one delivery attempt (a JSON line) to the edition's ``delivery.log``."""
    line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
    fd = os.open(folder / DELIVERY_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(line)

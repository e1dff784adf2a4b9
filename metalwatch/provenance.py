"""Where the bundled history comes from: ``metalwatch/data/provenance.toml``, read once.

Package metadata like the registry: the snapshot builder writes it, the bundled loader labels
rows with it and the report's Sources table cites it. Only the standard library is used.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def provenance() -> dict[str, dict[str, Any]]:
    """Provenance per bundled instrument id, plus a ``missing`` entry listing unbundled ids."""
    path = resources.files("metalwatch").joinpath("data", "provenance.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def missing() -> list[str]:
    """Registered ids with no real bundled history (the live adapters fetch them)."""
    return [str(i) for i in provenance().get("missing", {}).get("instruments", [])]

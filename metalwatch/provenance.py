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


@cache
def _chinese() -> dict[str, str]:
    path = resources.files("metalwatch").joinpath("data", "provenance_zh.toml")
    return {str(k): str(v) for k, v in tomllib.loads(path.read_text(encoding="utf-8")).items()}


def upstream(iid: str, lang: str = "en") -> str:
    """Where the bundled history of ``iid`` comes from, in ``lang`` ('' when not bundled).

    English is provenance's ``upstream``; Chinese is kept in ``data/provenance_zh.toml``
    (hand-kept beside the generated provenance; a test checks every bundled id has one).
    """
    text = str(provenance().get(iid, {}).get("upstream", ""))
    if lang == "zh" and text:
        return _chinese().get(iid, text)
    return text


def events() -> dict[str, Any]:
    """Provenance of the bundled events (``metalwatch/data/events.csv``): upstream, licence ..."""
    return dict(provenance().get("events", {}))

"""Charts already drawn, kept in the store (the ``chart_cache`` table of schema 5).

A chart is kept under a digest of everything that draws it
(:mod:`metalwatch.reporting.chart_memo`), so a hit is the same chart by construction and a
changed value, label, event or drawing code is a miss. The cache is derived: it is pruned to
the :data:`KEEP` most recently used charts, never copied by ``store copy`` and never part of a
checksum. The SQL runs on both backends; only :class:`~metalwatch.store.Store`'s methods call it.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from metalwatch.store.connection import StoreConnection

#: Charts kept (the most recently used): a weekly draws about six, so this holds some five
#: weeks in two languages (about 25 KB each, compressed: under 2 MB).
KEEP = 64
#: An SVG data URI; kept as ``z:`` and the base64 of its SVG compressed (a fifth of the size).
SVG_URI = "data:image/svg+xml;base64,"
PACKED = "z:"


def pack(uri: str) -> str:
    """``uri`` as kept: an SVG data URI compressed, anything else as it is."""
    if not uri.startswith(SVG_URI):
        return uri
    svg = base64.b64decode(uri[len(SVG_URI) :])
    return PACKED + base64.b64encode(zlib.compress(svg, 6)).decode("ascii")


def unpack(kept: str) -> str:
    """The data URI :func:`pack` kept."""
    if not kept.startswith(PACKED):
        return kept
    svg = zlib.decompress(base64.b64decode(kept[len(PACKED) :]))
    return SVG_URI + base64.b64encode(svg).decode("ascii")


def cached_charts(store: StoreConnection, digests: Sequence[str]) -> dict[str, str]:
    """The kept charts among ``digests``: digest -> data URI."""
    if not digests:
        return {}
    marks = ",".join("?" * len(digests))
    rows = store._sql(
        f"SELECT digest, uri FROM chart_cache WHERE digest IN ({marks})", tuple(digests)
    ).fetchall()
    return {str(d): unpack(str(u)) for d, u in rows}


def charts_kept(store: StoreConnection) -> int:
    """How many charts the cache holds."""
    return int(store._sql("SELECT COUNT(*) FROM chart_cache").fetchone()[0])


def keep_charts(
    store: StoreConnection, drawn: Mapping[str, str], used: Sequence[str], now: str
) -> None:
    """Add the ``drawn`` charts, mark the ``used`` ones as used ``now`` and prune to
    :data:`KEEP`, in one transaction."""
    with store.transaction():
        db = store._db
        if drawn:
            db.executemany(
                "INSERT INTO chart_cache (digest, uri, used_at) VALUES (?, ?, ?) "
                "ON CONFLICT (digest) DO UPDATE SET used_at = excluded.used_at",
                [(d, pack(u), now) for d, u in sorted(drawn.items())],
            )
        if used:
            db.executemany(
                "UPDATE chart_cache SET used_at = ? WHERE digest = ?", [(now, d) for d in used]
            )
        db.execute(
            "DELETE FROM chart_cache WHERE digest NOT IN (SELECT digest FROM chart_cache "
            "ORDER BY used_at DESC, digest LIMIT ?)",
            (KEEP,),
        )

#!/usr/bin/env python3
"""Build the bundled store image: a store seeded row by row from the bundled snapshot.

A new SQLite store starts as a copy of it instead of being seeded row by row
(:mod:`metalwatch.store.image`). Writes ``metalwatch/data/store-image.sqlite.xz`` and its id,
``store-image.id``; run after ``scripts/build_snapshot.py`` (``make snapshot`` runs both) and
after any change to the schema, the bundled events or the headlines. Without a current image
(its id is not the package's) seeding goes row by row, and the test suite fails.
Deterministic: a rebuild from the same snapshot is byte-identical.

    python scripts/build_store_image.py [--out DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from metalwatch.ingest import seed
from metalwatch.store import Store
from metalwatch.store.image import IMAGE_TIME, write_image

ROOT = Path(__file__).resolve().parents[1]


def build(out: Path) -> Path:
    """Seed a new store row by row, then write it as the image (and its id) into ``out``."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "image.sqlite"
        with Store(path) as st:
            result = seed.apply_snapshot(st)
            assert result is not None
            note = seed.applied_note(IMAGE_TIME, seed.package_snapshot_id(), None, result)
            st.set_meta(seed.SNAPSHOT_APPLIED, f"{note}; copied from the bundled store image")
        image = out / seed.IMAGE_FILE
        write_image(path, image)
    (out / seed.IMAGE_ID_FILE).write_text(seed.package_image_id() + "\n", encoding="ascii")
    return image


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", type=Path, default=ROOT / "metalwatch" / "data")
    image = build(p.parse_args().out)
    print(f"wrote {image} ({image.stat().st_size:,} bytes), id {seed.package_image_id()}")


if __name__ == "__main__":
    main()

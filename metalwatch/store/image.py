"""A new SQLite store started as a copy of a prebuilt one: the bundled history's store image.

Seeding a store row by row from the bundled snapshot parses and inserts some 700k rows (about
a second); the same store, seeded once when the package is built, is copied in a fraction of
that. An image is an SQLite store, compressed with xz, whose write times all read
:data:`IMAGE_TIME`. Starting a store from it

1. decompresses it into a temporary file beside the store, a block at a time;
2. sets each of those write times to the moment of the copy, so the store reads as one seeded
   now (``as_of`` views, ``store info``, the revisions kept from then on);
3. links the file into place only if there is still no store there: of two processes starting
   the same store at once, the second uses the first's, and nothing is ever overwritten.

Any failure leaves no file behind and the caller seeds row by row. Only a new SQLite file is
started so; a PostgreSQL store and an existing file never are.
"""

from __future__ import annotations

import lzma
import os
import secrets
import shutil
import sqlite3
import tempfile
import warnings
from collections.abc import Callable
from contextlib import closing, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from metalwatch.store.schema import CREATED_AT, WRITE_TIMES

#: The write time an image is built with; starting a store from it sets the copy's moment.
IMAGE_TIME = "2000-01-01T00:00:00.000000+00:00"
#: Bytes decompressed per step (memory stays bounded whatever the image's size).
BLOCK = 1 << 20

#: Opens a compressed image (xz), or returns None when there is none to use.
ImageOpener = Callable[[], IO[bytes] | None]


def write_image(store: Path, out: Path) -> None:
    """Write the SQLite store ``store`` (closed, freshly seeded) as an image to ``out`` (xz).

    Every write time (:data:`~metalwatch.store.schema.WRITE_TIMES`) and the store's
    ``created_at`` become :data:`IMAGE_TIME`, the file is vacuumed and its journal mode set to
    DELETE (a copy leaves no ``-wal`` beside it). The same store gives the same bytes.
    """
    with tempfile.TemporaryDirectory() as work:
        flat = Path(work) / "image.sqlite"
        with closing(sqlite3.connect(store)) as con:
            con.execute("VACUUM INTO ?", (str(flat),))
        with closing(sqlite3.connect(flat, isolation_level=None)) as con:
            con.execute("PRAGMA journal_mode=DELETE")
            con.execute("BEGIN")
            for table, column in WRITE_TIMES:
                con.execute(
                    f"UPDATE {table} SET {column} = ? WHERE {column} IS NOT NULL", (IMAGE_TIME,)
                )
            con.execute("UPDATE meta SET value = ? WHERE key = ?", (IMAGE_TIME, CREATED_AT))
            con.execute("COMMIT")
            con.execute("VACUUM")
        with flat.open("rb") as src, lzma.open(out, "wb", preset=9 | lzma.PRESET_EXTREME) as dst:
            shutil.copyfileobj(src, dst, BLOCK)


def _restamp(path: Path, now: str) -> None:
    """Set the image's write times (and the meta values that quote one) to ``now``."""
    with closing(sqlite3.connect(path, isolation_level=None)) as con:
        con.execute("BEGIN IMMEDIATE")
        for table, column in WRITE_TIMES:
            con.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (now, IMAGE_TIME))
        con.execute(
            "UPDATE meta SET value = replace(value, ?, ?) WHERE instr(value, ?) > 0",
            (IMAGE_TIME, now, IMAGE_TIME),
        )
        con.execute("COMMIT")


def start_from_image(path: Path, image: ImageOpener) -> bool:
    """Create the SQLite store ``path`` as a copy of the image ``image`` opens.

    Returns True when the copy is in place, False when ``path`` (or a ``-wal`` of that name)
    already exists, ``image`` gives none, or the copy failed (no file is left behind; a damaged
    image also warns).

    Parameters
    ----------
    path
        The store file to create.
    image
        Opens the compressed image (called only when ``path`` does not exist).
    """
    if os.path.lexists(path) or os.path.lexists(f"{path}-wal"):
        return False  # a -wal left by a deleted store would be replayed onto the copy
    made = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.image")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # the mode a new SQLite file gets (umask applied), not a temporary file's 0600
        fd = os.open(made, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError:  # the store's own open says what is wrong with the folder
        return False
    try:
        with open(fd, "wb") as tmp:
            source = image()
            if source is None:
                return False
            with source, lzma.open(source) as src:
                shutil.copyfileobj(src, tmp, BLOCK)
        _restamp(made, datetime.now(UTC).isoformat(timespec="microseconds"))
        os.link(made, path)  # never replaces a store another process made meanwhile
        return True
    except FileExistsError:
        return False
    except (lzma.LZMAError, EOFError, sqlite3.DatabaseError) as exc:
        warnings.warn(
            f"the bundled store image could not be used ({exc}): seeding row by row",
            RuntimeWarning,
            stacklevel=2,
        )
        return False
    except OSError:  # a full disk, a file system without hard links: seed row by row
        return False
    finally:
        for leftover in (made, Path(f"{made}-journal")):
            with suppress(OSError):
                leftover.unlink()

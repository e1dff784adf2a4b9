"""Where the store lives: ``--store``, then ``$METALWATCH_STORE``, then the user data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_VAR = "METALWATCH_STORE"
FILENAME = "metalwatch.sqlite"


def default_store_path() -> Path:
    """The store file used when none is given: ``$METALWATCH_STORE`` or the platform data dir."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("metalwatch", appauthor=False)) / FILENAME


def resolve_store_path(path: str | os.PathLike[str] | None) -> Path:
    """``path`` if given, else :func:`default_store_path`."""
    return Path(path).expanduser() if path is not None else default_store_path()

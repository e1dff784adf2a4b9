"""Where the store lives: ``--store``, then ``$METALWATCH_STORE``, then the config file, then the
user data dir.

A location is a file path (or ``sqlite:///path``): an SQLite store, the embedded default; or a
``postgresql://`` URL: a shared store on a PostgreSQL server.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from metalwatch.config import STORE_FILENAME, configured_store, platform_store_path

ENV_VAR = "METALWATCH_STORE"
FILENAME = STORE_FILENAME
#: URL schemes of a PostgreSQL store.
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
SQLITE_SCHEME = "sqlite:///"

StoreLocation = str | os.PathLike[str]


def is_postgres_url(location: object) -> bool:
    """True when ``location`` is a ``postgresql://`` (or ``postgres://``) URL."""
    return isinstance(location, str) and location.lower().startswith(POSTGRES_SCHEMES)


def default_location() -> str | Path:
    """The store used when none is given.

    ``$METALWATCH_STORE``, then the store the config file names (:mod:`metalwatch.config`),
    then a file in the platform's user data directory.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return env if is_postgres_url(env) else _file(env)
    configured = configured_store()
    if configured:
        return configured if is_postgres_url(configured) else _file(configured)
    return platform_store_path()


def _file(location: str | os.PathLike[str]) -> Path:
    text = os.fspath(location)
    if text.startswith(SQLITE_SCHEME):  # sqlite:///relative, sqlite:////absolute
        text = text[len(SQLITE_SCHEME) :]
    return Path(text).expanduser()


def resolve_location(location: StoreLocation | None) -> str | Path:
    """A PostgreSQL URL as given, or the SQLite file a path or ``sqlite:///`` URL names.

    Parameters
    ----------
    location
        A file path, ``sqlite:///path``, ``postgresql://...``, or None for
        :func:`default_location`.
    """
    if location is None:
        return default_location()
    if is_postgres_url(location):
        return str(location)
    return _file(location)


def default_store_path() -> Path:
    """The SQLite store file used when none is given (a PostgreSQL default is not a file)."""
    where = default_location()
    if isinstance(where, str):
        raise ValueError(f"${ENV_VAR} names a PostgreSQL store, not a file")
    return where


def resolve_store_path(path: StoreLocation | None) -> Path:
    """The SQLite file ``path`` names, else :func:`default_store_path`."""
    return _file(path) if path is not None else default_store_path()


def redact(url: str) -> str:
    """``url`` without its password (in the user part or a ``password=`` parameter)."""
    parts = urlsplit(url)
    out = url
    if parts.password is not None:  # only the user part: the rest of the URL stays as given
        head = f"{parts.scheme}://{parts.netloc}"
        out = out.replace(head, head.replace(f":{parts.password}@", ":***@", 1), 1)
    return re.sub(r"([?&]password=)[^&]*", r"\1***", out)

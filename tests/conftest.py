"""Shared fixtures: a store seeded once per session from the bundled snapshot, copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from metalwatch.store import Store

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session", autouse=True)
def _isolated_default_store(tmp_path_factory: pytest.TempPathFactory):
    """No test may touch the user's real store: point the default at a session temp file."""
    mp = pytest.MonkeyPatch()
    mp.setenv("METALWATCH_STORE", str(tmp_path_factory.mktemp("default") / "default.sqlite"))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def seeded_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "seeded.sqlite"
    with Store(path) as st:
        st._con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def store_path(seeded_path: Path, tmp_path: Path) -> Path:
    """Path to a private copy of the seeded store."""
    dst = tmp_path / "store.sqlite"
    shutil.copyfile(seeded_path, dst)
    return dst


@pytest.fixture
def store(store_path: Path):
    with Store(store_path) as st:
        yield st


def day(s: str) -> pd.Timestamp:
    return pd.Timestamp(s)

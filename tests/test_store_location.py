"""Which store a command or a notebook uses: --store, then $METALWATCH_STORE, then the config
file's store, then the user data directory; every face follows the same order."""

from __future__ import annotations

from pathlib import Path

import pytest

from metalwatch.config import platform_store_path
from metalwatch.errors import InvalidInputError
from metalwatch.store.paths import default_location, resolve_location


@pytest.fixture
def desk_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text('store = "desk.sqlite"\n')
    monkeypatch.setenv("METALWATCH_CONFIG", str(cfg))
    monkeypatch.delenv("METALWATCH_STORE", raising=False)
    return cfg


def test_the_config_file_names_the_default_store(desk_config: Path) -> None:
    assert default_location() == desk_config.parent / "desk.sqlite"  # relative to the file


def test_the_environment_wins_over_the_config(desk_config: Path, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("METALWATCH_STORE", str(tmp_path / "env.sqlite"))
    assert default_location() == tmp_path / "env.sqlite"


def test_the_flag_wins_over_everything(desk_config: Path, tmp_path: Path) -> None:
    assert resolve_location(str(tmp_path / "flag.sqlite")) == tmp_path / "flag.sqlite"
    assert resolve_location("postgresql://desk/metals") == "postgresql://desk/metals"


def test_no_config_means_the_user_data_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("METALWATCH_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("METALWATCH_STORE", raising=False)
    with pytest.raises(InvalidInputError, match="absent.toml"):
        default_location()  # a config file named but missing is said, not ignored
    monkeypatch.delenv("METALWATCH_CONFIG")
    monkeypatch.setattr("metalwatch.config.default_config_path", lambda: tmp_path / "none.toml")
    assert default_location() == platform_store_path()


def test_a_broken_config_is_one_line(tmp_path, monkeypatch) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text("store = 3\n")
    monkeypatch.setenv("METALWATCH_CONFIG", str(cfg))
    monkeypatch.delenv("METALWATCH_STORE", raising=False)
    with pytest.raises(InvalidInputError, match=r"config.toml:1: .*store"):
        default_location()

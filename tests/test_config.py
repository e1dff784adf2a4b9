"""The desk config file: validation with file:line errors, and where each setting came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from metalwatch.cli import main
from metalwatch.config import MAX_FILE_BYTES, Setting, load_config, redact, resolve_store
from metalwatch.errors import InvalidInputError

GOOD = """\
# the desk's settings
store = "desk.sqlite"
languages = ["en", "zh"]
editions = "/srv/editions"

[smtp]
host = "smtp.example.com"
port = 465
security = "ssl"
from = "desk@example.com"
to = ["sales@example.com"]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('store = "x"\nlangauges = ["en"]\n',
         "config.toml:2: unknown key 'langauges' in the config file (did you mean 'languages'?)"),
        ('store = "x"\n\n[smtp]\nhost = "h"\nprot = 25\n',
         "config.toml:5: unknown key 'prot' in [smtp] (did you mean 'port'?)"),
        ('[smtp]\nport = "587"\n',
         "config.toml:2: port must be an int (SMTP port), not a str"),
        ("store = 3\n", "config.toml:1: store must be a str (store file or URL), not an int"),
        ('languages = ["en", "fr"]\n',
         "config.toml:1: language 'fr' is not supported (use en, zh)"),
        ('[smtp]\nsecurity = "tls"\n',
         "config.toml:2: security must be one of starttls, ssl, none"),
        ('[smtp]\nport = 70000\n', "config.toml:2: port 70000 is not a TCP port"),
        ('[smtp]\nto = "a@b.c"\n',
         "config.toml:2: to must be a list (recipients), not a str"),
        ('store = "x"\nstore = "y"\n', "config.toml:2: Cannot overwrite a value"),
        ('[smtp\nhost = "h"\n', "config.toml:1: Expected ']' at the end of a table declaration"),
    ],
)  # fmt: skip
def test_errors_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        load_config(_write(tmp_path, text))
    assert str(err.value) == message


def test_bounded_and_regular_file_only(tmp_path: Path) -> None:
    big = _write(tmp_path, "# " + "x" * MAX_FILE_BYTES + "\n")
    with pytest.raises(InvalidInputError, match=r"bytes; the limit is 65,536$"):
        load_config(big)
    with pytest.raises(InvalidInputError, match=r"is not a regular file$"):
        load_config(tmp_path)
    with pytest.raises(InvalidInputError, match=r"^cannot read the config file .*: No such file"):
        load_config(tmp_path / "absent.toml")


def test_values_and_relative_paths(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, GOOD))
    assert cfg.get("store") == str(tmp_path / "desk.sqlite")
    assert cfg.origin("store") == f"{tmp_path / 'config.toml'}:2"
    assert cfg.get("editions") == "/srv/editions"
    assert (cfg.get("smtp.port"), cfg.origin("smtp.port")) == (465, f"{cfg.path}:8")
    assert (cfg.get("smtp.timeout"), cfg.origin("smtp.timeout")) == (30, "default")
    assert cfg.get("smtp.password_env") == "METALWATCH_SMTP_PASSWORD"
    url = load_config(_write(tmp_path, 'store = "sqlite:///s.sqlite"\n')).get("store")
    assert url == str(tmp_path / "s.sqlite")
    pg = load_config(_write(tmp_path, 'store = "postgresql://db/mw"\n')).get("store")
    assert pg == "postgresql://db/mw"


def test_store_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = load_config(_write(tmp_path, GOOD))
    monkeypatch.delenv("METALWATCH_STORE")
    assert resolve_store(cfg, None).origin == f"{cfg.path}:2"
    monkeypatch.setenv("METALWATCH_STORE", "/env/store.sqlite")
    assert resolve_store(cfg, None) == Setting("/env/store.sqlite", "env METALWATCH_STORE")
    assert resolve_store(cfg, "/flag.sqlite").origin == "flag --store"
    monkeypatch.delenv("METALWATCH_STORE")
    empty = load_config(_write(tmp_path, "languages = ['en']\n"))
    assert resolve_store(empty, None).origin == "default"
    assert redact("postgresql://desk:pw@db/mw") == "postgresql://desk:***@db/mw"


def test_config_show_provenance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, GOOD.replace('"desk.sqlite"', '"postgresql://desk:pw@db/mw"'))
    monkeypatch.delenv("METALWATCH_STORE")
    monkeypatch.setenv("METALWATCH_CONFIG", str(path))
    monkeypatch.setenv("METALWATCH_SMTP_PASSWORD", "secret")
    assert main(["config", "show"]) == 0
    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()}
    assert rows["config"] == ["file", str(path), "env", "METALWATCH_CONFIG"]
    assert rows["store"] == ["postgresql://desk:***@db/mw", f"{path}:2"]
    assert rows["languages"] == ["en,zh", f"{path}:3"]
    assert rows["smtp.security"] == ["ssl", f"{path}:9"]
    assert rows["smtp.timeout"] == ["30", "default"]
    assert rows["smtp.password"] == ["set", "env", "METALWATCH_SMTP_PASSWORD"]
    assert "secret" not in str(rows)
    assert main(["--store", "/tmp/x.sqlite", "config", "show", "--config", str(path)]) == 0
    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()}
    assert rows["store"] == ["/tmp/x.sqlite", "flag", "--store"]
    assert rows["config"] == ["file", str(path), "flag", "--config"]


def test_config_error_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, '[smtp]\nhots = "x"\n')
    assert main(["config", "show", "--config", str(path)]) == 2
    assert capsys.readouterr().err == (
        "metalwatch: error: config.toml:2: unknown key 'hots' in [smtp] (did you mean 'host'?)\n"
    )

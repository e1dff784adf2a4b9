"""The desk's config file: one TOML file, every key optional, each setting with its origin.

The file is ``--config PATH``, else ``$METALWATCH_CONFIG``, else ``config.toml`` in the
platformdirs user config directory (``~/.config/metalwatch/config.toml`` on Linux); a file
asked for by name must exist, the default one may be absent::

    store = "postgresql://metalwatch@db.desk/metalwatch"   # or a SQLite file path
    languages = ["en", "zh"]
    analyst = "/etc/metalwatch/analyst.yaml"
    editions = "/srv/metalwatch/editions"

    [smtp]
    host = "smtp.example.com"
    port = 587
    security = "starttls"          # starttls | ssl | none
    user = "desk@example.com"
    password_env = "METALWATCH_SMTP_PASSWORD"
    from = "Metals desk <desk@example.com>"
    to = ["sales@example.com"]

Unknown keys and wrong types are errors naming the file and line, like the analyst file's.
Relative paths in the file are relative to the file's folder. Each resolved setting says where
it came from: ``default``, ``file:line``, ``env NAME`` or ``flag --name``.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from metalwatch.errors import InvalidInputError

ENV_CONFIG = "METALWATCH_CONFIG"
ENV_STORE = "METALWATCH_STORE"
FILENAME = "config.toml"
#: The embedded store's file name in the user data directory.
STORE_FILENAME = "metalwatch.sqlite"
#: A config file is a few hundred bytes; anything larger is refused unread.
MAX_FILE_BYTES = 64 * 1024
LANGS = ("en", "zh")
SECURITY = ("starttls", "ssl", "none")

#: key -> (expected type, description); ``smtp`` is a table of its own.
TOP_KEYS: dict[str, tuple[type, str]] = {
    "store": (str, "store file or URL"),
    "languages": (list, "languages to publish"),
    "analyst": (str, "analyst YAML file"),
    "editions": (str, "editions folder"),
    "smtp": (dict, "SMTP delivery"),
}
SMTP_KEYS: dict[str, tuple[type, str]] = {
    "host": (str, "SMTP host"),
    "port": (int, "SMTP port"),
    "security": (str, "starttls | ssl | none"),
    "user": (str, "SMTP user"),
    "password_env": (str, "environment variable holding the SMTP password"),
    "from": (str, "sender address"),
    "to": (list, "recipients"),
    "subject": (str, "subject line ({week} is replaced)"),
    "timeout": (int, "seconds to wait for the server"),
}
_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


@dataclass(frozen=True)
class Setting:
    """One resolved setting and where it came from (``default``, ``file:line``, ``env X``...)."""

    value: Any
    origin: str


@dataclass
class Config:
    """The resolved settings of a run: ``settings[name]`` for top-level, ``smtp.name`` keys."""

    path: Path | None
    settings: dict[str, Setting] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        """The value of ``name`` (None when unset)."""
        s = self.settings.get(name)
        return None if s is None else s.value

    def origin(self, name: str) -> str:
        """Where ``name`` came from."""
        s = self.settings.get(name)
        return "unset" if s is None else s.origin


def default_config_path() -> Path:
    """``config.toml`` in the platformdirs user config directory."""
    import platformdirs  # here, not at import: a command given --store never needs it

    return Path(platformdirs.user_config_dir("metalwatch", appauthor=False)) / FILENAME


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """``(table, key) -> line`` for every ``key = ...`` line (table "" at the top)."""
    lines: dict[tuple[str, str], int] = {}
    table = ""
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if m := re.match(r"^\[\s*([^\]\s]+)\s*\]", line):
            table = m.group(1).strip("\"'")
            lines.setdefault(("", table), no)
        elif m := re.match(r"^(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_.-]+)\s*=", line):
            lines.setdefault((table, m.group(1).strip("\"'")), no)
    return lines


def _read(path: Path) -> str:
    try:
        st = os.stat(path)
    except OSError as exc:
        raise InvalidInputError(f"cannot read the config file {path}: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise InvalidInputError(f"config file {path} is not a regular file")
    if st.st_size > MAX_FILE_BYTES:
        raise InvalidInputError(
            f"config file {path} is {st.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
        )
    try:
        return path.read_bytes()[:MAX_FILE_BYTES].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path.name}: the config file is not UTF-8 ({exc})") from None
    except OSError as exc:
        raise InvalidInputError(f"cannot read the config file {path}: {exc.strerror}") from None


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _check(where: str, key: str, value: Any, spec: dict[str, tuple[type, str]], table: str) -> None:
    if key not in spec:
        from difflib import get_close_matches

        close = get_close_matches(key, list(spec), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        scope = f"[{table}]" if table else "the config file"
        raise InvalidInputError(f"{where}: unknown key {key!r:.60} in {scope}{hint}")
    want = spec[key][0]
    if not isinstance(value, want) or (want is int and isinstance(value, bool)):
        raise InvalidInputError(
            f"{where}: {key} must be {_a(want.__name__)} ({spec[key][1]}), "
            f"not {_a(type(value).__name__)}"
        )


def _validate(name: str, lines: dict[tuple[str, str], int], data: dict[str, Any]) -> None:
    def at(table: str, key: str) -> str:
        no = lines.get((table, key))
        return f"{name}:{no}" if no else name

    for key, value in data.items():
        _check(at("", key), key, value, TOP_KEYS, "")
    for lang in data.get("languages", []):
        if lang not in LANGS:
            raise InvalidInputError(
                f"{at('', 'languages')}: language {lang!r:.20} is not supported (use en, zh)"
            )
    if "languages" in data and not data["languages"]:
        raise InvalidInputError(f"{at('', 'languages')}: languages is empty")
    for key, value in data.get("smtp", {}).items():
        where = at("smtp", key)
        _check(where, key, value, SMTP_KEYS, "smtp")
        if key == "security" and value not in SECURITY:
            raise InvalidInputError(f"{where}: security must be one of {', '.join(SECURITY)}")
        if key == "port" and not 0 < value < 65536:
            raise InvalidInputError(f"{where}: port {value} is not a TCP port")
        if key == "to" and not all(isinstance(v, str) and "@" in v for v in value):
            raise InvalidInputError(f"{where}: to must be a list of e-mail addresses")


def _with_base(value: str, base: Path) -> str:
    """A path relative to the config file's folder (URLs are left as they are)."""
    sqlite = value.startswith("sqlite:///") and not value.startswith("sqlite:////")
    if "://" in value and not sqlite:
        return value
    p = Path(value.removeprefix("sqlite:///") if sqlite else value).expanduser()
    return str(p if p.is_absolute() else base / p)


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read and validate the config file, and resolve every setting with its origin.

    Parameters
    ----------
    path
        The file (``--config``); None uses ``$METALWATCH_CONFIG`` or the default location,
        which may be absent.

    Returns
    -------
    Config
        The settings from the file over the defaults (flags and the store's environment
        variable are applied by :func:`resolve_store` and the commands).
    """
    named = path if path is not None else os.environ.get(ENV_CONFIG) or None
    file = Path(named).expanduser() if named is not None else default_config_path()
    cfg = Config(path=None)
    data: dict[str, Any] = {}
    lines: dict[tuple[str, str], int] = {}
    if named is not None or file.exists():
        text = _read(file)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
            msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
            raise InvalidInputError(f"{file.name}:{m.group(1) if m else '?'}: {msg}") from None
        lines = _key_lines(text)
        _validate(file.name, lines, data)
        cfg.path = file

    def put(name: str, table: str, key: str, value: Any, default: Any) -> None:
        if value is None:
            cfg.settings[name] = Setting(default, "default")
        else:
            cfg.settings[name] = Setting(value, f"{file}:{lines.get((table, key), '?')}")

    base = file.parent
    put("store", "", "store", _opt(data.get("store"), base), None)
    put("languages", "", "languages", data.get("languages"), ["en", "zh"])
    put("analyst", "", "analyst", _opt(data.get("analyst"), base), None)
    put("editions", "", "editions", _opt(data.get("editions"), base), _default_editions())
    smtp = data.get("smtp", {})
    security = smtp.get("security")
    for key in SMTP_KEYS:
        default = {
            "port": _PORTS[security or "starttls"],
            "security": "starttls",
            "password_env": "METALWATCH_SMTP_PASSWORD",
            "subject": "Metals weekly {week}",
            "to": [],
            "timeout": 30,
        }.get(key)
        put(f"smtp.{key}", "smtp", key, smtp.get(key), default)
    return cfg


def _opt(value: str | None, base: Path) -> str | None:
    return None if value is None else _with_base(value, base)


def _user_data_dir() -> Path:
    import platformdirs  # here, not at import: a command given --store never needs it

    return Path(platformdirs.user_data_dir("metalwatch", appauthor=False))


def _default_editions() -> str:
    return str(_user_data_dir() / "editions")


def resolve_store(cfg: Config, flag: str | None) -> Setting:
    """The store to use: ``--store`` > ``$METALWATCH_STORE`` > the config file > the default.

    Parameters
    ----------
    cfg
        The loaded config.
    flag
        The value of ``--store`` (None when not given).
    """
    if flag:
        return Setting(flag, "flag --store")
    env = os.environ.get(ENV_STORE)
    if env:
        return Setting(env, f"env {ENV_STORE}")
    s = cfg.settings.get("store")
    if s is not None and s.value is not None:
        return s
    return Setting(str(platform_store_path()), "default")


def platform_store_path() -> Path:
    """The store used when nothing names one: a file in the platform's user data directory."""
    return _user_data_dir() / STORE_FILENAME


def configured_store() -> str | None:
    """The store the config file names (``$METALWATCH_CONFIG`` or the default file), if any."""
    setting = load_config(None).settings.get("store")
    return None if setting is None or setting.value is None else str(setting.value)


def redact(url: str) -> str:
    """``scheme://user:secret@host`` -> ``scheme://user:***@host`` (paths unchanged)."""
    return re.sub(r"(://[^:/@]+:)[^@/]*@", r"\1***@", url)

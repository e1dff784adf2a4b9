"""metalwatch publish: the edition folder, its manifest and workbook, delivery over SMTP.

One publish of 2025-12-12 in English and Chinese (two PDF renders) is shared by the module;
publishing again finds the same fingerprint and writes nothing, and the e-mail tests send that
edition to an aiosmtpd server on 127.0.0.1.
"""

from __future__ import annotations

import json
import shutil
import socket
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from metalwatch.cli import main
from metalwatch.config import load_config
from metalwatch.publish import manifest as mf
from metalwatch.publish.fingerprint import fingerprint, read_canonical
from metalwatch.publish.mail import DeliveryError, send_edition, smtp_settings

WEEK = "2025-12-12"


@pytest.fixture(scope="module")
def desk(seeded_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A private store, a config file and the edition of 2025-12-12 (en, zh) published once."""
    root = tmp_path_factory.mktemp("desk")
    store = root / "store.sqlite"
    shutil.copyfile(seeded_path, store)
    config = root / "config.toml"
    config.write_text(
        f'store = "{store}"\nlanguages = ["en", "zh"]\neditions = "editions"\n', "utf-8"
    )
    mp = pytest.MonkeyPatch()
    mp.delenv("METALWATCH_STORE")
    mp.setenv("METALWATCH_CONFIG", str(config))
    try:
        code = main(["publish", "--week", WEEK])
    finally:
        mp.undo()
    assert code == 0
    return {"root": root, "store": store, "config": config, "editions": root / "editions"}


def test_edition_folder_layout(desk: dict[str, Any]) -> None:
    folder = desk["editions"] / WEEK
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        [
            "figures.csv",
            "manifest.json",
            f"metalwatch-weekly-{WEEK}-appendix.csv",
            f"metalwatch-weekly-{WEEK}-tables.xlsx",
            f"metalwatch-weekly-{WEEK}-zh-tables.xlsx",
            f"metalwatch-weekly-{WEEK}-zh.html",
            f"metalwatch-weekly-{WEEK}-zh.pdf",
            f"metalwatch-weekly-{WEEK}.html",
            f"metalwatch-weekly-{WEEK}.pdf",
        ]
    )
    assert (folder / f"metalwatch-weekly-{WEEK}-zh.pdf").read_bytes().startswith(b"%PDF")
    assert "有色" in (folder / f"metalwatch-weekly-{WEEK}-zh.html").read_text("utf-8")
    assert not [p for p in desk["editions"].iterdir() if p.name.startswith(".")]


def test_manifest_fields(desk: dict[str, Any]) -> None:
    folder = desk["editions"] / WEEK
    m = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert m["week"] == WEEK and m["edition"] == WEEK and m["run"] == 1
    assert m["languages"] == ["en", "zh"]
    assert m["metalwatch_version"] == __import__("metalwatch").__version__
    assert m["store"] == {"backend": "sqlite", "url": str(desk["store"])}
    assert pd.Timestamp(m["generated_at"]).tzinfo is not None
    # generated_at is printed to the second; the last write may fall in that same second
    assert m["data_as_of"] is None or pd.Timestamp(m["data_as_of"]).floor("s") <= pd.Timestamp(
        m["generated_at"]
    )
    assert m["series"]["SHFE.CU"] == {"as_of": WEEK, "stale": False}
    assert m["series"]["CN.PRND_OXIDE"] == {"as_of": "2025-12-11", "stale": False}
    assert m["series"]["SGE.AU9999"]["missing"] is True  # grouped in the report, listed here
    assert m["series"]["SW.801055"]["reason"].endswith("no public history bundled, not yet fetched")
    # the fingerprint is the sha256 of figures.csv, which holds the printed values
    figures = read_canonical(str(folder / "figures.csv"))
    assert m["fingerprint"] == fingerprint(figures) == "sha256:" + m["files"]["figures.csv"]
    assert m["figures"] == len(figures)
    row = figures[(figures.instrument == "SHFE.CU") & (figures.metric == "close")].iloc[0]
    assert (row["value"], row["as_of"]) == ("94170", WEEK)
    wow = figures[(figures.instrument == "LME.CA.3M") & (figures.metric == "wow_pct")]
    assert wow["value"].tolist() == ["1.58"]
    for name, digest in m["files"].items():
        assert __import__("hashlib").sha256((folder / name).read_bytes()).hexdigest() == digest


def test_workbook_sheets_and_numbers(desk: dict[str, Any]) -> None:
    path = desk["editions"] / WEEK / f"metalwatch-weekly-{WEEK}-tables.xlsx"
    sheets = pd.read_excel(path, sheet_name=None)
    assert {"contents", "precious", "industrial", "cross-venue", "inventory"} <= set(sheets)
    assert set(sheets["contents"]["sheet"]) == set(sheets) - {"contents"}
    industrial = sheets["industrial"].set_index(sheets["industrial"].columns[0])
    price = industrial.loc["SHFE copper (main continuous)", "Price"]
    assert isinstance(price, float) and price == 94170.0
    assert industrial.loc["SHFE copper (main continuous)", "WoW %"] == pytest.approx(1.50)
    cross = sheets["cross-venue"]
    assert "SHFE (CNY/t)" in cross.columns and "LME 3-month (USD/t)" in cross.columns
    assert cross.loc[cross["Metal"] == "Copper", "SHFE (CNY/t)"].item() == 94170
    zh = pd.read_excel(path.with_name(f"metalwatch-weekly-{WEEK}-zh-tables.xlsx"), sheet_name=None)
    assert set(zh) == set(sheets)


def test_publish_again_same_fingerprint_nothing_written(
    desk: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--update runs first (replaced here: no network in tests), then the same figures."""
    from metalwatch import api
    from metalwatch.ingest.outcome import UpdateReport

    calls: list[dict[str, Any]] = []

    def fake_update(*args: Any, **kwargs: Any) -> UpdateReport:
        calls.append(kwargs)
        return UpdateReport([], 0.0, {}, {})

    monkeypatch.setattr(api, "update", fake_update)
    monkeypatch.setenv("METALWATCH_CONFIG", str(desk["config"]))
    monkeypatch.delenv("METALWATCH_STORE")
    first = json.loads((desk["editions"] / WEEK / "manifest.json").read_text("utf-8"))
    capsys.readouterr()
    assert main(["publish", "--week", WEEK, "--update"]) == 0
    out = capsys.readouterr().out
    assert calls == [{"store": str(desk["store"])}]
    assert "update: 0 series, 0 rows added, 0 revised, 0 failed" in out
    assert f"edition {WEEK} (unchanged, already published)" in out
    assert first["fingerprint"] in out
    assert [e.name for e in mf.list_editions(desk["editions"])] == [WEEK]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _smtp_config(desk: dict[str, Any], port: int, extra: str = "") -> Path:
    path = desk["root"] / f"smtp-{port}.toml"
    path.write_text(
        desk["config"].read_text("utf-8")
        + f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        f'from = "desk@example.com"\nto = ["sales@example.com", "pm@example.com"]\n{extra}',
        "utf-8",
    )
    return path


def test_email_to_local_smtp_server(desk: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    received: list[Message] = []
    logins: list[tuple[bytes, bytes]] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(message_from_bytes(envelope.content))
            return "250 OK"

    def auth(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret")

    port = _free_port()
    controller = Controller(
        Handler(), hostname="127.0.0.1", port=port, authenticator=auth, auth_require_tls=False
    )
    controller.start()
    try:
        monkeypatch.setenv("DESK_SMTP_PASSWORD", "s3cret")
        cfg = load_config(
            _smtp_config(desk, port, 'user = "desk"\npassword_env = "DESK_SMTP_PASSWORD"\n')
        )
        send_edition(mf.find_edition(desk["editions"], WEEK), smtp_settings(cfg))
    finally:
        controller.stop()
    assert logins == [(b"desk", b"s3cret")]
    (msg,) = received
    assert msg["Subject"] == f"Metals weekly {WEEK}"
    assert msg["To"] == "sales@example.com, pm@example.com"
    files = {p.get_filename(): p.get_payload(decode=True) for p in msg.walk() if p.get_filename()}
    folder = desk["editions"] / WEEK
    assert set(files) == {f"metalwatch-weekly-{WEEK}.pdf", f"metalwatch-weekly-{WEEK}-zh.pdf"}
    for name, body in files.items():
        assert body == (folder / name).read_bytes()
    log = [json.loads(x) for x in (folder / "delivery.log").read_text("utf-8").splitlines()]
    assert log[-1]["status"] == "sent" and log[-1]["to"] == ["sales@example.com", "pm@example.com"]


def test_failed_delivery_keeps_the_edition(
    desk: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = _free_port()  # nothing listens there
    monkeypatch.delenv("METALWATCH_STORE")
    config = _smtp_config(desk, port)
    folder = desk["editions"] / WEEK
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "delivery.log"}
    capsys.readouterr()
    code = main(["publish", "--week", WEEK, "--lang", "en", "--email", "--config", str(config)])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err == (
        "metalwatch: delivery failed: e-mail to sales@example.com, pm@example.com failed: "
        f"connection refused by 127.0.0.1:{port}; the edition is kept at {folder}"
    )
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "delivery.log"}
    assert after == before
    last = json.loads((folder / "delivery.log").read_text("utf-8").splitlines()[-1])
    assert last["status"] == "failed" and "connection refused" in last["message"]


def test_email_without_password_is_a_delivery_error(desk: dict[str, Any]) -> None:
    cfg = load_config(_smtp_config(desk, 2525, 'user = "desk"\npassword_env = "NO_SUCH_PW"\n'))
    with pytest.raises(DeliveryError, match=r"NO_SUCH_PW \(the SMTP password\) is unset"):
        send_edition(mf.find_edition(desk["editions"], WEEK), smtp_settings(cfg))


def test_email_needs_smtp_settings(
    desk: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["publish", "--email", "--config", str(desk["config"])])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "metalwatch: error: --email needs smtp.host, smtp.from, smtp.to in "
        f"{desk['config']} (see metalwatch config show)"
    )

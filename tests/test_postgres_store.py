"""The PostgreSQL backend as such: roles, concurrency, refusals, ``store copy``, the CI rule.

The behaviour both backends share is tested on both in ``test_store.py`` and
``test_point_in_time.py``; here is what only a server has.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from metalwatch import frame
from metalwatch.cli import main
from metalwatch.errors import StoreCorruptError, StoreError
from metalwatch.ingest.seed import open_store
from metalwatch.store import Store
from metalwatch.store.copier import fingerprint
from tests.conftest import sql
from tests.store_backends import admin, database_url, server_url

READER_GRANTS = """
GRANT CONNECT ON DATABASE {db} TO {reader};
GRANT USAGE ON SCHEMA public TO {reader};
GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader};
ALTER DEFAULT PRIVILEGES FOR ROLE {writer} IN SCHEMA public GRANT SELECT ON TABLES TO {reader};
"""
WRITER_GRANTS = """
GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {writer};
GRANT USAGE, CREATE ON SCHEMA public TO {writer};
"""


def lme(value: float, day: str = "2025-12-12", iid: str = "LME.CA.3M") -> pd.DataFrame:
    unit = "USD/t" if iid.startswith("LME") else "USD/oz"
    return frame.coerce(
        pd.DataFrame({"instrument": [iid], "field": ["close"], "date": [day], "value": [value],
                      "unit": [unit], "currency": ["USD"], "source": ["test"]})
    )  # fmt: skip


def close(st: Store, iid: str = "LME.CA.3M") -> float:
    rows = st.read([iid], fields=["close"], start="2025-12-12", end="2025-12-12")
    return float(rows["value"].item())


def as_role(url: str, role: str) -> str:
    return re.sub(r"user=[^&]*", f"user={role}", url)


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("metalwatch: error: "), err
    return err.removeprefix("metalwatch: error: ").rstrip("\n")


@pytest.fixture
def roles(pg_url: str, pg_empty_url: str) -> Iterator[tuple[str, str]]:
    """A writer and a read-only role on a new database, granted as the README says."""
    db = pg_empty_url.split("?")[0].rsplit("/", 1)[1]
    writer, reader = f"{db}_writer", f"{db}_reader"
    admin(pg_url, f"CREATE ROLE {writer} LOGIN", f"CREATE ROLE {reader} LOGIN")
    names = {"db": db, "writer": writer, "reader": reader}
    admin(pg_empty_url, *WRITER_GRANTS.format(**names).strip().splitlines(),
          *READER_GRANTS.format(**names).strip().splitlines())  # fmt: skip
    yield as_role(pg_empty_url, writer), as_role(pg_empty_url, reader)
    # the grants and default privileges live in the database: gone with it
    admin(pg_url, f"DROP DATABASE IF EXISTS {db} WITH (FORCE)",
          f"DROP ROLE {writer}", f"DROP ROLE {reader}")  # fmt: skip


def test_a_read_only_role_reads_and_is_refused_in_one_line(
    roles: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    writer_url, reader_url = roles
    with Store(writer_url) as st:  # the writer creates the tables on first use
        assert not st.read_only
        st.upsert(lme(11800.0))
    with Store(reader_url) as st:
        assert st.read_only and close(st) == 11800.0
        reader = reader_url.split("user=")[1].split("&")[0]
        with pytest.raises(StoreError) as err:
            st.upsert(lme(11900.0))
        assert str(err.value) == (
            f"the store {st.location} is read-only (role {reader} may only read it): "
            "nothing was written"
        )
    with open_store(reader_url) as st:  # no seeding attempted
        assert st.meta("seeded_from") is None
    csv = tmp_path / "one.csv"
    csv.write_text("instrument,field,date,value\nLME.CA.3M,close,2025-12-15,11900\n")
    assert main(["--store", reader_url, "store", "import", str(csv)]) == 2
    assert "is read-only (role " in one_line(capsys.readouterr().err)
    assert main(["--store", reader_url, "moves", "--week", "2025-12-12", "LME.CA.3M"]) == 0
    assert "11,800.0" in capsys.readouterr().out


def test_a_write_the_server_refuses_is_one_line(pg_store_url: str) -> None:
    """Privileges that look fine but a server that refuses writes: said read-only, not a trace."""
    url = pg_store_url + "&options=-c%20default_transaction_read_only%3Don"
    with Store(url) as st:
        said = r"is read-only \(role postgres may only read it: cannot execute .* read-only"
        with pytest.raises(StoreError, match=f"^the store .* {said} transaction\\)"):
            st.upsert(lme(11900.0))
        assert close(st) == 11800.0


def test_writers_serialise_per_series_and_readers_do_not_wait(pg_store_url: str) -> None:
    a, b, reader = Store(pg_store_url), Store(pg_store_url), Store(pg_store_url)
    holding = threading.Event()

    def hold() -> None:
        with a.transaction():
            a.upsert(lme(11900.0))
            holding.set()
            time.sleep(1.0)

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(30)
    t0 = time.perf_counter()
    assert close(reader) == 11800.0  # the committed value, at once
    assert b.upsert(lme(4310.0, iid="COMEX.GC")).revised == 1  # another series: no wait
    assert time.perf_counter() - t0 < 0.5
    res = b.upsert(lme(12000.0))  # the same series: waits for A, then revises A's value
    waited = time.perf_counter() - t0
    thread.join()
    assert waited >= 0.5 and res.revised == 1
    revs = b.revisions("LME.CA.3M")
    assert revs[["old_value", "new_value"]].values.tolist() == [[11800.0, 11900.0],
                                                                [11900.0, 12000.0]]  # fmt: skip
    for st in (a, b, reader):
        st.close()


def test_another_database_is_refused_untouched(pg_empty_url: str) -> None:
    sql(pg_empty_url, "CREATE TABLE users (name TEXT)")
    with pytest.raises(StoreCorruptError, match="is a PostgreSQL database but not a metalwatch"):
        Store(pg_empty_url)
    assert sql(pg_empty_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == [
        ("users",)
    ]


def test_no_server_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"postgresql:///metals?host={tmp_path}"
    with pytest.raises(StoreError, match=f"^cannot open the store {re.escape(url)}: "):
        Store(url)
    assert main(["--store", url, "store", "info"]) == 2
    assert one_line(capsys.readouterr().err).startswith(f"cannot open the store {url}: ")


def test_password_is_not_printed(tmp_path: Path) -> None:
    url = f"postgresql://desk:s3cret@localhost:1/metals?host={tmp_path}"
    with pytest.raises(StoreError) as err:
        Store(url)
    assert "s3cret" not in str(err.value) and "desk:***@" in str(err.value)
    url = f"postgresql:///metals?host={tmp_path}&password=s3cret&user=desk"
    with pytest.raises(StoreError) as err:
        Store(url)
    assert f"postgresql:///metals?host={tmp_path}&password=***&user=desk: " in str(err.value)


def test_the_store_from_the_environment(
    pg_store_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("METALWATCH_STORE", pg_store_url)
    with Store() as st:
        assert st.backend == "postgresql" and st.path is None
    assert main(["store", "info"]) == 0
    assert f"store: {pg_store_url}" in capsys.readouterr().out
    assert main(["store", "check"]) == 0
    assert "integrity ok" in capsys.readouterr().out


def test_copy_both_ways_with_revisions_and_fetch_log(
    store_path: Path,
    pg_empty_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Store(store_path) as st:
        st.upsert(lme(11900.0))
        st.log_fetch("LME.CA.3M", "test", "ok", last_date="2025-12-12")
        want = fingerprint(st)
    assert want.counts["revisions"] == 1 and want.counts["fetch_log"] == 1
    assert main(["store", "copy", str(store_path), pg_empty_url]) == 0
    out = capsys.readouterr().out
    assert f"(sqlite) -> {pg_empty_url} (postgresql)" in out
    assert f"observations {want.counts['observations']}, revisions 1, fetch_log 1" in out
    assert f"checksum: sha256 {want.checksum}, the same in both" in out
    back = tmp_path / "back.sqlite"
    assert main(["store", "copy", pg_empty_url, str(back)]) == 0
    assert f"checksum: sha256 {want.checksum}" in capsys.readouterr().out
    with Store(pg_empty_url) as pg, Store(back) as sq:
        assert fingerprint(sq) == want  # and the copy checked the PostgreSQL one before commit
        assert pg.upsert(lme(12000.0)).revised == 1  # the id sequence moved past the copy
        assert pg.revisions()["id"].tolist() == [1, 2]
    assert main(["store", "copy", str(store_path), pg_empty_url]) == 2  # not into a full store
    assert "already holds data" in one_line(capsys.readouterr().err)


def test_ci_without_a_server_fails_instead_of_skipping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("METALWATCH_TEST_PG", raising=False)
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match=r"METALWATCH_TEST_PG is not set in CI"):
        server_url()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="make test"):
        server_url()


def test_database_url() -> None:
    url = "postgresql:///postgres?host=/tmp/x&user=postgres"
    assert database_url(url, "mw") == "postgresql:///mw?host=/tmp/x&user=postgres"
    assert os.environ.get("METALWATCH_TEST_PG") or os.environ.get("CI") is None

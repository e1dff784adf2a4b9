"""Point in time: ``as_of`` reads the store as it was then, on both backends.

A weekly is built, a value it printed is revised and a later row added; ``as_of`` the time of
the weekly rebuilds it figure for figure, while a plain read shows the revision.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

import metalwatch as mw
from metalwatch import frame
from metalwatch.cli import main
from metalwatch.errors import InvalidInputError, StoreError
from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.reporting.model import build_weekly
from metalwatch.store import Store
from metalwatch.store.week import read_week

WEEK = pd.Timestamp("2025-12-12")
GENERATED = pd.Timestamp("2025-12-12T18:00:00").to_pydatetime()


def canonical(iid: str, day: str, value: float, source: str = "test:revision") -> pd.DataFrame:
    reg = mw.instruments().loc[iid]
    return frame.coerce(
        pd.DataFrame(
            {
                "instrument": [iid],
                "field": [reg["field"]],
                "date": [day],
                "value": [value],
                "unit": [reg["unit"]],
                "currency": [reg["currency"]],
                "source": [source],
            }
        )
    )


def figures(store: Store, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    data = read_week(store, WEEK, report_instruments(), history_days=HISTORY_DAYS, as_of=as_of)
    return build_weekly(data, generated_at=GENERATED).figures


def close_on(store: Store, iid: str, day: str, as_of: pd.Timestamp | None = None) -> float:
    rows = store.read([iid], fields=["close"], start=day, end=day, as_of=as_of)
    return float(rows["value"].item())


def test_as_of_rebuilds_the_weekly_after_a_revision(backend_store: Store) -> None:
    st = backend_store
    before = figures(st)
    published = st.data_as_of()
    assert published is not None
    time.sleep(0.01)
    res = st.upsert(canonical("LME.CA.3M", "2025-12-12", 12345.0))
    assert res.revised == 1
    st.upsert(canonical("COMEX.GC", "2025-12-11", 4290.0))  # another revision, the day before
    assert st.data_as_of() > published  # type: ignore[operator]

    now = figures(st)
    assert not now.equals(before)  # the plain weekly shows the revision
    lme = now[(now["instrument"] == "LME.CA.3M") & (now["metric"] == "close")]
    assert set(lme["value"]) == {12345.0} and "12,345.0" in set(lme["text"])
    was = before[(before["instrument"] == "LME.CA.3M") & (before["metric"] == "close")]
    assert set(was["value"]) == {11800.0}
    then = figures(st, as_of=published)
    pd.testing.assert_frame_equal(then, before)  # figure for figure


def test_as_of_undoes_revisions_and_hides_later_rows(backend_store: Store) -> None:
    st = backend_store
    t0 = pd.Timestamp.now(tz="UTC")
    time.sleep(0.01)
    st.upsert(canonical("LME.CA.3M", "2025-12-12", 11900.0, "test:first"))
    time.sleep(0.01)
    t1 = pd.Timestamp.now(tz="UTC")
    time.sleep(0.01)
    st.upsert(canonical("LME.CA.3M", "2025-12-12", 12000.0, "test:second"))
    st.upsert(canonical("LME.CA.3M", "2026-08-24", 14300.0, "test:new"))  # after the bundle
    assert close_on(st, "LME.CA.3M", "2025-12-12") == 12000.0
    assert close_on(st, "LME.CA.3M", "2025-12-12", t1) == 11900.0
    assert close_on(st, "LME.CA.3M", "2025-12-12", t0) == 11800.0
    old = st.read(["LME.CA.3M"], fields=["close"], start="2025-12-12", end="2025-12-12", as_of=t0)
    assert old["source"].item() == "bundled:lme_westmetall_charsha"
    assert st.read(["LME.CA.3M"], start="2026-08-24", as_of=t1).empty
    assert len(st.read(["LME.CA.3M"], start="2026-08-24")) == 1
    # before the store was seeded it held nothing
    assert st.read(["LME.CA.3M"], as_of="2000-01-01").empty
    # spans and fetch log follow as_of too
    key = ("LME.CA.3M", "close")
    assert st.span([key])[key][1] == "2026-08-24"
    assert st.span([key], as_of=t1)[key][1] == "2026-08-21"
    st.log_fetch("LME.CA.3M", "test", "ok")
    assert st.last_fetches(as_of=t1).empty and len(st.last_fetches()) == 1


def test_as_of_through_the_api_and_the_cli(
    seeded_url: str | Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loc = str(seeded_url)
    t0 = pd.Timestamp.now(tz="UTC")
    time.sleep(0.01)
    with Store(loc) as st:
        st.upsert(canonical("LME.CA.3M", "2025-12-12", 12345.0))
    px = mw.prices("LME.CA.3M", start="2025-12-12", end="2025-12-12", store=loc)
    assert px["LME.CA.3M"].item() == 12345.0
    px = mw.prices("LME.CA.3M", start="2025-12-12", end="2025-12-12", as_of=t0, store=loc)
    assert px["LME.CA.3M"].item() == 11800.0
    rows = mw.series("LME.CA.3M", start="2025-12-12", end="2025-12-12", fields=["close"],
                     as_of=t0.isoformat(), store=loc)  # fmt: skip
    assert rows["value"].item() == 11800.0
    assert mw.moves(WEEK, ids="LME.CA.3M", store=loc).loc["LME.CA.3M", "close"] == 12345.0
    then = mw.moves(WEEK, ids="LME.CA.3M", as_of=t0, store=loc)
    assert then.loc["LME.CA.3M", "close"] == 11800.0
    with pytest.raises(InvalidInputError, match="as_of 'yesterday-ish' is not a time"):
        mw.prices("LME.CA.3M", as_of="yesterday-ish", store=loc)

    out = tmp_path / "then.html"
    args = ["--store", loc, "report", "--week", "2025-12-12", "--format", "html"]
    assert main([*args, "--as-of", t0.isoformat(), "-o", str(out)]) == 0
    assert "11,800.0" in out.read_text() and "12,345.0" not in out.read_text()
    assert main([*args, "-o", str(tmp_path / "now.html")]) == 0
    assert "12,345.0" in (tmp_path / "now.html").read_text()


def test_a_view_as_of_cannot_write(backend_store: Store) -> None:
    view = backend_store.at("2025-12-12T10:00:00+08:00")
    assert view.as_of == pd.Timestamp("2025-12-12T02:00:00", tz="UTC")
    with pytest.raises(StoreError, match=r"is read-only \(a view of it as of 2025-12-12 02:00"):
        view.upsert(canonical("LME.CA.3M", "2025-12-12", 1.0))
    assert close_on(backend_store, "LME.CA.3M", "2025-12-12") == 11800.0

"""metalwatch editions list|diff: which figures changed since an edition, and why.

One English edition of 2025-12-12 is published, then a stored value is revised (LME copper
3-month on 2025-12-12): a rebuild names the figure as revised with the store's evidence, a
second edition is written as run 2, and the diff between the two editions says the same.
"""

from __future__ import annotations

import inspect
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from metalwatch.cli import main
from metalwatch.ingest.seed import opened
from metalwatch.publish.diff import diff_figures

WEEK = "2025-12-12"


@pytest.fixture(scope="module")
def desk(seeded_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("editions")
    store = root / "store.sqlite"
    shutil.copyfile(seeded_path, store)
    config = root / "config.toml"
    config.write_text(f'store = "{store}"\nlanguages = ["en"]\neditions = "ed"\n', "utf-8")
    args = ["--store", str(store), "publish", "--week", WEEK, "--config", str(config)]
    assert main(args) == 0
    return {"store": store, "config": config, "editions": root / "ed", "publish": args}


def _revise(store: Path, value: float) -> None:
    with opened(store) as st:
        row = st.read(["LME.CA.3M"], fields=["close"], start=WEEK, end=WEEK)
        assert row["value"].tolist() == [11800.0]
        st.upsert(row.assign(value=value, source="desk:correction"))


def test_list_and_diff_against_rebuild_then_republish(
    desk: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--store", str(desk["store"]), "editions"]
    cfg = ["--config", str(desk["config"])]
    capsys.readouterr()
    assert main([*base, "diff", WEEK, "--rebuild", *cfg]) == 0
    assert "no figure changed" in capsys.readouterr().out

    _revise(desk["store"], 11900.0)
    assert main([*base, "diff", WEEK, "--rebuild", *cfg]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"edition {WEEK} (sha256:")
    line = next(x for x in out.splitlines() if "LME.CA.3M close:" in x)
    assert line.strip().startswith(
        "LME.CA.3M close: 11800.0 -> 11900.0 (as of 2025-12-12): revised; "
        "stored close for 2025-12-12 revised 11800 -> 11900 at "
    )
    # figures computed from it are revised too (same as-of date, another value)
    assert "LME.CA.3M wow_pct: 1.58 -> 2.44 (as of 2025-12-12): revised" in out

    _as_of_reproduces(desk, [*base, "diff", WEEK, "--rebuild", *cfg], capsys)

    assert main(desk["publish"]) == 0
    assert f"edition {WEEK}-r2 (written)" in capsys.readouterr().out
    assert main([*base, "list", *cfg]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert [x.split()[0] for x in listing[1:]] == [WEEK, f"{WEEK}-r2"]
    assert main([*base, "diff", WEEK, f"{WEEK}-r2", *cfg]) == 1
    out = capsys.readouterr().out
    assert f"-> edition {WEEK}-r2 (sha256:" in out
    assert "LME.CA.3M close: 11800.0 -> 11900.0 (as of 2025-12-12): revised" in out
    assert main([*base, "diff", f"{WEEK}-r2", "--rebuild", *cfg]) == 0


def _as_of_reproduces(
    desk: dict[str, Any], args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Rebuilt as of the edition's data time, the revised store gives the edition's figures."""
    from metalwatch.store.week import read_week

    if "as_of" not in inspect.signature(read_week).parameters:
        pytest.skip("the store has no point-in-time reads yet")
    m = json.loads((desk["editions"] / WEEK / "manifest.json").read_text("utf-8"))
    assert main([*args, "--as-of", m["data_as_of"]]) == 0
    out = capsys.readouterr().out
    assert f"rebuild as of {m['data_as_of']} ({m['fingerprint']})" in out
    assert "no figure changed" in out


def test_diff_reasons() -> None:
    a = pd.DataFrame(
        {
            "instrument": ["A", "B", "C", "D"],
            "metric": ["close", "close", "rank", "close"],
            "value": ["1.0", "2.0", "3", "4"],
            "as_of": ["2025-12-12", "2025-12-11", "", "2025-12-12"],
        }
    )
    b = pd.DataFrame(
        {
            "instrument": ["A", "B", "C", "E"],
            "metric": ["close", "close", "rank", "close"],
            "value": ["1.5", "2.5", "4", "5"],
            "as_of": ["2025-12-12", "2025-12-12", "", "2025-12-12"],
        }
    )
    why = {c.instrument: c.why for c in diff_figures(a, b)}
    assert why == {"A": "revised", "B": "new data", "C": "recomputed", "D": "dropped", "E": "added"}
    (b_change,) = [c for c in diff_figures(a, b) if c.instrument == "B"]
    assert b_change.line() == "B close: 2.0 -> 2.5 (as of 2025-12-11 -> 2025-12-12): new data"


def test_unknown_edition_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'editions = "{tmp_path}"\n', "utf-8")
    assert main(["editions", "diff", "2025-12-05", "--rebuild", "--config", str(config)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"metalwatch: error: no edition '2025-12-05' in {tmp_path} (latest: none)"
    )
    assert main(["editions", "list", "--config", str(config)]) == 0
    assert capsys.readouterr().out.strip() == f"no editions in {tmp_path}"

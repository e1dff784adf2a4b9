"""Charts drawn once per content (issue 13): a weekly whose charts are kept in the store draws
none of them and imports no matplotlib, and is byte for byte the weekly drawn from scratch; a
changed value, label or event is a new digest, so a cached weekly never shows stale charts.
"""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from metalwatch import frame, weekly
from metalwatch.reporting import chart_memo, charts
from metalwatch.store import Store
from metalwatch.store.chart_cache import KEEP, PACKED, SVG_URI, pack, unpack

WEEK = "2025-12-12"
SECOND = """
import sys
from metalwatch import weekly
weekly.write({week!r}, format="html", output={out!r}, store={store!r})
print(sorted(m for m in sys.modules if m.startswith(("matplotlib", "statsmodels", "scipy"))))
"""


class DictShelf:
    """A chart shelf in memory."""

    def __init__(self) -> None:
        self.charts: dict[str, str] = {}

    def get(self, digest: str) -> str | None:
        return self.charts.get(digest)

    def put(self, digest: str, uri: str) -> None:
        self.charts[digest] = uri


def html_of(store: object, out: Path) -> str:
    weekly.write(WEEK, format="html", output=out, store=store)  # type: ignore[arg-type]
    return out.read_text(encoding="utf-8")


def kept(path: Path) -> int:
    with Store(path) as st:
        return st.charts_kept()


def test_second_weekly_draws_nothing_and_is_the_same_bytes(store_path: Path, tmp_path: Path):
    first = html_of(store_path, tmp_path / "first.html")
    n = first.count(SVG_URI)
    assert n == 6  # the macro, precious, industrial, strategic (2) and battery charts
    assert kept(store_path) == n
    out = tmp_path / "second.html"
    run = subprocess.run(
        [sys.executable, "-c", SECOND.format(week=WEEK, out=str(out), store=str(store_path))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "[]"  # no matplotlib, statsmodels or SciPy
    assert out.read_text(encoding="utf-8") == first
    assert kept(store_path) == n
    info = subprocess.run(
        [sys.executable, "-m", "metalwatch.cli", "--store", str(store_path), "store", "info"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "charts kept: 6 (drawn for weeklies, the 64 most recently used)" in info.stdout


def test_a_revised_value_redraws_its_charts_as_without_a_cache(
    store_path: Path, tmp_path: Path, sql
):
    html_of(store_path, tmp_path / "before.html")
    with Store(store_path) as st:  # COMEX gold on 2025-12-10: 4,196.4 -> 4,100.0
        old = frame.value_on(
            st.read(["COMEX.GC"], fields=["close"]), "COMEX.GC", "close", "2025-12-10"
        )
        assert old == pytest.approx(4196.4)
        row = st.read(["COMEX.GC"], fields=["close"], start="2025-12-10", end="2025-12-10")
        row["value"] = 4100.0
        row["source"] = "test:revised"
        assert st.upsert(row).revised == 1
    cached = html_of(store_path, tmp_path / "cached.html")
    # COMEX.GC is in the precious chart only: one chart drawn again, five from the cache
    assert kept(store_path) == 6 + 1
    sql(store_path, "DELETE FROM chart_cache")
    fresh = html_of(store_path, tmp_path / "fresh.html")
    assert cached == fresh


def test_the_digest_follows_every_input():
    days = pd.date_range("2025-12-01", periods=5, freq="B")
    wide = pd.DataFrame({"COMEX.GC": [1.0, 2.0, 3.0, 4.0, 5.0]}, index=days)
    labels = {"COMEX.GC": "COMEX gold"}
    mark = charts.EventMark(1, days[2])
    base = chart_memo.digest("rebased_lines", wide, labels, "t", None, "", (mark,))
    again = chart_memo.digest("rebased_lines", wide.copy(), dict(labels), "t", None, "", (mark,))
    assert base == again
    changed = wide.copy()
    changed.iloc[3, 0] = 4.000001
    others = [
        chart_memo.digest("rebased_lines", changed, labels, "t", None, "", (mark,)),
        chart_memo.digest("rebased_lines", wide, {"COMEX.GC": "gold"}, "t", None, "", (mark,)),
        chart_memo.digest("rebased_lines", wide, labels, "t2", None, "", (mark,)),
        chart_memo.digest("rebased_lines", wide, labels, "t", None, "", ()),
        chart_memo.digest(
            "rebased_lines", wide, labels, "t", None, "", (charts.EventMark(2, days[2]),)
        ),
        chart_memo.digest("rebased_lines", wide.shift(1, freq="D"), labels, "t", None, "", ()),
        chart_memo.digest("small_multiples", wide, labels, "t", None, "", (mark,)),
    ]
    assert len({base, *others}) == 1 + len(others)
    with pytest.raises(TypeError, match="a chart input of type object has no digest"):
        chart_memo.digest("x", object())


def test_without_a_shelf_every_chart_is_drawn():
    calls: list[int] = []

    def draw() -> str:
        calls.append(1)
        return "uri"

    assert chart_memo.drawn("k", ("a",), draw) == "uri"
    assert chart_memo.drawn("k", ("a",), draw) == "uri"
    shelf = DictShelf()
    with chart_memo.remembering(shelf):
        chart_memo.drawn("k", ("a",), draw)
        chart_memo.drawn("k", ("a",), draw)
    assert len(calls) == 3
    assert list(shelf.charts.values()) == ["uri"]


def test_kept_charts_are_compressed_and_pruned_to_the_most_recent(backend_store: Store):
    svg = b"<svg>" + b"<path d='M0 0 L1 1'/>" * 500 + b"</svg>"
    uri = SVG_URI + base64.b64encode(svg).decode()
    assert pack(uri).startswith(PACKED) and len(pack(uri)) < len(uri) / 5
    assert unpack(pack(uri)) == uri
    digests = [f"{n:064x}" for n in range(KEEP + 3)]
    for n, d in enumerate(digests):
        backend_store.keep_charts({d: uri if n % 2 else "data:text/plain,x"})
    rows = backend_store._sql("SELECT COUNT(*) FROM chart_cache").fetchone()[0]
    assert rows == KEEP
    # the three oldest went, and a chart used again is kept over an unused one
    assert backend_store.charts(digests[:3]) == {}
    backend_store.keep_charts({}, used=[digests[3]])
    backend_store.keep_charts({"f" * 64: uri})
    assert digests[3] in backend_store.charts([digests[3]])
    assert backend_store.charts([digests[4]]) == {}
    got = backend_store.charts([digests[5], digests[6]])
    assert got == {digests[5]: uri, digests[6]: "data:text/plain,x"}


def test_a_read_only_store_reports_from_its_kept_charts(store_path: Path, tmp_path: Path):
    first = html_of(store_path, tmp_path / "first.html")
    with Store(store_path, read_only=True) as st:
        assert html_of(st, tmp_path / "again.html") == first
    assert kept(store_path) == 6


def test_a_schema_4_store_gains_the_chart_cache_on_open(store_path: Path, sql):
    sql(store_path, "DROP TABLE chart_cache")
    sql(store_path, "UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with Store(store_path) as st:
        assert st.meta("schema_version") == "5"
        assert st.charts(["0" * 64]) == {}


def test_a_remembered_chart_is_one_chart_however_its_arguments_are_passed():
    calls: list[tuple[str, int]] = []

    @chart_memo.remembered
    def line(title: str, width: int = 2) -> str:
        calls.append((title, width))
        return f"uri:{title}:{width}"

    shelf = DictShelf()
    with chart_memo.remembering(shelf):
        assert line("a") == line("a", 2) == line(title="a", width=2) == "uri:a:2"
        assert line("a", 3) == "uri:a:3"
    assert calls == [("a", 2), ("a", 3)]
    assert line.__name__ == "line" and len(shelf.charts) == 2


def test_the_drawing_salt_names_the_installed_matplotlib_without_importing_it():
    from importlib.metadata import version

    from metalwatch.reporting.chart_memo import matplotlib_release
    from tests.test_import_budget import loaded

    assert version("matplotlib").encode() in matplotlib_release()
    code = "from metalwatch.reporting.chart_memo import drawing_salt\ndrawing_salt()"
    modules, _ = loaded(code, ("matplotlib", "importlib.metadata"))
    assert modules == []

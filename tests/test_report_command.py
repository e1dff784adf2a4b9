"""``metalwatch report`` resolves the week once (in ``weekly.write``, which returns its choice)
and checks the output path and template folder before any week work."""

from __future__ import annotations

import pandas as pd
import pytest

from metalwatch import weekly
from metalwatch.cli import main
from metalwatch.errors import OutputError


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = weekly.choose_week

    def counting(store, week=None):
        calls.append(week)
        return real(store, week)

    monkeypatch.setattr(weekly, "choose_week", counting)
    return calls


@pytest.fixture
def no_week_work(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("the week was resolved before the inputs were checked")

    monkeypatch.setattr(weekly, "choose_week", refuse)


def test_the_week_is_resolved_once_and_reported(store_path, tmp_path, capsys, counted):
    out = tmp_path / "w.html"
    argv = ["--store", str(store_path), "report", "--week", "2025-12-14", "--format", "html"]
    assert main([*argv, "-o", str(out)]) == 0
    assert counted == ["2025-12-14"]
    printed = capsys.readouterr().out.splitlines()
    # 2025-12-14 is a Sunday: the week ending Friday 2025-12-12
    assert printed == ["week 2025-12-12: the week asked for", f"wrote {out}"]
    assert "12 December 2025" in out.read_text(encoding="utf-8")


def test_write_returns_the_choice_it_made(store_path, tmp_path, counted):
    done = weekly.write("latest", output=tmp_path / "w.html", format="html", store=store_path)
    assert counted == ["latest"]
    assert done.choice.week == pd.Timestamp("2026-08-21")
    assert done.choice.reason == "the newest week the data covers (--week latest)"
    assert done.path == tmp_path / "w.html" and done.path.exists()


def test_bad_output_fails_before_any_week_work(store_path, tmp_path, capsys, no_week_work):
    bad = tmp_path / "no-such-folder" / "w.pdf"
    assert main(["--store", str(store_path), "report", "-o", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("metalwatch: error: ") and str(bad) in err and "\n" not in err
    with pytest.raises(OutputError):
        weekly.write(output=bad, store=store_path)


def test_bad_template_folder_fails_before_any_week_work(store_path, tmp_path, capsys, no_week_work):
    missing = tmp_path / "no-templates"
    argv = ["--store", str(store_path), "report", "--template-dir", str(missing)]
    assert main([*argv, "-o", str(tmp_path / "w.pdf")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("metalwatch: error: ") and str(missing) in err and "\n" not in err


def test_mw_report_resolves_once_and_warns_of_missing_glyphs_at_the_caller(
    store_path, tmp_path, monkeypatch, counted
):
    import metalwatch as mw
    from metalwatch.errors import RenderWarning
    from metalwatch.reporting import render

    monkeypatch.setattr(render, "write_pdf", lambda html, out, td=None: ["glyph .notdef for '鿿'"])
    with pytest.warns(RenderWarning, match=r"1 missing glyph\(s\), e.g. glyph .notdef") as got:
        path = mw.report("2025-12-12", output=tmp_path / "w.pdf", store=store_path)
    assert path == tmp_path / "w.pdf" and counted == ["2025-12-12"]
    assert got[0].filename == __file__

"""The collector while a weekly is written (issue 13): the objects alive on entry are frozen, and
handed back on exit, whether the weekly was written or failed, so a notebook that writes
weeklies keeps CPython's collector as it was.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from metalwatch import weekly
from metalwatch.reporting import render, templates

WEEK = "2025-12-12"


@pytest.fixture
def collector():
    """CPython's collector as the test found it, restored after."""
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    yield before
    gc.set_threshold(*before)
    gc.unfreeze()


def test_frozen_heap_freezes_what_exists_and_hands_it_back(collector):
    kept = [object() for _ in range(10)]  # noqa: F841 - alive on entry
    with weekly.frozen_heap():
        assert gc.get_freeze_count() > 10
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == collector


def test_frozen_heap_hands_back_on_error(collector):
    with pytest.raises(ZeroDivisionError), weekly.frozen_heap():
        1 / 0  # noqa: B018
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == collector


def test_a_weekly_renders_frozen_and_leaves_the_collector_as_it_was(
    store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector
):
    seen = {}
    real = templates.render_html

    def spy(*args, **kwargs):
        seen["frozen"] = gc.get_freeze_count()
        return real(*args, **kwargs)

    monkeypatch.setattr(templates, "render_html", spy)
    alive = len(gc.get_objects())
    out = weekly.write(WEEK, format="html", output=tmp_path / "w.html", store=store_path).path
    assert "Gold" in out.read_text(encoding="utf-8")
    assert seen["frozen"] >= alive * 0.9  # what was alive on entry (pandas' modules, ...)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == collector


def test_a_failed_weekly_leaves_the_collector_as_it_was(
    store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector
):
    def broken(*args, **kwargs):
        raise RuntimeError("template broke")

    monkeypatch.setattr(templates, "render_html", broken)
    with pytest.raises(RuntimeError, match="template broke"):
        weekly.write(WEEK, format="html", output=tmp_path / "w.html", store=store_path)
    assert not (tmp_path / "w.html").exists()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == collector


def test_an_edition_renders_its_pdfs_frozen(
    store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector
):
    from metalwatch.publish.edition import build, publish

    frozen: list[int] = []

    def pdf(html, output, template_dir=None):
        frozen.append(gc.get_freeze_count())
        Path(output).write_bytes(b"%PDF-1.7 stand-in")
        return []

    monkeypatch.setattr(render, "write_pdf", pdf)
    built = build(WEEK, langs=["en", "zh"], store=store_path)
    publish(built, tmp_path / "editions", store_url=str(store_path))
    assert len(frozen) == 2 and min(frozen) > 50_000  # both languages, pandas' modules at least
    assert gc.get_freeze_count() == 0

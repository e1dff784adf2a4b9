"""Write one edition: read the week once, build each language, render, write, then publish.

The folder is written under a hidden temporary name in the editions folder and renamed into
place when complete, so a killed job leaves no half edition. A week already published with the
same fingerprint (and every language asked for) is not written again: the existing edition is
returned as unchanged. Different figures give a new run folder (``<week>-r2``...).
"""

from __future__ import annotations

import hashlib
import inspect
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from metalwatch.errors import InvalidInputError, OutputError
from metalwatch.ingest.seed import StoreArg, opened
from metalwatch.publish import fingerprint as fp
from metalwatch.publish import manifest as mf

LANGS = ("en", "zh")


@dataclass
class Built:
    """The week's data and its report in the first language; the others are built on demand.

    Only the first language is needed for the fingerprint, so a week already published with
    the same figures costs one report build, not one per language.
    """

    week: pd.Timestamp
    langs: list[str]
    backend: str
    data_as_of: str | None
    generated_at: datetime
    figures: pd.DataFrame = field(repr=False)
    data: Any = field(repr=False)
    notes: Any = field(repr=False)
    built: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def fingerprint(self) -> str:
        """The fingerprint of the figures (see :mod:`metalwatch.publish.fingerprint`)."""
        return fp.fingerprint(self.figures)

    def report(self, lang: str) -> Any:
        """The ``WeeklyReport`` in ``lang`` (built once)."""
        from metalwatch.reporting.model import build_weekly

        if lang not in self.built:
            self.built[lang] = build_weekly(
                self.data, lang=lang, analyst=self.notes, generated_at=self.generated_at
            )
        return self.built[lang]

    @property
    def reports(self) -> dict[str, Any]:
        """Every language's report, in order (building those not built yet)."""
        return {lang: self.report(lang) for lang in self.langs}


@dataclass(frozen=True)
class Published:
    """The edition a publish run produced (or found unchanged) and the renderer's warnings."""

    edition: mf.EditionRef
    unchanged: bool
    warnings: list[str]

    @property
    def pdfs(self) -> list[Path]:
        """The edition's PDFs, one per language."""
        return sorted(self.edition.path.glob("*.pdf"))


def _data_as_of(store: Any) -> str | None:
    """The store's latest write time (``Store.data_as_of()`` where the store has it)."""
    method = getattr(store, "data_as_of", None)
    if callable(method):
        value = method()
        return None if value is None else pd.Timestamp(value).isoformat()
    times = [str(t) for t in store.last_fetches().get("attempted_at", [])]
    applied = store.meta("snapshot_applied")
    if applied:
        times.append(applied.split(": ", 1)[0])
    return max(times) if times else None


def _point_in_time(func: Any, as_of: object) -> dict[str, Any]:
    if as_of is None:
        return {}
    if "as_of" not in inspect.signature(func).parameters:
        raise InvalidInputError("this store has no point-in-time reads (as_of) yet")
    return {"as_of": as_of}


def build(
    week: object,
    *,
    langs: list[str],
    analyst: str | os.PathLike[str] | None = None,
    store: StoreArg = None,
    generated_at: datetime | None = None,
    as_of: object = None,
) -> Built:
    """Read the week once and build its report in each language (nothing rendered).

    Parameters
    ----------
    week
        Any date, ``'latest'`` or None (see :func:`metalwatch.weekly.choose_week`).
    langs
        Languages, e.g. ``["en", "zh"]``.
    analyst
        The analyst file.
    store
        Store, path or URL.
    generated_at
        The time printed on the reports (default now).
    as_of
        Read the data as the store knew it then (stores with point-in-time reads).
    """
    from metalwatch.reporting.analyst import load_analyst
    from metalwatch.reporting.model import build_weekly
    from metalwatch.weekly import choose_week, read_weekly

    bad = [lang for lang in langs if lang not in LANGS]
    if bad or not langs:
        raise InvalidInputError(f"languages {','.join(bad) or '(none)'} not supported (use en,zh)")
    notes = load_analyst(analyst)
    generated_at = generated_at or datetime.now(UTC).replace(microsecond=0)
    extra = _point_in_time(read_weekly, as_of)
    with opened(store) as st:
        at = getattr(st, "at", None)
        then = at(as_of) if as_of is not None and callable(at) else st
        w = choose_week(then, week).week
        data = read_weekly(st, w, watch_lists=notes.watch_lists, **extra)
        backend = str(getattr(st, "backend", "sqlite"))
        data_as_of = _data_as_of(st)
    langs = list(dict.fromkeys(langs))
    first = build_weekly(data, lang=langs[0], analyst=notes, generated_at=generated_at)
    figures = fp.canonical(first.figures)
    return Built(
        w, langs, backend, data_as_of, generated_at, figures, data, notes, {langs[0]: first}
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _series(report: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    status = report.status
    for row in getattr(status, "sources", []):
        out[row.instrument] = {"as_of": row.as_of or None, "stale": bool(row.stale)}
    for item in getattr(status, "stale", []):
        entry = out.setdefault(item.instrument, {"as_of": item.as_of or None})
        entry.update(stale=True, reason=item.reason)
    for item in getattr(status, "missing", []):
        out[item.instrument] = {
            "as_of": None,
            "stale": True,
            "missing": True,
            "reason": item.reason,
        }
    for group in getattr(status, "unfetched", []):  # live-only, no history bundled, never fetched
        for iid in group.ids:
            out[iid] = {
                "as_of": None,
                "stale": True,
                "missing": True,
                "reason": f"{group.label}: no public history bundled, not yet fetched",
            }
    return dict(sorted(out.items()))


def _write_files(folder: Path, built: Built, template_dir: Any) -> list[str]:
    from metalwatch.publish.workbook import workbook_bytes
    from metalwatch.reporting.appendix import write_appendix
    from metalwatch.reporting.output_path import write_bytes
    from metalwatch.reporting.render import load_renderer, write_pdf
    from metalwatch.reporting.templates import render_html
    from metalwatch.weekly import frozen_heap

    week = f"{built.week:%Y-%m-%d}"
    warnings: list[str] = []
    load_renderer()  # WeasyPrint's modules are imported before the freeze, and frozen too
    with frozen_heap():  # the weeklies' objects alive now are skipped by the collector
        for lang, report in built.reports.items():
            stem = f"metalwatch-weekly-{week}" + ("-zh" if lang == "zh" else "")
            page = render_html(report, template_dir).encode("utf-8")  # as weekly.write does
            write_bytes(folder / f"{stem}.html", page)
            warnings += write_pdf(page, folder / f"{stem}.pdf", template_dir)
            write_bytes(folder / f"{stem}-tables.xlsx", workbook_bytes(report))
    first = built.report(built.langs[0])
    write_appendix(first, folder / f"metalwatch-weekly-{week}-appendix.csv", "csv")
    write_bytes(folder / mf.FIGURES, fp.to_csv_bytes(built.figures))
    return warnings


def publish(
    built: Built,
    root: str | os.PathLike[str],
    *,
    store_url: str,
    analyst: str | os.PathLike[str] | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    force: bool = False,
) -> Published:
    """Write ``built`` as an edition under ``root`` (or find it already published).

    Parameters
    ----------
    built
        The week's reports (:func:`build`).
    root
        The editions folder (created if absent).
    store_url
        The store as given (recorded in the manifest with any password masked).
    analyst
        The analyst file used (recorded with its sha256).
    template_dir
        Template overrides.
    force
        Write a new run even when the latest edition of the week has the same fingerprint.
    """
    from metalwatch import __version__
    from metalwatch.config import redact

    root = Path(root).expanduser()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the editions folder {root}: {exc.strerror}") from None
    week, langs = f"{built.week:%Y-%m-%d}", built.langs
    same = [e for e in mf.list_editions(root) if e.week == week]
    if same and not force:
        last = same[-1]
        if last.manifest.get("fingerprint") == built.fingerprint and set(langs) <= set(
            last.manifest.get("languages", [])
        ):
            return Published(last, True, [])
    first = built.report(langs[0])
    tmp = Path(tempfile.mkdtemp(prefix=f".{week}.", dir=root))
    try:
        tmp.chmod(0o755)
        warnings = _write_files(tmp, built, template_dir)
        run = mf.next_run(root, week)
        manifest = {
            "manifest_version": mf.MANIFEST_VERSION,
            "edition": mf.edition_name(week, run),
            "week": week,
            "run": run,
            "generated_at": built.generated_at.isoformat(),
            "data_as_of": built.data_as_of,
            "metalwatch_version": __version__,
            "store": {"backend": built.backend, "url": redact(store_url)},
            "languages": langs,
            "analyst": None
            if analyst is None
            else {"path": str(analyst), "sha256": _sha256(Path(analyst))},
            "fingerprint": built.fingerprint,
            "figures": len(built.figures),
            "series": _series(first),
            "files": {p.name: _sha256(p) for p in sorted(tmp.iterdir()) if p.is_file()},
        }
        mf.write_manifest(tmp, manifest)
        target = root / mf.edition_name(week, run)
        try:
            os.rename(tmp, target)
        except OSError as exc:
            raise OutputError(f"cannot publish {target}: {exc.strerror}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Published(mf.EditionRef(target.name, target, manifest), False, warnings)

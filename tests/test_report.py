"""The weekly PDF: numbers and words read back from the PDF text layer."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

import metalwatch as mw
from metalwatch.errors import InvalidInputError, OutputError


def pdf_text(path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(scope="module")
def dec12_pdf(tmp_path_factory, seeded_path):
    import shutil

    store = tmp_path_factory.mktemp("r") / "s.sqlite"
    shutil.copyfile(seeded_path, store)
    out = tmp_path_factory.mktemp("out") / "weekly.pdf"
    return mw.report("2025-12-12", out, store=store)


def test_pdf_has_title_week_and_real_numbers(dec12_pdf):
    text = pdf_text(dec12_pdf)
    assert "Nonferrous Metals Weekly" in text
    assert "Week ending 2025-12-12" in text
    assert "11,800.0" in text  # LME copper 3M close
    assert "+1.58%" in text  # its WoW: 11800 / 11617 - 1
    assert "94,170" in text  # SHFE copper close
    assert "4,300.1" in text  # COMEX gold close
    assert "165,900" in text and "+3,350" in text  # LME copper stocks and weekly change (t)
    assert re.search(r"Page 1 of \d+", text)


def test_pdf_names_missing_and_sources(dec12_pdf):
    text = pdf_text(dec12_pdf)
    assert "Missing series" in text and "SGE.AU9999" in text
    assert "Sources" in text and "westmetall" in text.lower()
    # COMEX stocks start in January 2026: not in this week's tables, named as missing data
    assert "COMEX.GC.STOCK" in text


def test_latest_week_marks_stale_series(store_path, tmp_path):
    out = mw.report(None, tmp_path / "latest.pdf", store=store_path)
    text = pdf_text(out)
    assert "Week ending 2026-08-21" in text
    assert "Stale series" in text and "COMEX.GC (as of 2026-05-07)" in text


def test_html_output_and_block_override(store_path, tmp_path):
    tpl = tmp_path / "tpl"
    (tpl / "partials").mkdir(parents=True)
    (tpl / "partials" / "disclaimer.html.j2").write_text(
        '<div class="disclaimer">House disclaimer of {{ "<b>Desk</b>" }}</div>'
    )
    out = mw.report("2025-12-12", tmp_path / "w.html", fmt="html", template_dir=tpl,
                    store=store_path)  # fmt: skip
    html = out.read_text()
    assert "House disclaimer of &lt;b&gt;Desk&lt;/b&gt;" in html  # autoescaped
    assert "11,800.0" in html  # the rest comes from the packaged templates


def test_template_cannot_read_local_files_or_network(store_path, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE")
    tpl = tmp_path / "tpl"
    (tpl / "partials").mkdir(parents=True)
    (tpl / "partials" / "disclaimer.html.j2").write_text(
        f'<link rel="attachment" href="{secret.as_uri()}">'
        '<link rel="attachment" href="file:///etc/passwd">'
        '<img src="http://192.0.2.1/x.png"><p>tail</p>'
    )
    out = mw.report("2025-12-12", tmp_path / "w.pdf", template_dir=tpl, store=store_path)
    raw = out.read_bytes()
    assert b"TOP-SECRET-LINE" not in raw and b"root:x:0" not in raw
    assert "tail" in pdf_text(out)


def test_output_folder_missing_is_one_line_error(store_path, tmp_path):
    with pytest.raises(OutputError, match="folder .*nowhere does not exist"):
        mw.report("2025-12-12", tmp_path / "nowhere" / "w.pdf", store=store_path)


def test_bad_language(store_path):
    with pytest.raises(InvalidInputError, match="language 'fr' is not supported"):
        mw.report("2025-12-12", lang="fr", store=store_path)

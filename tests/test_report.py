"""The weekly: the model for 2025-12-12 against hand-computed values, and the PDF text layer
where the PDF itself is the subject (glyphs, page furniture, file reads)."""

from __future__ import annotations

import io
import re
import shutil

import pandas as pd
import pytest
from pypdf import PdfReader

import metalwatch as mw
from metalwatch.errors import InvalidInputError, OutputError
from metalwatch.reporting import build_weekly, render_html
from metalwatch.reporting.appendix import write_appendix
from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.store import Store
from metalwatch.store.week import read_week


def week_data(path, week: str):
    with Store(path) as st:
        return read_week(st, pd.Timestamp(week), report_instruments(), history_days=HISTORY_DAYS)


def pdf_text(path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def module_store(tmp_path_factory, seeded_path):
    path = tmp_path_factory.mktemp("r") / "s.sqlite"
    shutil.copyfile(seeded_path, path)
    return path


@pytest.fixture(scope="module")
def en_pdf(module_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("en") / "weekly.pdf"
    return mw.report("2025-12-12", output=out, store=module_store, appendix="csv")


@pytest.fixture(scope="module")
def zh_pdf(module_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("zh") / "weekly-zh.pdf"
    return mw.report("2025-12-12", output=out, lang="zh", store=module_store)


@pytest.fixture(scope="module")
def data_1212(module_store):
    return week_data(module_store, "2025-12-12")


@pytest.fixture(scope="module")
def en_model(data_1212):
    return build_weekly(data_1212, lang="en")


def test_pdf_has_title_week_and_real_numbers(en_pdf):
    text = flat(pdf_text(en_pdf))
    assert "Nonferrous Metals Weekly" in text
    assert "Week ending 12 December 2025" in text
    assert "11,800.0" in text and "+1.58%" in text  # LME copper 3M close; 11800/11617 - 1
    assert "94,170" in text  # SHFE copper close
    assert "165,900" in text and "+3,350" in text  # LME copper stocks and weekly change (t)
    assert re.search(r"Page 1 of \d+", text)
    for heading in (
        "Core views",
        "Contents",
        "Precious metals",
        "Industrial metals",
        "Inventories",
        "Strategic metals",
        "Weekly market recap",
        "Stocks to watch",
        "Industry news",
        "Risks",
        "Data status",
        "Sources",
        "Disclaimer",
    ):
        assert heading in text, heading


def test_every_figure_in_the_model_is_printed_as_computed(en_model, en_pdf):
    """Each moves figure equals the moves output at its printed precision and is in the PDF."""
    text = flat(pdf_text(en_pdf))
    figs = en_model.figures
    moves = en_model.moves
    checked = 0
    for f in figs.itertuples():
        assert f.text in text, (f.section, f.instrument, f.metric, f.text)
        if f.instrument not in moves.index or f.metric not in moves.columns:
            continue  # derived figures: see the cross-venue test
        expected = moves.loc[f.instrument, f.metric]
        if f.metric == "close" and f.as_of != moves.loc[f.instrument, "close_date"]:
            continue  # a cross-venue leg of an earlier complete day
        assert f.value == pytest.approx(expected), (f.instrument, f.metric)
        shown = float(f.text.replace(",", "").rstrip("%"))
        decimals = len(f.text.rstrip("%").partition(".")[2])
        assert abs(shown) == pytest.approx(round(abs(expected), decimals), abs=10**-decimals / 2)
        checked += 1
    # 6 price, 9 inventory, 16 recap and 6 strategic rows each print a close (some twice)
    assert checked >= 6 * 5 + 9 * 5 + 16 * 3


def test_cross_venue_figures(en_model, en_pdf):
    """Ratios by hand from the real closes of 2025-12-12 (USD/CNY 7.057899951934815)."""
    tables = en_model.figures[en_model.figures["section"].isin(["precious", "industrial"])]
    # a figure the section's paragraph also cites is recorded twice, with the same value
    figs = tables.drop_duplicates(["instrument", "metric", "value"]).set_index(
        ["instrument", "metric"]
    )
    fx = 7.057899951934815
    assert figs.loc[("AU/AG", "ratio"), "value"] == pytest.approx(4300.1 / 61.36)
    assert figs.loc[("AU/AG", "ratio"), "text"] == "70.08"
    # no Shanghai-London premium: its legs (SHFE close, LBMA PM fix) are hours apart
    assert "AU.SH-LDN" not in set(en_model.figures["instrument"])
    assert figs.loc[("CU.SHFE/LME", "ratio"), "value"] == pytest.approx(94170 / (11800 * fx))
    assert figs.loc[("CU.SHFE/LME", "parity"), "value"] == pytest.approx(1.13)  # VAT 13 %, duty 0
    # with the day's Yangshan warehouse-warrant premium (Mysteel midpoint 40 USD/t): shut
    pl = 94170 - (11800 + 40) * fx * 1.13
    assert figs.loc[("CU.IMPORT", "pl"), "value"] == pytest.approx(pl)
    assert figs.loc[("CU.IMPORT", "pl"), "text"] == "-259"
    assert figs.loc[("CU.CASH-3M", "spread"), "value"] == 11816.0 - 11800.0
    # the legs printed beside the results are figures too, with their own dates
    legs = tables[tables["section"] == "industrial"].set_index(["instrument", "metric"])
    assert legs.loc[("FX.USDCNY", "close"), "text"].iloc[0] == "7.0579"
    # each leg at its series' own decimals, as in the price table (not 41,850.0 beside 41,850)
    assert set(legs.loc[("LME.SN.3M", "close"), "text"]) == {"41,850"}
    assert legs.loc[("FX.USDCNY", "max_age_days"), "text"] == "5"
    text = flat(pdf_text(en_pdf))
    assert "SHFE against LME" in text and "1.131" in text and "+16.0" in text
    assert "Shanghai gold" not in " ".join(en_model.core_views)


def test_core_views_carry_their_numbers(en_model):
    views = " ".join(en_model.core_views)
    # SHFE silver: 14892 / 13687 - 1 = +8.80 %, the largest weekly move that week
    assert "SHFE silver (main continuous) up 8.80% to 14,892 CNY/kg" in views
    assert "COMEX gold (front month) up 2.07% to 4,300.1 USD/oz" in views
    # LME aluminium stocks 528,300 -> 519,650 t is the largest inventory move in tonnes
    assert "LME aluminium stocks fell by 8,650 t to 519,650 t." in views
    assert 3 <= len(en_model.core_views) <= 8


def pdf_fonts(path) -> set[str]:
    """The fonts a PDF embeds (its pages' and their drawings' resources), subset tags dropped."""
    names: set[str] = set()
    pending = [page.get("/Resources") for page in PdfReader(io.BytesIO(path.read_bytes())).pages]
    while pending:
        res = pending.pop()
        if res is None:
            continue
        res = res.get_object()
        names |= {
            str(f.get_object()["/BaseFont"]).split("+")[-1] for f in res.get("/Font", {}).values()
        }
        pending += [x.get_object().get("/Resources") for x in res.get("/XObject", {}).values()]
    return names


def test_chart_words_are_in_the_text_layer_in_the_bundled_font(en_pdf, zh_pdf):
    # the y label of the two rebased charts, written nowhere else on the pages
    assert flat(pdf_text(en_pdf)).count("index, first day = 100") == 2
    assert flat(pdf_text(zh_pdf)).count("指数（首日=100）") == 2
    # the charts' text is set in the bundled font: no other font embedded (DejaVu, a system one)
    assert pdf_fonts(en_pdf) == pdf_fonts(zh_pdf) == {"MW-Sans-SC", "MW-Sans-SC-Bold"}


def test_chinese_report_renders_real_glyphs(zh_pdf):
    text = flat(pdf_text(zh_pdf))
    for s in (
        "有色金属行业周报",
        "截至2025年12月12日当周",
        "核心观点",
        "贵金属",
        "工业金属",
        "战略金属",
        "周内交易数据复盘",
        "关注标的",
        "风险提示",
        "免责声明",
        "沪铜连续",
        "美元/吨",
        "氧化镨钕",
        "第 1 页",
    ):
        assert s in text, s
    assert "94,170" in text and "+1.58%" in text


def test_missing_series_are_named(en_pdf, zh_pdf):
    text = flat(pdf_text(en_pdf))
    assert "Missing series" in text
    # the live-only series never fetched: one line, a count per kind (SGE: Au99.99 and the
    # two benchmarks; Shenwan: 6 indices and 6 valuations)
    assert "SGE prices and benchmarks (3)" in text
    assert "Shenwan indices and valuation (12)" in text
    assert "(SW.801050)" not in text
    # COMEX stocks start in January 2026: missing for this week, and said so
    assert "COMEX gold stocks (COMEX.GC.STOCK): no data on or before this week" in text
    assert "缺失序列" in flat(pdf_text(zh_pdf))


def test_latest_week_marks_stale_series(module_store):
    week = mw.resolve_week(store=module_store)
    assert week == pd.Timestamp("2026-08-21")
    model = build_weekly(week_data(module_store, "2026-08-21"))
    assert model.week_label == "Week ending 21 August 2026"
    stale = {m.instrument: m for m in model.status.stale}
    assert stale["COMEX.GC"].as_of == "2026-05-07"  # the bundled COMEX history ends there
    assert stale["COMEX.GC"].reason == "last observation 106 days before the week's end"
    html = flat(render_html(model))
    assert "Stale series" in html
    assert "COMEX gold (front month) (COMEX.GC)</span>: as of 2026-05-07" in html


def test_appendix_lists_figures_with_formula(en_pdf):
    appendix = pd.read_csv(en_pdf.with_name("weekly-appendix.csv"), encoding="utf-8-sig")
    row = appendix[
        (appendix["section"] == "industrial")
        & (appendix["instrument"] == "LME.CA.3M")
        & (appendix["metric"] == "wow_pct")
    ].iloc[0]
    assert row["text"] == "+1.58%" and row["as_of"] == "2025-12-12"
    assert row["formula"] == "close / last observation on or before 2025-12-05 (2025-12-05) - 1"
    assert "westmetall" in row["source"]


def test_xlsx_appendix(en_model, tmp_path):
    path = write_appendix(en_model, tmp_path / "a.xlsx", "xlsx")
    df = pd.read_excel(path)
    assert len(df) == len(en_model.figures)
    row = df[
        (df["instrument"] == "SHFE.CU")
        & (df["metric"] == "close")
        & (df["section"] == "industrial")
    ].iloc[0]
    assert row["value"] == 94170 and row["text"] == "94,170" and row["as_of"] == "2025-12-12"


def test_colours_default_by_language(en_model, data_1212):
    assert 'class="green-up"' in render_html(en_model)
    assert 'class="red-up"' in render_html(build_weekly(data_1212, lang="zh"))


def test_html_output_and_block_override(module_store, tmp_path):
    tpl = tmp_path / "tpl"
    (tpl / "partials").mkdir(parents=True)
    (tpl / "partials" / "disclaimer.html.j2").write_text(
        '<div class="disclaimer">House disclaimer of {{ "<b>Desk</b>" }}</div>'
    )
    out = mw.report(
        "2025-12-12",
        output=tmp_path / "w.html",
        format="html",
        template_dir=tpl,
        store=module_store,
    )
    html = out.read_text()
    assert "House disclaimer of &lt;b&gt;Desk&lt;/b&gt;" in html  # autoescaped
    assert "11,800.0" in html  # the rest comes from the packaged templates


def test_template_cannot_read_local_files_or_network(module_store, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE")
    tpl = tmp_path / "tpl"
    (tpl / "partials").mkdir(parents=True)
    (tpl / "partials" / "disclaimer.html.j2").write_text(
        f'<link rel="attachment" href="{secret.as_uri()}">'
        '<link rel="attachment" href="file:///etc/passwd">'
        '<img src="http://192.0.2.1/x.png"><p>tail</p>'
    )
    out = mw.report("2025-12-12", output=tmp_path / "w.pdf", template_dir=tpl, store=module_store)
    raw = out.read_bytes()
    assert b"TOP-SECRET-LINE" not in raw and b"root:x:0" not in raw
    assert "tail" in pdf_text(out)


def test_template_include_outside_folder_is_refused(module_store, tmp_path):
    tpl = tmp_path / "tpl"
    (tpl / "partials").mkdir(parents=True)
    (tpl / "partials" / "disclaimer.html.j2").write_text('{% include "/etc/passwd" %}')
    with pytest.raises(InvalidInputError, match="template error.*/etc/passwd"):
        mw.report(
            "2025-12-12",
            output=tmp_path / "w.html",
            format="html",
            template_dir=tpl,
            store=module_store,
        )


def test_output_folder_missing_is_one_line_error(module_store, tmp_path):
    with pytest.raises(OutputError, match="folder .*nowhere does not exist"):
        mw.report("2025-12-12", output=tmp_path / "nowhere" / "w.pdf", store=module_store)


def test_bad_language(module_store):
    with pytest.raises(InvalidInputError, match="language 'fr' is not supported"):
        mw.report("2025-12-12", lang="fr", store=module_store)


def test_failed_update_marks_series_stale(store_path):
    with Store(store_path) as st:
        st.log_fetch(
            "LME.CA.3M",
            "akshare",
            "failed",
            last_date="2026-08-21",
            message="SourceUnavailableError: sina: read timed out",
        )
    model = build_weekly(week_data(store_path, "2026-08-21"))
    stale = {m.instrument: m for m in model.status.stale}
    assert stale["LME.CA.3M"].as_of == "2026-08-21"
    assert stale["LME.CA.3M"].reason == (
        "update failed: SourceUnavailableError: sina: read timed out"
    )
    assert model.moves.loc["LME.CA.3M", "stale"]
    assert "[stale]" in render_html(model)


def test_the_page_as_utf8_bytes_is_the_same_pdf_as_its_text(module_store, tmp_path):
    """``weekly.write`` hands WeasyPrint the page's UTF-8 bytes (half the memory of its text
    while the layout runs, issue 13): the same PDF, Chinese included."""
    from metalwatch.reporting.render import write_pdf

    html = render_html(build_weekly(week_data(module_store, "2025-12-12"), lang="zh"))
    as_text, as_bytes = tmp_path / "text.pdf", tmp_path / "bytes.pdf"
    write_pdf(html, as_text)
    write_pdf(html.encode("utf-8"), as_bytes)
    assert as_bytes.read_bytes() == as_text.read_bytes()
    assert "有色金属行业周报" in pdf_text(as_bytes)

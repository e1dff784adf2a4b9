"""Chinese renders with the bundled fonts alone: no system CJK font, no missing glyph."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from pypdf import PdfReader

SCRIPT = """
import warnings, metalwatch as mw
from metalwatch.api import RenderWarning
warnings.simplefilter("error", RenderWarning)
mw.report("2025-12-12", output={out!r}, lang="zh", store={store!r})
"""


def test_zh_report_with_no_system_fonts(store_path, tmp_path):
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>"
    )
    out = tmp_path / "zh.pdf"
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "MPLCONFIGDIR": str(tmp_path / "mpl")}
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(out=str(out), store=str(store_path))],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    fonts = set()
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            fonts.add(str(f.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts <= {"MW-Sans-SC", "MW-Sans-SC-Bold"}, fonts
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "有色金属行业周报" in text and "氧化镨钕" in text

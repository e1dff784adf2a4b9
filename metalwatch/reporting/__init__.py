"""Reports: compute -> report model -> templates -> PDF/HTML."""

from metalwatch.reporting.model import WeeklyReport, build_weekly
from metalwatch.reporting.render import render_html, write_pdf

__all__ = ["WeeklyReport", "build_weekly", "render_html", "write_pdf"]

"""Reports: compute -> report model -> templates -> PDF/HTML."""

from metalwatch.reporting.model import WeeklyReport, build_weekly
from metalwatch.reporting.render import write_pdf
from metalwatch.reporting.templates import render_html

__all__ = ["WeeklyReport", "build_weekly", "render_html", "write_pdf"]

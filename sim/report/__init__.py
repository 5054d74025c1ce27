"""HTML reports: plotly figures of results, assembled into one self-contained offline page.

This package is the only place that imports plotly.
"""

from sim.report.figures import report_figures as report_figures
from sim.report.forecast import write_forecast_report as write_forecast_report
from sim.report.html import report_data as report_data
from sim.report.html import write_report as write_report

__all__ = ["report_data", "report_figures", "write_forecast_report", "write_report"]

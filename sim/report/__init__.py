"""HTML reports: plotly figures of results, assembled into one self-contained offline page.

This package is the only place that imports plotly.
"""

from sim.report.compare import compare_report_data as compare_report_data
from sim.report.compare import write_compare_report as write_compare_report
from sim.report.compare_figures import compare_figures as compare_figures
from sim.report.figures import report_figures as report_figures
from sim.report.forecast import write_forecast_report as write_forecast_report
from sim.report.html import report_data as report_data
from sim.report.html import write_report as write_report

__all__ = [
    "compare_figures",
    "compare_report_data",
    "report_data",
    "report_figures",
    "write_compare_report",
    "write_forecast_report",
    "write_report",
]

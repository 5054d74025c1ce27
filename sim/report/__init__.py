"""HTML reports: plotly figures of results, assembled into one self-contained offline page.

This package is the only place that imports plotly. Its names load on first use (PEP 562), so
that importing the terminal tables (``sim.report.summary``) does not import plotly.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.report.compare import compare_report_data as compare_report_data
    from sim.report.compare import write_compare_report as write_compare_report
    from sim.report.compare_figures import compare_figures as compare_figures
    from sim.report.figures import report_figures as report_figures
    from sim.report.forecast import write_forecast_report as write_forecast_report
    from sim.report.html import report_data as report_data
    from sim.report.html import write_report as write_report

_HOMES = {
    "compare_report_data": "sim.report.compare",
    "write_compare_report": "sim.report.compare",
    "compare_figures": "sim.report.compare_figures",
    "report_figures": "sim.report.figures",
    "write_forecast_report": "sim.report.forecast",
    "report_data": "sim.report.html",
    "write_report": "sim.report.html",
}
"""Each public name and the module it lives in."""

__all__ = [
    "compare_figures",
    "compare_report_data",
    "report_data",
    "report_figures",
    "write_compare_report",
    "write_forecast_report",
    "write_report",
]


def __getattr__(name: str) -> object:
    """Import a public name from its home on first use, then keep it as a module attribute."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'sim.report' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value

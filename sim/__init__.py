"""negsim: negotiation scenario simulator for international-relations crises.

The public API; the ``negsim`` command line is a thin shell over these names.

Why the names are loaded on first use (PEP 562): ``import sim.cli`` runs this file first, and
the reports (plotly) and intervals (statsmodels, scipy, pandas) take seconds to import, which
``negsim --help`` and ``negsim validate`` must not pay for.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.analysis.backtest import Backtest as Backtest
    from sim.analysis.backtest import backtest as backtest
    from sim.analysis.comparison import Comparison as Comparison
    from sim.analysis.comparison import compare as compare
    from sim.analysis.comparison import compare_scenarios as compare_scenarios
    from sim.analysis.forecast import forecast as forecast
    from sim.analysis.montecarlo import simulate as simulate
    from sim.analysis.results import Results as Results
    from sim.analysis.sensitivity import Sensitivity as Sensitivity
    from sim.analysis.sensitivity import sensitivity as sensitivity
    from sim.engine.record import RunRecord as RunRecord
    from sim.errors import NegsimError as NegsimError
    from sim.errors import ScenarioError as ScenarioError
    from sim.errors import SimulationError as SimulationError
    from sim.report import write_report as write_report
    from sim.report.summary import format_table as format_table
    from sim.scenario.bdmdata import read_bdm_csv as read_bdm_csv
    from sim.scenario.format import Scenario as Scenario
    from sim.scenario.loader import load_scenario as load_scenario

_HOMES = {
    "Backtest": "sim.analysis.backtest",
    "backtest": "sim.analysis.backtest",
    "Comparison": "sim.analysis.comparison",
    "compare": "sim.analysis.comparison",
    "compare_scenarios": "sim.analysis.comparison",
    "forecast": "sim.analysis.forecast",
    "simulate": "sim.analysis.montecarlo",
    "Results": "sim.analysis.results",
    "Sensitivity": "sim.analysis.sensitivity",
    "sensitivity": "sim.analysis.sensitivity",
    "RunRecord": "sim.engine.record",
    "NegsimError": "sim.errors",
    "ScenarioError": "sim.errors",
    "SimulationError": "sim.errors",
    "write_report": "sim.report.html",
    "format_table": "sim.report.summary",
    "read_bdm_csv": "sim.scenario.bdmdata",
    "Scenario": "sim.scenario.format",
    "load_scenario": "sim.scenario.loader",
}
"""Each public name and the module it lives in."""

__all__ = [
    "Backtest",
    "Comparison",
    "NegsimError",
    "Results",
    "RunRecord",
    "Scenario",
    "ScenarioError",
    "Sensitivity",
    "SimulationError",
    "backtest",
    "compare",
    "compare_scenarios",
    "forecast",
    "format_table",
    "load_scenario",
    "read_bdm_csv",
    "sensitivity",
    "simulate",
    "write_report",
]


def __getattr__(name: str) -> object:
    """Import a public name from its home on first use, then keep it as a module attribute."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

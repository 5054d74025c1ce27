"""negsim: negotiation scenario simulator for international-relations crises.

The public API; the ``negsim`` command line is a thin shell over these names.
"""

from sim.analysis.backtest import Backtest as Backtest
from sim.analysis.backtest import backtest as backtest
from sim.analysis.comparison import Comparison as Comparison
from sim.analysis.comparison import compare as compare
from sim.analysis.comparison import compare_scenarios as compare_scenarios
from sim.analysis.forecast import forecast as forecast
from sim.analysis.montecarlo import simulate as simulate
from sim.analysis.results import Results as Results
from sim.engine.record import RunRecord as RunRecord
from sim.errors import NegsimError as NegsimError
from sim.errors import ScenarioError as ScenarioError
from sim.errors import SimulationError as SimulationError
from sim.report import write_report as write_report
from sim.report.summary import format_table as format_table
from sim.scenario.bdmdata import read_bdm_csv as read_bdm_csv
from sim.scenario.format import Scenario as Scenario
from sim.scenario.loader import load_scenario as load_scenario

__all__ = [
    "Backtest",
    "Comparison",
    "NegsimError",
    "Results",
    "RunRecord",
    "Scenario",
    "ScenarioError",
    "SimulationError",
    "backtest",
    "compare",
    "compare_scenarios",
    "forecast",
    "format_table",
    "load_scenario",
    "read_bdm_csv",
    "simulate",
    "write_report",
]

"""negsim: negotiation scenario simulator for international-relations crises.

The public API; the ``negsim`` command line is a thin shell over these names.
"""

from sim.comparison import Comparison as Comparison
from sim.comparison import compare as compare
from sim.comparison import compare_scenarios as compare_scenarios
from sim.errors import NegsimError as NegsimError
from sim.errors import ScenarioError as ScenarioError
from sim.errors import SimulationError as SimulationError
from sim.forecast import forecast as forecast
from sim.loader import load_scenario as load_scenario
from sim.montecarlo import simulate as simulate
from sim.record import RunRecord as RunRecord
from sim.report import write_report as write_report
from sim.results import Results as Results
from sim.scenario import Scenario as Scenario
from sim.summary import format_table as format_table

__all__ = [
    "Comparison",
    "NegsimError",
    "Results",
    "RunRecord",
    "Scenario",
    "ScenarioError",
    "SimulationError",
    "compare",
    "compare_scenarios",
    "forecast",
    "format_table",
    "load_scenario",
    "simulate",
    "write_report",
]

"""negsim: negotiation scenario simulator for international-relations crises.

The public API; the ``negsim`` command line is a thin shell over these names.
"""

from sim.errors import NegsimError as NegsimError
from sim.errors import ScenarioError as ScenarioError
from sim.errors import SimulationError as SimulationError
from sim.loader import load_scenario as load_scenario
from sim.scenario import Scenario as Scenario

__all__ = [
    "NegsimError",
    "Scenario",
    "ScenarioError",
    "SimulationError",
    "load_scenario",
]

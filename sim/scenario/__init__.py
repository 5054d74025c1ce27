"""The scenario stage: the file format and its loading, from YAML text to a frozen Scenario.

YAML with positions (the only yaml import), the pydantic format, variants, quote checks,
cross-field consistency, the condition grammar, the overview and the classic BDM data-set reader.
"""

from sim.scenario.bdmdata import read_bdm_csv as read_bdm_csv
from sim.scenario.format import Scenario as Scenario
from sim.scenario.loader import load_scenario as load_scenario

__all__ = ["Scenario", "load_scenario", "read_bdm_csv"]

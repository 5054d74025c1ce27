from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import scenarios
from uncertain_tiny import tiny_data

from sim.analysis.montecarlo import simulate
from sim.engine.reachability import structural_zeros
from sim.scenario.loader import load_scenario, scenario_from_data

FLAGSHIP = Path(__file__).resolve().parent.parent / "scenarios" / "geneva-2022.yaml"
PROPERTY_EXAMPLES = 25
PROPERTY_RUNS = 80
"""25 generated scenarios × 80 runs: 2,000 runs in which no flagged outcome may occur."""


def _with_outcome(data: dict[str, Any], condition: dict[str, Any]) -> dict[str, Any]:
    data["outcomes"].append({"id": "probe", "label": "Probe", "condition": condition})
    return data


def test_an_agreement_beyond_a_certain_red_line_of_a_consenter_cannot_occur() -> None:
    data = _with_outcome(tiny_data(), {"agreement": {"issue": "toll", "min": 60}})
    zeros = structural_zeros(scenario_from_data(data))
    assert zeros["probe"] == (
        "an agreement on toll at 60 or above: first: the red lines of north (at most 50) keep "
        "it below 60; second: the red lines of north (at most 50) keep it below 60"
    )


def test_an_absent_veto_holder_with_no_other_venue_makes_the_agreement_unreachable() -> None:
    data = tiny_data()
    for venue in data["venues"]:
        venue["participants"] = ["south", "east"]
    zeros = structural_zeros(scenario_from_data(data))
    assert "toll-deal" in zeros
    assert "first: north holds a veto on toll and is not at the table" in zeros["toll-deal"]


def test_a_form_no_venue_reaches_cannot_occur() -> None:
    data = _with_outcome(tiny_data(), {"agreement": {"issue": "dam", "form": "binding"}})
    zeros = structural_zeros(scenario_from_data(data))
    assert zeros["probe"].endswith("no meeting has dam on its table in that form")


def test_reachable_outcomes_are_not_flagged_and_do_occur() -> None:
    scenario = scenario_from_data(tiny_data())
    assert structural_zeros(scenario) == {}
    results = simulate(scenario, runs=200, seed=1, input_points=0)
    assert results.count("toll-deal") > 0


def test_a_red_line_that_may_be_a_bluff_is_not_used_as_a_proof() -> None:
    data = _with_outcome(tiny_data(), {"agreement": {"issue": "toll", "min": 60}})
    red = data["actors"][0]["stances"]["toll"]["red_line"]
    red.update(credibility=0.9, fallback={"max": 80, "assumption": "test"})
    assert "probe" not in structural_zeros(scenario_from_data(data))


def test_a_negated_certainty_and_an_impossible_count_are_proved() -> None:
    data = _with_outcome(tiny_data(), {"not": {"no_agreement": "toll"}})
    data["venues"] = [dict(v, participants=["south", "east"]) for v in data["venues"]]
    data["outcomes"].append(
        {"id": "three", "label": "Three", "condition": {"agreements": {"min": 2}}}
    )
    zeros = structural_zeros(scenario_from_data(data))
    assert "probe" in zeros and "three" in zeros


@st.composite
def _probed(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(scenarios())
    issue = data["issues"][0]["id"]
    low = draw(st.floats(0, 100))
    test: dict[str, Any] = {"issue": issue, "min": low, "max": draw(st.floats(low, 100))}
    if draw(st.booleans()):
        test["form"] = draw(st.sampled_from(["verbal", "written", "binding"]))
    actor = data["actors"][0]["id"]
    data["outcomes"] += [
        {"id": "probe", "label": "Probe", "condition": {"agreement": test}},
        {
            "id": "where",
            "label": "Where",
            "condition": {"position": {"actor": actor, "issue": issue, "min": low}},
        },
        {"id": "many", "label": "Many", "condition": {"agreements": {"min": len(data["issues"])}}},
    ]
    return data


@settings(
    max_examples=PROPERTY_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_probed(), st.integers(0, 2**16))
def test_whatever_the_prover_flags_never_occurs(data: dict[str, Any], seed: int) -> None:
    scenario = scenario_from_data(data)
    zeros = structural_zeros(scenario)
    results = simulate(scenario, runs=PROPERTY_RUNS, seed=seed, input_points=0)
    assert all(results.count(key) == 0 for key in zeros)


def test_the_flagship_s_flagged_outcomes_never_occur_in_2000_runs() -> None:
    scenario = load_scenario(FLAGSHIP)
    zeros = structural_zeros(scenario)
    results = simulate(scenario, runs=2000, seed=11, workers=2, input_points=0)
    assert all(results.count(key) == 0 for key in zeros)

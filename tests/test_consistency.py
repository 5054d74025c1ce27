from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from sim.scenario.consistency import Finding, check_scenario, walk_citations
from sim.scenario.format import Scenario
from sim.scenario.yamlsource import read_yaml

TINY = Path(__file__).resolve().parent / "testdata" / "tiny" / "tiny.yaml"
Data = dict[str, Any]


@cache
def _tiny() -> Data:
    return dict(read_yaml(TINY).data)


def _findings(edit: Callable[[Data], object]) -> list[Finding]:
    data = copy.deepcopy(_tiny())
    edit(data)
    return check_scenario(Scenario.model_validate(data))


def _messages(edit: Callable[[Data], object]) -> dict[str, str]:
    return {".".join(map(str, path)): message for path, message in _findings(edit)}


def test_the_tiny_scenario_is_consistent() -> None:
    assert _findings(lambda d: None) == []


@pytest.mark.parametrize(
    ("edit", "path", "kind"),
    [
        (
            lambda d: d["venues"][0]["participants"].append("west"),
            "venues.0.participants.3",
            "actor",
        ),
        (lambda d: d["venues"][1]["issues"].append("canal"), "venues.1.issues.2", "issue"),
        (lambda d: d["vetoes"][0].update(actor="west"), "vetoes.0.actor", "actor"),
        (
            lambda d: d["escalation"]["responses"][0].update(target="west"),
            "escalation.responses.0.target",
            "actor",
        ),
        (
            lambda d: d["escalation"]["options"][0]["costs"].update(siege=0.1),
            "escalation.options.0.costs.siege",
            "rung",
        ),
        (
            lambda d: d["vetoes"][0]["cites"][0].update(source="rumour"),
            "vetoes.0.cites.0.source",
            "source",
        ),
        (
            lambda d: d["outcomes"][0].update(condition={"shock": "storm"}),
            "outcomes.0.condition.shock",
            "shock",
        ),
        (
            lambda d: d["shocks"][0]["effects"][0].update(issue="canal"),
            "shocks.0.effects.0.issue",
            "issue",
        ),
        (
            lambda d: d["actors"][0]["stances"].update(canal=d["actors"][0]["stances"]["dam"]),
            "actors.0.stances.canal",
            "issue",
        ),
    ],
)
def test_an_unknown_id_is_reported_at_its_key_with_the_known_ones(
    edit: Callable[[Data], object], path: str, kind: str
) -> None:
    message = _messages(edit)[path]
    assert message.startswith(f"unknown {kind} ")
    assert "; known: " in message


def test_a_duplicate_id_is_reported_at_the_second_record() -> None:
    def edit(d: Data) -> None:
        d["venues"].append(copy.deepcopy(d["venues"][0]))
        d["escalation"]["options"].append(copy.deepcopy(d["escalation"]["options"][0]))

    assert _messages(edit) == {
        "venues.2.id": "duplicate id 'first'",
        "escalation.options.1.actor": "duplicate actor 'south'",
    }


def test_a_position_outside_the_actors_own_red_line_is_reported() -> None:
    messages = _messages(lambda d: d["actors"][0]["stances"]["toll"].update(position=60))
    assert messages == {
        "actors.0.stances.toll.position": (
            "position 60 lies outside the actor's own red line [0, 50]"
        )
    }


def test_every_actor_needs_a_stance_on_every_issue() -> None:
    messages = _messages(lambda d: d["actors"][2]["stances"].pop("dam"))
    assert messages == {"actors.2.stances": "no stance on issue 'dam'"}


def test_only_the_last_primary_class_may_be_the_catch_all() -> None:
    messages = _messages(lambda d: d["primary"].reverse())
    assert messages["primary.0"].startswith("only the last primary class may omit")
    assert messages["primary.2.condition"].startswith("the last primary class is the catch-all")


def test_an_escalation_condition_with_min_above_max_is_reported() -> None:
    condition = {"escalation": {"min": "war", "max": "threats"}}
    messages = _messages(lambda d: d["outcomes"][0].update(condition=condition))
    assert messages == {
        "outcomes.0.condition.escalation": "min rung 'war' lies above max rung 'threats'"
    }


def test_an_escalation_condition_needs_a_ladder() -> None:
    def edit(d: Data) -> None:
        del d["escalation"]
        d["shocks"][0]["effects"] = [
            {"parameter": "salience", "actor": "south", "issue": "dam", "change": 0.1}
        ]
        d["primary"] = [{"id": "all", "label": "All"}]
        d["outcomes"] = [
            d["outcomes"][0],
            {"id": "f", "label": "F", "condition": {"escalation": {"min": "war"}}},
        ]

    assert _messages(edit) == {
        "outcomes.1.condition.escalation": "the scenario has no escalation ladder"
    }


def test_a_venue_participant_listed_twice_is_reported() -> None:
    messages = _messages(lambda d: d["venues"][0]["participants"].append("north"))
    assert messages == {"venues.0.participants.3": "'north' is listed twice"}


def test_venues_and_shocks_fall_within_the_simulated_period() -> None:
    def edit(d: Data) -> None:
        d["venues"][0]["date"] = "2029-12-31"
        d["venues"][1]["date"] = "2030-03-02"
        d["shocks"][0]["window"] = {"start": "2030-04-01", "end": "2030-05-01"}

    assert _messages(edit) == {
        "venues.0.date": "before the scenario's as_of date 2030-01-01",
        "venues.1.date": "after the scenario's horizon 2030-03-01",
        "shocks.0.window.start": "outside the simulated period 2030-01-01 to 2030-03-01",
    }


@pytest.mark.parametrize(
    ("effect", "path", "message"),
    [
        (
            {"parameter": "position", "actor": "north"},
            "parameter",
            "a position effect needs an `issue`",
        ),
        (
            {"parameter": "salience", "issue": "toll"},
            "parameter",
            "a salience effect needs an `actor`",
        ),
        (
            {"parameter": "trust", "actor": "north", "issue": "toll"},
            "issue",
            "a trust effect takes no `issue`",
        ),
        (
            {"parameter": "escalation", "actor": "north"},
            "actor",
            "an escalation effect moves the ladder; it takes no actor",
        ),
        (
            {"parameter": "prevail", "actor": "north"},
            "actor",
            "'north' has no escalation option to change",
        ),
    ],
)
def test_a_shock_effect_names_exactly_what_its_parameter_needs(
    effect: Data, path: str, message: str
) -> None:
    messages = _messages(lambda d: d["shocks"][0].update(effects=[{**effect, "change": 1}]))
    assert messages == {f"shocks.0.effects.0.{path}": message}


def test_walk_citations_yields_every_quote_with_its_key_path_in_file_order() -> None:
    scenario = Scenario.model_validate(_tiny())
    paths = [".".join(map(str, path)) for path, _ in walk_citations(scenario)]
    assert paths == [
        "actors.0.stances.toll.cites.0",
        "actors.0.stances.toll.red_line.cites.0",
        "actors.1.stances.dam.cites.0",
        "actors.1.stances.dam.red_line.cites.0",
        "vetoes.0.cites.0",
        "venues.1.cites.0",
    ]

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from uncertain_tiny import TINY, tiny_data, uncertain

from sim.errors import ScenarioError
from sim.scenario.format import Uncertain
from sim.scenario.inputs import InputKind, InputPath, quantile, resolve_path
from sim.scenario.loader import load_scenario, scenario_from_data

PATHS = {
    "north.capability": (InputKind.CAPABILITY, 0.5),
    "south.trust.written": (InputKind.TRUST, 0.7),
    "north.trust.binding": (InputKind.TRUST, 0.9),
    "south.prevail": (InputKind.PREVAIL, 0.4),
    "south.prevail_uncertainty": (InputKind.PREVAIL_SD, 0.1),
    "south.costs.blockade": (InputKind.COST, 0.1),
    "response.embargo.cost": (InputKind.RESPONSE_COST, 0.1),
    "shock.drought.probability": (InputKind.SHOCK_PROBABILITY, 0.5),
    "shock.drought.salience.south.dam": (InputKind.SHOCK_EFFECT, 0.1),
    "shock.drought.cost.south": (InputKind.SHOCK_EFFECT, -0.05),
    "model.q": (InputKind.MODEL, 1.0),
    "model.trust.verbal": (InputKind.MODEL_TRUST, 0.3),
}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_kind_of_id_path_names_its_stated_number(path: str) -> None:
    resolved = resolve_path(scenario_from_data(tiny_data()), path)
    assert isinstance(resolved, InputPath)
    assert (resolved.kind, resolved.stated) == PATHS[path]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("nrth.capability", "'nrth' is no actor or section; actors: east, north, south"),
        ("north.prevail", "'north' has no escalation option"),
        ("south.costs.calm", "unknown rung 'calm'; known: threats, blockade, war"),
        ("south.trust.oral", "unknown form 'oral'; known: verbal, written, binding"),
        ("shock.flood.probability", "unknown shock 'flood'; known: drought"),
        ("shock.drought.position.south.dam", "known: probability, salience.south.dam, cost.south"),
        ("response.blockade.cost", "unknown response 'blockade'; known: embargo"),
        ("model.speed", "unknown model parameter 'speed'"),
        ("capability", "is not an id path"),
        ("redline.north.toll.real", "red lines are made uncertain by their own `credibility`"),
    ],
)
def test_a_path_that_names_nothing_says_why_and_what_is_known(path: str, message: str) -> None:
    resolved = resolve_path(scenario_from_data(tiny_data()), path)
    assert isinstance(resolved, str)
    assert message in resolved


def test_an_unknown_path_is_an_error_at_its_line_and_column(tmp_path: Path) -> None:
    shutil.copytree(TINY.parent, tmp_path / "tiny")
    target = tmp_path / "tiny" / "tiny.yaml"
    lines = target.read_text(encoding="utf-8").splitlines()
    lines += [
        "uncertainties:",
        "  - {input: south.prevail, distribution: uniform, low: 0.3, high: 0.5, assumption: a}",
        "  - input: nrth.capability",
        "    distribution: uniform",
        "    low: 0.1",
        "    high: 2.0",
        "    assumption: b",
    ]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        load_scenario(target)
    line = len(lines) - 4
    assert [str(p) for p in error.value.problems] == [
        f"{target}:{line}:5: uncertainties.1.input: 'nrth' is no actor or section; "
        "actors: east, north, south; sections: model, response, shock"
    ]


def test_a_range_outside_the_number_s_own_range_is_an_error() -> None:
    data = tiny_data()
    data["uncertainties"] = [uncertain("south.prevail", 0.2, 1.5)]
    with pytest.raises(ScenarioError, match=r"uncertainties\.0\.high: 1\.5 lies outside"):
        scenario_from_data(data)


def test_the_same_number_declared_twice_is_an_error() -> None:
    data = tiny_data()
    data["uncertainties"] = [uncertain("south.prevail", 0.2, 0.5)] * 2
    with pytest.raises(ScenarioError, match=r"uncertainties\.1\.input: 'south\.prevail' is"):
        scenario_from_data(data)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"distribution": "triangular"}, "a triangular distribution needs mode"),
        ({"distribution": "normal", "mean": 0.4}, "a normal distribution needs sd"),
        ({"mode": 0.3}, "a uniform distribution takes no mode"),
        ({"distribution": "triangular", "mode": 0.9}, "mode (0.9) lies outside [0.2, 0.5]"),
        ({"high": 0.1}, "low (0.2) is greater than high (0.1)"),
    ],
)
def test_a_distribution_needs_exactly_its_own_parameters(
    extra: dict[str, object], message: str
) -> None:
    data = tiny_data()
    data["uncertainties"] = [{**uncertain("south.prevail", 0.2, 0.5), **extra}]
    with pytest.raises(ScenarioError) as error:
        scenario_from_data(data)
    assert message in str(error.value)


def _spec(kind: str) -> Uncertain:
    extra: dict[str, float] = {
        "triangular": {"mode": 0.3},
        "normal": {"mean": 0.45, "sd": 0.1},
    }.get(kind, {})
    return Uncertain.model_validate(
        {"input": "x.y", "distribution": kind, "low": 0.2, "high": 0.6, "assumption": "t", **extra}
    )


@given(st.sampled_from(["uniform", "triangular", "normal"]), st.floats(0, 1), st.floats(0, 1))
def test_quantiles_rise_with_the_probability_and_stay_in_the_range(
    kind: str, u: float, v: float
) -> None:
    spec = _spec(kind)
    low, high = sorted((u, v))
    assert 0.2 <= quantile(low, spec) <= quantile(high, spec) <= 0.6


def test_quantiles_put_the_median_where_each_distribution_has_it() -> None:
    assert quantile(0.5, _spec("uniform")) == pytest.approx(0.4)
    assert quantile(0.25, _spec("triangular")) == pytest.approx(0.3)  # the mode's own quantile
    normal = Uncertain.model_validate(
        {
            "input": "x.y",
            "distribution": "normal",
            "low": 0.2,
            "high": 0.6,
            "mean": 0.4,
            "sd": 0.1,
            "assumption": "t",
        }
    )
    assert quantile(0.5, normal) == pytest.approx(0.4)
    assert quantile(0.975, normal) < 0.6

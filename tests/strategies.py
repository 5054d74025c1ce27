"""Hypothesis strategies: random but valid scenarios, as plain data for ``scenario_from_data``."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

ACTORS = ("a", "b", "c", "d")
ISSUES = ("x", "y", "z")
LADDER = ("calm", "threat", "strike", "war")


@st.composite
def stances(draw: st.DrawFn, red_lines: bool) -> dict[str, Any]:
    position = draw(st.floats(0, 100))
    stance: dict[str, Any] = {
        "position": position,
        "salience": draw(st.floats(0.05, 1)),
        "uncertainty": {"position": draw(st.floats(0, 20)), "salience": draw(st.floats(0, 0.2))},
        "assumption": "generated",
    }
    if red_lines and draw(st.booleans()):
        low = draw(st.floats(0, position))
        high = draw(st.floats(position, 100))
        red: dict[str, Any] = {"min": low, "max": high, "assumption": "generated"}
        if draw(st.booleans()):
            red["form"] = draw(st.sampled_from(["verbal", "written", "binding"]))
        stance["red_line"] = red
    return stance


@st.composite
def scenarios(
    draw: st.DrawFn,
    *,
    red_lines: bool = True,
    complete_information: bool = False,
) -> dict[str, Any]:
    """A valid scenario. With *complete_information*: no belief uncertainty, full trust,
    strict choice, positive costs, no red lines, every other actor an opponent."""
    n_actors = draw(st.integers(2, len(ACTORS)))
    n_issues = draw(st.integers(1, len(ISSUES)))
    actors, issues = ACTORS[:n_actors], ISSUES[:n_issues]
    red = red_lines and not complete_information
    data: dict[str, Any] = {
        "scenario": {
            "id": "generated",
            "title": "Generated",
            "as_of": "2030-01-01",
            "horizon": "2030-08-01",
        },
        "issues": [
            {
                "id": k,
                "name": k,
                "low": "0",
                "high": "100",
                "status_quo": {"position": draw(st.floats(0, 100)), "assumption": "generated"},
            }
            for k in issues
        ],
        "actors": [
            {
                "id": a,
                "name": a,
                "capability": draw(st.floats(0.05, 1)),
                "stances": {k: draw(stances(red)) for k in issues},
            }
            for a in actors
        ],
        "venues": [
            {
                "id": f"v{n}",
                "name": f"v{n}",
                "place": "p",
                "date": f"2030-0{1 + n}-10",
                "participants": list(draw(st.sets(st.sampled_from(actors), min_size=2))),
                "issues": list(draw(st.sets(st.sampled_from(issues), min_size=1))),
                "rounds": draw(st.integers(1, 4)),
                "form": draw(st.sampled_from(["verbal", "written", "binding"])),
            }
            for n in range(draw(st.integers(1, 6)))
        ],
        "outcomes": [
            {"id": "any-agreement", "label": "Any", "condition": {"agreements": {"min": 1}}}
        ],
        "primary": [
            {"id": "war", "label": "War", "condition": {"escalation": {"min": "war"}}},
            {"id": "deal", "label": "Deal", "condition": {"agreements": {"min": 1}}},
            {"id": "none", "label": "None"},
        ],
    }
    if draw(st.booleans()):
        holder = draw(st.sampled_from(actors))
        data["vetoes"] = [{"actor": holder, "issues": [issues[0]], "assumption": "generated"}]
    escalator = draw(st.sampled_from(actors))
    others = [a for a in actors if a != escalator]
    opponents = (
        others
        if complete_information
        else draw(st.lists(st.sampled_from(others), min_size=1, unique=True))
    )
    costs = sorted(draw(st.lists(st.floats(0.01, 0.5), min_size=3, max_size=3)))
    data["escalation"] = {
        "ladder": [{"id": r, "label": r} for r in LADDER],
        "options": [
            {
                "actor": escalator,
                "opponents": opponents,
                "prevail": draw(st.floats(0.05, 0.95)),
                "prevail_uncertainty": 0.0 if complete_information else draw(st.floats(0, 0.3)),
                "costs": dict(zip(LADDER[1:], costs, strict=True)),
                "assumption": "generated",
            }
        ],
    }
    if complete_information:
        data["model"] = {
            "logit_scale": 0.0,
            "trust": {"verbal": 1.0, "written": 1.0, "binding": 1.0},
            "decision_interval": draw(st.sampled_from([1.0, 3.5, 7.0, 30.0])),
        }
        for actor in data["actors"]:
            for stance in actor["stances"].values():
                stance.pop("red_line", None)
    else:
        data["model"] = {
            "logit_scale": draw(st.sampled_from([0.0, 0.02, 0.1])),
            "decision_interval": draw(st.sampled_from([1.0, 3.5, 7.0, 30.0])),
        }
        data["shocks"] = [
            {
                "id": "jolt",
                "description": "jolt",
                "probability": draw(st.floats(0, 1)),
                "window": {"start": "2030-01-05", "end": "2030-03-01"},
                "effects": [
                    {"parameter": "escalation", "change": 1},
                    {
                        "parameter": "salience",
                        "actor": escalator,
                        "issue": issues[0],
                        "change": 0.2,
                    },
                ],
                "assumption": "generated",
            }
        ]
    return data


# --- the expected-utility model (tests/test_expected_utility.py) -------------------------------

EU_GRID = (0.0, 25.0, 50.0, 75.0, 100.0)
"""Positions drawn often, so that actors share positions and dyads tie."""


@st.composite
def eu_actors(
    draw: st.DrawFn, min_actors: int = 2, max_actors: int = 7
) -> tuple[list[float], list[float], list[float]]:
    """Positions (0–100), capabilities (> 0) and saliences (0–1) of a few actors, as lists."""
    n = draw(st.integers(min_actors, max_actors))
    place = st.one_of(st.sampled_from(EU_GRID), st.floats(0, 100, allow_subnormal=False))
    position = draw(st.lists(place, min_size=n, max_size=n))
    capability = draw(st.lists(st.floats(0.01, 1), min_size=n, max_size=n))
    salience = draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))
    return position, capability, salience

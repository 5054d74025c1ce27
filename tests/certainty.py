"""A scenario with every input certain: no declared uncertainty, every red line credible."""

from __future__ import annotations

from sim.scenario.format import Scenario


def certain(scenario: Scenario) -> Scenario:
    """*scenario* without its uncertainties and with every red line at credibility 1."""
    actors = []
    for actor in scenario.actors:
        stances = {}
        for issue, stance in actor.stances.items():
            red = stance.red_line
            if red is not None:
                red = red.model_copy(update={"credibility": 1.0, "fallback": None})
            stances[issue] = stance.model_copy(update={"red_line": red})
        actors.append(actor.model_copy(update={"stances": stances}))
    return scenario.model_copy(update={"uncertainties": (), "actors": tuple(actors)})

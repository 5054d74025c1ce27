"""A scenario at a glance: the counts `negsim validate` prints and the handout reuses."""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario.format import Scenario


@dataclass(frozen=True)
class Overview:
    """Counts that tell a reader what a scenario holds and how much of it stands on sources."""

    actors: int
    issues: int
    stances_cited: int
    stances_assumed: int
    red_lines_cited: int
    red_lines_assumed: int
    venues: int
    shocks: int
    outcomes: int
    primary_classes: int
    rungs: int


def overview(scenario: Scenario) -> Overview:
    """Count what *scenario* holds."""
    stances = [s for a in scenario.actors for s in a.stances.values()]
    red_lines = [s.red_line for s in stances if s.red_line is not None]
    return Overview(
        actors=len(scenario.actors),
        issues=len(scenario.issues),
        stances_cited=sum(s.is_cited for s in stances),
        stances_assumed=sum(not s.is_cited for s in stances),
        red_lines_cited=sum(r.is_cited for r in red_lines),
        red_lines_assumed=sum(not r.is_cited for r in red_lines),
        venues=len(scenario.venues),
        shocks=len(scenario.shocks),
        outcomes=len(scenario.outcomes),
        primary_classes=len(scenario.primary),
        rungs=len(scenario.escalation.ladder) if scenario.escalation else 0,
    )

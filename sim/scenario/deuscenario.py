"""One DEU issue as a one-issue negsim scenario, built in memory, with the EU's consent rules.

The mapping is an assumption of the backtest, stated here and in docs/validation.md:

* **actors**: the Commission, the Parliament and every member state with a recorded position and
  a positive salience, with the data's capability (or 1 each) and salience / 100;
* **status quo**: the recorded reference point; an issue without one has no status quo to
  run and is not built (the backtest excludes it and counts it);
* **uncertainty**: every position and salience is drawn around the coded value with the
  settings' standard deviations (expert coding is uncertain);
* **two venues**: *talks* among all actors (``rounds`` rounds of the expected-utility model,
  written form), then a *decision* among those whose consent the procedure requires (binding
  form, one round). Every actor counts only a binding act, so the talks never settle the issue;
* **consent**: under unanimity every member state is a veto holder; under QMV the decision
  needs a qualified majority of member states (at least 55 % of them holding at least 65 % of
  their capability, the Lisbon double majority with capability standing in for population):
  the states most in favour of moving away from the status quo, in the direction of the
  Commission's proposal, until the majority is reached; under co-decision the Parliament must
  consent too;
* **red lines**: an actor whose consent is needed accepts nothing it likes less than the status
  quo, ``[x − |x − q|, x + |x − q|]`` (individual rationality on one issue).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.errors import SimulationError
from sim.scenario.deudata import DeuData, DeuIssue, Voting
from sim.scenario.format import Scenario
from sim.scenario.loader import scenario_from_data

ISSUE = "issue"
"""The id of the scenario's one issue."""
QMV_STATES = 0.55
"""Share of the member states a qualified majority needs."""
QMV_WEIGHT = 0.65
"""Share of the member states' capability a qualified majority needs."""


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """The engine's settings on every backtest issue (each can be cross-validated)."""

    position_sd: float = 10.0
    """Standard deviation of each actor's position across runs, in points."""
    salience_sd: float = 0.1
    """Standard deviation of each salience across runs (salience on 0–1)."""
    rounds: int = 8
    """Rounds of the expected-utility model at the talks."""
    convergence: float = 5.0
    """The engine's ``model.convergence``: positions this close count as converged."""


@dataclass(frozen=True, slots=True)
class IssueActors:
    """The actors of one issue that take part: a position and a positive salience recorded."""

    index: tuple[int, ...]
    """Indices into the data's actors."""
    position: tuple[float, ...]
    salience: tuple[float, ...]
    """On 0–1."""
    capability: tuple[float, ...]


def issue_actors(data: DeuData, issue: DeuIssue, capability: Sequence[float]) -> IssueActors:
    """The actors with a position and a positive salience on *issue*, with *capability*."""
    rows = [
        (k, p, s / 100.0, capability[k])
        for k, (p, s) in enumerate(zip(issue.position, issue.salience, strict=True))
        if p is not None and s is not None and s > 0
    ]
    return IssueActors(
        tuple(r[0] for r in rows),
        tuple(r[1] for r in rows),
        tuple(r[2] for r in rows),
        tuple(r[3] for r in rows),
    )


def status_quo(issue: DeuIssue) -> float:
    """Where the issue stays without a decision: its recorded reference point.

    Raises:
        SimulationError: the issue records no reference point (no default is assumed).
    """
    if issue.reference is None:
        raise SimulationError(
            f"{issue.issue} (line {issue.line}): no reference point recorded, no status quo to run"
        )
    return issue.reference


def deciders(data: DeuData, issue: DeuIssue, actors: IssueActors) -> tuple[int, ...]:
    """Indices (into *actors*) of those whose consent the decision needs."""
    q = status_quo(issue)
    states = [a for a, k in enumerate(actors.index) if data.is_member_state(k)]
    chosen = list(states)
    if issue.voting is Voting.QMV and states:
        direction = _direction(data, actors, q)
        order = sorted(states, key=lambda a: -direction * (actors.position[a] - q))
        total = sum(actors.capability[a] for a in states)
        chosen, weight = [], 0.0
        for a in order:
            chosen.append(a)
            weight += actors.capability[a]
            if weight >= QMV_WEIGHT * total - 1e-12 and len(chosen) >= QMV_STATES * len(states):
                break
    if issue.procedure == "COD" and data.parliament in actors.index:
        chosen.append(actors.index.index(data.parliament))
    return tuple(sorted(chosen))


def _direction(data: DeuData, actors: IssueActors, q: float) -> float:
    """+1 or −1: the way the Commission's proposal (else the weighted mean) moves from *q*."""
    if data.commission in actors.index:
        offset = actors.position[actors.index.index(data.commission)] - q
        if offset:
            return 1.0 if offset > 0 else -1.0
    weights = [c * s for c, s in zip(actors.capability, actors.salience, strict=True)]
    mean = sum(w * x for w, x in zip(weights, actors.position, strict=True)) / sum(weights)
    return 1.0 if mean >= q else -1.0


def issue_scenario(
    data: DeuData, issue: DeuIssue, capability: Sequence[float], settings: EngineSettings
) -> Scenario:
    """*issue* as a validated one-issue scenario (see the module docstring for the mapping).

    Raises:
        ScenarioError: fewer than two actors with a position and a positive salience.
    """
    actors = issue_actors(data, issue, capability)
    q = status_quo(issue)
    needed = deciders(data, issue, actors)
    ids = [data.actors[k] for k in actors.index]
    council = [ids[a] for a in needed]
    if len(council) < 2:  # a venue needs two: the first other actor sits in, without a veto
        council = [
            ids[a] for a in sorted({*needed, next(a for a in range(len(ids)) if a not in needed)})
        ]
    stated = "coded by DEU experts from interviews; drawn with the backtest's uncertainty"
    stances = []
    for a in range(len(ids)):
        x = actors.position[a]
        red: dict[str, Any] = {"form": "binding", "assumption": "only the legislative act counts"}
        if a in needed:
            gap = abs(x - q)
            red |= {"min": max(0.0, x - gap), "max": min(100.0, x + gap)}
            red["assumption"] += "; nothing worse than the status quo (individual rationality)"
        stances.append(
            {
                "position": x,
                "salience": actors.salience[a],
                "uncertainty": {"position": settings.position_sd, "salience": settings.salience_sd},
                "assumption": stated,
                "red_line": red,
            }
        )
    vetoes = [
        {"actor": ids[a], "issues": [ISSUE], "assumption": rule}
        for a in needed
        for rule in [_veto_rule(data, issue, actors.index[a])]
        if rule
    ]
    document = {
        "scenario": {"id": "backtest-issue", "title": issue.issue, "as_of": "2000-01-01"},
        "issues": [
            {
                "id": ISSUE,
                "name": issue.issue,
                "low": "0 on the issue's coded scale",
                "high": "100 on the issue's coded scale",
                "status_quo": {
                    "position": q,
                    "assumption": "the recorded reference point",
                },
            }
        ],
        "actors": [
            {
                "id": ids[a],
                "name": ids[a],
                "capability": actors.capability[a],
                "assumption": "the data's capability",
                "stances": {ISSUE: stances[a]},
            }
            for a in range(len(ids))
        ],
        "vetoes": vetoes,
        "venues": [
            _venue("talks", "2000-01-02", ids, settings.rounds, "written"),
            _venue("decision", "2000-01-03", council, 1, "binding"),
        ],
        "outcomes": [
            {"id": "adopted", "label": "Adopted", "condition": {"agreement": {"issue": ISSUE}}}
        ],
        "primary": [
            {"id": "adopted", "label": "Adopted", "condition": {"agreement": {"issue": ISSUE}}},
            {"id": "no-decision", "label": "No decision"},
        ],
        "model": {"convergence": settings.convergence},
    }
    return scenario_from_data(document, f"{data.file}:{issue.line}")


def _veto_rule(data: DeuData, issue: DeuIssue, actor: int) -> str:
    if actor == data.parliament:
        return "co-decision: the Parliament must consent"
    if data.is_member_state(actor) and issue.voting is Voting.UNANIMITY:
        return "unanimity: every member state must consent"
    return ""


def _venue(name: str, day: str, members: list[str], rounds: int, form: str) -> dict[str, Any]:
    return {
        "id": name,
        "name": name,
        "place": "the Council",
        "date": day,
        "participants": members,
        "issues": [ISSUE],
        "rounds": rounds,
        "form": form,
    }

"""A group's game as a list of recorded moves, replayed through the engine to where it stands.

A group plays one run of ``negsim run`` (a seed and a run index) with some actors as human
seats. Its state is nothing but the moves its seats made, in order, and the shocks the
instructor injected: :func:`advance` replays them through the same engine and the same decision
policy hook, stops asking at the first human decision that has no recorded move (the pending
turn) and lets the model play on from there, so the run's past is exact and its record shows
where the model would take it. Replaying is deterministic, so a server restarted from its
stored moves resumes every group where it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from sim.analysis.montecarlo import run_generator
from sim.analysis.streams import run_arrays
from sim.classroom.asks import parse_asks
from sim.classroom.moves import Answer, MoveError, MoveKind, answer_for, parse_move
from sim.engine.outcomes import OutcomeRules, outcome_rules
from sim.engine.policy import (
    Demand,
    DemandView,
    EscalationChoice,
    EscalationView,
    ProposalView,
)
from sim.engine.record import RunRecord
from sim.engine.run import run_once
from sim.engine.sampling import (
    FloatArray,
    RunParameters,
    ScenarioArrays,
    compile_scenario,
    sample_parameters,
)
from sim.errors import SimulationError
from sim.scenario.format import Scenario

TurnView = DemandView | ProposalView | EscalationView
Choice = tuple[Demand, ...] | Answer
"""What a decision told the engine: demands, a new position, or a ladder move."""


@dataclass(frozen=True)
class Table:
    """What a group plays: a scenario's run (seed and run index) with some actors as seats."""

    scenario: Scenario
    arrays: ScenarioArrays
    rules: OutcomeRules
    seed: int
    run_index: int
    humans: frozenset[int]
    """Indices of the actors played by people; the model plays the others."""

    def actor(self, actor_id: str) -> int:
        """Index of *actor_id*, or :class:`SimulationError` naming the scenario's actors."""
        if actor_id not in self.arrays.actor_ids:
            known = ", ".join(self.arrays.actor_ids)
            raise SimulationError(f"unknown actor {actor_id!r}; {self.scenario.id} has: {known}")
        return self.arrays.actor_ids.index(actor_id)


def new_table(scenario: Scenario, seed: int, run_index: int, humans: Sequence[str]) -> Table:
    """The table of run *run_index* of ``simulate(scenario, seed=seed)`` with *humans* seated."""
    if seed < 0 or run_index < 0:
        raise SimulationError(f"seed and run must be non-negative (got {seed}, {run_index})")
    arrays = run_arrays(compile_scenario(scenario), seed, run_index)  # with the run's inputs
    table = Table(scenario, arrays, outcome_rules(scenario), seed, run_index, frozenset())
    return replace(table, humans=frozenset(table.actor(h) for h in humans))


@dataclass(frozen=True)
class Injection:
    """A shock the instructor fired: it fires on *day* whatever the run drew for it."""

    shock: int
    day: float


@dataclass(frozen=True)
class Turn:
    """A decision the engine asks of a human seat."""

    number: int
    """1-based count of the group's human decisions."""
    actor: int
    view: TurnView
    venue: int
    """The venue meeting (or, for a ladder move, just met)."""


@dataclass(frozen=True)
class Taken:
    """A decision a seat took: the move, what it told the engine, and the model's choice."""

    turn: Turn
    move: str
    choice: Choice
    model_choice: Choice
    by_model: bool
    """True when the seat handed this decision to the model (``model`` or ``rest``)."""


@dataclass(frozen=True)
class Entry:
    """One question the engine asked anyone, and the answer it got (the run's transcript)."""

    actor: int
    view: TurnView
    choice: Choice
    number: int
    """The decision's number when a seat took it, else 0 (the model)."""


@dataclass(frozen=True)
class GroupState:
    """Where a group stands after its recorded moves."""

    table: Table
    parameters: RunParameters
    taken: tuple[Taken, ...]
    pending: Turn | None
    """The decision waiting for a seat, or None when the run is over."""
    log: tuple[Entry, ...]
    """Every question asked up to the pending turn, in the engine's order."""
    record: RunRecord
    """The whole run: when a turn is pending, the model plays on from it."""
    known: FloatArray
    """Actors × issues: positions as last seen at a table before the pending turn."""

    @property
    def finished(self) -> bool:
        """True when no seat has a decision left."""
        return self.pending is None

    @property
    def now(self) -> float:
        """Day of the pending turn, or the run's end."""
        return self.pending.view.day if self.pending else self.record.end_day

    def past(self, day: float) -> bool:
        """Whether something on *day* happened before the pending turn.

        On the same day, a ladder move comes after the meeting's agreements; a proposal before.
        """
        if self.pending is None:
            return True
        if isinstance(self.pending.view, EscalationView):
            return day <= self.now
        return day < self.now


def venue_of(arrays: ScenarioArrays, day: float) -> int:
    """The last venue that met on or before *day* (0 before the first)."""
    met = np.flatnonzero(arrays.venue_day <= day + 1e-9)
    return int(met[-1]) if met.size else 0


def model_choice(view: TurnView) -> Choice:
    """What the model answers at *view*."""
    if isinstance(view, DemandView):
        return view.model
    if isinstance(view, ProposalView):
        return view.model_answer
    return view.model_choice


def read_move(text: str, view: TurnView, arrays: ScenarioArrays) -> tuple[str, Choice]:
    """A seat's move at *view*: its normalised text and what it tells the engine.

    Raises :class:`MoveError` with the reason when the move does not fit the decision (``help``
    and ``quit`` are the terminal's business, not moves).
    """
    head = text.strip().lower()
    if head in ("model", "m"):
        return "model", model_choice(view)
    if head == "rest":
        return "rest", model_choice(view)
    if isinstance(view, DemandView):
        demands = parse_asks(text, view, arrays)
        return text.strip().lower(), demands
    move = parse_move(text)
    if move.kind in (MoveKind.HELP, MoveKind.QUIT, MoveKind.REST, MoveKind.MODEL):
        raise MoveError(f"{move.kind.value} is not a move here")
    return str(move), answer_for(move, view)


class ReplayPolicy:
    """Answers the engine from recorded moves for the seats, and as the model for the rest."""

    def __init__(self, table: Table, moves: Sequence[str]) -> None:
        self.table = table
        self.moves = moves
        self.used = 0
        self.taken: list[Taken] = []
        self.log: list[Entry] = []
        self.cut = -1
        """Length of the log when the pending turn was reached (-1: not reached)."""
        self.pending: Turn | None = None
        self.resting: set[int] = set()
        self.known = np.zeros(0)
        self.known_at_cut = np.zeros(0)
        self._staged: list[tuple[int, int, float]] = []

    def start(self, parameters: RunParameters) -> None:
        """Begin a replay with the run's sampled ideal points as the first known positions."""
        self.known = parameters.position.copy()

    def _see(self) -> None:
        for target, issue, end in self._staged:
            self.known[target, issue] = end
        self._staged.clear()

    def _decide(self, actor: int, view: TurnView, venue: int) -> Choice:
        model = model_choice(view)
        if self.pending is not None or actor not in self.table.humans or actor in self.resting:
            self.log.append(Entry(actor, view, model, 0))
            return model
        turn = Turn(len(self.taken) + 1, actor, view, venue)
        if self.used == len(self.moves):
            self.pending, self.cut = turn, len(self.log)
            self.known_at_cut = self.known.copy()
            self.log.append(Entry(actor, view, model, 0))
            return model
        text = self.moves[self.used]
        self.used += 1
        try:
            move, choice = read_move(text, view, self.table.arrays)
        except MoveError as problem:
            raise SimulationError(f"recorded move {turn.number} ({text!r}): {problem}") from None
        if move == "rest":
            self.resting.add(actor)
        self.taken.append(Taken(turn, move, choice, model, move in ("model", "rest")))
        self.log.append(Entry(actor, view, choice, turn.number))
        return choice

    def propose(self, view: DemandView) -> tuple[Demand, ...]:
        """The seat's recorded demands, or the model's."""
        self._see()
        members = list(view.members)
        rows = np.array(members)
        self.known[np.ix_(rows, np.array(view.issues))] = view.position
        choice = self._decide(view.proposer, view, view.venue)
        assert isinstance(choice, tuple)
        return choice

    def respond(self, view: ProposalView) -> float:
        """The seat's recorded answer, or the model's."""
        choice = self._decide(view.target, view, view.venue)
        assert isinstance(choice, float)
        end = min(max(choice, view.red_low), view.red_high)
        self._staged.append((view.target, view.issue, end))
        return choice

    def escalate(self, view: EscalationView) -> EscalationChoice:
        """The seat's recorded ladder move, or the model's."""
        self._see()
        choice = self._decide(view.actor, view, venue_of(self.table.arrays, view.day))
        assert isinstance(choice, EscalationChoice)
        return choice


def _injected(parameters: RunParameters, injections: Sequence[Injection]) -> RunParameters:
    fired, day = parameters.shock_fired.copy(), parameters.shock_day.copy()
    for injection in injections:
        fired[injection.shock], day[injection.shock] = True, injection.day
    return replace(parameters, shock_fired=fired, shock_day=day)


def advance(table: Table, moves: Sequence[str], injections: Sequence[Injection] = ()) -> GroupState:
    """Replay *moves* (the seats' moves in the order they were asked) and *injections*.

    Raises :class:`SimulationError` when a recorded move does not fit its decision or moves
    are left over after the run's end.
    """
    rng = run_generator(table.seed, table.run_index)
    parameters = _injected(sample_parameters(table.arrays, rng), injections)
    policy = ReplayPolicy(table, moves)
    policy.start(parameters)
    record = run_once(table.arrays, parameters, rng, table.run_index, policy)
    if policy.used < len(moves):
        raise SimulationError(f"{len(moves) - policy.used} recorded moves left after the run")
    cut = policy.cut if policy.pending else len(policy.log)
    known = policy.known_at_cut if policy.pending else np.asarray(record.final_positions)
    return GroupState(
        table,
        parameters,
        tuple(policy.taken),
        policy.pending,
        tuple(policy.log[:cut]),
        record,
        known,
    )


def fired_shocks(state: GroupState) -> tuple[tuple[int, float], ...]:
    """(shock, day) of the shocks that fired before the pending turn."""
    return tuple((s, d) for s, d in state.record.shocks if state.past(d))


def can_inject(state: GroupState, shock: int) -> str:
    """Why *shock* cannot be fired now ("" when it can): it fired already, or the run is over."""
    if state.finished:
        return "the group's run is over"
    if any(s == shock for s, _ in fired_shocks(state)):
        return "it has fired already in this group's run"
    return ""


def injection_day(state: GroupState) -> float:
    """When an injected shock fires: just after the pending turn, before anything else.

    Why a sliver after: every question up to and including the pending turn stays as it was, so
    no recorded move loses its decision.
    """
    return state.now + 1e-6

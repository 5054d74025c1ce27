"""A student plays one actor against the model (``negsim play``).

The run is the one :func:`sim.simulate` draws for a seed and run index; every decision of the
played actor (its own proposals at each round, answering a proposal, moving on the escalation
ladder) is asked of the player
through an :data:`Ask` callback, and every other actor follows the model. Taking the model's move
at every decision reproduces the model's run exactly.

Moves are short lines of text (see :data:`HELP`); a move that does not fit the decision is
re-asked with the reason, never taken. When the moves run out (the callback raises
``EOFError``) the game stops with :class:`GameStoppedError`; the move ``rest`` hands the remaining
decisions to the model instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from sim.analysis.montecarlo import run_generator
from sim.analysis.streams import run_arrays
from sim.classroom.asks import ASK_HELP, asks_text, parse_asks
from sim.classroom.moves import (
    EPS,
    HELP,
    Answer,
    Move,
    MoveError,
    MoveKind,
    View,
    answer_for,
    answer_text,
    parse_move,
)
from sim.classroom.score import AgainstModel, against_model
from sim.engine.outcomes import OutcomeRules, outcome_rules
from sim.engine.policy import Demand, DemandView, EscalationChoice, EscalationView, ProposalView
from sim.engine.record import RunRecord
from sim.engine.run import run_once
from sim.engine.sampling import RunParameters, ScenarioArrays, compile_scenario, sample_parameters
from sim.errors import NegsimError, SimulationError, unknown
from sim.scenario.format import Scenario


class GameStoppedError(NegsimError):
    """The game stopped before the run ended: the moves ran out, or the player quit."""


class GameQuitError(GameStoppedError):
    """The player typed ``quit``.

    Why a subclass rather than a flag: SimPy re-raises a failed process's exception as a new
    instance built from its type and arguments, so only those survive the event loop.
    """


PlayView = View | DemandView
"""A decision put to the player: its own proposals, an answer, or a ladder move."""
Choice = Answer | tuple[Demand, ...]
"""What the engine is told: demands, a new position, or a ladder move."""


@dataclass(frozen=True)
class Question:
    """A decision put to the player: what it is about, where, and any feedback."""

    number: int
    """1-based count of the player's decisions."""
    view: PlayView
    venue: int
    """The venue meeting or met last (-1 before the first); escalation is reviewed after each
    meeting and on the decision clock between meetings."""
    feedback: str = ""
    """Why the previous answer was not taken, or the help text; "" when first asked."""
    news: tuple[EscalationView, ...] = ()
    """The other actors' moves on the ladder since the player's previous decision (each view
    with the move the model drew, which they took)."""
    replies: tuple[str, ...] = ()
    """What came of the player's previous moves since then: answers to its proposals, where a
    proposer stands after the player's answer, counter-measures that took effect."""


Ask = Callable[[Question], str]
"""Returns the player's move as text; raises ``EOFError`` when there are no more moves."""


@dataclass(frozen=True)
class Decision:
    """One decision of the player: the question, the move taken and what the model would do."""

    number: int
    view: PlayView
    venue: int
    move: str
    """The move as typed, normalised (``model`` and ``rest`` stay as typed)."""
    answer: Choice
    model_answer: Choice
    by_model: bool
    """True when the player handed this decision to the model (``model`` or ``rest``)."""

    @property
    def same(self) -> bool:
        """True when the player's move has the same effect as the model's."""
        if isinstance(self.view, ProposalView):
            lo, hi = self.view.red_low, self.view.red_high
            mine = min(max(float(self.answer), lo), hi)  # type: ignore[arg-type]
            model = min(max(float(self.model_answer), lo), hi)  # type: ignore[arg-type]
            return abs(mine - model) <= EPS
        if isinstance(self.view, DemandView):
            return set(self.answer) == set(self.model_answer)  # type: ignore[arg-type]
        return self.answer == self.model_answer


class PlayerPolicy:
    """Asks the player for one actor's decisions and follows the model for every other actor.

    Args:
        actor: index of the played actor.
        ask: where the player's moves come from.
        arrays: the scenario's arrays (actor ids, rungs, escalation options).
    """

    def __init__(self, actor: int, ask: Ask, arrays: ScenarioArrays) -> None:
        self.actor = actor
        self.ask = ask
        self.decisions: list[Decision] = []
        self.resting = False
        """True once the player typed ``rest``: the model takes the remaining decisions."""
        self._arrays = arrays
        self._news: list[EscalationView] = []
        self._replies: list[str] = []
        self._answered: list[tuple[int, int, float]] = []
        """(proposer, issue, where the player went) of answers whose sequel is still to come."""

    def propose(self, view: DemandView) -> tuple[Demand, ...]:
        """The player's own proposals when its actor is at the table, else the model's."""
        a = self._arrays
        if self._answered and self.actor in view.members and not self.resting:
            for proposer, issue, mine in self._answered:
                if issue in view.issues and proposer in view.members:
                    row, col = view.members.index(proposer), view.issues.index(issue)
                    self._replies.append(
                        f"after your answer ({mine:.1f}) {a.actor_ids[proposer]} stands at "
                        f"{view.position[row, col]:.1f} on {a.issue_ids[issue]}"
                    )
            self._answered.clear()
        if view.proposer != self.actor:
            return view.model
        choice = self._decide(view, view.venue)
        assert isinstance(choice, tuple)
        return choice

    def respond(self, view: ProposalView) -> float:
        """The player's new position when targeted, else the model's answer."""
        a = self._arrays
        if view.target != self.actor:
            if view.proposer == self.actor and not self.resting:
                said = answer_text(view, view.model_answer, a.rung_ids)
                self._replies.append(
                    f"{a.actor_ids[view.target]} answers your proposal on "
                    f"{a.issue_ids[view.issue]}: {said}"
                )
            return view.model_answer
        answer = float(self._decide(view, view.venue))  # type: ignore[arg-type]
        end = min(max(answer, view.red_low), view.red_high)
        self._answered.append((view.proposer, view.issue, end))
        return answer

    def escalate(self, view: EscalationView) -> EscalationChoice:
        """The player's ladder move for the played actor, else the one the model drew."""
        venue = view.venue
        if view.actor != self.actor:
            if view.model_choice is not EscalationChoice.HOLD:
                self._news.append(view)
            self._responses(view, view.model_choice)
            return view.model_choice
        choice = self._decide(view, venue)
        assert isinstance(choice, EscalationChoice)
        self._responses(view, choice)
        return choice

    def _responses(self, view: EscalationView, choice: EscalationChoice) -> None:
        """Counter-measures that take effect when a climb reaches their rung."""
        if choice is not EscalationChoice.CLIMB or self.resting:
            return
        a = self._arrays
        reached = min(view.level + 1, len(a.rung_ids) - 1)
        for r, rung in enumerate(a.response_from.tolist()):
            if view.level < rung <= reached:
                self._replies.append(
                    f"response: {a.actor_ids[a.response_actor[r]]} answers the climb to "
                    f"{a.rung_ids[rung]} with {a.response_ids[r]} against "
                    f"{a.actor_ids[a.response_target[r]]} (cost {a.response_cost[r]:g})"
                )

    def _move(self, text: str, view: PlayView) -> tuple[MoveKind | None, str, Choice]:
        """(generic kind or None, normalised move, choice) of *text* at *view*."""
        if isinstance(view, DemandView):
            head = text.strip().lower()
            generic = {"?": MoveKind.HELP, "q": MoveKind.QUIT, "exit": MoveKind.QUIT}.get(head)
            generic = generic or next((k for k in MoveKind if k.value == head), None)
            if generic in (MoveKind.HELP, MoveKind.QUIT, MoveKind.REST):
                return generic, head, view.model
            if generic is MoveKind.MODEL or head == "m":
                return MoveKind.MODEL, "model", view.model
            demands = parse_asks(text, view, self._arrays)
            return None, asks_text(demands, self._arrays), demands
        move = parse_move(text)
        if move.kind in (MoveKind.HELP, MoveKind.QUIT, MoveKind.REST):
            return move.kind, str(move), answer_for(Move(MoveKind.MODEL), view)
        return move.kind, str(move), answer_for(move, view)

    def _decide(self, view: PlayView, venue: int) -> Choice:
        number = len(self.decisions) + 1
        if isinstance(view, DemandView):
            model: Choice = view.model
        else:
            model = view.model_answer if isinstance(view, ProposalView) else view.model_choice
        if self.resting:
            return self._record(Decision(number, view, venue, "rest", model, model, True))
        question = Question(
            number, view, venue, news=tuple(self._news), replies=tuple(self._replies)
        )
        self._news.clear()
        self._replies.clear()
        while True:
            try:
                text = self.ask(question)
            except EOFError:
                raise GameStoppedError(
                    f"no move for decision {number}: the input ended. Give a move for every "
                    "decision, or end with `rest` to let the model take the remaining ones"
                ) from None
            try:
                kind, move, answer = self._move(text, view)
                if kind is MoveKind.HELP:
                    help_text = ASK_HELP if isinstance(view, DemandView) else HELP
                    question = replace(question, feedback=help_text, news=(), replies=())
                    continue
                if kind is MoveKind.QUIT:
                    raise GameQuitError(f"game stopped at decision {number}")
                if kind is MoveKind.REST:
                    self.resting = True
                    return self._record(Decision(number, view, venue, "rest", model, model, True))
            except MoveError as problem:
                question = replace(question, feedback=str(problem), news=(), replies=())
                continue
            by_model = kind is MoveKind.MODEL
            return self._record(Decision(number, view, venue, move, answer, model, by_model))

    def _record(self, decision: Decision) -> Choice:
        self.decisions.append(decision)
        return decision.answer

    def pending_replies(self) -> tuple[str, ...]:
        """What came of the player's last moves after its last decision (shown at the end)."""
        return tuple(self._replies)


@dataclass(frozen=True)
class Game:
    """A scenario, the actor played and the run: what the player knows before the first move."""

    scenario: Scenario
    arrays: ScenarioArrays
    rules: OutcomeRules
    actor: int
    seed: int
    run_index: int
    parameters: RunParameters
    """This run's sampled parameters (the played actor's ideal positions and saliences)."""

    @property
    def actor_id(self) -> str:
        """Id of the played actor."""
        return self.arrays.actor_ids[self.actor]

    @property
    def options(self) -> tuple[int, ...]:
        """Indices of the played actor's escalation options."""
        return tuple(o for o, a in enumerate(self.arrays.option_actor.tolist()) if a == self.actor)


@dataclass(frozen=True)
class PlayResult(AgainstModel):
    """How the game ended, and how the player's decisions compare with the model's."""

    game: Game
    record: RunRecord
    decisions: tuple[Decision, ...]
    replies: tuple[str, ...] = ()
    """What came of the player's last moves after its last decision."""


def new_game(scenario: Scenario, actor_id: str, seed: int = 0, run_index: int = 0) -> Game:
    """Set up a game of run *run_index* of ``simulate(scenario, seed=seed)`` as *actor_id*."""
    if run_index < 0:
        raise SimulationError(f"run index must be non-negative (got {run_index})")
    if seed < 0:
        raise SimulationError(f"seed must be non-negative (got {seed})")
    arrays = compile_scenario(scenario)
    matches = [a for a in arrays.actor_ids if a.lower() == actor_id.strip().lower()]
    if not matches:
        raise SimulationError(f"{scenario.id}: {unknown('actor', actor_id, arrays.actor_ids)}")
    actor_id = matches[0]  # ids are lower-case slugs, so `--as Alpha` means alpha
    arrays = run_arrays(arrays, seed, run_index)
    parameters = sample_parameters(arrays, run_generator(seed, run_index))
    actor = arrays.actor_ids.index(actor_id)
    return Game(scenario, arrays, outcome_rules(scenario), actor, seed, run_index, parameters)


def play_game(game: Game, ask: Ask) -> PlayResult:
    """Play *game*: ask the player each of its actor's decisions, the model all the others."""
    a = game.arrays
    policy = PlayerPolicy(game.actor, ask, a)
    rng = run_generator(game.seed, game.run_index)
    params = sample_parameters(a, rng)
    record = run_once(a, params, rng, game.run_index, policy)
    return PlayResult(
        game,
        record,
        tuple(policy.decisions),
        policy.pending_replies(),
        **vars(against_model(record, a, game.seed, game.run_index, game.rules)),
    )


def play(scenario: Scenario, actor_id: str, seed: int, run_index: int, ask: Ask) -> PlayResult:
    """Play run *run_index* of ``simulate(scenario, seed=seed)`` as *actor_id*, moves from *ask*."""
    return play_game(new_game(scenario, actor_id, seed, run_index), ask)

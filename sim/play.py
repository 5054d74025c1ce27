"""A student plays one actor against the model (``negsim play``).

The run is the one :func:`sim.simulate` draws for a seed and run index; every decision of the
played actor (answering a proposal, moving on the escalation ladder) is asked of the player
through an :data:`Ask` callback, and every other actor follows the model. Taking the model's move
at every decision reproduces the model's run exactly.

Moves are short lines of text (see :data:`HELP`); a move that does not fit the decision is
re-asked with the reason, never taken. When the moves run out (the callback raises
``EOFError``) the game stops with :class:`GameStoppedError`; the move ``rest`` hands the remaining
decisions to the model instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from sim.engine import run_once
from sim.errors import NegsimError, SimulationError
from sim.montecarlo import run_generator, simulate_run
from sim.outcomes import OutcomeRules, classify, outcome_rules
from sim.policy import EscalationChoice, EscalationView, ProposalView
from sim.record import RunRecord
from sim.sampling import RunParameters, ScenarioArrays, compile_scenario, sample_parameters
from sim.scenario import Scenario

HELP = """\
Answering a proposal (someone asks you to move on an issue):
  accept          move where you are asked (a)
  refuse          stay where you are (r)
  counter X       move to X on the 0–100 scale instead, inside your red line (c X, or just X)
  concede F       move the fraction F of the way toward the proposal: 0.5 or 50% (f F)
Moving on the escalation ladder (after each meeting, if your actor can escalate):
  escalate        climb one rung (e)
  hold            stay on this rung
  de-escalate     step down one rung (d)
At any decision:
  model           take the model's move (m)
  rest            let the model take this and every remaining decision
  help            this list (?)
  quit            stop the game (q)"""
"""The move grammar, shown by ``help``."""

_EPS = 1e-9
Answer = float | EscalationChoice
"""What the engine is told: a new position for a proposal, a ladder move for escalation."""
View = ProposalView | EscalationView


class MoveKind(StrEnum):
    """The moves a player can type."""

    ACCEPT = "accept"
    REFUSE = "refuse"
    COUNTER = "counter"
    CONCEDE = "concede"
    ESCALATE = "escalate"
    HOLD = "hold"
    DE_ESCALATE = "de-escalate"
    MODEL = "model"
    REST = "rest"
    HELP = "help"
    QUIT = "quit"


_ALIASES = {
    "a": MoveKind.ACCEPT,
    "r": MoveKind.REFUSE,
    "c": MoveKind.COUNTER,
    "f": MoveKind.CONCEDE,
    "e": MoveKind.ESCALATE,
    "climb": MoveKind.ESCALATE,
    "stay": MoveKind.HOLD,
    "d": MoveKind.DE_ESCALATE,
    "descend": MoveKind.DE_ESCALATE,
    "deescalate": MoveKind.DE_ESCALATE,
    "m": MoveKind.MODEL,
    "?": MoveKind.HELP,
    "q": MoveKind.QUIT,
    "exit": MoveKind.QUIT,
} | {kind.value: kind for kind in MoveKind}
_PROPOSAL_MOVES = (MoveKind.ACCEPT, MoveKind.REFUSE, MoveKind.COUNTER, MoveKind.CONCEDE)
_LADDER_MOVES = (MoveKind.ESCALATE, MoveKind.HOLD, MoveKind.DE_ESCALATE)
_CHOICE = {
    MoveKind.ESCALATE: EscalationChoice.CLIMB,
    MoveKind.HOLD: EscalationChoice.HOLD,
    MoveKind.DE_ESCALATE: EscalationChoice.DESCEND,
}


class MoveError(ValueError):
    """A move that cannot be taken at this decision; the message says why and what fits."""


class GameStoppedError(NegsimError):
    """The game stopped before the run ended: the moves ran out, or the player quit."""


class GameQuitError(GameStoppedError):
    """The player typed ``quit``.

    Why a subclass rather than a flag: SimPy re-raises a failed process's exception as a new
    instance built from its type and arguments, so only those survive the event loop.
    """


@dataclass(frozen=True)
class Move:
    """A parsed move: its kind and, for ``counter`` and ``concede``, its number."""

    kind: MoveKind
    value: float | None = None

    def __str__(self) -> str:
        return self.kind.value if self.value is None else f"{self.kind.value} {self.value:g}"


def parse_move(text: str) -> Move:
    """Read one move typed by the player; raise :class:`MoveError` saying what is wrong."""
    words = text.strip().lower().split()
    if not words:
        raise MoveError("type a move (accept, refuse, counter X, concede F, …) or help")
    head, args = words[0], words[1:]
    if re.fullmatch(r"[-+]?\d+(\.\d*)?|[-+]?\.\d+", head) and not args:
        head, args = "counter", words
    kind = _ALIASES.get(head)
    if kind is None:
        raise MoveError(f"unknown move {head!r}; type help for the list of moves")
    if kind not in (MoveKind.COUNTER, MoveKind.CONCEDE):
        if args:
            raise MoveError(f"{kind.value} takes no number (got {' '.join(args)!r})")
        return Move(kind)
    if len(args) != 1:
        example = "counter 42.5" if kind is MoveKind.COUNTER else "concede 0.5 (or 50%)"
        raise MoveError(f"{kind.value} needs one number, e.g. {example}")
    raw = args[0]
    percent = kind is MoveKind.CONCEDE and raw.endswith("%")
    try:
        value = float(raw[:-1] if percent else raw)
    except ValueError:
        raise MoveError(f"{kind.value}: {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise MoveError(f"{kind.value}: {raw!r} is not a finite number")
    return Move(kind, value / 100.0 if percent else value)


def accept_position(view: ProposalView) -> float:
    """Where accepting takes the target: the proposal, stopped at the target's red line."""
    return min(max(view.proposed, view.red_low), view.red_high)


def answer_for(move: Move, view: View) -> Answer:
    """The engine's answer for *move* at *view*, or :class:`MoveError` when it does not fit.

    ``accept`` and ``model`` return the proposal itself, which the engine stops at the red line
    as it does for the model; a number the player types (``counter``, ``concede``) that would
    cross the red line is refused with the furthest move allowed.
    """
    if move.kind is MoveKind.MODEL:
        return view.proposed if isinstance(view, ProposalView) else view.model_choice
    if isinstance(view, EscalationView):
        if move.kind not in _LADDER_MOVES:
            raise MoveError(
                f"{move.kind.value} answers a proposal; this is an escalation decision: "
                "escalate, hold or de-escalate"
            )
        if move.kind is MoveKind.DE_ESCALATE and view.level == 0:
            raise MoveError("you are on the lowest rung already: escalate or hold")
        return _CHOICE[move.kind]
    if move.kind not in _PROPOSAL_MOVES:
        raise MoveError(
            f"{move.kind.value} is an escalation move; this is a proposal: "
            "accept, refuse, counter X or concede F"
        )
    if move.kind is MoveKind.ACCEPT:
        return view.proposed
    if move.kind is MoveKind.REFUSE:
        return view.start
    value = float(move.value or 0.0)
    if move.kind is MoveKind.COUNTER:
        if not 0.0 <= value <= 100.0:
            raise MoveError(f"counter {value:g} is off the issue's 0–100 scale")
        end = value
    else:
        if not 0.0 <= value <= 1.0:
            raise MoveError(f"concede takes a fraction from 0 to 1 (or 0% to 100%), not {value:g}")
        end = view.start + value * (view.proposed - view.start)
    if not view.red_low - _EPS <= end <= view.red_high + _EPS:
        bound = view.red_low if end < view.red_low else view.red_high
        most = (bound - view.start) / (view.proposed - view.start)
        instead = f"counter {bound:g}" + ("" if most < 0 else f" or concede {most:.2f}")
        raise MoveError(
            f"{move} would take you to {end:.1f}, across your red line "
            f"({view.red_low:g}–{view.red_high:g}): go no further than {bound:g} ({instead})"
        )
    return end


@dataclass(frozen=True)
class Question:
    """A decision put to the player: what it is about, where, and any feedback."""

    number: int
    """1-based count of the player's decisions."""
    view: View
    venue: int
    """The venue meeting or just met (escalation follows each meeting)."""
    feedback: str = ""
    """Why the previous answer was not taken, or the help text; "" when first asked."""
    news: tuple[EscalationView, ...] = ()
    """The other actors' moves on the ladder since the player's previous decision (each view
    with the move the model drew, which they took)."""


Ask = Callable[[Question], str]
"""Returns the player's move as text; raises ``EOFError`` when there are no more moves."""


@dataclass(frozen=True)
class Decision:
    """One decision of the player: the question, the move taken and what the model would do."""

    number: int
    view: View
    venue: int
    move: str
    """The move as typed, normalised (``model`` and ``rest`` stay as typed)."""
    answer: Answer
    model_answer: Answer
    by_model: bool
    """True when the player handed this decision to the model (``model`` or ``rest``)."""

    @property
    def same(self) -> bool:
        """True when the player's move has the same effect as the model's."""
        if isinstance(self.view, ProposalView):
            lo, hi = self.view.red_low, self.view.red_high
            mine = min(max(float(self.answer), lo), hi)
            model = min(max(float(self.model_answer), lo), hi)
            return abs(mine - model) <= _EPS
        return self.answer == self.model_answer


def model_move(view: View) -> str:
    """The model's move at *view*, as a player would type it."""
    if isinstance(view, ProposalView):
        return MoveKind.ACCEPT.value
    return {v: k for k, v in _CHOICE.items()}[view.model_choice].value


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
        self._weighed = 0
        """Escalation questions so far: the engine asks every option once after each meeting."""

    def respond(self, view: ProposalView) -> float:
        """The player's new position when targeted, else the model's (accept the proposal)."""
        if view.target != self.actor:
            return view.proposed
        return float(self._decide(view, view.venue))

    def escalate(self, view: EscalationView) -> EscalationChoice:
        """The player's ladder move for the played actor, else the one the model drew."""
        a = self._arrays
        venue = self._weighed // len(a.option_actor)
        self._weighed += 1
        if view.actor != self.actor:
            if view.model_choice is not EscalationChoice.HOLD:
                self._news.append(view)
            return view.model_choice
        choice = self._decide(view, venue)
        assert isinstance(choice, EscalationChoice)
        return choice

    def _decide(self, view: View, venue: int) -> Answer:
        number = len(self.decisions) + 1
        model = view.proposed if isinstance(view, ProposalView) else view.model_choice
        if self.resting:
            return self._record(Decision(number, view, venue, "rest", model, model, True))
        question = Question(number, view, venue, news=tuple(self._news))
        self._news.clear()
        while True:
            try:
                text = self.ask(question)
            except EOFError:
                raise GameStoppedError(
                    f"no move for decision {number}: the input ended. Give a move for every "
                    "decision, or end with `rest` to let the model take the remaining ones"
                ) from None
            try:
                move = parse_move(text)
                if move.kind is MoveKind.HELP:
                    question = replace(question, feedback=HELP, news=())
                    continue
                if move.kind is MoveKind.QUIT:
                    raise GameQuitError(f"game stopped at decision {number}")
                if move.kind is MoveKind.REST:
                    self.resting = True
                    return self._record(Decision(number, view, venue, "rest", model, model, True))
                answer = answer_for(move, view)
            except MoveError as problem:
                question = replace(question, feedback=str(problem), news=())
                continue
            by_model = move.kind is MoveKind.MODEL
            return self._record(Decision(number, view, venue, str(move), answer, model, by_model))

    def _record(self, decision: Decision) -> Answer:
        self.decisions.append(decision)
        return decision.answer


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
class PlayResult:
    """How the game ended, and how the player's decisions compare with the model's."""

    game: Game
    record: RunRecord
    outcomes: tuple[str, ...]
    """Ids of the outcomes the run reached, in scenario order."""
    primary: str
    decisions: tuple[Decision, ...]
    model_record: RunRecord
    """The same run with the model taking every decision."""
    model_outcomes: tuple[str, ...]
    model_primary: str


def new_game(scenario: Scenario, actor_id: str, seed: int = 0, run_index: int = 0) -> Game:
    """Set up a game of run *run_index* of ``simulate(scenario, seed=seed)`` as *actor_id*."""
    if run_index < 0:
        raise SimulationError(f"run index must be non-negative (got {run_index})")
    if seed < 0:
        raise SimulationError(f"seed must be non-negative (got {seed})")
    arrays = compile_scenario(scenario)
    if actor_id not in arrays.actor_ids:
        raise SimulationError(
            f"unknown actor {actor_id!r}; {scenario.id} has: {', '.join(arrays.actor_ids)}"
        )
    parameters = sample_parameters(arrays, run_generator(seed, run_index))
    actor = arrays.actor_ids.index(actor_id)
    return Game(scenario, arrays, outcome_rules(scenario), actor, seed, run_index, parameters)


def _classified(game: Game, record: RunRecord) -> tuple[tuple[str, ...], str]:
    flags, primary = classify(record, game.rules)
    reached = tuple(o for o, f in zip(game.rules.outcome_ids, flags, strict=True) if f)
    return reached, game.rules.primary_ids[primary]


def play_game(game: Game, ask: Ask) -> PlayResult:
    """Play *game*: ask the player each of its actor's decisions, the model all the others."""
    a = game.arrays
    policy = PlayerPolicy(game.actor, ask, a)
    rng = run_generator(game.seed, game.run_index)
    params = sample_parameters(a, rng)
    record = run_once(a, params, rng, game.run_index, policy)
    _, model_record = simulate_run(a, game.seed, game.run_index)
    outcomes, primary = _classified(game, record)
    model_outcomes, model_primary = _classified(game, model_record)
    return PlayResult(
        game,
        record,
        outcomes,
        primary,
        tuple(policy.decisions),
        model_record,
        model_outcomes,
        model_primary,
    )


def play(scenario: Scenario, actor_id: str, seed: int, run_index: int, ask: Ask) -> PlayResult:
    """Play run *run_index* of ``simulate(scenario, seed=seed)`` as *actor_id*, moves from *ask*."""
    return play_game(new_game(scenario, actor_id, seed, run_index), ask)


def answer_text(view: View, answer: Answer, rungs: tuple[str, ...]) -> str:
    """What an answer does, in words: where the actor ends up, or where the ladder goes."""
    if isinstance(view, EscalationView):
        if answer is EscalationChoice.HOLD:
            return f"hold on {rungs[view.level]}" if rungs else "hold"
        step = 1 if answer is EscalationChoice.CLIMB else -1
        verb = "escalate" if step > 0 else "de-escalate"
        level = max(0, min(view.level + step, len(rungs) - 1))
        return f"{verb} to {rungs[level]}" if rungs else verb
    end = min(max(float(answer), view.red_low), view.red_high)
    stopped = " (red line)" if abs(end - float(answer)) > _EPS else ""
    if abs(end - view.start) <= _EPS:
        return f"stay at {end:.1f}{stopped}" if stopped else f"refuse: stay at {end:.1f}"
    if abs(end - accept_position(view)) <= _EPS:
        return f"accept → {end:.1f}{stopped}"
    share = (end - view.start) / (view.proposed - view.start)
    if share < 0.0:
        return f"harden → {end:.1f}"
    if share > 1.0:
        return f"go further → {end:.1f}"
    return f"concede → {end:.1f} ({100 * share:.0f} %){stopped}"

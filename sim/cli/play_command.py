"""``negsim play``: a student takes one actor's decisions in a run; the model plays the others."""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich import box
from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from sim.analysis.stamp import Stamp
from sim.analysis.story import EntryKind, timeline
from sim.classroom.asks import asks_text
from sim.classroom.moves import answer_text
from sim.classroom.play import (
    Ask,
    Decision,
    Game,
    GameQuitError,
    PlayResult,
    Question,
    new_game,
    play_game,
)
from sim.classroom.score import settlement_utilities
from sim.cli.common import Json, ScenarioFile, Seed, console, print_stamped, user_errors_exit_2
from sim.cli.play_screens import date_of, print_question, red_line_text, rung_text, say
from sim.engine.policy import DemandView, ProposalView
from sim.errors import NegsimError
from sim.files import STDIO, Format, atomic_write, plan_output
from sim.inputs import InputFileError, read_input, read_stream
from sim.scenario.loader import load_scenario
from sim.vocabulary import FORM_NAMES, printable

PROMPT = "move> "
MOVES = (
    "Moves: ask TARGET ISSUE X (your proposals; several joined by ;) · none · accept · refuse · "
    "counter X · concede F · escalate · hold · de-escalate · model (the model's move) · "
    "rest (the model plays on) · help · quit"
)


def _briefing(out: Console, game: Game) -> None:
    """What the player knows before the first move: its draw, red lines and ladder option."""
    s, a, p, me = game.scenario, game.arrays, game.parameters, game.actor
    actor = s.actors[me]
    title = (
        f"negsim play · {s.id}: {s.scenario.title} · run {game.run_index}, seed {game.seed}\n"
        f"You play {actor.name} ({actor.id}); the model plays "
        f"{', '.join(i for i in a.actor_ids if i != actor.id)}."
    )
    out.print(Text(title, style="bold"))
    table = Table(box=box.SIMPLE_HEAD, title="Your stances in this run", title_justify="left")
    table.add_column("issue")
    table.add_column("your ideal", justify="right")
    table.add_column("salience", justify="right")
    table.add_column("red line")
    table.add_column("status quo", justify="right")
    for k, issue in enumerate(s.issues):
        table.add_row(
            issue.id,
            f"{p.position[me, k]:.1f}",
            f"{p.salience[me, k]:.2f}",
            red_line_text(game, k),
            f"{a.status_quo[k]:g}",
        )
    out.print(table)
    if s.escalation:
        ladder = " → ".join(r.id for r in s.escalation.ladder)
        out.print(
            f"Escalation ladder: {ladder} (the top rung ends the run); the crisis starts on "
            f"{rung_text(game, a.start_level)}."
        )
    for o in game.options:
        opponents = ", ".join(np.array(a.actor_ids)[a.option_opponents[o]].tolist())
        out.print(
            f"You can climb it against {opponents}: you believe you would prevail by force with "
            f"probability {p.prevail[o]:.2f} (they think {a.option_prevail[o]:g})."
        )
    out.print(Text(MOVES, style="dim"))


def _lines(handle: Iterable[str]) -> Iterator[str]:
    """The moves in a file: one per line; blank lines and ``#`` comments skipped."""
    for line in handle:
        move = line.split("#", 1)[0].strip()
        if move:
            yield move


def _asker(out: Console, game: Game, moves: Iterator[str] | None) -> Ask:
    """Show each question, then read a move: from *moves* (echoed) or typed at the terminal."""

    def ask(question: Question) -> str:
        print_question(out, game, question)
        if moves is None:
            out.file.flush()
            try:
                if out.stderr:  # standard output carries the JSON
                    out.file.write(PROMPT)
                    out.file.flush()
                    return input()
                return input(PROMPT)
            except KeyboardInterrupt:
                out.print()
                return "quit"
            except EOFError:
                out.print()
                raise
        move = next(moves, None)
        if move is None:
            raise EOFError
        out.print(Text(PROMPT + move, style="bold"))
        return move

    return ask


def _decision_row(game: Game, d: Decision) -> tuple[str | Text, ...]:
    a, view = game.arrays, d.view
    if isinstance(view, DemandView):
        mine = "= model" if d.by_model else asks_text(d.answer, a)  # type: ignore[arg-type]
        if d.move == "rest":
            mine = "= model (rest)"
        return (
            str(d.number),
            str(date_of(game.scenario, view.day)),
            Text(f"your proposals, {a.venue_ids[view.venue]} round {view.round}"),
            Text(mine, style="dim" if d.by_model else ""),
            Text(asks_text(view.model, a, 1)),
            "" if d.same else "≠",
        )
    if isinstance(view, ProposalView):
        what = (
            f"{a.issue_ids[view.issue]} {view.start:.1f}→{view.proposed:.1f} "
            f"({a.actor_ids[view.proposer]})"
        )
    else:
        what = f"ladder, on {a.rung_ids[view.level]}"
    mine = answer_text(view, d.answer, a.rung_ids)  # type: ignore[arg-type]
    if d.by_model:
        mine = "= model" + (" (rest)" if d.move == "rest" else "")
    return (
        str(d.number),
        str(date_of(game.scenario, view.day)),
        Text(what),
        Text(mine, style="dim" if d.by_model else ""),
        Text(answer_text(view, d.model_answer, a.rung_ids)),  # type: ignore[arg-type]
        "" if d.same else "≠",
    )


def _ending(out: Console, result: PlayResult) -> None:
    game, record = result.game, result.record
    s, a = game.scenario, game.arrays
    labels = {o.id: o.label for o in s.outcomes} | {p.id: p.label for p in s.primary}
    out.print()
    for line in result.replies:
        say(out, f"reply: {line}", style="green")
    out.print(Rule("The end", align="left", style="dim"))
    events = [e for e in timeline(s, a, record) if e.kind is not EntryKind.PROPOSAL]
    if events:
        out.print(Text("What happened:", style="bold"))
    for entry in events:
        say(out, f"{entry.date} {entry.text}", 2)
    reached = ", ".join(f"{o} ({labels[o]})" for o in result.outcomes) or "none"
    agreements = [
        f"{a.issue_ids[g.issue]} at {g.position:.1f} ({FORM_NAMES[g.form]})"
        for g in record.agreements
        if g is not None
    ]
    out.print(f"outcomes reached: {reached}")
    out.print(Text(f"primary class: {result.primary} ({labels[result.primary]})", style="bold"))
    if a.rung_ids:
        out.print(
            f"escalation: peak {rung_text(game, record.peak_level)}, "
            f"ended on {rung_text(game, record.final_level)}"
        )
    out.print(f"agreements in force: {'; '.join(agreements) or 'none'}")
    table = Table(
        box=box.SIMPLE_HEAD, title="Your decisions against the model's", title_justify="left"
    )
    table.add_column("#", justify="right")
    table.add_column("date", no_wrap=True)
    for column in ("proposal or ladder", "you", "model", ""):
        table.add_column(column)
    for d in result.decisions:
        table.add_row(*_decision_row(game, d), style=None if d.same else "yellow")
    if result.decisions:
        out.print(table)
    else:
        out.print(
            f"{game.actor_id} was never asked: no proposal targeted it and it cannot escalate."
        )
    differ = sum(not d.same for d in result.decisions)
    model = result.model_record
    line = (
        f"You differed from the model at {differ} of {len(result.decisions)} decisions. "
        f"With the model playing {game.actor_id} this run ends in {result.model_primary} "
        f"({labels[result.model_primary]})"
    )
    if a.rung_ids:
        line += f", escalation peak {rung_text(game, model.peak_level)}"
    out.print(line + ".")
    mine, theirs = _scores(result)
    out.print(
        Text(
            f"Your score: the settlement is worth {mine:.3f} to {game.actor_id}; with the model "
            f"playing it, {theirs:.3f} ({mine - theirs:+.3f}). Utility 1 is every issue at your "
            "ideal; agreements count, elsewhere the status quo.",
            style="bold",
        )
    )


def _scores(result: PlayResult) -> tuple[float, float]:
    """What the settlement is worth to the player's actor: as played, and as the model plays."""
    game = result.game
    a, p = game.arrays, game.parameters
    mine = settlement_utilities(result.record, a, p)[game.actor]
    return float(mine), float(settlement_utilities(result.model_record, a, p)[game.actor])


def play_payload(result: PlayResult) -> dict[str, Any]:
    """The game as plain data for ``--json``: each decision beside the model's, the ends, scores."""
    game, record = result.game, result.record
    a = game.arrays
    decisions = []
    for d in result.decisions:
        number, date, what, mine, model, _ = (str(cell) for cell in _decision_row(game, d))
        decisions.append(
            {"number": int(number), "date": date, "decision": what, "move": d.move, "you": mine,
             "model": model, "same": d.same, "by_model": d.by_model}
        )  # fmt: skip
    rungs = a.rung_ids
    score, model_score = _scores(result)
    return {
        "actor": game.actor_id,
        "run": game.run_index,
        "decisions": decisions,
        "outcomes": list(result.outcomes),
        "primary": result.primary,
        "escalation": {"peak": rungs[record.peak_level], "final": rungs[record.final_level]}
        if rungs
        else None,
        "agreements": [
            {"issue": a.issue_ids[g.issue], "position": g.position, "form": FORM_NAMES[g.form]}
            for g in record.agreements
            if g is not None
        ],
        "model": {"outcomes": list(result.model_outcomes), "primary": result.model_primary},
        "score": {"you": score, "model": model_score},
    }


def _write_record(path: Path, result: PlayResult, force: bool) -> Path:
    """The game's moves as a moves file: ``--moves`` replays it to the same end."""
    game = result.game
    lines = [
        f"# negsim play {game.scenario.id} --as {game.actor_id} --seed {game.seed} "
        f"--run {game.run_index}: {len(result.decisions)} decisions"
    ]
    for d in result.decisions:
        if d.move == "rest" and d.by_model and lines[-1].startswith("rest"):
            break
        kind = type(d.view).__name__.removesuffix("View").lower()
        lines.append(f"{d.move:<40} # {d.number}: {kind}")
    return atomic_write(path, "\n".join(lines) + "\n", overwrite=force)


MAX_MOVES_BYTES = 1 << 20
"""A moves file (or standard input) holds at most 1 MiB."""


def _read_moves(path: Path | None) -> Iterator[str]:
    """The moves of a file, or of standard input when *path* is ``-`` or None."""
    try:
        if path is None or str(path) == STDIO:
            data = read_stream(sys.stdin.buffer, "standard input", MAX_MOVES_BYTES)
        else:
            data = read_input(path, MAX_MOVES_BYTES)
        text = data.decode("utf-8")
    except InputFileError as error:
        raise NegsimError(f"{error.path} (the moves file): {error.reason}") from None
    except UnicodeDecodeError:
        raise NegsimError(f"{path or 'standard input'}: the moves are not UTF-8 text") from None
    return _lines(printable(line) for line in text.splitlines())


def play(
    scenario: ScenarioFile,
    actor: Annotated[
        str,
        typer.Option(
            "--as", metavar="ACTOR", help="Id of the actor you play (any case: Alpha is alpha)."
        ),
    ],
    seed: Seed = 0,
    run: Annotated[
        int, typer.Option(min=0, metavar="K", help="Run index to play (0-based, as in run).")
    ] = 0,
    moves: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE|-",
            help="Read moves from this file, one per line (# comments; at most 1 MiB), or - for "
            "stdin; default: type them at the prompt.",
        ),
    ] = None,
    record: Annotated[
        Path | None,
        typer.Option(help="Save the game's moves to this file, for --moves to replay."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace the --record file if it exists.")] = False,
    json: Json = False,
) -> None:
    """Play one actor against the model: its proposals, answers and escalation decisions."""
    with user_errors_exit_2():
        game = new_game(load_scenario(scenario), actor, seed, run)
        if record is not None:  # checked before the game, written after it
            kind = Format("moves", (record.suffix.lower(),))
            plan_output(record, option="--record", kind=kind, default=record, force=force)
        source = _read_moves(moves) if moves is not None else None
        if source is None and not sys.stdin.isatty():
            source = _read_moves(None)
        elif source is None:
            with contextlib.suppress(ImportError):
                importlib.import_module("readline")  # line editing and history at the prompt
        out = console(stderr=json)
        _briefing(out, game)
        try:
            result = play_game(game, _asker(out, game, source))
        except GameQuitError as stopped:
            out.print(f"{stopped}; no result.")
            raise typer.Exit(code=1) from None
        _ending(out, result)
        if record is not None:
            out.print(f"moves saved: {_write_record(record, result, force)}")
        if json:
            stamp = Stamp.of((game.scenario,), game.seed, None)
            print_stamped("play", stamp, game=play_payload(result))

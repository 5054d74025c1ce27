"""``negsim play``: a student takes one actor's decisions in a run; the model plays the others."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import math
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from sim.analysis.story import KIND_WHY, EntryKind, timeline, waypoint_label
from sim.classroom.moves import HELP, accept_position, answer_text
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
from sim.cli.common import ScenarioFile, Seed, console, user_errors_exit_2
from sim.engine.policy import EscalationView, ProposalView
from sim.errors import NegsimError
from sim.files import STDIO, InputFileError, read_input, read_stream
from sim.scenario.format import Issue, Scenario
from sim.scenario.loader import load_scenario
from sim.vocabulary import FORM_NAMES, printable

PIPE_WIDTH = 120
"""Width of the output when stdout is not a terminal, so transcripts are stable."""
PROMPT = "move> "
MOVES = (
    "Moves: accept · refuse · counter X · concede F · escalate · hold · de-escalate · "
    "model (the model's move) · rest (the model plays on) · help · quit"
)


def _date(scenario: Scenario, day: float) -> dt.date:
    return scenario.scenario.as_of + dt.timedelta(days=math.floor(day))


def _venue_text(game: Game, venue: int) -> str:
    venue_id = game.arrays.venue_ids[venue]
    spec = next(v for v in game.scenario.venues if v.id == venue_id)
    return f"{spec.name}, {spec.place} · {spec.form.value} · {spec.rounds} rounds"


def _rung(game: Game, level: int) -> str:
    ladder = game.scenario.escalation.ladder if game.scenario.escalation else ()
    return f"{ladder[level].id} (“{ladder[level].label}”)"


def _scale(issue: Issue) -> str:
    points = [(0.0, issue.low), *((w.at, w.label) for w in issue.waypoints), (100.0, issue.high)]
    return " · ".join(f"{at:g} {label}" for at, label in points)


def _red_line(game: Game, issue: int) -> str:
    a = game.arrays
    low, high = a.red_low[game.actor, issue], a.red_high[game.actor, issue]
    text = "none (0–100)" if (low, high) == (0.0, 100.0) else f"{low:g}–{high:g}"
    form = int(a.red_form[game.actor, issue])
    return text + (f", counted only in {FORM_NAMES[form]} form or stronger" if form >= 0 else "")


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
            _red_line(game, k),
            f"{a.status_quo[k]:g}",
        )
    out.print(table)
    if s.escalation:
        ladder = " → ".join(r.id for r in s.escalation.ladder)
        out.print(
            f"Escalation ladder: {ladder} (the top rung ends the run); the crisis starts on "
            f"{_rung(game, a.start_level)}."
        )
    for o in game.options:
        opponents = ", ".join(np.array(a.actor_ids)[a.option_opponents[o]].tolist())
        out.print(
            f"You can climb it against {opponents}: you believe you would prevail by force with "
            f"probability {p.prevail[o]:.2f} (they think {a.option_prevail[o]:g})."
        )
    out.print(Text(MOVES, style="dim"))


def _say(out: Console, text: str | Text, indent: int = 0, style: str = "") -> None:
    """Print a line; on a terminal its wrapped lines keep the indent, in a pipe it never wraps."""
    line = text if isinstance(text, Text) else Text(text, style=style)
    if out.is_terminal and indent:
        out.print(Padding(line, (0, 0, 0, indent)))
    else:
        out.print(Text(" " * indent) + line)


def _proposal(out: Console, game: Game, view: ProposalView) -> None:
    s, a, p = game.scenario, game.arrays, game.parameters
    issue, me, k = s.issues[view.issue], game.actor, view.issue
    _say(out, f"{issue.id}: {issue.name}", style="bold")
    _say(out, f"scale: {_scale(issue)}", 2, "dim")
    seats = []
    for actor, position in view.table:
        role = " (you)" if actor == me else " (asks)" if actor == view.proposer else ""
        seats.append(f"{a.actor_ids[actor]}{role} {position:.1f}")
    _say(out, f"on the table: {' · '.join(seats)}", 2)
    _say(
        out,
        f"{a.actor_ids[view.proposer]} asks you to move from {view.start:.1f} to "
        f"{view.proposed:.1f} (“{waypoint_label(issue, view.proposed)}”; {view.kind})",
        2,
        "bold cyan",
    )
    _say(
        out,
        f"you: ideal {p.position[me, k]:.1f}, salience {p.salience[me, k]:.2f}, "
        f"red line {_red_line(game, k)}",
        2,
    )
    accept, why = accept_position(view), KIND_WHY.get(view.kind, view.kind)
    if abs(accept - view.start) <= 1e-9:
        _say(
            out,
            f"your red line holds you at {accept:.1f}: accepting moves you nowhere",
            2,
            "yellow",
        )
        model = f"would yield, as {why}, but its red line holds it at {accept:.1f}"
    elif abs(accept - view.proposed) > 1e-9:
        _say(out, f"your red line stops an acceptance at {accept:.1f}", 2, "yellow")
        model = f"accepts, stopping at the red line ({accept:.1f}), as {why}"
    else:
        model = f"accepts, moving to {accept:.1f}, as {why}"
    _say(
        out,
        f"the model {model}; your expected utility of resisting {view.resist_utility:+.3f}",
        2,
    )


def _escalation(out: Console, game: Game, view: EscalationView) -> None:
    a, top = game.arrays, len(game.arrays.rung_ids) - 1
    _say(out, f"Escalation: you stand on {_rung(game, view.level)}", style="bold")
    rows: list[tuple[str, str, float, float]] = []
    stays = 1.0 - view.p_up
    if view.level < top:
        march = view.level + 1 == top or view.war > view.talks
        what = "the march to war" if march else "a costly signal"
        end = "; the run ends there" if view.level + 1 == top else ""
        meaning = f"to {a.rung_ids[view.level + 1]}: {what}{end}"
        rows.append(("escalate", meaning, view.climb, view.p_up))
    rows.append(("hold", "stay on this rung", view.stay, stays * (1.0 - view.p_down)))
    if view.level > 0:
        meaning = f"to {a.rung_ids[view.level - 1]}: back toward peace"
        rows.append(("de-escalate", meaning, view.descend, stays * view.p_down))
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1))
    table.add_column("move")
    table.add_column("what it means")
    table.add_column("worth to you", justify="right")
    table.add_column("model's probability", justify="right")
    for move, meaning, worth, probability in rows:
        table.add_row(move, meaning, f"{worth:+.3f}", f"{probability:.2f}")
    out.print(Padding(table, (0, 0, 0, 2)))
    _say(
        out,
        f"talks are worth {view.talks:+.3f} to you after your opponents moved "
        f"{100 * view.concession:.0f} % of the way to your ideal; war would be worth "
        f"{view.war:+.3f}",
        2,
    )
    _say(out, f"the model drew: {answer_text(view, view.model_choice, a.rung_ids)}", 2)


def _print_question(out: Console, game: Game, q: Question) -> None:
    view = q.view
    if q.feedback:
        _say(out, q.feedback, style="dim" if q.feedback == HELP else "yellow")
        return
    out.print()
    for news in q.news:
        move = answer_text(news, news.model_choice, game.arrays.rung_ids)
        when = _date(game.scenario, news.day)
        _say(
            out,
            f"meanwhile, on {when}: {game.arrays.actor_ids[news.actor]} chose to {move}",
            style="magenta",
        )
    when = _date(game.scenario, view.day)
    if isinstance(view, ProposalView):
        where = f"{game.arrays.venue_ids[view.venue]}, round {view.round}"
        out.print(Rule(f"Decision {q.number} · {when} · {where}", align="left", style="dim"))
        _say(out, _venue_text(game, view.venue), style="dim")
        _proposal(out, game, view)
    else:
        where = f"after {game.arrays.venue_ids[q.venue]}"
        out.print(Rule(f"Decision {q.number} · {when} · {where}", align="left", style="dim"))
        _escalation(out, game, view)


def _lines(handle: Iterable[str]) -> Iterator[str]:
    """The moves in a file: one per line; blank lines and ``#`` comments skipped."""
    for line in handle:
        move = line.split("#", 1)[0].strip()
        if move:
            yield move


def _asker(out: Console, game: Game, moves: Iterator[str] | None) -> Ask:
    """Show each question, then read a move: from *moves* (echoed) or typed at the terminal."""

    def ask(question: Question) -> str:
        _print_question(out, game, question)
        if moves is None:
            out.file.flush()
            try:
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
    if isinstance(view, ProposalView):
        what = (
            f"{a.issue_ids[view.issue]} {view.start:.1f}→{view.proposed:.1f} "
            f"({a.actor_ids[view.proposer]})"
        )
    else:
        what = f"ladder, on {a.rung_ids[view.level]}"
    mine = answer_text(view, d.answer, a.rung_ids)
    if d.by_model:
        mine = "= model" + (" (rest)" if d.move == "rest" else "")
    return (
        str(d.number),
        str(_date(game.scenario, view.day)),
        Text(what),
        Text(mine, style="dim" if d.by_model else ""),
        Text(answer_text(view, d.model_answer, a.rung_ids)),
        "" if d.same else "≠",
    )


def _ending(out: Console, result: PlayResult) -> None:
    game, record = result.game, result.record
    s, a = game.scenario, game.arrays
    labels = {o.id: o.label for o in s.outcomes} | {p.id: p.label for p in s.primary}
    out.print()
    out.print(Rule("The end", align="left", style="dim"))
    events = [e for e in timeline(s, a, record) if e.kind is not EntryKind.PROPOSAL]
    if events:
        out.print(Text("What happened:", style="bold"))
    for entry in events:
        _say(out, f"{entry.date} {entry.text}", 2)
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
            f"escalation: peak {_rung(game, record.peak_level)}, "
            f"ended on {_rung(game, record.final_level)}"
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
        line += f", escalation peak {_rung(game, model.peak_level)}"
    out.print(line + ".")


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
            "--as", metavar="ACTOR", help="Id of the actor you play (any case: Russia is russia)."
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
) -> None:
    """Play one actor against the model: answer its proposals and escalation decisions."""
    with user_errors_exit_2():
        game = new_game(load_scenario(scenario), actor, seed, run)
        source = _read_moves(moves) if moves is not None else None
        if source is None and not sys.stdin.isatty():
            source = _read_moves(None)
        elif source is None:
            with contextlib.suppress(ImportError):
                importlib.import_module("readline")  # line editing and history at the prompt
        out = console()
        if not out.is_terminal:
            out.width, out.soft_wrap = PIPE_WIDTH, True
        _briefing(out, game)
        try:
            result = play_game(game, _asker(out, game, source))
        except GameQuitError as stopped:
            out.print(f"{stopped}; no result.")
            raise typer.Exit(code=1) from None
        _ending(out, result)

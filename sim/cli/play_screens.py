"""What ``negsim play`` shows at a decision: proposals to make, a proposal to answer, the ladder."""

from __future__ import annotations

import datetime as dt
import math

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from sim.analysis.story import KIND_WHY, venue_conduct, waypoint_label
from sim.classroom.asks import ASK_HELP, asks_text
from sim.classroom.moves import HELP, accept_position, answer_text
from sim.classroom.play import Game, Question
from sim.cli.common import hang
from sim.engine.policy import DemandView, EscalationView, ProposalView
from sim.engine.venue_round import concession
from sim.scenario.format import Issue, Scenario
from sim.vocabulary import FORM_NAMES


def date_of(scenario: Scenario, day: float) -> dt.date:
    """The calendar date of simulation day *day*."""
    return scenario.scenario.as_of + dt.timedelta(days=math.floor(day))


def venue_text(game: Game, venue: int) -> str:
    """A venue in words: name, place, form and rounds (or a reply's one decision)."""
    venue_id = game.arrays.venue_ids[venue]
    spec = next(v for v in game.scenario.venues if v.id == venue_id)
    return f"{spec.name}, {spec.place} · {spec.form.value} · {venue_conduct(spec)}"


def rung_text(game: Game, level: int) -> str:
    """A rung: its id and label."""
    ladder = game.scenario.escalation.ladder if game.scenario.escalation else ()
    return f"{ladder[level].id} (“{ladder[level].label}”)"


def scale_text(issue: Issue) -> str:
    """An issue's scale: both ends and its waypoints."""
    points = [(0.0, issue.low), *((w.at, w.label) for w in issue.waypoints), (100.0, issue.high)]
    return " · ".join(f"{at:g} {label}" for at, label in points)


def red_line_text(game: Game, issue: int) -> str:
    """The played actor's red line on *issue*, in words."""
    a = game.arrays
    low, high = a.red_low[game.actor, issue], a.red_high[game.actor, issue]
    text = "none (0–100)" if (low, high) == (0.0, 100.0) else f"{low:g}–{high:g}"
    form = int(a.red_form[game.actor, issue])
    return text + (f", counted only in {FORM_NAMES[form]} form or stronger" if form >= 0 else "")


def say(out: Console, text: str | Text, indent: int = 0, style: str = "") -> None:
    """Print a line, wrapped at the console's width; its wrapped lines keep the indent."""
    hang(out, text if isinstance(text, Text) else Text(text, style=style), indent)


def _proposal(out: Console, game: Game, view: ProposalView) -> None:
    s, a, p = game.scenario, game.arrays, game.parameters
    issue, me, k = s.issues[view.issue], game.actor, view.issue
    say(out, f"{issue.id}: {issue.name}", style="bold")
    say(out, f"scale: {scale_text(issue)}", 2, "dim")
    seats = []
    for actor, position in view.table:
        role = " (you)" if actor == me else " (asks)" if actor == view.proposer else ""
        seats.append(f"{a.actor_ids[actor]}{role} {position:.1f}")
    say(out, f"on the table: {' · '.join(seats)}", 2)
    say(
        out,
        f"{a.actor_ids[view.proposer]} asks you to move from {view.start:.1f} to "
        f"{view.proposed:.1f} (“{waypoint_label(issue, view.proposed)}”; {view.kind})",
        2,
        "bold cyan",
    )
    say(
        out,
        f"you: ideal {p.position[me, k]:.1f}, salience {p.salience[me, k]:.2f}, "
        f"red line {red_line_text(game, k)}",
        2,
    )
    accept, why = accept_position(view), KIND_WHY.get(view.kind, view.kind)
    if abs(accept - view.start) <= 1e-9:
        say(
            out,
            f"your red line holds you at {accept:.1f}: accepting moves you nowhere",
            2,
            "yellow",
        )
        model = f"would yield, as {why}, but its red line holds it at {accept:.1f}"
    elif abs(accept - view.proposed) > 1e-9:
        say(out, f"your red line stops an acceptance at {accept:.1f}", 2, "yellow")
        model = f"accepts, stopping at the red line ({accept:.1f}), as {why}"
    else:
        model = f"accepts, moving to {accept:.1f}, as {why}"
    say(
        out,
        f"the model {model}; your expected utility of resisting {view.resist_utility:+.3f}",
        2,
    )


def _escalation(out: Console, game: Game, view: EscalationView) -> None:
    a, top = game.arrays, len(game.arrays.rung_ids) - 1
    say(out, f"Escalation: you stand on {rung_text(game, view.level)}", style="bold")
    rows: list[tuple[str, str, float, float]] = []
    stays = 1.0 - view.p_up
    if view.level < top and view.climb > -math.inf:  # a climb waits one decision interval
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
    out.print(Padding(table, (0, 0, 0, 2), expand=False))
    say(
        out,
        f"talks are worth {view.talks:+.3f} to you after your opponents moved "
        f"{100 * view.concession:.0f} % of the way to your ideal; war would be worth "
        f"{view.war:+.3f}",
        2,
    )
    say(out, f"the model drew: {answer_text(view, view.model_choice, a.rung_ids)}", 2)


def _demands(out: Console, game: Game, view: DemandView) -> None:
    s, a, p, me = game.scenario, game.arrays, game.parameters, game.actor
    say(out, "Your proposals: whom do you ask to move, on which issue, to where?", style="bold")
    for col, k in enumerate(view.issues):
        issue = s.issues[k]
        seats = " · ".join(
            f"{a.actor_ids[m]}{' (you)' if m == me else ''} {view.position[row, col]:.1f}"
            for row, m in enumerate(view.members)
        )
        say(out, f"{issue.id}: {issue.name} — {seats}", 2)
        say(
            out,
            f"you: ideal {p.position[me, k]:.1f}, salience {p.salience[me, k]:.2f}; "
            f"scale: {scale_text(issue)}",
            4,
            "dim",
        )
        j = view.members.index(me)
        for i, target in enumerate(view.members):
            if target == me:
                continue
            dyad = concession(
                view.position[:, col], view.capability, view.salience[:, col], view.q, i, j
            )
            if dyad.kind != "none":
                say(
                    out,
                    f"{a.actor_ids[target]} would move to {dyad.end:.1f} toward you "
                    f"({dyad.kind}); its E(U) of resisting {dyad.resist_utility:+.3f}",
                    4,
                )
    model = asks_text(view.model, a, 1)
    say(out, f"the model proposes: {model}", 2, "bold cyan")
    say(out, "move: ask TARGET ISSUE X [; ask …] · none · model", 2, "dim")


def print_question(out: Console, game: Game, q: Question) -> None:
    """Show a decision: replies and news since the last one, then what is asked."""
    view = q.view
    if q.feedback:
        say(out, q.feedback, style="dim" if q.feedback in (HELP, ASK_HELP) else "yellow")
        return
    out.print()
    for line in q.replies:
        say(out, f"reply: {line}", style="green")
    for news in q.news:
        move = answer_text(news, news.model_choice, game.arrays.rung_ids)
        when = date_of(game.scenario, news.day)
        say(
            out,
            f"meanwhile, on {when}: {game.arrays.actor_ids[news.actor]} chose to {move}",
            style="magenta",
        )
    when = date_of(game.scenario, view.day)
    if isinstance(view, DemandView):
        where = f"{game.arrays.venue_ids[view.venue]}, round {view.round}"
        out.print(Rule(f"Decision {q.number} · {when} · {where}", align="left", style="dim"))
        say(out, venue_text(game, view.venue), style="dim")
        _demands(out, game, view)
    elif isinstance(view, ProposalView):
        where = f"{game.arrays.venue_ids[view.venue]}, round {view.round}"
        out.print(Rule(f"Decision {q.number} · {when} · {where}", align="left", style="dim"))
        say(out, venue_text(game, view.venue), style="dim")
        _proposal(out, game, view)
    else:
        where = (
            "before the first meeting"
            if q.venue < 0
            else f"after {game.arrays.venue_ids[q.venue]}"
            if view.after_meeting
            else f"review on the decision clock (last met: {game.arrays.venue_ids[q.venue]})"
        )
        out.print(Rule(f"Decision {q.number} · {when} · {where}", align="left", style="dim"))
        _escalation(out, game, view)

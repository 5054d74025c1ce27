"""The proposer's move: whom to ask to move, on which issue, to where.

A demand decision is answered with ``model`` (the model's proposals), ``none`` (ask nothing this
round), or one or more ``ask TARGET ISSUE X`` separated by ``;`` (ask TARGET to move on ISSUE to
X on the 0–100 scale). Ids are the scenario's actor and issue ids.
"""

from __future__ import annotations

import math

from sim.classroom.moves import MoveError
from sim.engine.policy import Demand, DemandView
from sim.engine.sampling import ScenarioArrays

ASK_HELP = """\
Making your proposals (your turn to ask the others to move, each round):
  ask TARGET ISSUE X   ask TARGET to move on ISSUE to X (0–100); several: ask … ; ask …
  none                 ask nothing this round
  model                make the model's proposals"""
"""The proposer's grammar, shown by ``help`` at a demand decision."""


def parse_asks(text: str, view: DemandView, arrays: ScenarioArrays) -> tuple[Demand, ...]:
    """The demands in *text* for *view*; :class:`MoveError` says what does not fit."""
    words = text.strip().lower()
    if words in ("model", "m"):
        return view.model
    if words in ("none", "pass", "nothing"):
        return ()
    demands: list[Demand] = []
    seen: set[tuple[int, int]] = set()
    for part in (p.strip() for p in words.split(";")):
        if not part:
            continue
        demand = _parse_ask(part, view, arrays)
        key = (demand.target, demand.issue)
        if key in seen:
            raise MoveError(f"{part!r}: one demand per actor and issue in a round")
        seen.add(key)
        demands.append(demand)
    if not demands:
        raise MoveError("type ask TARGET ISSUE X (several joined by ;), none, or model")
    return tuple(demands)


def _parse_ask(part: str, view: DemandView, arrays: ScenarioArrays) -> Demand:
    tokens = part.split()
    if tokens and tokens[0] == "ask":
        tokens = tokens[1:]
    if len(tokens) != 3:
        raise MoveError(f"{part!r}: write ask TARGET ISSUE X, e.g. ask {_example(view, arrays)}")
    target_id, issue_id, raw = tokens
    others = [arrays.actor_ids[m] for m in view.members if m != view.proposer]
    if target_id not in others:
        raise MoveError(f"{target_id!r} is not another party at this table: {', '.join(others)}")
    open_ids = [arrays.issue_ids[k] for k in view.issues]
    if issue_id not in open_ids:
        raise MoveError(f"{issue_id!r} is not open at this round: {', '.join(open_ids)}")
    try:
        value = float(raw)
    except ValueError:
        raise MoveError(f"{raw!r} is not a number") from None
    if not math.isfinite(value) or not 0.0 <= value <= 100.0:
        raise MoveError(f"{raw} is off the issue's 0–100 scale")
    return Demand(arrays.actor_ids.index(target_id), arrays.issue_ids.index(issue_id), value)


def _example(view: DemandView, arrays: ScenarioArrays) -> str:
    target = next(m for m in view.members if m != view.proposer)
    return f"{arrays.actor_ids[target]} {arrays.issue_ids[view.issues[0]]} 50"


def _number(value: float, digits: int | None) -> str:
    if digits is not None:
        return f"{value:.{digits}f}"
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def asks_text(
    demands: tuple[Demand, ...], arrays: ScenarioArrays, digits: int | None = None
) -> str:
    """The move text of *demands* (``none`` for no demand): exact, or rounded to *digits*."""
    if not demands:
        return "none"
    return "; ".join(
        f"ask {arrays.actor_ids[d.target]} {arrays.issue_ids[d.issue]} "
        f"{_number(d.position, digits)}"
        for d in demands
    )

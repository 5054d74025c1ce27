"""A group's game is its recorded moves: replayed, they give the same state every time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sim.analysis.montecarlo import simulate, simulate_run
from sim.classroom.brief import role_brief
from sim.classroom.debrief import group_result, model_distribution
from sim.classroom.moves import MoveError
from sim.classroom.narrative import reply, story
from sim.classroom.replay import GroupState, Injection, Table, advance, new_table, read_move
from sim.engine.policy import DemandView, EscalationView, ProposalView
from sim.errors import SimulationError
from sim.scenario.loader import load_scenario


def _play(table: Table, pick: Callable[[GroupState], str]) -> tuple[GroupState, list[str]]:
    moves: list[str] = []
    while (state := advance(table, moves)).pending is not None:
        moves.append(pick(state))
    return state, moves


def _own(state: GroupState) -> str:
    """A student who asks for 50 everywhere, refuses every proposal and holds on the ladder."""
    assert state.pending is not None
    view = state.pending.view
    a = state.table.arrays
    if isinstance(view, DemandView):
        return "; ".join(
            f"ask {a.actor_ids[t]} {a.issue_ids[k]} 50"
            for t in view.members
            if t != view.proposer
            for k in view.issues
        )
    return "refuse" if isinstance(view, ProposalView) else "hold"


@pytest.mark.parametrize("run", [0, 1, 2, 5])
def test_seats_that_always_take_the_model_replay_negsim_runs_run(tiny_path: Path, run: int) -> None:
    table = new_table(load_scenario(tiny_path), 4, run, ["north", "south", "east"])
    state, moves = _play(table, lambda s: "model")
    assert moves and state.record == simulate_run(table.arrays, 4, run)[1]


def test_the_flagship_with_two_seats_on_the_model_is_the_models_run(flagship_path: Path) -> None:
    table = new_table(load_scenario(flagship_path), 2022, 2, ["russia", "us"])
    state, _ = _play(table, lambda s: "model")
    kinds = {type(t.turn.view) for t in state.taken}
    assert kinds == {DemandView, ProposalView, EscalationView}
    assert state.record == simulate_run(table.arrays, 2022, 2)[1]


def test_a_recorded_game_replays_to_the_same_state_at_every_step(tiny_path: Path) -> None:
    table = new_table(load_scenario(tiny_path), 0, 0, ["north", "south"])
    state, moves = _play(table, _own)
    assert state.record != simulate_run(table.arrays, 0, 0)[1]  # the students changed the run
    for n in range(len(moves) + 1):
        first, second = advance(table, moves[:n]), advance(table, moves[:n])
        assert first.record == second.record and first.log == second.log
        assert first.pending == second.pending
        assert len(first.taken) == n


def test_a_seats_own_demands_are_put_to_their_targets(tiny_path: Path) -> None:
    table = new_table(load_scenario(tiny_path), 0, 0, ["north"])
    state, _ = _play(table, _own)
    asked = [e for e in state.record.events if e.proposer == 0]
    assert asked and all(e.proposed == 50.0 for e in asked)


def test_a_move_that_does_not_fit_its_decision_is_refused(tiny_path: Path) -> None:
    table = new_table(load_scenario(tiny_path), 0, 0, ["north"])
    state = advance(table, [])
    assert state.pending is not None and isinstance(state.pending.view, DemandView)
    for bad in ("accept", "ask east moon 3", "ask north toll 3", "ask east toll 300", "hold", ""):
        with pytest.raises(MoveError):
            read_move(bad, state.pending.view, table.arrays)
    with pytest.raises(SimulationError, match="recorded move 1"):
        advance(table, ["escalate"])
    with pytest.raises(SimulationError, match="left after the run"):
        advance(table, ["model"] * 500)


def test_an_injected_shock_leaves_every_recorded_decision_where_it_was(tiny_path: Path) -> None:
    table = new_table(load_scenario(tiny_path), 0, 1, ["north", "south"])
    moves = ["model"] * 3
    before = advance(table, moves)
    assert before.pending is not None
    day = before.now + 1e-6
    after = advance(table, moves, [Injection(0, day)])
    assert after.pending is not None
    assert (after.pending.number, after.pending.view.day) == (
        before.pending.number,
        before.pending.view.day,
    )
    assert after.log == before.log
    assert [d for s, d in after.record.shocks if s == 0] == [pytest.approx(day)]


def test_every_move_gets_a_reply_and_the_story_names_it(tiny_path: Path) -> None:
    table = new_table(load_scenario(tiny_path), 0, 0, ["north", "south"])
    moves: list[str] = []
    while (state := advance(table, moves)).pending is not None:
        actor = state.pending.actor
        moves.append(_own(state))
        after = advance(table, moves)
        assert reply(after, actor), f"no reply to {moves[-1]!r}"
    assert any(line.kind == "agreement" or line.kind == "proposal" for line in story(state))


def test_the_sessions_distribution_is_negsim_runs(tiny_path: Path) -> None:
    scenario = load_scenario(tiny_path)
    distribution = model_distribution(str(tiny_path), seed=7, runs=40)
    results = simulate(scenario, runs=40, seed=7, keep_runs=True)
    for k, primary in enumerate(distribution.primary_ids):
        assert distribution.primary_counts[k] == int((results.table.primary == k).sum()), primary
    assert all(len(row) == 40 for row in distribution.utilities)


def test_a_group_is_compared_with_the_same_run_played_by_the_model(tiny_path: Path) -> None:
    table = new_table(load_scenario(tiny_path), 0, 0, ["north", "south"])
    state, _ = _play(table, _own)
    result = group_result(1, state)
    assert result.model_record == simulate_run(table.arrays, 0, 0)[1]
    assert result.differences > 0
    assert all(0.0 <= u <= 1.0 for u in result.utilities + result.model_utilities)


def test_the_role_brief_speaks_in_the_scenarios_words_and_quotes(tiny_path: Path) -> None:
    brief = role_brief(load_scenario(tiny_path), "south")
    goals = " ".join(p.text for p in brief.goals)
    assert goals.index("Dam height") < goals.index("River toll")  # by salience
    assert "Full-height dam" in goals
    assert any("nothing below 80" in p.text and "written" in p.text for p in brief.red_lines)
    assert any("embargo" in p.text for p in brief.fears)
    quotes = [q.text for p in brief.goals + brief.red_lines for q in p.quotes]
    assert "no lower dam is acceptable" in quotes

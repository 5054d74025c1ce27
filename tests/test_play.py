from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.analysis.montecarlo import simulate_run
from sim.classroom.moves import HELP, Move, MoveError, MoveKind, answer_for, model_move, parse_move
from sim.classroom.play import Ask, GameQuitError, GameStoppedError, Question, new_game, play
from sim.cli import app
from sim.engine.policy import DemandView, EscalationChoice, EscalationView, ProposalView
from sim.engine.sampling import compile_scenario
from sim.errors import SimulationError
from sim.scenario.format import Scenario
from sim.scenario.loader import load_scenario

runner = CliRunner()
MOVES = Path(__file__).resolve().parent / "testdata" / "test_play" / "tiny-south.moves"


@pytest.fixture
def tiny(tiny_path: Path) -> Scenario:
    return load_scenario(tiny_path)


@pytest.fixture
def workdir(tmp_path: Path, tiny_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(tiny_path, tmp_path / "tiny.yaml")
    shutil.copy(tiny_path.parent / "source.txt", tmp_path / "source.txt")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _proposal(**changes: float) -> ProposalView:
    fields: dict[str, float] = {"start": 70.0, "proposed": 40.0, "red_low": 0.0, "red_high": 100.0}
    fields |= changes
    return ProposalView(
        day=9.25,
        venue=0,
        round=1,
        issue=0,
        proposer=2,
        target=1,
        kind="conflict",
        start=fields["start"],
        proposed=fields["proposed"],
        red_low=fields["red_low"],
        red_high=fields["red_high"],
        resist_utility=0.07,
        table=((0, 27.0), (1, fields["start"]), (2, 40.0)),
    )


def _escalation(level: int) -> EscalationView:
    return EscalationView(
        day=9.75,
        actor=1,
        level=level,
        climb=0.66,
        stay=0.68,
        descend=0.68 if level else float("-inf"),
        war=0.2,
        talks=0.68,
        p_up=0.27,
        p_down=0.0,
        concession=0.0,
        model_choice=EscalationChoice.HOLD,
    )


def _always(text: str) -> Ask:
    asked = 0

    def ask(question: Question) -> str:
        nonlocal asked
        asked += 1
        assert asked < 500, "the game keeps asking"
        return text

    return ask


def _refuse_proposals(question: Question) -> str:
    return "refuse" if isinstance(question.view, ProposalView) else "model"


def _model_moves(questions: list[Question]) -> Ask:
    def ask(question: Question) -> str:
        questions.append(question)
        return model_move(question.view)

    return ask


def _scripted(answers: Iterator[str], questions: list[Question]) -> Ask:
    def ask(question: Question) -> str:
        if isinstance(question.view, DemandView):
            return "model"  # the scripts answer proposals and the ladder; the model proposes
        questions.append(question)
        return next(answers, "model")

    return ask


# --- the API -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "actor", "run"),
    [
        ("tiny_path", "south", 0),
        ("tiny_path", "east", 1),
        ("flagship_path", "russia", 0),
        ("flagship_path", "us", 1),
    ],
)
def test_taking_the_model_move_at_every_decision_reproduces_the_model_run(
    request: pytest.FixtureRequest, fixture: str, actor: str, run: int
) -> None:
    scenario = load_scenario(request.getfixturevalue(fixture))
    result = play(scenario, actor, 7, run, _always("model"))
    _, expected = simulate_run(compile_scenario(scenario), 7, run)
    assert result.decisions
    assert result.record == expected
    assert result.model_record == expected
    assert all(d.same and d.by_model for d in result.decisions)


def test_typing_the_model_choice_literally_reproduces_the_model_run(flagship_path: Path) -> None:
    scenario = load_scenario(flagship_path)
    questions: list[Question] = []
    result = play(scenario, "russia", 3, 2, _model_moves(questions))
    _, expected = simulate_run(compile_scenario(scenario), 3, 2)
    assert result.record == expected
    assert any(isinstance(q.view, EscalationView) for q in questions)
    moves = {"accept", "escalate", "hold", "de-escalate"}
    assert {d.move for d in result.decisions if not isinstance(d.view, DemandView)} <= moves
    assert {d.by_model for d in result.decisions if not isinstance(d.view, DemandView)} == {False}


def test_refusing_every_proposal_keeps_the_player_at_its_sampled_ideal(tiny: Scenario) -> None:
    result = play(tiny, "south", 0, 0, _refuse_proposals)
    game = new_game(tiny, "south", 0, 0)
    assert result.record.final_positions[game.actor] == tuple(game.parameters.position[game.actor])
    assert (
        result.record.final_positions[game.actor] != result.model_record.final_positions[game.actor]
    )
    assert all(not e.accepted for e in result.record.events if e.target == game.actor)


def test_a_different_move_changes_the_record(tiny: Scenario) -> None:
    questions: list[Question] = []
    result = play(tiny, "south", 0, 0, _scripted(iter(["refuse"]), questions))
    assert result.record != result.model_record
    first = next(d for d in result.decisions if isinstance(d.view, ProposalView))
    assert first.move == "refuse" and not first.same
    assert isinstance(first.view, ProposalView)
    assert first.answer == first.view.start


def test_a_bad_move_is_asked_again_with_the_reason_and_not_recorded(tiny: Scenario) -> None:
    questions: list[Question] = []
    answers = iter(["bogus", "escalate", "counter 150", "help", "accept"])
    result = play(tiny, "south", 0, 0, _scripted(answers, questions))
    first_decision = [q for q in questions if q.number == questions[0].number]
    assert [q.feedback != "" for q in first_decision] == [False, True, True, True, True]
    assert "unknown move 'bogus'" in first_decision[1].feedback
    assert "this is a proposal" in first_decision[2].feedback
    assert "off the issue's 0–100 scale" in first_decision[3].feedback
    assert first_decision[4].feedback == HELP
    assert [d.number for d in result.decisions] == list(range(1, len(result.decisions) + 1))
    answered = [d for d in result.decisions if isinstance(d.view, ProposalView)]
    assert answered[0].move == "accept"
    assert result.record == result.model_record


def test_rest_hands_the_remaining_decisions_to_the_model(tiny: Scenario) -> None:
    questions: list[Question] = []
    result = play(tiny, "south", 0, 0, _scripted(iter(["rest"]), questions))
    assert len(questions) == 1
    rested = [d for d in result.decisions if d.number >= questions[0].number]
    assert len(rested) > 1
    assert all(d.move == "rest" for d in rested)
    assert all(d.by_model for d in result.decisions)
    assert result.record == result.model_record


def test_moves_running_out_stop_the_game_with_a_clear_error(tiny: Scenario) -> None:
    answers = iter(["refuse"])

    def ask(question: Question) -> str:
        if isinstance(question.view, DemandView):
            return "none"
        answer = next(answers, None)
        if answer is None:
            raise EOFError
        return answer

    with pytest.raises(
        GameStoppedError, match=r"no move for decision \d+: the input ended"
    ) as stopped:
        play(tiny, "south", 0, 0, ask)
    assert not isinstance(stopped.value, GameQuitError)


def test_quit_stops_the_game_at_the_players_request(tiny: Scenario) -> None:
    with pytest.raises(GameQuitError, match="game stopped at decision 1"):
        play(tiny, "south", 0, 0, _always("quit"))


def test_an_unknown_actor_is_refused_with_the_actors_listed(tiny: Scenario) -> None:
    with pytest.raises(
        SimulationError, match="tiny: unknown actor 'zz'; known: north, south, east"
    ):
        play(tiny, "zz", 0, 0, _always("model"))


def test_an_actor_is_found_whatever_the_case_and_a_typo_gets_a_suggestion(tiny: Scenario) -> None:
    assert play(tiny, "North", 0, 0, _always("model")).game.actor_id == "north"
    with pytest.raises(SimulationError, match="unknown actor 'nrth' \\(did you mean 'north'\\?\\)"):
        play(tiny, "nrth", 0, 0, _always("model"))


def test_the_other_actors_ladder_moves_are_told_as_news(flagship_path: Path) -> None:
    scenario = load_scenario(flagship_path)
    questions: list[Question] = []
    result = play(scenario, "us", 0, 0, _model_moves(questions))
    news = [view for q in questions for view in q.news]
    climbs = [s for s in result.record.escalation if s.actor >= 0]
    assert climbs
    assert {v.actor for v in news} == {1}
    assert all(v.model_choice is not EscalationChoice.HOLD for v in news)
    assert len(news) <= len(climbs)


def test_escalation_decisions_name_the_meeting_just_held(tiny: Scenario) -> None:
    result = play(tiny, "south", 0, 0, _always("model"))
    ladder = [d for d in result.decisions if isinstance(d.view, EscalationView)]
    days = compile_scenario(tiny).venue_day
    assert [d.venue for d in ladder] == [0, 1]
    assert [d.view.day >= days[d.venue] for d in ladder] == [True, True]


# --- the move grammar ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "move"),
    [
        ("accept", Move(MoveKind.ACCEPT)),
        ("  A ", Move(MoveKind.ACCEPT)),
        ("refuse", Move(MoveKind.REFUSE)),
        ("counter 42.5", Move(MoveKind.COUNTER, 42.5)),
        ("c 60", Move(MoveKind.COUNTER, 60.0)),
        ("42.5", Move(MoveKind.COUNTER, 42.5)),
        ("concede 0.5", Move(MoveKind.CONCEDE, 0.5)),
        ("concede 25%", Move(MoveKind.CONCEDE, 0.25)),
        ("escalate", Move(MoveKind.ESCALATE)),
        ("hold", Move(MoveKind.HOLD)),
        ("de-escalate", Move(MoveKind.DE_ESCALATE)),
        ("d", Move(MoveKind.DE_ESCALATE)),
        ("model", Move(MoveKind.MODEL)),
        ("rest", Move(MoveKind.REST)),
        ("?", Move(MoveKind.HELP)),
        ("quit", Move(MoveKind.QUIT)),
    ],
)
def test_moves_are_read_from_short_commands(text: str, move: Move) -> None:
    assert parse_move(text) == move


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "type a move"),
        ("bogus", "unknown move 'bogus'"),
        ("accept 3", "accept takes no number"),
        ("counter", "counter needs one number"),
        ("counter x", "'x' is not a number"),
        ("concede nan", "not a finite number"),
        ("counter 1 2", "counter needs one number"),
    ],
)
def test_unreadable_moves_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(MoveError, match=message):
        parse_move(text)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("accept", 40.0),
        ("refuse", 70.0),
        ("counter 55", 55.0),
        ("concede 0.5", 55.0),
        ("model", 40.0),
    ],
)
def test_proposal_moves_give_the_targets_new_position(text: str, answer: float) -> None:
    assert answer_for(parse_move(text), _proposal()) == answer


def test_accepting_past_the_red_line_is_left_to_the_engine_to_stop() -> None:
    view = _proposal(red_low=50.0)
    assert answer_for(parse_move("accept"), view) == 40.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("escalate", "this is a proposal"),
        ("counter 150", "off the issue's 0–100 scale"),
        ("counter 45", r"to 45.0, across your red line \(50–100\): go no further than 50"),
        ("concede 1.5", "a fraction from 0 to 1"),
        ("concede 0.9", r"to 43.0, across .*\(counter 50 or concede 0.67\)"),
    ],
)
def test_proposal_moves_that_do_not_fit_are_refused(text: str, message: str) -> None:
    with pytest.raises(MoveError, match=message):
        answer_for(parse_move(text), _proposal(red_low=50.0))


@pytest.mark.parametrize(
    ("text", "level", "choice"),
    [
        ("escalate", 0, EscalationChoice.CLIMB),
        ("hold", 0, EscalationChoice.HOLD),
        ("de-escalate", 1, EscalationChoice.DESCEND),
        ("model", 1, EscalationChoice.HOLD),
    ],
)
def test_ladder_moves_give_the_escalation_choice(
    text: str, level: int, choice: EscalationChoice
) -> None:
    assert answer_for(parse_move(text), _escalation(level)) is choice


@pytest.mark.parametrize(
    ("text", "level", "message"),
    [
        ("accept", 1, "this is an escalation decision"),
        ("counter 50", 1, "this is an escalation decision"),
        ("de-escalate", 0, "lowest rung already"),
    ],
)
def test_ladder_moves_that_do_not_fit_are_refused(text: str, level: int, message: str) -> None:
    with pytest.raises(MoveError, match=message):
        answer_for(parse_move(text), _escalation(level))


# --- the command line ----------------------------------------------------------------------


def test_play_reads_moves_from_stdin_and_echoes_them(workdir: Path) -> None:
    result = runner.invoke(app, ["play", "tiny.yaml", "--as", "south"], input="bogus\nrest\n")
    assert result.exit_code == 0, result.output
    assert "You play South (south)" in result.output
    assert "move> bogus\n'bogus': write ask TARGET ISSUE X" in result.output
    assert "move> rest" in result.output
    assert result.output.count("Decision 1 ·") == 1
    assert "primary class:" in result.output
    assert "Your decisions against the model's" in result.output
    assert "You differed from the model at 0 of" in result.output


def test_play_shows_the_offer_the_red_line_and_the_model_choice(workdir: Path) -> None:
    args = ["play", "tiny.yaml", "--as", "south"]
    result = runner.invoke(app, args, input="none\nrest\n", env={"COLUMNS": "200"})
    first = result.output.split("Decision 2 ·", 1)[1].split("move>", 1)[0]
    assert "scale: 0 No toll · 50 Toll on half the trade · 100 Toll on all river trade" in first
    assert "on the table: north" in first and "south (you)" in first
    assert "asks you to move from" in first
    assert "red line none (0–100)" in first
    assert "the model accepts" in first and "your expected utility of resisting" in first


def test_play_replays_a_moves_file_the_same_way_twice(workdir: Path) -> None:
    args = ["play", "tiny.yaml", "--as", "south", "--seed", "0", "--moves", str(MOVES)]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert first.output == second.output
    assert "move> refuse\n" in first.output
    assert "#" not in "".join(line for line in first.output.splitlines() if "move>" in line)


def test_play_replays_the_run_of_the_seed_and_run_asked_for(workdir: Path) -> None:
    args = ["play", "tiny.yaml", "--as", "east", "--moves", "-"]
    runs = [runner.invoke(app, [*args, "--run", str(k)], input="rest\n").output for k in (0, 1)]
    assert runs[0] != runs[1]
    assert "run 1, seed 0" in runs[1]


def test_play_exits_2_when_the_moves_run_out(workdir: Path) -> None:
    result = runner.invoke(app, ["play", "tiny.yaml", "--as", "south"], input="none\nrefuse\n")
    assert result.exit_code == 2
    assert "no move for decision 3: the input ended" in result.output
    assert "Traceback" not in result.output


def test_play_exits_1_when_the_player_quits(workdir: Path) -> None:
    result = runner.invoke(app, ["play", "tiny.yaml", "--as", "south"], input="quit\n")
    assert result.exit_code == 1
    assert "game stopped at decision 1; no result." in result.output


def test_play_exits_2_for_an_unknown_actor(workdir: Path) -> None:
    result = runner.invoke(app, ["play", "tiny.yaml", "--as", "west"], input="rest\n")
    assert result.exit_code == 2
    assert (
        "tiny: unknown actor 'west' (did you mean 'east'?); known: north, south, east"
        in result.output
    )


def test_play_exits_2_for_a_missing_moves_file(workdir: Path) -> None:
    result = runner.invoke(app, ["play", "tiny.yaml", "--as", "south", "--moves", "none.txt"])
    assert result.exit_code == 2
    assert "none.txt (the moves file): cannot read the file" in result.output
    assert "Traceback" not in result.output


def test_play_exits_2_for_a_bad_scenario(workdir: Path) -> None:
    bad = workdir / "tiny.yaml"
    bad.write_text(bad.read_text().replace("salience: 0.8", "salience: 8"))
    result = runner.invoke(app, ["play", "tiny.yaml", "--as", "south"], input="rest\n")
    assert result.exit_code == 2
    assert "tiny.yaml:40:9: actors.0.stances.toll.salience" in result.output


def test_the_player_makes_its_own_proposals_and_hears_the_answers(tiny: Scenario) -> None:
    questions: list[Question] = []

    def ask(question: Question) -> str:
        questions.append(question)
        if isinstance(question.view, DemandView) and question.number == 1:
            return "ask north toll 30; ask east dam 90"
        return "model"

    result = play(tiny, "south", 0, 0, ask)
    mine = [e for e in result.record.events if e.proposer == 1 and e.day < 10]
    assert {(e.target, e.issue, e.proposed) for e in mine} >= {(0, 0, 30.0), (2, 1, 90.0)}
    assert not result.decisions[0].same
    replies = [line for q in questions for line in q.replies]
    assert any("north answers your proposal on toll" in line for line in replies)
    assert any("east answers your proposal on dam" in line for line in replies)


def test_a_recorded_game_replays_identically(workdir: Path) -> None:
    typed = "ask north toll 30\nrefuse\nmodel\ncounter 55\nask east dam 95\nrest\n"
    args = ["play", "tiny.yaml", "--as", "south", "--seed", "0"]
    first = runner.invoke(app, [*args, "--record", "game.moves"], input=typed)
    assert first.exit_code == 0, first.output
    saved = (workdir / "game.moves").read_text()
    assert saved.splitlines()[1].startswith("ask north toll 30 ")
    again = runner.invoke(app, [*args, "--moves", "game.moves"])
    assert again.exit_code == 0, again.output
    assert again.output == first.output.replace("moves saved: game.moves\n", "")
    assert "Your score: the settlement is worth" in again.output
    refused = runner.invoke(app, [*args, "--moves", "game.moves", "--record", "game.moves"])
    assert refused.exit_code == 2 and "already exists" in refused.output

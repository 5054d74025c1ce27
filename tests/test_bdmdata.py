from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import Problem, ScenarioError
from sim.scenario.bdmdata import read_bdm_csv

EC = Path(__file__).resolve().parent.parent / "scenarios" / "bdm" / "ec-emissions.csv"
HEADER = "actor,capability,position,salience\n"


def _write(directory: Path, text: str | bytes) -> Path:
    path = directory / "issue.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        read_bdm_csv(path)
    return list(caught.value.problems)


def test_the_shipped_ec_data_set_loads() -> None:
    data = read_bdm_csv(EC)
    assert data.name == "ec-emissions"
    assert data.actors[:3] == ("Netherlands", "Belgium", "Luxembourg") and len(data.actors) == 10
    assert data.capability.sum() == pytest.approx(1.01)
    assert data.position.tolist() == [4, 7, 4, 4, 10, 10, 10, 7, 4, 7]
    assert data.salience.tolist() == pytest.approx([0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1, 0.7])


def test_the_arrays_cannot_be_changed(tmp_path: Path) -> None:
    data = read_bdm_csv(_write(tmp_path, HEADER + "a,1,2,30\nb,1,3,40\n"))
    with pytest.raises(ValueError, match="read-only"):
        data.position[0] = 5.0


def test_a_bad_cell_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "Alpha,0.5,4,80\nBeta,0.5,seven,40\n")
    assert _problems(path) == [
        Problem(str(path), 3, 10, "Beta.position", "position must be a number, not 'seven'")
    ]


def test_every_bad_cell_is_reported_at_once(tmp_path: Path) -> None:
    text = HEADER + "Alpha,-1,4,80\nBeta,0.5,4,101\nGamma,0.5,nan,40\n,1,2,3\n"
    where = [(p.line, p.column, p.path) for p in _problems(_write(tmp_path, text))]
    assert where == [
        (2, 7, "Alpha.capability"),
        (3, 12, "Beta.salience"),
        (4, 11, "Gamma.position"),
        (5, 1, "actor"),
    ]


def test_the_header_is_case_insensitive_and_may_list_the_columns_in_any_order(
    tmp_path: Path,
) -> None:
    data = read_bdm_csv(
        _write(tmp_path, " Salience ,ACTOR,Position,Capability\n80,a,4,2\n40,b,7,1\n")
    )
    assert data.actors == ("a", "b")
    assert data.capability.tolist() == [2, 1]
    assert data.position.tolist() == [4, 7]
    assert data.salience.tolist() == [0.8, 0.4]


def test_an_extra_column_is_an_error_at_its_place_in_the_header(tmp_path: Path) -> None:
    problems = _problems(_write(tmp_path, "actor,capability,position,salience,notes\na,1,2,3,x\n"))
    assert [(p.line, p.column, p.message) for p in problems] == [
        (1, 36, "unknown column 'notes'; expected actor, capability, position, salience")
    ]


def test_a_missing_or_repeated_column_is_an_error_in_the_header(tmp_path: Path) -> None:
    problems = _problems(_write(tmp_path, "actor,position,salience,actor\na,1,2,3\n"))
    assert [(p.line, p.column, p.message) for p in problems] == [
        (1, 25, "column 'actor' appears twice"),
        (1, 30, "missing column 'capability'"),
    ]


def test_a_file_without_a_header_is_refused(tmp_path: Path) -> None:
    (problem,) = _problems(_write(tmp_path, "Alpha,0.5,4,80\nBeta,0.5,7,40\n"))
    assert (problem.line, problem.column) == (1, 1)
    assert "header" in problem.message


def test_an_extra_cell_in_a_row_is_an_error_at_that_cell(tmp_path: Path) -> None:
    (problem,) = _problems(_write(tmp_path, HEADER + "a,1,2,30\nb,1,3,40,oops\n"))
    assert (problem.line, problem.column) == (3, 10)


def test_a_short_row_names_the_missing_column(tmp_path: Path) -> None:
    (problem,) = _problems(_write(tmp_path, HEADER + "a,1,2,30\nb,1,3\n"))
    assert (problem.line, problem.column, problem.path) == (3, 6, "b.salience")


def test_a_quoted_name_with_a_comma_keeps_the_later_columns_in_place(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + '"Korea, Republic of",1,2,30\n"Say ""no""",1,x,40\n')
    (problem,) = _problems(path)
    assert (problem.line, problem.column, problem.path) == (3, 16, 'Say "no".position')
    good = _write(tmp_path, HEADER + '"Korea, Republic of",1,2,30\nb,1,3,40\n')
    assert read_bdm_csv(good).actors == ("Korea, Republic of", "b")


def test_an_actor_listed_twice_points_back_to_its_first_line(tmp_path: Path) -> None:
    (problem,) = _problems(_write(tmp_path, HEADER + "a,1,2,30\nb,1,3,40\na,1,4,50\n"))
    assert (problem.line, problem.column) == (4, 1)
    assert problem.message == "actor 'a' already appears on line 2"


def test_blank_lines_and_a_byte_order_mark_are_ignored(tmp_path: Path) -> None:
    data = read_bdm_csv(_write(tmp_path, ("\ufeff" + HEADER + "\na,1,2,30\n\nb,1,3,40\n\n")))
    assert data.actors == ("a", "b")


def test_a_data_set_needs_two_actors(tmp_path: Path) -> None:
    (problem,) = _problems(_write(tmp_path, HEADER + "a,1,2,30\n"))
    assert problem.message == "need at least two actors"


def test_text_that_is_not_utf8_is_located(tmp_path: Path) -> None:
    (problem,) = _problems(_write(tmp_path, HEADER.encode() + b"a,1,2,30\nb,1,\xff3,40\n"))
    assert (problem.line, problem.column, problem.message) == (3, 5, "not UTF-8 text")


def test_a_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path / "absent.csv")
    assert problem.message.startswith("cannot read the file")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from('actorpsilneyb,"0123456789.-e \n\t\r'), max_size=120))
def test_any_text_either_loads_or_raises_a_located_scenario_error(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = _write(tmp_path_factory.mktemp("any"), HEADER + text)
    try:
        data = read_bdm_csv(path)
    except ScenarioError as error:
        assert error.problems and all(p.line >= 1 and p.column >= 1 for p in error.problems)
    else:
        assert len(data.actors) >= 2 and np.all(data.salience <= 1)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 1e6, allow_nan=False),
            st.floats(-1e6, 1e6, allow_nan=False),
            st.floats(0, 100),
        ),
        min_size=2,
        max_size=8,
    )
)
def test_written_values_read_back_exactly(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[float, float, float]]
) -> None:
    text = HEADER + "".join(f"actor {i},{c!r},{x!r},{s!r}\n" for i, (c, x, s) in enumerate(rows))
    data = read_bdm_csv(_write(tmp_path_factory.mktemp("rows"), text))
    assert data.capability.tolist() == [c for c, _, _ in rows]
    assert data.position.tolist() == [x for _, x, _ in rows]
    assert data.salience.tolist() == [s / 100 for _, _, s in rows]

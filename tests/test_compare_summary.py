from __future__ import annotations

from pathlib import Path

import pytest
from golden import check_golden
from rich.cells import cell_len
from variant_pair import write_pair

from sim.analysis.comparison import Comparison, compare_scenarios
from sim.report.compare_summary import IDENTICAL, MARK, format_comparison
from sim.scenario.loader import load_scenario

GOLDEN = Path(__file__).resolve().parent / "testdata" / "test_compare_summary" / "table.txt"


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory) -> Comparison:
    base, variant = write_pair(tmp_path_factory.mktemp("pair"))
    return compare_scenarios([load_scenario(base), load_scenario(variant)], runs=300, seed=7)


def _row(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(label))


def test_format_comparison_matches_the_golden_text(
    comparison: Comparison, update_golden: bool
) -> None:
    check_golden(GOLDEN, format_comparison(comparison), update_golden)


def test_every_shared_outcome_and_class_has_a_row(comparison: Comparison) -> None:
    text = format_comparison(comparison, 140)
    for outcome in comparison.shared + comparison.shared_primary:
        assert _row(text, comparison.label(outcome))


def test_a_difference_is_marked_exactly_when_its_interval_excludes_zero(
    comparison: Comparison,
) -> None:
    text = format_comparison(comparison, 140)
    marked = []
    for outcome in comparison.shared + comparison.shared_primary:
        if f"pp {MARK}" in _row(text, comparison.label(outcome)):
            marked.append(outcome)
    expected = [
        o
        for o in comparison.shared + comparison.shared_primary
        if comparison.difference(o, 1).excludes_zero
    ]
    assert marked == expected
    assert f"{MARK} the interval excludes zero" in " ".join(text.split())


def test_outcomes_defined_by_some_scenarios_only_are_listed(comparison: Comparison) -> None:
    text = format_comparison(comparison)
    assert "Not compared, because only some scenarios define them:" in text
    assert "  tiny: War (fighting)" in text
    assert "  tiny-soft: Low toll (low-toll)" in text


def test_wide_terminals_get_one_line_per_outcome(comparison: Comparison) -> None:
    text = format_comparison(comparison, 140)
    shares = comparison.results[1]
    low, high = shares.interval("toll-deal")
    assert f"{100 * shares.share('toll-deal'):.1f} % ({100 * low:.1f}–{100 * high:.1f})" in _row(
        text, "Toll agreed"
    )


@pytest.mark.parametrize("width", [60, 80, 100, 140, 200])
def test_no_line_is_wider_than_asked_or_cut(comparison: Comparison, width: int) -> None:
    text = format_comparison(comparison, width)
    for line in text.splitlines():
        assert cell_len(line) <= width, line
        assert line == line.rstrip()
        assert "…" not in line, line


@pytest.mark.parametrize("width", [60, 80, 100, 140])
def test_no_word_of_a_label_or_name_is_split(comparison: Comparison, width: int) -> None:
    tokens = set(format_comparison(comparison, width).split())
    for outcome in comparison.shared + comparison.shared_primary:
        for word in comparison.label(outcome).split():
            assert word in tokens, (width, word)
    for name in comparison.names:
        assert name in tokens or f"{name}:" in tokens, (width, name)


def test_a_wide_terminal_gets_the_names_and_a_narrow_one_letters(comparison: Comparison) -> None:
    wide, narrow = format_comparison(comparison, 140), format_comparison(comparison, 60)
    assert "tiny-soft − tiny" in " ".join(wide.split())
    assert "A = tiny:" not in wide
    assert "  A = tiny: River talks" in narrow and "  B = tiny-soft: River talks" in narrow
    assert max(map(cell_len, wide.splitlines())) > 80


def test_identical_scenarios_are_called_identical_in_every_run(tiny_path: Path) -> None:
    results = compare_scenarios([load_scenario(tiny_path)] * 2, runs=100, seed=5)
    text = format_comparison(results, 100)
    for outcome in results.shared:
        assert IDENTICAL in _row(text, results.label(outcome))
    assert "0 of 100 runs changed class" in " ".join(text.split())


def test_the_runs_that_changed_class_are_counted_pair_by_pair(comparison: Comparison) -> None:
    moves = comparison.transitions(1)
    for width in (140, 60):
        text = " ".join(format_comparison(comparison, width).split())
        assert f"{moves.moved} of {moves.runs} runs changed class" in text
    narrow = format_comparison(comparison, 30)  # too narrow for the matrix: one line per move
    for first, this, runs in moves.moves():
        line = f"{runs} runs: {comparison.label(first)} → {comparison.label(this, 1)}"
        assert line in " ".join(narrow.split())

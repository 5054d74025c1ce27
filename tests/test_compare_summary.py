from __future__ import annotations

from pathlib import Path

import pytest
from golden import check_golden
from rich.cells import cell_len
from variant_pair import write_pair

from sim.analysis.comparison import Comparison, compare_scenarios
from sim.report.compare_summary import MARK, format_comparison
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
    assert f"{MARK} the interval excludes zero" in text


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


@pytest.mark.parametrize("width", [60, 80, 100, 140])
def test_no_line_is_wider_than_asked_or_cut(comparison: Comparison, width: int) -> None:
    text = format_comparison(comparison, width)
    for line in text.splitlines():
        assert cell_len(line) <= width, line
        assert line == line.rstrip()
        assert "…" not in line, line

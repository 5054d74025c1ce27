from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from golden import check_golden
from rich.cells import cell_len

from sim.analysis.montecarlo import simulate
from sim.analysis.results import Results
from sim.report.summary import format_table, nearest_waypoint
from sim.scenario.loader import load_scenario

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "testdata" / "test_summary" / "format_table.txt"


@pytest.fixture(scope="module")
def results() -> Results:
    return simulate(load_scenario(TESTS / "testdata" / "tiny" / "tiny.yaml"), runs=300, seed=7)


def test_format_table_matches_the_golden_text(results: Results, update_golden: bool) -> None:
    check_golden(GOLDEN, format_table(results), update_golden)


def test_text_does_not_depend_on_the_terminal(
    results: Results, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = format_table(results)
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    assert format_table(results) == plain
    assert "\x1b" not in plain


@pytest.mark.parametrize("width", [60, 100, 140])
def test_no_line_is_wider_than_asked_or_ends_in_spaces(results: Results, width: int) -> None:
    for line in format_table(results, width=width).splitlines():
        assert cell_len(line) <= width
        assert line == line.rstrip()


def test_header_names_the_scenario_runs_and_seed(results: Results) -> None:
    assert format_table(results).splitlines()[0] == "tiny: River talks — 300 runs, seed 7"


def test_each_outcome_shows_count_share_and_wilson_interval(results: Results) -> None:
    low, high = results.interval("toll-deal")
    count = results.count("toll-deal")
    line = next(row for row in format_table(results).splitlines() if "Toll agreed" in row)
    share = f"{100 * results.share('toll-deal'):.1f} %"
    interval = f"{100 * low:.1f} % – {100 * high:.1f} %"
    assert line.split()[2:] == [str(count), *share.split(), *interval.split()]


def test_missing_baselines_show_a_dash(results: Results) -> None:
    text = format_table(dataclasses.replace(results, baselines={}))
    toll = next(row for row in text.splitlines() if row.lstrip().startswith("River toll"))
    assert "—/—/—" in toll


def test_labels_print_verbatim_even_with_markup_characters(results: Results) -> None:
    s = results.scenario
    odd = s.outcomes[0].model_copy(update={"label": "[bold]toll[/bold] :smile:"})
    text = format_table(
        dataclasses.replace(
            results, scenario=s.model_copy(update={"outcomes": (odd, *s.outcomes[1:])})
        )
    )
    assert "[bold]toll[/bold] :smile:" in text


def test_nearest_waypoint_counts_the_ends_of_the_scale(results: Results) -> None:
    assert nearest_waypoint(results, 0, 18.6) == "No toll"
    assert nearest_waypoint(results, 0, 40.0) == "Toll on half the trade"
    assert nearest_waypoint(results, 0, 90.0) == "Toll on all river trade"


def test_the_position_column_is_the_median_inside_its_own_range(results: Results) -> None:
    from sim.report.summary import agreed_position

    text = format_table(results)
    assert "median (10–90 %)" in text
    for k, issue in enumerate(results.scenario.issues):
        position = agreed_position(results, k)
        assert position is not None
        median, p10, p90 = position
        assert p10 <= median <= p90
        assert f"{median:.1f} ({p10:.1f}–{p90:.1f})" in text
        assert [median] == results.tally.percentiles(k, [50]), issue.id


def test_a_mean_outside_its_range_is_printed_labelled(results: Results) -> None:
    from sim.analysis.tally import GRID
    from sim.report.summary import skewed_mean_lines

    tally = dataclasses.replace(results.tally, positions=np.zeros_like(results.tally.positions))
    # nineteen written agreements at 65 and one at 0: the mean (61.75) lies below the 10–90 %
    # range (65.0–65.0), as a long tail can make it
    tally.positions[0, 1, 65 * GRID] = 19
    tally.positions[0, 1, 0] = 1
    skewed = dataclasses.replace(results, tally=tally)
    name = results.scenario.issues[0].name
    assert skewed_mean_lines(skewed) == [
        f"{name}: mean agreed position 61.8 lies outside the 10–90 % range (65.0–65.0): "
        "a long tail of agreements far from most of them."
    ]
    assert f"{name}: mean agreed position" in format_table(skewed)
    assert skewed_mean_lines(results) == []

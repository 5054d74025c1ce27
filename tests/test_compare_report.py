from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from golden import check_golden
from plotly.offline import get_plotlyjs
from variant_pair import write_pair

from sim.analysis.comparison import Comparison, compare_scenarios
from sim.analysis.forecast import forecast
from sim.analysis.montecarlo import simulate
from sim.analysis.results import Results
from sim.analysis.runs import RunTable
from sim.errors import NegsimError
from sim.report import compare_report_data, write_compare_report, write_forecast_report
from sim.report.compare import TABLE_ID, default_compare_path, render_compare_report
from sim.report.compare_figures import compare_figures
from sim.report.html import render_report
from sim.scenario.loader import load_scenario

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "testdata" / "test_compare_report" / "compare_report_data.json"
FIGURE_IDS = ["outcomes", "primary", "differences", "escalation", "issue-toll", "issue-dam"]


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory) -> Comparison:
    base, variant = write_pair(tmp_path_factory.mktemp("pair"))
    return compare_scenarios([load_scenario(base), load_scenario(variant)], runs=200, seed=11)


def _rounded(value: Any, digits: int) -> Any:
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, list):
        return [_rounded(v, digits) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    return value


def test_compare_report_data_matches_the_golden_file(
    comparison: Comparison, update_golden: bool
) -> None:
    actual = _rounded(compare_report_data(comparison), 6)
    if update_golden or not GOLDEN.exists():
        check_golden(GOLDEN, json.dumps(actual, indent=1, sort_keys=True) + "\n", update_golden)
        return
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(actual) == sorted(expected)
    for div_id, data in expected.items():
        assert _rounded(actual[div_id], 4) == _rounded(data, 4), (
            f"{div_id!r} differs from {GOLDEN}; rerun with --update-golden if intended"
        )


def test_figures_have_fixed_ids_in_page_order(comparison: Comparison) -> None:
    assert list(compare_figures(comparison)) == FIGURE_IDS


def test_outcome_bars_have_one_trace_per_scenario_with_wilson_intervals(
    comparison: Comparison,
) -> None:
    traces = compare_report_data(comparison)["outcomes"][0::2]
    legend = compare_report_data(comparison)["outcomes"][1::2]
    assert [t["name"] for t in traces] == [t["name"] for t in legend] == ["tiny", "tiny-soft"]
    assert len({t["marker"]["pattern"]["shape"] for t in traces}) == 2
    assert traces[0]["marker"]["color"] == traces[1]["marker"]["color"]  # colour: the family
    for trace, results in zip(traces, comparison.results, strict=True):
        low, high = results.interval("toll-deal")
        share = results.share("toll-deal")
        assert trace["y"] == ["Toll agreed", "High dam, written"]
        assert trace["x"][0] == pytest.approx(share, abs=1e-6)
        assert trace["error_x"]["arrayminus"][0] == pytest.approx(share - low, abs=1e-6)
        assert trace["error_x"]["array"][0] == pytest.approx(high - share, abs=1e-6)


def test_difference_markers_are_filled_exactly_when_the_interval_excludes_zero(
    comparison: Comparison,
) -> None:
    (trace,) = compare_report_data(comparison)["differences"]
    outcomes = comparison.shared + comparison.shared_primary
    filled = [s == "circle" for s in trace["marker"]["symbol"]]
    assert filled == [comparison.difference(o, 1).excludes_zero for o in outcomes]


def _per_run(results: Results) -> RunTable:
    """The same runs again, this time keeping every run's row."""
    return simulate(results.scenario, runs=results.runs, seed=results.seed, keep_runs=True).table


def test_escalation_has_a_line_per_scenario_for_each_rung_above_the_lowest(
    comparison: Comparison,
) -> None:
    traces = compare_report_data(comparison)["escalation"]
    assert len(traces) == 3 * 2
    first = traces[0]
    assert first["x"][0] == "2030-01-01"
    levels = _per_run(comparison.results[0]).level_by_week
    assert first["y"] == pytest.approx((levels >= 1).mean(axis=0).tolist(), abs=1e-6)
    assert [t["showlegend"] for t in traces[:2]] == [True, True]
    assert not any(t["showlegend"] for t in traces[2:])


def test_issue_histograms_overlay_every_agreement_of_each_scenario(
    comparison: Comparison,
) -> None:
    traces = compare_report_data(comparison)["issue-toll"]
    for trace, results in zip(traces, comparison.results, strict=True):
        agreed = int((~np.isnan(_per_run(results).agreement_position[:, 0])).sum())
        assert sum(trace["y"]) == agreed
        assert f"({agreed} of 200 agreed)" in trace["name"]
    layout = compare_figures(comparison)["issue-toll"].layout
    assert layout.barmode == "overlay"
    assert layout.xaxis.tickvals == (0.0, 50.0, 100.0)


def test_the_table_marks_in_bold_the_differences_that_exclude_zero(
    comparison: Comparison,
) -> None:
    page = render_compare_report(comparison)
    table = page[page.index(f'id="{TABLE_ID}"') :]
    table = table[: table.index("</table>")]
    outcomes = comparison.shared + comparison.shared_primary
    bold = table.count('<td class="excludes-zero"')
    assert bold == sum(comparison.difference(o, 1).excludes_zero for o in outcomes)
    assert bold == table.count(" *</td>")


def test_the_page_inlines_plotly_once_has_every_id_and_lists_what_is_not_compared(
    comparison: Comparison,
) -> None:
    page = render_compare_report(comparison)
    assert page.count(get_plotlyjs()[:2000]) == 1
    ids = re.findall(r'<div id="([^"]+)" class="plotly-graph-div"', page)
    assert ids == FIGURE_IDS
    assert page.count(f'id="{TABLE_ID}"') == 1
    assert "<code>tiny</code>: War (fighting)" in page
    assert "<code>tiny-soft</code>: Low toll (low-toll)" in page
    assert 'src="http' not in page
    assert render_compare_report(comparison) == page


def test_default_path_names_every_scenario_and_is_never_reused(
    comparison: Comparison, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first = write_compare_report(comparison)
    assert first == default_compare_path(comparison)
    assert first == Path("reports") / "compare-tiny-vs-tiny-soft.html"
    first.write_text("earlier", encoding="utf-8")
    assert write_compare_report(comparison) == Path("reports") / "compare-tiny-vs-tiny-soft-2.html"
    assert first.read_text(encoding="utf-8") == "earlier"
    with pytest.raises(NegsimError, match="already exists"):
        write_compare_report(comparison, first)
    assert write_compare_report(comparison, force=True) == first
    assert first.read_text(encoding="utf-8") != "earlier"


def test_run_compare_and_forecast_pages_share_one_shell(
    comparison: Comparison, tmp_path: Path
) -> None:
    run_page = render_report(comparison.results[0])
    compare_page = render_compare_report(comparison)
    forecast_path = write_forecast_report(
        forecast(comparison.results[0].scenario, rounds=2), tmp_path / "f.html", force=False
    )
    forecast_page = forecast_path.read_text(encoding="utf-8")
    head = run_page[: run_page.index("<title>")]
    for page in (compare_page, forecast_page):
        assert page.startswith(head)
        assert page.count("plotly.js v") == 1
        assert "<nav><ul>" in page
    assert '<section id="section-forecast-0">' in forecast_page


def test_the_page_counts_the_runs_that_changed_class(comparison: Comparison) -> None:
    page = render_compare_report(comparison)
    moves = comparison.transitions(1)
    table = page[page.index('id="transitions-1"') :]
    table = table[: table.index("</table>")]
    for row in moves.counts:
        for count in row:
            assert f">{count}</td>" in table
    assert f"{moves.moved} of {moves.runs} runs ended in another primary class" in page
    assert compare_report_data(comparison)["transitions"][0][1][1:] == [
        str(n) for n in moves.counts[0]
    ]

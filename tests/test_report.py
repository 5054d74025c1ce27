from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from golden import check_golden
from plotly.offline import get_plotlyjs

from sim.analysis.montecarlo import simulate
from sim.analysis.results import Results
from sim.errors import NegsimError
from sim.report import report_data, report_figures, write_report
from sim.report.escalation import label_tiers
from sim.report.html import render_report
from sim.report.palette import outcome_colours
from sim.report.redlines import zones
from sim.report.stances import stance_hover
from sim.scenario.families import family, implied_family
from sim.scenario.loader import load_scenario
from sim.vocabulary import Family

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "testdata" / "test_report" / "report_data.json"
FIXED_IDS = [
    "outcomes",
    "primary",
    "escalation",
    "war-dates",
    "redlines-toll",
    "issue-toll",
    "redlines-dam",
    "issue-dam",
    "convergence",
]


@pytest.fixture(scope="module")
def results() -> Results:
    tiny = load_scenario(TESTS / "testdata" / "tiny" / "tiny.yaml")
    return simulate(tiny, runs=300, seed=7, keep_runs=True)


def _rounded(value: Any, digits: int = 6) -> Any:
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, list):
        return [_rounded(v, digits) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    return value


def test_report_data_matches_the_golden_file(results: Results, update_golden: bool) -> None:
    actual = _rounded(report_data(results))
    if update_golden or not GOLDEN.exists():
        check_golden(GOLDEN, json.dumps(actual, indent=1, sort_keys=True) + "\n", update_golden)
        return
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(actual) == sorted(expected)
    for div_id, traces in expected.items():
        assert _rounded(actual[div_id], 4) == _rounded(traces, 4), (
            f"figure {div_id!r} differs from {GOLDEN}; rerun with --update-golden if intended"
        )


def test_figures_have_fixed_ids_in_page_order(results: Results) -> None:
    assert list(report_figures(results)) == [*FIXED_IDS, "stances"]


def test_report_data_is_plain_json(results: Results) -> None:
    data = report_data(results)
    assert json.loads(json.dumps(data)) == data


def test_share_bars_carry_asymmetric_wilson_intervals(results: Results) -> None:
    bars, labels, *legend = report_data(results)["outcomes"]
    low, high = results.interval("toll-deal")
    share = results.share("toll-deal")
    assert bars["x"][0] == pytest.approx(share, abs=1e-6)
    assert bars["error_x"]["arrayminus"][0] == pytest.approx(share - low, abs=1e-6)
    assert bars["error_x"]["array"][0] == pytest.approx(high - share, abs=1e-6)
    assert bars["y"] == ["Toll agreed", "High dam, written", "War"]
    assert labels["text"][0] == f"\u00a0{100 * share:.1f} %"
    assert labels["x"][0] == pytest.approx(high, abs=1e-6)  # the label sits past the whisker
    assert [t["name"] for t in legend] == ["escalation", "settlement"]


def test_escalation_bands_stack_to_one_on_calendar_dates(results: Results) -> None:
    traces = report_data(results)["escalation"]
    assert [t["name"] for t in traces] == ["Calm", "Threats", "Blockade", "War"]
    assert traces[0]["x"][:2] == ["2030-01-01", "2030-01-08"]
    for week in range(len(results.weeks)):
        # each share is rounded to 6 decimals, so the sum is within half a unit per band
        assert sum(t["y"][week] for t in traces) == pytest.approx(1.0, abs=len(traces) * 5e-7)


def test_venues_are_marked_on_the_escalation_calendar(results: Results) -> None:
    layout = report_figures(results)["escalation"].layout
    assert [s.x0 for s in layout.shapes] == ["2030-01-10", "2030-02-01"]
    assert [a.text for a in layout.annotations] == ["Delta", "Source"]


def test_venue_labels_close_in_time_take_separate_rows() -> None:
    assert label_tiers([(1, 6), (3, 8), (4, 6), (60, 6), (62, 6)], span_days=170) == [
        0,
        1,
        2,
        0,
        1,
    ]


def test_issue_histogram_uses_waypoints_as_ticks_and_counts_every_agreement(
    results: Results,
) -> None:
    figure = report_figures(results)["issue-toll"]
    ticks = list(figure.layout.xaxis.ticktext)
    assert [t.split("<br>", 1)[1] for t in ticks] == [
        "No toll",
        "Toll on half<br>the trade",
        "Toll on all<br>river trade",
    ]
    total = sum(sum(trace.y) for trace in figure.data)
    assert total == int((results.table.agreement_form[:, 0] >= 0).sum())
    assert [trace.name for trace in figure.data] == ["verbal", "written", "binding"]


def test_issue_histogram_marks_status_quo_and_each_baseline(results: Results) -> None:
    figure = report_figures(results)["issue-toll"]
    assert len(figure.layout.shapes) == 1 + len(results.baselines["toll"])
    assert figure.layout.shapes[0].x0 == 0.0
    labels = [a.text.rsplit(" ", 1)[0] for a in figure.layout.annotations]
    assert labels == ["status quo", "weighted median", "weighted mean", "EU model"]


def test_issue_histogram_without_baselines_marks_only_the_status_quo(results: Results) -> None:
    bare = dataclasses.replace(results, baselines={})
    figure = report_figures(bare)["issue-dam"]
    assert len(figure.layout.shapes) == 1


def test_convergence_uses_a_log_axis_of_runs(results: Results) -> None:
    figure = report_figures(results)["convergence"]
    assert figure.layout.xaxis.type == "log"
    assert figure.data[0].x[-1] == results.runs


def test_stance_hover_shows_quotes_with_source_or_the_assumption(results: Results) -> None:
    north, south = results.scenario.actors[:2]
    toll = results.scenario.issues[0]
    cited = stance_hover(north, toll)
    assert "“would never accept a toll above half of the river trade” (wire)" in cited
    assert "salience 0.8" in cited
    assert "red line: accepts 0–50" in cited
    assert "assumption: South profits from a toll." in stance_hover(south, toll)


def test_scenario_text_is_escaped_in_figures_and_page(results: Results) -> None:
    s = results.scenario
    meta = s.scenario.model_copy(update={"title": "A <b>bold</b> & plan"})
    outcome = s.outcomes[0].model_copy(update={"label": "<i>toll</i>"})
    odd = dataclasses.replace(
        results,
        scenario=s.model_copy(update={"scenario": meta, "outcomes": (outcome, *s.outcomes[1:])}),
    )
    page = render_report(odd)
    assert "<h1>A &lt;b&gt;bold&lt;/b&gt; &amp; plan</h1>" in page
    assert "<b>bold</b>" not in page
    assert report_data(odd)["outcomes"][0]["y"][0] == "&lt;i&gt;toll&lt;/i&gt;"


def test_write_report_inlines_plotly_once_and_every_figure(
    results: Results, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_report(results)
    assert path == Path("reports") / "tiny.html"
    page = path.read_text(encoding="utf-8")
    assert page.count(get_plotlyjs()[:2000]) == 1
    assert page.count("plotly.js v") == 1
    for div_id in [*FIXED_IDS, "stances"]:
        assert page.count(f'id="{div_id}"') == 1
    assert "River talks" in page and "300 runs" in page and "seed 7" in page
    assert 'src="http' not in page


def test_the_page_is_deterministic(results: Results, tmp_path: Path) -> None:
    first = write_report(results, tmp_path / "a.html")
    second = write_report(results, tmp_path / "b.html")
    assert first.read_bytes() == second.read_bytes()
    ids = re.findall(rb'<div id="([^"]+)" class="plotly-graph-div"', first.read_bytes())
    assert [i.decode() for i in ids] == [*FIXED_IDS, "stances"]


def test_default_name_is_never_reused(
    results: Results, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first = write_report(results)
    first.write_text("earlier report", encoding="utf-8")
    second = write_report(results)
    assert second == Path("reports") / "tiny-2.html"
    assert first.read_text(encoding="utf-8") == "earlier report"
    assert write_report(results, force=True) == first
    assert first.read_text(encoding="utf-8") != "earlier report"


def test_an_existing_explicit_path_needs_force(results: Results, tmp_path: Path) -> None:
    target = tmp_path / "mine.html"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(NegsimError, match="already exists"):
        write_report(results, target)
    assert target.read_text(encoding="utf-8") == "keep me"
    assert write_report(results, target, force=True) == target
    assert "plotly-graph-div" in target.read_text(encoding="utf-8")


def test_report_and_summary_read_only_results_and_the_scenario() -> None:
    sim_dir = TESTS.parent / "sim"
    mine = [sim_dir / "report" / "summary.py"] + [
        sim_dir / "report" / f"{name}.py"
        for name in ("figures", "escalation", "stances", "theme", "html")
    ]
    allowed = {
        "sim.analysis.results",
        "sim.analysis.stamp",
        "sim.scenario.format",
        "sim.scenario.families",
        "sim.files",
        "sim.errors",
        "sim.vocabulary",
    }
    for path in mine:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert not name.startswith("simpy"), path
                if name.startswith("sim.") and not name.startswith("sim.report."):
                    assert name in allowed, f"{path.name} imports {name}"


def test_outcomes_are_coloured_by_family_the_same_in_every_figure(results: Results) -> None:
    s = results.scenario
    colours = outcome_colours(s)
    assert [family(o, s) for o in s.outcomes] == [
        Family.SETTLEMENT, Family.SETTLEMENT, Family.ESCALATION
    ]  # fmt: skip
    bars = report_data(results)["outcomes"][0]
    assert bars["marker"]["color"] == [colours[o.id] for o in s.outcomes]
    lines = report_data(results)["convergence"]
    assert [t["line"]["color"] for t in lines] == [colours[o.id] for o in s.outcomes]
    assert colours["toll-deal"] != colours["high-dam"]  # two shades of one family


def test_a_stated_family_wins_over_the_one_the_condition_implies(results: Results) -> None:
    s = results.scenario
    outcome = s.outcomes[0].model_copy(update={"family": Family.SIDE_DEAL})
    assert family(outcome, s) == Family.SIDE_DEAL
    assert implied_family(s.outcomes[0].condition, s) == Family.SETTLEMENT
    assert implied_family(None, s) == Family.NONE


def test_an_unreachable_outcome_says_so_instead_of_showing_no_bar(flagship_path: Path) -> None:
    results = simulate(load_scenario(flagship_path), runs=30, seed=1)
    assert "austrian-neutrality" in results.structural_zeros
    data = report_data(results)
    ids = [o.id for o in results.scenario.outcomes]
    labels = data["outcomes"][1]["text"]
    assert labels[ids.index("austrian-neutrality")] == "\u00a0unreachable"
    table = {row[0]: row for row in data["outcomes-numbers"][1:]}
    austria = table["Austrian-style neutrality for Ukraine"]
    assert austria[3] == "unreachable" and austria[4] == "— (cannot occur)"
    zero = [o for o in ids if results.count(o) == 0 and o not in results.structural_zeros]
    for outcome in zero:  # a zero that is only an estimate shows as 0.0 % with its interval
        assert labels[ids.index(outcome)] == "\u00a00.0 %"


def test_every_chart_has_a_table_of_its_numbers_under_it(results: Results) -> None:
    page = render_report(results)
    for div in FIXED_IDS:
        chart = page.index(f'id="{div}"')
        assert page.index(f'id="{div}-numbers"') > chart, div
    head, *rows = report_data(results)["outcomes-numbers"]
    assert head == ["outcome", "family", "runs", "share", "95 % interval"]
    low, high = results.interval("toll-deal")
    assert rows[0][2:] == [
        str(results.count("toll-deal")),
        f"{100 * results.share('toll-deal'):.1f} %",
        f"{100 * low:.1f} % – {100 * high:.1f} %",
    ]


def test_the_red_line_chart_shades_where_an_agreement_is_possible(results: Results) -> None:
    s = results.scenario
    found = zones(s, "toll")
    figure = report_figures(results)["redlines-toll"]
    assert len(figure.layout.shapes) == len(found) + 1  # the zones and the status quo
    for shape, (_, low, high, _) in zip(figure.layout.shapes, found, strict=False):
        assert (shape.x0, shape.x1) == (low, high)
    bars = figure.data[0]
    assert list(bars.y) == [a.name + (" (veto)" if any(
        v.actor == a.id and "toll" in v.issues for v in s.vetoes) else "") for a in s.actors
    ]  # fmt: skip


def test_the_stance_scale_takes_no_side_and_names_its_ends(results: Results) -> None:
    heatmap = report_figures(results)["stances"].data[0]
    scale = [c for _, c in heatmap.colorscale]
    assert "red" not in " ".join(scale).lower()
    assert list(heatmap.colorbar.tickvals) == [0, 50, 100]
    title = heatmap.colorbar.title.text
    assert "0 the issue's low end" in title and "100 its high end" in title
    assert heatmap.colorbar.orientation == "h"


def test_the_stance_heatmap_has_an_issue_per_row_and_an_actor_per_column(
    results: Results,
) -> None:
    s = results.scenario
    heatmap = report_figures(results)["stances"].data[0]
    assert list(heatmap.y) == [i.id for i in s.issues]
    assert list(heatmap.x) == [a.id for a in s.actors]
    assert heatmap.z[0][1] == s.actors[1].stances[s.issues[0].id].position


def test_every_figure_keeps_its_legend_below_and_its_title_short(results: Results) -> None:
    for div, figure in report_figures(results).items():
        layout = figure.layout
        if layout.legend.orientation is not None:
            assert layout.legend.orientation == "h" and layout.legend.yref == "container", div
        for line in (layout.title.text or "").split("<br>"):
            assert len(line) <= 40, (div, line)

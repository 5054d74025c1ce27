"""The debrief: every group placed on the model's distribution, side by side, choice by choice."""

from __future__ import annotations

from sim.classroom.debrief import Distribution, GroupResult
from sim.classroom.shell import esc, page
from sim.classroom.store import SessionRow
from sim.classroom.transcript import decision_row
from sim.report.debrief_figures import outcome_chart, utility_chart
from sim.vocabulary import FORM_NAMES


def _side_by_side(results: list[GroupResult], humans: tuple[str, ...]) -> str:
    if not results:
        return "<p>No groups.</p>"
    s = results[0].state.table.scenario
    a = results[0].state.table.arrays
    labels = {p.id: p.label for p in s.primary} | {o.id: o.label for o in s.outcomes}
    rungs = [r.label for r in s.escalation.ladder] if s.escalation else []
    head = "".join(f"<th>Group {r.number}</th>" for r in results) + "<th>model, same run</th>"
    rows = [
        "<tr><td>state</td>"
        + "".join(
            "<td>finished</td>"
            if r.state.finished or r.state.pending is None
            else f"<td>unfinished: the model plays on from decision {r.state.pending.number}</td>"
            for r in results
        )
        + "<td>—</td></tr>",
        "<tr><td>primary class</td>"
        + "".join(f"<td><b>{esc(labels[r.primary])}</b></td>" for r in results)
        + f"<td>{esc(labels[results[0].model_primary])}</td></tr>",
        "<tr><td>outcomes reached</td>"
        + "".join(
            f"<td>{esc(', '.join(labels[o] for o in r.outcomes) or 'none')}</td>" for r in results
        )
        + f"<td>{esc(', '.join(labels[o] for o in results[0].model_outcomes) or 'none')}</td></tr>",
    ]
    if rungs:
        rows.append(
            "<tr><td>escalation peak</td>"
            + "".join(f"<td>{esc(rungs[r.state.record.peak_level])}</td>" for r in results)
            + f"<td>{esc(rungs[results[0].model_record.peak_level])}</td></tr>"
        )
    for k, issue in enumerate(s.issues):

        def agreed(record: object, k: int = k) -> str:
            g = record.agreements[k]  # type: ignore[attr-defined]
            return "—" if g is None else f"{g.position:.1f} ({FORM_NAMES[g.form]})"

        rows.append(
            f"<tr><td>agreement: {esc(issue.name)}</td>"
            + "".join(f"<td>{agreed(r.state.record)}</td>" for r in results)
            + f"<td>{agreed(results[0].model_record)}</td></tr>"
        )
    for actor in humans:
        i = a.actor_ids.index(actor)
        rows.append(
            f"<tr><td>utility of {esc(actor)} (seat − model)</td>"
            + "".join(
                f"<td>{r.utilities[i]:.3f} ({r.utilities[i] - r.model_utilities[i]:+.3f})</td>"
                for r in results
            )
            + f"<td>{results[0].model_utilities[i]:.3f}</td></tr>"
        )
    rows.append(
        "<tr><td>decisions unlike the model's</td>"
        + "".join(f"<td>{r.differences} of {len(r.state.taken)}</td>" for r in results)
        + "<td>—</td></tr>"
    )
    return f'<table id="side-by-side"><tr><th></th>{head}</tr>{"".join(rows)}</table>'


def _choices(result: GroupResult) -> str:
    rows = []
    for taken in result.state.taken:
        row = decision_row(result.state, result.number, taken)
        mark = "" if row.same_as_model else "≠"
        rows.append(
            f"<tr{' class=me' if mark else ''}><td class=num>{row.decision}</td>"
            f"<td>{esc(row.date)}</td><td>{esc(row.actor)}</td><td>{esc(row.question)}</td>"
            f"<td>{esc(row.answer)}</td><td>{esc(row.model_answer)}</td><td>{mark}</td></tr>"
        )
    return (
        f'<details id="choices-{result.number}"><summary>Group {result.number}: every seat '
        f"decision beside what the model would have done</summary><table><tr><th>#</th>"
        "<th>date</th><th>seat</th><th>decision</th><th>chose</th><th>the model would</th><th></th>"
        f"</tr>{''.join(rows)}</table></details>"
    )


def debrief_page(
    session: SessionRow,
    results: list[GroupResult],
    distribution: Distribution | None,
    *,
    token: str,
    head: str,
    fingerprint: str,
    live: bool,
) -> str:
    """The debrief; *head* brings plotly.js (a script tag, or the library inlined for export)."""
    parts = []
    scenario = results[0].state.table.scenario if results else None
    links = (
        f'<p><a href="/debrief/{esc(token)}/transcript.csv">transcripts (CSV)</a> · '
        f'<a href="/debrief/{esc(token)}/transcript.json">transcripts (JSON)</a> · '
        f'<a href="/debrief/{esc(token)}/export.html">printable export</a></p>'
    )
    if live:
        parts.append(links)
    if distribution is None:
        parts.append(
            '<p class="status wait" id="mc-status">The model\'s Monte Carlo is still running '
            f"({session.runs} runs, seed {session.seed}); this page updates when it is done.</p>"
        )
    elif scenario is not None:
        labels = [p.label for p in scenario.primary]
        shares = [c / distribution.runs for c in distribution.primary_counts]
        groups = [(f"Group {r.number}", distribution.primary_ids.index(r.primary)) for r in results]
        parts.append(
            f"<p>The model's distribution: {distribution.runs} runs of seed {distribution.seed} "
            f"(the same as <code>negsim run {esc(session.scenario)} --runs {distribution.runs} "
            f"--seed {distribution.seed}</code>). Every group played run {session.run_index}.</p>"
        )
        parts.append(
            outcome_chart(
                "debrief-outcomes", labels, shares, groups, distribution.runs, distribution.seed
            )
        )
        a = results[0].state.table.arrays
        for actor in session.humans:
            i = a.actor_ids.index(actor)
            marks = [
                (f"Group {r.number}", r.utilities[i], distribution.percentile(i, r.utilities[i]))
                for r in results
            ]
            name = next(x.name for x in scenario.actors if x.id == actor)
            parts.append(
                utility_chart(
                    f"debrief-utility-{actor}",
                    name,
                    distribution.utilities[i],
                    marks,
                    results[0].model_utilities[i],
                )
            )
    parts.append("<h2>The groups side by side</h2>" + _side_by_side(results, session.humans))
    parts.append("<h2>What the model would have done</h2>")
    parts += [_choices(r) for r in results]
    parts.append(
        "<h2>Questions for the debrief</h2><ol>"
        "<li>Which group's end state is least likely under the model? Which decisions put it "
        "there?</li><li>Where did a seat refuse what the model would have accepted, and what "
        "did that cost or gain it?</li><li>Did any group escalate where the model held? What "
        "did the other side answer?</li><li>Which red lines made agreement impossible whatever "
        "anyone did?</li></ol>"
    )
    title = scenario.scenario.title if scenario else session.scenario
    return page(
        "Debrief",
        f"Debrief · {title}",
        f"session {esc(session.phase.value)} · seed {session.seed} · run {session.run_index}",
        "".join(parts),
        events=f"/events/{token}" if live else "",
        fingerprint=fingerprint,
        head=head,
        inline=not live,
    )

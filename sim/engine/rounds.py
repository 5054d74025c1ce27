"""Meeting rounds of a batch: the model's rounds of one venue at one moment, taken together.

The expected-utility round of every run at the venue is one call of the compiled kernel
(:func:`sim.model.eu_kernel.engine_rounds`), over every issue on the venue's table: an issue's
round reads only that issue, so each run's open issues get exactly the moves they get alone.
Each run's answers, records and settlement then follow as in :func:`negotiation_round`, in the
model's order (issue by issue, then target by target). Rounds with a player go one by one
through the policy (:func:`~sim.engine.negotiation.negotiation_round`).
"""

from __future__ import annotations

import numpy as np

from sim.engine.batch import Batch, RoundRequest
from sim.engine.negotiation import answer, concede, settle
from sim.engine.venue_round import SPAN
from sim.model.eu_kernel import engine_rounds
from sim.model.expected_utility import KINDS


def take_rounds(batch: Batch, requests: list[RoundRequest], day: float) -> None:
    """The rounds asked at this moment, venue by venue and round by round."""
    groups: dict[tuple[int, int], list[RoundRequest]] = {}
    for request in requests:
        groups.setdefault((request.venue, request.round), []).append(request)
    for (venue, rnd), group in groups.items():
        _venue_round(batch, venue, rnd, group, day)


def _venue_round(batch: Batch, venue: int, rnd: int, group: list[RoundRequest], day: float) -> None:
    a = batch.arrays
    g = batch.grids
    members = np.flatnonzero(a.venue_participants[venue])
    table = np.flatnonzero(a.venue_table[venue])
    column = {int(k): c for c, k in enumerate(table.tolist())}
    rows = np.array([request.row for request in group], dtype=np.int64)
    position = g["position"][np.ix_(rows, members, table)]
    capability = g["capability"][np.ix_(rows, members)]
    salience = g["salience"][np.ix_(rows, members, table)]
    q = np.array([batch.states[r].arrays.q for r in rows.tolist()])
    kind, counterpart, end, resist = engine_rounds(position, capability, salience, q, SPAN)
    ids = members.tolist()
    for i, request in enumerate(group):
        state = batch.states[request.row]
        open_ = request.open.issues
        columns = [column[k] for k in open_]
        kinds = kind[i][:, columns]
        issue_index, target_index = np.nonzero(kinds.T >= 0)
        starts = position[i][:, columns].T[issue_index, target_index].tolist()
        ends = end[i][:, columns].T[issue_index, target_index].tolist()
        risks = resist[i][:, columns].T[issue_index, target_index].tolist()
        by = counterpart[i][:, columns].T[issue_index, target_index].tolist()
        chosen = kinds.T[issue_index, target_index].tolist()
        moves: dict[tuple[int, int], float] = {}
        for n, (k, t) in enumerate(zip(issue_index.tolist(), target_index.tolist(), strict=True)):
            proposal = (
                ids[by[n]],
                ids[t],
                open_[k],
                KINDS[chosen[n]],
                starts[n],
                ends[n],
                risks[n],
            )
            answer(state, (venue, rnd, day), proposal, ends[n], moves)
        concede(state, moves)
        request.open.issues = settle(state, venue, day, open_, request.final)

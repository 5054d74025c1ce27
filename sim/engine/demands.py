"""Who asks whom to move at a round: each proposer's demands, through the policy.

The expected-utility round gives each target's chosen move and the participant it moves toward
(:func:`sim.engine.venue_round.propose`); that participant is the proposer. Before the targets
answer, every participant is asked for its demands (:class:`~sim.engine.policy.DemandView`):
the model keeps its offers, a player may drop them or ask anyone at the table to move anywhere
on an open issue. Demands the model did not make are answered by the model's concession
(docs/model.md §2, demands).
"""

from __future__ import annotations

import numpy as np

from sim.engine.policy import Demand, DemandView, ProposalView
from sim.engine.state import RunState
from sim.engine.venue_round import Proposal, answer_to_demand, concession, propose
from sim.errors import SimulationError


def _check(demand: Demand, view: DemandView) -> None:
    """A demand the engine can put: to another participant, on an open issue, on the scale."""
    if demand.target not in view.members or demand.target == view.proposer:
        raise SimulationError(f"demand to actor {demand.target}: not another participant")
    if demand.issue not in view.issues:
        raise SimulationError(f"demand on issue {demand.issue}: not open at this round")
    if not 0.0 <= demand.position <= 100.0:
        raise SimulationError(f"demand to {demand.position}: off the 0–100 scale")


def round_proposals(
    state: RunState, venue: int, rnd: int, day: float, open_: list[int]
) -> list[ProposalView]:
    """Every proposal put to a target at this round, in the order the targets answer.

    The model's offers that their proposers keep come first, in the model's order (issue by
    issue, then target by target); then the demands the model did not make, proposer by
    proposer in the order each gave them.
    """
    a = state.arrays
    members = np.flatnonzero(a.venue_participants[venue])
    table = np.array(open_)
    position = state.position[members][:, table]
    capability = state.capability[members]
    salience = state.salience[members][:, table]
    offers = propose(position, capability, salience, a.q)
    local = {int(m): i for i, m in enumerate(members.tolist())}
    column = {issue: c for c, issue in enumerate(open_)}

    def demand_of(offer: Proposal) -> Demand:
        return Demand(int(members[offer.target]), open_[offer.column], offer.end)

    kept: dict[int, set[Demand]] = {}
    extra: list[tuple[int, Demand]] = []
    member_ids = tuple(int(m) for m in members.tolist())
    # the model keeps its own offers and adds none: a policy that is the model is not asked
    asked = not state.model_decides
    offered: dict[int, list[Demand]] = {proposer: [] for proposer in member_ids}
    for o in offers if asked else ():  # each proposer's offers, in the model's order
        offered[member_ids[o.proposer]].append(demand_of(o))
    for proposer in member_ids if asked else ():
        model = tuple(offered[proposer])
        view = DemandView(
            day,
            venue,
            rnd,
            proposer,
            member_ids,
            tuple(open_),
            position,
            capability,
            salience,
            a.q,
            model,
        )
        chosen = state.policy.propose(view)
        own = set(model)
        kept[proposer] = own & set(chosen)
        for demand in chosen:
            if demand not in own:
                _check(demand, view)
                extra.append((proposer, demand))

    def view_of(
        proposer: int,
        target: int,
        issue: int,
        kind: str,
        start: float,
        proposed: float,
        resist: float,
        model_end: float | None,
    ) -> ProposalView:
        return ProposalView(
            day=day,
            venue=venue,
            round=rnd,
            issue=issue,
            proposer=proposer,
            target=target,
            kind=kind,
            start=start,
            proposed=proposed,
            red_low=float(a.red_low[target, issue]),
            red_high=float(a.red_high[target, issue]),
            resist_utility=resist,
            table=tuple(zip(member_ids, position[:, column[issue]].tolist(), strict=True)),
            model_end=model_end,
        )

    views = [
        view_of(
            int(members[o.proposer]),
            int(members[o.target]),
            open_[o.column],
            o.kind,
            o.start,
            o.end,
            o.resist_utility,
            None,
        )
        for o in offers
        if not asked or demand_of(o) in kept[int(members[o.proposer])]
    ]
    for proposer, demand in extra:
        c = column[demand.issue]
        i, j = local[demand.target], local[proposer]
        dyad = concession(position[:, c], capability, salience[:, c], a.q, i, j)
        start = float(position[i, c])
        answer = answer_to_demand(start, demand.position, dyad.end)
        views.append(
            view_of(
                proposer,
                demand.target,
                demand.issue,
                dyad.kind,
                start,
                demand.position,
                dyad.resist_utility,
                answer,
            )
        )
    return views

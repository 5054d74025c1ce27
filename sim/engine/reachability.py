"""Structural zeros: outcomes that no run can reach, proved from the scenario's certain inputs.

The proof follows the engine's rules (docs/model.md §3 and §9): an agreement on an issue comes
only from a meeting with the issue on its table, takes that meeting's form, needs every veto
holder on the issue at the table, needs no one whose consent it needs to count only a stronger
form, and lies inside the red lines of all of them (renegotiation under escalation moves it only
within those lines). A position never leaves its actor's stated red line; the peak rung lies
between the start rung and the top (below the top when nobody can escalate); a shock with a
certain probability of 0 never fires. Only red lines with credibility 1 count as certain.

Conditions combine three-valued: a part is *possible* or *impossible* (with its reason);
``all`` is impossible when one part is, ``any`` when every part is, ``not`` when its part is
certain. What cannot be proved stays an estimate: the prover never claims more.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario.conditions import (
    AgreementCount,
    AgreementTest,
    AllOf,
    AnyOf,
    Condition,
    FinalPosition,
    HasAgreement,
    NoAgreement,
    NotOf,
    PeakEscalation,
    ShockFired,
)
from sim.scenario.format import RedLine, Scenario, Venue
from sim.vocabulary import Form


@dataclass(frozen=True)
class Verdict:
    """Whether a condition can hold and whether it can fail, with the reason when it cannot."""

    can_hold: bool
    can_fail: bool
    reason: str = ""
    """Why it can never hold (or never fail, for a negated part)."""


_MAYBE = Verdict(True, True)


def _where(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f" between {low:g} and {high:g}"
    if low is not None:
        return f" at {low:g} or above"
    return f" at {high:g} or below" if high is not None else ""


def _who(actors: list[str], issue: str) -> str:
    if len(actors) == 1:
        return f"{actors[0]} holds a veto on {issue} and is not at the table"
    names = ", ".join(actors[:-1]) + f" and {actors[-1]}"
    return f"{names} hold vetoes on {issue} and are not at the table"


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{low:g}–{high:g}"
    if low is not None:
        return f"at least {low:g}"
    return f"at most {high:g}" if high is not None else "anything"


class _Prover:
    def __init__(self, s: Scenario) -> None:
        self.s = s
        self.uncertain_shocks = {
            u.input.split(".")[1]
            for u in s.uncertainties
            if u.input.startswith("shock.") and u.input.endswith(".probability")
        }

    def certain_line(self, actor: str, issue: str) -> RedLine | None:
        stance = next(a for a in self.s.actors if a.id == actor).stances[issue]
        red = stance.red_line
        return red if red is not None and red.credibility >= 1.0 else None

    def veto_holders(self, issue: str) -> list[str]:
        return [v.actor for v in self.s.vetoes if issue in v.issues]

    def venue_block(self, venue: Venue, test: AgreementTest) -> str:
        """Why *venue* can never give an agreement passing *test*, or "" when it may."""
        k = test.issue
        absent = [a for a in self.veto_holders(k) if a not in venue.participants]
        if absent:
            return f"{venue.id}: {_who(absent, k)}"
        needed = list(dict.fromkeys([*venue.participants, *self.veto_holders(k)]))
        lines = {a: self.certain_line(a, k) for a in needed}
        for actor, red in lines.items():
            if red is not None and red.form is not None and red.form.rank > venue.form.rank:
                return (
                    f"{venue.id}: {actor} counts only {red.form.value} agreements on {k}, "
                    f"the meeting's form is {venue.form.value}"
                )
        bound = {a: r for a, r in lines.items() if r is not None}
        low = max((r.low for r in bound.values()), default=0.0)
        high = min((r.high for r in bound.values()), default=100.0)
        if low > high:
            lo = [f"{a} ({_bounds(r.min, r.max)})" for a, r in bound.items() if r.low == low]
            hi = [f"{a} ({_bounds(r.min, r.max)})" for a, r in bound.items() if r.high == high]
            return f"{venue.id}: the red lines of {', '.join(lo + hi)} leave no common point"
        t_low = 0.0 if test.min is None else test.min
        t_high = 100.0 if test.max is None else test.max
        if high < t_low:
            who = [f"{a} ({_bounds(r.min, r.max)})" for a, r in bound.items() if r.high < t_low]
            return f"{venue.id}: the red lines of {', '.join(who)} keep it below {t_low:g}"
        if low > t_high:
            who = [f"{a} ({_bounds(r.min, r.max)})" for a, r in bound.items() if r.low > t_high]
            return f"{venue.id}: the red lines of {', '.join(who)} keep it above {t_high:g}"
        return ""

    def agreement(self, test: AgreementTest) -> Verdict:
        form = test.form or Form.VERBAL
        venues = [v for v in self.s.venues if test.issue in v.issues and v.form.rank >= form.rank]
        what = f"an agreement on {test.issue}{_where(test.min, test.max)}"
        if test.form is not None:
            what += f" in {test.form.value} form or stronger"
        if not venues:
            return Verdict(
                False, True, f"{what}: no meeting has {test.issue} on its table in that form"
            )
        blocks = [self.venue_block(v, test) for v in venues]
        if all(blocks):
            return Verdict(False, True, f"{what}: " + "; ".join(blocks))
        return _MAYBE

    def escalation_range(self) -> tuple[int, int]:
        e = self.s.escalation
        if e is None:
            return 0, 0
        rungs = [r.id for r in e.ladder]
        start = rungs.index(e.start.rung) if e.start else 0
        if e.options:
            return start, len(rungs) - 1
        climb = sum(
            max(0, round(x.change))
            for k in self.s.shocks
            if k.probability > 0 or k.id in self.uncertain_shocks
            for x in k.effects
            if x.parameter == "escalation"
        )
        return start, min(len(rungs) - 2, start + climb) if len(rungs) > 1 else start

    def verdict(self, c: Condition) -> Verdict:
        if isinstance(c, AllOf):
            parts = [self.verdict(p) for p in c.all]
            bad = next((p for p in parts if not p.can_hold), None)
            if bad is not None:
                return Verdict(False, True, bad.reason)
            return Verdict(True, any(p.can_fail for p in parts))
        if isinstance(c, AnyOf):
            parts = [self.verdict(p) for p in c.any]
            if not any(p.can_hold for p in parts):
                return Verdict(False, True, "; ".join(p.reason for p in parts))
            return Verdict(True, all(p.can_fail for p in parts))
        if isinstance(c, NotOf):
            inner = self.verdict(c.not_)
            return Verdict(
                inner.can_fail, inner.can_hold, inner.reason if not inner.can_fail else ""
            )
        if isinstance(c, HasAgreement):
            return self.agreement(c.agreement)
        if isinstance(c, NoAgreement):
            any_form = self.agreement(AgreementTest(issue=c.no_agreement))
            return Verdict(True, any_form.can_hold, any_form.reason)
        if isinstance(c, PeakEscalation):
            return self.peak(c)
        if isinstance(c, FinalPosition):
            t = c.position
            red = (
                self.certain_line(t.actor, t.issue)
                or next(a for a in self.s.actors if a.id == t.actor).stances[t.issue].red_line
            )
            if red is None:
                return _MAYBE
            t_low = 0.0 if t.min is None else t.min
            t_high = 100.0 if t.max is None else t.max
            if red.high < t_low or red.low > t_high:
                return Verdict(
                    False,
                    True,
                    f"{t.actor}'s position on {t.issue} never leaves its red line "
                    f"({_bounds(red.min, red.max)}), so it is never {_bounds(t.min, t.max)}",
                )
            return _MAYBE
        if isinstance(c, AgreementCount):
            return self.count(c)
        if isinstance(c, ShockFired):
            shock = next(k for k in self.s.shocks if k.id == c.shock)
            if shock.probability <= 0.0 and shock.id not in self.uncertain_shocks:
                return Verdict(False, True, f"shock {shock.id} has probability 0")
            return _MAYBE
        return _MAYBE  # pragma: no cover

    def peak(self, c: PeakEscalation) -> Verdict:
        e = self.s.escalation
        if e is None:
            return _MAYBE
        rungs = [r.id for r in e.ladder]
        low, high = self.escalation_range()
        t_low = rungs.index(c.escalation.min) if c.escalation.min else 0
        t_high = rungs.index(c.escalation.max) if c.escalation.max else len(rungs) - 1
        if t_high < low:
            return Verdict(
                False, True, f"runs start on {rungs[low]}, so the peak is never below it"
            )
        if t_low > high:
            return Verdict(
                False, True, f"no actor can escalate, so the peak never passes {rungs[high]}"
            )
        return Verdict(True, not (t_low <= low and high <= t_high))

    def count(self, c: AgreementCount) -> Verdict:
        issues = [i.id for i in self.s.issues]
        blocked = {k: self.agreement(AgreementTest(issue=k)) for k in issues}
        possible = [k for k in issues if blocked[k].can_hold]
        need = c.agreements.min or 0
        if need > len(possible):
            never = [k for k in issues if k not in possible]
            return Verdict(
                False,
                True,
                f"at least {need} agreements are needed but only {len(possible)} issues can be "
                f"agreed ({', '.join(never)} never can: "
                + "; ".join(blocked[k].reason for k in never)
                + ")",
            )
        return _MAYBE


def structural_zeros(scenario: Scenario) -> dict[str, str]:
    """Outcome and primary-class ids that no run can reach, each with the reason.

    Only provable cases are listed (see the module docstring); an id not listed may still
    have a share of zero in a given set of runs.
    """
    prover = _Prover(scenario)
    zeros: dict[str, str] = {}
    for outcome in scenario.outcomes:
        v = prover.verdict(outcome.condition)
        if not v.can_hold:
            zeros[outcome.id] = v.reason
    for cls in scenario.primary:
        if cls.condition is None:
            continue
        v = prover.verdict(cls.condition)
        if not v.can_hold and cls.id not in zeros:
            zeros[cls.id] = v.reason
    return zeros

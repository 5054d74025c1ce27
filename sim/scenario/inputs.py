"""Uncertain judgement numbers: the id-path grammar naming them and their distributions.

A scenario's ``uncertainties:`` entries each name one number of the file by an *id path* and
give the distribution it is drawn from per run. :func:`resolve_path` reads a path against a
scenario (or says why it names nothing); :func:`quantile` maps a uniform draw to a value, so
the per-run draw and a sensitivity design's unit-cube points go through the same function.

Id paths (ids are the scenario's own):

=====================================  ===========================================================
``<actor>.capability``                  the actor's capability
``<actor>.trust.<form>``                its trust in an agreement of that form
``<actor>.prevail``                     its stated belief of prevailing by force (its option)
``<actor>.prevail_uncertainty``         the spread of that private belief
``<actor>.costs.<rung>``                its cost of standing on that rung
``response.<id>.cost``                  a response's cost to its target
``shock.<id>.probability``              a shock's probability of firing
``shock.<id>.<parameter>[.<actor>][.<issue>]``  a shock effect's change
``model.<parameter>``                   a model parameter (``model.trust.<form>`` for defaults)
=====================================  ===========================================================

Red lines are made uncertain by their own ``credibility``; their per-run draw is named
``redline.<actor>.<issue>.real`` (1 when the stated line is the real one, else 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from statistics import NormalDist

from sim.scenario.format import Scenario, Uncertain
from sim.vocabulary import CAPABILITY_RANGE, MAX_CHANGE, MAX_COST, Form

SECTIONS = ("response", "shock", "model", "redline")
"""First segments that name a section, not an actor."""
MODEL_PARAMETERS = {
    "convergence": (1e-9, 50.0),
    "q": (0.0, 1.0),
    "logit_scale": (0.0, 1.0),
    "signal_learning": (0.0, 1.0),
    "escalation_salience": (0.0, 1.0),
}
"""Model parameters an uncertainty may name, with the range each must stay in."""
_FORMS = tuple(f.value for f in Form)
_INF = math.inf


class InputKind(StrEnum):
    """What kind of number an id path names."""

    CAPABILITY = "capability"
    TRUST = "trust"
    PREVAIL = "prevail"
    PREVAIL_SD = "prevail_uncertainty"
    COST = "cost"
    RESPONSE_COST = "response-cost"
    SHOCK_PROBABILITY = "shock-probability"
    SHOCK_EFFECT = "shock-effect"
    MODEL = "model"
    MODEL_TRUST = "model-trust"


@dataclass(frozen=True)
class InputPath:
    """An id path read against a scenario: what it names and the range its values must keep."""

    path: str
    kind: InputKind
    owner: str
    """The actor, response, shock or model parameter named."""
    key: str = ""
    """The form, rung or effect index (as text) the path names within its owner."""
    stated: float = 0.0
    """The value the scenario states for it."""
    low: float = -_INF
    high: float = _INF


def _actor_path(s: Scenario, path: str, parts: list[str]) -> InputPath | str:
    actors = {a.id: a for a in s.actors}
    name = parts[0]
    if name not in actors:
        known = ", ".join(sorted(actors))
        return f"{name!r} is no actor or section; actors: {known}; sections: model, response, shock"
    actor = actors[name]
    options = {o.actor: o for o in (s.escalation.options if s.escalation else ())}
    rest = parts[1:]
    if rest == ["capability"]:
        return InputPath(path, InputKind.CAPABILITY, name, "", actor.capability, *CAPABILITY_RANGE)
    if len(rest) == 2 and rest[0] == "trust":
        if rest[1] not in _FORMS:
            return f"unknown form {rest[1]!r}; known: {', '.join(_FORMS)}"
        trust = actor.trust or s.model.trust
        return InputPath(path, InputKind.TRUST, name, rest[1], trust.of(Form(rest[1])), 0.0, 1.0)
    if rest and rest[0] in ("prevail", "prevail_uncertainty", "costs"):
        option = options.get(name)
        if option is None:
            return f"{name!r} has no escalation option"
        if rest == ["prevail"]:
            return InputPath(path, InputKind.PREVAIL, name, "", option.prevail, 0.0, 1.0)
        if rest == ["prevail_uncertainty"]:
            sd = option.prevail_uncertainty
            return InputPath(path, InputKind.PREVAIL_SD, name, "", sd, 0.0, 0.5)
        if len(rest) == 2 and rest[0] == "costs":
            rungs = [r.id for r in s.escalation.ladder] if s.escalation else []
            if rest[1] not in rungs[1:]:
                return f"unknown rung {rest[1]!r}; known: {', '.join(rungs[1:])}"
            stated = option.costs.get(rest[1], 0.0)
            return InputPath(path, InputKind.COST, name, rest[1], stated, 0.0, MAX_COST)
    return (
        f"{path!r} names nothing; an actor's numbers are capability, trust.<form>, "
        "prevail, prevail_uncertainty, costs.<rung>"
    )


def _effect_path(s: Scenario, path: str, shock_id: str, rest: list[str]) -> InputPath | str:
    shock = next(k for k in s.shocks if k.id == shock_id)
    if rest == ["probability"]:
        return InputPath(
            path, InputKind.SHOCK_PROBABILITY, shock_id, "", shock.probability, 0.0, 1.0
        )
    matches = [
        (index, e)
        for index, e in enumerate(shock.effects)
        if [e.parameter, *(x for x in (e.actor, e.issue) if x)] == rest
    ]
    if len(matches) == 1:
        index, effect = matches[0]
        return InputPath(
            path,
            InputKind.SHOCK_EFFECT,
            shock_id,
            str(index),
            effect.change,
            -MAX_CHANGE,
            MAX_CHANGE,
        )
    names = ["probability"] + [
        ".".join([e.parameter, *(x for x in (e.actor, e.issue) if x)]) for e in shock.effects
    ]
    if matches:
        return f"{path!r} matches {len(matches)} effects of {shock_id!r}; it must name one"
    return f"shock {shock_id!r} has no {'.'.join(rest)!r}; known: {', '.join(names)}"


def resolve_path(s: Scenario, path: str) -> InputPath | str:
    """What *path* names in *s*, or a message saying why it names nothing."""
    parts = path.split(".")
    if len(parts) < 2 or not all(parts):
        return f"{path!r} is not an id path (e.g. <actor>.capability, shock.<id>.probability)"
    head, rest = parts[0], parts[1:]
    if head == "model":
        if rest[0] in MODEL_PARAMETERS and len(rest) == 1:
            low, high = MODEL_PARAMETERS[rest[0]]
            stated = float(getattr(s.model, rest[0]))
            return InputPath(path, InputKind.MODEL, rest[0], "", stated, low, high)
        if len(rest) == 2 and rest[0] == "trust" and rest[1] in _FORMS:
            stated = s.model.trust.of(Form(rest[1]))
            return InputPath(path, InputKind.MODEL_TRUST, "trust", rest[1], stated, 0.0, 1.0)
        known = ", ".join([*MODEL_PARAMETERS, "trust.<form>"])
        return f"unknown model parameter {'.'.join(rest)!r}; known: {known}"
    if head == "response":
        responses = {r.id: r for r in (s.escalation.responses if s.escalation else ())}
        if rest[0] not in responses:
            return f"unknown response {rest[0]!r}; known: {', '.join(sorted(responses)) or 'none'}"
        if rest[1:] != ["cost"]:
            return f"a response's only number is its cost: response.{rest[0]}.cost"
        return InputPath(
            path, InputKind.RESPONSE_COST, rest[0], "", responses[rest[0]].cost, 0.0, MAX_COST
        )
    if head == "shock":
        shocks = [k.id for k in s.shocks]
        if rest[0] not in shocks:
            return f"unknown shock {rest[0]!r}; known: {', '.join(shocks) or 'none'}"
        return _effect_path(s, path, rest[0], rest[1:])
    if head == "redline":
        return "red lines are made uncertain by their own `credibility`, not here"
    return _actor_path(s, path, parts)


def quantile(u: float, spec: Uncertain) -> float:
    """The value of *spec*'s distribution at cumulative probability *u* (its inverse CDF).

    Uniform and triangular by their closed forms; the normal truncated to [low, high] by
    Φ⁻¹(Φ(a) + u(Φ(b) − Φ(a))) with the standard library's NormalDist.
    """
    low, high = spec.low, spec.high
    if high <= low:
        return low
    if spec.distribution == "uniform":
        return low + u * (high - low)
    if spec.distribution == "triangular":
        mode = low if spec.mode is None else spec.mode
        cut = (mode - low) / (high - low)
        if u < cut:
            return low + math.sqrt(u * (high - low) * (mode - low))
        return high - math.sqrt((1.0 - u) * (high - low) * (high - mode))
    assert spec.mean is not None and spec.sd is not None
    normal = NormalDist(spec.mean, spec.sd)
    a, b = normal.cdf(low), normal.cdf(high)
    p = min(max(a + u * (b - a), 1e-15), 1.0 - 1e-15)
    return min(max(normal.inv_cdf(p), low), high)

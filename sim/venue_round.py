"""PLACEHOLDER until expected_utility lands."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.sampling import FloatArray


@dataclass(frozen=True, slots=True)
class Proposal:
    mover: int
    counterpart: int
    kind: str
    start: float
    end: float
    resist_utility: float


def propose(
    position: FloatArray, capability: FloatArray, salience: FloatArray, q: float
) -> list[Proposal]:
    w = capability * salience
    mean = float((w * position).sum() / w.sum()) if w.sum() > 0 else float(position.mean())
    out = []
    for i, x in enumerate(position):
        j = int(np.argmin(np.abs(position - mean) + (np.arange(len(position)) == i) * 1e9))
        out.append(Proposal(i, j, "compromise", float(x), float(x + 0.3 * (mean - x)), 0.0))
    return out

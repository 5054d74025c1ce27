"""A backtest as plain data (the ``--json`` payload) and as a terminal table."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.analysis.backtest import Backtest, IssueResult, Tuning
from sim.analysis.backtest.scores import PIT_BINS, WITHIN, Estimate

CRPS_LABELS = {
    "engine": "negsim engine (its runs)",
    "compromise": "compromise model (a point)",
    "spread": "spread baseline (actors' positions)",
    "engine-minus-compromise": "engine − compromise, paired",
}
"""Rows of the CRPS table, in order."""


def _estimate(e: Estimate, digits: int = 3) -> dict[str, float | int]:
    return {
        "value": round(e.value, digits),
        "low": round(e.low, digits),
        "high": round(e.high, digits),
        "n": e.n,
    }


def _issue(r: IssueResult) -> dict[str, Any]:
    p10, p90 = np.percentile(r.engine, [10, 90])
    return {
        "issue": r.issue,
        "proposal": r.proposal,
        "line": r.line,
        "procedure": r.procedure,
        "voting": r.voting,
        "actors": r.actors,
        "outcome": r.outcome,
        "reference": r.reference,
        "forecasts": {m: None if v is None else round(v, 3) for m, v in r.forecasts.items()},
        "engine": {
            "adopted": round(r.adopted, 4),
            "p10": round(float(p10), 3),
            "p90": round(float(p90), 3),
        },
        "crps": {"engine": round(r.crps_engine, 3), "spread": round(r.crps_spread, 3)},
        "pit": round(r.pit, 4),
    }


def _tuning(t: Tuning) -> dict[str, Any]:
    return {
        "parameter": t.parameter,
        "values": list(t.values),
        "criterion": t.criterion,
        "in_sample": {f"{v:g}": round(loss, 3) for v, loss in t.in_sample.items()},
        "folds": [
            {
                "held_out_proposals": sorted(c.fold.test),
                "chosen": c.chosen,
                "train_loss": round(c.train_loss, 3),
                "test_loss": round(c.test_loss, 3),
                "test_issues": c.test_issues,
            }
            for c in t.validation.choices
        ],
        "out_of_fold": _estimate(t.out_of_fold),
        "out_of_fold_mae": _estimate(t.out_of_fold_mae),
    }


def backtest_payload(b: Backtest) -> dict[str, Any]:
    """Everything the backtest measured, as JSON-ready data (``negsim backtest --json``)."""
    s = b.engine_settings
    return {
        "file": b.file,
        "settings": {
            "rounds": b.rounds,
            "runs": b.runs,
            "seed": b.seed,
            "capability": b.capability,
            "engine": {
                "position_sd": s.position_sd,
                "salience_sd": s.salience_sd,
                "engine_rounds": s.rounds,
                "convergence": s.convergence,
            },
        },
        "issues_scored": len(b.issues),
        "proposals": b.proposals,
        "issues_skipped": b.skipped,
        "models": [
            {
                "model": m.model,
                "label": m.label,
                "mae": _estimate(m.mae),
                "within_10": _estimate(m.within),
                "minus_compromise": _estimate(m.versus_baseline),
            }
            for m in b.scores
        ],
        "crps": {name: _estimate(e) for name, e in b.crps.items()},
        "engine_adopted_share": round(float(np.mean([r.adopted for r in b.issues])), 4),
        "pit": {
            "bins": PIT_BINS,
            "counts": list(b.pit_counts),
            "expected_per_bin": round(len(b.issues) / PIT_BINS, 2),
        },
        "tuning": None if b.tuning is None else _tuning(b.tuning),
        "issues": [_issue(r) for r in b.issues],
    }


def _interval(e: Estimate, signed: bool = False) -> str:
    sign = "+" if signed else ""
    return f"{e.value:{sign}.1f} [{e.low:{sign}.1f}, {e.high:{sign}.1f}]"


def format_backtest(b: Backtest) -> str:
    """The score tables as plain text, at most 80 columns wide."""
    lines = [
        f"{b.file}: {len(b.issues)} issues of {b.proposals} proposals scored",
        f"skipped: {', '.join(f'{n} {why}' for why, n in b.skipped.items() if n) or 'none'}",
        *(f"  skipped {row}" for row in b.skipped_rows),
        f"EU model {b.rounds} rounds; engine {b.runs} runs, seed {b.seed}; "
        f"capability {b.capability}",
        "",
        f"{'model':<31}{'n':>4}  {'MAE [95 % CI]':<18}{'− compromise':<21}"
        f"{'≤' + format(WITHIN, 'g'):>4}",
    ]
    for m in b.scores:
        diff = "—" if m.model == "compromise" else _interval(m.versus_baseline, signed=True)
        lines.append(
            f"{m.label:<31}{m.mae.n:>4}  {_interval(m.mae):<18}{diff:<21}"
            f"{100 * m.within.value:>3.0f}%"
        )
    lines += ["", f"{'CRPS (lower is better)':<40}mean [95 % interval]"]
    for name, label in CRPS_LABELS.items():
        signed = name == "engine-minus-compromise"
        lines.append(f"{label:<40}{_interval(b.crps[name], signed=signed)}")
    adopted = 100 * float(np.mean([r.adopted for r in b.issues]))
    lines += [
        f"engine runs ending in an adopted act: {adopted:.1f} % (else the status quo)",
        "",
        f"PIT of the outcome in the engine's runs, {PIT_BINS} bins",
        f"(calibrated: about {len(b.issues) / PIT_BINS:.1f} each):",
        "  " + " ".join(str(c) for c in b.pit_counts),
    ]
    if b.tuning is not None:
        t = b.tuning
        lines += [
            "",
            f"--tune {t.parameter}: chosen per fold by {t.criterion} on the other proposals",
            "  "
            + "  ".join(f"{v:g}: {loss:.2f}" for v, loss in t.in_sample.items())
            + "  (in sample)",
            "  folds chose " + ", ".join(f"{c.chosen:g}" for c in t.validation.choices),
            f"  out of fold: {t.criterion} {_interval(t.out_of_fold)}",
            f"  out of fold: MAE of the point forecast {_interval(t.out_of_fold_mae)}",
        ]
    return "\n".join(lines) + "\n"

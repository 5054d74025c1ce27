"""The reproducibility stamp every JSON payload and every report carries.

Seed, run count, negsim's version and a hash of each input: with the same stamp, a run gives
the same results. A scenario's hash is the SHA-256 of its validated content as canonical JSON
(keys sorted, no spaces), so it covers everything a variant inherits from its base and ignores
comments, layout and key order; a data set's hash covers its name, actors and numbers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from sim.scenario.bdmdata import BdmData
from sim.scenario.deudata import DeuData
from sim.scenario.format import Scenario

Source = Scenario | BdmData | DeuData
"""What a command reads: a scenario, an expected-utility data set or a DEU-layout data set."""


@cache
def negsim_version() -> str:
    """The installed negsim's version (``0+unknown`` when run from an uninstalled tree)."""
    try:
        return version("negsim")
    except PackageNotFoundError:
        return "0+unknown"


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def input_hash(source: Source) -> str:
    """SHA-256 (hex) of a scenario's validated content, or of a data set's content."""
    if isinstance(source, Scenario):
        return _digest(source.model_dump(mode="json", by_alias=True))
    if isinstance(source, DeuData):
        return _digest(
            {
                "actors": list(source.actors),
                "capability": list(source.capability),
                "issues": [  # the row's line number is layout, not content
                    {k: v for k, v in asdict(issue).items() if k != "line"}
                    for issue in source.issues
                ],
            }
        )
    return _digest(
        {
            "name": source.name,
            "actors": list(source.actors),
            "capability": source.capability.tolist(),
            "position": source.position.tolist(),
            "salience": source.salience.tolist(),
        }
    )


def input_id(source: Source) -> str:
    """A scenario's id, or a data set's name (a DEU file's name without its folder)."""
    if isinstance(source, DeuData):
        return Path(source.file).name
    return source.id if isinstance(source, Scenario) else source.name


@dataclass(frozen=True)
class Stamp:
    """What reproduces an output: negsim's version, the seed, the runs and each input's hash."""

    seed: int | None
    """None for deterministic commands (validate, forecast)."""
    runs: int | None
    inputs: tuple[tuple[str, str], ...]
    """(id, SHA-256) of each scenario or data set, in the order given."""
    negsim: str = ""

    @classmethod
    def of(cls, sources: tuple[Source, ...], seed: int | None, runs: int | None) -> Stamp:
        """The stamp of a command over *sources* with *seed* and *runs*."""
        inputs = tuple((input_id(s), input_hash(s)) for s in sources)
        return cls(seed=seed, runs=runs, inputs=inputs, negsim=negsim_version())

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as in every JSON payload (see ``schema/output.schema.json``)."""
        return {
            "negsim": self.negsim,
            "seed": self.seed,
            "runs": self.runs,
            "inputs": [{"id": ident, "sha256": digest} for ident, digest in self.inputs],
        }

    def text(self) -> str:
        """One line for people: ``negsim 0.1.0 · seed 2022 · 5000 runs · crisis sha256:…``."""
        parts = [f"negsim {self.negsim}"]
        if self.seed is not None:
            parts.append(f"seed {self.seed}")
        if self.runs is not None:
            parts.append(f"{self.runs} runs")
        parts += [f"{ident} sha256:{digest[:16]}" for ident, digest in self.inputs]
        return " · ".join(parts)

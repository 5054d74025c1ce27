"""The tiny scenario as data, with helpers to add uncertain inputs and bluffed red lines."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from sim.scenario.yamlsource import read_yaml

TINY = Path(__file__).resolve().parent / "testdata" / "tiny" / "tiny.yaml"


def tiny_data() -> dict[str, Any]:
    """A fresh copy of the tiny scenario's data, without its sources (no quote check)."""
    data: dict[str, Any] = copy.deepcopy(read_yaml(TINY).data)
    data["scenario"].pop("sources")

    def strip(node: Any) -> None:
        if isinstance(node, dict):
            if "cites" in node:
                node.pop("cites")
                node.setdefault("assumption", "test")
            for value in node.values():
                strip(value)
        elif isinstance(node, list):
            for value in node:
                strip(value)

    strip(data)
    return data


def uncertain(path: str, low: float, high: float, **more: Any) -> dict[str, Any]:
    """One `uncertainties:` entry (uniform unless *more* says otherwise)."""
    entry: dict[str, Any] = {
        "input": path,
        "distribution": "uniform",
        "low": low,
        "high": high,
        "assumption": "test",
    }
    entry.update(more)  # may override low and high too
    return entry

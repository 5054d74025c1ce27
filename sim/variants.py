"""Scenario variants: a file that ``extends`` another and overrides, adds or removes by id."""

from __future__ import annotations

from pathlib import Path

from sim.yamlsource import YamlDocument, read_yaml


def read_scenario_document(path: Path) -> YamlDocument:
    """Read a scenario file; a variant is merged onto the file it extends."""
    return read_yaml(path)

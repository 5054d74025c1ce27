"""Two small scenarios to compare: the tiny scenario and a variant of it, written to a folder."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

TINY = Path(__file__).resolve().parent / "testdata" / "tiny"

SOFT_NORTH = """
    extends: tiny.yaml
    scenario:
      id: tiny-soft
      title: River talks, North softens
    actors:
      - id: north
        stances:
          toll:
            position: 35
            assumption: North needs the deal after the drought.
    outcomes:
      - id: low-toll
        label: Low toll
        condition:
          agreement: {issue: toll, max: 30}
    remove:
      outcomes: [fighting]
"""
"""A variant: North softens on the toll; it drops the outcome ``fighting`` and adds ``low-toll``."""


def write_pair(folder: Path) -> tuple[Path, Path]:
    """Copy the tiny scenario and its source into *folder*, write the variant beside them."""
    shutil.copy(TINY / "tiny.yaml", folder / "tiny.yaml")
    shutil.copy(TINY / "source.txt", folder / "source.txt")
    variant = folder / "soft.yaml"
    variant.write_text(textwrap.dedent(SOFT_NORTH).lstrip(), encoding="utf-8")
    return folder / "tiny.yaml", variant

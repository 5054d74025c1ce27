"""Small files in the DEU layout, written by tests: hand-made issues on 30 actor columns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sim.scenario.deudata import FIXED

CODES = ("com", "ep", *(f"m{k:02d}" for k in range(1, 29)))
"""Actor codes: the Commission, the Parliament and 28 member states."""
HEADER = [*FIXED, *(f"p{c}" for c in CODES), *(f"s{c}" for c in CODES), "rp", "out"]


@dataclass
class Row:
    """One issue row; positions and saliences by actor code, the rest of the 30 left empty."""

    issue: str
    proposal: str = "p1"
    procedure: str = "CNS"
    voting: str = "QMV"
    positions: Mapping[str, float] = field(default_factory=dict)
    saliences: Mapping[str, float] = field(default_factory=dict)
    reference: float | None = None
    outcome: float | None = None

    def cells(self) -> list[str]:
        fixed = ["1", "1", f'"{self.proposal}"', '"name"', f'"{self.issue}"', '"Reg"']
        fixed += ['"General"', f'"{self.procedure}"', f'"{self.voting}"', "3", "1", '""', '""']

        def number(value: float | None) -> str:
            return "" if value is None else f"{value:g}"

        return [
            *fixed,
            *(number(self.positions.get(c)) for c in CODES),
            *(number(self.saliences.get(c)) for c in CODES),
            number(self.reference),
            number(self.outcome),
        ]


def capability_cells(capability: Mapping[str, float] | None = None) -> list[str]:
    """Row 2: a capability per actor (1 unless given) in the position columns."""
    given = capability or {}
    values = [f'"{given.get(c, 1.0):g}"' for c in CODES]
    return [""] * len(FIXED) + values + [""] * (len(CODES) + 2)


def write_deu(
    path: Path, rows: Sequence[Row], capability: Mapping[str, float] | None = None
) -> Path:
    """Write *rows* under the layout's header and a capability row."""
    lines = [
        "\t".join(f'"{h}"' for h in HEADER),
        "\t".join(capability_cells(capability)),
        *("\t".join(r.cells()) for r in rows),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

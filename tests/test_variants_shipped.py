"""The teaching variants load, verify their quotes and differ from the flagship only as stated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sim.scenario.loader import load_scenario, load_scenario_checked

VARIANTS = Path(__file__).resolve().parent.parent / "scenarios" / "variants"
FLAGSHIP = VARIANTS.parent / "geneva-2022.yaml"

# The top-level paths each variant changes, besides its own `scenario` header.
EXPECTED = {
    "us-moratorium.yaml": {"actors/us/stances/enlargement", "actors/nato/stances/enlargement"},
    "no-insurgency-plan.yaml": {
        "shocks/insurgency-plan",
        "escalation/responses/insurgency-support",
        "uncertainties",
    },
    "written-guarantee.yaml": {"actors/russia/stances/enlargement/red_line"},
    "normandy-revival.yaml": {"venues/normandy-paris"},
}


def _flatten(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out |= _flatten(item, f"{path}/{key}" if path else str(key))
        return out
    if isinstance(value, list) and all(isinstance(v, dict) and "id" in v for v in value):
        out = {}
        for item in value:
            out |= _flatten(item, f"{path}/{item['id']}")
        return out
    if isinstance(value, list) and all(isinstance(v, dict) and "actor" in v for v in value):
        out = {}
        for item in value:
            out |= _flatten(item, f"{path}/{item['actor']}")
        return out
    return {path: value}


def _changed(variant: Path) -> set[str]:
    base = _flatten(load_scenario(FLAGSHIP).model_dump(mode="json"))
    merged = _flatten(load_scenario(variant).model_dump(mode="json"))
    return {
        path
        for path in base.keys() | merged.keys()
        if not path.startswith("scenario/") and base.get(path) != merged.get(path)
    }


def test_at_least_three_teaching_variants_are_shipped() -> None:
    assert set(EXPECTED) == {p.name for p in VARIANTS.glob("*.yaml")}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_variant_validates_with_every_quote_verified(name: str) -> None:
    scenario, check = load_scenario_checked(VARIANTS / name)
    assert check.verified == check.total > 0
    assert scenario.scenario.description


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_variant_changes_only_what_it_says(name: str) -> None:
    changed = _changed(VARIANTS / name)
    assert changed, "the variant changes nothing"
    for path in changed:
        assert any(path.startswith(prefix) for prefix in EXPECTED[name]), path
    for prefix in EXPECTED[name]:
        assert any(path.startswith(prefix) for path in changed), prefix

from __future__ import annotations

from pathlib import Path

from sim.engine.outcomes import holds, outcome_rules
from sim.engine.record import Agreement, RunRecord
from sim.scenario.conditions import HasAgreement
from sim.scenario.loader import load_scenario


def _record(agreements: tuple[Agreement | None, ...], voided: tuple[Agreement, ...]) -> RunRecord:
    return RunRecord(
        run_index=0,
        final_positions=((0.0, 0.0),) * 3,
        agreements=agreements,
        escalation=(),
        start_level=0,
        peak_level=3 if voided else 0,
        final_level=3 if voided else 0,
        shocks=(),
        events=(),
        blocked=(),
        end_day=30.0,
        war_day=30.0 if voided else None,
        voided=voided,
    )


def test_an_agreement_voided_by_war_is_seen_only_when_asked_for(tiny_path: Path) -> None:
    rules = outcome_rules(load_scenario(tiny_path))
    deal = Agreement(0, 30.0, 1, 1, 20.0)
    in_force = HasAgreement.model_validate({"agreement": {"issue": "toll"}})
    asked = HasAgreement.model_validate({"agreement": {"issue": "toll", "voided": True}})
    war = _record((None, None), (deal,))
    peace = _record((deal, None), ())
    assert not holds(in_force, war, rules)
    assert holds(asked, war, rules)
    assert holds(in_force, peace, rules)
    assert not holds(asked, peace, rules)


def test_a_voided_agreement_must_still_match_the_range_and_form(tiny_path: Path) -> None:
    rules = outcome_rules(load_scenario(tiny_path))
    war = _record((None, None), (Agreement(0, 30.0, 0, 0, 20.0),))
    for test in ({"min": 40}, {"form": "written"}):
        condition = HasAgreement.model_validate(
            {"agreement": {"issue": "toll", "voided": True, **test}}
        )
        assert not holds(condition, war, rules)

import sim


def test_the_public_api_is_exactly_the_documented_names() -> None:
    assert set(sim.__all__) == {
        "Backtest",
        "Comparison",
        "NegsimError",
        "Results",
        "RunRecord",
        "Scenario",
        "ScenarioError",
        "Sensitivity",
        "SimulationError",
        "backtest",
        "compare",
        "compare_scenarios",
        "forecast",
        "format_table",
        "load_scenario",
        "read_bdm_csv",
        "sensitivity",
        "simulate",
        "write_report",
    }


def test_every_public_name_resolves_to_its_documented_object() -> None:
    from sim.analysis.montecarlo import simulate
    from sim.scenario.loader import load_scenario

    assert sim.simulate is simulate
    assert sim.load_scenario is load_scenario
    assert all(getattr(sim, name) is not None for name in sim.__all__)

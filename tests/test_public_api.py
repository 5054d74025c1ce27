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
        "SimulationError",
        "backtest",
        "compare",
        "compare_scenarios",
        "forecast",
        "format_table",
        "load_scenario",
        "read_bdm_csv",
        "simulate",
        "write_report",
    }

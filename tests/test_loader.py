from __future__ import annotations

from pathlib import Path

import pytest
from golden import check_golden

from sim.errors import ScenarioError
from sim.loader import load_scenario

DATA = Path(__file__).resolve().parent / "testdata" / "test_loader"


def _errors(path: Path) -> str:
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    return "\n".join(str(p).replace(str(DATA) + "/", "") for p in error.value.problems) + "\n"


def test_wrong_input_reports_every_problem_at_its_line_and_column(update_golden: bool) -> None:
    check_golden(DATA / "expected_errors.txt", _errors(DATA / "wrong_input.yaml"), update_golden)

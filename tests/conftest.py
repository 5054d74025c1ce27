"""Shared fixtures: paths to the test and shipped scenarios, and the --update-golden option."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTDATA = Path(__file__).resolve().parent / "testdata"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite golden files from the current output instead of comparing.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def tiny_path() -> Path:
    return TESTDATA / "tiny" / "tiny.yaml"


@pytest.fixture
def flagship_path() -> Path:
    return ROOT / "scenarios" / "geneva-2022.yaml"

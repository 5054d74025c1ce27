"""Shared fixtures: paths to the test and shipped scenarios, the --update-golden option, and a
count of the local pools a call starts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser import PageLoader, launch
from hypothesis import HealthCheck, settings

from sim.analysis import executors

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
TESTDATA = Path(__file__).resolve().parent / "testdata"

# Property tests judge what the code does, never how fast: on a loaded 2-core machine a slow
# example is noise, so no deadline and no too-slow health check (timings live in benchmarks/).
settings.register_profile("negsim", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("negsim")


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
def pools_started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every local pool started from here on (every pool is made by local_pool)."""
    started: list[int] = []
    make = executors.local_pool

    def counted(workers: int) -> ProcessPoolExecutor:
        started.append(workers)
        return make(workers)

    monkeypatch.setattr(executors, "local_pool", counted)
    return started


@pytest.fixture
def tiny_path() -> Path:
    return TESTDATA / "tiny" / "tiny.yaml"


@pytest.fixture
def flagship_path() -> Path:
    return ROOT / "scenarios" / "geneva-2022.yaml"


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One headless Chromium per test process (see tests/browser.py); skips or fails without."""
    yield from launch()


@pytest.fixture(scope="session")
def page_loader(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> PageLoader:
    """Opens pages in :func:`chromium`; screenshots go to $NEGSIM_SCREENSHOTS or a temp folder."""
    shots = Path(os.environ.get("NEGSIM_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    return PageLoader(chromium, shots)

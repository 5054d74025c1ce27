from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.analysis.results import wilson_interval


@given(st.integers(1, 10_000), st.data())
def test_wilson_interval_contains_the_share_and_stays_in_zero_one(
    runs: int, data: st.DataObject
) -> None:
    count = data.draw(st.integers(0, runs))
    low, high = wilson_interval(count, runs)
    assert 0.0 <= float(low) <= count / runs <= float(high) <= 1.0


def test_wilson_interval_matches_the_textbook_value() -> None:
    low, high = wilson_interval(np.array([50]), 100)
    assert np.allclose([low[0], high[0]], [0.40383, 0.59617], atol=1e-5)

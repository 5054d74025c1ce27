"""A real Dask cluster for the executor tests, and the mark that skips them without Dask."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import Any

import pytest

requires_dask = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="Dask is an optional extra (pip install 'negsim[dask]'); `make test` installs it",
)


def local_cluster() -> Iterator[Any]:
    """Two in-process workers behind a TCP scheduler on this machine (a fixture's body)."""
    distributed = pytest.importorskip("distributed", reason="Dask is an optional extra")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        yield local

"""The ``negsim`` command line: a thin shell over the Python API, one module per command."""

from sim.cli.app import app as app

__all__ = ["app"]

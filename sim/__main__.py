"""``python -m sim`` runs the negsim command line."""

from sim.cli import app

app()

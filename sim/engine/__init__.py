"""The engine stage: one run of a scenario.

Sampling a run's parameters, the SimPy processes (the only simpy import), the decision policy,
the run record and the classification of a run's end state into outcomes.
"""

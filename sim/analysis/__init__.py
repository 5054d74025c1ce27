"""The analysis stage: many runs.

The Monte Carlo (seeds, workers, run order), results with their intervals (the statistics
library's home), comparison of scenarios, explanation of runs and outcomes, the deterministic
expected-utility forecast.
"""

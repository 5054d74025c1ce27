"""The model stage: pure mathematics, no I/O and no SimPy.

Bueno de Mesquita's expected-utility equations and rounds (with the compiled kernel, the only numba
import) and the bargaining equations the engine uses (zones of agreement, Fearon's value of force).
"""

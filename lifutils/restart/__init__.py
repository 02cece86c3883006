"""The restart loop: solve_ivp, plus a state reset each time an event fires.

Owns :func:`solve_ivp_with_resets` (the entry point, in :mod:`.resets`) and
its parts: the checked arguments (:mod:`.args`), the loop's steps
(:mod:`.loop`), its budgets and guards (:mod:`.guards`), which events may
fire (:mod:`.triggers`) and the tolerance chosen from a spike-time error
(:mod:`.tolerance`).

Numerics only: imports numpy, scipy and the bottom of the house
(:mod:`lifutils.errors`, :mod:`lifutils.checks`, :mod:`lifutils.methods`),
never the neuron models above it, figures or widgets.
"""
from .resets import MAX_NFEV, MAX_RESETS, ResetResult, StitchedSolution, solve_ivp_with_resets

__all__ = ["solve_ivp_with_resets", "ResetResult", "StitchedSolution", "MAX_RESETS", "MAX_NFEV"]

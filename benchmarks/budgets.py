"""How long the hostile calls of issue 24 run before their BudgetError.

    python benchmarks/budgets.py

solve_ivp_with_resets has two budgets: ``max_nfev`` right-hand-side
evaluations (default 2 million, each restart of the solver counted as 100)
and ``max_seconds`` of CPU time (default 15 s, or max_nfev x 7.5 us when
that is longer). Whichever runs out first stops the call with a BudgetError
that names it. The promise: no call runs more than twice its budget (30 s at
the defaults). Each row is one call at its defaults: the CPU and wall-clock
seconds it ran, and which budget stopped it (or what else did).

Numbers are printed, not asserted: timings depend on the machine (on a busy
one the wall clock runs ahead of the CPU time the budget counts).
"""
import sys
import time
import warnings

import numpy as np

from lifutils import BudgetError, LifutilsError
from lifutils.gallery import adex, izhikevich

CASES = (
    ('adex("tonic", tau_w=1e-300).solve()', lambda: adex("tonic", tau_w=1e-300).solve()),
    ('adex("tonic", a=1e308).solve()', lambda: adex("tonic", a=1e308).solve()),
    ('adex("tonic", t_end=1e7).solve()', lambda: adex("tonic", t_end=1e7).solve()),
    ('adex("tonic", C=1e-300).solve()', lambda: adex("tonic", C=1e-300).solve()),
    ('adex("tonic", gL=1e300).solve()', lambda: adex("tonic", gL=1e300).solve()),
    ('izhikevich("RS", t_end=1e7).solve()', lambda: izhikevich("RS", t_end=1e7).solve()),
    ('adex("tonic").solve(breakpoints=np.linspace(0, 50, 10**6))',
     lambda: adex("tonic").solve(breakpoints=np.linspace(0, 50, 10**6))),
)


def which_budget(exc):
    text = str(exc)
    if "max_seconds" in text:
        return "time (max_seconds)"
    if "used its budget of max_nfev" in text:
        return "evaluations (max_nfev)"
    return "refused before any work"


def main():
    header = f"{'call':<62} {'cpu s':>7} {'wall s':>7}  stopped by"
    print(header)
    print("-" * len(header))
    worst = 0.0
    for text, call in CASES:
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                call()
            outcome = "no error (finished)"
        except BudgetError as exc:
            outcome = "BudgetError: " + which_budget(exc)
        except LifutilsError as exc:
            outcome = f"{type(exc).__name__}: {str(exc)[:60]}"
        cpu, wall = time.process_time() - start_cpu, time.perf_counter() - start_wall
        worst = max(worst, cpu)
        print(f"{text:<62} {cpu:>7.2f} {wall:>7.2f}  {outcome}", flush=True)
    print(f"\nlongest: {worst:.1f} s of CPU time (the promise: within 30 s, twice the 15 s budget)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

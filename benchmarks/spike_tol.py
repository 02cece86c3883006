"""What spike_tol costs, and what the check at the default tolerances catches.

    python benchmarks/spike_tol.py [spike_tol_ms]

For each published model of tests/published_models.py (Izhikevich 2004, QIF, theta,
Mihalas-Niebur, a grazing LIF), against its independent reference (DOP853 at
rtol = atol = 1e-12, restarted by hand):

* the reference's spike count;
* at the defaults (no rtol, no atol): the spike count, the largest error (ms) of the
  spikes it has, and whether a ToleranceWarning came;
* at spike_tol (default 0.01 ms): the largest error, the rtol it chose, its cost (right-hand
  side evaluations of all its runs, and seconds);
* by hand: the loosest rtol = atol = 10**-k that meets the same spike_tol against the
  reference (what a user who had the reference would pick), and its cost;
* the cost of spike_tol over that hand-picked run.

Then the overhead of the check at the defaults: seconds of a run without tolerances over
the same run with rtol=1e-3, atol=1e-6 passed (where nothing extra runs).
"""
import pathlib
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))
from published_models import CASES, reference_spikes  # noqa: E402

from lifutils import ToleranceWarning, solve_ivp_with_resets  # noqa: E402
from lifutils.tables import print_table  # noqa: E402


def error(ref, got):
    n = min(len(ref), len(got))
    return float(np.max(np.abs(ref[:n] - got[:n]), initial=0.0)), len(got)


def timed(args, **options):
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sol = solve_ivp_with_resets(**args, **options)
    warned = any(issubclass(w.category, ToleranceWarning) for w in caught)
    return sol, time.perf_counter() - start, warned


def row(key, spike_tol):
    case, ref = CASES[key], reference_spikes(key)
    args = case.lifutils_args()
    default, t_default, warned = timed(args)
    _, t_explicit, _ = timed(args, rtol=1e-3, atol=1e-6)
    gap_default, n_default = error(ref, default.t_events[0])
    chosen, t_chosen, _ = timed(args, spike_tol=spike_tol)
    gap_chosen, n_chosen = error(ref, chosen.t_events[0])
    hand = None
    for k in range(3, 14):
        run, t_run, _ = timed(args, rtol=10.0 ** -k, atol=10.0 ** -k)
        gap, n = error(ref, run.t_events[0])
        if n == len(ref) and gap <= spike_tol:
            hand = (k, run.nfev, t_run)
            break
    cost = chosen.total_nfev / hand[1] if hand else float("nan")
    return ([case.family, case.feature, len(ref), n_default, "yes" if warned else "no",
             gap_default, gap_chosen if n_chosen == len(ref) else float("inf"),
             f"{chosen.rtol:.0e}", chosen.total_nfev, t_chosen,
             f"1e-{hand[0]}" if hand else "-", hand[1] if hand else None,
             hand[2] if hand else None, cost],
            t_default / t_explicit)


if __name__ == "__main__":
    spike_tol = float(sys.argv[1]) if len(sys.argv) > 1 else 0.01
    rows, overheads = [], []
    for key in CASES:
        r, overhead = row(key, spike_tol)
        rows.append(r)
        overheads.append(overhead)
    print(f"spike_tol = {spike_tol:g} ms; reference: DOP853, rtol = atol = 1e-12\n")
    print_table(["model", "feature", "ref", "default", "warned", "default err (ms)",
                 "spike_tol err (ms)", "chosen rtol", "nfev", "s", "hand rtol", "nfev", "s",
                 "nfev ratio"],
                rows, formats=[None, None, "d", "d", None, ".2g", ".1e", None, "d", ".2f",
                               None, "d", ".2f", ".2f"])
    ratios = np.array([r[-1] for r in rows], dtype=float)
    print(f"\nspike_tol over the hand-picked tolerance, in nfev: median {np.nanmedian(ratios):.2f}, "
          f"range {np.nanmin(ratios):.2f} to {np.nanmax(ratios):.2f}")
    print(f"time of a run without tolerances (with its check) over one with rtol=1e-3, "
          f"atol=1e-6 passed: median {np.median(overheads):.2f}, range {min(overheads):.2f} "
          f"to {max(overheads):.2f}")

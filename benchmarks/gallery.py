"""The gallery's table: every published pattern against the independent reference.

    python benchmarks/gallery.py

For each pattern of lifutils.gallery: the number of spikes, the largest
|difference| of a spike time (ms) of solve_ivp_with_resets at rtol = atol =
1e-10 from the reference of tests/test_gallery.py (plain solve_ivp, DOP853,
rtol = atol = 1e-12, restarted by hand), what ``model.solve()`` gives at the
gallery's own tolerances (rtol = atol = 1e-8), and what it does at scipy's
defaults (RK45, rtol 1e-3, atol 1e-6, passed explicitly): its spike count and
largest difference, or the error it raises. The irregular
pattern is chaotic, so it is compared up to IRREGULAR_WINDOW ms (see the tests).
"""
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))
from test_gallery import TIGHT, compared, reference_spikes  # noqa: E402

from lifutils.gallery import PATTERNS, spike_times  # noqa: E402
from lifutils.tables import print_table  # noqa: E402


def largest_gap(key, ref, got):
    ref, got = compared(key, ref, got)
    n = min(len(ref), len(got))
    return len(ref), len(got), float(np.max(np.abs(ref[:n] - got[:n]))) if n else float("nan")


def row(key, model):
    ref = reference_spikes(model)
    n_ref, n_got, gap = largest_gap(key, ref, spike_times(model.solve(**TIGHT)))
    _, n_own, gap_own = largest_gap(key, ref, spike_times(model.solve()))
    try:
        _, n_default, gap_default = largest_gap(
            key, ref, spike_times(model.solve(rtol=1e-3, atol=1e-6)))
        default = f"{n_default} spikes, {gap_default:.2g} ms"
    except ValueError as error:
        default = f"{type(error).__name__}: {str(error).split(' array')[0][:48]}"
    return [key[0], key[1], n_ref, n_got, gap, n_own, gap_own, default]


if __name__ == "__main__":
    print_table(["model", "pattern", "spikes (ref)", "spikes (1e-10)", "largest |diff| (ms)",
                 "solve() (1e-8)", "|diff| (ms)", "scipy's defaults"],
                [row(key, m) for key, m in PATTERNS.items()],
                formats=[None, None, "d", "d", ".1e", "d", ".1e", None])

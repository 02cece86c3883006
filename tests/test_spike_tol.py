"""spike_tol and the check at the default tolerances, on published models (tests/published_models.py).

Every case against its independent reference (DOP853 at rtol = atol = 1e-12, a restart
loop written in tests/published_models.py):

* at the defaults (no rtol, no atol): the right number of spikes and every spike within
  1 ms, or a ToleranceWarning;
* at spike_tol = 0.01 ms: the right number of spikes, every one within 0.01 ms;
* tight (DOP853, rtol = atol = 1e-11): every spike within 1e-6 ms (the tool adds no error;
  at 1e-10 the resonator, K, is 3e-6 ms off).

Then the rules: spike_tol is checked, refused with rtol or atol, bounded by max_nfev and by
the floor of rtol; explicit tolerances run nothing extra.
"""
import math
import time
import warnings

import numpy as np
import pytest

from lifutils import (BudgetError, LifutilsError, LifutilsWarning, ToleranceWarning,
                      solve_ivp_with_resets)
from lifutils import restart_tolerance
from published_models import CASES, reference_spikes

SPIKE_TOL = 0.01  # ms
TIGHT = dict(method="DOP853", rtol=1e-11, atol=1e-11)
# The cases whose spike count at the defaults was wrong when measured (the list,
# here): each must be warned. (Their counts at the defaults are solver error, so only the
# warning is held, and the count it reports, whatever it is on this processor.)
WRONG_AT_DEFAULTS = ["izhikevich2004-H class 2 excitability",
                     "izhikevich2004-Q depolarizing after-potential",
                     "qif-peak 100, I = 1", "mihalas_niebur-class 1 near rheobase",
                     "lif-grazing, 1e-4 mV above threshold"]


def run(key, **options):
    """solve_ivp_with_resets on CASES[key]; (spike times, result, ToleranceWarnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sol = solve_ivp_with_resets(**CASES[key].lifutils_args(), **options)
    others = [w for w in caught if not issubclass(w.category, ToleranceWarning)]
    assert not others, [str(w.message) for w in others]
    return sol.t_events[0], sol, [w for w in caught if issubclass(w.category, ToleranceWarning)]


def gap(a, b):
    return math.inf if len(a) != len(b) else float(np.max(np.abs(a - b), initial=0.0))


def test_the_table_is_large_enough():
    assert len(CASES) >= 20 + 5
    assert {c.family for c in CASES.values()} == {"izhikevich2004", "qif", "theta",
                                                  "mihalas_niebur", "lif"}
    assert all(len(reference_spikes(key)) >= 1 for key in CASES), "every case fires"


@pytest.mark.parametrize("key", list(CASES))
def test_defaults_are_right_within_1_ms_or_warned(key):
    ref = reference_spikes(key)
    got, sol, warned = run(key)
    assert (sol.rtol, sol.atol) == (1e-3, 1e-6)
    if not warned:
        assert len(got) == len(ref) and gap(got, ref) <= 1.0, "silently wrong at the defaults"
        assert sol.event_time_error <= restart_tolerance.MOVED_MS
    else:
        text = str(warned[0].message)
        assert "rtol" in text and "spike_tol" in text and "first event" in text


@pytest.mark.parametrize("key", WRONG_AT_DEFAULTS)
def test_the_measured_wrong_counts_are_warned(key):
    got, sol, warned = run(key)
    assert len(warned) == 1
    if len(got) != len(reference_spikes(key)):
        assert f"{len(got)} events at the defaults, " in str(warned[0].message)
        assert sol.event_time_error == math.inf


@pytest.mark.parametrize("key", list(CASES))
def test_spike_tol_is_met(key):
    ref = reference_spikes(key)
    got, sol, warned = run(key, spike_tol=SPIKE_TOL)
    assert not warned
    assert gap(got, ref) <= SPIKE_TOL
    assert sol.spike_tol == SPIKE_TOL and sol.event_time_error <= SPIKE_TOL / 2
    assert sol.rtol == sol.atol == sol.tolerance_runs[-1] and len(sol.tolerance_runs) >= 2
    assert sol.total_nfev >= sol.nfev


@pytest.mark.parametrize("key", list(CASES))
def test_tight_tolerances_add_no_error(key):
    got, sol, warned = run(key, **TIGHT)
    assert not warned and gap(got, reference_spikes(key)) <= 1e-6


def test_the_reference_has_converged():
    """The reference at 1e-12 and at 1e-11 agree within half the 1e-6 ms asked of the tool."""
    for key in ["izhikevich2004-K resonator", "qif-peak 100, I = 1",
                "mihalas_niebur-class 1 near rheobase"]:
        assert gap(reference_spikes(key), reference_spikes(key, rtol=1e-11, atol=1e-11)) < 5e-7


# --------------------------------------------------------------------------- explicit: nothing extra

def counting(key):
    args = CASES[key].lifutils_args()
    fun, calls = args["fun"], [0]

    def counted(t, y):
        calls[0] += 1
        return fun(t, y)
    args["fun"] = counted
    return args, calls


@pytest.mark.parametrize("options", [dict(rtol=1e-3, atol=1e-6), dict(rtol=1e-3), dict(atol=1e-6)])
def test_explicit_tolerances_run_once(options):
    args, calls = counting("izhikevich2004-K resonator")
    sol = solve_ivp_with_resets(**args, **options)
    assert calls[0] == sol.nfev and "event_time_error" not in sol
    assert (sol.rtol, sol.atol) == (options.get("rtol", 1e-3), options.get("atol", 1e-6))


def test_defaults_run_a_check_and_count_it_against_max_nfev():
    args, calls = counting("izhikevich2004-A tonic spiking")
    sol = solve_ivp_with_resets(**args)
    assert calls[0] > 2 * sol.nfev  # the check at rtol 1e-6 costs more than the run
    with pytest.warns(ToleranceWarning, match="could not be checked"):
        small = solve_ivp_with_resets(**args, max_nfev=int(1.5 * sol.nfev))
    assert small.status == 0 and math.isnan(small.event_time_error)


def test_the_warning_says_what_it_checked():
    with pytest.warns(ToleranceWarning) as caught:
        solve_ivp_with_resets(**CASES["izhikevich2004-K resonator"].lifutils_args())
    text = str(caught[0].message)
    for part in ("rtol = 0.001", "atol = 1e-06", "rtol = 1e-06", "moved by",
                 "the first event that differs", "spike_tol", "rtol = atol = 1e-10"):
        assert part in text, part


# --------------------------------------------------------------------------- the rules

@pytest.mark.parametrize("bad", [0, -1.0, math.nan, math.inf, "0.1", True, None.__class__, 1e-12])
def test_spike_tol_must_be_a_positive_number(bad):
    with pytest.raises(LifutilsError, match="spike_tol must"):
        solve_ivp_with_resets(**CASES["qif-peak 100, I = 1"].lifutils_args(), spike_tol=bad)


@pytest.mark.parametrize("given", [dict(rtol=1e-6), dict(atol=1e-6), dict(rtol=1e-6, atol=1e-6)])
def test_spike_tol_with_rtol_or_atol_is_refused(given):
    with pytest.raises(LifutilsError, match="spike_tol and " + " and ".join(given)):
        solve_ivp_with_resets(**CASES["qif-peak 100, I = 1"].lifutils_args(), spike_tol=0.1,
                              **given)


def test_spike_tol_within_max_nfev_or_a_budget_error():
    start = time.perf_counter()
    with pytest.raises(BudgetError, match=r"spike_tol = 1e-06 ms was not reached within "
                                          r"max_nfev = 20000"):
        solve_ivp_with_resets(**CASES["izhikevich2004-K resonator"].lifutils_args(),
                              spike_tol=1e-6, max_nfev=20_000)
    assert time.perf_counter() - start < 30.0


def test_spike_tol_that_cannot_be_met_stops_at_the_floor():
    """Event times that move with every step (a right-hand side with a kink that depends
    on how often it was called) never settle: a BudgetError, not an endless tightening."""
    calls = [0]

    def jittery(t, y):
        calls[0] += 1
        return np.array([1.0 + 0.01 * (calls[0] % 3)])

    def threshold(t, y):
        return y[0] - 1.0
    threshold.direction = 1
    start = time.perf_counter()
    with pytest.raises(BudgetError, match="spike_tol = 1e-09 ms was not reached"):
        solve_ivp_with_resets(jittery, (0.0, 5.0), [0.0], events=threshold,
                              reset=lambda t, y, i: np.array([0.0]), spike_tol=1e-9)
    assert time.perf_counter() - start < 60.0


def test_spike_tol_on_a_failing_solver_is_an_error():
    from lifutils import adex
    m = adex("tonic", v_peak=1e3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LifutilsWarning)
        with pytest.raises(LifutilsError, match="the solver failed at rtol = atol = 1e-05"):
            m.solve(spike_tol=0.1)

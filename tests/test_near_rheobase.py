"""Near the rheobase, with tolerances the user chose: the spike times are resolved, or a warning says so.

The README promises an IllConditionedWarning whenever a solver's tolerance cannot
resolve the spike times near the rheobase (issue 15: i_e = 15 + 1e-4 nA at
rtol = atol = 1e-6 was 0.77 ms off and silent). Checked against the closed form.
"""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import test_adversarial as adv
from lifutils import IllConditionedWarning, LIFParams, exact_spike_times, simulate_events
from lifutils.events import TARGET_ERROR


def _run(p, t_max, **tolerances):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = simulate_events(p, t_max, **tolerances)
    warned = [w for w in caught if issubclass(w.category, IllConditionedWarning)]
    assert len(warned) == len(caught), [str(w.message) for w in caught]
    return res, warned


def test_the_case_of_the_issue_now_warns_and_says_how_far_off():
    p = LIFParams(i_e=15.0 + 1e-4)
    res, warned = _run(p, 2000.0, rtol=1e-6, atol=1e-6)
    exact = exact_spike_times(p, 2000.0)
    assert res.n_spikes == len(exact) and np.max(np.abs(res.spike_times - exact)) > 0.1
    assert warned and "spike times may be off by about" in str(warned[0].message)


def test_tolerances_that_resolve_it_do_not_warn():
    p = LIFParams(i_e=15.0 + 1e-4)
    res, warned = _run(p, 2000.0, rtol=1e-12, atol=1e-12)
    exact = exact_spike_times(p, 2000.0)
    assert not warned and np.max(np.abs(res.spike_times - exact)) < 1e-3


@settings(max_examples=30, deadline=None)
@given(log_gap=st.floats(-7.0, 0.5), log_tol=st.floats(-12.0, -4.0), t_max=st.floats(200.0, 800.0))
def test_user_tolerances_near_the_rheobase_resolve_the_spike_times_or_warn(log_gap, log_tol, t_max):
    p = LIFParams(i_e=15.0 + 10.0 ** log_gap)
    tol = 10.0 ** log_tol
    exact = exact_spike_times(p, t_max)
    outcome = adv.call_within_budget(lambda: _run(p, t_max, rtol=tol, atol=tol), seconds=30.0)
    res, warned = outcome
    if warned:
        return
    assert res.n_spikes == len(exact)
    if len(exact):
        # the target per spike, adding up from spike to spike, with room for the estimate
        assert np.max(np.abs(res.spike_times - exact)) < 10 * TARGET_ERROR * len(exact), \
            (log_gap, log_tol, np.max(np.abs(res.spike_times - exact)))


@pytest.mark.parametrize("i_e", [20.0, 30.0])
def test_loose_tolerances_far_from_the_rheobase_stay_quiet(i_e):
    _, warned = _run(LIFParams(i_e=i_e), 200.0, rtol=1e-3, atol=1e-3)
    assert not warned

import math

import numpy as np
import pytest

from lifutils import LIFParams, exact_spike_times, simulate_dvdt_hack, simulate_events
from lifutils import HackStalledError, LifutilsError

P20 = LIFParams(i_e=20.0)


def test_hack_pins_v_at_threshold_and_never_resets():
    res = simulate_dvdt_hack(P20, 100.0)
    near = res.v > P20.v_thresh - 0.1
    assert near.any()
    first_reach = res.t[np.argmax(near)]
    # It gets to threshold when the true neuron first spikes (13.86 ms) ...
    assert first_reach == pytest.approx(exact_spike_times(P20, 100.0)[0], abs=4.0)
    after = res.v[res.t > first_reach]
    # Never near v_reset = -80 mV: it stays within about 5 mV under threshold.
    assert after.min() > -61.0
    assert after.max() < P20.v_thresh + 0.01
    assert res.spike_times.size == 0


def test_hack_chatters_below_threshold_in_a_sawtooth():
    res = simulate_dvdt_hack(P20, 100.0)
    late = res.v[res.t > 50.0]
    # Up to threshold, knocked down a few mV by a rejected "reset" stage, up again.
    drops = np.sum(np.diff(np.sign(np.diff(late))) != 0)
    assert drops > 10
    assert late.max() > P20.v_thresh - 0.05 and late.min() < P20.v_thresh - 1.0


@pytest.mark.parametrize("kwargs", [
    {}, {"method": "RK23"}, {"method": "DOP853"}, {"method": "LSODA"},
    {"rtol": 1e-4, "atol": 1e-7},
])
def test_hack_costs_far_more_evaluations_than_events(kwargs):
    """At the same solver settings, the hack costs several times the event method."""
    settings = {"rtol": 1e-3, "atol": 1e-6, **kwargs}  # solve_ivp's defaults unless given
    hack = simulate_dvdt_hack(P20, 100.0, **settings)
    events = simulate_events(P20, 100.0, **settings)
    assert hack.nfev > 1000
    assert hack.nfev > 5 * events.nfev, (hack.nfev, events.nfev)
    assert hack.v[hack.t > 20].min() > -65.0  # no setting rescues it


@pytest.mark.parametrize("max_step", [0.5, 0.05])
def test_small_max_step_does_not_rescue_the_hack(max_step):
    hack = simulate_dvdt_hack(P20, 100.0, max_step=max_step)
    assert hack.v[hack.t > 20].min() > -65.0 and hack.spike_times.size == 0


def test_hack_below_rheobase_is_just_the_leaky_integrator():
    res = simulate_dvdt_hack(LIFParams(), 200.0, rtol=1e-8, atol=1e-8)
    assert res.v[-1] == pytest.approx(-67.0, abs=1e-5)


def test_hack_rejects_nan_input_instead_of_looping():
    p = LIFParams(i_e=lambda t: np.where(t > 5, np.nan, 20.0))
    with pytest.raises(ValueError, match="i_e returned nan"):
        simulate_dvdt_hack(p, 20.0)


@pytest.mark.parametrize("kwargs", [{"rtol": 1e-8, "atol": 1e-8}, {"method": "Radau"}])
def test_hack_at_tight_settings_stops_with_a_message_instead_of_crawling(kwargs):
    with pytest.raises(HackStalledError, match=r"stalled: after 200\d\d right-hand-side evaluations "
                                               r"\(its budget, max_nfev, is 20000\) it has only "
                                               r"reached t = [\d.]+ ms of 100 ms") as info:
        simulate_dvdt_hack(P20, 100.0, max_nfev=20_000, **kwargs)
    # It stops cleanly at an accepted step and keeps the trace up to there.
    partial = info.value.result
    assert 10.0 < partial.t[-1] < 100.0 and partial.spike_times.size == 0
    assert partial.v[partial.t > 13.0].min() > -61.0 and np.all(np.diff(partial.t) > 0)


def test_hack_budget_must_be_a_positive_integer():
    with pytest.raises(LifutilsError, match="max_nfev must be an integer >= 1, got 0"):
        simulate_dvdt_hack(P20, 100.0, max_nfev=0)
    with pytest.raises(LifutilsError, match=r"takes method, rtol, atol, max_step, t_eval and "
                                            r"max_nfev; got \['events'\]"):
        simulate_dvdt_hack(P20, 100.0, events=[lambda t, y: y[0]])


@pytest.mark.parametrize("kwargs, message", [
    ({"rtol": "1e-3"}, r"rtol must be a number in \[2.22e-14, 1\), got '1e-3'"),
    ({"rtol": [1e-3]}, r"rtol must be a number in \[2.22e-14, 1\), got \[0.001\]"),
    ({"rtol": math.nan}, r"rtol must be a number in \[2.22e-14, 1\), got nan"),
    ({"atol": 0.0}, r"atol must be a finite number > 0, got 0.0"),
    ({"max_step": math.nan}, r"max_step must be a number > 0 \(inf for no limit\), got nan"),
    ({"args": (1.0,)}, r"got \['args'\]"),
    ({"method": "Euler"}, r"method must be one of RK45"),
    ({"t_eval": [0.0, 200.0]}, r"t_eval must be within \[0, 100\]"),
])
def test_the_hacks_options_are_checked_as_the_event_methods_are(kwargs, message):
    with pytest.raises(LifutilsError, match=message):
        simulate_dvdt_hack(P20, 100.0, **kwargs)
    if set(kwargs) & {"rtol", "atol", "max_step"}:  # the same rule, the same message
        with pytest.raises(LifutilsError, match=message):
            simulate_events(P20, 100.0, **kwargs)


def test_numpy_numbers_are_accepted():
    res = simulate_dvdt_hack(P20, np.int64(50), max_step=np.int64(1), rtol=np.float32(1e-3))
    assert res.t[-1] == 50.0 and res.spike_times.size == 0

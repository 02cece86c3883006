import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.optimize import brentq

from lifutils import LIFParams, exact_spike_times, exact_voltage, inputs, simulate_events
from lifutils.compare import spike_time_error
from lifutils import BudgetError, IllConditionedWarning, LifutilsError, RunawayError
from lifutils import events as events_module

P20 = LIFParams(i_e=20.0)
TIGHT = dict(rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("method", ["RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA"])
def test_every_method_finds_the_exact_spikes(method):
    res = simulate_events(P20, 200.0, method=method, rtol=1e-10, atol=1e-10)
    assert res.name == f"events ({method})"
    assert spike_time_error(res.spike_times, exact_spike_times(P20, 200.0)) < 1e-6


def test_default_settings_accuracy():
    res = simulate_events(P20, 1000.0)
    err = spike_time_error(res.spike_times, exact_spike_times(P20, 1000.0))
    assert err < 2e-5  # the docstring says about 1e-5 ms
    assert res.n_spikes == 56


@settings(max_examples=25, deadline=None)
@given(tau_m=st.floats(2.0, 40.0), drive=st.floats(15.5, 80.0), t_ref=st.floats(0.0, 5.0),
       v_reset=st.floats(-85.0, -60.0))
def test_tight_tolerances_agree_with_closed_form_to_1e_6_ms(tau_m, drive, t_ref, v_reset):
    p = LIFParams(tau_m=tau_m, i_e=drive, t_ref=t_ref, v_reset=v_reset)
    res = simulate_events(p, 300.0, rtol=1e-10, atol=1e-10)
    exact = exact_spike_times(p, 300.0)
    assert res.n_spikes == len(exact)
    assert spike_time_error(res.spike_times, exact) < 1e-6


def test_trace_has_vertical_resets_and_follows_exact_voltage():
    res = simulate_events(P20, 100.0, **TIGHT)
    for s in res.spike_times:
        at = np.flatnonzero(res.t == s)
        assert len(at) == 2
        assert res.v[at[0]] == pytest.approx(-55.0, abs=1e-7)
        assert res.v[at[1]] == -80.0
    assert np.all(np.diff(res.t) >= 0)
    between = ~np.isin(res.t, res.spike_times)
    np.testing.assert_allclose(res.v[between], exact_voltage(P20, res.t[between]), atol=1e-7)


def test_refractory_period_holds_v_at_reset():
    p = P20.replace(t_ref=3.0)
    res = simulate_events(p, 100.0, **TIGHT)
    assert spike_time_error(res.spike_times, exact_spike_times(p, 100.0)) < 1e-7
    s = res.spike_times[0]
    held = (res.t > s) & (res.t <= s + 3.0)
    assert held.any() and np.all(res.v[held] == -80.0)


def test_t_eval_gives_exactly_those_points():
    t_eval = np.linspace(0, 100, 1001)
    res = simulate_events(P20, 100.0, t_eval=t_eval, **TIGHT)
    np.testing.assert_array_equal(res.t, t_eval)
    np.testing.assert_allclose(res.v, exact_voltage(P20, t_eval), atol=1e-7)
    assert spike_time_error(res.spike_times, exact_spike_times(P20, 100.0)) < 1e-7


def test_question_values_never_fire():
    res = simulate_events(LIFParams(), 100.0)
    assert res.n_spikes == 0
    assert res.v[-1] == pytest.approx(-67.0, abs=2e-4)


@pytest.mark.parametrize("t_ref", [0.0, 2.0])
def test_start_at_or_above_threshold_is_a_spike_at_zero(t_ref):
    p = P20.replace(v0=-55.0, t_ref=t_ref)
    res = simulate_events(p, 60.0, **TIGHT)
    exact = exact_spike_times(p, 60.0)
    assert res.spike_times[0] == 0.0 and exact[0] == 0.0
    assert spike_time_error(res.spike_times, exact) < 1e-7
    assert res.v[0] == -55.0 and res.v[1] == -80.0
    assert res.t[0] == res.t[1] == 0.0 and res.t[2] > 0.0  # one jump, no repeated point
    assert np.count_nonzero(np.diff(res.t) == 0) == res.n_spikes  # one pair per spike


# ---- time-varying input: each against a reference at much tighter settings ----

def reference(params, t_max):
    """Much tighter settings, another method, and a 20x smaller step cap."""
    return simulate_events(params, t_max, method="DOP853", rtol=1e-12, atol=1e-12,
                           max_step=0.01).spike_times


def test_step_input_restarts_at_the_step():
    p = LIFParams(i_e=inputs.step(30.0, 20.0))
    res = simulate_events(p, 100.0, **TIGHT)
    expected = 30.0 + exact_spike_times(P20, 70.0)
    assert spike_time_error(res.spike_times, expected) < 1e-7


def test_brief_pulse_is_not_stepped_over():
    # 0.2 ms of 400 nA lifts v by about 8 mV; from near threshold that is a spike.
    p = LIFParams(i_e=inputs.pulse_train(t_on=5.0, duration=0.2, amplitude=400.0, period=20.0,
                                         n_pulses=5, baseline=12.0))
    res = simulate_events(p, 100.0)
    ref = reference(p, 100.0)
    assert len(ref) == 4  # the first pulse comes before v is close enough
    assert spike_time_error(res.spike_times, ref) < 1e-5


def test_brief_pulse_without_breakpoints_is_caught_by_the_default_step_cap():
    pulse = inputs.pulse(t_on=50.0, duration=0.15, amplitude=400.0, baseline=12.0)
    plain = lambda t: pulse(t)  # a plain function: no breakpoints known
    p = LIFParams(i_e=plain)
    res = simulate_events(p, 100.0)
    assert res.n_spikes == 1
    # With a large max_step the same crossing is silently missed (scipy issue 9228).
    missed = simulate_events(p, 100.0, max_step=5.0)
    assert missed.n_spikes == 0


def sine_reference_spikes(p, m, a, period, t_max):
    """Spike times for sine input from the closed-form solution of the linear ODE.

    v_p(t) = v_rest + r (m + a (sin wt - w tau cos wt) / (1 + (w tau)^2)) solves
    the membrane equation; after a reset at t_s, v = v_p + (v_reset - v_p(t_s)) e^-(t-t_s)/tau.
    Crossings are bracketed on a 1 us grid and polished with brentq.
    """
    w, tau = 2 * np.pi / period, p.tau_m

    def v_p(t):
        return p.v_rest + p.r_m * (m + a * (np.sin(w * t) - w * tau * np.cos(w * t))
                                   / (1 + (w * tau) ** 2))

    spikes, t_s, v_s = [], 0.0, p.v_rest
    while True:
        def g(t, t_s=t_s, v_s=v_s):
            return v_p(t) + (v_s - v_p(t_s)) * np.exp(-(t - t_s) / tau) - p.v_thresh
        grid = np.arange(t_s, t_max, 0.001)
        up = np.flatnonzero((g(grid[:-1]) < 0) & (g(grid[1:]) >= 0))
        if not up.size:
            return np.array(spikes)
        t_s = brentq(g, grid[up[0]], grid[up[0] + 1], xtol=1e-14)
        spikes.append(t_s)
        v_s = p.v_reset


def test_oscillation_that_barely_crosses_threshold():
    # Without resets v would peak 0.007 mV above threshold, for 0.75 ms a time.
    p = LIFParams(i_e=inputs.sine(mean=14.0, amplitude=3.32, period=20.0))
    ref = sine_reference_spikes(p, 14.0, 3.32, 20.0, 300.0)
    res = simulate_events(p, 300.0)
    assert len(ref) == 3
    assert spike_time_error(res.spike_times, ref) < 1e-6
    # Without the default step cap, a solver may stride over such a peak.
    loose = simulate_events(p, 300.0, max_step=np.inf, rtol=1e-3, atol=1e-6)
    assert loose.n_spikes <= len(ref)


# ---- bad input ----

def test_nan_input_is_an_error_not_a_hang():
    p = LIFParams(i_e=lambda t: np.where(t > 5, np.nan, 20.0))
    with pytest.raises(ValueError, match=r"i_e returned nan at t = 5\.\d* ms"):
        simulate_events(p, 20.0)


def test_runaway_constant_drive_is_refused_at_once(monkeypatch):
    # Refused from the closed form, before any solver runs.
    monkeypatch.setattr(events_module, "solve_ivp_with_resets", None)
    with pytest.raises(RunawayError, match=r"about 4e\+08 spikes in t_max = 1e\+06 ms.*t_ref > 0"):
        simulate_events(LIFParams(i_e=1e5), 1e6)


def test_runaway_time_varying_drive_stops_at_the_cap_quickly():
    p = LIFParams(i_e=lambda t: 1e4 + 0 * t)
    with pytest.raises(RunawayError, match="more than max_resets = 5000"):
        simulate_events(p, 1e4)  # the cap stops it (test_adversarial checks it ends in time)
    with pytest.raises(RunawayError, match="max_resets = 10"):
        simulate_events(p, 1e4, max_spikes=10)


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "Euler"}, r"method must be one of RK45, RK23, DOP853, Radau, BDF, LSODA, got 'Euler'"),
    ({"rtol": 0.0}, r"rtol must be a number in \[2.22e-14, 1\), got 0.0"),
    ({"rtol": 1.0}, r"rtol must be a number in \[2.22e-14, 1\), got 1.0"),
    ({"rtol": "1e-6"}, r"rtol must be a number in \[2.22e-14, 1\), got '1e-6'"),
    ({"atol": math.nan}, r"atol must be a finite number > 0, got nan"),
    ({"max_step": -1.0}, r"max_step must be a number > 0 \(inf for no limit\), got -1.0"),
    ({"max_spikes": 0}, r"max_spikes must be an integer >= 1, got 0"),
    ({"max_spikes": 2.5}, r"max_spikes must be an integer >= 1, got 2.5"),
    ({"t_eval": [5.0, 11.0]}, r"t_eval must be within \[0, 10\], got times from 5 to 11"),
    ({"t_eval": [-1.0, 5.0]}, r"t_eval must be within \[0, 10\]"),
    ({"t_eval": [5.0, 1.0]}, r"t_eval must be strictly increasing"),
])
def test_bad_solver_settings(kwargs, message):
    with pytest.raises(LifutilsError, match=message):
        simulate_events(P20, 10.0, **kwargs)


def test_numpy_numbers_are_accepted():
    res = simulate_events(P20, np.float32(100.0), max_step=np.int64(1), rtol=np.float64(1e-10),
                          atol=np.array(1e-10), max_spikes=np.int64(10))
    assert spike_time_error(res.spike_times, exact_spike_times(P20, 100.0)) < 1e-6


def test_t_eval_keeps_t_max_when_the_hold_covers_the_end():
    p = LIFParams(i_e=20.0, t_ref=5.0, v0=-50.0)  # a spike at 0, held until 5 ms
    res = simulate_events(p, 3.0, t_eval=[0.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(res.t, [0.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(res.v, -80.0)


# ---- near rheobase: tightened, or a warning; never a silent wrong count ----

@pytest.mark.parametrize("gap", [1e-6, 1e-4, 1e-2])
def test_near_rheobase_the_defaults_are_tightened_to_resolve_it(gap):
    p = LIFParams(i_e=15.0 + gap)
    exact = exact_spike_times(p, 2000.0)
    res = simulate_events(p, 2000.0)  # no warning: filterwarnings = error
    assert res.n_spikes == len(exact)
    assert spike_time_error(res.spike_times, exact) < 1e-3  # was 0.73 ms at gap 1e-6


def test_a_gap_below_double_precision_warns_and_names_gap_and_tolerance():
    p = LIFParams(i_e=15.0 + 1e-9)
    with pytest.warns(IllConditionedWarning, match=r"\|v_inf - v_thresh\| = 1e-09 mV.*at rtol = "
                      r"1e-13, atol = 1e-13.*a tolerance of about 1e-14 mV would"):
        res = simulate_events(p, 2000.0)
    assert res.n_spikes == len(exact_spike_times(p, 2000.0)) == 8  # was 0 before tightening


@pytest.mark.parametrize("i_e", [15.0, 15.0 - 1e-9, 15.0 + 1e-6])
def test_loose_tolerances_you_chose_near_rheobase_warn(i_e):
    with pytest.warns(IllConditionedWarning, match="spikes may be missed or added"):
        simulate_events(LIFParams(i_e=i_e), 2000.0, method="LSODA", rtol=1e-3, atol=1e-3)


def test_loose_tolerances_far_from_rheobase_do_not_warn():
    res = simulate_events(P20, 100.0, rtol=1e-2, atol=1e-2)
    assert res.n_spikes == 5


def test_a_huge_rtol_that_would_change_the_count_warns():
    with pytest.warns(IllConditionedWarning, match=r"rtol = 0.5"):
        simulate_events(P20, 100.0, rtol=0.5)


# ---- budgets ----

def test_a_never_firing_neuron_over_a_long_time_is_refused_for_explicit_methods():
    with pytest.raises(BudgetError, match=r"t_max = 1e\+09 implies 1e\+08 membrane time constants.*"
                                          r"use method='LSODA'"):
        simulate_events(LIFParams(), 1e9)
    res = simulate_events(LIFParams(), 1e9, method="LSODA")  # its steps grow: a few hundred evaluations
    assert res.n_spikes == 0 and res.v[-1] == pytest.approx(-67.0, abs=1e-6) and res.nfev < 10_000


def test_a_tiny_max_step_is_refused_at_once():
    with pytest.raises(BudgetError, match=r"max_step = 1e-07 implies 6e\+09 right-hand-side evaluations"):
        simulate_events(P20, 100.0, max_step=1e-7)


# ---- event_rates: the event method's rates from its first interval ----

@settings(max_examples=12, deadline=None)
@given(tau_m=st.floats(2.0, 40.0), t_ref=st.floats(0.0, 10.0), v_reset=st.floats(-85.0, -56.0),
       i_e=st.floats(0.0, 40.0))
def test_event_rates_are_the_rates_over_all_of_t_max(tau_m, t_ref, v_reset, i_e):
    # The spike train repeats after its first spike: its first interval gives the rate of
    # the whole run, to the solver's error; and, like it, 0 unless two spikes fit in t_max.
    from lifutils.analytic import firing_rate
    from lifutils.compare import event_rates, simulated_rates

    p = LIFParams(tau_m=tau_m, t_ref=t_ref, v_reset=v_reset)
    currents = [i_e, 30.0]
    quick = event_rates(p, currents, 300.0)
    whole = simulated_rates("events", p, currents, 300.0)
    assert quick.shape == whole.shape == (2,)
    assert np.all((quick == 0.0) == (whole == 0.0)), (quick, whole)
    assert np.allclose(quick, whole, rtol=1e-6, atol=0.0), (quick, whole)
    exact = firing_rate(p, i_e=np.array(currents))
    fired = quick > 0
    assert np.allclose(quick[fired], exact[fired], rtol=1e-5, atol=0.0), (quick, exact)


def test_event_rates_refuse_what_simulated_rates_refuse():
    from lifutils.compare import event_rates

    for bad, words in (("abc", "currents must be a one-dimensional"), ([[1.0]], "one-dimensional"),
                       ([np.nan], "i_e must be a finite number"), ([1e300], "more than max_spikes")):
        with pytest.raises(LifutilsError, match=words):
            event_rates(LIFParams(), bad)
    with pytest.raises(LifutilsError, match="params must be a LIFParams"):
        event_rates({"i_e": 20.0}, [20.0])
    with pytest.raises(LifutilsError, match="t_max"):
        event_rates(LIFParams(), [20.0], -1.0)
    assert event_rates(LIFParams(), []).shape == (0,)
    # two spikes just too far apart for t_max: 0, as over the whole run
    p = LIFParams(i_e=20.0)
    second = exact_spike_times(p, 100.0)[1]
    assert event_rates(p, [20.0], second - 0.01)[0] == 0.0
    assert event_rates(p, [20.0], second + 0.01)[0] > 0.0

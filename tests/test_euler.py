import math

import numpy as np
import pytest

from lifutils import (BudgetError, LIFParams, LifutilsError, RunawayError, exact_spike_times, inputs,
                      simulate_euler)


def question_loop(tau_m, v_rest, v_thresh, v_reset, i_e, dt, t_max):
    """The question's Euler loop, verbatim, recording the end of each spiking step."""
    v = v_rest
    spikes = []
    for t in np.arange(0, t_max, dt):
        dv_dt = (-(v - v_rest) + i_e) / tau_m
        v += dv_dt * dt
        if v >= v_thresh:
            v = v_reset
            spikes.append(t + dt)
    return np.array(spikes), v


@pytest.mark.parametrize("i_e, dt, t_max", [
    (3, 0.1, 100), (20, 0.1, 100), (20, 0.05, 300), (16, 0.1, 500), (40, 0.01, 200), (25, 0.3, 100),
])
def test_spike_for_spike_with_the_questions_loop(i_e, dt, t_max):
    expected, v_last = question_loop(10, -70, -55, -80, i_e, dt, t_max)
    res = simulate_euler(LIFParams(i_e=float(i_e)), t_max, dt=dt)
    assert res.n_spikes == len(expected)
    np.testing.assert_allclose(res.spike_times, expected, rtol=0, atol=1e-9 * dt)
    assert res.v[-1] == v_last  # the same floating-point operations
    assert res.nfev == len(np.arange(0, t_max, dt))


def test_question_values_settle_at_minus_67():
    res = simulate_euler(LIFParams(), 100.0)
    assert res.n_spikes == 0
    assert res.v[-1] == pytest.approx(-67.0, abs=1e-3)  # 3 mV * exp(-10) away at most


def fitted_order(interpolate, t_ref=0.0):
    p = LIFParams(i_e=20.0, t_ref=t_ref)
    exact = exact_spike_times(p, 200.0)
    dts = 0.4 / 2.0 ** np.arange(7)
    errors = []
    for dt in dts:
        res = simulate_euler(p, 200.0, dt=dt, interpolate=interpolate)
        assert res.n_spikes == len(exact)
        errors.append(np.max(np.abs(res.spike_times - exact)))
    return np.polyfit(np.log(dts), np.log(errors), 1)[0], errors


def test_plain_euler_converges_at_order_one():
    slope, errors = fitted_order(False)
    assert 0.9 < slope < 1.1, errors
    assert errors[-1] < 0.06


@pytest.mark.parametrize("t_ref", [0.0, 2.0])
def test_interpolated_euler_converges_at_order_one_smoothly(t_ref):
    slope, errors = fitted_order(True, t_ref)
    assert slope == pytest.approx(1.0, abs=0.01), errors
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    np.testing.assert_allclose(ratios, 2.0, atol=0.05)  # halves exactly with dt


def test_refractory_period_holds_v():
    p = LIFParams(i_e=20.0, t_ref=2.0)
    res = simulate_euler(p, 60.0, dt=0.1)
    first = res.spike_times[0]
    held = (res.t >= first) & (res.t < first + 2.0 - 1e-9)
    assert held.sum() == 20
    np.testing.assert_array_equal(res.v[held], -80.0)
    assert res.v[np.searchsorted(res.t, first + 2.0) + 1] > -80.0


def test_start_above_threshold_spikes_at_zero():
    for interpolate in (False, True):
        res = simulate_euler(LIFParams(i_e=20.0, v0=-50.0), 30.0, dt=0.01, interpolate=interpolate)
        assert res.spike_times[0] == 0.0 and res.v[0] == -80.0
        assert res.spike_times[1] == pytest.approx(10 * math.log(6), abs=0.1)


def test_time_varying_input_is_sampled_at_step_starts():
    res = simulate_euler(LIFParams(i_e=inputs.step(50.0, 20.0)), 100.0, dt=0.01)
    assert res.spike_times[0] == pytest.approx(50 + 10 * math.log(4), abs=0.05)


def test_bad_arguments():
    with pytest.raises(LifutilsError, match=r"dt must be no larger than t_max \(1.0 ms\), got 2.0"):
        simulate_euler(LIFParams(), 1.0, dt=2.0)
    with pytest.raises(LifutilsError, match="t_max must be a finite number > 0 ms, got nan"):
        simulate_euler(LIFParams(), float("nan"))
    with pytest.raises(BudgetError, match=r"dt = 0.001 implies 1e\+12 Euler steps over t_max = "
                                          r"1e\+09 ms, over the budget of 2e\+07"):
        simulate_euler(LIFParams(), 1e9, dt=1e-3)
    with pytest.raises(LifutilsError, match="i_e returned a non-finite current at t = 5 ms"):
        simulate_euler(LIFParams(i_e=lambda t: np.where(t >= 5, np.inf, 0.0)), 10.0, dt=0.5)
    with pytest.raises(TypeError):  # dt is keyword-only: one meaning, said by name
        simulate_euler(LIFParams(), 10.0, 0.1)


def test_the_default_dt_fits_a_short_run():
    res = simulate_euler(LIFParams(), 0.05)  # was "dt must be no larger than t_max"
    assert res.nfev == 10 and res.t[-1] == pytest.approx(0.05)
    assert simulate_euler(LIFParams(), 100.0).nfev == 1000  # 0.1 ms, as in the question


@pytest.mark.parametrize("interpolate", [False, True])
def test_a_huge_refractory_period_is_computed_not_counted(interpolate):
    # t_ref = 1e300 ms: one spike, then held to the end (it used to count the hold step by step).
    res = simulate_euler(LIFParams(i_e=20.0, t_ref=1e300), 100.0, interpolate=interpolate)
    assert res.n_spikes == 1 and np.all(res.v[res.t > res.spike_times[0] + 0.1] == -80.0)


@pytest.mark.parametrize("t_ref", [0.1, 0.3, 2.0, 2.05])
def test_the_hold_is_the_steps_the_old_count_gave(t_ref):
    p = LIFParams(i_e=30.0, t_ref=t_ref)
    res = simulate_euler(p, 100.0, dt=0.1)
    for s in res.spike_times[:-1]:
        k_spike = int(round(s / 0.1))
        k = k_spike
        while k * 0.1 < s + t_ref - 1e-10:  # the old step-by-step count
            k += 1
        np.testing.assert_array_equal(res.v[k_spike:k + 1], -80.0)  # held through step k
        assert res.v[k + 1] > -80.0


def test_a_runaway_drive_is_refused_before_the_loop():
    with pytest.raises(RunawayError, match=r"about 1.27e\+04 spikes in t_max = 1000 ms"):
        simulate_euler(LIFParams(tau_m=2.0, v_reset=-56.0, i_e=40.0), 1000.0, dt=0.01)
    with pytest.raises(RunawayError, match="max_spikes = 3"):
        simulate_euler(LIFParams(i_e=lambda t: 40.0 + 0 * t), 100.0, max_spikes=3)

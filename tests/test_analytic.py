import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from lifutils import (LIFParams, exact_spike_times, exact_voltage, firing_rate,
                      first_spike_time, interspike_interval, rheobase, simulate_exact)
from lifutils import RunawayError

# Values held by hand in the question's notes: R*I = 20 mV.
FIRST_SPIKE_20MV = 10 * math.log(4)   # 13.8629 ms
ISI_20MV = 10 * math.log(6)           # 17.9176 ms


def test_question_values_never_fire():
    p = LIFParams()
    assert rheobase(p) == 15.0
    assert exact_spike_times(p, 1000.0).size == 0
    assert firing_rate(p) == 0.0
    assert float(exact_voltage(p, 1000.0)) == pytest.approx(-67.0, abs=1e-12)


def test_supra_threshold_numbers_from_the_question():
    p = LIFParams(i_e=20.0)
    assert first_spike_time(p) == pytest.approx(FIRST_SPIKE_20MV, rel=1e-15)
    assert interspike_interval(p) == pytest.approx(ISI_20MV, rel=1e-15)
    assert firing_rate(p) == pytest.approx(1000 / ISI_20MV, rel=1e-15)
    np.testing.assert_allclose(exact_spike_times(p, 100.0),
                               FIRST_SPIKE_20MV + ISI_20MV * np.arange(5), rtol=1e-15)


def test_rheobase_is_the_edge_of_firing():
    p = LIFParams(r_m=2.0)
    i_rh = rheobase(p)
    assert i_rh == 7.5
    assert firing_rate(p, i_e=[i_rh - 1e-9, i_rh, i_rh + 1e-9]).tolist()[:2] == [0.0, 0.0]
    assert firing_rate(p, i_e=i_rh + 1e-6) > 0


def test_log1p_keeps_precision_for_strong_drive():
    # T = tau ln(1 + (v_thresh - v_reset) / (v_inf - v_thresh)); with a huge
    # drive the naive log of a ratio near 1 loses digits, log1p does not.
    p = LIFParams(i_e=1e9)
    x = 25.0 / (1e9 - 70.0 - (-55.0) - 0.0)  # (v_thresh - v_reset) / (v_inf - v_thresh)
    v_inf = -70.0 + 1e9
    x = 25.0 / (v_inf + 55.0)
    expected = 10.0 * (x - x**2 / 2 + x**3 / 3)
    assert interspike_interval(p) == pytest.approx(expected, rel=1e-14)


def test_refractory_period_adds_to_the_interval():
    p = LIFParams(i_e=20.0, t_ref=2.0)
    assert interspike_interval(p) == pytest.approx(ISI_20MV + 2.0, rel=1e-15)
    np.testing.assert_allclose(exact_spike_times(p, 60.0),
                               FIRST_SPIKE_20MV + (ISI_20MV + 2) * np.arange(3), rtol=1e-15)
    # v is held at v_reset during the refractory period.
    t = FIRST_SPIKE_20MV + np.array([0.0, 1.0, 1.999])
    np.testing.assert_array_equal(exact_voltage(p, t), -80.0)


def test_start_above_threshold_is_a_spike_at_zero():
    p = LIFParams(i_e=20.0, v0=-50.0)
    spikes = exact_spike_times(p, 40.0)
    np.testing.assert_allclose(spikes, [0.0, ISI_20MV, 2 * ISI_20MV], rtol=1e-15)
    # Below rheobase it fires once at t = 0 and never again.
    np.testing.assert_array_equal(exact_spike_times(LIFParams(v0=-55.0), 100.0), [0.0])


def test_voltage_is_right_continuous_at_spikes():
    p = LIFParams(i_e=20.0)
    s = exact_spike_times(p, 100.0)
    np.testing.assert_allclose(exact_voltage(p, s), -80.0)
    np.testing.assert_allclose(exact_voltage(p, s - 1e-9), -55.0, atol=1e-8)


def test_simulate_exact_trace_has_vertical_resets():
    res = simulate_exact(LIFParams(i_e=20.0), 100.0)
    assert res.n_spikes == 5 and res.nfev == 0 and res.name == "exact"
    for s in res.spike_times:
        at = res.v[res.t == s]
        np.testing.assert_allclose(sorted(at), [-80.0, -55.0], atol=1e-12)
    assert np.all(np.diff(res.t) >= 0)


def test_callable_input_has_no_closed_form():
    p = LIFParams(i_e=lambda t: np.full(np.shape(t), 20.0))
    with pytest.raises(ValueError, match="needs a constant input current"):
        exact_spike_times(p, 10.0)


def test_runaway_is_refused_at_once():
    with pytest.raises(RunawayError, match="max_spikes = 5000"):
        exact_spike_times(LIFParams(i_e=1e6), 1e6)


params_strategy = st.builds(
    LIFParams,
    tau_m=st.floats(1.0, 50.0),
    v_rest=st.floats(-80.0, -60.0),
    v_thresh=st.floats(-58.0, -40.0),
    v_reset=st.floats(-90.0, -60.0),
    i_e=st.floats(0.0, 60.0),
    r_m=st.floats(0.5, 5.0),
    t_ref=st.floats(0.0, 5.0),
)


@given(params_strategy)
def test_spike_times_satisfy_the_ode(p):
    """Every exact spike is where the closed-form v reaches threshold, and v < threshold between."""
    spikes = exact_spike_times(p, 500.0, max_spikes=10**6)
    if p.v_inf <= p.v_thresh:
        assert spikes.size == 0 and firing_rate(p) == 0.0
        return
    isi = interspike_interval(p)
    np.testing.assert_allclose(np.diff(spikes), isi, rtol=1e-9)
    assert firing_rate(p) == pytest.approx(1000.0 / isi)
    # Integrate the ODE from reset to threshold by the closed form, another way.
    climb = p.tau_m * math.log((p.v_reset - p.v_inf) / (p.v_thresh - p.v_inf))
    assert isi == pytest.approx(p.t_ref + climb, rel=1e-9)
    t = np.linspace(0, 500, 2001)
    v = exact_voltage(p, t, t_max=500.0, max_spikes=10**6)
    assert np.all(v < p.v_thresh + 1e-9)


@given(params_strategy, st.floats(0.0, 100.0))
def test_f_i_curve_is_monotone_and_zero_below_rheobase(p, i_e):
    rates = firing_rate(p, i_e=[i_e, i_e + 1.0])
    assert rates[1] >= rates[0]
    if i_e <= rheobase(p):
        assert rates[0] == 0.0
    else:
        assert rates[0] > 0.0

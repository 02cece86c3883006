"""lifutils.references: the closed-form references of notebook 05, checked independently."""
import math
import pathlib
import re

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from lifutils import LIFParams, exact_spike_times, exact_voltage, solve_ivp_with_resets
from lifutils import references as models
from lifutils.references import adapted_isi, exact_lif_with_current

ROOT = pathlib.Path(__file__).resolve().parents[1]
TIGHT = dict(rtol=1e-11, atol=1e-11)


def test_imports_only_numpy_and_scipy():
    # references.py is a numerical module: fast to import, no screen needed.
    allowed = {"numpy", "scipy", "__future__", "dataclasses", "math", "numbers", "typing"}
    source = (ROOT / "lifutils" / "references.py").read_text()
    for match in re.finditer(r"^(?:from ([\w.]+) import|import ([\w.]+))", source, re.M):
        module = match.group(1) or match.group(2)
        assert module.split(".")[0] in allowed or module.startswith("."), module


def test_named_defaults_are_those_of_notebook_05():
    assert (models.TAU_W, models.B_JUMP, models.TAU_S, models.Q_JUMP) == (100.0, 2.0, 5.0, 6.0), \
        "did the defaults change? notebook 05 states these values"


@pytest.mark.parametrize("i_e, tau_x", [(20.0, 5.0), (16.0, 100.0), (35.0, 3.0)])
def test_without_extra_current_it_is_the_plain_lif_neuron(i_e, tau_x):
    p = LIFParams(i_e=i_e)
    res = exact_lif_with_current(p, 300.0, tau_x=tau_x)
    np.testing.assert_allclose(res.spike_times, exact_spike_times(p, 300.0), rtol=0, atol=1e-10)
    # Away from the spikes (two closed forms may place a spike 1e-14 ms apart):
    away = np.min(np.abs(res.t[:, None] - res.spike_times[None, :]), axis=1, initial=1.0) > 1e-9
    np.testing.assert_allclose(res.v[away], exact_voltage(p, res.t[away]), atol=1e-9)
    assert np.all(res.x == 0.0)


def test_trace_is_sampled_and_shows_each_reset_as_a_jump():
    p = LIFParams(i_e=20.0)
    res = exact_lif_with_current(p, 100.0, tau_x=100.0, spike_jump=-2.0, dt=0.5)
    assert np.all(np.diff(res.t) >= 0) and res.t[0] == 0.0 and res.t[-1] == 100.0
    for s in res.spike_times:
        idx = np.flatnonzero(res.t == s)
        assert len(idx) == 2
        assert res.v[idx[0]] == p.v_thresh and res.v[idx[1]] == p.v_reset
        assert res.x[idx[1]] == pytest.approx(res.x[idx[0]] - 2.0)


def adaptation_by_solve_ivp(p, t_max, tau_w, b):
    """An independent restart loop with plain solve_ivp."""
    def rhs(t, y):
        return [(-(y[0] - p.v_rest) + p.r_m * (p.i_e - y[1])) / p.tau_m, -y[1] / tau_w]

    def event(t, y):
        return y[0] - p.v_thresh
    event.terminal, event.direction = True, 1
    t, y, spikes = 0.0, [p.v_rest, 0.0], []
    while True:
        sol = solve_ivp(rhs, (t, t_max), y, events=event, **TIGHT)
        if sol.status != 1:
            return np.array(spikes)
        t = sol.t_events[0][0]
        spikes.append(t)
        y = [p.v_reset, sol.y_events[0][0][1] + b]


@pytest.mark.parametrize("i_e, tau_w, b", [(20.0, 100.0, 2.0), (30.0, 50.0, 5.0), (25.0, 4.0, 1.0)])
def test_adaptation_matches_an_independent_restart_loop(i_e, tau_w, b):
    p = LIFParams(i_e=i_e)
    res = exact_lif_with_current(p, 400.0, tau_x=tau_w, spike_jump=-b)
    np.testing.assert_allclose(res.spike_times, adaptation_by_solve_ivp(p, 400.0, tau_w, b),
                               rtol=0, atol=1e-6)


def test_steady_adapted_interval_is_the_limit_of_the_intervals():
    p = LIFParams(i_e=20.0)
    res = exact_lif_with_current(p, 2000.0, tau_x=100.0, spike_jump=-2.0)
    T = adapted_isi(p, tau_w=100.0, b=2.0)
    assert np.diff(res.spike_times)[-1] == pytest.approx(T, abs=1e-8)
    # The defining property: from v_reset against w = b / (1 - exp(-T / tau_w)), the climb takes T.
    w_after = 2.0 / -math.expm1(-T / 100.0)
    climb = exact_lif_with_current(p.replace(v0=p.v_reset), 2 * T, tau_x=100.0, x0=-w_after)
    assert climb.spike_times[0] == pytest.approx(T, abs=1e-9)


def test_without_jump_the_adapted_interval_is_the_plain_one():
    p = LIFParams(i_e=20.0)
    assert adapted_isi(p, b=0.0) == pytest.approx(10.0 * math.log(6.0), abs=1e-12)


def test_synaptic_input_before_the_first_spike_is_a_sum_of_psps():
    # Below threshold, v - v_rest is a sum of PSPs R q tau_s/(tau_s - tau_m) (e^-t/tau_s - e^-t/tau_m).
    p = LIFParams(i_e=0.0)
    times, q, tau_s = np.array([5.0, 12.0, 13.0]), 4.0, 5.0
    res = exact_lif_with_current(p, 60.0, tau_x=tau_s, input_times=times, input_jump=q)
    assert res.spike_times.size == 0
    lag = np.clip(res.t[:, None] - times[None, :], 0.0, None) * (res.t[:, None] >= times[None, :])
    on = res.t[:, None] >= times[None, :]
    psp = q * tau_s / (tau_s - p.tau_m) * (np.exp(-lag / tau_s) - np.exp(-lag / p.tau_m)) * on
    np.testing.assert_allclose(res.v, p.v_rest + psp.sum(axis=1), atol=1e-10)


def test_synaptic_input_matches_solve_ivp_with_resets():
    p = LIFParams(i_e=10.0)
    times = np.arange(20.0, 100.0, 2.5)

    def rhs(t, y):
        return [(-(y[0] - p.v_rest) + p.r_m * (p.i_e + y[1])) / p.tau_m, -y[1] / 5.0]

    def threshold(t, y):
        return y[0] - p.v_thresh
    threshold.direction = 1
    # Deliver the inputs through breakpoints: solve segment by segment.
    spikes, y, t0 = [], np.array([p.v_rest, 0.0]), 0.0
    for t1 in list(times) + [150.0]:
        sol = solve_ivp_with_resets(rhs, (t0, t1), y, events=threshold,
                                    reset=lambda t, y, i: np.array([p.v_reset, y[1]]),
                                    max_step=0.1, **TIGHT)
        spikes.extend(sol.t_events[0])
        y, t0 = sol.y[:, -1] + [0.0, 6.0], t1
    res = exact_lif_with_current(p, 150.0, tau_x=5.0, input_times=times, input_jump=6.0)
    np.testing.assert_allclose(res.spike_times, spikes, rtol=0, atol=1e-7)


def test_a_brief_excursion_above_threshold_is_not_missed():
    # One strong, fast PSP: v would peak about 5 mV above threshold near t = 5 ms and turn
    # back. The crossing is found however long the segment (there is no step to hide it in).
    p = LIFParams(i_e=0.0)
    res = exact_lif_with_current(p, 200.0, tau_x=2.0, input_times=[1.0], input_jump=150.0)
    assert res.spike_times.size == 1 and 1.0 < res.spike_times[0] < 5.0
    # Just too weak to reach the threshold: no spike.
    weak = exact_lif_with_current(p, 200.0, tau_x=2.0, input_times=[1.0], input_jump=100.0)
    assert weak.spike_times.size == 0 and weak.v.max() < p.v_thresh


@pytest.mark.parametrize("kwargs, message", [
    (dict(tau_x=10.0), r"tau_x must differ from tau_m"),
    (dict(tau_x=-1.0), r"tau_x must be > 0 ms"),
    (dict(tau_x=5.0, input_times=[3.0, 2.0]), r"input_times must be strictly increasing"),
    (dict(tau_x=5.0, input_times=[0.0]), r"input_times must lie in \(0, t_max"),
    (dict(tau_x=5.0, input_times=[np.nan]), r"input_times must be finite"),
    (dict(tau_x=5.0, x0="1"), r"x0 must be a finite real number"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        exact_lif_with_current(LIFParams(i_e=20.0), 100.0, **kwargs)


def test_what_it_does_not_cover_is_refused():
    from lifutils import inputs
    with pytest.raises(ValueError, match="constant i_e"):
        exact_lif_with_current(LIFParams(i_e=inputs.step(5.0, 20.0)), 50.0, tau_x=5.0)
    with pytest.raises(ValueError, match="t_ref = 0"):
        exact_lif_with_current(LIFParams(i_e=20.0, t_ref=2.0), 50.0, tau_x=5.0)
    with pytest.raises(ValueError, match="above the rheobase"):
        adapted_isi(LIFParams(i_e=10.0))
    with pytest.raises(ValueError, match="b must be >= 0"):
        adapted_isi(LIFParams(i_e=20.0), b=-1.0)

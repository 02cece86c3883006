"""lifutils.references: the closed-form references of notebook 05, checked independently."""
import math
import pathlib
import re

import numpy as np
import pytest

from lifutils import LIFParams, exact_spike_times, exact_voltage, solve_ivp_with_resets
from lifutils import references as models
from lifutils.references import adapted_isi, exact_lif_with_current
from restart_oracle import restart_loop

ROOT = pathlib.Path(__file__).resolve().parents[1]
TIGHT = dict(rtol=1e-11, atol=1e-11)


def test_imports_only_numpy_and_scipy():
    # The references are numerical modules: fast to import, no screen needed.
    allowed = {"numpy", "scipy", "__future__", "dataclasses", "math", "numbers", "typing"}
    for path in sorted((ROOT / "lifutils" / "references").glob("*.py")):
        for match in re.finditer(r"^(?:from ([\w.]+) import|import ([\w.]+))", path.read_text(), re.M):
            module = match.group(1) or match.group(2)
            assert module.split(".")[0] in allowed or module.startswith("."), (path.name, module)


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
    """The independent restart loop with plain solve_ivp."""
    def rhs(t, y):
        return [(-(y[0] - p.v_rest) + p.r_m * (p.i_e - y[1])) / p.tau_m, -y[1] / tau_w]

    spikes, _ = restart_loop(rhs, [p.v_rest, 0.0], t_max,
                             threshold=lambda t, y: y[0] - p.v_thresh,
                             reset=lambda y: [p.v_reset, y[1] + b], **TIGHT)
    return spikes


@pytest.mark.parametrize("i_e, tau_w, b", [(20.0, 100.0, 2.0), (30.0, 50.0, 5.0), (25.0, 4.0, 1.0)])
def test_adaptation_matches_an_independent_restart_loop(i_e, tau_w, b):
    p = LIFParams(i_e=i_e)
    res = exact_lif_with_current(p, 400.0, tau_x=tau_w, spike_jump=-b)
    np.testing.assert_allclose(res.spike_times, adaptation_by_solve_ivp(p, 400.0, tau_w, b),
                               rtol=0, atol=1e-6)


def test_steady_adapted_interval_is_the_limit_of_the_intervals():
    p = LIFParams(i_e=20.0)
    res = exact_lif_with_current(p, 2000.0, tau_x=100.0, spike_jump=-2.0)
    T = adapted_isi(p, tau_x=100.0, spike_jump=-2.0)  # the same signs as exact_lif_with_current
    assert adapted_isi(p, tau_w=100.0, b=2.0) == T  # written for w = -x
    assert np.diff(res.spike_times)[-1] == pytest.approx(T, abs=1e-8)
    # The defining property: from v_reset with x = jump / (1 - exp(-T / tau_x)), the climb takes T.
    x_after = -2.0 / -math.expm1(-T / 100.0)
    climb = exact_lif_with_current(p.replace(v0=p.v_reset), 2 * T, tau_x=100.0, x0=x_after)
    assert climb.spike_times[0] == pytest.approx(T, abs=1e-9)


def test_without_jump_the_adapted_interval_is_the_plain_one():
    p = LIFParams(i_e=20.0)
    assert adapted_isi(p, spike_jump=0.0) == pytest.approx(10.0 * math.log(6.0), abs=1e-12)
    assert adapted_isi(p, b=0.0) == adapted_isi(p, spike_jump=0.0)


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
    (dict(tau_x=-1.0), r"tau_x must be a finite number > 0 ms, got -1.0"),
    (dict(tau_x=5.0, input_times=[3.0, 2.0]), r"input_times must be strictly increasing"),
    (dict(tau_x=5.0, input_times=[0.0]), r"input_times must lie in \(0, t_max"),
    (dict(tau_x=5.0, input_times=[np.nan]), r"input_times must be finite times"),
    (dict(tau_x=5.0, x0="1"), r"x0 must be a finite number, got '1'"),
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
    with pytest.raises(ValueError, match="b must be a finite number >= 0 nA, got -1.0"):
        adapted_isi(LIFParams(i_e=20.0), b=-1.0)
    with pytest.raises(ValueError, match="spike_jump must be <= 0"):
        adapted_isi(LIFParams(i_e=20.0), spike_jump=1.0)


# --------------------------------------------------------------------------- delta network

from lifutils.references import exact_delta_network  # noqa: E402

NET = LIFParams()  # the question's membrane; the drives come with each network


def test_network_without_weights_is_each_neuron_alone():
    drive, v0 = np.array([18.0, 20.0, 26.0, 12.0]), np.array([-70.0, -60.0, -75.0, -58.0])
    net = exact_delta_network(NET, 300.0, i_e=drive, v0=v0, weights=np.zeros((4, 4)))
    for k in range(4):
        alone = exact_spike_times(LIFParams(i_e=drive[k], v0=v0[k]), 300.0)
        assert net.spike_times[k].size == alone.size
        np.testing.assert_allclose(net.spike_times[k], alone, rtol=0, atol=1e-11)
    assert net.spike_times[3].size == 0  # 12 nA: below the rheobase
    assert np.all(np.diff(net.times) >= 0) and net.times.size == net.neurons.size


def test_a_kick_that_stays_below_threshold_by_hand():
    """At 10 ln 4, neuron 1 (18 nA) is at -52 - 18/4 = -56.5 mV; the kick lifts it to -55.5."""
    net = exact_delta_network(NET, 16.0, i_e=[20.0, 18.0], v0=-70.0,
                              weights=[[0.0, 1.0], [1.0, 0.0]])
    t0 = 10.0 * math.log(4.0)
    assert net.neurons.tolist() == [0, 1]
    np.testing.assert_allclose(net.times, [t0, t0 + 10.0 * math.log(3.5 / 3.0)], rtol=1e-13)


def test_a_cascade_fires_at_one_instant_in_order_and_later_kicks_reach_earlier_firers():
    """0 fires at 10 ln 4 and pushes 1 over, whose kick pushes 2 over; 0 and 1 get the later kicks."""
    w = np.array([[0.0, 3.0, 0.0], [1.0, 0.0, 4.0], [2.0, 0.5, 0.0]])
    net = exact_delta_network(NET, 14.0, i_e=[20.0, 18.0, 16.0], v0=[-70.0, -70.0, -62.0],
                              weights=w)
    t0 = 10.0 * math.log(4.0)
    assert net.neurons.tolist() == [0, 1, 2]
    assert np.all(net.times == net.times[0]) and abs(net.times[0] - t0) < 1e-12
    # v just after the cascade, by hand: v_reset plus the kicks of those that fired later.
    after = np.array([-80.0 + 1.0 + 2.0, -80.0 + 0.5, -80.0])
    later = exact_delta_network(NET, 60.0, i_e=[20.0, 18.0, 16.0], v0=[-70.0, -70.0, -62.0],
                                weights=w)
    v_inf = -70.0 + np.array([20.0, 18.0, 16.0])
    expected_next = t0 + 10.0 * np.log((after - v_inf) / (-55.0 - v_inf))
    first_next = later.times[3]
    assert first_next == pytest.approx(expected_next.min(), abs=1e-11)
    assert later.neurons[3] == int(np.argmin(expected_next))


def test_exact_ties_fire_together_in_order_of_index():
    net = exact_delta_network(NET, 14.0, i_e=[20.0, 20.0, 20.0], v0=-70.0,
                              weights=np.full((3, 3), 0.1) - 0.1 * np.eye(3))
    assert net.neurons.tolist() == [0, 1, 2] and np.ptp(net.times) == 0


def test_inhibition_delays_the_other_neuron():
    w = np.array([[0.0, -3.0], [0.0, 0.0]])
    net = exact_delta_network(NET, 40.0, i_e=[20.0, 18.0], v0=-70.0, weights=w)
    t0 = 10.0 * math.log(4.0)
    assert net.spike_times[1][0] == pytest.approx(t0 + 10.0 * math.log(7.5 / 3.0), abs=1e-11)


@pytest.mark.parametrize("kwargs, words", [
    (dict(i_e=[[20.0]]), "i_e must be a 1-D array"),
    (dict(v0=[-70.0]), r"v0 must be a number or hold one potential"),
    (dict(weights=np.zeros((2, 3))), r"weights must have shape \(2, 2\)"),
    (dict(weights=[[1.0, 0.0], [0.0, 0.0]]), r"weights\[i, i\] must be 0"),
    (dict(weights=[[0.0, np.nan], [0.0, 0.0]]), "weights must be finite"),
    (dict(v0=[-70.0, -55.0]), "v0 must lie below v_thresh"),
    (dict(params=LIFParams(t_ref=1.0)), "t_ref = 0"),
    (dict(t_max=0.0), "t_max must be a finite number > 0"),
])
def test_network_bad_input(kwargs, words):
    args = dict(params=NET, t_max=50.0, i_e=[20.0, 18.0], v0=-70.0, weights=np.zeros((2, 2)))
    args.update(kwargs)
    with pytest.raises(ValueError, match=words):
        exact_delta_network(args.pop("params"), args.pop("t_max"), **args)


def test_a_runaway_cascade_is_an_error_not_a_hang():
    with pytest.raises(ValueError, match="again and again"):
        exact_delta_network(NET, 50.0, i_e=[20.0, 18.0], v0=-70.0,
                            weights=[[0.0, 30.0], [30.0, 0.0]])

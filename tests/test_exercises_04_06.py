"""The checks of notebooks 04-06: right answers pass, each typical mistake gets its hint, nothing raises."""
import time

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from lifutils import LIFParams, exact_spike_times, firing_rate, solve_ivp_with_resets
from lifutils.exercises import (ADAPTIVE_B, check_thresholds, solution_thresholds, ADAPTIVE_NEURON, ADAPTIVE_T_MAX, ADAPTIVE_TAU_W,
                                check_adaptation_reset, check_adaptive_spike_times,
                                check_firing_rate, check_max_step, solution_adaptive_spike_times,
                                solution_firing_rate)
from lifutils.exercises._student import call_student
from lifutils.references import (PULSE_ONSETS, adaptive_reference, exact_lif_with_current,
                                 pulse_reference)
from notebook_exercises import verdict


def stub(number):
    def func(*args):
        raise NotImplementedError(f"Exercise {number}: your code here")
    return func


# ---------------------------------------------------------------- 4.1: firing rate

def test_rate_reference_is_the_analytic_rate():
    spikes = exact_spike_times(LIFParams(i_e=20.0), 1000.0)
    assert solution_firing_rate(spikes) == pytest.approx(firing_rate(LIFParams(i_e=20.0)), rel=1e-9)
    assert solution_firing_rate([]) == solution_firing_rate([3.0]) == 0.0


def test_rate_right(capsys):
    ok, line = verdict(capsys, check_firing_rate, solution_firing_rate)
    assert ok and "55.811 Hz" in line
    # mean of 1/interval is right too for regular trains
    ok2 = lambda s: 0.0 if len(s) < 2 else float(np.mean(1000.0 / np.diff(s)))
    assert verdict(capsys, check_firing_rate, ok2)[0]


@pytest.mark.parametrize("func, hint", [
    (lambda s: 0.0 if len(s) < 2 else 1.0 / np.mean(np.diff(s)), "spikes per ms"),
    (lambda s: 0.0 if len(s) < 2 else 1e6 / np.mean(np.diff(s)), "1000 times too large"),
    (lambda s: 0.0 if len(s) < 2 else np.mean(np.diff(s)), "the interval in ms"),
    (lambda s: len(s) / 1000.0 * 1000.0, "including the"),
    (lambda s: len(s) / s[-1] * 1000.0 if len(s) else 0.0, "including the"),
    (lambda s: 1000.0 / np.mean(np.diff(s)), "fewer than two spikes"),
    (lambda s: 42.0, "1000 / mean(diff(spike_times))"),
    (lambda s: None, "got None"),
    (lambda s: "55.8 Hz", "got text"),
    (lambda: 55.8, "TypeError"),
    (stub("4.1"), "exercise 4.1 is not done yet"),
    (55.8, "not a function"),
])
def test_rate_wrong_gets_a_hint(capsys, func, hint):
    ok, line = verdict(capsys, check_firing_rate, func)
    assert not ok and hint in line, line


# ---------------------------------------------------------------- 5.1: adaptation reset

def right_reset(t, y, index):
    return [-80.0, y[1] + 2.0]


def test_adaptation_reset_right(capsys):
    ok, line = verdict(capsys, check_adaptation_reset, right_reset)
    assert ok and "14 spikes in 500 ms" in line


def in_place(t, y, index):
    y[0], y[1] = -80.0, y[1] + 2.0
    return y


@pytest.mark.parametrize("func, hint", [
    (in_place, None),
    (lambda t, y, i: np.array([-80.0, y[1]]), "w did not change"),
    (lambda t, y, i: np.array([-80.0, 2.0]), "the jumps add up"),
    (lambda t, y, i: np.array([-80.0, y[1] - 2.0]), "w went down by b"),
    (lambda t, y, i: np.array([-80.0, y[1] + 2000.0]), "already in nA"),
    (lambda t, y, i: np.array([y[0], y[1] + 2.0]), "not below v_thresh"),
    (lambda t, y, i: np.array([-55.0, y[1] + 2.0]), "not below v_thresh"),
    (lambda t, y, i: np.array([-70.0, y[1] + 2.0]), "that is v_rest"),
    (lambda t, y, i: np.array([-80.0]), "return both"),
    (lambda t, y, i: -80.0, "return both"),
    (lambda t, y, i: None, "forget to `return`"),
    (lambda t, y, i: ["a", "b"], "two numbers"),
    (lambda t, y: [-80.0, y[1] + 2.0], "TypeError"),
    (stub("5.1"), "exercise 5.1 is not done yet"),
])
def test_adaptation_reset_wrong_gets_a_hint(capsys, func, hint):
    ok, line = verdict(capsys, check_adaptation_reset, func)
    if hint is None:
        assert ok, line  # changing y in place and returning it is fine
    else:
        assert not ok and hint in line, line


# ---------------------------------------------------------------- 6.2: the adaptive restart loop

def loop(*, reset=lambda p, w, b: [p.v_reset, w + b], rtol=1e-8, terminal=True, sign=-1.0):
    """A student's loop, with one piece changed."""
    def func(p, tau_w, b, t_max):
        def rhs(t, y):
            return [(-(y[0] - p.v_rest) + p.r_m * (p.i_e + sign * y[1])) / p.tau_m, -y[1] / tau_w]

        def threshold(t, y):
            return y[0] - p.v_thresh
        threshold.terminal, threshold.direction = terminal, 1
        t, y, spikes = 0.0, [p.v_rest, 0.0], []
        for _ in range(200):
            sol = solve_ivp(rhs, (t, t_max), y, events=threshold, rtol=rtol, atol=rtol)
            if sol.status != 1:
                break
            t = sol.t_events[0][0]
            spikes.append(t)
            y = reset(p, sol.y_events[0][0][1], b)
        return spikes
    return func


def test_adaptive_reference_matches_solve_ivp_with_resets():
    p = ADAPTIVE_NEURON
    sol = solve_ivp_with_resets(
        lambda t, y: [(-(y[0] - p.v_rest) + p.r_m * (p.i_e - y[1])) / p.tau_m, -y[1] / 100.0],
        (0.0, 300.0), [p.v_rest, 0.0], events=lambda t, y: y[0] - p.v_thresh,
        reset=lambda t, y, i: [p.v_reset, y[1] + 2.0], rtol=1e-11, atol=1e-11)
    exact = adaptive_reference(p, 300.0, tau_w=100.0, b=2.0)
    np.testing.assert_allclose(sol.t_events[0], exact, rtol=0, atol=1e-7)
    exact_x = exact_lif_with_current(p, 300.0, tau_x=100.0, spike_jump=-2.0).spike_times
    np.testing.assert_allclose(exact, exact_x, rtol=0, atol=1e-10)
    # the intervals lengthen towards the steady interval
    assert len(exact) == 9 and np.all(np.diff(np.diff(exact)) > 0)


def test_adaptive_loop_right(capsys):
    for func in (solution_adaptive_spike_times, loop()):
        ok, line = verdict(capsys, check_adaptive_spike_times, func)
        assert ok and "all 9 spike times" in line, line


def hangs(p, tau_w, b, t_max):
    while True:
        time.sleep(0.01)


@pytest.mark.parametrize("func, hint", [
    (loop(terminal=False), "terminal = True"),
    (loop(reset=lambda p, w, b: [p.v_reset, w]), "without adaptation"),
    (loop(sign=0.0), "without adaptation"),
    (loop(sign=1.0), "w adds to the input"),
    (loop(reset=lambda p, w, b: [p.v_reset, b]), "w is set to b"),
    (loop(reset=lambda p, w, b: [p.v_rest, w + b]), "v restarts from v_rest"),
    (loop(rtol=1e-3), "default rtol = 1e-3 is too loose"),
    (loop(reset=lambda p, w, b: [p.v_thresh, w + b]), "fires again at once"),
    (lambda p, tau_w, b, t_max: [13.86] * 3, "not strictly increasing"),
    (lambda p, tau_w, b, t_max: [13.8629, 35.0], "2 spikes, but there are 9"),
    (lambda p, tau_w, b, t_max: None, "forget to `return`"),
    (lambda p, tau_w, b, t_max: [[1.0, 2.0]], "1-D array"),
    (lambda p, tau_w, b, t_max: [object()], "1-D array of spike times"),
    (stub("6.2"), "exercise 6.2 is not done yet"),
])
def test_adaptive_loop_wrong_gets_a_hint(capsys, func, hint):
    ok, line = verdict(capsys, check_adaptive_spike_times, func)
    assert not ok and hint in line, line


def test_adaptive_loop_that_never_returns_is_interrupted(capsys):
    start = time.perf_counter()
    ok, line = verdict(capsys, check_adaptive_spike_times, hangs, time_limit=0.3)
    assert not ok and "ran for more than 0.3 s" in line and "below the threshold" in line
    assert time.perf_counter() - start < 30.0  # interrupted, not hung (a bound, not a timing test)


def test_the_constants_are_the_ones_the_notebooks_describe():
    assert ADAPTIVE_NEURON == LIFParams(i_e=20.0)
    assert (ADAPTIVE_TAU_W, ADAPTIVE_B, ADAPTIVE_T_MAX) == (100.0, 2.0, 300.0)


# ---------------------------------------------------------------- 6.3: max_step

def test_pulse_reference_exact_and_missed():
    found, exact = pulse_reference(10.0)
    assert found is None  # the default steps jump over the pulse
    assert exact == pytest.approx(10.0 + 10.0 * np.log(100.0 / 99.0), abs=1e-12)
    found, _ = pulse_reference(10.0, max_step=0.1)
    assert found == pytest.approx(exact, abs=0.01)
    # every onset is caught with steps no longer than the pulse; 1 ms catches only some
    assert all(pulse_reference(o, max_step=0.2)[0] is not None for o in PULSE_ONSETS)
    assert sum(pulse_reference(o, max_step=1.0)[0] is not None for o in PULSE_ONSETS) == 6
    with pytest.raises(ValueError, match="onset"):
        pulse_reference(-1.0)


@pytest.mark.parametrize("value", [0.2, 0.1, 0.05, 0.01, np.float64(0.15)])
def test_max_step_right(capsys, value):
    assert verdict(capsys, check_max_step, lambda: value)[0]


@pytest.mark.parametrize("value, hint", [
    (1.0, "missed for 6 of 12"),
    (0.3, "caught all 12 pulses tried, but"),
    (0.0002, "in seconds"),
    (0.0, "positive"),
    (-0.1, "positive"),
    (None, "got None"),
    ("0.1", "got text"),
    (np.inf, "finite"),
])
def test_max_step_wrong_gets_a_hint(capsys, value, hint):
    ok, line = verdict(capsys, check_max_step, lambda: value)
    assert not ok and hint in line, line


def test_max_step_stub_and_non_function(capsys):
    assert "exercise 6.3 is not done yet" in verdict(capsys, check_max_step, stub("6.3"))[1]
    assert "not a function" in verdict(capsys, check_max_step, 0.1)[1]


# ---------------------------------------------------------------- calling the student's code

def test_call_student_reports_instead_of_raising():
    assert call_student(lambda x: x + 1, (1,), exercise="9.9", name="f") == (2, None)
    assert call_student(stub("3.2"), (), exercise="9.9", name="f")[1] == \
        "exercise 3.2 is not done yet (the stub raises NotImplementedError)"
    assert "exercise 9.9 is not done" in call_student(stub("x"), (), exercise="9.9", name="f")[1]
    assert "KeyError" in call_student(lambda: {}["a"], (), exercise="9.9", name="f")[1]


# ---------------------------------------------------------------- 6.4: one event per neuron

def with_direction(events, direction=1):
    for e in events:
        e.direction = direction
    return events


def test_thresholds_right(capsys):
    ok, line = verdict(capsys, check_thresholds, solution_thresholds)
    assert ok and "70 spikes" in line
    # a default argument fixes i too
    fixed = lambda n, vt: with_direction([lambda t, y, i=i: y[i] - vt for i in range(n)])
    assert verdict(capsys, check_thresholds, fixed)[0]


@pytest.mark.parametrize("func, hint", [
    (lambda n, vt: with_direction([lambda t, y: y[i] - vt for i in range(n)]), "late-binding trap"),
    (lambda n, vt: [lambda t, y, i=i: y[i] - vt for i in range(n)], "the directions are"),
    (lambda n, vt: with_direction([lambda t, y, i=i: y[i] - vt for i in range(n)], -1),
     "the directions are"),
    (lambda n, vt: with_direction([lambda t, y, i=i: vt - y[i] for i in range(n)]), "returns y[i] - v_thresh"),
    (lambda n, vt: with_direction([lambda t, y: y[0] - vt for i in range(n)]), "with only neuron 0"),
    (lambda n, vt: with_direction([lambda t, y, i=i: y[i] - vt for i in range(n - 1)]),
     "3 events for 4 neurons"),
    (lambda n, vt: lambda t, y: y - vt, "a list of event functions"),
    (lambda n, vt: [1.0] * n, "a list of event functions"),
    (lambda n, vt: with_direction([lambda t, y, i=i: y[i + 1] - vt for i in range(n)]), "IndexError"),
    (stub("6.4"), "exercise 6.4 is not done yet"),
])
def test_thresholds_wrong_gets_a_hint(capsys, func, hint):
    ok, line = verdict(capsys, check_thresholds, func)
    assert not ok and hint in line, line

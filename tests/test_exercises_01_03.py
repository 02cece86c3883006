"""Exercises of notebooks 01-03: checks accept right answers, explain wrong ones, never raise;
the folded solutions in the notebooks pass their checks; the untouched stubs are 'not done yet'."""
import re

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from lifutils import LIFParams, exercises
from lifutils.exercises import (check_euler_spike_times, check_event_function,
                                check_hack_slopes, check_threshold_events)
from notebook_exercises import cells as notebook_cells
from notebook_exercises import folded_solutions, source, verdict
from notebook_exercises import stubs as notebook_stubs

QUESTION = dict(tau_m=10, v_rest=-70, v_thresh=-55, v_reset=-80, i_e=3, dt=0.1, t_max=100)


def euler_loop(record="end", reset=-80.0, r=1.0, divide=True):
    """A student's Euler loop, right by default, with one typical mistake on request."""
    def spike_times(i_e, dt):
        v, times = -70.0, []
        for t in np.arange(0, 100, dt):
            v += (-(v + 70.0) + r * i_e) / (10.0 if divide else 1.0) * dt
            if v >= -55.0:
                if reset is not None:
                    v = reset
                times.append(t + dt if record == "end" else t)
        return times
    return spike_times


def stub(label):
    def func(*args):
        raise NotImplementedError(f"Exercise {label}: your code here")
    return func


# ---------------------------------------------------------------- exercise 1.1

def test_euler_right(capsys):
    assert verdict(capsys, check_euler_spike_times, euler_loop())[0]
    assert verdict(capsys, check_euler_spike_times, exercises.solution_euler_spike_times)[0]
    # an array, and t counted as k * dt instead of summed, are right too
    as_array = lambda i_e, dt: np.asarray(exercises.solution_euler_spike_times(i_e, dt))  # noqa: E731
    assert verdict(capsys, check_euler_spike_times, as_array)[0]


@pytest.mark.parametrize("func, hint", [
    (euler_loop(record="start"), "one step early"),
    (euler_loop(reset=None), "without the reset (or with one"),
    (euler_loop(reset=-55.0), "does not go below the threshold"),
    (euler_loop(reset=-70.0), "reset to v_reset = -80 mV"),
    (euler_loop(r=1e-9), "no 1e-9"),
    (euler_loop(divide=False), "Hint: one step is"),
    (lambda i_e, dt: exercises.solution_euler_spike_times(20.0, 0.1), "not fixed numbers"),
    (lambda i_e, dt: None, "forget to `return"),
    (lambda i_e, dt: 13.8, "return a list of spike times"),
    (lambda i_e: [], "TypeError"),
    (lambda i_e, dt: [1.0, "x"], "not a list of numbers"),
    (lambda i_e, dt: 1 / 0, "ZeroDivisionError"),
    (stub("1.1"), "exercise 1.1 is not done yet (the stub raises NotImplementedError)"),
    ("my_spike_times", "not a function"),
])
def test_euler_wrong_gets_a_hint(capsys, func, hint):
    ok, line = verdict(capsys, check_euler_spike_times, func)
    assert not ok and hint in line, line


# ---------------------------------------------------------------- exercise 2.1

def test_slopes_right(capsys):
    ok, line = verdict(capsys, check_hack_slopes, exercises.solution_hack_slopes)
    assert ok and "+0.5 mV/ms" in line and "-25.0 mV/ms" in line
    assert verdict(capsys, check_hack_slopes, lambda p: np.array(
        exercises.solution_hack_slopes(p)))[0]


@pytest.mark.parametrize("func, hint", [
    (lambda p: exercises.solution_hack_slopes(p)[::-1], "swapped"),
    (lambda p: (-(p.v_thresh - p.v_rest) + p.r_m * p.i_e, p.v_reset - p.v_thresh),
     "divided by tau_m"),
    (lambda p: ((p.v_thresh - p.v_rest + p.i_e) / p.tau_m, p.v_reset - p.v_thresh),
     "put v = v_thresh"),
    (lambda p: (exercises.solution_hack_slopes(p)[0], (p.v_reset - p.v_thresh) / p.tau_m),
     "not divided by tau_m"),
    (lambda p: (exercises.solution_hack_slopes(p)[0], p.v_reset - p.v_rest), "put y = v_thresh"),
    (lambda p: (0.5, -25.0), "instead of fixed numbers"),
    (lambda p: None, "forget to `return"),
    (lambda p: 0.5, "two numbers"),
    (lambda p: ("0.5", "-25"), "no quotes"),
    (stub("2.1"), "exercise 2.1 is not done yet"),
])
def test_slopes_wrong_gets_a_hint(capsys, func, hint):
    ok, line = verdict(capsys, check_hack_slopes, func)
    assert not ok and hint in line, line


# ---------------------------------------------------------------- exercise 3.1

def event(func, terminal=True, direction=1):
    if terminal is not None:
        func.terminal = terminal
    if direction is not None:
        func.direction = direction
    return func


@pytest.mark.parametrize("func, hint", [
    (event(lambda t, y: y[0] + 55.0, terminal=None), "carries on"),
    (event(lambda t, y: y[0] + 55.0, direction=None), "v falling back below would count too"),
    (event(stub("3.1")), "exercise 3.1 is not done yet (the stub raises NotImplementedError)"),
])
def test_event_function_hints_of_notebook_03(capsys, func, hint):
    ok, line = verdict(capsys, check_event_function, func)
    assert not ok and hint in line, line


# ---------------------------------------------------------------- exercise 3.2

def late_binding(n):
    events = [lambda t, y: y[i] + 55.0 for i in range(n)]
    for g in events:
        g.terminal, g.direction = True, 1
    return events


def factory(terminal=True, direction=1, sign=1.0):
    def my_events(n):
        def make(i):
            def g(t, y):
                return sign * (y[i] + 55.0)
            return event(g, terminal, direction)
        return [make(i) for i in range(n)]
    return my_events


def test_threshold_events_right(capsys):
    assert verdict(capsys, check_threshold_events, exercises.solution_threshold_events)[0]
    assert verdict(capsys, check_threshold_events, factory())[0]


@pytest.mark.parametrize("func, hint", [
    (late_binding, "late-binding trap"),
    (factory(terminal=None), "terminal is not True"),
    (factory(direction=None), "no direction attribute"),
    (factory(sign=-1.0), "sign is flipped"),
    (lambda n: factory()(n)[:2], "returned 2 events"),
    (lambda n: factory()(1)[0], "return a list"),
    (lambda n: [exercises.solution_event_function] * n, "all 3 events watch neuron 0"),
    (stub("3.2"), "exercise 3.2 is not done yet"),
    (factory()(3), "not a function"),
])
def test_threshold_events_wrong_gets_a_hint(capsys, func, hint):
    ok, line = verdict(capsys, check_threshold_events, func)
    assert not ok and hint in line, line


def test_reference_events_stop_the_right_neuron_in_solve_ivp():
    drive = np.array([16.0, 20.0, 18.0])   # neuron 1 fires first
    sol = solve_ivp(lambda t, y: (-(y + 70.0) + drive) / 10.0, (0.0, 100.0), [-70.0] * 3,
                    events=exercises.solution_threshold_events(), rtol=1e-10, atol=1e-10)
    assert sol.status == 1 and [len(te) for te in sol.t_events] == [0, 1, 0]
    assert sol.t_events[1][0] == pytest.approx(10.0 * np.log(4.0), abs=1e-7)


# ---------------------------------------------------------------- the notebooks

NOTEBOOK_EXERCISES = [  # notebook, function name, check, namespace of the notebook at that point
    ("01_euler_loop.ipynb", "my_spike_times", check_euler_spike_times, QUESTION),
    ("02_dvdt_reset_hack.ipynb", "my_slopes", check_hack_slopes, {}),
    ("03_event_driven_solve_ivp.ipynb", "my_threshold", check_event_function, {"v_thresh": -55.0}),
    ("03_event_driven_solve_ivp.ipynb", "my_events", check_threshold_events, {"v_thresh": -55.0}),
]


@pytest.mark.parametrize("name, func, check, namespace", NOTEBOOK_EXERCISES,
                         ids=[e[1] for e in NOTEBOOK_EXERCISES])
def test_folded_solution_passes_and_stub_is_not_done(capsys, name, func, check, namespace):
    solutions = [code for code in folded_solutions(name) if f"def {func}(" in code]
    stubs = [code for code in notebook_stubs(name) if f"def {func}(" in code]
    assert len(solutions) == 1 and len(stubs) == 1
    for code, right in ((solutions[0], True), (stubs[0], False)):
        scope = {"np": np, "solve_ivp": solve_ivp, "LIFParams": LIFParams, **namespace}
        exec(compile(code, f"<{name} {func}>", "exec"), scope)
        ok, line = verdict(capsys, check, scope[func])
        assert ok is right, line
        if not right:
            assert "is not done yet (the stub raises NotImplementedError)" in line


@pytest.mark.parametrize("name", ["01_euler_loop.ipynb", "02_dvdt_reset_hack.ipynb",
                                  "03_event_driven_solve_ivp.ipynb"])
def test_each_check_runs_on_the_reference_in_a_solution_cell(name):
    cells = notebook_cells(name)
    tagged = [source(c) for c in cells if "solution" in c["metadata"].get("tags", [])]
    assert tagged and all(re.fullmatch(r"exercises\.check_\w+\(exercises\.solution_\w+\)", s.strip())
                          for s in tagged)
    for cell in cells:
        if "solution" in cell["metadata"].get("tags", []):
            assert any("".join(o.get("text", "")).startswith("Right: ") for o in cell["outputs"])

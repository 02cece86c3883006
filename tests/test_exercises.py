"""lifutils.exercises: each check accepts right answers, explains wrong ones, never raises."""
import math
import re

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from lifutils import LIFParams, exact_spike_times, exercises
from lifutils.exercises import (check_event_function, check_first_spike_time, check_isi,
                                check_reset_loop, check_rheobase)
from notebook_exercises import cells, folded_solutions, stubs, verdict
from restart_oracle import restart_loop



BAD_NUMBERS = [None, "7.5", b"7.5", True, [1.0, 2.0], np.array([[1.0, 2.0]]), math.nan,
               math.inf, object(), {"value": 7.5}, 3 + 2j]


# ---------------------------------------------------------------- exercise 1: rheobase

def test_exercise_neurons_are_the_ones_the_notebook_describes():
    assert exercises.RHEOBASE_NEURON == LIFParams(r_m=2.0)
    assert exercises.FIRST_SPIKE_NEURON == LIFParams(i_e=25.0)
    assert exercises.REFRACTORY_NEURON == LIFParams(i_e=20.0, t_ref=2.0)
    assert exercises.LOOP_T_MAX == 100.0
    assert exercises.TOL_NA == 1e-3 and exercises.TOL_MS == 1e-3


@pytest.mark.parametrize("answer", [7.5, 7.5004, 15 / 2, np.float64(7.5), np.array([7.5]),
                                    np.array(7.5)])
def test_rheobase_right(capsys, answer):
    ok, line = verdict(capsys, check_rheobase, answer)
    assert ok and "7.500 nA" in line


@pytest.mark.parametrize("answer, hint", [
    (15.0, "rheobase for r_m = 1 MOhm"),
    (30.0, "you multiplied by r_m"),
    (-55.0, "looks like a voltage"),
    (-70.0, "looks like a voltage"),
    (-7.5, "looks like a voltage"),
    (7.6, "solve for i_e"),
    (7.502, "solve for i_e"),
])
def test_rheobase_wrong_gets_a_hint(capsys, answer, hint):
    ok, line = verdict(capsys, check_rheobase, answer)
    assert not ok and hint in line


@pytest.mark.parametrize("answer", BAD_NUMBERS, ids=repr)
def test_rheobase_bad_types_get_a_message_not_a_traceback(capsys, answer):
    ok, line = verdict(capsys, check_rheobase, answer)
    assert not ok and "nA" in line


def test_bad_type_messages_say_what_was_wrong(capsys):
    assert "forget to `return`" in verdict(capsys, check_rheobase, None)[1]
    assert "no quotes" in verdict(capsys, check_rheobase, "7.5")[1]
    assert "True/False" in verdict(capsys, check_rheobase, True)[1]
    assert "got 2 values" in verdict(capsys, check_rheobase, [1.0, 2.0])[1]
    assert "finite" in verdict(capsys, check_rheobase, math.nan)[1]


# ---------------------------------------------------------------- exercise 2: first spike

def test_first_spike_right(capsys):
    ok, line = verdict(capsys, check_first_spike_time, 10.0 * math.log(2.5))
    assert ok and "9.1629 ms" in line and "10 ln 2.5" in line


@pytest.mark.parametrize("answer, hint", [
    (10.0 * math.log(3.5), "start from v_reset"),       # the interval, climbing from v_reset
    (10.0 * math.log(4.0), "first spike at 20 nA"),
    (-10.0 * math.log(2.5), "upside down"),
    (9162.9, "check the unit"),
    (0.0091629, "check the unit"),
    (9.2, "solve v(t) = v_thresh"),
])
def test_first_spike_wrong_gets_a_hint(capsys, answer, hint):
    ok, line = verdict(capsys, check_first_spike_time, answer)
    assert not ok and hint in line


@pytest.mark.parametrize("answer", BAD_NUMBERS, ids=repr)
def test_first_spike_bad_types(capsys, answer):
    assert not verdict(capsys, check_first_spike_time, answer)[0]


# ---------------------------------------------------------------- exercise 3: event function

def event(func, terminal=True, direction=1):
    if terminal is not None:
        func.terminal = terminal
    if direction is not None:
        func.direction = direction
    return func


def test_event_function_right(capsys):
    assert verdict(capsys, check_event_function, exercises.solution_event_function)[0]
    # Other right answers: a size-1 array, float direction, a hard-coded threshold.
    ok = event(lambda t, y: y[:1] + 55.0, direction=1.0)
    assert verdict(capsys, check_event_function, ok)[0]


def test_reference_event_function_works_in_solve_ivp():
    p = LIFParams(i_e=20.0)
    sol = solve_ivp(lambda t, y: (-(y - p.v_rest) + p.r_m * p.i_e) / p.tau_m, (0.0, 50.0),
                    [p.v_rest], events=exercises.solution_event_function, rtol=1e-10, atol=1e-10)
    assert sol.status == 1
    assert sol.t_events[0][0] == pytest.approx(10.0 * math.log(4.0), abs=1e-7)


def raises(exc):
    def func(t, y):
        raise exc
    return func


@pytest.mark.parametrize("func, hint", [
    (event(lambda t, y: -55.0 - y[0]), "sign is flipped"),
    (event(lambda t, y: y[0] >= -55.0), "True/False"),
    (event(lambda t, y: np.array([y[0] >= -55.0])), "True/False"),
    (event(lambda t, y: y[0] + 50.0), "must be negative for every v below"),
    (event(lambda t, y: y[0] + 55.0 + 1e-6), "not 0"),
    (event(lambda t, y: y[0] + 55.0 + 1e-3 * (t - 1.0)), "depends on t"),
    (event(lambda t, y: y[0] + 55.0, direction=None), "no direction attribute"),
    (event(lambda t, y: y[0] + 55.0, direction=-1), "direction = -1"),
    (event(lambda t, y: y[0] + 55.0, direction=True), "direction = True"),
    (event(lambda t, y: y[0] + 55.0, terminal=None), "terminal is not True"),
    (event(lambda t, y: y[0] + 55.0, terminal=False), "terminal is not True"),
    (event(lambda t, y: None), "returned None"),
    (event(lambda t, y: "y[0] - v_thresh"), "return one number"),
    (event(lambda t, y: np.array([y[0], y[0]]) + 55.0), "return one number"),
    (event(lambda y: y[0] + 55.0), "two arguments"),
    (event(lambda t, y: y[1] + 55.0), "IndexError"),
    (event(raises(NotImplementedError("Exercise 3"))), "replace the stub"),
    (event(raises(ZeroDivisionError("oops"))), "ZeroDivisionError: oops"),
    (7.0, "not a function"),
    (None, "not a function"),
])
def test_event_function_wrong_gets_a_hint(capsys, func, hint):
    ok, line = verdict(capsys, check_event_function, func)
    assert not ok and hint in line, line


def test_event_function_is_given_what_solve_ivp_gives():
    seen = []

    def spy(t, y):
        seen.append((type(t), type(y), getattr(y, "shape", None)))
        return y[0] + 55.0
    check_event_function(event(spy))
    assert seen and all(ty is np.ndarray and shape == (1,) for _, ty, shape in seen)


# ---------------------------------------------------------------- exercise 4: interval

def test_isi_right(capsys):
    ok, line = verdict(capsys, check_isi, 2.0 + 10.0 * math.log(6.0))
    assert ok and "19.9176 ms" in line


@pytest.mark.parametrize("answer, hint", [
    (10.0 * math.log(6.0), "without the refractory period"),
    (10.0 * math.log(6.0) - 2.0, "subtracted t_ref"),
    (10.0 * math.log(4.0), "climb from v_rest"),
    (2.0 + 10.0 * math.log(4.0), "climb from v_rest"),
    (1000.0 / (2.0 + 10.0 * math.log(6.0)), "firing rate in Hz"),
    (20.0, "t_ref plus the climb"),
])
def test_isi_wrong_gets_a_hint(capsys, answer, hint):
    ok, line = verdict(capsys, check_isi, answer)
    assert not ok and hint in line


@pytest.mark.parametrize("answer", BAD_NUMBERS, ids=repr)
def test_isi_bad_types(capsys, answer):
    assert not verdict(capsys, check_isi, answer)[0]


# ---------------------------------------------------------------- exercise 5: restart loop

EXACT = exact_spike_times(exercises.REFRACTORY_NEURON, 100.0)


def test_reset_loop_reference_matches_the_exact_spikes(capsys):
    spikes = exercises.solution_reset_loop(exercises.REFRACTORY_NEURON, exercises.LOOP_T_MAX)
    np.testing.assert_allclose(spikes, EXACT, rtol=0, atol=1e-5)
    ok, line = verdict(capsys, check_reset_loop, spikes)
    assert ok and "all 5 spike times" in line


@pytest.mark.parametrize("params", [LIFParams(i_e=20.0), LIFParams(i_e=30.0, t_ref=5.0),
                                    LIFParams(i_e=16.0, t_ref=1.0)])
def test_reset_loop_reference_for_other_neurons(params):
    spikes = exercises.solution_reset_loop(params, 300.0)
    np.testing.assert_allclose(spikes, exact_spike_times(params, 300.0), rtol=0, atol=1e-5)


def test_reset_loop_right_as_a_list_too(capsys):
    assert verdict(capsys, check_reset_loop, [float(t) for t in EXACT])[0]


def loose_loop():
    """The reference loop at solve_ivp's default tolerances."""
    p = exercises.REFRACTORY_NEURON
    spikes, _ = restart_loop(lambda t, y: (-(y - p.v_rest) + p.r_m * p.i_e) / p.tau_m, [p.v_rest],
                             100.0, threshold=lambda t, y: y[0] - p.v_thresh,
                             reset=lambda y: [p.v_reset], t_ref=p.t_ref)
    return list(spikes)


@pytest.mark.parametrize("answer, hint", [
    ([], "no spikes"),
    (np.array([]), "no spikes"),
    (EXACT[::-1], "not strictly increasing"),
    (np.repeat(EXACT, 2), "not strictly increasing"),
    (exact_spike_times(exercises.REFRACTORY_NEURON.replace(t_ref=0.0), 100.0),
     "without the refractory period"),
    (EXACT[:3], "3 spikes, but there are 5"),
    (EXACT + 0.01, "off by up to 0.01 ms"),
    (EXACT + 3.0, "check the start"),
    (loose_loop(), "default rtol = 1e-3 is too loose"),
])
def test_reset_loop_wrong_gets_a_hint(capsys, answer, hint):
    ok, line = verdict(capsys, check_reset_loop, answer)
    assert not ok and hint in line, line


@pytest.mark.parametrize("answer, message", [
    (None, "forget to `return`"),
    ("13.86, 33.78", "give a list or array"),
    (13.8629, "give a list or array"),
    (np.array([EXACT, EXACT]), "shape (2, 5)"),
    ([13.8, "x"], "not a list of numbers"),
    ([13.8, [1.0, 2.0]], "not a list of numbers"),
    ([13.8629, math.nan], "NaN or inf"),
    (object(), "not a list of numbers"),
])
def test_reset_loop_bad_types_get_a_message_not_a_traceback(capsys, answer, message):
    ok, line = verdict(capsys, check_reset_loop, answer)
    assert not ok and message in line, line


# ---------------------------------------------------------------- the notebooks' solutions

NOTEBOOK_SOLUTIONS = {  # notebook -> (name, check) of each folded solution, in order
    "04_side_by_side": [("my_rate", exercises.check_firing_rate)],
    "05_larger_models": [("my_reset", exercises.check_adaptation_reset)],
    "06_exercises": [("my_isi", check_isi),
                     ("my_adaptive_spike_times", exercises.check_adaptive_spike_times),
                     ("my_max_step", exercises.check_max_step),
                     ("my_thresholds", exercises.check_thresholds)],
}


@pytest.mark.parametrize("stem", sorted(NOTEBOOK_SOLUTIONS))
def test_the_folded_solutions_pass_their_checks(capsys, stem):
    blocks = folded_solutions(stem)
    assert len(blocks) == len(NOTEBOOK_SOLUTIONS[stem])
    for block, (name, check) in zip(blocks, NOTEBOOK_SOLUTIONS[stem]):
        # The notebooks' set-up: what the solutions may use from earlier cells.
        namespace = {"np": np, "solve_ivp": solve_ivp, "p": LIFParams(i_e=20.0), "B": 2.0}
        exec(compile(block, f"<{stem} solution {name}>", "exec"), namespace)
        ok, line = verdict(capsys, check, namespace[name])
        assert ok, (name, line)


@pytest.mark.parametrize("stem", sorted(NOTEBOOK_SOLUTIONS))
def test_the_stubs_say_not_done_yet(capsys, stem):
    sources = stubs(stem)
    assert len(sources) == len(NOTEBOOK_SOLUTIONS[stem])
    for source, (name, check) in zip(sources, NOTEBOOK_SOLUTIONS[stem]):
        namespace = {"np": np, "solve_ivp": solve_ivp, "exercises": exercises}
        exec(source, namespace)
        ok, line = verdict(capsys, check, namespace[name])
        assert not ok and "is not done yet (the stub raises NotImplementedError)" in line, line
        number = re.search(r"Exercise (\d\.\d)", source).group(1)
        assert f"exercise {number} is not done yet" in line


def test_every_solution_cell_is_tagged_and_right():
    for stem in NOTEBOOK_SOLUTIONS:
        tagged = [c for c in cells(stem) if "solution" in c["metadata"].get("tags", [])]
        assert len(tagged) == len(NOTEBOOK_SOLUTIONS[stem])
        for cell in tagged:
            text = "".join("".join(o.get("text", "")) for o in cell["outputs"])
            assert text.startswith("Right: "), (stem, text)

"""lifutils.stand_ins: a student copy goes on without the exercise, and no check takes a stand-in."""
import numpy as np
import pytest

from lifutils import LIFParams, exercises, solve_ivp_with_resets, stand_ins
from lifutils.analytic import exact_spike_times

from notebook_exercises import teacher_solution

P = LIFParams()


def _not_done(name):
    def stub(*args):
        raise NotImplementedError(f"Exercise {name}: write it")
    return stub


def test_the_student_function_once_done_and_the_stand_in_until_then(capsys):
    def mine(t, y, index):
        return np.array([-80.0, y[1] + 2.0])
    reference = stand_ins.adaptation_reset(-80.0, 2.0)
    assert stand_ins.yours_or_reference(mine, reference, 0.0, [-55.0, 0.0], 0) is mine
    assert capsys.readouterr().out == ""
    assert stand_ins.yours_or_reference(_not_done("5.1"), reference, 0.0, [-55.0, 0.0], 0) is reference
    assert capsys.readouterr().out == ("Using the reference until your function is done "
                                       "(Exercise 5.1: write it).\n")


def test_any_other_error_of_the_student_function_is_the_student_s_to_see():
    def typo(t, y, index):
        return y[2]
    with pytest.raises(IndexError):
        stand_ins.yours_or_reference(typo, stand_ins.adaptation_reset(-80.0, 2.0), 0.0, [0.0, 0.0], 0)


def test_the_stand_ins_do_what_the_teacher_solutions_do():
    event = stand_ins.threshold_event(P.v_thresh)
    mine = teacher_solution("03_event_driven_solve_ivp", "my_threshold", v_thresh=P.v_thresh)
    for v in (-70.0, -55.0, -40.0):
        assert event(1.0, [v]) == mine(1.0, [v])
    assert (event.terminal, event.direction) == (True, 1)
    b = 2.0
    reset = stand_ins.adaptation_reset(P.v_reset, b)
    solution = teacher_solution("05_larger_models", "my_reset", p=P, B=b)
    for y in ([-55.0, 0.0], [-55.0, 3.5]):
        np.testing.assert_array_equal(reset(0.0, y, 0), solution(0.0, np.array(y), 0))
    weights = np.array([[0.0, 1.5, 0.5], [2.0, 0.0, 1.0], [0.25, 0.75, 0.0]])
    factory = teacher_solution("07_many_neurons", "make_network_reset")
    v = np.array([-60.0, -58.0, -55.0])
    for index in range(3):
        np.testing.assert_array_equal(stand_ins.network_reset(weights, -80.0)(0.0, v, index),
                                      factory(weights, -80.0)(0.0, v.copy(), index))
    np.testing.assert_array_equal(v, [-60.0, -58.0, -55.0])  # the state passed in is not changed


def test_a_stand_in_runs_in_solve_ivp_with_resets():
    sol = solve_ivp_with_resets(lambda t, y: (-(y - P.v_rest) + P.r_m * 20.0) / P.tau_m, (0.0, 100.0),
                                [P.v_rest], events=stand_ins.threshold_event(P.v_thresh),
                                reset=lambda t, y, i: np.array([P.v_reset]), rtol=1e-10, atol=1e-10)
    exact = exact_spike_times(LIFParams(i_e=20.0), 100.0)
    assert len(sol.t_events[0]) == len(exact) == 5
    assert np.max(np.abs(sol.t_events[0] - exact)) < 1e-6


def _calls(reference):
    """A student function that calls the stand-in (inside the check's process)."""
    def mine(*args):
        return reference(*args)
    for name in ("terminal", "direction"):
        if hasattr(reference, name):
            setattr(mine, name, getattr(reference, name))
    return mine


@pytest.mark.parametrize("check, answer", [
    ("check_event_function", stand_ins.threshold_event(P.v_thresh)),
    ("check_event_function", _calls(stand_ins.threshold_event(P.v_thresh))),
    ("check_threshold_events", lambda n: [stand_ins.threshold_event(P.v_thresh)] * n),
    ("check_adaptation_reset", stand_ins.adaptation_reset(P.v_reset, 2.0)),
    ("check_adaptation_reset", _calls(stand_ins.adaptation_reset(P.v_reset, 2.0))),
    ("check_network_reset", stand_ins.network_reset),
    ("check_network_reset", lambda weights, v_reset: stand_ins.network_reset(weights, v_reset)),
    ("check_network_reset", lambda weights, v_reset: _calls(stand_ins.network_reset(weights, v_reset))),
], ids=lambda x: x if isinstance(x, str) else "")
def test_no_check_accepts_a_stand_in(check, answer, capsys):
    assert getattr(exercises, check)(answer) is False
    assert "Not yet" in capsys.readouterr().out

"""The checker's own control flow survives the student's try/except (lifutils/exercises/_sandbox).

A student's function may wrap its body, or its loop, in ``try: ... except Exception``
(or ``except ValueError``, or ``except BaseException``). The checker's stops must not
be swallowed in a way that changes the verdict: a solve_ivp loop the spy stopped is
reported as stopped, and a value too big to send back is reported as too big, with
the same line as for the unwrapped function.
"""
import numpy as np
import pytest
from scipy.integrate import solve_ivp

import exercise_corpus as corpus
import lifutils
from lifutils import errors, exercises
from lifutils.exercises._sandbox.records import Halt
from notebook_exercises import verdict

BACK = dict(when=lambda sol: sol.y_events[0][0][0])  # restarts at a voltage: time goes back


def went_back(i_e, t_max):
    return corpus.grid_loop(i_e, t_max, **BACK)


def wrapped(catch, fallback):
    def answer(i_e, t_max):
        try:
            return went_back(i_e, t_max)
        except catch:
            return fallback
    return answer


def loop_that_breaks(catch):
    """The loop itself catches the stop and ends (with the spikes it has)."""
    def answer(i_e, t_max):
        rhs = lambda t, y: (-(y - corpus.V_REST) + i_e) / 10.0
        hit = lambda t, y: y[0] - corpus.V_THRESH
        hit.terminal, hit.direction = True, 1
        t0, v0, spikes = 0.0, corpus.V_REST, []
        while t0 < t_max:
            try:
                sol = solve_ivp(rhs, (t0, t_max), [v0], events=hit, rtol=1e-8, atol=1e-8)
            except catch:
                break
            if sol.status != 1:
                break
            t0, v0 = sol.y_events[0][0][0], corpus.V_RESET
            spikes.append(t0)
        return spikes
    return answer


def loop_that_goes_on(i_e, t_max):
    """``except Exception`` around each solve_ivp, and the loop goes on: the stop passes it."""
    spikes = []
    for _ in range(10_000):
        try:
            spikes += corpus.grid_loop(i_e, t_max, **BACK)
        except Exception:  # noqa: BLE001 - the student's
            continue
    return spikes


PLAIN = {}


def plain_line(capsys):
    """The verdict of the unwrapped loop (computed once)."""
    if not PLAIN:
        ok, line = verdict(capsys, exercises.check_grid_loop, went_back)
        assert not ok and "time went back" in line and "(in grid_loop, line" in line, line
        PLAIN["line"] = line
    return PLAIN["line"]


@pytest.mark.parametrize("catch", [Exception, ValueError, lifutils.LifutilsError, BaseException])
@pytest.mark.parametrize("fallback", [[], [1.0, 2.0]])
def test_a_student_catching_the_stuck_loop_gets_the_same_verdict(capsys, catch, fallback):
    expected = plain_line(capsys)
    ok, line = verdict(capsys, exercises.check_grid_loop, wrapped(catch, fallback))
    assert not ok and line == expected


@pytest.mark.parametrize("catch", [Exception, BaseException])
def test_a_loop_that_catches_the_stop_and_breaks_gets_the_same_verdict(capsys, catch):
    ok, line = verdict(capsys, exercises.check_grid_loop, loop_that_breaks(catch))
    assert not ok and "time went back" in line and "(in answer, line" in line, line


def test_an_except_exception_that_goes_on_does_not_hide_the_stop(capsys):
    ok, line = verdict(capsys, exercises.check_grid_loop, loop_that_goes_on, time_limit=20.0)
    assert not ok and "time went back" in line, line


def test_a_loop_that_never_moves_on_is_stopped_through_a_try(capsys):
    def answer(params, tau_w, b, t_max):
        try:
            return corpus.adaptive_zeno(params, tau_w, b, t_max)
        except BaseException:  # noqa: B036 - the student's
            return [1.0]
    ok, line = verdict(capsys, exercises.check_adaptive_spike_times, answer, time_limit=20.0)
    assert not ok and "200 times from t0 = 0 ms without moving on" in line, line


@pytest.mark.parametrize("catch", [None, Exception, BaseException])
def test_a_value_too_big_to_send_back_gets_the_same_verdict_through_a_try(capsys, catch):
    def answer(i_e, t_max):
        if catch is None:
            return np.zeros(200_001)
        try:
            return np.zeros(200_001)
        except catch:
            return []
    ok, line = verdict(capsys, exercises.check_grid_loop, answer)
    assert not ok and "array of 200001 numbers, more than the check reads (100000)" in line, line


def test_every_error_is_a_lifutils_error_exported_at_the_top():
    classes = [getattr(errors, name) for name in errors.__all__]
    for cls in classes:
        assert issubclass(cls, (lifutils.LifutilsError, lifutils.LifutilsWarning)), cls
        assert getattr(lifutils, cls.__name__) is cls
    assert issubclass(lifutils.ForbiddenHelperError, lifutils.StudentError)
    assert exercises._student.ForbiddenHelperError is lifutils.ForbiddenHelperError


def test_the_checkers_stop_is_no_exception_a_student_or_a_check_catches():
    assert issubclass(Halt, BaseException) and not issubclass(Halt, Exception)
    with pytest.raises(Halt) as stop:
        try:
            raise Halt("stuck", "text")
        except Exception:  # noqa: BLE001 - what a student writes
            pytest.fail("except Exception caught the checker's stop")
    assert (stop.value.kind, stop.value.text) == ("stuck", "text")

"""Hostile student functions: every check answers in one paragraph, never raises, never hangs."""
import threading

import numpy as np
import pytest

from lifutils import LifutilsError, exercises
from notebook_exercises import verdict

CHECKS = [getattr(exercises, name) for _, name, _ in exercises.EXERCISES.values()]


def forever(*args):
    while True:
        pass


def huge(*args):
    return [10 ** 400]


def ragged(*args):
    return [1.0, [2.0, 3.0]]


def index_error(*args):
    return [][3]


def lifutils_error(*args):
    raise LifutilsError("v_reset must be below v_thresh")


def exits(*args):
    raise SystemExit(3)


def stub(*args):
    raise NotImplementedError("Exercise 9.9: not yet")


HOSTILE = [(forever, "more than 2 s"), (huge, ""), (ragged, ""), (index_error, "IndexError"),
           (lifutils_error, "LifutilsError"), (exits, "SystemExit"), (stub, "not done yet"),
           (42, "not a function"), (lambda: None, "")]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("answer, words", HOSTILE, ids=lambda a: getattr(a, "__name__", repr(a)))
def test_hostile_answers_get_one_paragraph(capsys, check, answer, words):
    ok, line = verdict(capsys, check, answer, time_limit=2.0)
    assert not ok and words in line and "Traceback" not in line


@pytest.mark.parametrize("check", CHECKS[:3], ids=lambda c: c.__name__)
def test_the_time_limit_works_outside_the_main_thread(capsys, check):
    box = []
    worker = threading.Thread(target=lambda: box.append(check(forever, time_limit=1.0)))
    worker.start()
    worker.join(20.0)
    assert not worker.is_alive() and box == [False]
    assert "more than 1 s" in capsys.readouterr().out


@pytest.mark.parametrize("limit", [0, -1.0, np.inf, np.nan, True, "5"])
def test_a_time_limit_must_be_positive_and_finite(limit):
    with pytest.raises(LifutilsError, match="time_limit"):
        exercises.check_isi(lambda p: 1.0, time_limit=limit)


def test_what_the_student_printed_is_shown_before_the_verdict(capsys):
    def noisy(params):
        print("debugging", params.i_e)
        return 1.0
    assert exercises.check_isi(noisy) is False
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["(your code printed:)", "debugging 20.0"] and out[-1].startswith("Not yet")


def test_the_error_names_the_line_of_the_students_code(capsys):
    def my_isi(params):
        values = [1.0]
        return values[params.t_ref]  # a float index: TypeError
    ok, line = verdict(capsys, exercises.check_isi, my_isi)
    assert not ok and "in my_isi, line" in line and "values[params.t_ref]" in line


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

CAPSYS = [HealthCheck.function_scoped_fixture]  # capsys is read and emptied on every example

ANYTHING = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5),
                     st.lists(st.floats(), max_size=4), st.complex_numbers())


@settings(max_examples=40, deadline=None, suppress_health_check=CAPSYS)
@given(value=ANYTHING)
def test_a_constant_answer_is_never_right_and_never_raises(capsys, value):
    """No constant is the interval of three neurons, or the rate of four trains."""
    for check in (exercises.check_isi, exercises.check_firing_rate, exercises.check_max_step):
        capsys.readouterr()
        answer = (lambda: value) if check is exercises.check_max_step else (lambda *a: value)
        result = check(answer, time_limit=10.0)
        lines = capsys.readouterr().out.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Right: " if result else "Not yet: ")
        if check is not exercises.check_max_step:
            assert result is False


@settings(max_examples=25, deadline=None, suppress_health_check=CAPSYS)
@given(shift=st.floats(min_value=2e-3, max_value=50.0), k=st.integers(0, 4))
def test_a_spike_train_off_by_more_than_the_tolerance_is_not_yet(capsys, shift, k):
    """Move one spike of a right answer by more than 0.001 ms: the check must see it."""
    import exercise_corpus as corpus

    def shifted(i_e, t_max):
        times = list(corpus.grid_loop(i_e, t_max))
        times[k % len(times)] += shift
        return times
    capsys.readouterr()
    ok, line = verdict(capsys, exercises.check_grid_loop, shifted, time_limit=20.0)
    assert not ok

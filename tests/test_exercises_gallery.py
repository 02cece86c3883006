"""lifutils.exercises.gallery: exercise 8.1 (the AdEx reset) accepts right answers, explains
each typical wrong one, never raises, and the notebook's folded solution passes."""

import numpy as np
import pytest

from lifutils.exercises.gallery import check_adex_reset, solution_make_adex_reset
from lifutils.gallery import adex
from notebook_exercises import folded_solutions, stubs
from notebook_exercises import verdict as notebook_verdict

NOTEBOOK = "08_model_gallery.ipynb"


def verdict(capsys, answer):
    return notebook_verdict(capsys, check_adex_reset, answer)


def in_place(v_r, b):
    def reset(t, y, index):
        y[0] = v_r
        y[1] += b
        return y
    return reset


def as_list(v_r, b):
    return lambda t, y, index: [v_r, y[1] + b]


def no_return(v_r, b):
    def reset(t, y, index):
        y[0] = v_r
        y[1] += b
    return reset


def stub(v_r, b):
    def reset(t, y, index):
        raise NotImplementedError("Exercise 8.1: write the AdEx reset")
    return reset


@pytest.mark.parametrize("answer", [solution_make_adex_reset, in_place, as_list])
def test_right_answers(capsys, answer):
    ok, line = verdict(capsys, answer)
    assert ok and "w jumps by b" in line


def test_the_gallery_reset_is_the_exercise_answer():
    m = adex("adapting")
    y = np.array([0.0, 123.0])
    assert np.array_equal(m.reset(1.0, y, 0),
                          solution_make_adex_reset(m.params["Vr"], m.params["b"])(1.0, y, 0))


WRONG = [
    (lambda v_r, b: (lambda t, y, i: np.array([v_r, b])), "w is set to b"),
    (lambda v_r, b: (lambda t, y, i: np.array([v_r, y[1]])), "w did not change"),
    (lambda v_r, b: (lambda t, y, i: np.array([y[1] + b, v_r])), "swapped"),
    (lambda v_r, b: (lambda t, y, i: np.array([-58.0, y[1] + b])), "V goes to v_r"),
    (lambda v_r, b: (lambda t, y, i: np.array([v_r, y[1] + 60.0])), "not w + b"),
    (lambda v_r, b: (lambda t, y, i: np.array([v_r])), "return both V and w"),
    (lambda v_r, b: (lambda t, y, i: "y"), "as an array"),
    (lambda v_r, b: (lambda t, y: y), "raised TypeError"),
    (lambda v_r, b: None, "end with `return reset`"),
    (no_return, "changed y in place"),
    (stub, "exercise 8.1 is not done yet (the stub raises NotImplementedError)"),
    (lambda v_r, b: (lambda t, y, i: y[5]), "raised IndexError"),
    (42, "not a function"),
]


@pytest.mark.parametrize("answer, hint", WRONG)
def test_wrong_answers_get_their_hint(capsys, answer, hint):
    ok, line = verdict(capsys, answer)
    assert not ok and hint in line


def test_the_notebook_folded_solution_passes(capsys):
    blocks = folded_solutions(NOTEBOOK)
    assert len(blocks) == 1
    namespace = {"np": np}
    exec(blocks[0], namespace)
    ok, _ = verdict(capsys, namespace["make_adex_reset"])
    assert ok


def test_the_notebook_stub_gets_the_not_done_yet_line(capsys):
    sources = stubs(NOTEBOOK)
    assert len(sources) == 1
    namespace = {"np": np}
    exec(sources[0], namespace)
    ok, line = verdict(capsys, namespace["make_adex_reset"])
    assert not ok and line == ("Not yet: exercise 8.1 is not done yet (the stub raises "
                               "NotImplementedError)")

"""lifutils.exercises.populations: exercise 7.1 (the network reset) accepts right answers,
explains each typical wrong one, never raises, and the notebook's folded solution passes."""

import numpy as np
import pytest

from lifutils import exercises
from lifutils.exercises import check_network_reset, solution_make_network_reset
from notebook_exercises import folded_solutions, stubs
from notebook_exercises import verdict as notebook_verdict

NOTEBOOK = "07_many_neurons.ipynb"


def verdict(capsys, answer):
    return notebook_verdict(capsys, check_network_reset, answer)


def in_place(weights, v_reset):
    def reset(t, v, index):
        v += weights[index]
        v[index] = v_reset
        return v
    return reset


def reset_first(weights, v_reset):      # reset, then kick: the same with a zero diagonal
    def reset(t, v, index):
        v = v.copy()
        v[index] = v_reset
        return v + np.asarray(weights)[index]
    return reset


def loop_over_neurons(weights, v_reset):
    def reset(t, v, index):
        new = [v_j + weights[index][j] for j, v_j in enumerate(v)]
        new[index] = v_reset
        return new
    return reset


@pytest.mark.parametrize("answer", [solution_make_network_reset, in_place, reset_first,
                                    loop_over_neurons])
def test_right_answers(capsys, answer):
    ok, line = verdict(capsys, answer)
    assert ok and "weights[index, j]" in line


def no_return(weights, v_reset):
    def reset(t, v, index):
        v += weights[index]
        v[index] = v_reset
    return reset


def stub(weights, v_reset):
    def reset(t, v, index):
        raise NotImplementedError("Exercise 7.1: write the network reset")
    return reset


GLOBAL_W = np.zeros((6, 6))

WRONG = [
    (lambda w, r: (lambda t, v, i: v + w[:, i]), "column weights[:, index]"),
    (lambda w, r: (lambda t, v, i: np.where(np.arange(len(v)) == i, r, v + w[:, i])),
     "column weights[:, index]"),
    (lambda w, r: (lambda t, v, i: v + w[i]), "set v[index] = v_reset"),
    (lambda w, r: (lambda t, v, i: np.full(len(v), r)), "every neuron is reset"),
    (lambda w, r: (lambda t, v, i: np.where(np.arange(len(v)) == i, r, v)),
     "the other neurons did not move"),
    (lambda w, r: (lambda t, v, i: np.where(np.arange(len(v)) == i, r, v + 2 * w[i])),
     "wrong amounts"),
    (lambda w, r: (lambda t, v, i: r), "return the whole state"),
    (lambda w, r: (lambda t, v, i: v + GLOBAL_W[i]), "not a matrix of the notebook"),
    (lambda w, r: (lambda t, v: v), "raised TypeError"),
    (lambda w, r: (lambda t, v, i: "v"), "return the array"),
    (lambda w, r: None, "end with `return reset`"),
    (no_return, "changed v in place"),
    (stub, "exercise 7.1 is not done yet (the stub raises NotImplementedError)"),
    (solution_make_network_reset(np.zeros((2, 2))), "raised"),
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
    ok, _ = verdict(capsys, namespace["make_network_reset"])
    assert ok


def test_the_notebook_stub_gets_the_not_done_yet_line(capsys):
    sources = stubs(NOTEBOOK)
    assert len(sources) == 1
    namespace = {"np": np}
    exec(sources[0], namespace)
    ok, line = verdict(capsys, namespace["make_network_reset"])
    assert not ok and line == ("Not yet: exercise 7.1 is not done yet (the stub raises "
                               "NotImplementedError)")
    assert exercises.check_network_reset is check_network_reset

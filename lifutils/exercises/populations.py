"""Population exercises (notebook 07): the reset of a network coupled by delta synapses.

Each ``check_*`` prints one line, ``Right: ...`` or ``Not yet: ...`` with a hint,
and returns True or False; it never raises.
"""
from __future__ import annotations

import numpy as np

from ..params import LIFParams
from ._verdict import _verdict

__all__ = ["check_network_reset", "solution_make_network_reset"]

_V_RESET = LIFParams().v_reset  # -80 mV
# Two probe networks (mV; weights[i, j]: jump of v_j when neuron i fires). Every
# entry differs from its transpose, so a row and a column cannot be confused.
_PROBE_WEIGHTS = (
    np.array([[0.0, 1.0, 2.0, -0.5], [3.0, 0.0, 0.25, 4.0],
              [-1.0, 1.5, 0.0, 0.75], [0.5, -2.0, 2.5, 0.0]]),
    np.array([[0.0, 0.3, -0.7], [1.1, 0.0, 0.9], [-0.2, 0.6, 0.0]]),
)
# (weights, state v in mV, index of the neuron that fired) for each probe.
_PROBES = ((0, np.array([-60.0, -55.0, -70.0, -58.0]), 1),
           (0, np.array([-55.0, -62.0, -65.0, -57.0]), 0),
           (1, np.array([-66.0, -61.0, -55.0]), 2))


def solution_make_network_reset(weights, v_reset=_V_RESET):
    """Reference solution of exercise 7.1: the reset of a delta-coupled network.

    Returns ``reset(t, v, index)``: neuron ``index`` fired, so every v_j
    jumps by ``weights[index, j]`` (mV) and ``v[index]`` is set to ``v_reset``.

    Examples
    --------
    >>> reset = solution_make_network_reset(np.array([[0.0, 2.0], [1.0, 0.0]]), -80.0)
    >>> reset(10.0, np.array([-55.0, -60.0]), 0)
    array([-80., -58.])
    """
    weights = np.asarray(weights, dtype=float)

    def reset(t, v, index):
        v = v + weights[index]     # every neuron gets the kick of the one that fired ...
        v[index] = v_reset         # ... and that one is reset
        return v
    return reset


def _wrong(got, v, w, index):
    """The hint for a wrong new state ``got`` (shape already right)."""
    if np.allclose(got, v + w[:, index]) or np.allclose(np.delete(got, index),
                                                        np.delete(v + w[:, index], index)):
        return ("it adds the column weights[:, index] (what neuron index receives). Hint: "
                "the kicks it sends are the row weights[index], so v_j += weights[index, j].")
    if np.allclose(got, _V_RESET):
        return "every neuron is reset. Hint: only v[index], the neuron that fired, goes to v_reset."
    if not np.isclose(got[index], _V_RESET):
        return (f"v[index] is {got[index]:g} mV after the reset. Hint: set v[index] = v_reset "
                "after adding the kicks.")
    if np.allclose(np.delete(got, index), np.delete(v, index)):
        return ("the other neurons did not move. Hint: add the kicks, "
                "v = v + weights[index].")
    return ("the other neurons moved by the wrong amounts. Hint: each v_j jumps by "
            "weights[index, j], the row of the neuron that fired.")


def check_network_reset(make_reset) -> bool:
    """Check exercise 7.1: ``make_reset(weights, v_reset)`` returns the network's reset.

    The returned ``reset(t, v, index)`` is called on states of two probe
    networks (other weights than the notebook's); it must return a new state
    in which every v_j has jumped by ``weights[index, j]`` (mV) and
    ``v[index]`` is ``v_reset`` (-80 mV).

    Examples
    --------
    >>> check_network_reset(solution_make_network_reset)
    Right: v[index] goes to v_reset and every other v_j jumps by weights[index, j], for every probe.
    True
    >>> check_network_reset(lambda weights, v_reset: lambda t, v, i: v + weights[:, i])
    Not yet: it adds the column weights[:, index] (what neuron index receives). Hint: the kicks it sends are the row weights[index], so v_j += weights[index, j].
    False
    """
    if not callable(make_reset):
        return _verdict(False, f"got a value of type {type(make_reset).__name__}, not a function. "
                               "Hint: pass make_network_reset itself, without calling it.")
    for which, v, index in _PROBES:
        w = _PROBE_WEIGHTS[which]
        try:
            reset = make_reset(w.copy(), _V_RESET)
            if not callable(reset):
                return _verdict(False, "make_network_reset must return the function "
                                       "reset(t, v, index); it returned "
                                       f"{type(reset).__name__}. Hint: end with `return reset`.")
            state = v.copy()
            got = reset(12.5, state, index)
        except NotImplementedError:
            return _verdict(False, "exercise 7.1 is not done yet (the stub raises "
                                   "NotImplementedError)")
        except Exception as exc:  # any error in the student's code becomes a hint
            hint = ("use the weights passed to make_network_reset, not a matrix of the "
                    "notebook" if "broadcast" in str(exc) else
                    "v is a numpy array of all potentials (mV), index an int")
            return _verdict(False, f"calling it on a network of {len(v)} neurons raised "
                                   f"{type(exc).__name__}: {exc}. Hint: {hint}.")
        if got is None:
            changed = " (it changed v in place)" if not np.array_equal(state, v) else ""
            return _verdict(False, f"reset returned None{changed}. Hint: end reset with "
                                   "`return v`.")
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return _verdict(False, f"reset returned {type(got).__name__}; return the array of "
                                   "new potentials (mV).")
        if got.shape != v.shape:
            return _verdict(False, f"reset returned shape {got.shape} for a state of shape "
                                   f"{v.shape}. Hint: return the whole state, one potential "
                                   "per neuron, not only v[index].")
        expected = solution_make_network_reset(w)(12.5, v.copy(), index)
        if not np.allclose(got, expected, rtol=0, atol=1e-12):
            return _verdict(False, _wrong(got, v, w, index))
    return _verdict(True, "v[index] goes to v_reset and every other v_j jumps by "
                          "weights[index, j], for every probe.")


"""Gallery exercise (notebook 08): the reset of the adaptive exponential neuron (AdEx).

``check_adex_reset`` prints one line, ``Right: ...`` or ``Not yet: ...`` with a hint,
and returns True or False; it never raises.
"""
from __future__ import annotations

import numpy as np

from ._verdict import _verdict

__all__ = ["check_adex_reset", "solution_make_adex_reset"]

# Probes: (Vr in mV, b in pA, state (V, w) just at the peak, mV and pA). Vr and b differ
# from every pattern of the notebook, so a reset with the notebook's numbers typed in fails.
_PROBES = ((-51.5, 35.0, np.array([0.0, 120.0])),
           (-47.0, 7.5, np.array([0.0, -40.0])),
           (-62.25, 0.0, np.array([-10.0, 3.0])))


def solution_make_adex_reset(v_r, b):
    """Reference solution of exercise 8.1: the AdEx reset.

    Returns ``reset(t, y, index)`` for y = (V, w): V goes to ``v_r`` (mV) and
    the adaptation current w jumps by ``b`` (pA).

    Examples
    --------
    >>> solution_make_adex_reset(-58.0, 60.0)(30.0, np.array([0.0, 100.0]), 0)
    array([-58., 160.])
    """
    def reset(t, y, index):
        return np.array([v_r, y[1] + b])
    return reset


def _wrong(got, v_r, b, y):
    """The hint for a wrong new state ``got`` (shape already right)."""
    if np.isclose(got[0], v_r) and np.isclose(got[1], b) and not np.isclose(b, y[1] + b):
        return "w is set to b. Hint: w jumps by b, so the new w is w + b (w keeps its history)."
    if np.isclose(got[0], v_r) and np.isclose(got[1], y[1]):
        return "w did not change. Hint: each spike adds b to the adaptation current: w + b."
    if np.isclose(got[0], y[1] + b) and np.isclose(got[1], v_r):
        return "V and w are swapped. Hint: y[0] is V (mV), y[1] is w (pA)."
    if not np.isclose(got[0], v_r):
        return (f"V is {got[0]:g} mV after the reset. Hint: V goes to v_r, the reset "
                "potential, whatever it was at the peak.")
    return f"w is {got[1]:g} pA after the reset, not w + b = {y[1] + b:g} pA."


def check_adex_reset(make_reset) -> bool:
    """Check exercise 8.1: ``make_reset(v_r, b)`` returns the AdEx reset.

    The returned ``reset(t, y, index)`` is called on a few states y = (V, w)
    with other v_r and b than the notebook's; it must return a new state
    (v_r, w + b).

    Examples
    --------
    >>> check_adex_reset(solution_make_adex_reset)
    Right: V goes to v_r and w jumps by b, for every probe.
    True
    >>> check_adex_reset(lambda v_r, b: lambda t, y, index: np.array([v_r, b]))
    Not yet: w is set to b. Hint: w jumps by b, so the new w is w + b (w keeps its history).
    False
    """
    if not callable(make_reset):
        return _verdict(False, f"got a value of type {type(make_reset).__name__}, not a function. "
                               "Hint: pass make_adex_reset itself, without calling it.")
    for v_r, b, y in _PROBES:
        try:
            reset = make_reset(v_r, b)
            if not callable(reset):
                return _verdict(False, "make_adex_reset must return the function reset(t, y, "
                                       f"index); it returned {type(reset).__name__}. Hint: end "
                                       "with `return reset`.")
            state = y.copy()
            got = reset(42.0, state, 0)
        except NotImplementedError:
            return _verdict(False, "exercise 8.1 is not done yet (the stub raises "
                                   "NotImplementedError)")
        except Exception as exc:  # any error in the student's code becomes a hint
            return _verdict(False, f"calling it on y = {y.tolist()} raised "
                                   f"{type(exc).__name__}: {exc}. Hint: y is a numpy array "
                                   "(V in mV, w in pA), index an int.")
        if got is None:
            changed = " (it changed y in place)" if not np.array_equal(state, y) else ""
            return _verdict(False, f"reset returned None{changed}. Hint: end reset with "
                                   "`return` and the new state.")
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return _verdict(False, f"reset returned {type(got).__name__}; return the new "
                                   "state (V, w) as an array.")
        if got.shape != y.shape:
            return _verdict(False, f"reset returned shape {got.shape} for a state of shape "
                                   f"{y.shape}. Hint: return both V and w.")
        if not np.allclose(got, [v_r, y[1] + b], rtol=0, atol=1e-12):
            return _verdict(False, _wrong(got, v_r, b, y))
    return _verdict(True, "V goes to v_r and w jumps by b, for every probe.")

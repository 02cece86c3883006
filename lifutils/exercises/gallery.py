"""Gallery exercise (notebook 08): the reset of the adaptive exponential neuron (AdEx).

``check_adex_reset`` runs the student's ``make_adex_reset(v_r, b)`` under a time limit
(:func:`~lifutils.exercises.judge`), prints one verdict, ``Right: ...`` or ``Not yet: ...``
with a hint, and returns True or False; it never raises. The reference is the gallery's
own reset, and the spike times of :func:`lifutils.gallery.adex` ("adapting").
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ._student import StudentError, judge, not_callable

__all__ = ["check_adex_reset"]

# Probes: (Vr in mV, b in pA, state (V, w) just at the peak, mV and pA). Vr and b differ
# from every pattern of the notebook, so a reset with the notebook's numbers typed in fails.
_PROBES = ((-51.5, 35.0, (0.0, 120.0)), (-47.0, 7.5, (0.0, -40.0)), (-62.25, 0.0, (-10.0, 3.0)))
_RUN_TOL_MS = 1e-6  # a right reset in the adapting pattern at rtol = atol = 1e-10


def _wrong(got, v_r, b, y):
    """The hint for a wrong new state ``got`` (shape already right)."""
    if np.isclose(got[0], v_r) and np.isclose(got[1], b) and not np.isclose(b, y[1] + b):
        return "w is set to b. Hint: w jumps by b, so the new w is w + b (w keeps its history)."
    if np.isclose(got[0], v_r) and np.isclose(got[1], y[1]):
        return "w did not change. Hint: each spike adds b to the adaptation current: w + b."
    if np.isclose(got[0], y[1] + b) and np.isclose(got[1], v_r):
        return "V and w are swapped. Hint: y[0] is V (mV), y[1] is w (pA)."
    if np.isclose(got[0], v_r) and not np.isclose(b, 0.0) and (
            np.isclose(got[1], y[1] + b / 1000.0) or np.isclose(got[1], y[1] + b * 1000.0)):
        return (f"w jumped by {got[1] - y[1]:g}, not b = {b:g} pA: a factor 1000 (nA?). Hint: "
                "b and w are both in pA here; add b as it is.")
    if not np.isclose(got[0], v_r):
        return (f"V is {got[0]:g} mV after the reset. Hint: V goes to v_r, the reset "
                "potential, whatever it was at the peak.")
    return f"w is {got[1]:g} pA after the reset, not w + b = {y[1] + b:g} pA."


def _judge_adex_reset(make_reset):
    from ..gallery import adex  # the check runs the student's reset in the real model

    if not callable(make_reset):
        raise StudentError(not_callable(make_reset, "make_adex_reset"))
    for v_r, b, y in _PROBES:
        reset = make_reset(v_r, b)
        if not callable(reset):
            return False, (f"make_adex_reset must return the function reset(t, y, index); it "
                           f"returned {type(reset).__name__}. Hint: end with `return reset`.")
        state = np.array(y)
        got = reset(42.0, state, 0)
        if got is None:
            changed = " (it changed y in place)" if not np.array_equal(state, y) else ""
            return False, (f"reset returned None{changed}. Hint: end reset with `return` and "
                           "the new state.")
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError, OverflowError):
            return False, (f"reset returned {str(got)[:40]}; return the new state (V, w) as an "
                           "array of two numbers.")
        if got.shape != (2,):
            return False, (f"reset returned shape {got.shape} for a state of shape (2,). Hint: "
                           "return both V and w, as np.array([v_r, w + b]).")
        if not np.allclose(got, [v_r, y[1] + b], rtol=0, atol=1e-12):
            return False, _wrong(got, v_r, b, y)
    model = adex("adapting")
    params = model.params
    exact = model.solve(rtol=1e-10, atol=1e-10).t_events[0]
    mine = replace(model, reset=make_reset(params["Vr"], params["b"])).solve(rtol=1e-10,
                                                                           atol=1e-10)
    got = mine.t_events[0]
    if got.size != exact.size or np.max(np.abs(got - exact)) > _RUN_TOL_MS:
        return False, (f"the reset is right at the probes, but in the adapting pattern it gives "
                       f"{got.size} spikes, not {exact.size} within {_RUN_TOL_MS:g} ms. Hint: "
                       "the reset must not depend on t or on earlier calls: [v_r, w + b] at "
                       "every spike.")
    return True, (f"V goes to v_r and w jumps by b, for every probe; in the adapting pattern its "
                  f"{exact.size} spikes match the gallery's within {_RUN_TOL_MS:g} ms.")


def check_adex_reset(make_reset, *, time_limit=None) -> bool:
    """Check exercise 8.1: ``make_reset(v_r, b)`` returns the AdEx reset.

    The returned ``reset(t, y, index)`` is called on a few states y = (V, w)
    with other v_r and b than the notebook's; it must return a new state
    (v_r, w + b). Then it runs in the adapting pattern, whose spikes must match
    the gallery's within 1e-6 ms.

    Examples
    --------
    >>> check_adex_reset(lambda v_r, b: lambda t, y, index: np.array([v_r, b]))
    Not yet: w is set to b. Hint: w jumps by b, so the new w is w + b (w keeps its history).
    False
    """
    return judge(_judge_adex_reset, make_reset, exercise="8.1", name="make_adex_reset",
                 task="write the reset yourself",
                 hint="make_adex_reset(v_r, b) returns reset(t, y, index), which gets the state "
                      "y = (V, w) at the peak and returns np.array([v_r, w + b]).",
                 time_limit=time_limit)[0]

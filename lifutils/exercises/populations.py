"""Population exercise (notebook 07): the reset of a network coupled by delta synapses.

The check runs the student's code safely (:func:`lifutils.exercises.judge`), calls
the reset on states of probe networks (other weights than the notebook's, every
entry different from its transpose so that a row and a column cannot be
confused), then runs a small network with it in
:func:`lifutils.solve_ivp_with_resets` against
:func:`lifutils.references.exact_delta_network`. It prints ``Right: ...`` or
``Not yet: ...`` with a hint and returns True or False; it never raises.
"""
from __future__ import annotations

import numpy as np

from ..params import LIFParams
from ..references import exact_delta_network
from ._student import StudentError, judge, not_callable

__all__ = ["check_network_reset"]

_V_RESET = LIFParams().v_reset  # -80 mV
# Two probe networks (mV; weights[i, j]: jump of v_j when neuron i fires).
_PROBE_WEIGHTS = (
    np.array([[0.0, 1.0, 2.0, -0.5], [3.0, 0.0, 0.25, 4.0],
              [-1.0, 1.5, 0.0, 0.75], [0.5, -2.0, 2.5, 0.0]]),
    np.array([[0.0, 0.3, -0.7], [1.1, 0.0, 0.9], [-0.2, 0.6, 0.0]]),
)
# (weights, state v in mV, index of the neuron that fired, t in ms, v_reset in mV).
_PROBES = ((0, np.array([-60.0, -55.0, -70.0, -58.0]), 1, 12.5, _V_RESET),
           (0, np.array([-55.0, -62.0, -65.0, -57.0]), 0, 0.0, _V_RESET),
           (1, np.array([-66.0, -61.0, -55.0]), 2, 47.0, -75.0))
_RUN_TOL_MS = 1e-6


def _wrong(got, v, w, index, v_reset):
    """The hint for a wrong new state ``got`` (shape already right)."""
    column = v + w[:, index]
    if np.allclose(np.delete(got, index), np.delete(column, index)):
        return ("it adds the column weights[:, index] (what neuron index receives). Hint: "
                "the kicks it sends are the row weights[index], so v_j += weights[index, j].")
    if np.allclose(got, v_reset):
        return "every neuron is reset. Hint: only v[index], the neuron that fired, goes to v_reset."
    if not np.isclose(got[index], v_reset):
        if np.isclose(got[index], _V_RESET) and v_reset != _V_RESET:
            return (f"v[index] went to -80 mV, but this network's v_reset is {v_reset:g} mV. "
                    "Hint: use the v_reset passed to make_network_reset.")
        return (f"v[index] is {got[index]:g} mV after the reset. Hint: set v[index] = v_reset "
                "after adding the kicks.")
    if np.allclose(np.delete(got, index), np.delete(v, index)):
        return "the other neurons did not move. Hint: add the kicks, v = v + weights[index]."
    return ("the other neurons moved by the wrong amounts. Hint: each v_j jumps by "
            "weights[index, j], the row of the neuron that fired.")


def _run_problem(make_reset):
    """Run a 3-neuron network with the student's reset against the exact reference."""
    from ..restart import solve_ivp_with_resets

    p = LIFParams()
    w = np.array([[0.0, 2.5, 1.0], [0.5, 0.0, 3.0], [1.5, 0.25, 0.0]])
    drives = np.array([18.0, 19.5, 21.0])
    v0 = np.array([-70.0, -66.0, -62.0])
    reset = make_reset(w.copy(), p.v_reset)

    def threshold(t, v):
        return v - p.v_thresh
    threshold.direction = 1
    run = solve_ivp_with_resets(lambda t, v: (-(v - p.v_rest) + p.r_m * drives) / p.tau_m,
                                (0.0, 150.0), v0.copy(), events=threshold, reset=reset,
                                rtol=1e-10, atol=1e-10)
    exact = exact_delta_network(p, 150.0, i_e=drives, v0=v0, weights=w).spike_times
    for got, want in zip(run.t_events, exact):
        if got.size != want.size or np.max(np.abs(got - want), initial=0.0) > _RUN_TOL_MS:
            return (f"right at the probes, but a 3-neuron network run with it fires "
                    f"{[g.size for g in run.t_events]} times, not the exact "
                    f"{[e.size for e in exact]}. Hint: reset(t, v, index) must not depend on t "
                    "and must return the whole new state.")
    return None


def _judge_network(make_reset):
    if not callable(make_reset):
        raise StudentError(not_callable(make_reset, "make_network_reset"))
    for which, v, index, t, v_reset in _PROBES:
        w = _PROBE_WEIGHTS[which]
        reset = make_reset(w.copy(), v_reset)
        if not callable(reset):
            return False, ("make_network_reset must return the function reset(t, v, index); it "
                           f"returned {type(reset).__name__}. Hint: end with `return reset`.")
        state = v.copy()
        got = reset(t, state, index)
        if got is None:
            changed = " (it changed v in place)" if not np.array_equal(state, v) else ""
            return False, f"reset returned None{changed}. Hint: end reset with `return v`."
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError, OverflowError):
            return False, (f"reset returned {type(got).__name__}; return the array of new "
                           "potentials (mV).")
        if got.shape != v.shape:
            return False, (f"reset returned shape {got.shape} for a state of shape {v.shape}. "
                           "Hint: return the whole state, one potential per neuron, not only "
                           "v[index].")
        # the state after neuron `index` fired, one neuron at a time: kicks, then its reset
        expected = np.array([v_reset if j == index else v[j] + w[index, j] for j in range(v.size)])
        if not np.allclose(got, expected, rtol=0, atol=1e-12):
            return False, _wrong(got, v, w, index, v_reset)
    problem = _run_problem(make_reset)
    if problem:
        return False, problem
    return True, ("v[index] goes to v_reset and every other v_j jumps by weights[index, j], for "
                  "every probe; a 3-neuron network run with it matches the exact reference "
                  f"within {_RUN_TOL_MS:g} ms.")


def check_network_reset(make_reset, *, time_limit=None) -> bool:
    """Check exercise 7.1: ``make_reset(weights, v_reset)`` returns the network's reset.

    The returned ``reset(t, v, index)`` is called on states of two probe
    networks (other weights and another v_reset than the notebook's); it must
    return a new state in which every v_j has jumped by ``weights[index, j]``
    (mV) and ``v[index]`` is ``v_reset``. Then a 3-neuron network runs with it
    in :func:`lifutils.solve_ivp_with_resets` and every spike must match
    :func:`lifutils.references.exact_delta_network` within 1e-6 ms.

    Examples
    --------
    >>> check_network_reset(lambda weights, v_reset: lambda t, v, i: v + weights[:, i])
    Not yet: it adds the column weights[:, index] (what neuron index receives). Hint: the kicks it sends are the row weights[index], so v_j += weights[index, j].
    False
    """
    return judge(_judge_network, make_reset, exercise="7.1", name="make_network_reset",
                 task="write the reset yourself",
                 hint="reset(t, v, index) gets v, the numpy array of all potentials (mV), and "
                      "index, the int of the neuron that fired; use the weights passed to "
                      "make_network_reset.", time_limit=time_limit)[0]

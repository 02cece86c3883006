"""Exercises of notebooks 01 (the Euler loop) and 02 (the dv/dt hack).

Each ``check_*`` takes the student's function, calls it itself, prints one
line, ``Right: ...`` or ``Not yet: ...`` with a hint, and returns True or
False; it never raises.

Examples
--------
>>> check_euler_spike_times(solution_euler_spike_times)
Right: 5 spikes at 20 nA (dt = 0.1 ms), on the grid at the end of each step, as the question's loop has them; and right again at 25 nA with dt = 0.05 ms.
True
>>> check_hack_slopes(solution_hack_slopes)
Right: just below v_thresh dv/dt = +0.5 mV/ms (up), just above it -25.0 mV/ms (down): the two branches point at each other.
True
"""
from __future__ import annotations

import numpy as np

from ..euler import simulate_euler
from ..params import LIFParams
from ._verdict import _as_number, _call_student, _verdict

__all__ = ["EULER_T_MAX", "check_euler_spike_times", "solution_euler_spike_times",
           "check_hack_slopes", "solution_hack_slopes"]

#: Exercise 1.1: simulated time (ms), as in the question.
EULER_T_MAX = 100.0
_QUESTION = LIFParams()  # tau_m 10 ms, v_rest -70, v_thresh -55, v_reset -80 mV, r_m 1 MOhm
_TIME_TOL = 1e-6  # ms: t + dt summed in floating point may differ from k * dt by ~1e-13


# --------------------------------------------------------------------------- exercise 1.1

def solution_euler_spike_times(i_e, dt):
    """Reference solution of exercise 1.1: the question's loop, keeping spike times (ms).

    The question's neuron (tau_m = 10 ms, v_rest = -70 mV, v_thresh = -55 mV,
    v_reset = -80 mV, R = 1 MOhm) driven by ``i_e`` nA for 100 ms with steps of
    ``dt`` ms. A spike is recorded at the end of the step that crossed, t + dt.

    Examples
    --------
    >>> np.round(solution_euler_spike_times(20.0, 0.1), 4).tolist()
    [13.8, 31.7, 49.6, 67.5, 85.4]
    """
    p = _QUESTION
    v, spike_times = p.v_rest, []
    for t in np.arange(0.0, EULER_T_MAX, dt):
        v += (-(v - p.v_rest) + p.r_m * i_e) / p.tau_m * dt
        if v >= p.v_thresh:
            v = p.v_reset
            spike_times.append(t + dt)  # the step that crossed ends at t + dt
    return spike_times


def _as_times(out):
    """(1-D float array, None) or (None, message) for a student's list of spike times."""
    if out is None:
        return None, "it returned None: did it forget to `return spike_times`?"
    if isinstance(out, (str, bytes)) or np.ndim(out) == 0:
        return None, (f"it returned a {type(out).__name__}; return a list of spike times "
                      "in ms (an empty list if there are none).")
    try:
        times = np.asarray(out, dtype=float)
    except (TypeError, ValueError):
        return None, "it returned something that is not a list of numbers; return the spike times in ms."
    if times.ndim != 1:
        return None, f"it returned an array of shape {times.shape}; return a flat list of spike times."
    return times, None


def _euler_mismatch(times, i_e, dt):
    """None if ``times`` are the loop's spike times, else a hint."""
    params = _QUESTION.replace(i_e=i_e)
    right = simulate_euler(params, EULER_T_MAX, dt=dt).spike_times
    where = f"at {i_e:g} nA with dt = {dt:g} ms"
    if times.size == right.size and np.allclose(times, right, rtol=0, atol=_TIME_TOL):
        return None
    if times.size == 0:
        return (f"no spikes {where}, where there are {right.size}. Hint: after the step, "
                "test v >= v_thresh and then append the time and set v = v_reset; i_e is "
                "in nA and R = 1 MOhm, so r_m * i_e is simply i_e mV (no 1e-9).")
    if times.size == right.size and np.allclose(times, right - dt, rtol=0, atol=_TIME_TOL):
        return ("every spike is one step early. Hint: the step from t to t + dt ends at "
                "t + dt; that is when v crossed, so append t + dt.")
    if times.size > 2 * right.size and np.median(np.diff(times)) <= dt * (1 + 1e-6):
        return (f"{times.size} spikes {where}, but there are only {right.size}. Hint: after "
                "a spike, set v = v_reset, below v_thresh; without the reset (or with one that "
                "does not go below the threshold) v stays above v_thresh and counts a spike "
                "at every step.")
    to_rest = simulate_euler(params.replace(v_reset=params.v_rest), EULER_T_MAX, dt=dt).spike_times
    if times.size == to_rest.size and np.allclose(times, to_rest, rtol=0, atol=1e-3):
        return "these are spikes with a reset to v_rest. Hint: reset to v_reset = -80 mV."
    return (f"{times.size} spikes {where}, first at {times[0] if times.size else float('nan'):.4g} ms; "
            f"the loop gives {right.size}, first at {right[0]:.4g} ms. Hint: one step is "
            "v += (-(v - v_rest) + i_e) / tau_m * dt, then the threshold test, from "
            "v = v_rest at t = 0 until t_max = 100 ms.")


def check_euler_spike_times(func) -> bool:
    """Check exercise 1.1: ``func(i_e, dt)`` returns the Euler loop's spike times (ms).

    ``func`` runs the question's loop for 100 ms from v_rest with input ``i_e``
    (nA) and step ``dt`` (ms), and returns the spike times, each at the end of
    the step that crossed (t + dt). It is called with (20 nA, 0.1 ms) and
    (25 nA, 0.05 ms), and compared with :func:`lifutils.simulate_euler`
    within 1e-6 ms.

    Examples
    --------
    >>> check_euler_spike_times(lambda i_e, dt: [])
    Not yet: no spikes at 20 nA with dt = 0.1 ms, where there are 5. Hint: after the step, test v >= v_thresh and then append the time and set v = v_reset; i_e is in nA and R = 1 MOhm, so r_m * i_e is simply i_e mV (no 1e-9).
    False
    """
    for i_e, dt in ((20.0, 0.1), (25.0, 0.05)):
        out, problem = _call_student(func, (i_e, dt), "1.1", "my_spike_times(i_e, dt)")
        if problem:
            return _verdict(False, problem)
        times, problem = _as_times(out)
        if problem:
            return _verdict(False, problem)
        problem = _euler_mismatch(times, i_e, dt)
        if problem and i_e == 25.0:
            problem = ("right at 20 nA with dt = 0.1 ms, but not at 25 nA with dt = 0.05 ms. "
                       "Hint: use the arguments i_e and dt, not fixed numbers.")
        if problem:
            return _verdict(False, problem)
    return _verdict(True, "5 spikes at 20 nA (dt = 0.1 ms), on the grid at the end of each "
                          "step, as the question's loop has them; and right again at 25 nA "
                          "with dt = 0.05 ms.")


# --------------------------------------------------------------------------- exercise 2.1

def solution_hack_slopes(p: LIFParams):
    """Reference solution of exercise 2.1: the hack's dv/dt (mV/ms) on either side of v_thresh.

    Returns ``(below, above)``: the leak branch at v = v_thresh and the
    "reset" branch ``v_reset - v`` at v = v_thresh.

    Examples
    --------
    >>> solution_hack_slopes(LIFParams(i_e=20.0))
    (0.5, -25.0)
    """
    below = (-(p.v_thresh - p.v_rest) + p.r_m * p.i_e) / p.tau_m
    above = p.v_reset - p.v_thresh
    return below, above


def _slopes_hint(below, above, p):
    """None if (below, above) are right for ``p``, else a hint."""
    right_below, right_above = solution_hack_slopes(p)
    ok_below = abs(below - right_below) <= 1e-9
    ok_above = abs(above - right_above) <= 1e-9
    if ok_below and ok_above:
        return None
    if abs(below - right_above) <= 1e-9 and abs(above - right_below) <= 1e-9:
        return "the two are swapped. Hint: return (below, above): the leak branch first."
    if not ok_below:
        if abs(below - right_below * p.tau_m) <= 1e-9:
            return (f"below = {below:g}: that is tau_m * dv/dt. Hint: the leak branch is "
                    "divided by tau_m.")
        return (f"below = {below:g} mV/ms, not right for i_e = {p.i_e:g} nA, tau_m = "
                f"{p.tau_m:g} ms. Hint: put v = v_thresh into (-(v - v_rest) + r_m * i_e) "
                "/ tau_m, using p's fields.")
    if abs(above - right_above / p.tau_m) <= 1e-9:
        return (f"above = {above:g}: the question's reset branch, v_reset - y, is not divided "
                "by tau_m.")
    return (f"above = {above:g} mV/ms. Hint: the question's reset branch is v_reset - y; "
            "put y = v_thresh.")


def check_hack_slopes(func) -> bool:
    """Check exercise 2.1: ``func(p)`` returns the hack's two slopes at v_thresh (mV/ms).

    ``func`` takes a :class:`lifutils.LIFParams` and returns ``(below, above)``:
    the hack's dv/dt at v = v_thresh from the leak branch (just below the
    threshold) and from the "reset" branch (at and above it). Checked for
    20 nA and for 30 nA with tau_m = 20 ms, within 1e-9 mV/ms.

    Examples
    --------
    >>> check_hack_slopes(lambda p: (-25.0, 0.5))
    Not yet: the two are swapped. Hint: return (below, above): the leak branch first.
    False
    """
    for p in (LIFParams(i_e=20.0), LIFParams(i_e=30.0, tau_m=20.0)):
        out, problem = _call_student(func, (p,), "2.1", "my_slopes(p)")
        if problem:
            return _verdict(False, problem)
        if out is None:
            return _verdict(False, "it returned None: did it forget to `return below, above`?")
        if isinstance(out, (str, bytes)) or np.ndim(out) != 1 or len(out) != 2:
            return _verdict(False, "return two numbers, (below, above), in mV/ms.")
        numbers = [_as_number(x, "mV/ms", "0.5") for x in out]
        problems = [m for _, m in numbers if m]
        if problems:
            return _verdict(False, problems[0])
        hint = _slopes_hint(numbers[0][0], numbers[1][0], p)
        if hint and p.i_e != 20.0:
            hint = ("right at 20 nA but not at 30 nA with tau_m = 20 ms. Hint: use p.i_e, "
                    "p.tau_m, ... instead of fixed numbers.")
        if hint:
            return _verdict(False, hint)
    below, above = solution_hack_slopes(LIFParams(i_e=20.0))
    return _verdict(True, f"just below v_thresh dv/dt = {below:+.1f} mV/ms (up), just above "
                          f"it {above:+.1f} mV/ms (down): the two branches point at each other.")

"""Exercises of notebooks 01 (the Euler loop) and 02 (the dv/dt hack).

Each ``check_*`` takes the student's function, runs it safely (see
:func:`lifutils.exercises.judge`), prints ``Right: ...`` or ``Not yet: ...`` with a
hint, and returns True or False; it never raises and never hangs.

Examples
--------
>>> check_euler_spike_times(lambda i_e, dt: [13.8, 31.7, 49.6, 67.5, 85.4])
Not yet: right at 20 nA with dt = 0.1 ms, but not at 25 nA with dt = 0.05 ms. Hint: use the arguments i_e and dt, not fixed numbers.
False
"""
from __future__ import annotations

import numpy as np

from ..euler import simulate_euler
from ..params import LIFParams
from ._student import StudentError, judge, not_callable
from .answers import as_number, as_times

__all__ = ["EULER_T_MAX", "check_euler_spike_times", "check_hack_slopes", "SLOPE_NEURONS"]

#: Exercise 1.1: simulated time (ms), as in the question.
EULER_T_MAX = 100.0
_QUESTION = LIFParams()  # tau_m 10 ms, v_rest -70, v_thresh -55, v_reset -80 mV, r_m 1 MOhm
_TIME_TOL = 1e-6  # ms: t + dt summed in floating point may differ from k * dt by ~1e-13
#: Exercise 1.1: (i_e in nA, dt in ms) the loop is run with, in order.
_EULER_PROBES = ((20.0, 0.1), (25.0, 0.05), (32.0, 0.2))


# --------------------------------------------------------------------------- exercise 1.1

def _euler(params, dt):
    return simulate_euler(params, EULER_T_MAX, dt=dt).spike_times


def _euler_mismatch(times, i_e, dt):
    """None if ``times`` are the loop's spike times, else a hint."""
    params = _QUESTION.replace(i_e=i_e)
    right = _euler(params, dt)
    where = f"at {i_e:g} nA with dt = {dt:g} ms"

    def same(other, tol=_TIME_TOL):
        return times.size == other.size and np.allclose(times, other, rtol=0, atol=tol)
    if same(right):
        return None
    if times.size == 0:
        return (f"no spikes {where}, where there are {right.size}. Hint: after the step, "
                "test v >= v_thresh and then append the time and set v = v_reset; i_e is "
                "in nA and R = 1 MOhm, so r_m * i_e is simply i_e mV (no 1e-9).")
    if same(right - dt):
        return ("every spike is one step early. Hint: the step from t to t + dt ends at "
                "t + dt; that is when v crossed, so append t + dt.")
    if same(right + dt):
        return ("every spike is one step late. Hint: append t + dt, the end of the step that "
                "crossed, where t is the start of that step.")
    if times.size > 2 * right.size and np.median(np.diff(times)) <= dt * (1 + 1e-6):
        return (f"{times.size} spikes {where}, but there are only {right.size}. Hint: after "
                "a spike, set v = v_reset, below v_thresh; without the reset (or with one that "
                "does not go below the threshold) v stays above v_thresh and counts a spike "
                "at every step.")
    if same(_euler(params.replace(v_reset=params.v_rest), dt), 1e-3):
        return "these are spikes with a reset to v_rest. Hint: reset to v_reset = -80 mV."
    if times.size and same(right[:times.size]) and times.size < right.size:
        return (f"the first {times.size} spikes are right, but the loop stops early ({right.size} "
                f"spikes in {EULER_T_MAX:g} ms). Hint: run the loop until t_max = 100 ms.")
    if same(right[:-1]) or same(right[1:]):
        return ("one spike too few: off by one in the loop's range. Hint: "
                "for t in np.arange(0, t_max, dt), starting at t = 0.")
    if same(right / 1000.0, 1e-9):
        return ("these look like seconds (the loop's times divided by 1000). Hint: t and dt are "
                "in ms; append t + dt as it is.")
    if times.size >= 2 and right.size >= 2 and abs(times[0] - right[0]) <= _TIME_TOL:
        extra = np.diff(times) - np.mean(np.diff(right))
        if np.all(extra > dt / 2) and np.ptp(extra) <= 2 * dt:
            return (f"the first spike is right, but every interval is about {np.mean(extra):.3g} "
                    "ms longer than the loop's: a refractory hold? Hint: the question's loop has "
                    "none; after the reset v climbs again at the next step.")
    first = f"{times[0]:.4g}" if times.size else "none"
    k = next((k for k in range(min(times.size, right.size))
              if abs(times[k] - right[k]) > _TIME_TOL), min(times.size, right.size))
    differs = (f"spike {k + 1} differs: yours at {times[k]:.6g} ms, the loop's at {right[k]:.6g} ms"
               if k < min(times.size, right.size) else
               f"the first {k} agree, then {'yours go on' if times.size > k else 'yours stop'}")
    return (f"{times.size} spikes {where}, first at {first} ms; the loop gives {right.size}, "
            f"first at {right[0]:.4g} ms; {differs}. Hint: one step is v += (-(v - v_rest) + "
            "i_e) / tau_m * dt, then the threshold test, from v = v_rest at t = 0 until "
            "t_max = 100 ms.")


def _judge_euler(func):
    if not callable(func):
        raise StudentError(not_callable(func, "my_spike_times"))
    for k, (i_e, dt) in enumerate(_EULER_PROBES):
        times, problem = as_times(func(i_e, dt), "my_spike_times")
        if problem:
            return False, problem
        problem = _euler_mismatch(times, i_e, dt)
        if problem and k > 0 and "Hint: reset" not in problem and "early" not in problem:
            first = _EULER_PROBES[0]
            problem = (f"right at {first[0]:g} nA with dt = {first[1]:g} ms, but not at "
                       f"{i_e:g} nA with dt = {dt:g} ms. Hint: use the arguments i_e and dt, "
                       "not fixed numbers.")
        if problem:
            return False, problem
    return True, ("5 spikes at 20 nA (dt = 0.1 ms), on the grid at the end of each step, as "
                  "the question's loop has them; and right again at 25 nA (dt = 0.05 ms) and "
                  "32 nA (dt = 0.2 ms), within 1e-06 ms.")


def check_euler_spike_times(func, *, time_limit=None) -> bool:
    """Check exercise 1.1: ``func(i_e, dt)`` returns the Euler loop's spike times (ms).

    ``func`` runs the question's loop for 100 ms from v_rest with input ``i_e``
    (nA) and step ``dt`` (ms), and returns the spike times, each at the end of
    the step that crossed (t + dt). It is called with (20 nA, 0.1 ms),
    (25 nA, 0.05 ms) and (32 nA, 0.2 ms), and compared with
    :func:`lifutils.simulate_euler` within 1e-6 ms.

    Examples
    --------
    >>> check_euler_spike_times(lambda i_e, dt: [])
    Not yet: no spikes at 20 nA with dt = 0.1 ms, where there are 5. Hint: after the step, test v >= v_thresh and then append the time and set v = v_reset; i_e is in nA and R = 1 MOhm, so r_m * i_e is simply i_e mV (no 1e-9).
    False
    """
    return judge(_judge_euler, func, exercise="1.1", name="my_spike_times",
                 task="write the Euler loop yourself",
                 hint="my_spike_times(i_e, dt) takes a current in nA and a step in ms and "
                      "returns a list of spike times.", time_limit=time_limit,
                 hint_long="the loop is for t in np.arange(0, t_max, dt).")[0]


# --------------------------------------------------------------------------- exercise 2.1

#: Exercise 2.1: the neurons the slopes are asked for (the second has r_m = 0.8 MOhm).
SLOPE_NEURONS = (LIFParams(i_e=20.0),
                 LIFParams(i_e=30.0, tau_m=20.0, r_m=0.8, v_reset=-75.0),
                 LIFParams(i_e=10.0, tau_m=5.0, r_m=2.5, v_thresh=-50.0, v_rest=-65.0))


def _leak(p, v):
    return (-(v - p.v_rest) + p.r_m * p.i_e) / p.tau_m


def _slopes_hint(below, above, p):
    """None if (below, above) are the hack's slopes at v_thresh for ``p``, else a hint."""
    right_below, right_above = _leak(p, p.v_thresh), p.v_reset - p.v_thresh

    def near(a, b):
        return abs(a - b) <= 1e-9 * max(1.0, abs(b))
    ok_below, ok_above = near(below, right_below), near(above, right_above)
    if ok_below and ok_above:
        return None
    if near(below, right_above) and near(above, right_below):
        return "the two are swapped. Hint: return (below, above): the leak branch first."
    if not ok_below:
        if near(below, _leak(p.replace(r_m=1.0), p.v_thresh)):
            return (f"below = {below:g} mV/ms leaves out r_m (this neuron has r_m = {p.r_m:g} "
                    "MOhm). Hint: the input moves v by r_m * i_e mV: use p.r_m * p.i_e.")
        if near(below, right_below * p.tau_m):
            return (f"below = {below:g}: that is tau_m * dv/dt. Hint: the leak branch is "
                    "divided by tau_m.")
        if near(below, right_below * 1e-9) or near(below, right_below * 1e-3):
            return f"below = {below:g}: a unit factor crept in. Hint: mV, ms, nA and MOhm need none."
        return (f"below = {below:g} mV/ms, not right for i_e = {p.i_e:g} nA, r_m = {p.r_m:g} "
                f"MOhm, tau_m = {p.tau_m:g} ms. Hint: put v = p.v_thresh into "
                "(-(v - p.v_rest) + p.r_m * p.i_e) / p.tau_m, using p's fields.")
    if near(above, right_above / p.tau_m):
        return (f"above = {above:g}: the question's reset branch, v_reset - y, is not divided "
                "by tau_m.")
    if near(above, -right_above):
        return (f"above = {above:g} points up. Hint: the reset branch is v_reset - y; at "
                "y = v_thresh it is negative.")
    return (f"above = {above:g} mV/ms. Hint: the question's reset branch is p.v_reset - y; "
            "put y = p.v_thresh.")


def _judge_slopes(func):
    if not callable(func):
        raise StudentError(not_callable(func, "my_slopes"))
    for k, p in enumerate(SLOPE_NEURONS):
        out = func(p)
        if out is None:
            return False, "my_slopes returned None: did it forget to `return below, above`?"
        if isinstance(out, (str, bytes, dict)) or np.ndim(out) != 1 or len(out) != 2:
            return False, "return two numbers, (below, above), in mV/ms."
        numbers = [as_number(x, "mV/ms", "0.5") for x in out]
        problems = [m for _, m in numbers if m]
        if problems:
            return False, problems[0]
        hint = _slopes_hint(numbers[0][0], numbers[1][0], p)
        if hint and k > 0 and "leaves out r_m" not in hint and "swapped" not in hint:
            hint = (f"right for the question's neuron but not for one with i_e = {p.i_e:g} nA, "
                    f"tau_m = {p.tau_m:g} ms, r_m = {p.r_m:g} MOhm. Hint: use p.i_e, p.tau_m, "
                    "p.r_m, ..., not fixed numbers.")
        if hint:
            return False, hint
    p = SLOPE_NEURONS[0]
    return True, (f"just below v_thresh dv/dt = {_leak(p, p.v_thresh):+.1f} mV/ms (up), just "
                  f"above it {p.v_reset - p.v_thresh:+.1f} mV/ms (down): the two branches point "
                  f"at each other; right too for {len(SLOPE_NEURONS) - 1} other neurons.")


def check_hack_slopes(func, *, time_limit=None) -> bool:
    """Check exercise 2.1: ``func(p)`` returns the hack's two slopes at v_thresh (mV/ms).

    ``func`` takes a :class:`lifutils.LIFParams` and returns ``(below, above)``:
    the hack's dv/dt at v = v_thresh from the leak branch (just below the
    threshold) and from the "reset" branch (at and above it). Checked on
    :data:`SLOPE_NEURONS` (other drives, time constants, resistances and
    potentials), within 1e-9 mV/ms.

    Examples
    --------
    >>> check_hack_slopes(lambda p: (-25.0, 0.5))
    Not yet: the two are swapped. Hint: return (below, above): the leak branch first.
    False
    """
    return judge(_judge_slopes, func, exercise="2.1", name="my_slopes",
                 task="work out the two slopes yourself",
                 hint="my_slopes(p) reads the fields of p (p.tau_m, p.v_rest, p.v_thresh, "
                      "p.v_reset, p.r_m, p.i_e) and returns two numbers.",
                 time_limit=time_limit)[0]

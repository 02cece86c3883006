"""Automatic checks and reference solutions for the exercises of notebook 06.

Each ``check_*`` function takes a student's answer, prints a one-line verdict
(``Right: ...`` or ``Not yet: ...`` with a hint) and returns True or False. A
wrong answer, a wrong type or an exception in the student's code never raises:
it is reported in that one line.

The neurons of the exercises (units: ms, mV, nA, MOhm):

* :data:`RHEOBASE_NEURON`: the question's neuron with ``r_m = 2`` MOhm;
* :data:`FIRST_SPIKE_NEURON`: the question's neuron with ``i_e = 25`` nA;
* :data:`REFRACTORY_NEURON`: ``i_e = 20`` nA and ``t_ref = 2`` ms, simulated
  for :data:`LOOP_T_MAX` = 100 ms in the restart-loop exercise.

Examples
--------
>>> check_rheobase(7.5)
Right: the rheobase is 7.500 nA (within 0.001 nA): (v_thresh - v_rest) / r_m = 15 mV / 2 MOhm.
True
>>> check_rheobase("7.5")
Not yet: got text ('7.5'); give a number in nA, e.g. 12.5 (no quotes, no unit).
False
"""
from __future__ import annotations

import math
import numbers

import numpy as np
from scipy.integrate import solve_ivp

from .analytic import exact_spike_times, first_spike_time, interspike_interval, rheobase
from .params import LIFParams

__all__ = ["RHEOBASE_NEURON", "FIRST_SPIKE_NEURON", "REFRACTORY_NEURON", "LOOP_T_MAX",
           "TOL_NA", "TOL_MS", "check_rheobase", "check_first_spike_time", "check_isi",
           "check_event_function", "check_reset_loop", "solution_rheobase",
           "solution_first_spike_time", "solution_isi", "solution_event_function",
           "solution_reset_loop"]

#: Exercise 1: the question's neuron with a membrane resistance of 2 MOhm.
RHEOBASE_NEURON = LIFParams(r_m=2.0)
#: Exercise 2: the question's neuron driven by 25 nA.
FIRST_SPIKE_NEURON = LIFParams(i_e=25.0)
#: Exercises 4 and 5: 20 nA and a 2 ms refractory period.
REFRACTORY_NEURON = LIFParams(i_e=20.0, t_ref=2.0)
#: Exercise 5: simulated time (ms).
LOOP_T_MAX = 100.0

TOL_NA = 1e-3  # tolerance for currents (nA)
TOL_MS = 1e-3  # tolerance for times (ms)


# --------------------------------------------------------------------------- helpers

def _verdict(ok: bool, text: str) -> bool:
    print(("Right: " if ok else "Not yet: ") + text)
    return ok


def _as_number(value, unit, example):
    """(number, None), or (None, message) for an answer that is not one finite number."""
    if value is None:
        return None, ("got None: did your function forget to `return` its result? "
                      f"Give a number in {unit}.")
    if isinstance(value, (str, bytes)):
        return None, (f"got text ({value!r}); give a number in {unit}, "
                      f"e.g. {example} (no quotes, no unit).")
    if isinstance(value, (bool, np.bool_)):
        return None, f"got {value!r}, a True/False; give a number in {unit}."
    if not isinstance(value, numbers.Real):
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return None, (f"got a value of type {type(value).__name__}; give a number in {unit}, "
                          f"e.g. {example}.")
        if arr.size != 1:
            return None, (f"got {arr.size} values (shape {arr.shape}); give one number "
                          f"in {unit}.")
        value = arr.reshape(())
    number = float(value)
    if not math.isfinite(number):
        return None, f"got {number!r}; give a finite number in {unit}."
    return number, None


def _near(a, b, tol):
    return abs(a - b) <= tol


# --------------------------------------------------------------------------- exercise 1

def solution_rheobase(params: LIFParams = RHEOBASE_NEURON) -> float:
    """Reference solution of exercise 1: the rheobase (nA) of ``params``.

    At the rheobase the steady state ``v_rest + r_m * i_e`` just reaches
    ``v_thresh``.

    Examples
    --------
    >>> solution_rheobase(RHEOBASE_NEURON)
    7.5
    """
    return (params.v_thresh - params.v_rest) / params.r_m


def check_rheobase(value) -> bool:
    """Check exercise 1: the rheobase (nA) of :data:`RHEOBASE_NEURON` (r_m = 2 MOhm).

    Right within :data:`TOL_NA` = 0.001 nA.

    Examples
    --------
    >>> check_rheobase(15.0)
    Not yet: 15 nA is the rheobase for r_m = 1 MOhm. Hint: this neuron has r_m = 2 MOhm; the 15 mV gap from v_rest to v_thresh must come from r_m * i_e.
    False
    """
    number, problem = _as_number(value, "nA", "12.5")
    if problem:
        return _verdict(False, problem)
    p = RHEOBASE_NEURON
    right = rheobase(p)
    gap = p.v_thresh - p.v_rest
    if _near(number, right, TOL_NA):
        return _verdict(True, f"the rheobase is {right:.3f} nA (within {TOL_NA:g} nA): "
                              f"(v_thresh - v_rest) / r_m = {gap:g} mV / {p.r_m:g} MOhm.")
    if _near(number, gap, TOL_NA):
        return _verdict(False, f"{number:g} nA is the rheobase for r_m = 1 MOhm. Hint: this "
                               f"neuron has r_m = {p.r_m:g} MOhm; the {gap:g} mV gap from "
                               "v_rest to v_thresh must come from r_m * i_e.")
    if _near(number, gap * p.r_m, TOL_NA):
        return _verdict(False, f"{number:g} nA: you multiplied by r_m. Hint: r_m * i_e must "
                               f"equal {gap:g} mV, so divide by r_m.")
    if number < 0 or _near(number, p.v_thresh, TOL_NA) or _near(number, p.v_rest, TOL_NA):
        return _verdict(False, f"{number:g} looks like a voltage (mV). Hint: the rheobase "
                               "is a current (nA), the i_e at which v_rest + r_m * i_e "
                               "reaches v_thresh.")
    return _verdict(False, f"{number:g} nA is not it. Hint: the neuron fires only if "
                           "v_rest + r_m * i_e > v_thresh; solve for i_e.")


# --------------------------------------------------------------------------- exercise 2

def solution_first_spike_time(params: LIFParams = FIRST_SPIKE_NEURON) -> float:
    """Reference solution of exercise 2: the first spike time (ms) from v_rest.

    Solve ``v_inf + (v_rest - v_inf) exp(-t / tau_m) = v_thresh`` for t.

    Examples
    --------
    >>> round(solution_first_spike_time(FIRST_SPIKE_NEURON), 4)  # 10 ln 2.5
    9.1629
    """
    v_inf = params.v_rest + params.r_m * params.i_e
    return params.tau_m * math.log((params.v_rest - v_inf) / (params.v_thresh - v_inf))


def check_first_spike_time(value) -> bool:
    """Check exercise 2: first spike time (ms) of :data:`FIRST_SPIKE_NEURON` (i_e = 25 nA).

    The neuron starts at v_rest. Right within :data:`TOL_MS` = 0.001 ms.

    Examples
    --------
    >>> check_first_spike_time(9.1629)
    Right: the first spike comes at 9.1629 ms (within 0.001 ms): tau_m ln((v_rest - v_inf) / (v_thresh - v_inf)) = 10 ln 2.5.
    True
    """
    number, problem = _as_number(value, "ms", "12.5")
    if problem:
        return _verdict(False, problem)
    p = FIRST_SPIKE_NEURON
    right = first_spike_time(p)
    v_inf = p.v_inf
    if _near(number, right, TOL_MS):
        ratio = (p.v_rest - v_inf) / (p.v_thresh - v_inf)
        return _verdict(True, f"the first spike comes at {right:.4f} ms (within {TOL_MS:g} ms): "
                              "tau_m ln((v_rest - v_inf) / (v_thresh - v_inf)) = "
                              f"{p.tau_m:g} ln {ratio:g}.")
    if _near(number, interspike_interval(p), TOL_MS):
        return _verdict(False, f"{number:.4f} ms is the interval between later spikes, which "
                               "start from v_reset. Hint: the first climb starts at v_rest.")
    if _near(number, first_spike_time(p.replace(i_e=20.0)), TOL_MS):
        return _verdict(False, f"{number:.4f} ms is the first spike at 20 nA. Hint: this "
                               f"neuron gets i_e = {p.i_e:g} nA, so v_inf = {v_inf:g} mV.")
    if _near(number, -right, TOL_MS):
        return _verdict(False, "right size, wrong sign. Hint: the ratio inside the logarithm "
                               "is upside down; it must be larger than 1.")
    if _near(number, 1000.0 * right, 1000.0 * TOL_MS) or _near(number, right / 1000.0, 1e-6):
        return _verdict(False, f"{number:g}: check the unit. Hint: give the time in ms.")
    return _verdict(False, f"{number:g} ms is not it. Hint: v(t) = v_inf + (v_rest - v_inf) "
                           "exp(-t / tau_m) with v_inf = v_rest + r_m * i_e; solve "
                           "v(t) = v_thresh for t.")


# --------------------------------------------------------------------------- exercise 3

def solution_event_function(t, y):
    """Reference solution of exercise 3: the threshold event for solve_ivp.

    Zero when v = y[0] reaches v_thresh = -55 mV (mV; negative below,
    positive above); ``terminal = True`` stops solve_ivp at the spike and
    ``direction = 1`` counts only upward crossings.

    Examples
    --------
    >>> print(solution_event_function(0.0, np.array([-60.0])))  # v = -60 mV
    -5.0
    >>> solution_event_function.terminal, solution_event_function.direction
    (True, 1)
    """
    return y[0] - LIFParams().v_thresh


solution_event_function.terminal = True
solution_event_function.direction = 1

# (t in ms, v in mV) at which an event function is probed: below and above
# v_thresh = -55 mV, -60 mV at two different times, and (last) v_thresh itself.
_EVENT_PROBES = ((0.0, -70.0), (3.0, -60.0), (40.0, -60.0), (50.0, -56.0), (7.0, -50.0),
                 (80.0, -40.0))


def check_event_function(func) -> bool:
    """Check exercise 3: a threshold event function ``func(t, y)`` for solve_ivp.

    ``func`` is called as solve_ivp calls it, with a time (ms) and a state
    array ``y`` whose ``y[0]`` is v (mV), on states below, at and above
    v_thresh = -55 mV. It must return one number that is negative below the
    threshold, zero at it (within 1e-9 mV) and positive above, the same at any
    t; and have ``terminal = True`` and ``direction = 1`` (or +1.0).

    Examples
    --------
    >>> check_event_function(solution_event_function)
    Right: negative below -55 mV, zero at it, positive above; terminal = True stops solve_ivp at the spike and direction = 1 counts only upward crossings.
    True
    >>> check_event_function(lambda t, y: y[0] >= -55.0)
    Not yet: it returned a True/False (False at v = -70 mV). Hint: solve_ivp locates the zero of a continuous number; return y[0] - v_thresh.
    False
    """
    if not callable(func):
        return _verdict(False, f"got a value of type {type(func).__name__}, not a function. Hint: pass the "
                               "function itself, e.g. check_event_function(my_threshold), "
                               "without calling it.")
    v_thresh = LIFParams().v_thresh
    name = getattr(func, "__name__", "your function")
    values = []
    for t, v in _EVENT_PROBES + ((1.0, v_thresh),):
        y = np.array([v])
        try:
            out = func(t, y)
        except NotImplementedError as exc:
            return _verdict(False, f"{name} raised NotImplementedError ({exc}): replace the "
                                   "stub with your code.")
        except TypeError as exc:
            return _verdict(False, f"calling {name}(t, y) raised TypeError: {exc}. Hint: "
                                   "solve_ivp calls an event function with two arguments, "
                                   "the time t and the state array y.")
        except Exception as exc:  # any error in the student's code becomes a hint
            return _verdict(False, f"calling {name}({t:g}, array([{v:g}])) raised "
                                   f"{type(exc).__name__}: {exc}. Hint: v is y[0].")
        if isinstance(out, (bool, np.bool_)) or (isinstance(out, np.ndarray)
                                                 and out.dtype == bool):
            return _verdict(False, f"it returned a True/False ({bool(np.all(out))} at v = "
                                   f"{v:g} mV). Hint: solve_ivp locates the zero of a "
                                   "continuous number; return y[0] - v_thresh.")
        if out is None:
            return _verdict(False, f"{name} returned None: did it forget to `return`? Hint: "
                                   "return y[0] - v_thresh.")
        number, problem = _as_number(out, "mV", "y[0] - v_thresh")
        if problem:
            return _verdict(False, f"at v = {v:g} mV {name} returned {out!r}. Hint: return "
                                   "one number (mV), y[0] - v_thresh.")
        values.append(number)
    below = [g for (t, v), g in zip(_EVENT_PROBES, values) if v < v_thresh]
    above = [g for (t, v), g in zip(_EVENT_PROBES, values) if v > v_thresh]
    at = values[-1]
    if all(g > 0 for g in below) and all(g < 0 for g in above):
        return _verdict(False, "the sign is flipped: positive below the threshold, negative "
                               "above. Hint: return y[0] - v_thresh (and keep direction = 1).")
    if not (all(g < 0 for g in below) and all(g > 0 for g in above)):
        return _verdict(False, "it must be negative for every v below -55 mV and positive "
                               f"above; it gave {values[:-1]} at v = "
                               f"{[v for _, v in _EVENT_PROBES]} mV. Hint: y[0] - v_thresh.")
    if abs(at) > 1e-9:
        return _verdict(False, f"at v = v_thresh = {v_thresh:g} mV it gives {at:g}, not 0. "
                               "Hint: the zero must be at the threshold: y[0] - v_thresh.")
    if values[1] != values[2]:  # v = -60 mV at t = 3 and at t = 40 ms
        return _verdict(False, "it depends on t. Hint: the threshold is a voltage; use y[0] "
                               "only.")
    direction = getattr(func, "direction", None)
    if direction is None or isinstance(direction, (bool, np.bool_)) or direction != 1:
        what = "no direction attribute" if direction is None else f"direction = {direction!r}"
        return _verdict(False, f"the values are right, but it has {what}. Hint: set "
                               f"{name}.direction = 1, so that only v rising through the "
                               "threshold counts as a spike.")
    if getattr(func, "terminal", False) is not True:
        return _verdict(False, "the values and direction are right, but terminal is not True. "
                               f"Hint: set {name}.terminal = True, so that solve_ivp stops at "
                               "the spike and you can reset v.")
    return _verdict(True, f"negative below {v_thresh:g} mV, zero at it, positive above; "
                          "terminal = True stops solve_ivp at the spike and direction = 1 "
                          "counts only upward crossings.")


# --------------------------------------------------------------------------- exercise 4

def solution_isi(params: LIFParams = REFRACTORY_NEURON) -> float:
    """Reference solution of exercise 4: the interspike interval (ms) with refractory period.

    The neuron is held at v_reset for ``t_ref``, then climbs from v_reset to
    v_thresh: ``t_ref + tau_m ln((v_reset - v_inf) / (v_thresh - v_inf))``.

    Examples
    --------
    >>> round(solution_isi(REFRACTORY_NEURON), 4)  # 2 + 10 ln 6
    19.9176
    """
    v_inf = params.v_rest + params.r_m * params.i_e
    return params.t_ref + params.tau_m * math.log((params.v_reset - v_inf)
                                                  / (params.v_thresh - v_inf))


def check_isi(value) -> bool:
    """Check exercise 4: the interspike interval (ms) of :data:`REFRACTORY_NEURON`.

    i_e = 20 nA, t_ref = 2 ms. Right within :data:`TOL_MS` = 0.001 ms.

    Examples
    --------
    >>> check_isi(17.9176)
    Not yet: 17.9176 ms is the interval without the refractory period. Hint: v is held at v_reset for t_ref = 2 ms before it climbs again.
    False
    """
    number, problem = _as_number(value, "ms", "12.5")
    if problem:
        return _verdict(False, problem)
    p = REFRACTORY_NEURON
    right = interspike_interval(p)
    climb = right - p.t_ref
    if _near(number, right, TOL_MS):
        return _verdict(True, f"the interval is {right:.4f} ms (within {TOL_MS:g} ms): "
                              f"t_ref + tau_m ln((v_reset - v_inf) / (v_thresh - v_inf)) = "
                              f"{p.t_ref:g} + {climb:.4f} ms.")
    if _near(number, climb, TOL_MS):
        return _verdict(False, f"{number:.4f} ms is the interval without the refractory "
                               f"period. Hint: v is held at v_reset for t_ref = {p.t_ref:g} ms "
                               "before it climbs again.")
    if _near(number, climb - p.t_ref, TOL_MS):
        return _verdict(False, "you subtracted t_ref. Hint: the hold at v_reset makes the "
                               "interval longer, not shorter.")
    if _near(number, first_spike_time(p), TOL_MS) or _near(number, first_spike_time(p) + p.t_ref,
                                                               TOL_MS):
        return _verdict(False, f"{number:.4f} ms uses the climb from v_rest. Hint: after a "
                               "spike v starts from v_reset, which is lower.")
    if _near(number, 1000.0 / right, 0.01):
        return _verdict(False, f"{number:g} looks like the firing rate in Hz. Hint: give the "
                               "interval in ms.")
    return _verdict(False, f"{number:g} ms is not it. Hint: t_ref plus the climb from v_reset "
                           "to v_thresh, tau_m ln((v_reset - v_inf) / (v_thresh - v_inf)).")


# --------------------------------------------------------------------------- exercise 5

def solution_reset_loop(params: LIFParams = REFRACTORY_NEURON, t_max=LOOP_T_MAX):
    """Reference solution of exercise 5: spike times (ms) from a solve_ivp restart loop.

    Plain solve_ivp with a terminal threshold event; after each spike, v is
    held at v_reset for t_ref (nothing to integrate), then the solver restarts.

    Examples
    --------
    >>> solution_reset_loop(REFRACTORY_NEURON, 100.0).round(4)
    array([13.8629, 33.7805, 53.6981, 73.6157, 93.5333])
    """
    p = params

    def lif(t, y):
        return (-(y - p.v_rest) + p.r_m * p.i_e) / p.tau_m

    def threshold(t, y):
        return y[0] - p.v_thresh
    threshold.terminal = True
    threshold.direction = 1

    t, v, spike_times = 0.0, p.v_rest, []
    while t < t_max:
        sol = solve_ivp(lif, (t, t_max), [v], events=threshold, rtol=1e-8, atol=1e-8)
        if sol.status != 1:  # reached t_max without a spike
            break
        t_spike = sol.t_events[0][0]
        spike_times.append(t_spike)
        t, v = t_spike + p.t_ref, p.v_reset  # held at v_reset for t_ref, then restart
    return np.array(spike_times)


def check_reset_loop(spike_times) -> bool:
    """Check exercise 5: spike times (ms) of :data:`REFRACTORY_NEURON` over 100 ms.

    Compared with the exact spike times (:func:`lifutils.exact_spike_times`);
    right when the count matches and every time is within :data:`TOL_MS` =
    0.001 ms.

    Examples
    --------
    >>> check_reset_loop([13.8629, 33.7805, 53.6981, 73.6157, 93.5333])
    Right: all 5 spike times within 0.001 ms of the exact ones (largest error 4.4e-05 ms).
    True
    >>> check_reset_loop([])
    Not yet: no spikes. Hint: is the event terminal with direction = 1, and do you record sol.t_events[0][0] when sol.status == 1?
    False
    """
    if spike_times is None:
        return _verdict(False, "got None: did your function forget to `return` the spike "
                               "times?")
    if isinstance(spike_times, (str, bytes)) or isinstance(spike_times, numbers.Number):
        return _verdict(False, f"got a value of type {type(spike_times).__name__}; give a list or array of "
                               "spike times in ms.")
    try:
        times = np.asarray(spike_times, dtype=float)
    except (TypeError, ValueError):
        return _verdict(False, f"got a value of type {type(spike_times).__name__}, not a list of "
                               "numbers; give a list or 1-D array of spike times in ms.")
    if times.ndim != 1:
        return _verdict(False, f"got an array of shape {times.shape}; give a flat list or "
                               "1-D array of spike times in ms.")
    if not np.all(np.isfinite(times)):
        return _verdict(False, "some spike times are NaN or inf; give finite times in ms.")
    p = REFRACTORY_NEURON
    exact = exact_spike_times(p, LOOP_T_MAX)
    n, n_exact = times.size, exact.size
    if n == 0:
        return _verdict(False, "no spikes. Hint: is the event terminal with direction = 1, and "
                               "do you record sol.t_events[0][0] when sol.status == 1?")
    if np.any(np.diff(times) <= 0):
        return _verdict(False, "the spike times are not strictly increasing (a spike twice?). "
                               "Hint: after a spike, restart at t_spike + t_ref from v_reset.")
    no_hold = exact_spike_times(p.replace(t_ref=0.0), LOOP_T_MAX)
    if n == no_hold.size and np.allclose(times, no_hold, rtol=0, atol=0.01):
        return _verdict(False, "these are the spike times without the refractory period. "
                               f"Hint: restart at t_spike + t_ref (t_ref = {p.t_ref:g} ms), "
                               "not at t_spike.")
    if n != n_exact:
        return _verdict(False, f"{n} spikes, but there are {n_exact} in {LOOP_T_MAX:g} ms. "
                               "Hint: i_e = 20 nA, start at v_rest, and restart after each "
                               "spike from v_reset at t_spike + t_ref until t_max.")
    error = float(np.max(np.abs(times - exact)))
    if error <= TOL_MS:
        return _verdict(True, f"all {n} spike times within {TOL_MS:g} ms of the exact ones "
                              f"(largest error {error:.2g} ms).")
    if error < 1.0:
        return _verdict(False, f"the right number of spikes, but off by up to {error:.2g} ms. "
                               "Hint: solve_ivp's default rtol = 1e-3 is too loose for spike "
                               "times; pass rtol=1e-8, atol=1e-8.")
    return _verdict(False, f"the right number of spikes, but off by up to {error:.3g} ms "
                           f"(exact: {np.round(exact, 3).tolist()}). Hint: check the start "
                           "(v_rest at t = 0) and the reset (v_reset, held for t_ref).")

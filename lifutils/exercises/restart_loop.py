"""Restart-loop exercises: the threshold event function and the loop that resets.

Each ``check_*`` prints one line, ``Right: ...`` or ``Not yet: ...`` with a hint,
and returns True or False; it never raises.
"""
from __future__ import annotations

import numbers

import numpy as np
from scipy.integrate import solve_ivp

from ..analytic import exact_spike_times
from ..params import LIFParams
from ._verdict import TOL_MS, _as_number, _call_student, _not_done, _verdict
from .closed_form import LOOP_T_MAX, REFRACTORY_NEURON

__all__ = ["N_NEURONS", "check_event_function", "check_reset_loop", "check_threshold_events",
           "solution_event_function", "solution_reset_loop", "solution_threshold_events"]

# --------------------------------------------------------------------------- exercise 3.1

def solution_event_function(t, y):
    """Reference solution of exercise 3.1: the threshold event for solve_ivp.

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


def _event_values(func, name, exercise, state):
    """The event's values at the probe voltages, or a hint (str) if it misbehaves.

    ``state(v)`` builds the array ``y`` that holds v where ``func`` should look.
    """
    values = []
    for t, v in _EVENT_PROBES + ((1.0, LIFParams().v_thresh),):
        y = state(v)
        try:
            out = func(t, y)
        except NotImplementedError as exc:
            return _not_done(exc, exercise) + ": replace the stub with your code."
        except TypeError as exc:
            return (f"calling {name}(t, y) raised TypeError: {exc}. Hint: solve_ivp calls an "
                    "event function with two arguments, the time t and the state array y.")
        except Exception as exc:  # any error in the student's code becomes a hint
            return (f"calling {name}({t:g}, {np.array2string(y)}) raised "
                    f"{type(exc).__name__}: {exc}. Hint: v is y[0].")
        if isinstance(out, (bool, np.bool_)) or (isinstance(out, np.ndarray)
                                                 and out.dtype == bool):
            return (f"it returned a True/False ({bool(np.all(out))} at v = {v:g} mV). Hint: "
                    "solve_ivp locates the zero of a continuous number; return y[0] - v_thresh.")
        if out is None:
            return f"{name} returned None: did it forget to `return`? Hint: return y[0] - v_thresh."
        number, problem = _as_number(out, "mV", "y[0] - v_thresh")
        if problem:
            return (f"at v = {v:g} mV {name} returned {out!r}. Hint: return one number (mV), "
                    "y[0] - v_thresh.")
        values.append(number)
    return values


def _event_problem(func, exercise="3.1", state=lambda v: np.array([v]), name=None):
    """None if ``func`` is a right threshold event, else the hint (without 'Not yet: ')."""
    if not callable(func):
        return (f"got a value of type {type(func).__name__}, not a function. Hint: pass the "
                "function itself, e.g. check_event_function(my_threshold), without calling it.")
    v_thresh = LIFParams().v_thresh
    name = name or getattr(func, "__name__", "your function")
    values = _event_values(func, name, exercise, state)
    if isinstance(values, str):
        return values
    below = [g for (t, v), g in zip(_EVENT_PROBES, values) if v < v_thresh]
    above = [g for (t, v), g in zip(_EVENT_PROBES, values) if v > v_thresh]
    at = values[-1]
    if all(g > 0 for g in below) and all(g < 0 for g in above):
        return ("the sign is flipped: positive below the threshold, negative above. Hint: "
                "return y[0] - v_thresh (and keep direction = 1).")
    if not (all(g < 0 for g in below) and all(g > 0 for g in above)):
        return ("it must be negative for every v below -55 mV and positive above; it gave "
                f"{values[:-1]} at v = {[v for _, v in _EVENT_PROBES]} mV. Hint: y[0] - v_thresh.")
    if abs(at) > 1e-9:
        return (f"at v = v_thresh = {v_thresh:g} mV it gives {at:g}, not 0. Hint: the zero "
                "must be at the threshold: y[0] - v_thresh.")
    if values[1] != values[2]:  # v = -60 mV at t = 3 and at t = 40 ms
        return "it depends on t. Hint: the threshold is a voltage; use y[0] only."
    direction = getattr(func, "direction", None)
    if direction is None or isinstance(direction, (bool, np.bool_)) or direction != 1:
        what = "no direction attribute" if direction is None else f"direction = {direction!r}"
        return (f"the values are right, but it has {what}. Hint: set {name}.direction = 1, "
                "so that only v rising through the threshold counts as a spike (without it, "
                "v falling back below would count too).")
    if getattr(func, "terminal", False) is not True:
        return ("the values and direction are right, but terminal is not True. Hint: set "
                f"{name}.terminal = True, so that solve_ivp stops at the spike and you can "
                "reset v (without it, solve_ivp notes the crossing and carries on).")
    return None


def check_event_function(func) -> bool:
    """Check exercise 3.1: a threshold event function ``func(t, y)`` for solve_ivp.

    ``func`` is called as solve_ivp calls it, with a time (ms) and a state
    array ``y`` whose ``y[0]`` is v (mV), on states below, at and above
    v_thresh = -55 mV. It must return one number that is negative below the
    threshold, zero at it (within 1e-9 mV) and positive above, the same at any
    t; and have ``terminal = True`` and ``direction = 1`` (or +1.0). A stub
    that still raises NotImplementedError is reported as not done yet.

    Examples
    --------
    >>> check_event_function(solution_event_function)
    Right: negative below -55 mV, zero at it, positive above; terminal = True stops solve_ivp at the spike and direction = 1 counts only upward crossings.
    True
    >>> check_event_function(lambda t, y: y[0] >= -55.0)
    Not yet: it returned a True/False (False at v = -70 mV). Hint: solve_ivp locates the zero of a continuous number; return y[0] - v_thresh.
    False
    """
    problem = _event_problem(func)
    if problem:
        return _verdict(False, problem)
    return _verdict(True, f"negative below {LIFParams().v_thresh:g} mV, zero at it, positive "
                          "above; terminal = True stops solve_ivp at the spike and direction = 1 "
                          "counts only upward crossings.")


# --------------------------------------------------------------------------- exercise 3.2

#: Exercise 3.2: the number of neurons, y = [v_0, v_1, v_2] (mV).
N_NEURONS = 3


def solution_threshold_events(n=N_NEURONS, v_thresh=-55.0):
    """Reference solution of exercise 3.2: one terminal, rising threshold event per neuron.

    Event ``i`` watches ``y[i]``. A factory function gives each event its own
    ``i``; a ``lambda t, y: y[i] - v_thresh`` written in a loop would not (it
    reads ``i`` when called, after the loop has ended: all would watch the last
    neuron).

    Examples
    --------
    >>> events = solution_threshold_events()
    >>> [float(g(0.0, np.array([-55.0, -60.0, -70.0]))) for g in events]
    [0.0, -5.0, -15.0]
    """
    def make_threshold(i):
        def threshold(t, y):
            return y[i] - v_thresh
        threshold.terminal, threshold.direction = True, 1
        return threshold
    return [make_threshold(i) for i in range(n)]


def _watched_neuron(func, n):
    """The index of the one neuron whose v moves ``func``'s value, or None."""
    try:
        base = float(func(0.0, np.full(n, -70.0)))
        moved = [float(func(0.0, np.where(np.arange(n) == j, -50.0, -70.0))) != base
                 for j in range(n)]
    except Exception:  # reported by _event_problem, which calls it again
        return None
    return moved.index(True) if moved.count(True) == 1 else None


def check_threshold_events(func) -> bool:
    """Check exercise 3.2: ``func(n)`` returns n threshold events, event i watching y[i].

    Called with n = :data:`N_NEURONS` = 3. Each event must pass the checks of
    exercise 3.1 for its own neuron (the others held at v_rest = -70 mV), with
    ``terminal = True`` and ``direction = 1``. Lambdas made in a loop that all
    watch the last neuron (the late-binding trap) get their own hint.

    Examples
    --------
    >>> check_threshold_events(solution_threshold_events)
    Right: event i watches y[i] for each of the 3 neurons, terminal, rising through -55 mV.
    True
    >>> check_threshold_events(lambda n: [lambda t, y: y[i] + 55.0 for i in range(n)])
    Not yet: all 3 events watch neuron 2: the late-binding trap. A lambda in a loop looks up i when it is called, after the loop, so every one sees the last i. Hint: make each event in a function, def make_threshold(i): ..., and call it in the loop.
    False
    """
    n = N_NEURONS
    events, problem = _call_student(func, (n,), "3.2", "my_events(n)")
    if problem:
        return _verdict(False, problem)
    if callable(events) or isinstance(events, (str, bytes)) or not hasattr(events, "__len__"):
        return _verdict(False, f"it returned a {type(events).__name__}; return a list of "
                               f"{n} event functions, one per neuron.")
    if len(events) != n:
        return _verdict(False, f"my_events({n}) returned {len(events)} events; return {n}, "
                               "one per neuron.")
    watched = [_watched_neuron(f, n) if callable(f) else None for f in events]
    if watched.count(watched[-1]) == n and watched[-1] is not None and n > 1:
        return _verdict(False, f"all {n} events watch neuron {watched[-1]}: the late-binding "
                               "trap. A lambda in a loop looks up i when it is called, after "
                               "the loop, so every one sees the last i. Hint: make each event in "
                               "a function, def make_threshold(i): ..., and call it in the loop.")
    for i, func in enumerate(events):
        def state(v, i=i):
            y = np.full(n, LIFParams().v_rest)
            y[i] = v
            return y
        problem = _event_problem(func, "3.2", state, name=f"event {i}")
        if problem:
            problem = problem.replace("y[0]", f"y[{i}]").replace("v is y[0]", f"v is y[{i}]")
            return _verdict(False, f"event {i}: {problem}")
    return _verdict(True, f"event i watches y[i] for each of the {n} neurons, terminal, rising "
                          f"through {LIFParams().v_thresh:g} mV.")


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

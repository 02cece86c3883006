"""Exercises of notebooks 05 (larger models) and 06 (the capstone).

* 5.1: the reset of the adaptive (v, w) neuron, ``reset(t, y, index)``;
* 6.2: the adaptive neuron with plain ``solve_ivp`` and a restart loop;
* 6.3: a ``max_step`` that keeps solve_ivp from stepping over a 0.2 ms pulse;
* 6.4: one threshold event per neuron, built in a loop (the lambda trap).

The adaptive neuron (units ms, mV, nA, MOhm)::

    tau_m dv/dt = -(v - v_rest) + r_m (i_e - w),    tau_w dw/dt = -w
    at v = v_thresh:  v -> v_reset,  w -> w + b

Each check calls the student's function itself, prints one line, ``Right: ...``
or ``Not yet: ...`` with a hint aimed at the likely mistake, and returns True
or False; it never raises.
"""
from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from ..params import LIFParams
from ..references import (adaptive_reference, pulse_reference, PULSE_ONSETS, PULSE_WIDTH)
from ._student import call_student
from ._verdict import TOL_MS, _as_number, _verdict

__all__ = ["ADAPTIVE_NEURON", "ADAPTIVE_TAU_W", "ADAPTIVE_B", "ADAPTIVE_T_MAX",
           "PULSE_WIDTH", "solution_adaptation_reset", "check_adaptation_reset",
           "solution_adaptive_spike_times", "check_adaptive_spike_times",
           "solution_max_step", "check_max_step", "NETWORK_DRIVES", "solution_thresholds",
           "check_thresholds"]

#: Exercises 5.1 and 6.2: the question's neuron at 20 nA ...
ADAPTIVE_NEURON = LIFParams(i_e=20.0)
#: ... with an adaptation current w that decays with 100 ms ...
ADAPTIVE_TAU_W = 100.0
#: ... and jumps by 2 nA at every spike.
ADAPTIVE_B = 2.0
#: Exercise 6.2: simulated time (ms).
ADAPTIVE_T_MAX = 300.0
_LOOP_SECONDS = 30.0  # a student's loop running longer than this is interrupted

_ZENO_HINT = ("Hint: if the reset leaves v at or above v_thresh, the event fires again at "
              "once and t never moves on: reset v to v_reset, below the threshold, and restart "
              "from the spike time.")


# --------------------------------------------------------------------------- exercise 5.1

def solution_adaptation_reset(t, y, index):
    """Reference solution of exercise 5.1: the state (v, w) just after a spike.

    Examples
    --------
    >>> solution_adaptation_reset(13.9, np.array([-55.0, 0.5]), 0)
    array([-80. ,   2.5])
    """
    v, w = y
    return np.array([ADAPTIVE_NEURON.v_reset, w + ADAPTIVE_B])


def _reset_hint(v_new, w_new, w):
    """The hint for a reset that gave (v_new, w_new) from (v_thresh, w); None if right."""
    p, b = ADAPTIVE_NEURON, ADAPTIVE_B
    if v_new >= p.v_thresh:
        return (f"v after the reset is {v_new:g} mV, not below v_thresh = {p.v_thresh:g} mV: "
                "the event would fire again at once (solve_ivp_with_resets refuses such a "
                f"reset). Hint: set v to v_reset = {p.v_reset:g} mV.")
    if v_new != p.v_reset:
        which = " (that is v_rest)" if v_new == p.v_rest else ""
        return f"v goes to {v_new:g} mV{which}. Hint: the hard reset is to v_reset = {p.v_reset:g} mV."
    if w_new == w:
        return "w did not change. Hint: at each spike w jumps up by b: w + b."
    if np.isclose(w_new, b) and w != 0:
        return f"w became b = {b:g} nA whatever it was. Hint: the jumps add up: w + b."
    if np.isclose(w_new, w - b):
        return "w went down by b. Hint: adaptation grows at each spike: w + b."
    if np.isclose(w_new, w + 1000.0 * b) or np.isclose(w_new, w + b / 1000.0):
        return f"w jumped by {w_new - w:g}. Hint: b = {b:g} is already in nA; add it as it is."
    if not np.isclose(w_new, w + b):
        return f"from w = {w:g} nA the reset gave w = {w_new:g}. Hint: w + b, with b = {b:g} nA."
    return None


def check_adaptation_reset(func) -> bool:
    """Check exercise 5.1: ``func(t, y, index)`` returns (v, w) just after a spike.

    Called with v at the threshold and several w; the new state must be
    ``[v_reset, w + b]`` (-80 mV; b = 2 nA). Then the reset runs in
    :func:`lifutils.solve_ivp_with_resets` for 500 ms and the spike times are
    compared with the exact ones (:func:`lifutils.references.adaptive_reference`).

    Examples
    --------
    >>> check_adaptation_reset(solution_adaptation_reset)
    Right: v -> v_reset and w -> w + b; in solve_ivp_with_resets its 14 spikes in 500 ms match the exact ones to 7.3e-08 ms.
    True
    >>> check_adaptation_reset(lambda t, y, index: np.array([-80.0, y[1]]))
    Not yet: w did not change. Hint: at each spike w jumps up by b: w + b.
    False
    """
    from ..resets import solve_ivp_with_resets  # the check runs the student's reset for real

    p = ADAPTIVE_NEURON
    for w in (0.0, 1.25, 5.5):
        new, problem = call_student(func, (20.0, np.array([p.v_thresh, w]), 0),
                                    exercise="5.1", name="my_reset")
        if problem:
            return _verdict(False, problem)
        if new is None:
            return _verdict(False, "it returned None: did it forget to `return` the new state?")
        try:
            state = np.asarray(new, dtype=float).ravel()
        except (TypeError, ValueError):
            return _verdict(False, f"it returned {new!r}. Hint: return the new state as two "
                                   "numbers, [v_reset, w + b].")
        if state.size != 2:
            return _verdict(False, f"it returned {state.size} number(s). Hint: the state has two "
                                   "variables; return both, [v_reset, w + b].")
        hint = _reset_hint(state[0], state[1], w)
        if hint:
            return _verdict(False, hint)
    sol = solve_ivp_with_resets(_adaptive_rhs, (0.0, 500.0), [p.v_rest, 0.0],
                                events=_threshold_event(), reset=func, rtol=1e-10, atol=1e-10)
    exact = adaptive_reference(p, 500.0, tau_w=ADAPTIVE_TAU_W, b=ADAPTIVE_B)
    gap = float(np.max(np.abs(sol.t_events[0] - exact)))
    return _verdict(True, f"v -> v_reset and w -> w + b; in solve_ivp_with_resets its "
                          f"{len(exact)} spikes in 500 ms match the exact ones to "
                          f"{gap:.1e} ms.")


def _adaptive_rhs(t, y):
    p = ADAPTIVE_NEURON
    v, w = y
    return [(-(v - p.v_rest) + p.r_m * (p.i_e - w)) / p.tau_m, -w / ADAPTIVE_TAU_W]


def _threshold_event():
    def threshold(t, y):
        return y[0] - ADAPTIVE_NEURON.v_thresh
    threshold.terminal, threshold.direction = True, 1
    return threshold


# --------------------------------------------------------------------------- exercise 6.2

def solution_adaptive_spike_times(params=ADAPTIVE_NEURON, tau_w=ADAPTIVE_TAU_W, b=ADAPTIVE_B,
                                  t_max=ADAPTIVE_T_MAX):
    """Reference solution of exercise 6.2: spike times (ms) of the adaptive neuron.

    Plain solve_ivp with a terminal threshold event; after each spike, v goes
    to v_reset and w up by b, and the solver restarts from the spike time.

    Examples
    --------
    >>> solution_adaptive_spike_times(t_max=100.0).round(3)
    array([13.863, 35.445, 61.555, 92.615])
    """
    p = params

    def rhs(t, y):
        v, w = y
        return [(-(v - p.v_rest) + p.r_m * (p.i_e - w)) / p.tau_m, -w / tau_w]

    def threshold(t, y):
        return y[0] - p.v_thresh
    threshold.terminal = True
    threshold.direction = 1

    t, y, spike_times = 0.0, [p.v_rest, 0.0], []
    for _ in range(10_000):  # a bound, so that a wrong reset cannot loop forever
        sol = solve_ivp(rhs, (t, t_max), y, events=threshold, rtol=1e-8, atol=1e-8)
        if sol.status != 1:  # reached t_max without a spike
            break
        t = sol.t_events[0][0]
        v, w = sol.y_events[0][0]
        spike_times.append(t)
        y = [p.v_reset, w + b]  # the reset: both variables jump
    return np.array(spike_times)


def _near_train(times, other, tol):
    return len(times) == len(other) and bool(np.all(np.abs(times - other) <= tol))


def _loop_hint(times, exact):
    """The hint for adaptive spike times that are not the exact ones."""
    p, tau_w, b, t_max = ADAPTIVE_NEURON, ADAPTIVE_TAU_W, ADAPTIVE_B, ADAPTIVE_T_MAX
    if times.size == 0:
        return ("no spikes. Hint: does the threshold event have terminal = True and "
                "direction = 1, and do you record sol.t_events[0][0] when sol.status == 1?")
    if np.any(np.diff(times) <= 1e-9):
        return ("the same spike comes more than once (times not strictly increasing). "
                + _ZENO_HINT)
    wrong = [(adaptive_reference(p, t_max, tau_w=tau_w, b=0.0),
              "these are the spikes without adaptation: w never acts. Hint: subtract w from "
              "i_e in dv/dt, and add b to w at each reset."),
             (adaptive_reference(p, t_max, tau_w=tau_w, b=-b),
              "the neuron speeds up: w adds to the input. Hint: tau_m dv/dt = -(v - v_rest) "
              "+ r_m (i_e - w), and w -> w + b."),
             (adaptive_reference(p, t_max, tau_w=tau_w, b=b, w_to_b=True),
              "w is set to b at each spike, so the jumps do not add up. Hint: w -> w + b."),
             (adaptive_reference(p.replace(v_reset=p.v_rest), t_max, tau_w=tau_w, b=b),
              f"v restarts from v_rest. Hint: reset v to v_reset = {p.v_reset:g} mV.")]
    for other, hint in wrong:
        if _near_train(times, other, 0.05):
            return hint
    if times.size != exact.size:
        return (f"{times.size} spikes, but there are {exact.size} in {t_max:g} ms (exact: "
                f"{np.round(exact, 2).tolist()}). Hint: restart from the spike time with "
                "v = v_reset and w + b, until t_max.")
    error = float(np.max(np.abs(times - exact)))
    if error < 0.5:
        return (f"the right number of spikes, but off by up to {error:.2g} ms. Hint: solve_ivp's "
                "default rtol = 1e-3 is too loose for spike times; pass rtol=1e-8, atol=1e-8.")
    return (f"the right number of spikes, but off by up to {error:.3g} ms (exact: "
            f"{np.round(exact, 2).tolist()}). Hint: start at v_rest with w = 0, and take w "
            "from the state at the spike (sol.y_events[0][0]).")


def check_adaptive_spike_times(func, *, time_limit=_LOOP_SECONDS) -> bool:
    """Check exercise 6.2: ``func(params, tau_w, b, t_max)`` returns the spike times (ms).

    Called with :data:`ADAPTIVE_NEURON`, :data:`ADAPTIVE_TAU_W`,
    :data:`ADAPTIVE_B` and :data:`ADAPTIVE_T_MAX`; right when the count matches
    the exact spike times (:func:`lifutils.references.adaptive_reference`) and
    each is within :data:`TOL_MS` = 0.001 ms. A call running longer than
    ``time_limit`` seconds is interrupted (a restart loop that never moves on).

    Examples
    --------
    >>> check_adaptive_spike_times(solution_adaptive_spike_times)
    Right: all 9 spike times within 0.001 ms of the exact ones (largest error 2.4e-06 ms); the intervals lengthen from 21.6 to 39.6 ms.
    True
    """
    p = ADAPTIVE_NEURON
    value, problem = call_student(func, (p, ADAPTIVE_TAU_W, ADAPTIVE_B, ADAPTIVE_T_MAX),
                                  exercise="6.2", name="my_adaptive_spike_times",
                                  time_limit=time_limit, too_long_hint=_ZENO_HINT)
    if problem:
        return _verdict(False, problem)
    if value is None:
        return _verdict(False, "got None: did your function forget to `return` the spike times?")
    try:
        times = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return _verdict(False, f"got a value of type {type(value).__name__}; return a list or "
                               "1-D array of spike times in ms.")
    if times.ndim != 1 or not np.all(np.isfinite(times)):
        return _verdict(False, "return a flat list or 1-D array of finite spike times in ms.")
    exact = adaptive_reference(p, ADAPTIVE_T_MAX, tau_w=ADAPTIVE_TAU_W, b=ADAPTIVE_B)
    if _near_train(times, exact, TOL_MS):
        error = float(np.max(np.abs(times - exact)))
        isi = np.diff(exact)
        return _verdict(True, f"all {len(exact)} spike times within {TOL_MS:g} ms of the exact "
                              f"ones (largest error {error:.1e} ms); the intervals "
                              f"lengthen from {isi[0]:.1f} to {isi[-1]:.1f} ms.")
    return _verdict(False, _loop_hint(times, exact))


# --------------------------------------------------------------------------- exercise 6.3

def solution_max_step():
    """Reference solution of exercise 6.3: a max_step (ms) no longer than the pulse.

    Examples
    --------
    >>> solution_max_step() <= PULSE_WIDTH
    True
    """
    return 0.1


def check_max_step(func) -> bool:
    """Check exercise 6.3: ``func()`` returns a ``max_step`` (ms) that catches a 0.2 ms pulse.

    The neuron sits at -56 mV, 1 mV under the threshold, when a 0.2 ms pulse
    of 100 nA lifts it over the threshold (:func:`lifutils.references.
    pulse_reference`). Right when ``0.01 <= max_step <= 0.2`` ms: no step is
    then longer than the pulse, and the spike is found at each of the pulse
    onsets :data:`lifutils.references.PULSE_ONSETS`. Longer steps are tried at
    every onset, to show what they miss.

    Examples
    --------
    >>> check_max_step(solution_max_step)
    Right: with max_step = 0.1 ms no step is longer than the 0.2 ms pulse; the spike at 10.10 ms is found (exact 10.10 ms).
    True
    """
    value, problem = call_student(func, (), exercise="6.3", name="my_max_step")
    if problem:
        return _verdict(False, problem)
    step, problem = _as_number(value, "ms", "0.1")
    if problem:
        return _verdict(False, problem)
    if step <= 0:
        return _verdict(False, f"max_step = {step:g}: it must be a positive time step, in ms.")
    if step < 0.01:
        return _verdict(False, f"max_step = {step:g} ms is {PULSE_WIDTH / step:.0f} steps per "
                               "pulse: it works, slowly. Hint: is it in seconds? max_step is in "
                               f"ms, like t; a step as long as the pulse ({PULSE_WIDTH:g} ms) is enough.")
    if step > PULSE_WIDTH:
        found = [pulse_reference(onset, max_step=step)[0] is not None for onset in PULSE_ONSETS]
        missed = len(found) - sum(found)
        if missed:
            return _verdict(False, f"with max_step = {step:g} ms the spike was missed for {missed} "
                                   f"of {len(found)} pulse onsets: a step longer than the "
                                   f"pulse can jump over it. Hint: max_step <= {PULSE_WIDTH:g} ms.")
        return _verdict(False, f"max_step = {step:g} ms caught all {len(found)} pulses tried, "
                               "but a step longer than the pulse may still jump over it at "
                               f"other onsets. Hint: max_step <= {PULSE_WIDTH:g} ms.")
    onset = PULSE_ONSETS[0]
    found, exact = pulse_reference(onset, max_step=step)
    if found is None:  # cannot happen with steps shorter than the pulse; say so if it does
        return _verdict(False, f"max_step = {step:g} ms still missed the spike.")
    return _verdict(True, f"with max_step = {step:g} ms no step is longer than the "
                          f"{PULSE_WIDTH:g} ms pulse; the spike at {found:.2f} ms is found "
                          f"(exact {exact:.2f} ms).")


# --------------------------------------------------------------------------- exercise 6.4

#: Exercise 6.4: four uncoupled neurons (nA), the drives of notebook 05's network.
NETWORK_DRIVES = (18.0, 20.0, 22.0, 24.0)


def solution_thresholds(n, v_thresh):
    """Reference solution of exercise 6.4: ``n`` events, event i zero when ``y[i] = v_thresh``.

    Each event is made by a function call, which fixes its own ``i``; a
    ``lambda t, y: y[i] - v_thresh`` written in the loop would look ``i`` up
    only when called, after the loop, and all would watch the last neuron.

    Examples
    --------
    >>> events = solution_thresholds(3, -55.0)
    >>> [float(e(0.0, np.array([-60.0, -55.0, -50.0]))) for e in events]
    [-5.0, 0.0, 5.0]
    """
    def make(i):
        def event(t, y):
            return y[i] - v_thresh
        event.direction = 1
        return event
    return [make(i) for i in range(n)]


def _event_values(events, v):
    """Each event at state ``v``: (values, problem)."""
    values = []
    for k, event in enumerate(events):
        value, problem = call_student(event, (0.0, v.copy()), exercise="6.4", name=f"event {k}")
        if problem:
            return None, problem
        number, problem = _as_number(value, "mV", "y[i] - v_thresh")
        if problem:
            return None, f"event {k}: {problem}"
        values.append(number)
    return values, None


def _thresholds_hint(events, n, v_thresh):
    """Why ``events`` are not n thresholds, one per neuron; None if they are."""
    if not isinstance(events, (list, tuple)) or not all(callable(e) for e in events):
        return "return a list of event functions, one per neuron."
    if len(events) != n:
        return f"got {len(events)} events for {n} neurons. Hint: one event per neuron."
    for i in range(n):  # neuron i alone above the threshold, by i + 1 mV
        v = np.full(n, v_thresh - 10.0)
        v[i] = v_thresh + i + 1.0
        values, problem = _event_values(events, v)
        if problem:
            return problem
        want = v - v_thresh
        if not np.allclose(values, want):
            last = v[n - 1] - v_thresh
            if np.allclose(values, last) and i != n - 1:
                return ("every event watches the last neuron: the lambda late-binding trap "
                        "(a lambda in a loop looks i up when called, after the loop). Hint: "
                        "make each event in a function call, or write lambda t, y, i=i: ...")
            return (f"with only neuron {i} above the threshold the events gave "
                    f"{np.round(values, 3).tolist()}, not {want.tolist()}. Hint: event i "
                    "returns y[i] - v_thresh.")
    directions = [getattr(e, "direction", 0) for e in events]
    if any(d != 1 or isinstance(d, bool) for d in directions):
        return (f"the directions are {directions}. Hint: set event.direction = 1 on each "
                "event, so that only v rising through the threshold counts.")
    return None


def check_thresholds(func) -> bool:
    """Check exercise 6.4: ``func(n, v_thresh)`` returns n threshold events, one per neuron.

    Called with n = 4 and v_thresh = -55 mV; event i must return
    ``y[i] - v_thresh`` and have ``direction = 1``. Then the events run the four
    uncoupled neurons of :data:`NETWORK_DRIVES` in
    :func:`lifutils.solve_ivp_with_resets` for 300 ms, compared with the closed form.

    Examples
    --------
    >>> check_thresholds(solution_thresholds)
    Right: event i watches neuron i; the four neurons' 70 spikes match the closed form to 1.1e-08 ms.
    True
    >>> check_thresholds(lambda n, v_thresh: [lambda t, y: y[i] - v_thresh for i in range(n)])
    Not yet: every event watches the last neuron: the lambda late-binding trap (a lambda in a loop looks i up when called, after the loop). Hint: make each event in a function call, or write lambda t, y, i=i: ...
    False
    """
    from ..analytic import exact_spike_times
    from ..resets import solve_ivp_with_resets

    p, n = ADAPTIVE_NEURON, len(NETWORK_DRIVES)
    events, problem = call_student(func, (n, p.v_thresh), exercise="6.4", name="my_thresholds")
    if problem:
        return _verdict(False, problem)
    hint = _thresholds_hint(events, n, p.v_thresh)
    if hint:
        return _verdict(False, hint)
    drives = np.array(NETWORK_DRIVES)

    def reset(t, v, index):
        v = v.copy()
        v[index] = p.v_reset
        return v
    run = solve_ivp_with_resets(lambda t, v: (-(v - p.v_rest) + p.r_m * drives) / p.tau_m,
                                (0.0, 300.0), np.full(n, p.v_rest), events=list(events),
                                reset=reset, rtol=1e-10, atol=1e-10)
    exact = [exact_spike_times(p.replace(i_e=d), 300.0) for d in drives]
    gap = max(float(np.max(np.abs(got - want))) for got, want in zip(run.t_events, exact))
    total = sum(len(t) for t in exact)
    return _verdict(True, f"event i watches neuron i; the four neurons' {total} spikes match "
                          f"the closed form to {gap:.1e} ms.")

"""Exercises of notebook 03: the threshold event (3.1), the loop with ``t_eval`` (3.2) and one
event per neuron (3.3, in the Bonus).

Each ``check_*`` runs the student's code safely (:func:`lifutils.exercises.judge`),
prints ``Right: ...`` or ``Not yet: ...`` with a hint, and returns True or False;
it never raises and never hangs. An event is judged by what solve_ivp does with
it: its values on states below, at and above the threshold (on a copy of the
state, which it must not change), its ``terminal`` and ``direction``, and then
a real solve_ivp run whose event time is compared with the closed form.
"""
from __future__ import annotations

import numbers

import numpy as np
from scipy.integrate import solve_ivp

from ..analytic import first_spike_time
from ..params import LIFParams
from ._student import StudentError, judge, not_callable, observe
from .answers import TOL_MS, as_number, is_one

__all__ = ["N_NEURONS", "check_event_function", "check_threshold_events", "GRID_CASES", "GRID_STEP",
           "check_grid_loop"]

_V_THRESH = LIFParams().v_thresh  # -55 mV
_V_REST = LIFParams().v_rest      # -70 mV
# (t in ms, v in mV) at which an event function is probed: below and above
# v_thresh = -55 mV, -60 mV at two different times.
_EVENT_PROBES = ((0.0, -70.0), (3.0, -60.0), (40.0, -60.0), (50.0, -56.0), (7.0, -50.0),
                 (80.0, -40.0), (12.5, -54.9))
_EVENT_TOL_MS = 1e-6  # a right event, at rtol = atol = 1e-10, finds the spike this close


def _terminal_problem(terminal, name):
    """None for terminal = True or 1 (scipy >= 1.12: stop after one event), else a hint."""
    if terminal is True or isinstance(terminal, np.bool_) and bool(terminal) or is_one(terminal):
        return None
    if terminal is None or terminal is False or (isinstance(terminal, np.bool_)):
        return (f"the values and direction are right, but {name} has no terminal = True. Hint: "
                f"set {name}.terminal = True, so that solve_ivp stops at the spike and you can "
                "reset v (without it, solve_ivp notes the crossing and carries on).")
    if isinstance(terminal, numbers.Integral) and terminal > 1:
        return (f"terminal = {terminal} stops solve_ivp only after {terminal} events, so the "
                "reset would come too late. Hint: terminal = True (or 1).")
    return f"terminal = {terminal!r}. Hint: set {name}.terminal = True."


def _event_values(func, name, state):
    """The event's values at the probe voltages, or raise StudentError with the hint."""
    values = []
    for t, v in _EVENT_PROBES + ((1.0, _V_THRESH),):
        y = state(v)
        seen = y.copy()
        out = func(t, y)
        if not np.array_equal(y, seen):
            raise StudentError(f"{name} changed the state y it was given (v went from {v:g} to "
                               f"{np.ravel(y)[np.argmax(y != seen)]:g} mV). solve_ivp passes "
                               "its own state; an event must only read it. Hint: return "
                               "y[0] - v_thresh without `-=` or `=` on y.")
        if isinstance(out, (bool, np.bool_)) or (isinstance(out, np.ndarray)
                                                 and out.dtype == bool):
            raise StudentError(f"{name} returned a True/False ({bool(np.all(out))} at v = {v:g} "
                               "mV). Hint: solve_ivp locates the zero of a continuous number; "
                               "return y[0] - v_thresh.")
        if out is None:
            raise StudentError(f"{name} returned None: did it forget to `return`? Hint: return "
                               "y[0] - v_thresh.")
        number, problem = as_number(out, "mV", "y[0] - v_thresh")
        if problem:
            raise StudentError(f"at v = {v:g} mV {name} returned {str(out)[:40]}. Hint: return "
                               "one number (mV), y[0] - v_thresh.")
        values.append(number)
    return values


def _is_minus_one(value):
    return is_one(-value) if isinstance(value, numbers.Real) else False


def _event_problem(func, name, state, watched=0, attributes=True, code=None):
    """None if ``func`` is a right threshold event for y[watched], else the hint.

    A falling event, ``v_thresh - y[watched]`` with ``direction = -1``, is right too.
    ``code`` is the name to write in code hints (``code.direction = 1``).
    """
    code = code or name
    if not callable(func):
        return not_callable(func, name)
    values = _event_values(func, name, state)
    below = [g for (t, v), g in zip(_EVENT_PROBES, values) if v < _V_THRESH]
    above = [g for (t, v), g in zip(_EVENT_PROBES, values) if v > _V_THRESH]
    at = values[-1]
    if values[1] != values[2]:  # v = -60 mV at t = 3 and at t = 40 ms
        return f"{name} depends on t. Hint: the threshold is a voltage; use y[{watched}] only."
    direction = getattr(func, "direction", None)
    flipped = all(g > 0 for g in below) and all(g < 0 for g in above)
    if flipped and not _is_minus_one(direction):
        what = "no direction" if direction is None else f"direction = {direction!r}"
        return (f"the sign is flipped: positive below the threshold, negative above, with {what}, "
                "so solve_ivp would not stop where v rises through the threshold. Hint: return "
                f"y[{watched}] - v_thresh with direction = 1 (or keep v_thresh - y[{watched}] "
                "and set direction = -1: then the event falls through zero as v rises).")
    if flipped:
        values = [-g for g in values]
        below, above = [-g for g in below], [-g for g in above]
    if not (all(g < 0 for g in below) and all(g > 0 for g in above)):
        return (f"{name} must be negative for every v below -55 mV and positive above; it gave "
                f"{[round(g, 4) for g in values[:-1]]} at v = {[v for _, v in _EVENT_PROBES]} mV. "
                f"Hint: y[{watched}] - v_thresh.")
    if abs(at) > 1e-9:
        return (f"at v = v_thresh = {_V_THRESH:g} mV {name} gives {at:g}, not 0. Hint: the zero "
                f"must be at the threshold: y[{watched}] - v_thresh.")
    slope = [g / (v - _V_THRESH) for (t, v), g in zip(_EVENT_PROBES, values)]
    if max(slope) > 1000 * min(slope):
        return (f"{name} is not y[{watched}] - v_thresh: its values {values[:-1]} bend. Hint: "
                "a straight difference lets solve_ivp find the zero quickly.")
    if not attributes:
        return None
    if not (is_one(direction) or flipped):
        what = "no direction attribute" if direction is None else f"direction = {direction!r}"
        return (f"the values are right, but {name} has {what}. Hint: set {code}.direction = 1, "
                "so that only v rising through the threshold counts as a spike (without it, "
                "v falling back below would count too).")
    return _terminal_problem(getattr(func, "terminal", None), code)


def _run_problem(event, name):
    """Run the question's neuron at 20 nA with ``event``; None if the spike is where it must be."""
    p = LIFParams(i_e=20.0)

    def lif(t, y):
        return (-(y - p.v_rest) + p.r_m * p.i_e) / p.tau_m
    sol = solve_ivp(lif, (0.0, 100.0), [p.v_rest], events=event, rtol=1e-10, atol=1e-10)
    exact = first_spike_time(p)
    found = sol.t_events[0]
    if sol.status != 1 or found.size != 1 or abs(found[0] - exact) > _EVENT_TOL_MS:
        return (f"in solve_ivp {name} gave events at {np.round(found, 4).tolist()} ms and "
                f"status {sol.status}; the spike is at {exact:.4f} ms. Hint: y[0] - v_thresh, "
                "terminal = True, direction = 1.")
    return None


def _judge_event(func):
    name = getattr(func, "__name__", "my_threshold")
    name = "my_threshold" if name == "<lambda>" else name
    problem = _event_problem(func, name, lambda v: np.array([v]))
    if problem is None:
        problem = _run_problem(func, name)
    if problem:
        return False, problem
    if _is_minus_one(getattr(func, "direction", None)):
        return True, (f"positive below {_V_THRESH:g} mV, zero at it, negative above, with "
                      "direction = -1: your event falls through zero exactly when v rises "
                      "through the threshold, as good as y[0] - v_thresh with direction = 1; "
                      "terminal stops solve_ivp at the spike, and in solve_ivp it finds the "
                      f"first spike within {_EVENT_TOL_MS:g} ms of the exact one.")
    return True, (f"negative below {_V_THRESH:g} mV, zero at it, positive above; terminal "
                  "stops solve_ivp at the spike and direction = 1 counts only upward "
                  f"crossings; in solve_ivp it finds the first spike within {_EVENT_TOL_MS:g} ms "
                  "of the exact one.")


def check_event_function(func, *, time_limit=None) -> bool:
    """Check exercise 3.1: a threshold event function ``func(t, y)`` for solve_ivp.

    ``func`` is called as solve_ivp calls it, with a time (ms) and a state
    array ``y`` whose ``y[0]`` is v (mV), on states below, at and above
    v_thresh = -55 mV. It must return one number that is negative below the
    threshold, zero at it (within 1e-9 mV) and positive above, the same at any
    t, and leave ``y`` as it was; have ``terminal`` True (or 1) and
    ``direction = 1``. Then solve_ivp runs the 20 nA neuron with it and the
    event must be the exact first spike within 1e-6 ms.

    Examples
    --------
    >>> check_event_function(lambda t, y: y[0] >= -55.0)
    Not yet: my_threshold returned a True/False (False at v = -70 mV). Hint: solve_ivp locates the zero of a continuous number; return y[0] - v_thresh.
    False
    """
    return judge(_judge_event, func, exercise="3.1", name="my_threshold",
                 task="write the event function yourself",
                 hint="solve_ivp calls an event with two arguments, the time t and the state y: "
                      "once at t0 with y0 exactly as it was passed to solve_ivp (a list, "
                      "[v_rest]), then with numpy arrays; v is y[0] either way, so return "
                      "y[0] - v_thresh, one number.", time_limit=time_limit)[0]


# --------------------------------------------------------------------------- exercise 3.3

#: Exercise 3.3: the numbers of neurons the student's function is asked for.
N_NEURONS = (3, 5)


def _watched_neuron(func, n):
    """The index of the one neuron whose v moves ``func``'s value, or None."""
    try:
        base = float(func(0.0, np.full(n, -70.0)))
        moved = [float(func(0.0, np.where(np.arange(n) == j, -50.0, -70.0))) != base
                 for j in range(n)]
    except Exception:  # reported by _event_problem, which calls it again
        return None
    return moved.index(True) if moved.count(True) == 1 else None


def _judge_events(func):
    if not callable(func):
        raise StudentError(not_callable(func, "my_events"))
    for n in N_NEURONS:
        events = func(n)
        if callable(events) or isinstance(events, (str, bytes)) or not hasattr(events, "__len__"):
            return False, (f"my_events({n}) returned a {type(events).__name__}; return a list "
                           f"of {n} event functions, one per neuron.")
        events = list(events)
        if len(events) != n:
            return False, (f"my_events({n}) returned {len(events)} events; return {n}, one per "
                           "neuron.")
        watched = [_watched_neuron(f, n) if callable(f) else None for f in events]
        if watched.count(n - 1) == n:
            made = getattr(events[0], "__name__", "<lambda>")
            what = ("A lambda in a loop" if made == "<lambda>" else
                    f"A function defined in a loop (def {made}) ")
            return False, (f"all {n} events watch neuron {n - 1}, the last: the late-binding "
                           f"trap. {what.strip()} looks up i when it is called, after the "
                           "loop, so every one sees the last i. Hint: make each event in a "
                           "function, def make_threshold(i): ..., and call it in the loop.")
        if watched.count(watched[0]) == n and watched[0] is not None:
            return False, (f"all {n} events watch neuron {watched[0]}. Hint: event i must "
                           "return y[i] - v_thresh, with its own i.")
        if all(w is not None for w in watched):
            shift = {(w - i) % n for i, w in enumerate(watched)}
            if len(shift) == 1 and shift != {0}:
                k = shift.pop()
                return False, (f"event i watches neuron i{(k if k <= n // 2 else k - n):+d}: off "
                               "by one. Hint: event 0 watches y[0], event i watches y[i].")
        for i, event in enumerate(events):
            def state(v, i=i):
                y = np.full(n, _V_REST)
                y[i] = v
                return y
            problem = _event_problem(event, f"event {i}", state, watched=i, attributes=False)
            if problem is None:
                problem = _crowd_problem(event, i, n)
            if problem:
                return False, (f"with {n} neurons, {problem}" if n != N_NEURONS[0] else problem)
        problem = _attributes_problem(events)
        if problem:
            return False, problem
    return True, (f"event i watches y[i] for each of {N_NEURONS[0]} and of {N_NEURONS[1]} "
                  f"neurons, terminal, rising through {_V_THRESH:g} mV.")


def _crowd_problem(event, i, n):
    """None if event i ignores the other neurons when several are raised at once."""
    for mine, others in ((-60.0, -50.0), (-50.0, -60.0), (-58.0, -40.0)):
        y = np.full(n, others)
        y[i] = mine
        value, problem = as_number(event(0.0, y.copy()), "mV", "y[i] - v_thresh")
        if problem:
            return f"event {i}: {problem}"
        want = mine - _V_THRESH
        if not (abs(value - want) <= 1e-9 or abs(value + want) <= 1e-9):
            return (f"event {i} reads the other neurons too: with neuron {i} at {mine:g} mV and "
                    f"the others at {others:g} mV it gave {value:g}, not {want:g}. Hint: event i "
                    "reads only its own neuron, y[i] - v_thresh (np.max(y) or a sum mixes the "
                    "neurons: any neuron crossing would stop them all).")
    return None


def _attributes_problem(events):
    """Every missing terminal and direction at once, in code the student can paste."""
    names = [getattr(e, "__name__", "<lambda>") for e in events]
    code = next((m for m in names if m != "<lambda>"), None)
    no_direction = [i for i, e in enumerate(events)
                    if not (is_one(getattr(e, "direction", None))
                            or _is_minus_one(getattr(e, "direction", None)))]
    no_terminal = [i for i, e in enumerate(events)
                   if _terminal_problem(getattr(e, "terminal", None), "e") is not None]
    if not (no_direction or no_terminal):
        return None
    parts = []
    if no_terminal:
        parts.append(f"no terminal = True on event{'s' if len(no_terminal) > 1 else ''} "
                     f"{', '.join(map(str, no_terminal))}")
    if no_direction:
        parts.append(f"no direction = 1 on event{'s' if len(no_direction) > 1 else ''} "
                     f"{', '.join(map(str, no_direction))}")
    if code:
        how = (f"inside the function that makes them, after def {code}(t, y): ..., write "
               f"`{code}.terminal = True` and `{code}.direction = 1`")
    else:
        how = ("give each event both before you return the list: `for event in events: "
               "event.terminal = True; event.direction = 1`")
    return (f"the values are right, but there is {' and '.join(parts)}. Hint: {how} (terminal "
            "stops solve_ivp at the spike; direction = 1 counts only v rising).")


def check_threshold_events(func, *, time_limit=None) -> bool:
    """Check exercise 3.3: ``func(n)`` returns n threshold events, event i watching y[i].

    Called with each n of :data:`N_NEURONS`. Each event must pass the checks of
    exercise 3.1 for its own neuron (the others held at v_rest = -70 mV), with
    ``terminal`` True (or 1) and ``direction = 1``. Lambdas made in a loop that all
    watch the last neuron (the late-binding trap), events that all watch one
    other neuron, and events off by one each get their own hint.

    Examples
    --------
    >>> check_threshold_events(lambda n: [lambda t, y: y[i] + 55.0 for i in range(n)])
    Not yet: all 3 events watch neuron 2, the last: the late-binding trap. A lambda in a loop looks up i when it is called, after the loop, so every one sees the last i. Hint: make each event in a function, def make_threshold(i): ..., and call it in the loop.
    False
    """
    return judge(_judge_events, func, exercise="3.3", name="my_events",
                 task="write the events yourself",
                 hint="my_events(n) returns a list of n functions event(t, y), event i "
                      "reading y[i].", time_limit=time_limit)[0]


# --------------------------------------------------------------------------- exercise 3.2

#: Exercise 3.2: (i_e in nA, t_max in ms) the repaired loop is run with.
GRID_CASES = ((20.0, 100.0), (27.5, 150.0))
#: Exercise 3.2: the loop stores its trace every GRID_STEP ms (t_eval).
GRID_STEP = 0.5


def _grid_loop(i_e, t_max, *, spike_time):
    """The loop of exercise 3.2, restarting at ``spike_time(sol)``: the broken one or not."""
    p = LIFParams(i_e=i_e)

    def threshold(t, y):
        return y[0] - p.v_thresh
    threshold.terminal, threshold.direction = True, 1
    t0, v0, spikes = 0.0, p.v_rest, []
    while t0 < t_max and len(spikes) < 1000:
        grid = np.arange(np.ceil(t0 / GRID_STEP) * GRID_STEP, t_max, GRID_STEP)
        sol = solve_ivp(lambda t, y: (-(y - p.v_rest) + p.r_m * p.i_e) / p.tau_m, (t0, t_max),
                        [v0], events=threshold, t_eval=grid, rtol=1e-8, atol=1e-8)
        if sol.status != 1:
            break
        t0, v0 = spike_time(sol), p.v_reset
        spikes.append(t0)
    return np.array(spikes)


def _grid_hint(times, i_e, t_max, loose):
    """None if ``times`` are the exact spike times at ``i_e`` over ``t_max``, else the hint."""
    from ..analytic import exact_spike_times

    p = LIFParams(i_e=i_e)
    exact = exact_spike_times(p, t_max)

    def same(other, tol):
        return times.size == other.size and bool(np.all(np.abs(times - other) <= tol))
    if same(exact, TOL_MS):
        return None
    if times.size == 0:
        return "no spikes. Hint: keep the loop; repair only the line that takes the spike time."
    if same(_grid_loop(i_e, t_max, spike_time=lambda sol: sol.t[-1]), 1e-6) or (
            np.all(np.abs(times / GRID_STEP - np.round(times / GRID_STEP)) < 1e-9)):
        return (f"every spike time is on the {GRID_STEP:g} ms storage grid: that is sol.t[-1], the "
                "last t_eval point before the event, up to half a millisecond early (and the "
                "restart from there shifts every later spike). Hint: the event time is "
                "sol.t_events[0][0].")
    if times.size == 1 and abs(times[0] - exact[0]) <= TOL_MS:
        return "only the first spike. Hint: the loop must restart after each spike until t_max."
    if same(exact_spike_times(p.replace(v_reset=p.v_rest), t_max), 1e-3):
        return f"these are spikes with a reset to v_rest. Hint: restart from v_reset = {p.v_reset:g} mV."
    for digits in (0, 1, 2, 3):
        if (same(exact, 0.5 * 10.0 ** -digits) and np.allclose(times, np.round(times, digits),
                                                                rtol=0, atol=1e-9)):
            places = "whole ms" if digits == 0 else f"{digits} decimal place{'s' * (digits > 1)}"
            return (f"every spike time is rounded to {places}, which moves it by "
                    f"up to {0.5 * 10.0 ** -digits:g} ms (the check accepts {TOL_MS:g} ms). Hint: "
                    "return the times as sol.t_events gives them, without round().")
    if same(exact, 0.5):
        why = ("keep rtol=1e-8, atol=1e-8; solve_ivp's default rtol = 1e-3 is too loose."
               if loose else "take each time from sol.t_events[0][0] and restart from it with "
               "v = v_reset, as the loop does.")
        return (f"the right number of spikes, but off by up to "
                f"{float(np.max(np.abs(times - exact))):.2g} ms (more than {TOL_MS:g} ms). Hint: "
                + why)
    return (f"{times.size} spikes, where the repaired loop has {exact.size}. Hint: restart from "
            "the spike time, sol.t_events[0][0], with v = v_reset, until t_max.")


def _judge_grid(func):
    if not callable(func):
        raise StudentError(not_callable(func, "my_grid_spike_times"))
    from .answers import as_times

    for k, (i_e, t_max) in enumerate(GRID_CASES):
        out = func(i_e, t_max)
        seen = observe("solve_ivp")
        if isinstance(out, list) and out and all(isinstance(x, np.ndarray) and x.size == 1
                                                 for x in out):
            return False, ("each spike time is an array of one number: sol.t_events[0] is the "
                           "array of event 0's times. Hint: t_spike = sol.t_events[0][0], its "
                           "first time, one number.")
        times, problem = as_times(out, "my_grid_spike_times")
        if problem:
            return False, problem
        if seen["calls"] == 0:
            return False, ("my_grid_spike_times did not call solve_ivp. Hint: exercise 3.2 "
                           "repairs the loop as it is, with solve_ivp, its threshold event and "
                           "its t_eval grid; change only the line that takes the spike time.")
        if seen["without_t_eval"]:
            return False, (f"{seen['without_t_eval']} of your {seen['calls']} solve_ivp calls "
                           "have no t_eval: the loop must still store its trace on the 0.5 ms "
                           "grid (without t_eval, sol.t[-1] is the event time and the question "
                           "disappears). Hint: keep t_eval=grid and take the spike time from "
                           "sol.t_events[0][0].")
        hint = _grid_hint(times, i_e, t_max, seen["loose_rtol"] > 0)
        if hint and k > 0 and "storage grid" not in hint:
            hint = (f"right at {GRID_CASES[0][0]:g} nA over {GRID_CASES[0][1]:g} ms, but not at "
                    f"{i_e:g} nA over {t_max:g} ms: {hint} (Use the arguments i_e and t_max, not "
                    "fixed numbers.)")
        if hint:
            return False, hint
    return True, (f"every spike time comes from sol.t_events, off the {GRID_STEP:g} ms storage "
                  f"grid, within {TOL_MS:g} ms of the exact ones at {GRID_CASES[0][0]:g} and "
                  f"{GRID_CASES[1][0]:g} nA; t_eval now only says where the trace is stored.")


def check_grid_loop(func, *, time_limit=None) -> bool:
    """Check exercise 3.2: ``func(i_e, t_max)``, a restart loop with ``t_eval``, repaired.

    The loop stores its trace every 0.5 ms (``t_eval``) and must still return
    the spike times (ms) of the question's neuron at ``i_e`` nA over ``t_max``
    ms, within :data:`TOL_MS` of :func:`lifutils.exact_spike_times`. Called
    with each case of :data:`GRID_CASES`. The unrepaired loop, which takes the
    spike time from ``sol.t[-1]``, gets its own hint.

    Examples
    --------
    The library's own answer is refused inside the check:

    >>> from lifutils import exact_spike_times
    >>> check_grid_loop(lambda i_e, t_max: exact_spike_times(LIFParams(i_e=i_e), t_max))  # doctest: +ELLIPSIS
    Not yet: exercise 3.2 asks you to repair the loop with plain solve_ivp: lifutils' exact_spike_times is not allowed here (in <lambda>, line 1: ...).
    False
    """
    return judge(_judge_grid, func, exercise="3.2", name="my_grid_spike_times",
                 task="repair the loop with plain solve_ivp",
                 hint="sol.t_events is a list with one array per event: sol.t_events[0] is the "
                      "array of event 0's times and sol.t_events[0][0] its first, one number; "
                      "the line to repair is t_spike = sol.t_events[0][0], and "
                      "my_grid_spike_times(i_e, t_max) returns the list of spike times (ms).",
                 time_limit=time_limit,
                 hint_long="a restart that does not move t0 on (or moves it back) never ends.")[0]

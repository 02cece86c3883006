"""The corpus of answers every check is tried with: right ones written differently, and the
typical wrong ones, each with the words its hint must contain (tests/test_exercises_corpus.py).

Answers are plain functions, as a student writes them in the notebook.
"""
import math

import numpy as np
from scipy.integrate import solve_ivp

V_THRESH, V_REST, V_RESET = -55.0, -70.0, -80.0


# ------------------------------------------------------------------ 1.1 the Euler loop

def euler(i_e, dt, *, reset=V_RESET, record=lambda t, dt: t + dt, scale=1.0, t_max=100.0,
          start=0.0):
    v, spikes = V_REST, []
    for t in np.arange(start, t_max, dt):
        v += (-(v - V_REST) + scale * i_e) / 10.0 * dt
        if v >= V_THRESH:
            v = reset
            spikes.append(record(t, dt))
    return spikes


def euler_while(i_e, dt):
    v, t, k, spikes = V_REST, 0.0, 0, []
    while k < round(100.0 / dt):
        v = v + dt * (V_REST - v + i_e) / 10.0
        k += 1
        if v >= V_THRESH:
            spikes.append(k * dt)
            v = V_RESET
    return np.array(spikes)


EULER_RIGHT = [euler, euler_while]
EULER_WRONG = [
    (lambda i_e, dt: euler(i_e, dt, record=lambda t, dt: t), "one step early"),
    (lambda i_e, dt: euler(i_e, dt, reset=V_REST), "reset to v_rest"),
    (lambda i_e, dt: euler(i_e, dt, reset=-54.0), "v = v_reset, below v_thresh"),
    (lambda i_e, dt: euler(i_e, dt, scale=1e-9), "no 1e-9"),
    (lambda i_e, dt: [13.8, 31.7, 49.6, 67.5, 85.4], "not fixed numbers"),
    (lambda i_e, dt: euler(i_e, dt, t_max=60.0), "stops early"),
    (lambda i_e, dt: euler(i_e, dt, record=lambda t, dt: t + 2 * dt), "one step late"),
    (lambda i_e, dt: euler(20.0, 0.1), "not fixed numbers"),
]


# ------------------------------------------------------------------ 2.1 the hack's slopes

def slopes(p):
    below = (-(p.v_thresh - p.v_rest) + p.r_m * p.i_e) / p.tau_m
    return below, p.v_reset - p.v_thresh


SLOPES_RIGHT = [slopes,
                lambda p: np.array([(p.v_rest - p.v_thresh + p.r_m * p.i_e) / p.tau_m,
                                    -(p.v_thresh - p.v_reset)])]
SLOPES_WRONG = [
    (lambda p: ((-(p.v_thresh - p.v_rest) + p.i_e) / p.tau_m, p.v_reset - p.v_thresh),
     "leaves out r_m"),
    (lambda p: slopes(p)[::-1], "swapped"),
    (lambda p: (slopes(p)[0] * p.tau_m, slopes(p)[1]), "tau_m * dv/dt"),
    (lambda p: (slopes(p)[0], slopes(p)[1] / p.tau_m), "not divided by tau_m"),
    (lambda p: (0.5, -25.0), "not fixed numbers"),
    (lambda p: (slopes(p)[0], -slopes(p)[1]), "points up"),
    (lambda p: (slopes(p)[0] * 1e-9, slopes(p)[1]), "unit factor"),
    (lambda p: slopes(p)[0], "two numbers"),
]


# ------------------------------------------------------------------ 3.1 the threshold event

def with_attrs(f, terminal=True, direction=1):
    if terminal is not None:
        f.terminal = terminal
    if direction is not None:
        f.direction = direction
    return f


def event_right():
    def my_threshold(t, y):
        return y[0] - V_THRESH
    my_threshold.terminal = True
    my_threshold.direction = 1
    return my_threshold


EVENT_RIGHT = [event_right(),
               with_attrs(lambda t, y: float(y[0]) + 55.0, terminal=1, direction=1.0),
               with_attrs(lambda t, y: np.subtract(y, V_THRESH)[0], terminal=np.True_,
                          direction=np.int64(1))]


def _mutating(t, y):
    y[0] -= -55.0
    return y[0]


EVENT_WRONG = [
    (with_attrs(lambda t, y: y[0] - V_THRESH, terminal=None), "no terminal"),
    (with_attrs(lambda t, y: y[0] - V_THRESH, direction=None), "no direction"),
    (with_attrs(lambda t, y: V_THRESH - y[0]), "sign is flipped"),
    (with_attrs(lambda t, y: y[0] >= V_THRESH), "True/False"),
    (with_attrs(_mutating), "changed the state"),
    (with_attrs(lambda t, y: y[0] - V_RESET), "negative for every v below"),
    (with_attrs(lambda t, y: y[0] - V_THRESH - 0.01 * t), "depends on t"),
    (with_attrs(lambda t, y: y[0] - V_THRESH, direction=-1), "direction = -1"),
    (with_attrs(lambda t, y: y[0] - V_THRESH, terminal=2), "only after 2 events"),
    (with_attrs(lambda t, y: y[1] - V_THRESH), "IndexError"),
    (with_attrs(lambda t, y: y[0] - V_THRESH, direction=np.array([1, 1])), "direction"),
]


# ------------------------------------------------------------------ 3.3 one event per neuron

def make_threshold(i, offset=0):
    def threshold(t, y):
        return y[(i + offset) % len(y)] - V_THRESH
    threshold.terminal, threshold.direction = True, 1
    return threshold


def events_factory(n):
    return [make_threshold(i) for i in range(n)]


def events_default_arg(n):
    events = [lambda t, y, i=i: y[i] - V_THRESH for i in range(n)]
    for e in events:
        e.terminal, e.direction = 1, 1
    return events


def events_late_binding(n):
    events = [lambda t, y: y[i] - V_THRESH for i in range(n)]
    for e in events:
        e.terminal, e.direction = True, 1
    return events


EVENTS_RIGHT = [events_factory, events_default_arg]
EVENTS_WRONG = [
    (events_late_binding, "late-binding"),
    (lambda n: [make_threshold(0) for i in range(n)], "watch neuron 0"),
    (lambda n: [make_threshold(i, offset=1) for i in range(n)], "off by one"),
    (lambda n: [make_threshold(i) for i in range(3)], "return 5"),
    (lambda n: [with_attrs(lambda t, y, i=i: y[i] - V_THRESH, terminal=None) for i in range(n)],
     "no terminal"),
    (lambda n: [with_attrs(lambda t, y, i=i: y[i] - V_THRESH, direction=None) for i in range(n)],
     "no direction"),
    (lambda n: make_threshold(0), "list of"),
]


# ------------------------------------------------------------------ 4.1 the firing rate

def rate(spike_times):
    if len(spike_times) < 2:
        return 0.0
    return 1000.0 / np.mean(np.diff(spike_times))


def rate_telescoped(s):
    s = list(s)
    return 1000.0 * (len(s) - 1) / (s[-1] - s[0]) if len(s) > 1 else 0


RATE_RIGHT = [rate, rate_telescoped]
RATE_WRONG = [
    (lambda s: 0.0 if len(s) < 2 else 1.0 / np.mean(np.diff(s)), "per ms"),
    (lambda s: 0.0 if len(s) < 2 else 1000.0 / np.median(np.diff(s)), "median"),
    (lambda s: 0.0 if len(s) < 2 else 1000.0 * np.mean(1.0 / np.diff(s)), "mean of 1000 / each"),
    (lambda s: len(s) / 1000.0 * 1000.0, "counts spikes"),
    (lambda s: 0.0 if len(s) < 2 else np.mean(np.diff(s)), "interval in ms"),
    (lambda s: 1000.0 / np.mean(np.diff(s)), "fewer than two spikes"),
    (lambda s: 55.811, "irregular train"),
    (lambda s: 0.0 if len(s) < 2 else 1e6 / np.mean(np.diff(s)), "1000 times too large"),
]


# ------------------------------------------------------------------ 5.1 the adaptive reset

def reset_right(t, y, index):
    v, w = y
    return np.array([V_RESET, w + 2.0])


def reset_in_place(t, y, index):
    y[0], y[1] = V_RESET, y[1] + 2.0
    return y


RESET_RIGHT = [reset_right, reset_in_place, lambda t, y, i: [-80, y[1] + 2]]
RESET_WRONG = [
    (lambda t, y, i: np.array([-80.0, y[1]]), "w did not change"),
    (lambda t, y, i: np.array([-80.0, 2.0]), "whatever it was"),
    (lambda t, y, i: np.array([-70.0, y[1] + 2.0]), "that is v_rest"),
    (lambda t, y, i: np.array([-54.9, y[1] + 2.0]), "not below v_thresh"),
    (lambda t, y, i: np.array([-80.0, y[1] + 2000.0]), "already in nA"),
    (lambda t, y, i: np.array([-80.0, y[1] - 2.0]), "went down by b"),
    (lambda t, y, i: np.array([-80.0, y[1] + (2.0 if t == 20.0 else 1.9)]), "w + b"),
    (lambda t, y, i: np.array([[-80.0], [y[1] + 2.0]]), "shape (2, 1)"),
    (lambda t, y, i: None, "forget to `return`"),
]


# ------------------------------------------------------------------ 6.1 the interval

def isi(params):
    v_inf = params.v_rest + params.r_m * params.i_e
    return params.t_ref + params.tau_m * math.log((params.v_reset - v_inf)
                                                  / (params.v_thresh - v_inf))


ISI_RIGHT = [isi, lambda q: q.t_ref - q.tau_m * np.log((q.v_thresh - q.v_inf)
                                                      / (q.v_reset - q.v_inf))]
ISI_WRONG = [
    (lambda q: isi(q) - q.t_ref, "without the refractory period"),
    (lambda q: q.t_ref + q.tau_m * math.log((q.v_reset - q.v_rest - q.i_e)
                                            / (q.v_thresh - q.v_rest - q.i_e)), "leaves it out"),
    (lambda q: 2 + 10 * math.log(6), "not fixed numbers"),
    (lambda q: isi(q.replace(v_reset=q.v_rest)), "climb from v_rest"),
    (lambda q: 1000.0 / isi(q), "firing rate in Hz"),
    (lambda q: isi(q) / 1000.0, "seconds"),
    (lambda q: isi(q) - 2 * q.t_ref, "subtracted t_ref"),
    (lambda q: 2 * q.t_ref - isi(q), "upside down"),
]
# r_m = 1 is the only resistance of the notebook's neuron: an interval without it is
# right there and wrong for the second probe neuron.
ISI_WRONG.append((lambda q: isi(q.replace(r_m=1.0)), "leaves it out"))


# ------------------------------------------------------------------ 6.2 the adaptive loop

def adaptive(params, tau_w, b, t_max, *, reset=None, factor=1.0, rtol=1e-8, use_rm=True,
             w_to_b=False, max_pieces=1000):
    p = params

    def rhs(t, y):
        v, w = y
        r_m = p.r_m if use_rm else 1.0
        return [(-(v - p.v_rest) + r_m * (p.i_e - w)) / p.tau_m, -w / tau_w]

    def threshold(t, y):
        return y[0] - p.v_thresh
    threshold.terminal = True
    threshold.direction = 1
    t, y, spikes = 0.0, [p.v_rest, 0.0], []
    for _ in range(max_pieces):
        sol = solve_ivp(rhs, (t, t_max), y, events=threshold, rtol=rtol, atol=rtol)
        if sol.status != 1:
            break
        t = sol.t_events[0][0]
        v, w = sol.y_events[0][0]
        spikes.append(t)
        y = [p.v_reset if reset is None else reset, (b * factor) if w_to_b else w + b * factor]
    return spikes


def adaptive_while(params, tau_w, b, t_max):
    """Right, written with a while loop and the event time from t_events."""
    p = params
    lif = lambda t, y: [(p.v_rest - y[0] + p.r_m * (p.i_e - y[1])) / p.tau_m, -y[1] / tau_w]
    hit = lambda t, y: y[0] - p.v_thresh
    hit.terminal, hit.direction = 1, 1.0
    t0, state, spikes = 0.0, np.array([p.v_rest, 0.0]), []
    while t0 < t_max:
        sol = solve_ivp(lif, (t0, t_max), state, events=hit, rtol=1e-10, atol=1e-10)
        if not sol.t_events[0].size:
            break
        t0 = sol.t_events[0][0]
        spikes.append(t0)
        state = sol.y_events[0][0] + np.array([p.v_reset - p.v_thresh, b])
    return spikes


def adaptive_zeno(params, tau_w, b, t_max):
    """A while loop that forgets to move t on: it never ends."""
    p = params
    rhs = lambda t, y: [(p.v_rest - y[0] + p.r_m * (p.i_e - y[1])) / p.tau_m, -y[1] / tau_w]
    hit = lambda t, y: y[0] - p.v_thresh
    hit.terminal, hit.direction = True, 1
    t, y, spikes = 0.0, [p.v_rest, 0.0], []
    while t < t_max:
        sol = solve_ivp(rhs, (t, t_max), y, events=hit)
        spikes.append(sol.t[-1])
        y = [p.v_reset, sol.y[1, -1] + b]
    return spikes


ADAPTIVE_RIGHT = [adaptive, adaptive_while]
ADAPTIVE_WRONG = [
    (lambda *a: adaptive(*a, factor=1000.0), "1000 b silences"),
    (lambda *a: adaptive(*a, reset=-54.9), "never rises through"),
    (lambda *a: adaptive(*a, rtol=1e-3), "rtol"),
    (lambda *a: adaptive(*a, w_to_b=True), "do not add up"),
    (lambda *a: adaptive(*a, factor=0.0), "without adaptation"),
    (lambda *a: adaptive(*a, reset=V_REST), "restarts from v_rest"),
    (lambda *a: adaptive(*a, use_rm=False), "leaves it out"),
    (lambda params, tau_w, b, t_max: adaptive(params, 100.0, 2.0, 300.0), "not fixed numbers"),
]
ADAPTIVE_HANGS = adaptive_zeno


# ------------------------------------------------------------------ 6.3 max_step

MAX_STEP_RIGHT = [lambda: 0.1, lambda: 0.2, lambda: 0.005, lambda: np.float64(0.05)]
MAX_STEP_WRONG = [
    (lambda: 0.5, "missed"),
    (lambda: 0.0002, "seconds"),
    (lambda: 0.0, "positive"),
    (lambda: -0.1, "positive"),
    (lambda: "0.1", "no quotes"),
    (lambda: None, "forget to `return`"),
    (lambda: 0.25, "Hint: max_step <= 0.2"),
]


# ------------------------------------------------------------------ 6.4 events in a loop

def thresholds(n, v_thresh):
    def make(i):
        def event(t, y):
            return y[2 * i] - v_thresh
        event.direction = 1
        return event
    return [make(i) for i in range(n)]


def thresholds_default(n, v_thresh):
    events = []
    for i in range(n):
        e = lambda t, y, k=2 * i: y[k] - v_thresh
        e.direction = 1.0
        events.append(e)
    return events


def _loop_lambdas(n, v_thresh, body):
    events = [body(i) for i in range(n)]
    for e in events:
        e.direction = 1
    return events


def _late(n, v_thresh):
    events = []
    for i in range(n):
        events.append(lambda t, y: y[2 * i] - v_thresh)
    for e in events:
        e.direction = 1
    return events


THRESHOLDS_RIGHT = [thresholds, thresholds_default]
THRESHOLDS_WRONG = [
    (_late, "late-binding"),
    (lambda n, v_thresh: [lambda t, y, i=i: y[2 * i] - v_thresh for i in range(n)], "directions"),
    (lambda n, v_thresh: _loop_lambdas(
        n, v_thresh, lambda i: (lambda t, y: y[2 * i] - v_thresh - (0.2 if t > 0 else 0))),
     "whatever t"),
    (lambda n, v_thresh: thresholds(n, -55.0), "Use the arguments"),
    (lambda n, v_thresh: _loop_lambdas(n, v_thresh, lambda i: (lambda t, y: y[0] - v_thresh)),
     "neuron 0"),
    (lambda n, v_thresh: _loop_lambdas(
        n, v_thresh, lambda i: (lambda t, y: y[(2 * i + 2) % (2 * n)] - v_thresh)), "off by one"),
    (lambda n, v_thresh: _loop_lambdas(n, v_thresh, lambda i: (lambda t, y: y[i] - v_thresh)),
     "y[1] is w_0"),
    (lambda n, v_thresh: _loop_lambdas(
        n, v_thresh, lambda i: (lambda t, y: y[2 * i + 1] - v_thresh)), "watches w_i"),
    (lambda n, v_thresh: thresholds(n - 1, v_thresh), "one event per neuron"),
]


# ------------------------------------------------------------------ 7.1 the network reset

def network(weights, v_reset):
    def reset(t, v, index):
        v = v + weights[index]
        v[index] = v_reset
        return v
    return reset


def network_loop(weights, v_reset):
    def reset(t, v, index):
        new = np.array(v, dtype=float)
        for j in range(len(new)):
            new[j] = v_reset if j == index else new[j] + weights[index][j]
        return new
    return reset


def _net(body):
    return lambda weights, v_reset: (lambda t, v, index: body(weights, v_reset, np.array(v), index))


def _set(v, index, value):
    v[index] = value
    return v


NETWORK_RIGHT = [network, network_loop]
NETWORK_WRONG = [
    (_net(lambda w, r, v, i: _set(v + w[:, i], i, r)), "column"),
    (_net(lambda w, r, v, i: np.full_like(v, r)), "every neuron is reset"),
    (_net(lambda w, r, v, i: v + w[i]), "set v[index] = v_reset"),
    (_net(lambda w, r, v, i: _set(v, i, r)), "did not move"),
    (_net(lambda w, r, v, i: _set(v + w[i], i, -80.0)), "passed to make_network_reset"),
    (_net(lambda w, r, v, i: _set(v + 2 * w[i], i, r)), "wrong amounts"),
    (_net(lambda w, r, v, i: np.array([r])), "whole state"),
    (_net(lambda w, r, v, i: None), "return v"),
]


# ------------------------------------------------------------------ 3.2 the t_eval loop

def grid_loop(i_e, t_max, *, when=lambda sol: sol.t_events[0][0], reset=V_RESET, rtol=1e-8,
              once=False):
    rhs = lambda t, y: (-(y - V_REST) + i_e) / 10.0
    hit = lambda t, y: y[0] - V_THRESH
    hit.terminal, hit.direction = True, 1
    t0, v0, spikes = 0.0, V_REST, []
    while t0 < t_max:
        grid = np.arange(np.ceil(t0 / 0.5) * 0.5, t_max, 0.5)
        sol = solve_ivp(rhs, (t0, t_max), [v0], events=hit, t_eval=grid, rtol=rtol, atol=rtol)
        if sol.status != 1:
            break
        t0, v0 = when(sol), reset
        spikes.append(t0)
        if once:
            break
    return spikes


def grid_loop_dense(i_e, t_max):
    """Right, written without t_eval at all, with the event's own state."""
    return grid_loop(i_e, t_max, when=lambda sol: float(sol.t_events[0][-1]))


GRID_RIGHT = [grid_loop, grid_loop_dense]
GRID_WRONG = [
    (lambda i_e, t_max: grid_loop(i_e, t_max, when=lambda sol: sol.t[-1]), "storage grid"),
    (lambda i_e, t_max: grid_loop(i_e, t_max, reset=V_REST), "reset to v_rest"),
    (lambda i_e, t_max: grid_loop(i_e, t_max, rtol=1e-3), "rtol"),
    (lambda i_e, t_max: grid_loop(i_e, t_max, once=True), "only the first spike"),
    (lambda i_e, t_max: grid_loop(20.0, 100.0), "Use the arguments"),
    (lambda i_e, t_max: [round(t, 1) for t in grid_loop(i_e, t_max)], "more than 0.001 ms"),
    (lambda i_e, t_max: grid_loop(i_e, t_max)[1:], "spikes, where the repaired loop has"),
]


# ------------------------------------------------------------------ 8.1 the AdEx reset

def adex_reset(v_r, b):
    def reset(t, y, index):
        return np.array([v_r, y[1] + b])
    return reset


def adex_reset_in_place(v_r, b):
    def reset(t, y, index):
        y = y.copy()
        y[0] = v_r
        y[1] += b
        return y
    return reset


def _adex(body):
    return lambda v_r, b: lambda t, y, index: body(v_r, b, t, y)


ADEX_RIGHT = [adex_reset, adex_reset_in_place,
              _adex(lambda v_r, b, t, y: [v_r, float(y[1]) + b])]
ADEX_WRONG = [
    (_adex(lambda v_r, b, t, y: np.array([v_r, b])), "w is set to b"),
    (_adex(lambda v_r, b, t, y: np.array([v_r, y[1]])), "w did not change"),
    (_adex(lambda v_r, b, t, y: np.array([y[1] + b, v_r])), "swapped"),
    (_adex(lambda v_r, b, t, y: np.array([-58.0, y[1] + b])), "V goes to v_r"),
    (_adex(lambda v_r, b, t, y: np.array([v_r, y[1] + 60.0])), "not w + b"),
    (_adex(lambda v_r, b, t, y: np.array([v_r])), "return both V and w"),
    (lambda v_r, b: None, "return reset"),
    (_adex(lambda v_r, b, t, y: np.array([v_r, y[1] + (b if t == 42.0 else 0.0)])),
     "must not depend on t"),
]


# ================================================================== the corpus, doubled (issue 22)
# Per exercise: more right answers in unusual styles, the library shortcuts and the forbidden
# tools (which the check refuses by name), more typical mistakes, and exploits that try to
# decide their own verdict (they must get Not yet).

import lifutils  # noqa: E402
from lifutils import LIFParams  # noqa: E402
from lifutils.references import adaptive_reference, exact_delta_network  # noqa: E402,F401

REFUSED = "is not allowed here"


def rebind_helpers(value):
    """An exploit: rebind every helper of the checks to say yes, then return ``value``."""
    def answer(*args):
        import lifutils.exercises as ex
        from lifutils.exercises import answers, closed_form as cf, comparison, restart_loop
        for module in (answers, cf, comparison, restart_loop, ex):
            for name in ("near", "interspike_interval", "as_number", "as_times", "is_one",
                         "firing_rate", "exact_spike_times", "_grid_hint", "_isi_hint"):
                if hasattr(module, name):
                    setattr(module, name, lambda *a, **k: True)
        cf.interspike_interval = lambda p: 42.0
        return value
    return answer


def forge_verdict(*args):
    """An exploit: find the check's pipe in a calling frame, write a verdict, leave."""
    import os
    import pickle
    import sys
    frame = sys._getframe(1)
    fds = set()
    while frame is not None:
        for name, value in list(frame.f_locals.items()):
            if isinstance(value, int) and not isinstance(value, bool) and 2 < value < 1024:
                fds.add(value)
            fd = getattr(value, "fd", None)
            if isinstance(fd, int) and fd > 2:
                fds.add(fd)
        frame = frame.f_back
    for fd in fds:
        for data in (pickle.dumps((True, "forged verdict", None, "")),
                     b'{"end": "done", "verdict": true, "text": "forged"}\n',
                     b'{"call": 0, "args": "x", "return": 42.0, "mutated": []}\n'):
            try:
                os.write(fd, data)
            except OSError:
                pass
    os._exit(0)


def exploits(value):
    return [(rebind_helpers(value), ""), (forge_verdict, "")]


# ---- 1.1
def euler_steps(i_e, dt):
    """Right: counts steps with an integer, times as (k + 1) * dt."""
    n = int(round(100.0 / dt))
    v, out = -70.0, []
    for k in range(n):
        v = v + (-(v + 70.0) + i_e) * dt / 10.0
        if v >= -55.0:
            out.append((k + 1) * dt)
            v = -80.0
    return out


def euler_hold(i_e, dt, hold=2.0):
    """Wrong: holds v at v_reset for a refractory period the question does not have."""
    v, spikes, held = V_REST, [], 0.0
    for t in np.arange(0, 100.0, dt):
        if held > 0:
            held -= dt
            continue
        v += (-(v - V_REST) + i_e) / 10.0 * dt
        if v >= V_THRESH:
            v, held = V_RESET, hold
            spikes.append(t + dt)
    return spikes


EULER_RIGHT += [euler_steps, lambda i_e, dt: tuple(euler(i_e, dt))]
EULER_WRONG += [
    (lambda i_e, dt: lifutils.simulate_euler(LIFParams(i_e=i_e), 100.0, dt=dt).spike_times,
     "simulate_euler " + REFUSED),
    (lambda i_e, dt: [t / 1000.0 for t in euler(i_e, dt)], "seconds"),
    (euler_hold, "refractory hold"),
    (lambda i_e, dt: None, "returned None"),
    *exploits([13.8, 31.7]),
]

# ---- 2.1
SLOPES_RIGHT += [lambda p: [(p.r_m * p.i_e - p.v_thresh + p.v_rest) / p.tau_m, p.v_reset - p.v_thresh],
                 lambda p: (float((-(p.v_thresh - p.v_rest) + p.r_m * p.i_e) / p.tau_m),
                            float(p.v_reset) - float(p.v_thresh))]
SLOPES_WRONG += [
    (lambda p: (lifutils.analytic.first_spike_time(p), -25.0), REFUSED),
    (lambda p: ("0.5", "-25"), "got text"),
    *exploits((0.5, -25.0)),
]

# ---- 3.1
def falling_event():
    def my_threshold(t, y):
        return V_THRESH - y[0]
    my_threshold.terminal, my_threshold.direction = True, -1
    return my_threshold


class EventObject:
    """Right: a callable object with the two attributes."""
    terminal, direction = True, 1

    def __call__(self, t, y):
        return y[0] - V_THRESH


EVENT_RIGHT += [falling_event(), EventObject()]
EVENT_WRONG += [
    (with_attrs(lambda t, y: y - V_THRESH), "y0 exactly as it was passed"),
    (with_attrs(lambda t, y: lifutils.analytic.first_spike_time(LIFParams()) - t), REFUSED),
    (with_attrs(lambda t, y: V_THRESH - y[0], direction=1), "sign is flipped"),
    *exploits(with_attrs(lambda t, y: 42.0)),
]

# ---- 3.3
def events_def_in_loop(n):
    events = []
    for i in range(n):
        def threshold(t, y):
            return y[i] - V_THRESH
        threshold.terminal, threshold.direction = True, 1
        events.append(threshold)
    return events


def events_any(n):
    def threshold(t, y):
        return np.max(y) - V_THRESH
    threshold.terminal, threshold.direction = True, 1
    return [threshold] * n


def events_no_attrs(n):
    def make(i):
        def threshold(t, y):
            return y[i] - V_THRESH
        return threshold
    return [make(i) for i in range(n)]


class Watch:
    terminal, direction = True, 1

    def __init__(self, i):
        self.i = i

    def __call__(self, t, y):
        return y[self.i] - V_THRESH


EVENTS_RIGHT += [lambda n: [Watch(i) for i in range(n)],
                 lambda n: tuple(make_threshold(i) for i in range(n))]
EVENTS_WRONG += [
    (events_any, "reads the other neurons"),
    (events_def_in_loop, "def threshold"),
    (events_no_attrs, "`threshold.direction = 1`"),
    *exploits([]),
]

# ---- 3.2
def grid_no_t_eval(i_e, t_max):
    rhs = lambda t, y: (-(y - V_REST) + i_e) / 10.0
    hit = lambda t, y: y[0] - V_THRESH
    hit.terminal, hit.direction = True, 1
    t0, v0, spikes = 0.0, V_REST, []
    while t0 < t_max:
        sol = solve_ivp(rhs, (t0, t_max), [v0], events=hit, rtol=1e-8, atol=1e-8)
        if sol.status != 1:
            break
        t0, v0 = sol.t[-1], V_RESET
        spikes.append(t0)
    return spikes


GRID_RIGHT += [lambda i_e, t_max: np.array(grid_loop(i_e, t_max)),
               lambda i_e, t_max: grid_loop(i_e, t_max, rtol=1e-10)]
GRID_WRONG[5] = (GRID_WRONG[5][0], "rounded to 1 decimal place")
GRID_WRONG += [
    (grid_no_t_eval, "have no t_eval"),
    (lambda i_e, t_max: list(lifutils.exact_spike_times(LIFParams(i_e=i_e), t_max)),
     "exact_spike_times " + REFUSED),
    (lambda i_e, t_max: grid_loop(i_e, t_max, when=lambda sol: sol.y_events[0][0][0]),
     "time went back"),
    (lambda i_e, t_max: grid_loop(i_e, t_max, when=lambda sol: sol.t_events[0]),
     "sol.t_events[0][0] its first, one number"),
    (lambda i_e, t_max: [np.array([t]) for t in grid_loop(i_e, t_max)], "array of one number"),
    *exploits([1.0]),
]

# ---- 4.1
RATE_RIGHT += [lambda s: 0.0 if len(s) < 2 else float(1000.0 * (len(s) - 1) / (s[-1] - s[0])),
               lambda s: 1000.0 / np.diff(s).mean() if np.size(s) >= 2 else 0]
RATE_WRONG += [
    (lambda s: 0.0 if len(s) < 2 else 1000.0 / (s[1] - s[0]), "first interval"),
    (lambda s: 0.0 if len(s) < 2 else float(lifutils.analytic.firing_rate(LIFParams(i_e=20.0))),
     REFUSED),
    (lambda s: None, "got None"),
    *exploits(55.811),
]

# ---- 5.1
RESET_RIGHT += [lambda t, y, i: np.add(y, [-80.0 - y[0], 2.0]),
                lambda t, y, i: (V_RESET, y[1] + 2)]
RESET_WRONG += [
    (lambda t, y, i: lifutils.references.adaptive_reference(LIFParams(), 10.0), REFUSED),
    *exploits([-80.0, 2.0]),
]

# ---- 6.1
ISI_RIGHT += [lambda q: float(q.t_ref + q.tau_m * math.log1p((q.v_reset - q.v_thresh)
                                                           / (q.v_thresh - q.v_inf))),
              lambda q: np.float32(isi(q)).item() if False else isi(q) + 0.0]
ISI_WRONG += [
    (lambda q: lifutils.interspike_interval(q), "interspike_interval " + REFUSED),
    *exploits(42.0),
]

# ---- 6.2
def adaptive_with_library(params, tau_w, b, t_max):
    p = params
    rhs = lambda t, y: [(p.v_rest - y[0] + p.r_m * (p.i_e - y[1])) / p.tau_m, -y[1] / tau_w]
    hit = lambda t, y: y[0] - p.v_thresh
    hit.direction = 1
    sol = lifutils.solve_ivp_with_resets(rhs, (0.0, t_max), [p.v_rest, 0.0], events=hit,
                                         reset=lambda t, y, i: [p.v_reset, y[1] + b],
                                         rtol=1e-10, atol=1e-10)
    return sol.t_events[0]


def adaptive_euler(params, tau_w, b, t_max, dt=0.01):
    p, v, w, spikes = params, params.v_rest, 0.0, []
    for k in range(int(t_max / dt)):
        v, w = v + dt * (p.v_rest - v + p.r_m * (p.i_e - w)) / p.tau_m, w - dt * w / tau_w
        if v >= p.v_thresh:
            spikes.append((k + 1) * dt)
            v, w = p.v_reset, w + b
    return spikes


ADAPTIVE_RIGHT += [lambda *a: np.asarray(adaptive(*a, rtol=1e-10)), lambda *a: tuple(adaptive_while(*a))]
ADAPTIVE_WRONG += [
    (adaptive_with_library, "solve_ivp_with_resets " + REFUSED),
    (lambda params, tau_w, b, t_max: adaptive_reference(params, t_max, tau_w=tau_w, b=b),
     "adaptive_reference " + REFUSED),
    (adaptive_euler, "did not call solve_ivp"),
    *exploits([13.9]),
]

# ---- 6.3
MAX_STEP_RIGHT += [lambda: 0.0002 * 10, lambda: 0.15]
MAX_STEP_WRONG[1] = (lambda: 0.0002, "work budget")
MAX_STEP_WRONG += [
    (lambda: lifutils.events.default_max_step(LIFParams()), REFUSED),
    (lambda: float("nan"), "finite"),
    *exploits(5.0),
]

# ---- 6.4
THRESHOLDS_RIGHT += [lambda n, v_thresh: [with_attrs(lambda t, y, k=2 * i: y[k] - v_thresh,
                                                     terminal=None) for i in range(n)],
                     lambda n, v_thresh: tuple(thresholds(n, v_thresh))]
THRESHOLDS_WRONG += [
    (lambda n, v_thresh: [lifutils.analytic.first_spike_time] * n, REFUSED),
    *exploits([]),
]

# ---- 7.1
def network_copy(weights, v_reset):
    w = np.array(weights)

    def reset(t, v, index):
        out = np.asarray(v, dtype=float).copy()
        out += w[index]
        out[index] = v_reset
        return out
    return reset


NETWORK_RIGHT += [network_copy,
                  lambda weights, v_reset: (lambda t, v, i: np.where(np.arange(len(v)) == i, v_reset,
                                                                     v + weights[i]))]
NETWORK_WRONG += [
    (lambda weights, v_reset: (lambda t, v, i: lifutils.references.exact_delta_network(
        LIFParams(), 1.0, i_e=np.zeros(len(v)), v0=v, weights=weights)), REFUSED),
    *exploits(None),
]

# ---- 8.1
def adex_shortcut(v_r, b):
    return lifutils.gallery.adex("adapting", Vr=v_r, b=b).reset


ADEX_RIGHT += [lambda v_r, b: (lambda t, y, index: np.array([v_r, y[1]]) + [0.0, b])]
ADEX_WRONG += [
    (adex_shortcut, "adex " + REFUSED),
    (_adex(lambda v_r, b, t, y: np.array([v_r, y[1] + b / 1000.0])), "factor 1000"),
    *exploits(None),
]

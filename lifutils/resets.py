"""solve_ivp_with_resets: solve_ivp, plus a state reset each time an event fires.

scipy's solve_ivp cannot change the state at an event (scipy issue 15241): a
terminal event stops the integration, and it is up to the caller to restart it
from the new state. This module is that restart loop, written once, with the
bookkeeping done right: one stitched trace, events recorded per event function,
t_eval and dense output honoured across restarts, components held for a while
after an event (a refractory period), restarts at known breakpoints of the
right-hand side, and guards against loops that would never end.
"""
from __future__ import annotations

import functools
import math

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import OptimizeResult

from .errors import RunawayError
from .params import _integer

__all__ = ["solve_ivp_with_resets", "ResetResult", "StitchedSolution", "MAX_RESETS"]

#: Default cap on the number of resets in one call.
MAX_RESETS = 5000


class ResetResult(OptimizeResult):
    """Result of :func:`solve_ivp_with_resets`, shaped like scipy's OdeResult.

    Attributes: ``t`` (n_points,), ``y`` (n, n_points), ``sol`` (a
    :class:`StitchedSolution` or None), ``t_events`` and ``y_events`` (one
    array per event function; y_events holds the state just before each
    reset), ``n_resets``, ``nfev``, ``njev``, ``nlu``, ``status`` (0: reached
    the end of t_span, -1: a solver step failed), ``message``, ``success``.
    """


class StitchedSolution:
    """Dense output across resets: ``sol(t)`` evaluates the solution at t.

    Right-continuous: at a reset time it returns the state after the reset.
    Returns shape (n,) for a scalar t and (n, len(t)) for an array.
    """

    def __init__(self, n):
        self.n = n
        self.t_starts = []
        self.t_ends = []
        self._pieces = []  # OdeSolution, or a constant state (ndarray)

    def _add(self, t_start, t_end, piece):
        self.t_starts.append(float(t_start))
        self.t_ends.append(float(t_end))
        self._pieces.append(piece)

    @property
    def t_min(self):
        return self.t_starts[0]

    @property
    def t_max(self):
        return self.t_ends[-1]

    def __call__(self, t):
        t = np.asarray(t, dtype=float)
        flat = np.atleast_1d(t)
        starts = np.asarray(self.t_starts)
        which = np.clip(np.searchsorted(starts, flat, side="right") - 1, 0, len(starts) - 1)
        out = np.empty((self.n, flat.size))
        for k in np.unique(which):
            mask = which == k
            piece = self._pieces[k]
            if isinstance(piece, np.ndarray):
                out[:, mask] = piece[:, None]
            else:
                tk = np.clip(flat[mask], self.t_starts[k], self.t_ends[k])
                out[:, mask] = piece(tk).reshape(self.n, -1)
        return out[:, 0] if t.ndim == 0 else out


def _check_span(t_span):
    try:
        t0, tf = (float(x) for x in t_span)
    except (TypeError, ValueError):
        raise ValueError(f"t_span must be a pair (t0, tf) of numbers, got {t_span!r}") from None
    if not (math.isfinite(t0) and math.isfinite(tf)):
        raise ValueError(f"t_span must be finite, got {t_span!r}")
    if not tf > t0:
        raise ValueError(f"t_span must run forward (tf > t0), got {t_span!r}")
    return t0, tf


def _event_value(event, t, y, extra):
    """One event function's value at (t, y) as a float."""
    return float(np.asarray(event(t, y, *extra)).reshape(()))


def _crossed(g_before, g_after, direction):
    """True where an event went from before its trigger to at/past it."""
    up = (g_before < 0) & (g_after >= 0)
    down = (g_before > 0) & (g_after <= 0)
    return np.where(direction > 0, up, np.where(direction < 0, down, up | down))


def solve_ivp_with_resets(fun, t_span, y0, *, events, reset, hold=None, method="RK45",
                          t_eval=None, dense_output=False, args=None, breakpoints=(),
                          max_resets=MAX_RESETS, check_finite=True, **options):
    """Solve an initial value problem whose state jumps when an event fires.

    Like :func:`scipy.integrate.solve_ivp`, but each event is a *reset*: when
    ``events[i](t, y)`` crosses zero (in its ``direction``), the integration
    stops there, ``reset(t, y, i)`` gives the new state, and the integration
    goes on from it until ``t_span[1]``.

    Parameters
    ----------
    fun : callable
        Right-hand side ``fun(t, y)`` as for solve_ivp (y has shape (n,)).
    t_span : 2-tuple of float
        Interval of integration (t0, tf), with tf > t0 (time units of fun, ms here).
    y0 : array_like, shape (n,)
        Initial state; finite.
    events : callable or list of callables
        Event functions ``event(t, y)``; each may have a ``direction``
        attribute (+1: fire when it rises through 0, -1: falls, 0: either).
        Every event resets; they are made terminal internally, so their
        ``terminal`` attribute is ignored. For a threshold use
        ``lambda t, y: y[0] - v_thresh`` with direction +1.
    reset : callable
        ``reset(t, y, index) -> new_y``: the state just after event ``index``
        fired at time t with state y. The new state must leave that event
        strictly before its trigger (``event(t, new_y) < 0`` for direction
        +1), or it would fire again at once (a Zeno loop): that is an error.
    hold : callable, optional
        ``hold(t, new_y, index) -> (duration, components)``: after event
        ``index``, keep the listed state components constant for ``duration``
        (a refractory period), then release them. Events keep being watched.
    method : str or OdeSolver
        Any method solve_ivp accepts. Default "RK45".
    t_eval : array_like, optional
        Sorted times at which to store the solution, inside t_span. At a reset
        time the stored value is the state after the reset.
    dense_output : bool
        Build ``sol``, a callable continuous solution stitched across resets.
    args : tuple, optional
        Extra arguments passed to ``fun``, to every event and to ``reset``.
    breakpoints : sequence of float
        Times where ``fun`` is discontinuous (an input switching on or off).
        The solver stops and restarts there instead of stepping across.
    max_resets : int
        Cap on the number of resets: more is an error (RunawayError) that
        says so, instead of a run that seems to hang. Default 5000.
    check_finite : bool
        Check every derivative for NaN and inf and raise a ValueError that
        says when (a NaN can make RK45 loop forever, scipy issues 11239 and
        17846). Turn it off only when fun cannot return them; it costs about a
        microsecond per evaluation. Default True.
    **options
        Passed to solve_ivp (``rtol``, ``atol``, ``max_step``, ``first_step``,
        ``jac`` ...). Note that solve_ivp looks for an event's sign change only
        at the ends of each step (scipy issue 9228): an excursion past the
        trigger that starts and ends inside one step is missed. Use
        ``max_step`` shorter than the briefest crossing you must catch.

    Returns
    -------
    ResetResult
        With ``t``, ``y``, ``sol``, ``t_events``, ``y_events`` (state before
        each reset), ``n_resets``, ``nfev``, ``njev``, ``nlu``, ``status``,
        ``message``, ``success``. Without t_eval, ``t`` holds every solver
        step, and each reset appears as two points at the same time: the state
        before and after.

    Raises
    ------
    ValueError
        For bad arguments, a non-finite derivative or reset state, or a reset
        that leaves its event triggered (Zeno).
    RunawayError
        When more than ``max_resets`` resets would be needed.

    Examples
    --------
    A leaky integrate-and-fire neuron (ms, mV) with threshold -55 and reset -80:

    >>> import numpy as np
    >>> def rhs(t, y):
    ...     return (-(y - (-70.0)) + 20.0) / 10.0
    >>> def threshold(t, y):
    ...     return y[0] - (-55.0)
    >>> threshold.direction = 1
    >>> sol = solve_ivp_with_resets(rhs, (0, 50), [-70.0], events=threshold,
    ...                             reset=lambda t, y, i: np.array([-80.0]),
    ...                             rtol=1e-10, atol=1e-10)
    >>> sol.t_events[0].round(4)
    array([13.8629, 31.7805, 49.6981])
    """
    t0, tf = _check_span(t_span)
    y = np.array(y0, dtype=float)
    if y.ndim != 1:
        raise ValueError(f"y0 must be one-dimensional, got shape {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"y0 must be finite, got {y!r}")
    n = y.size
    if callable(events):
        events = [events]
    events = list(events)
    if not events or not all(callable(e) for e in events):
        raise ValueError("events must be a callable or a non-empty list of callables")
    if not callable(reset):
        raise ValueError("reset must be a callable reset(t, y, index) -> new state")
    if hold is not None and not callable(hold):
        raise ValueError("hold must be None or a callable hold(t, y, index) -> (duration, components)")
    max_resets = _integer("max_resets", max_resets, 0)
    extra = () if args is None else tuple(args)
    direction = np.array([float(getattr(e, "direction", 0.0)) for e in events])
    n_events = len(events)

    t_eval = _check_t_eval(t_eval, t0, tf)
    stops = np.unique(np.asarray(list(breakpoints), dtype=float))
    if not np.all(np.isfinite(stops)):
        raise ValueError("breakpoints must be finite times")
    stops = stops[(stops > t0) & (stops < tf)]

    def check_state(name, value, where):
        value = np.asarray(value, dtype=float)
        if value.shape != (n,):
            raise ValueError(f"{name} must return a state of shape ({n},), got shape {value.shape}")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{name} returned a non-finite state {value!r} {where}")
        return value

    def event_values(t, state):
        return np.array([_event_value(e, t, state, extra) for e in events])

    def with_args(func):
        """func(t, y, *args) as a new callable g(t, y) that can carry attributes.

        Without args a partial object calls at C speed; the user's function
        itself is never modified.
        """
        if not extra:
            return functools.partial(func)

        def call(t, state):
            return func(t, state, *extra)
        return call

    wrapped_events = []
    for e, d in zip(events, direction):
        w = with_args(e)
        w.terminal = True
        w.direction = d
        wrapped_events.append(w)

    def make_rhs(held):
        if held is None and not check_finite:
            return with_args(fun)

        def rhs(t, state):
            dy = np.array(fun(t, state, *extra), dtype=float)
            if check_finite and not np.all(np.isfinite(dy)):
                raise ValueError(
                    f"fun returned a non-finite derivative {dy!r} at t = {t:.6g}; "
                    "a NaN or inf would make the solver loop or fail")
            if held is not None:
                dy[held] = 0.0
            return dy
        return rhs

    release = np.full(n, -np.inf)  # time each component is held until
    first_step = options.pop("first_step", None)
    ts, ys = [], []
    t_events = [[] for _ in events]
    y_events = [[] for _ in events]
    dense = StitchedSolution(n) if dense_output else None
    counts = {"nfev": 0, "njev": 0, "nlu": 0}
    n_resets = 0
    status, message = 0, "The solver successfully reached the end of the integration interval."
    t = t0
    last_reset_t, resets_here = None, 0

    def store(seg_t, seg_y):
        """Append points, skipping a first point that repeats the last one stored."""
        seg_t = np.asarray(seg_t, dtype=float)
        seg_y = np.asarray(seg_y, dtype=float).reshape(n, -1)
        if seg_t.size and ts and ts[-1] == seg_t[0] and np.array_equal(ys[-1], seg_y[:, 0]):
            seg_t, seg_y = seg_t[1:], seg_y[:, 1:]
        ts.extend(seg_t.tolist())
        ys.extend(seg_y.T)

    while t < tf:
        held = release > t
        t_stop = min([tf] + list(stops[stops > t][:1]) + list(release[held]))
        seg_eval = None
        if t_eval is not None:
            upper = t_eval <= t_stop if t_stop == tf else t_eval < t_stop
            seg_eval = t_eval[(t_eval >= t) & upper]
        if held.all():
            # Nothing can change until the first release: step straight there.
            seg_t = [t, t_stop] if seg_eval is None else seg_eval
            store(seg_t, np.repeat(y[:, None], len(seg_t), axis=1))
            if dense is not None:
                dense._add(t, t_stop, y.copy())
            t = t_stop
            continue
        solver_eval = None if seg_eval is None else np.union1d(seg_eval, [t_stop])
        opts = dict(options)
        if first_step is not None:
            opts["first_step"] = min(first_step, t_stop - t)
        # Event values at the start, to spot others that cross at a reset instant.
        g_start = event_values(t, y) if n_events > 1 else None
        sol = solve_ivp(make_rhs(held if held.any() else None), (t, t_stop), y, method=method,
                        t_eval=solver_eval, dense_output=dense_output,
                        events=wrapped_events, **opts)
        for key in counts:
            counts[key] += int(getattr(sol, key, 0))
        sol_t = np.asarray(sol.t, dtype=float)  # scipy leaves [] when t_eval caught nothing
        sol_y = np.asarray(sol.y, dtype=float).reshape(n, -1)
        if sol.status == -1:
            status = -1
            message = f"solver failed after t = {t:.6g}: {sol.message}"
            store(sol_t, sol_y)  # what it did compute, as solve_ivp returns it
            break
        fired = None
        if sol.status == 1:
            fired = next(i for i, te in enumerate(sol.t_events) if len(te))
            t_end = float(sol.t_events[fired][-1])
            y_end = np.array(sol.y_events[fired][-1], dtype=float)
        else:
            t_end = t_stop
            y_end = sol_y[:, -1].copy()
        if seg_eval is None:
            store(sol_t, sol_y)  # ends with (t_end, y_end), before any reset
        else:
            keep = np.isin(sol_t, seg_eval)
            if fired is not None or t_end < tf:
                keep &= sol_t < t_end  # a point at t_end belongs to what comes next
            store(sol_t[keep], sol_y[:, keep])
        if dense is not None:
            dense._add(t, t_end, sol.sol)
        t, y = t_end, y_end
        if fired is None:
            continue

        # The event `fired`, and any other that reached its trigger at this
        # same instant, resets in turn.
        pending = [fired]
        while pending:
            i = pending.pop(0)
            n_resets += 1
            if n_resets > max_resets:
                raise RunawayError(
                    f"more than max_resets = {max_resets} resets before t = {t:g} "
                    f"(t_span ends at {tf:g}): the model fires too often to finish in "
                    "reasonable time; weaken the drive, shorten t_span, add a hold "
                    "(refractory period), or raise max_resets")
            resets_here = resets_here + 1 if t == last_reset_t else 1
            last_reset_t = t
            if resets_here > 2 * n_events + 1:
                raise ValueError(
                    f"{resets_here} resets at the same time t = {t:.6g}: the resets keep "
                    "re-triggering events without time moving on (Zeno); change reset")
            t_events[i].append(t)
            y_events[i].append(y.copy())
            y_new = check_state("reset", reset(t, y.copy(), i, *extra), f"at t = {t:.6g}")
            # Every event's value after the reset (the others only matter with several).
            g_after = event_values(t, y_new) if n_events > 1 else None
            g_i = g_after[i] if n_events > 1 else _event_value(events[i], t, y_new, extra)
            d = direction[i]
            if (g_i >= 0) if d > 0 else (g_i <= 0) if d < 0 else (g_i == 0):
                raise ValueError(
                    f"reset for event {i} at t = {t:.6g} returned a state where that event is "
                    f"still triggered (event value {g_i:g}): it would fire again at once "
                    "(Zeno). Reset below the threshold (for a neuron: v_reset < v_thresh)")
            if n_events > 1:
                crossed = _crossed(g_start, g_after, direction)
                crossed[i] = False
                pending.extend(int(j) for j in np.nonzero(crossed)[0] if j not in pending)
                g_start = np.where(crossed, g_start, g_after)
            if hold is not None:
                duration, components = hold(t, y_new.copy(), i)
                duration = float(duration)
                if not (math.isfinite(duration) and duration >= 0):
                    raise ValueError(f"hold must return a finite duration >= 0, got {duration!r}")
                idx = np.arange(n)[components]
                release[idx] = np.maximum(release[idx], t + duration)
            y = y_new
        if t_eval is None or (t == tf and tf in t_eval):
            store([t], y[:, None])  # the point just after the reset

    y_out = np.array(ys, dtype=float).T.reshape(n, -1)
    return ResetResult(
        t=np.array(ts, dtype=float), y=y_out, sol=dense,
        t_events=[np.array(te, dtype=float) for te in t_events],
        y_events=[np.array(ye, dtype=float).reshape(-1, n) for ye in y_events],
        n_resets=n_resets, status=status, message=message, success=status >= 0, **counts)


def _check_t_eval(t_eval, t0, tf):
    if t_eval is None:
        return None
    t_eval = np.asarray(t_eval, dtype=float)
    if t_eval.ndim != 1:
        raise ValueError("t_eval must be one-dimensional")
    if not np.all(np.isfinite(t_eval)):
        raise ValueError("t_eval must be finite")
    if np.any(t_eval < t0) or np.any(t_eval > tf):
        raise ValueError(f"t_eval must lie within t_span ({t0!r}, {tf!r})")
    if np.any(np.diff(t_eval) <= 0):
        raise ValueError("t_eval must be strictly increasing")
    return t_eval

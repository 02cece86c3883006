"""The steps of solve_ivp_with_resets: advance, apply the resets, hold, record.

:class:`Run` carries the state of one call through t_span. It is made from the
call's :class:`~lifutils.restart.args.Settings` (checked and complete) and owns the
:class:`~lifutils.restart.guards.Guards` (budgets, counts, messages) and the
:class:`~lifutils.restart.triggers.Triggers` (which events may fire). The public
function, its result and its dense output are in :mod:`lifutils.restart.resets`.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import math
import time

import numpy as np
from scipy.integrate import DOP853, LSODA, RK23, RK45, solve_ivp

from .. import checks as check
from .args import Settings, event_number, event_vector
from .guards import FLOAT, SMALL, Guards, checked_rhs, counted_rhs, finite, guarded_rhs
from .triggers import Triggers
from ..errors import LifutilsError


def _solve_ivp(*args, **kwargs):
    """scipy's solve_ivp, looked up at each call."""
    return solve_ivp(*args, **kwargs)


#: The methods whose solver can call our checked fun directly (see :func:`_direct`): name
#: -> scipy's class (public names only).
DIRECT = {"RK23": RK23, "RK45": RK45, "DOP853": DOP853, "LSODA": LSODA}


@functools.cache
def _direct(name):
    """scipy's solver class ``name``, calling fun directly once built.

    scipy wraps fun twice (a count, then ``np.asarray``) around what the solver calls at
    every evaluation; our wrapper (:func:`~lifutils.restart.guards.checked_rhs` and its
    kin) already counts every evaluation and hands back a float array of shape (n,) that
    only the solver holds. So after scipy's own set-up (which goes through its wrappers),
    the solver calls ours alone: about a microsecond less per evaluation. The explicit
    Runge-Kutta methods call ``self.fun`` at every stage; LSODA's Fortran calls the ``f``
    of the ``ode`` object it keeps (left as it is if a scipy version keeps no such thing).
    The solver's ``nfev`` then counts the set-up only: :meth:`Run._tally` counts every
    evaluation on our counter instead, the same number (BDF and Radau are left out: their
    Jacobian's evaluations bypass scipy's count, and would not bypass ours).
    """
    base = DIRECT[name]

    def __init__(self, fun, *args, **kwargs):
        base.__init__(self, fun, *args, **kwargs)
        # fun is ours (solve_ivp is given no args to wrap it in)
        if name == "LSODA":
            inner = getattr(self, "_lsoda_solver", None)
            if inner is not None and getattr(inner, "f", None) is self.fun:
                inner.f = fun
        else:
            self.fun = fun
    return type(name, (base,), {"__init__": __init__, "__doc__": _direct.__doc__,
                                "__module__": __name__})


class Run:
    """The state of one call as it moves through t_span, and its steps.

    ``s``: the call's :class:`~lifutils.restart.args.Settings`; ``guards``: its budgets,
    counts and messages (:class:`~lifutils.restart.guards.Guards`); ``triggers``: which
    events may fire (:class:`~lifutils.restart.triggers.Triggers`). ``stitch(n, pieces)``
    makes the dense output from the pieces ``(t_start, t_end, OdeSolution or constant
    state)`` when the call asked for it (``dense_output``).
    """

    def __init__(self, s: Settings, stitch=None):
        self.s = s
        self.guards = Guards(s)
        self.t, self.y = s.t0, s.y0.copy()
        self.release = np.full(s.n, -np.inf)  # time each component is held until
        self.stops = s.stops.tolist()  # the breakpoints, as floats for bisect
        self.g_start = None  # event values at the start of the current segment
        # Counters (next() gives the new count): fun's evaluations, against max_nfev (the
        # probe in Settings.from_call was the first), and the solver's steps, against the
        # memory budget of the stored trace.
        self.nfev_count, self.step_count = itertools.count(2), itertools.count(1)
        self.pieces_t, self.pieces_y = [], []  # stored trace, one array per piece
        self.last_t, self.last_y = math.nan, None  # the last point stored (y as a list)
        self.stitch = stitch
        self.dense_pieces = [] if s.dense_output else None  # (t_start, t_end, piece)
        self.counts = {"nfev": 0, "njev": 0, "nlu": 0}
        self.status = 0
        self.message = "The solver successfully reached the end of the integration interval."
        self.failure = None  # the warning's message when the solver gives up
        self.fired_values = []  # the values of the entries that fired at the latest reset
        self._wrappers = {}
        self.latest_release = -math.inf  # the latest time any component is held until
        self._free_rhs = self._rhs(None)
        self._method = _direct(s.method) if isinstance(s.method, str) and s.method in DIRECT \
            else s.method
        self._charged = 0  # the counter's value at the latest restart charge
        self.triggers = Triggers(s.direction, s.layout)
        # One scalar event with a direction (a neuron's threshold, the common case): its
        # resets take a leaner path (:meth:`_reset_one`), with the same checks and outcome.
        self._one_event = s.layout.n_entries == 1 and s.layout.sizes[0] is None \
            and self.triggers.event.size == 1
        self.t_events = [[] for _ in range(s.layout.n_entries)]  # one list per entry
        self.y_events = [[] for _ in range(s.layout.n_entries)] if s.keep_y_events else None
        self.triggers.arm_at_start(self.event_values(self.t, self.y))

    @property
    def n_resets(self):
        return self.guards.n_resets

    # ---- the four steps of the loop ----

    def next_stop(self):
        """Where the next solver run must stop (end, breakpoint, release), its t_eval points
        and the components held until then (a boolean mask, or None when none is)."""
        s, t = self.s, self.t
        held = None
        if self.latest_release > t:  # some component is held
            held = self.release > t
        t_stop = s.tf
        k = bisect.bisect_right(self.stops, t)  # the first breakpoint after t
        if k < len(self.stops):
            t_stop = self.stops[k]
        if held is not None:
            t_stop = min(t_stop, float(self.release[held].min()))
        seg_eval = None
        if s.t_eval is not None:
            upper = s.t_eval <= t_stop if t_stop == s.tf else s.t_eval < t_stop
            seg_eval = s.t_eval[(s.t_eval >= t) & upper]
        return t_stop, seg_eval, held

    def hold_still(self, t_stop, seg_eval):
        """Every component is held: nothing changes until the first release."""
        self.guards.checkpoint(next(self.nfev_count), self.t)
        seg_t = np.array([self.t, t_stop]) if seg_eval is None else seg_eval
        self.record(seg_t, np.repeat(self.y[:, None], len(seg_t), axis=1))
        self._add_dense(self.t, t_stop, self.y.copy())
        self.t = t_stop

    def advance(self, t_stop, seg_eval, held):
        """Integrate from t to the first event or t_stop; return the triggers that fired
        (the earliest first, exact ties in order), or None."""
        if self.s.layout.n_entries > 1:  # to spot others that cross at a reset instant
            self.g_start = self.event_values(self.t, self.y)
        passed, kinds = self.triggers.for_solver(self._scipy_event, self._group_event,
                                                 self.g_start)
        self._charge_restart()
        sol = self._solve(t_stop, seg_eval, held, passed)
        sol_t, sol_y = self._tally(sol)
        if sol["status"] == -1:
            self._failed(sol, sol_t, sol_y)
            return None
        which, t_end, y_end = self._segment_end(sol, sol_y, t_stop)
        self._keep(sol, sol_t, sol_y, seg_eval, t_end, stopped_by_event=which is not None)
        self.t, self.y = t_end, y_end
        return None if which is None else self._fired(kinds[which], passed[which])

    def apply_resets(self, triggers):
        """Reset for the triggers that fired, then for every other event that reached its
        trigger at this same instant, in turn; then store the point after the resets."""
        s = self.s
        if self._one_event:
            self._reset_one()
        else:
            self._reset_all(triggers)
        # The point just after the reset: before tf, without t_eval, the next piece starts
        # with it (solve_ivp's first point is exactly the (t, y) it was given, and so is
        # hold_still's); at tf, stored here.
        if self.t == s.tf and (s.t_eval is None or s.tf in s.t_eval):
            self.record(np.array([self.t]), self.y[:, None])
        if self.t == s.tf:  # right-continuous at tf too
            self._add_dense(self.t, self.t, self.y.copy())

    def _reset_one(self):
        """apply_resets for one scalar event with a direction: as :meth:`_reset_all` does
        it, with Python floats for the event's values (no arrays of one entry)."""
        s, t = self.s, self.t
        event, extra = s.events[0], s.extra
        before = event(t, self.y, *extra)
        if not isinstance(before, float) or before - before != 0.0:  # not a finite float
            before = event_number(0, before, t)
        self.fired_values = [before]
        self._note_event(0)
        y_new = self._check_state("reset", s.reset(t, self.y.copy(), 0, *extra))
        after = event(t, y_new, *extra)
        if not isinstance(after, float) or after - after != 0.0:
            after = event_number(0, after, t)
        # A reset that changes the event's value shows that the event sees the state.
        on_time_alone = after == before and self._on_time_alone(0, y_new, after)
        self.triggers.after_reset_one(on_time_alone, after, t)
        if s.hold is not None:
            self._apply_hold(0, y_new)
        self.y = y_new

    def _reset_all(self, triggers):
        """Reset for ``triggers``, then for every other entry that the resets took to its
        trigger at this instant, in turn; warn of entries left within rounding of theirs."""
        s, tr = self.s, self.triggers
        g_before = self.event_values(self.t, self.y)
        g_start = self.g_start if self.g_start is not None else g_before
        pending = list(triggers)
        self.fired_values = []  # the values of the entries that fired at this instant
        while pending:
            trigger = pending.pop(0)
            i = int(tr.event[trigger])
            self.fired_values.append(g_before[i])
            self._note_event(i)
            y_new = self._check_state("reset", s.reset(self.t, self.y.copy(), i, *s.extra))
            g_after = self.event_values(self.t, y_new)
            # A reset that changes the event's value shows that the event sees the state.
            on_time_alone = g_after[i] == g_before[i] and self._on_time_alone(i, y_new, g_after[i])
            tr.after_reset(trigger, on_time_alone, g_before, g_after, self.t)
            if s.layout.n_entries > 1:
                g_start = self._others_crossed(i, pending, g_start, g_after, y_new)
            if s.hold is not None:
                self._apply_hold(i, y_new)
            self.y, g_before = y_new, g_after
        if s.layout.n_entries > 1:  # did not fire, but only just
            self._near_ties(np.flatnonzero(tr.armed), g_before, self.y)

    def record(self, seg_t, seg_y):
        """Store points (float arrays: times of shape (m,), states (n, m)), skipping a
        first point that repeats the last one stored."""
        if not seg_t.size:
            return
        if seg_t[0] == self.last_t and seg_y[:, 0].tolist() == self.last_y:
            seg_t, seg_y = seg_t[1:], seg_y[:, 1:]
            if not seg_t.size:
                return
        self.pieces_t.append(seg_t)
        self.pieces_y.append(seg_y)
        self.last_t, self.last_y = seg_t[-1], seg_y[:, -1].tolist()

    def outcome(self):
        """The fields of the ResetResult."""
        s = self.s
        t = np.concatenate(self.pieces_t) if self.pieces_t else np.empty(0)
        y = np.concatenate(self.pieces_y, axis=1) if self.pieces_y else np.empty((s.n, 0))
        sol = None if self.dense_pieces is None else self.stitch(s.n, self.dense_pieces)
        return dict(
            t=t, y=y, sol=sol,
            t_events=[np.array(te, dtype=float) for te in self.t_events],
            y_events=None if self.y_events is None else
            [np.array(ye, dtype=float).reshape(-1, s.n) for ye in self.y_events],
            n_resets=self.n_resets, status=self.status, message=self.message,
            success=self.status >= 0, **self.counts)

    # ---- the parts of advance ----

    def _charge_restart(self):
        """A restart costs what RESTART_COST evaluations do: charged, so that a run of
        restarts (near-Zeno resets, a dense stretch of breakpoints) meets max_nfev too."""
        charged = next(itertools.islice(self.nfev_count, Guards.RESTART_COST - 1, None))
        self._charged = charged
        guards = self.guards
        # The look at the budgets (Guards.checkpoint) only when one of them may be used up:
        # what checkpoint itself tests first, without its call at every restart.
        if charged > self.s.max_nfev or time.perf_counter() > guards.wall_deadline:
            guards.checkpoint(charged, self.t)

    def _solve(self, t_stop, seg_eval, held, passed):
        """solve_ivp from (t, y) to t_stop, stopped by the events ``passed``; scipy's
        errors that we can explain become a LifutilsError."""
        s = self.s
        solver_eval = None if seg_eval is None else np.union1d(seg_eval, [t_stop])
        opts = s.options
        if s.first_step is not None:
            opts = dict(opts, first_step=min(s.first_step, t_stop - self.t))
        rhs = self._free_rhs if held is None else self._rhs(held)
        try:
            return _solve_ivp(rhs, (self.t, t_stop), self.y, method=self._method,
                              t_eval=solver_eval, dense_output=s.dense_output,
                              events=passed or None, **opts)
        except ValueError as exc:
            if isinstance(exc, LifutilsError):
                raise
            self._solver_error(exc)

    def _solver_error(self, exc):
        """scipy's ValueError, named where we know its cause; re-raised as it is otherwise."""
        if "infs or NaNs" in str(exc):  # scipy's LU factorisation of the Jacobian
            self.guards.non_finite_jacobian(exc)
        if "must have different signs" not in str(exc):
            raise exc
        raise LifutilsError(
            f"solve_ivp could not locate an event inside the {self.s.method_name} step that "
            f"ends near t = {float(self.guards.t_last_step):.6g}: the step's interpolant does "
            f"not cross zero where its end points do (scipy's root finder: {exc}). Try another "
            "method, a smaller max_step or a tighter rtol/atol") from exc

    # solve_ivp's result is a dict whose keys are also attributes: sol["t"] is sol.t
    # without the attribute lookup's Python-level detour.

    def _tally(self, sol):
        """Add the solver's counts to ours; its times and states as float arrays."""
        s = self.s
        counts = self.counts
        if self._method is s.method:
            counts["nfev"] += int(sol["nfev"])
        else:  # the evaluations since the restart's charge (the look costs one number)
            counts["nfev"] += next(self.nfev_count) - self._charged - 1
        counts["njev"] += int(sol["njev"])
        counts["nlu"] += int(sol["nlu"])
        sol_t = np.asarray(sol["t"], dtype=float)  # scipy leaves [] when t_eval caught nothing
        return sol_t, np.asarray(sol["y"], dtype=float).reshape(s.n, -1)

    @staticmethod
    def _segment_end(sol, sol_y, t_stop):
        """(the scipy event that stopped the solver or None, its time, the state there)."""
        if sol["status"] != 1:
            return None, t_stop, sol_y[:, -1].copy()
        t_events = sol["t_events"]
        which = 0 if len(t_events) == 1 else next(k for k, te in enumerate(t_events) if len(te))
        return which, float(t_events[which][-1]), np.array(sol["y_events"][which][-1],
                                                            dtype=float)

    def _keep(self, sol, sol_t, sol_y, seg_eval, t_end, stopped_by_event):
        """Store the segment's points (those of t_eval, if given) and its dense output."""
        if seg_eval is None:
            self.record(sol_t, sol_y)  # ends with (t_end, y_end), before any reset
        else:
            keep = np.isin(sol_t, seg_eval)
            if stopped_by_event or t_end < self.s.tf:
                keep &= sol_t < t_end  # a point at t_end belongs to what comes next
            self.record(sol_t[keep], sol_y[:, keep])
        self._add_dense(self.t, t_end, sol["sol"])

    def _fired(self, kind_and_trigger, event):
        """The triggers that fired when the scipy ``event`` stopped the solver, or None."""
        kind, trigger = kind_and_trigger
        if kind == "group":
            return self._group_fired(trigger, event.watch)
        if kind == "rearm":  # a time event has left its trigger: it may fire again
            self.triggers.armed[trigger] = True
            return None
        return [trigger]

    def _failed(self, sol, sol_t, sol_y):
        """The solver gave up: keep what it computed, as solve_ivp does, and say where."""
        self.status = -1
        self.record(sol_t, sol_y)  # what it did compute, as solve_ivp returns it
        if sol.sol is not None and sol_t.size > 1:
            self._add_dense(self.t, float(sol_t[-1]), sol.sol)  # as far as it got
        t_fail, self.failure = self.guards.failure(self.t, sol_t, sol.message)
        self.message = f"solver failed at t = {t_fail:.6g}: {sol.message}"

    def _add_dense(self, t_start, t_end, piece):
        """A piece of the dense output, when the call asked for it."""
        if self.dense_pieces is not None:
            self.dense_pieces.append((float(t_start), float(t_end), piece))

    # ---- the parts of apply_resets ----

    def _note_event(self, i):
        """Entry i fires at t: count the reset, store its time (and state)."""
        self.guards.count_reset(self.t)
        self.t_events[i].append(self.t)
        if self.y_events is not None:
            if self.n_resets > self.guards.y_events_limit:
                self.guards.over_y_events(self.t)
            self.y_events[i].append(self.y.copy())

    def _others_crossed(self, i, pending, g_start, g_after, y_new):
        """Add to ``pending`` the other armed triggers that the reset of entry i took to or
        past their trigger; return the event values each segment start now compares with."""
        tr = self.triggers
        crossed = tr.crossed(g_start, g_after, exclude=[i] + [int(tr.event[p]) for p in pending])
        self._near_ties(crossed, g_after, y_new)  # fired, but only just
        pending.extend(crossed)
        hit = np.zeros(self.s.layout.n_entries, dtype=bool)
        hit[[int(tr.event[p]) for p in crossed]] = True
        return np.where(hit, g_start, g_after)

    def _near_ties(self, triggers, g, state):
        """The guards' tie warning for ``triggers``, whose entries have the values g."""
        if len(triggers) and not self.guards.tie_warned:
            entries = self.triggers.event[np.asarray(triggers, dtype=int)]
            self.guards.near_ties(entries, g[entries], state, self.t, self.fired_values)

    # ---- helpers ----

    def event_values(self, t, state):
        """Every entry's value at (t, state), checked: one finite number each; each event
        function is called once (a vector event gives all its entries)."""
        s = self.s
        sizes = s.layout.sizes
        if len(sizes) == 1:  # one event function: no concatenation
            value = s.events[0](t, state, *s.extra)
            if sizes[0] is not None:  # a vector event; our own copy, not a reused buffer
                return np.array(event_vector(0, value, sizes[0], t))
            if not isinstance(value, float) or value - value != 0.0:  # not a finite float
                value = event_number(0, value, t)
            return np.array([value])
        return np.concatenate([
            [event_number(k, e(t, state, *s.extra), t)] if m is None
            else event_vector(k, e(t, state, *s.extra), m, t)
            for k, (e, m) in enumerate(zip(s.events, sizes))])

    def _scipy_event(self, entry, direction, count_steps):
        """Entry ``entry`` as solve_ivp gets it: terminal, checked; with ``count_steps``
        (the first event passed) it also counts the solver's steps."""
        key = (entry, direction, count_steps)
        if key in self._wrappers:
            return self._wrappers[key]
        layout = self.s.layout
        k = int(layout.function_of[entry])
        event, extra, m, run = self.s.events[k], self.s.extra, layout.sizes[k], self
        position = entry - layout.offsets[k]
        steps, guards = self.step_count, self.guards
        limit = guards.step_limit
        if m is None and not extra:  # a scalar event without args: the common case, leaner
            wrapped = _scalar_event(event, k, guards, steps if count_steps else None, run)
            wrapped.terminal = True
            wrapped.direction = direction
            self._wrappers[key] = wrapped
            return wrapped

        def wrapped(t, y):
            # solve_ivp calls each event once per accepted step
            if count_steps:
                guards.t_last_step = t
                if next(steps) > limit:
                    guards.over_memory(run.t)
            value = event(t, y, *extra)
            if m is not None:  # one entry of a vector event, watched alone
                return float(guards.at_step(t, y, event_vector, k, value, m, t)[position])
            if not isinstance(value, float) or value - value != 0.0:  # not a finite float
                return guards.at_step(t, y, event_number, k, value, t)
            return value
        wrapped.terminal = True
        wrapped.direction = direction
        self._wrappers[key] = wrapped
        return wrapped

    def _group_event(self, k, triggers, watch, count_steps):
        """Triggers of vector event k as one scalar event for solve_ivp, so that the event
        function is called once per step whatever its size: the largest of ``watch`` times
        their entries' values, below zero at the start (each trigger is), which rises
        through zero when the first of them reaches its trigger."""
        event, extra, m, run = self.s.events[k], self.s.extra, self.s.layout.sizes[k], self
        positions = self.triggers.event[triggers] - self.s.layout.offsets[k]
        steps, guards = self.step_count, self.guards
        limit = guards.step_limit

        def grouped(t, y):
            # solve_ivp calls each event once per accepted step
            if count_steps:
                guards.t_last_step = t
                if next(steps) > limit:
                    guards.over_memory(run.t)
            values = guards.at_step(t, y, event_vector, k, event(t, y, *extra), m, t)
            return float(np.max(watch * values[positions]))
        grouped.terminal = True
        grouped.direction = 1.0
        grouped.watch = watch
        return grouped

    def _group_fired(self, triggers, watch):
        """After a group stopped the solver: the triggers at or past their trigger now, the
        one that stopped it first, then by how far past, then in order; None if it only
        re-armed time events."""
        tr, layout = self.triggers, self.s.layout
        k = int(layout.function_of[tr.event[triggers[0]]])
        values = event_vector(k, self.s.events[k](self.t, self.y, *self.s.extra),
                               layout.sizes[k], self.t)
        past = watch * values[tr.event[triggers] - layout.offsets[k]]
        hit = (past >= 0) | (past == past.max())
        chosen = triggers[hit][np.lexsort((triggers[hit], -past[hit]))]
        fire = [int(c) for c in chosen if tr.armed[c]]
        tr.armed[chosen] = True  # re-armed watchers (time events that left their trigger)
        return fire or None

    def _rhs(self, held):
        """fun(t, y, *args), counted against max_nfev and the time budget; checked, and
        copied unless nothing but the solver can hold what it returned (a fun may return one
        buffer it reuses: the solver keeps earlier derivatives), with held components frozen.

        A non-finite derivative is not an error in itself: in a trial step that overshoots
        (an exponential upswing, as in AdEx) the solver rejects the step and tries a shorter
        one, as plain solve_ivp does. It is an error once the solver has stepped to a
        non-finite state, or after many in a row (either would loop): see
        :meth:`~lifutils.restart.guards.Guards.non_finite`."""
        s = self.s
        fun = s.fun
        if s.extra:  # fun(t, y, *args): one call, without unpacking args at every evaluation
            user, extra = s.fun, s.extra

            def fun(t, state):
                return user(t, state, *extra)
        parts = (fun, self.nfev_count, self.guards, s.n)
        if held is None and not s.check_finite:
            return counted_rhs(*parts)
        if held is None and s.n <= SMALL:
            return checked_rhs(*parts)
        return guarded_rhs(*parts, s.check_finite, held)

    def _on_time_alone(self, i, state, value):
        """True if entry i does not see the state (a nudge of every component leaves it as is)."""
        nudged = state + 1e-6 * (1.0 + np.abs(state))
        return self.event_values(self.t, nudged)[i] == value

    def _check_state(self, name, value):
        """What reset returned, as our own finite float array of shape (n,), or a
        LifutilsError that names ``name`` and says what is wrong with it."""
        n = self.s.n
        if type(value) is np.ndarray and value.dtype is FLOAT and value.shape == (n,) \
                and finite(value):
            return value.copy()  # our own: a callback may hand back a buffer it reuses
        array = check.real_array(value)
        if array is None:
            raise LifutilsError(f"{name} must return a state of {n} real numbers, "
                                f"got {check.show(value)} at t = {self.t:.6g}")
        if array.shape != (n,):
            raise LifutilsError(f"{name} must return a state of shape ({n},), got shape {array.shape}")
        if not np.all(np.isfinite(array)):
            raise LifutilsError(f"{name} returned a non-finite state {array!r} at t = {self.t:.6g}")
        return array

    def _apply_hold(self, i, y_new):
        s = self.s
        pair = s.hold(self.t, y_new.copy(), i)  # an exception of hold's own stays its own
        try:
            duration, components = pair
        except (TypeError, ValueError):
            raise LifutilsError(f"hold must return a pair (duration, components), got "
                                f"{check.show(pair)} at t = {self.t:.6g}") from None
        duration = check.non_negative("hold's duration", duration)
        try:
            idx = np.arange(s.n)[components]
        except (IndexError, TypeError, ValueError):
            raise LifutilsError(f"hold's components must index the state (0 to {s.n - 1}), "
                                f"got {check.show(components)}") from None
        self.release[idx] = np.maximum(self.release[idx], self.t + duration)
        if idx.size:
            self.latest_release = max(self.latest_release, self.t + duration)


def _scalar_event(event, k, guards, steps, run):
    """Scalar event k (``event(t, y)``, no args) as solve_ivp calls it: its value when
    a finite float, else checked (a LifutilsError that names it, or the derivative that
    made the state non-finite); with ``steps`` (a counter), it also counts the solver's
    steps against the memory budget, as the general wrapper does."""
    isfinite = math.isfinite
    if steps is None:
        def scalar(t, y):
            value = event(t, y)
            if isinstance(value, float) and isfinite(value):
                return value
            return guards.at_step(t, y, event_number, k, value, t)
        return scalar
    limit = guards.step_limit

    def counting(t, y):
        # solve_ivp calls each event once per accepted step (and in locating a crossing)
        guards.t_last_step = t
        if next(steps) > limit:
            guards.over_memory(run.t)
        value = event(t, y)
        if isinstance(value, float) and isfinite(value):
            return value
        return guards.at_step(t, y, event_number, k, value, t)
    return counting

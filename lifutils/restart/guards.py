"""The guards of solve_ivp_with_resets' loop: what stops it with a named error or warns.

Budgets (evaluations, restarts, time, memory, resets), non-finite derivatives (a
rejected trial step is fine; a NaN step size or a long run of them is not), a solver
that gives up (the message of its warning), and resets that leave another event within
rounding of its trigger (a tie). :class:`Guards` is owned by
:class:`~lifutils.restart.loop.Run` (``run.guards``): it keeps the counts the budgets
need and reads nothing of the run but the settings it is given and what each call passes.
:func:`counted_rhs`, :func:`checked_rhs` and :func:`guarded_rhs` wrap fun as the solver
calls it: counted against those budgets, its return checked and the solver's own (copied
unless nothing but the solver can hold it: :data:`EXCLUSIVE`).
"""
from __future__ import annotations

import math
import time
import warnings
from sys import getrefcount

import numpy as np

from .. import checks as check
from ..errors import BudgetError, IllConditionedWarning, LifutilsError, RunawayError

__all__ = ["Guards", "counted_rhs", "checked_rhs", "guarded_rhs", "as_derivative", "finite"]

FLOAT = np.dtype(float)  # a singleton: `dtype is FLOAT` is the cheapest test
#: Up to this many components the finiteness of an array is tested on Python floats
#: (a sum, then math.isfinite only when the sum is not finite); above, with numpy.
SMALL = 64


class Guards:
    """The budgets, counts and messages of one call of solve_ivp_with_resets.

    Built from the call's :class:`~lifutils.restart.args.Settings` (any object with
    their fields: ``t0``, ``tf``, ``n``, ``max_nfev``, ``max_seconds``, ...). What it
    counts: ``n_resets``; ``bad_derivative``, the latest run of non-finite derivatives;
    ``t_last_step``, the time of the solver's latest accepted step (set by the loop's
    event wrappers). The time budget counts this thread's CPU time; reading that clock is
    a system call, the wall clock is not, and the CPU time runs no faster: it is read only
    once the wall clock says the budget may be used up (see :meth:`checkpoint`).
    """

    def __init__(self, s):
        self.s = s
        self.n_resets = 0
        self.last_reset_t, self.resets_here = None, 0
        self.bad_derivative = None  # (t, dy, evaluation, count in a row) of the latest run
        self.t_last_step = s.t0
        self.tie_warned = False
        self.cpu_start = time.thread_time()
        self.wall_start = self.last_look = time.perf_counter()
        self.stride = 1  # evaluations until the next look at the clock (see checkpoint)
        self.wall_deadline = self.wall_start + s.max_seconds
        #: Past this wall-clock time the call stops whatever its CPU time (WALL_FACTOR).
        self.wall_limit = self.wall_start + self.WALL_FACTOR * s.max_seconds
        #: Accepted solver steps the memory budget of the stored trace allows.
        self.step_limit = (check.MEMORY_BUDGET // s.bytes_per_step) if s.bytes_per_step \
            else math.inf
        #: Resets whose states y_events can keep within the memory budget.
        self.y_events_limit = check.MEMORY_BUDGET // (8 * s.n)

    def at_step(self, t, state, check_value, *args):
        """``check_value(*args)`` on an event's value at the solver step (t, state); when
        the value is bad because the solver accepted a non-finite state after a
        non-finite derivative, the error names the derivative, the cause."""
        try:
            return check_value(*args)
        except LifutilsError:
            bad = self.bad_derivative
            if bad is not None and not np.isfinite(np.asarray(state, dtype=float)).all():
                raise LifutilsError(
                    f"fun returned a non-finite derivative {bad[1]!r} at t = {bad[0]:.6g}, and "
                    f"the {self.s.method_name} solver then accepted a step to a non-finite "
                    f"state {np.asarray(state)!r} (at t = {float(t):.6g}). Look for a NaN "
                    "or inf in fun near that time, or try another method") from None
            raise

    #: Right-hand-side evaluations that one restart of the solver is charged against
    #: max_nfev: setting up solve_ivp and its first step take about as long.
    RESTART_COST = 100

    #: Rounding units (of the state's largest magnitude) within which an event's value
    #: after a reset counts as a tie with its trigger.
    TIE_ULPS = 1024

    def near_ties(self, entries, values, state, t, fired_values):
        """Warn (once per call) if any of ``entries`` (event entries watched by an armed
        trigger, ``values`` theirs after the reset at t) lies within rounding of its
        trigger: whether that entry fires in this volley then depends on the last bit of
        the arithmetic, which differs between processors. ``fired_values``: the values of
        the entries that fired at t."""
        if self.tie_warned or not len(entries):
            return
        scale = max(1.0, float(np.max(np.abs(state))))
        tol = self.TIE_ULPS * np.finfo(float).eps * scale
        # An entry equal to one that fired is a symmetric tie (identical neurons), decided
        # the same way on every processor: not a warning.
        near = np.flatnonzero((np.abs(values) < tol) & ~np.isin(values, fired_values))
        if not near.size:
            return
        self.tie_warned = True
        entry, value = int(entries[near[0]]), float(values[near[0]])
        warnings.warn(IllConditionedWarning(
            f"after the reset at t = {t:.6g}, event entry {entry} lies within rounding of "
            f"its trigger (value {value:.3g}, within {tol:.1e}): whether it fires in this volley "
            "depends on rounding, so another processor may give other spike times. Move the "
            "parameters off the tie (a drive, a kick, a start) by more than that"), stacklevel=4)

    def failure(self, t_start, sol_t, reason):
        """The solver, started at t_start, gave up (scipy's ``reason``) after reaching the
        times sol_t: where (t), and the message of the warning that says so."""
        t_fail = max(t_start, float(self.t_last_step), float(sol_t[-1]) if sol_t.size else t_start)
        s, bad = self.s, self.bad_derivative
        cause = "" if bad is None or bad[0] < t_start else (
            f" There, fun returned a non-finite derivative {bad[1]!r} (at t = {bad[0]:.6g}).")
        return t_fail, (
            f"solve_ivp_with_resets stopped at t = {t_fail:.6g} of t_span ({s.t0:g}, {s.tf:g}), "
            f"after {self.n_resets} resets: the {s.method_name} solver failed ({reason})."
            f"{cause} The result holds the trace and events up to there (status = -1). Try "
            "another method (LSODA, or Radau and BDF for a stiff model), another rtol/atol, "
            "a max_step; for a model with an exponential upswing (AdEx), a lower peak (the "
            "threshold event's level) keeps the exponential from overflowing")

    #: Non-finite derivatives in a row after which the solver is taken to be stuck.
    NON_FINITE_RUN = 1000

    def non_finite(self, k, t, dy):
        """A derivative that may be non-finite (its square overflowed, or NaN or inf): note
        it for the failure message, and stop the loops it could start. Called on every
        overflowing trial step (most are rejected and harmless): messages are built only
        when raised."""
        first = self.bad_derivative
        if first is None or k != first[2] + 1:  # a new run of non-finite derivatives
            first = (float(t), dy.copy(), k, 1)
        else:
            first = (first[0], first[1], k, first[3] + 1)
        self.bad_derivative = first
        if not math.isfinite(t):  # the step size itself became NaN: scipy would loop for ever
            raise LifutilsError(
                f"{self._bad_derivative_text()}, and the solver's step size became NaN (it was "
                f"asked for fun at t = {t!r}): it would loop for ever. Look for a division by "
                "zero, a log or sqrt of a negative number, or an exp that overflows where a "
                "step starts")
        if first[3] > self.NON_FINITE_RUN:
            raise LifutilsError(
                f"{self._bad_derivative_text()}, and {first[3]} evaluations in a row since were "
                "non-finite: the solver cannot step past it. Look for a NaN or inf in fun near "
                "that time")

    def non_finite_jacobian(self, exc):
        """scipy's LU factorisation met a NaN or inf: in the Jacobian that jac gave (checked
        first, so not that), or in the one estimated by finite differences of fun."""
        s, bad = self.s, self.bad_derivative
        cause = f"{self._bad_derivative_text()}; " if bad is not None else ""
        raise LifutilsError(
            f"{cause}the {s.method_name} solver's Jacobian, estimated from fun by finite "
            f"differences near t = {float(self.t_last_step):.6g}, holds a NaN or inf "
            f"(scipy: {exc}). fun must stay finite near the states the solver visits; look "
            "for an exp that overflows or a division by zero, or pass a finite jac") from exc

    def _bad_derivative_text(self):
        t_bad, dy_bad = self.bad_derivative[:2]
        return f"fun returned a non-finite derivative {dy_bad!r} at t = {t_bad:.6g}"

    def count_reset(self, t):
        """One more reset, at t: stop runaway firing (max_resets) and Zeno loops."""
        s = self.s
        self.n_resets += 1
        if self.n_resets > s.max_resets:
            raise RunawayError(
                f"more than max_resets = {check.show(s.max_resets)} resets before t = {t:g} "
                f"(t_span ends at {s.tf:g}): the model fires too often to finish in "
                "reasonable time; weaken the drive, shorten t_span, add a hold "
                "(refractory period), or raise max_resets")
        self.resets_here = self.resets_here + 1 if t == self.last_reset_t else 1
        self.last_reset_t = t
        if self.resets_here > 2 * s.layout.n_entries + 1:
            raise LifutilsError(
                f"{self.resets_here} resets at the same time t = {t:.6g}: the resets keep "
                "re-triggering events without time moving on (Zeno); change reset")

    #: Evaluations of fun between two looks at the clock (the time budget): a look costs
    #: less than a tenth of a microsecond, an evaluation with its solver step several.
    CLOCK_EVERY = 64
    #: When the evaluations since the last look took longer than this (s, wall clock: a slow
    #: fun), the clock is read at every evaluation, so the budget is met within one.
    LOOK_EVERY = 0.05
    #: A call stops when its wall-clock time passes this many times max_seconds, whatever
    #: its CPU time: a fun that waits (sleep, I/O, a lock, work in other threads) uses
    #: little CPU time of this thread. Ten: a machine busy with other work slows the wall
    #: clock (four times was met first by a 0.5 s budget on a 2-core machine running the
    #: test suite beside a browser), and a normal run must meet its CPU budget first.
    WALL_FACTOR = 10.0

    def checkpoint(self, k, t):
        """Evaluation (or restart charge) ``k`` at time t has passed the latest checkpoint:
        stop with a BudgetError if over max_nfev or over the time budget; else return the
        count at which to look again."""
        s = self.s
        if k > s.max_nfev:
            self.over_nfev(t)
        now = time.perf_counter()
        if now > self.wall_deadline:  # the CPU time may be over budget
            used = time.thread_time() - self.cpu_start
            if used > s.max_seconds:
                self.over_time(t, k)
            if now > self.wall_limit:
                self.over_time(t, k, wall=now - self.wall_start)
            self.wall_deadline = min(now + (s.max_seconds - used), self.wall_limit)
        # The stride between looks starts at 1 and doubles up to CLOCK_EVERY while looks
        # come quickly; after a slow stretch it falls back to 1.
        slow = now - self.last_look > self.LOOK_EVERY
        self.stride = 1 if slow else min(2 * self.stride, self.CLOCK_EVERY)
        self.last_look = now
        return min(k + self.stride, s.max_nfev)

    def over_time(self, t, k, wall=None):
        s = self.s
        used = (f"used its time budget of max_seconds = {s.max_seconds:.3g} s "
                f"(CPU time{'' if s.max_seconds_given else ', the default'})" if wall is None
                else f"ran {wall:.3g} s of wall-clock time, {self.WALL_FACTOR:g} times "
                     f"max_seconds = {s.max_seconds:.3g} s, on less CPU time (fun waits on "
                     "sleep, files or threads, or the machine is busy)")
        raise BudgetError(
            f"solve_ivp_with_resets {used} "
            f"and had reached t = {float(t):.6g} of t_span ({s.t0:g}, {s.tf:g}) after "
            f"{self.n_resets} resets and about {k} evaluations of fun (each restart of the solver "
            f"counts as {self.RESTART_COST}): the steps are far smaller than the span (a stiff "
            "problem for an explicit method, a step size collapsing, or a very long span), the "
            "resets come too fast, or fun is slow. Try method='LSODA' or 'Radau', loosen "
            "rtol/atol, shorten t_span, or raise max_seconds")

    def over_nfev(self, t):
        s = self.s
        raise BudgetError(
            f"solve_ivp_with_resets used its budget of max_nfev = {check.show(s.max_nfev)} "
            f"right-hand-side evaluations and had reached t = {float(t):.6g} of t_span "
            f"({s.t0:g}, {s.tf:g}) after {self.n_resets} resets (each restart of the solver "
            f"counts as {self.RESTART_COST} evaluations): the steps are far smaller than the span (a stiff problem "
            "for an explicit method, a step size collapsing, or a very long span), or the "
            "resets come too fast (a reset just below its threshold). Try method='LSODA' or "
            "'Radau', loosen rtol/atol, shorten t_span, reset further from the threshold, or "
            "raise max_nfev")

    def over_y_events(self, t):
        s = self.s
        raise BudgetError(
            f"the states kept at resets (y_events) have reached {self.n_resets - 1} resets of "
            f"{s.n} components, over the memory budget of {check.MEMORY_BUDGET:.3g} bytes (at "
            f"t = {t:.6g}): pass keep_y_events=False to keep the spike times only, or "
            "shorten t_span")

    def over_memory(self, t):
        s = self.s
        raise BudgetError(
            f"the trace has reached {self.step_limit + 1} solver steps, over the memory budget of "
            f"{check.MEMORY_BUDGET:.3g} bytes for {s.n} components (at t = {t:.6g}); "
            "pass t_eval to store fewer points, drop dense_output, or shorten t_span")


# ---- fun as the solver calls it: three variants of one wrapper, the cheapest that does the job

def as_derivative(dy, t, n):
    """What fun returned as our own float array of shape (n,), or a LifutilsError that
    says what is wrong with it (it returned n real numbers at the start)."""
    array = check.real_array(dy)
    if array is None or array.size != n or array.ndim > 1:
        raise LifutilsError(
            f"fun must return dy/dt as {n} real numbers (shape ({n},)) at every call, as it "
            f"did at the start; got {check.show(dy)}"
            f"{'' if array is None else f' (shape {array.shape})'} at t = {float(t):.6g}")
    return array.reshape(n).copy()


def finite(array):
    """True if every entry of a float array is finite; for a small one, without numpy's
    per-call cost (the sum of finite numbers is finite unless it overflows)."""
    if array.size > SMALL:
        return bool(np.isfinite(array).all())
    values = array.tolist()
    total = sum(values)
    return total - total == 0.0 or all(map(math.isfinite, values))


def _references_to_a_fresh_array():
    dy = np.empty(1)
    return getrefcount(dy)


#: What sys.getrefcount says of a local variable holding an array that nothing else
#: holds (measured, not assumed: 2 on CPython 3.11, the variable and the call's argument).
#: A returned array that owns its data (``base is None``) and has no more references than
#: this cannot be written to by anyone afterwards (a view of it, a buffer export, an
#: attribute or a closure holding it would each add a reference): the solver may keep it
#: without a copy. Any other (fun's reused buffer, a view of one, the state itself) is
#: copied. Skipping the copy is worth about a third of a microsecond per evaluation.
EXCLUSIVE = _references_to_a_fresh_array()


def counted_rhs(fun, used, guards, n):
    """fun, counted against the budgets of ``guards`` (``used``: the counter of
    evaluations), its return a float array of shape (n,) that only the solver holds
    (copied unless it already is one: see EXCLUSIVE)."""
    checkpoint, ndarray, shape = guards.checkpoint, np.ndarray, (n,)
    refs, exclusive = getrefcount, EXCLUSIVE  # local names: the quickest lookups
    limit = 0  # the count at which to look at the budgets again

    def counted(t, state):
        nonlocal limit
        k = next(used)
        if k > limit:
            limit = checkpoint(k, t)
        dy = fun(t, state)
        if type(dy) is not ndarray or dy.dtype is not FLOAT or dy.shape != shape:
            return as_derivative(dy, t, n)
        if dy.base is not None or refs(dy) > exclusive:
            return dy.copy()
        return dy
    return counted


def checked_rhs(fun, used, guards, n):
    """As counted_rhs, and a non-finite derivative reported to ``guards.non_finite``; for
    a small state (the sum of its entries is finite exactly when they are all finite, or
    else it overflowed). Nothing is formatted here: the message is built only when
    raised."""
    checkpoint, non_finite, ndarray, isfinite = guards.checkpoint, guards.non_finite, \
        np.ndarray, math.isfinite
    shape, refs, exclusive = (n,), getrefcount, EXCLUSIVE
    limit = 0

    def checked(t, state):  # the state of a trial step may itself be non-finite
        nonlocal limit
        k = next(used)
        if k > limit:
            limit = checkpoint(k, t)
        dy = fun(t, state)
        if type(dy) is not ndarray or dy.dtype is not FLOAT or dy.shape != shape:
            dy = as_derivative(dy, t, n)
        elif dy.base is not None or refs(dy) > exclusive:
            dy = dy.copy()
        values = dy.tolist()
        total = sum(values)
        if total - total != 0.0 and not all(map(isfinite, values)):
            non_finite(k, t, dy)
        return dy
    return checked


def guarded_rhs(fun, used, guards, n, check_finite, held):
    """As checked_rhs for any state (numpy's test of finiteness), or without it; the
    components ``held`` (a boolean mask, or None) have a derivative of 0 (set in our own
    copy)."""
    checkpoint, non_finite, ndarray, shape = guards.checkpoint, guards.non_finite, np.ndarray, (n,)
    refs, exclusive = getrefcount, EXCLUSIVE
    limit = 0

    def guarded(t, state):
        nonlocal limit
        k = next(used)
        if k > limit:
            limit = checkpoint(k, t)
        dy = fun(t, state)
        if type(dy) is not ndarray or dy.dtype is not FLOAT or dy.shape != shape:
            dy = as_derivative(dy, t, n)
        elif held is not None or dy.base is not None or refs(dy) > exclusive:
            dy = dy.copy()
        if check_finite and not np.isfinite(dy).all():
            non_finite(k, t, dy)
        if held is not None:
            dy[held] = 0.0
        return dy
    return guarded

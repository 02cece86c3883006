"""solve_ivp_with_resets: solve_ivp, plus a state reset each time an event fires.

scipy's solve_ivp cannot change the state at an event (its events only locate and
stop): a terminal event stops the integration, and it is up to the caller to restart it
from the new state. This module is that restart loop, written once, with the
bookkeeping done right: one stitched trace, events recorded per event function,
t_eval and dense output honoured across restarts, components held for a while
after an event (a refractory period), restarts at known breakpoints of the
right-hand side, events on time alone (a kick at a given time), and budgets
and guards against loops that would never end.

Events may be vector events (one function, an array of thresholds, as for a
population): their entries are numbered in order across the event functions.

The loop reads as the algorithm (its steps are in :mod:`~lifutils.restart.loop`,
the argument checks in :mod:`~lifutils.restart.args`, which events may fire in
:mod:`~lifutils.restart.triggers`): ``advance`` integrates to the next
event, breakpoint or release; ``apply_resets`` resets (every event that fires
at that instant, in turn); ``hold_still`` steps over a stretch where every
component is held; ``record`` stores the trace.
"""
from __future__ import annotations

import time
import warnings
from contextlib import nullcontext

import numpy as np
from scipy.optimize import OptimizeResult

from .args import Settings, time_budget
from .loop import Run
from .. import checks as check
from . import tolerance
from ..errors import LifutilsError, SolverFailedWarning

__all__ = ["solve_ivp_with_resets", "ResetResult", "StitchedSolution", "MAX_RESETS", "MAX_NFEV"]

#: Default cap on the number of resets in one call.
MAX_RESETS = 5000
#: Default budget of right-hand-side evaluations in one call: seconds of work (about
#: 15 s at the 7 us a scalar LIF evaluation takes here), never hours.
MAX_NFEV = 2_000_000


class ResetResult(OptimizeResult):
    """Result of :func:`solve_ivp_with_resets`, shaped like scipy's OdeResult.

    Attributes: ``t`` (n_points,), ``y`` (n, n_points), ``sol`` (a
    :class:`StitchedSolution` or None), ``t_events`` and ``y_events`` (one
    array per event entry: per scalar event, and per entry of a vector event;
    y_events holds the state just before each reset), ``n_resets``, ``nfev``, ``njev``, ``nlu``, ``status`` (0: reached
    the end of t_span, -1: a solver step failed), ``message``, ``success``.
    """


class StitchedSolution:
    """Dense output across resets: ``sol(t)`` evaluates the solution at t.

    Right-continuous: at a reset time it returns the state after the reset,
    at the end of t_span too. Returns shape (n,) for a scalar t and (n, len(t))
    for a one-dimensional array; other shapes, and NaN or inf, are refused
    (LifutilsError). Times outside t_span get the state at its nearer end.
    """

    def __init__(self, n, pieces):
        """``pieces``: ``(t_start, t_end, piece)`` in order of time, each piece an
        OdeSolution or a constant state (ndarray of shape (n,))."""
        self.n = n
        self.t_starts = [float(p[0]) for p in pieces]
        self.t_ends = [float(p[1]) for p in pieces]
        self._pieces = [p[2] for p in pieces]

    @property
    def t_max(self):
        return self.t_ends[-1]

    def __call__(self, t):
        given = t
        try:
            t = np.asarray(t, dtype=float)
        except (TypeError, ValueError, OverflowError):  # OverflowError: an int past float's range
            t = None
        if t is None or t.ndim > 1 or not np.isfinite(t).all():
            raise LifutilsError("t must be a finite time or a one-dimensional array of them "
                                f"(the sol of solve_ivp_with_resets), got {check.show(given)}")
        if not self._pieces:
            raise LifutilsError("sol has no dense output to evaluate: the solver failed before "
                                "its first step (the result's status is -1)")
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


def solve_ivp_with_resets(fun, t_span, y0, *, events, reset, hold=None, method="RK45",
                          t_eval=None, dense_output=False, args=None, breakpoints=(),
                          max_resets=MAX_RESETS, max_nfev=MAX_NFEV, max_seconds=None,
                          check_finite=True,
                          keep_y_events=True, spike_tol=None, **options):
    """Solve an initial value problem whose state jumps when an event fires.

    Like :func:`scipy.integrate.solve_ivp`, but each event is a *reset*: when
    ``events[i](t, y)`` crosses zero (in its ``direction``), the integration
    stops there, ``reset(t, y, i)`` gives the new state, and the integration
    goes on from it until ``t_span[1]``.

    After a reset, an event must leave its trigger before it can fire again
    (as Julia's callbacks do). A threshold ``y[0] - v_thresh`` leaves it at
    once, since the reset moves y[0] below; an event on time alone, such as
    ``t - 20.0`` (a kick at 20 ms) or ``np.sin(2 * np.pi * t / period)`` (a
    kick every period), is unchanged by the reset and stays at its trigger:
    it fires again only after it has gone back to the other side and crosses
    once more. So ``t - 20.0`` fires once, at 20 ms, and never again (in a
    hand-written restart loop plain solve_ivp would report it again at once,
    at the restart); for a train of kicks, let the event look up the next
    time from a counter kept in the state.

    Tolerances: pass ``spike_tol`` (ms), and the tool chooses rtol and atol
    itself (see below). Without ``rtol``, ``atol`` or ``spike_tol`` it runs
    at solve_ivp's defaults, ``rtol=1e-3, atol=1e-6``, and checks them: a
    second run at ``rtol=1e-6, atol=1e-9`` (without t_eval or dense output),
    compared event by event; when the number of events differs or an event
    moved by more than 0.5 ms, a :class:`~lifutils.ToleranceWarning` names
    the tolerances, what differs (the counts, the largest change of a time,
    the first event that differs) and what to pass instead. The defaults can
    change the firing pattern itself, not only shift spikes by hundredths of
    a ms to a few ms: the LIF neuron of the example below misses one spike
    of 56 over 1000 ms; driven 1e-4 mV above its threshold it never fires
    (8 spikes in 1000 ms); published models gain or lose spikes (Izhikevich
    2004's class 2 neuron 17 of 18, a quadratic integrate-and-fire neuron
    31 of 32, tests/published_models.py). With the check, a run without
    tolerances takes 2 to 8 times (median 3.5) as long as the same run
    with ``rtol=1e-3, atol=1e-6`` passed (``benchmarks/spike_tol.py``).
    With ``rtol`` or ``atol`` given, nothing extra runs: ``rtol=1e-10,
    atol=1e-10`` puts the spikes of most published models within 1e-6 ms
    (Izhikevich's resonator 1e-5 ms; a neuron near its rheobase, whose
    spike times are ill-conditioned, 1e-3 ms).
    :func:`~lifutils.simulate_events` chooses tight defaults of its own.

    Failures: as solve_ivp, a solver that gives up returns what it computed
    (``status = -1``, ``success = False``) instead of raising; it also gives a
    :class:`~lifutils.SolverFailedWarning` that says where it stopped, why and
    what to try, so a short list of spikes is never silent. A model with an
    exponential upswing (AdEx) overflows in trial steps near its peak: the
    solver rejects those steps, as plain solve_ivp does; how high the peak
    (the threshold event's level) sits decides which methods get through.
    For AdEx (:mod:`lifutils.gallery`, adapting, rtol = atol = 1e-6) at 0 mV
    RK45, RK23, DOP853, Radau and LSODA, whatever the last bits of exp; BDF
    gets through or stops with the warning below, as they fall; at 20 mV none: RK45,
    RK23, DOP853, Radau and BDF stop with the warning and the partial
    result, and LSODA raises (see Raises). A lower peak costs nothing: from
    0 mV on, V reaches 20 mV (and infinity) in about 2.3e-10 ms, so the
    spike times do not depend on the peak beyond about 1e-9 ms
    (tests/test_claims_08.py measures both).

    Parameters
    ----------
    fun : callable
        Right-hand side ``fun(t, y)`` as for solve_ivp (y has shape (n,)).
        As with solve_ivp, fun and the events are handed the solver's own
        state array: read it, never write into it (a copy per call would
        cost a tenth of the overhead). What they return may be a reused
        buffer: it is copied.
    t_span : 2-tuple of float
        Interval of integration (t0, tf), with tf > t0 (time units of fun, ms here).
    y0 : array_like, shape (n,)
        Initial state; finite, n >= 1.
    events : callable or list of callables
        Event functions ``event(t, y)`` returning one finite number; each may
        have a ``direction`` attribute (+1: fire when it rises through 0, -1:
        falls, 0 or missing: either). Every event resets; they are made
        terminal internally, so their ``terminal`` attribute is ignored. For
        a threshold use ``lambda t, y: y[0] - v_thresh`` with direction +1.

        A *vector event* returns an array of shape (m,), one entry per
        threshold (like Julia's VectorContinuousCallback): for a population,
        ``lambda t, v: v - v_thresh``. Its ``direction`` is a number for every
        entry or an array of shape (m,). Entries are numbered in order across
        all event functions (a scalar event counts as one); that index is what
        ``reset`` and ``hold`` receive and what ``t_events`` is indexed by.
        Each event function is called once per solver step whatever m is, and
        its crossings are located as precisely as a scalar event's; when
        several entries cross in one step the earliest fires first, and exact
        ties reset together, in order. (An entry that starts a stretch between
        two restarts at or past its trigger is watched alone, as a scalar
        event is.)
    reset : callable
        ``reset(t, y, index) -> new_y``: the state just after event entry
        ``index`` fired at time t with state y; of the same shape as y. When the reset changes that event's
        value, it must take it strictly back before its trigger
        (``event(t, new_y) < 0`` for direction +1), or it would fire again at
        once (a Zeno loop, for a neuron ``v_reset >= v_thresh``): that is an
        error. A reset that leaves the event's value unchanged (a time event)
        is fine, as described above.
    hold : callable, optional
        ``hold(t, new_y, index) -> (duration, components)``: after event
        ``index``, keep the listed state components constant for ``duration``
        (a refractory period), then release them. Events keep being watched.
    method : str or OdeSolver
        Any method solve_ivp accepts. Default "RK45".
    t_eval : array_like, optional
        Strictly increasing times at which to store the solution, inside
        t_span. At a reset time the stored value is the state after the reset.
    dense_output : bool
        Build ``sol``, a callable continuous solution stitched across resets.
    args : tuple, optional
        Extra arguments, passed last, in order: ``fun(t, y, *args)``,
        ``event(t, y, *args)`` for every event, and ``reset(t, y, index,
        *args)`` (after the index). ``hold`` gets no extra arguments.
    breakpoints : sequence of float
        Times where ``fun`` is discontinuous (an input switching on or off).
        The solver stops and restarts there instead of stepping across.
    max_resets : int
        Cap on the number of resets: more is an error (RunawayError) that
        says so, instead of a run that seems to hang. Default 5000.
    max_nfev : int
        Budget of work over the whole call, in right-hand-side evaluations
        (default 2 million: about 15 s for a scalar LIF model here, at 7 us
        an evaluation). Each restart of the solver (after a reset, at a
        breakpoint or a release) is charged as 100 evaluations, what it costs
        in time, so that resets that come too fast (a reset just below its
        threshold) meet the budget too. A ``max_step`` that implies more
        evaluations (3, 6 and 12 per step for RK23, RK45 and DOP853, at least
        one for the others) is refused before any work (BudgetError), and so
        are more breakpoints than the budget has restarts for; a run that
        uses the budget up stops with a BudgetError saying how far it got. A
        trace that would take more than about 1 GB is refused the same way.
    max_seconds : float, optional
        Budget of time for the call (s of CPU time of the calling thread: on
        an idle machine the wall-clock time; on a busy one the wall clock runs
        faster), next to ``max_nfev``: a run still going after it stops with a
        BudgetError that says so and how far it got. The clock is read every
        64 evaluations of fun (1, 2, 4, ... at the start) and at each restart,
        and at every evaluation while they take more than 0.05 s between two
        looks, so the run stops within a
        fraction of a second of the budget (or one evaluation of fun, if that
        takes longer). A run whose wall-clock time passes 10 times
        ``max_seconds`` stops the same way, whatever its CPU time: a fun that
        waits (sleeps, reads files, waits for other threads) uses little. When the tool chooses the tolerances itself
        (``spike_tol``, or the check of the defaults), its runs share this one
        budget, as they share ``max_nfev``. Default: 15 s, or ``max_nfev`` times 7.5 us
        when that is longer (so that raising ``max_nfev`` raises it too). A
        model that costs more per evaluation than a scalar LIF one (the
        gallery's: 35 to 85 us with the solver's share) meets the time budget
        before the evaluation budget. Normal runs take well under a second
        (``python benchmarks/budgets.py`` prints how long the hostile ones
        take to stop); ``inf`` turns the time budget off.
    keep_y_events : bool
        Keep the state just before each reset in ``y_events`` (default True).
        For a large population that fires often this is most of the memory
        (n floats per reset, held to the memory budget: a BudgetError says
        so): False keeps the spike times only, and ``y_events`` is None.
    spike_tol : float, optional
        A tolerance on the event times (ms, > 0), instead of ``rtol`` and
        ``atol`` (giving both is an error): runs at rtol = atol = 1e-5,
        1e-6, ... until two successive runs have the same number of events
        and every event time within ``spike_tol / 2`` of the other's; the
        last run is returned, with ``event_time_error`` (that largest
        difference, ms: an estimate of the error, the margin of 2 covering
        the loose tolerances where the estimate is rough), ``rtol`` and
        ``atol`` (those of the run returned), ``tolerance_runs`` (the rtol of
        each run) and ``total_nfev`` (all runs together). ``max_nfev`` is the
        budget of all the runs; past it, or below rtol = 1e-13, a
        BudgetError says how far it got. On 29 published models at
        spike_tol = 0.01 ms it costs 2.3 to 6.6 times (median 3.2) the
        right-hand-side evaluations of the loosest rtol = atol = 10**-k that
        meets the same spike_tol, picked by hand against a reference, and
        its errors come out well inside spike_tol (``benchmarks/spike_tol.py``).
    check_finite : bool
        Watch every derivative for NaN and inf. One in a trial step that the
        solver rejects is fine (an exponential overshoot); once the solver's
        step size becomes NaN, or after a long run of them, it is a
        LifutilsError that says when (a NaN can make RK45 loop forever, scipy
        issues 11239 and 17846), and a failure it causes is named in the
        warning. While it watches, numpy's overflow and invalid-value
        warnings during the call (in fun, the events, reset and hold, and in
        scipy's own arithmetic on a rejected trial step) are not shown: a
        non-finite value they lead to is named where it matters (a
        LifutilsError, or the warning of a failed run). It costs about 0.2 us per
        evaluation (under 15% of the run time of a two-variable model,
        ``benchmarks/accuracy_cost.py``); turn it off only when fun cannot
        return them. Default True.
    **options
        Passed to solve_ivp (``rtol``, ``atol``, ``max_step``, ``first_step``,
        ``jac`` ...). A callable ``jac`` is called as ``jac(t, y, *args)``, as
        fun is, and what it returns is checked (an (n, n) matrix of finite
        numbers) as fun's is. Note that solve_ivp looks for an event's sign
        change only at the ends of each step (scipy issue 9228): an excursion past the
        trigger that starts and ends inside one step is missed. Use
        ``max_step`` shorter than the briefest crossing you must catch.

    Returns
    -------
    ResetResult
        With ``t``, ``y``, ``sol``, ``t_events``, ``y_events`` (state before
        each reset), ``n_resets``, ``nfev``, ``njev``, ``nlu``, ``status``,
        ``message``, ``success``, and the tolerances used, ``rtol`` and
        ``atol``. Without rtol and atol also ``event_time_error``: the
        largest change of an event time at the check (ms; inf when the
        number of events differs, nan when the check could not run); with
        spike_tol, as described there. Without t_eval, ``t`` holds every solver
        step, and each reset appears as two points at the same time: the state
        before and after.

    Raises
    ------
    LifutilsError
        (a ValueError) For bad arguments, a non-finite derivative that would
        make the solver loop, a non-finite event value or reset state, or a
        reset that leaves its event triggered (Zeno), or an event that scipy's
        root finder cannot locate inside a step (LSODA at an AdEx peak of 20 mV:
        "Try another method, a smaller max_step or a tighter rtol/atol"; the
        other methods fail there with the warning below); with spike_tol, a run
        where the solver fails (status -1), or spike_tol with rtol or atol.
    RunawayError
        When more than ``max_resets`` resets would be needed.
    BudgetError
        When the work or memory the call implies is over its budget, or the
        run uses up its evaluations (max_nfev) or its time (max_seconds); with
        spike_tol, when it is not met within max_nfev or above rtol = 1e-13.

    Warns
    -----
    SolverFailedWarning
        When the solver gives up before ``t_span[1]`` (the result then has
        ``status = -1`` and holds the trace and events up to there).
    ToleranceWarning
        Without rtol, atol and spike_tol: when the check at rtol = 1e-6 finds
        another number of events or an event moved by more than 0.5 ms, or
        when the check could not run (the call's max_nfev used up).
    IllConditionedWarning
        When a reset leaves another event within rounding of its trigger:
        whether that event fires in the same volley then depends on the last
        bit of the arithmetic, which differs between processors.

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

    A population of three neurons driven by 20, 25 and 30 mV, with one
    vector event for all three thresholds; ``reset`` gets the neuron that fired:

    >>> def population(t, v):
    ...     return (-(v + 70.0) + np.array([20.0, 25.0, 30.0])) / 10.0
    >>> def thresholds(t, v):
    ...     return v + 55.0
    >>> thresholds.direction = 1
    >>> def reset(t, v, i):
    ...     v = v.copy()
    ...     v[i] = -80.0
    ...     return v
    >>> sol = solve_ivp_with_resets(population, (0, 20), np.full(3, -70.0),
    ...                             events=thresholds, reset=reset, rtol=1e-10, atol=1e-10)
    >>> [te.round(4) for te in sol.t_events]  # 10 ln 4, 10 ln 2.5, 10 ln 2 ...
    [array([13.8629]), array([9.1629]), array([ 6.9315, 16.7398])]

    A state jump at a given time: the same cell without drive, kicked by
    10 mV at t = 20 ms. The event depends on t alone and fires once:

    >>> def kick_time(t, y):
    ...     return t - 20.0
    >>> sol = solve_ivp_with_resets(lambda t, y: -(y + 70.0) / 10.0, (0, 50), [-70.0],
    ...                             events=kick_time, reset=lambda t, y, i: y + 10.0,
    ...                             dense_output=True, rtol=1e-10, atol=1e-10)
    >>> sol.t_events[0], sol.sol(20.0).round(4), sol.sol(30.0).round(4)
    (array([20.]), array([-60.]), array([-66.3212]))
    """
    if spike_tol is not None or not ("rtol" in options or "atol" in options):
        # Tolerances chosen here (lifutils.restart.tolerance): each run below passes both.
        budget = check.integer("max_nfev", max_nfev, minimum=1)
        # One time budget for all the runs together, as max_nfev is (CPU time, as in one run).
        seconds = time_budget(max_seconds, budget)
        started = time.thread_time()

        def again(**changes):  # each run: the call's arguments, with the tolerances (and so on) changed
            left = max(seconds - (time.thread_time() - started), 1e-3)
            given = dict(events=events, reset=reset, hold=hold, method=method, t_eval=t_eval,
                         dense_output=dense_output, args=args, breakpoints=breakpoints,
                         max_resets=max_resets, max_seconds=left, check_finite=check_finite,
                         keep_y_events=keep_y_events, **options)
            return solve_ivp_with_resets(fun, t_span, y0, **{**given, **changes})
        if spike_tol is None:
            return tolerance.solve_checked(again, budget)
        return tolerance.solve_within(again, _check_spike_tol(spike_tol, options), budget)
    settings = Settings.from_call(
        fun=fun, t_span=t_span, y0=y0, events=events, reset=reset, hold=hold, method=method,
        t_eval=t_eval, dense_output=dense_output, args=args, breakpoints=breakpoints,
        max_resets=max_resets, max_nfev=max_nfev, max_seconds=max_seconds,
        check_finite=check_finite, keep_y_events=keep_y_events, options=options)
    # While check_finite watches, an overflow is ours to judge (a non-finite derivative,
    # event value or reset is named where it matters): numpy's warnings on it, in fun, the
    # callbacks and scipy's arithmetic on a rejected trial step, are not shown. One errstate
    # for the whole call: entered at every restart it cost 3% of a LIF run.
    with np.errstate(over="ignore", invalid="ignore") if settings.check_finite else nullcontext():
        run = Run(settings, stitch=StitchedSolution)
        while run.t < settings.tf:
            t_stop, seg_eval, held = run.next_stop()
            if held is not None and held.all():
                run.hold_still(t_stop, seg_eval)
                continue
            fired = run.advance(t_stop, seg_eval, held)
            if run.status < 0:
                warnings.warn(run.failure, SolverFailedWarning, stacklevel=2)
                break
            if fired is not None:
                run.apply_resets(fired)
    result = ResetResult(**run.outcome())
    result.rtol = options.get("rtol", tolerance.DEFAULT_RTOL)
    result.atol = options.get("atol", tolerance.DEFAULT_ATOL)
    return result


def _check_spike_tol(spike_tol, options):
    """spike_tol as a float > 0 (ms), and never with rtol or atol."""
    given = [name for name in ("rtol", "atol") if name in options]
    if given:
        raise LifutilsError(f"spike_tol and {' and '.join(given)} cannot both be given: spike_tol "
                            f"chooses rtol and atol itself; pass spike_tol alone, or "
                            f"{' and '.join(given)} without spike_tol")
    value = check.positive("spike_tol", spike_tol, unit="ms")
    if value < 1e-9:
        raise LifutilsError(f"spike_tol must be at least 1e-9 ms (double precision holds event "
                            f"times to about 1e-12 relative), got {check.show(spike_tol)}")
    return value

"""Tolerances chosen for the events, a layer above the restart loop.

Two ways :func:`~lifutils.solve_ivp_with_resets` answers "can I trust these spike
times?" when the user has not said how precise the solver should be:

* ``spike_tol`` (ms): :func:`solve_within` runs the loop at rtol = atol =
  1e-5, 1e-6, ... (ten times tighter each time) until two successive
  runs have the same events, every event time within ``spike_tol / 2`` of the
  other's (:data:`SAFETY`); it returns the last run, with the tolerances used and that largest
  difference (``event_time_error``).
* neither ``rtol`` nor ``atol`` (solve_ivp's defaults, rtol = 1e-3 and
  atol = 1e-6): :func:`solve_checked` runs the loop at those defaults and
  once more at :data:`CHECK_RTOL`, :data:`CHECK_ATOL`, and compares the two
  event by event. When the number of events differs or an event moved by more
  than :data:`MOVED_MS`, a :class:`~lifutils.ToleranceWarning` says so and
  what to pass instead.

Both call the loop through ``solve(rtol=..., atol=..., max_nfev=...)``, a
:func:`functools.partial` of solve_ivp_with_resets with the user's other
arguments, so the loop itself knows nothing of this.

Examples
--------
>>> a = [np.array([1.0, 5.0])]
>>> compare_events(a, [np.array([1.0, 5.25])]).largest
0.25
>>> c = compare_events(a, [np.array([1.0])])
>>> c.same_count, c.first_moved
(False, (0, 1, 5.0, None))
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from .. import checks as check
from ..errors import BudgetError, LifutilsError, ToleranceWarning

__all__ = ["solve_within", "solve_checked", "compare_events", "DEFAULT_RTOL", "DEFAULT_ATOL",
           "CHECK_RTOL", "CHECK_ATOL", "MOVED_MS", "START_RTOL", "RTOL_FLOOR"]

#: solve_ivp's default tolerances, what a run without rtol and atol uses.
DEFAULT_RTOL, DEFAULT_ATOL = 1e-3, 1e-6
#: The tolerances of the check run at the defaults (the defaults' ratio of atol to rtol).
CHECK_RTOL, CHECK_ATOL = 1e-6, 1e-9
#: An event that moves by more than this (ms) between the defaults and the check is a
#: warning: what a plot of a spike train shows, and well above the check run's own error.
MOVED_MS = 0.5
#: spike_tol: the first rtol (= atol) tried and the floor; each run is 10 times tighter.
START_RTOL, RTOL_FLOOR = 1e-5, 1e-13
#: spike_tol: the last two runs must agree within spike_tol / SAFETY. Their difference
#: estimates the error of the looser run; at loose tolerances, before the error shrinks
#: steadily with rtol, the tighter run can be off by more than it (Izhikevich 2004 (B):
#: 1.75 times at rtol 1e-6), hence the margin.
SAFETY = 2.0
#: What to suggest in the warning: tolerances that put the published models in
#: tests/published_models.py within 1e-6 ms of their references.
SUGGESTED_RTOL = 1e-10


@dataclass(frozen=True)
class Comparison:
    """Two runs' events compared entry by entry.

    ``counts``: (entry, events in a, events in b) for every entry whose counts differ;
    ``largest``: the largest change of a time among the events both have (ms, 0 if
    none); ``first_moved``: ``(entry, k, t_a, t_b)`` of the earliest event (by its time
    in a, or in b where a has none) that is missing from one run or moved by more than
    ``moved``, else None; ``entries``: how many event entries.
    """
    counts: tuple
    largest: float
    first_moved: tuple | None
    entries: int = 1

    @property
    def same_count(self):
        return not self.counts


def compare_events(a, b, moved=0.0):
    """Compare the event times ``a`` and ``b`` (lists of arrays, one per event entry)."""
    counts, largest, candidates = [], 0.0, []
    for entry, (ta, tb) in enumerate(zip(a, b)):
        ta, tb = np.asarray(ta, dtype=float), np.asarray(tb, dtype=float)
        common = min(ta.size, tb.size)
        if ta.size != tb.size:
            counts.append((entry, ta.size, tb.size))
            k = common
            candidates.append((ta[k] if k < ta.size else tb[k], entry, k,
                               float(ta[k]) if k < ta.size else None,
                               float(tb[k]) if k < tb.size else None))
        if common:
            diff = np.abs(ta[:common] - tb[:common])
            largest = max(largest, float(diff.max()))
            over = np.flatnonzero(diff > moved)
            if over.size:
                k = int(over[0])
                candidates.append((ta[k], entry, k, float(ta[k]), float(tb[k])))
    first = min(candidates)[1:] if candidates else None
    return Comparison(tuple(counts), largest, first, len(a))


def solve_within(solve, spike_tol, max_nfev):
    """Tighten rtol = atol until two successive runs agree on every event within spike_tol.

    ``solve(rtol=, atol=, max_nfev=)`` runs the loop. Returns the last run, with
    ``rtol``, ``atol``, ``event_time_error`` (the largest change of an event time
    between the last two runs, ms: an estimate, on the safe side, of the error of
    the run returned), ``spike_tol`` and ``tolerance_runs`` (the rtol of every run).
    Raises BudgetError when the runs use up ``max_nfev`` together, or when rtol
    would go below :data:`RTOL_FLOOR`; LifutilsError when a run fails.
    """
    used, tried, previous = 0, [], None
    first, last = round(-math.log10(START_RTOL)), round(-math.log10(RTOL_FLOOR))
    for rtol in (10.0 ** -k for k in range(first, last + 1)):
        try:
            run = solve(rtol=rtol, atol=rtol, max_nfev=max(max_nfev - used, 1))
        except BudgetError as error:
            raise BudgetError(
                f"spike_tol = {check.show(spike_tol)} ms was not reached within max_nfev = "
                f"{check.show(max_nfev)} right-hand-side evaluations (all runs together; runs "
                f"at rtol = atol = {_listing(tried + [rtol])}): {error}. Raise max_nfev, ask "
                f"for a larger spike_tol or shorten t_span") from None
        used += int(run.nfev)
        tried.append(rtol)
        if run.status < 0:
            raise LifutilsError(
                f"spike_tol = {check.show(spike_tol)} ms: the solver failed at rtol = atol = "
                f"{rtol:.0e}, so the event times cannot be brought within spike_tol: "
                f"{run.message}")
        if previous is not None:  # c: the last two runs compared (for the message below)
            c = compare_events(previous.t_events, run.t_events)
            if c.same_count and c.largest <= spike_tol / SAFETY:
                return _label(run, rtol, rtol, event_time_error=c.largest, spike_tol=spike_tol,
                              tolerance_runs=tuple(tried), total_nfev=used)
        previous = run
    change = (_count_text(c, f"rtol {tried[-2]:.0e}", f"rtol {tried[-1]:.0e}") if not c.same_count
              else f"the event times still changed by {c.largest:.3g} ms")
    raise BudgetError(
        f"spike_tol = {check.show(spike_tol)} ms was not reached down to rtol = atol = "
        f"{RTOL_FLOOR:.0e}, the floor of what double precision can hold: between the last two "
        f"runs {change}. The events may be ill-conditioned (a grazing threshold crossing, "
        f"chaos); ask for a larger spike_tol or a shorter t_span")


def solve_checked(solve, max_nfev):
    """Run at the defaults, check against a run at CHECK_RTOL, warn when they disagree.

    Returns the run at the defaults with ``rtol``, ``atol`` and
    ``event_time_error`` (the largest change of an event time at the check, ms;
    inf when the number of events differs, nan when the check could not run).
    """
    run = solve(rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL, max_nfev=max_nfev)
    if run.status < 0:  # it has said so (SolverFailedWarning); nothing to check against
        return _label(run, DEFAULT_RTOL, DEFAULT_ATOL, event_time_error=math.nan)
    header = (f"At the default tolerances (rtol = {DEFAULT_RTOL:g}, atol = {DEFAULT_ATOL:g}, "
              f"used because neither rtol nor atol was given)")
    advice = (f"Pass spike_tol (ms: the tool then chooses rtol and atol so that every event "
              f"time is within it), or rtol = atol = {SUGGESTED_RTOL:g}.")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            check_run = solve(rtol=CHECK_RTOL, atol=CHECK_ATOL, t_eval=None,
                              dense_output=False, keep_y_events=False,
                              max_nfev=max(max_nfev - int(run.nfev), 1))
    except LifutilsError as error:
        check_run, caught = None, [error]
    if check_run is None or check_run.status < 0:
        why = caught[0] if caught else check_run.message
        warnings.warn(f"{header}, the events could not be checked: a run at rtol = "
                      f"{CHECK_RTOL:g}, atol = {CHECK_ATOL:g} stopped ({_text(why)}). "
                      f"{advice}", ToleranceWarning, stacklevel=3)
        return _label(run, DEFAULT_RTOL, DEFAULT_ATOL, event_time_error=math.nan)
    c = compare_events(run.t_events, check_run.t_events, moved=MOVED_MS)
    if c.same_count and c.largest <= MOVED_MS:
        return _label(run, DEFAULT_RTOL, DEFAULT_ATOL, event_time_error=c.largest)
    if c.same_count:
        found = (f"the same number of events, but one moved by {c.largest:.3g} ms (more than "
                 f"{MOVED_MS:g} ms)")
    else:
        found = _count_text(c, "the defaults", "the check") + (
            f", and of the events both have one moved by {c.largest:.3g} ms"
            if c.largest > MOVED_MS else "")
    entry, k, t_default, t_check = c.first_moved
    where = (f"the first event that differs is event {entry}'s number {k + 1}: "
             f"{_at(t_default)} at the defaults, {_at(t_check)} at the check")
    warnings.warn(f"{header}, the events cannot be trusted: checked against a run at rtol = "
                  f"{CHECK_RTOL:g}, atol = {CHECK_ATOL:g}, there are {found}; "
                  f"{where}. {advice}",
                  ToleranceWarning, stacklevel=3)
    return _label(run, DEFAULT_RTOL, DEFAULT_ATOL,
                  event_time_error=c.largest if c.same_count else math.inf)


def _label(run, rtol, atol, **extra):
    run.rtol, run.atol = rtol, atol
    for key, value in extra.items():
        run[key] = value
    return run


def _count_text(c, first, second):
    parts = [f"{a} events at {first}, {b} at {second}"
             + (f" (event {entry})" if c.entries > 1 else "") for entry, a, b in c.counts]
    return "; ".join(parts)


def _at(t):
    return "none" if t is None else f"{t:.6g} ms"


def _text(why):
    return str(getattr(why, "message", why))


def _listing(rtols):
    return ", ".join(f"{r:.0e}" for r in rtols)

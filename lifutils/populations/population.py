"""Populations of uncoupled LIF neurons: three ways to simulate them, one record, what each costs.

The population of notebook 07 and ``benchmarks/population.py``: n neurons with
the membrane of the question (ms, mV, nA, MOhm) and a refractory period of
2 ms (NEST needs one), all starting at v_rest, with drives ``r_m * i_e``
spread evenly over 10-40 mV (below 15 mV a neuron stays silent). Each neuron is
a plain LIF neuron, so the closed form gives every spike time exactly.

Every simulator of a population takes ``(params, i_e, t_max, *, ...)``, with
keyword-only options named as in the single-neuron functions, and returns a
:class:`SpikeRecord` (neuron indices ``i`` and times ``t``, in the spirit of
Brian2's SpikeMonitor):

* :func:`simulate_population`, ``events="vector"``:
  :func:`lifutils.solve_ivp_with_resets` with *one* event function that returns
  all n thresholds at once, ``v - v_thresh``; its cost per spike should not
  grow with n;
* ``events="per_neuron"``: one event function per neuron, each called at every
  solver step, so the cost per spike grows with n;
* :func:`simulate_population_euler`: the question's Euler loop, vectorised over
  the neurons with numpy;
* :func:`lifutils.populations.nest_bridge.simulate_population_nest`: the NEST simulator,
  when installed;
* :func:`exact_population`: the closed form.

Budgets. The input currents are constant, so the closed form counts the spikes
before any work: more than ``max_spikes`` is a RunawayError, and a record or
loop whose size is over :data:`lifutils.checks.MEMORY_BUDGET` (1 GB) or over
its work budget is a BudgetError that names the argument, before anything is
allocated. No trace is kept: a SpikeRecord holds spike times only, and
solve_ivp_with_resets runs with ``t_eval=[]`` and ``keep_y_events=False``.

:func:`lifutils.populations.measure` runs one of the
:data:`~lifutils.populations.APPROACHES` (key, label, runner and style, declared
in :mod:`lifutils.populations.approaches`) and returns one row of the cost table.
"""
from __future__ import annotations

import numpy as np

from .. import checks as check
from ..analytic import runaway_message, threshold_gap
from ..errors import LifutilsError, RunawayError
from ..events import DEFAULT_ATOL, DEFAULT_RTOL
from ..methods import EXPLICIT_METHODS, SOLVE_IVP_METHODS
from ..params import LIFParams, check_t_max
from .euler import MAX_NEURON_STEPS, STEP_OVERHEAD, simulate_population_euler
from ..restart.resets import MAX_NFEV, solve_ivp_with_resets
from ..restart.args import seconds_for
from ..restart.guards import Guards
from ..spike_record import (BYTES_PER_NEURON, SpikeRecord, currents, population_params,
                           refuse_other_options, spike_cap)

__all__ = ["POPULATION_NEURON", "DRIVE_RANGE", "POPULATION_T_MAX", "SpikeRecord",
           "MAX_NEURON_STEPS", "STEP_OVERHEAD", "MAX_RESET_WORK", "RESET_OVERHEAD",
           "MAX_EVENT_CALLS", "population_drives", "exact_population",
           "simulate_population", "simulate_population_euler", "compare_trains"]

#: The membrane of every neuron: the question's, with t_ref = 2 ms.
POPULATION_NEURON = LIFParams(t_ref=2.0)
#: Range of the drives r_m * i_e (mV), spread evenly over the population.
DRIVE_RANGE = (10.0, 40.0)
#: Simulation length of the cost table (ms).
POPULATION_T_MAX = 200.0
#: What solve_ivp_with_resets charges against max_nfev for each restart of the solver.
RESTART_COST = Guards.RESTART_COST
#: Time budget (s of CPU time) of simulate_population: what MAX_RESET_WORK allows (or
#: max_nfev times SECONDS_PER_EVALUATION, when that is longer).
MAX_SECONDS = 30.0
#: Work budget of one event per neuron: event-function calls, at least neurons x
#: spikes (each reset restarts the solver, which calls every event), about 15 s here
#: (measured: 27 us of processor time per neuron and spike).
MAX_EVENT_CALLS = 500_000
#: Work budget of solve_ivp_with_resets for a population, in neuron-resets: each reset
#: restarts the solver on all n neurons, about 1.2 ms + 0.3 us x n here, so a reset counts
#: as n + RESET_OVERHEAD; 1e8 of them is about 30 s.
MAX_RESET_WORK = 100_000_000
RESET_OVERHEAD = 4000
#: Largest drive |r_m * i_e| (mV) solve_ivp is given: its error norms square the derivative.
MAX_DRIVE = 1e100


def _trains(spikes) -> list:
    """Per-neuron spike trains of a SpikeRecord, or of a sequence of trains."""
    return spikes.spike_trains() if isinstance(spikes, SpikeRecord) else list(spikes)


def population_drives(n, params: LIFParams = POPULATION_NEURON) -> np.ndarray:
    """Input currents (nA) of n neurons whose drives ``r_m * i_e`` span :data:`DRIVE_RANGE`.

    Examples
    --------
    >>> population_drives(4)
    array([10., 20., 30., 40.])
    """
    n = check.integer("n", n, minimum=1)
    check.budget("n", n, float(BYTES_PER_NEURON) * min(n, 10**300), check.MEMORY_BUDGET,
                 what="bytes of neurons", advice="simulate fewer neurons")
    return np.linspace(*DRIVE_RANGE, n) / params.r_m


# ------------------------------------------------------------------ the closed form

def _closed_form(params: LIFParams, i_e, t_max):
    """(first spike time, interspike interval, spike count) of each neuron, from the closed form."""
    p = params
    gap = threshold_gap(p, i_e)  # v_inf - v_thresh, without v_inf's rounding
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        fires = gap > 0
        first = np.where(fires, p.tau_m * np.log1p((p.v_thresh - p.v_start) / np.where(fires, gap, 1.0)),
                         np.inf)
        isi = np.where(fires, p.t_ref + p.tau_m * np.log1p((p.v_thresh - p.v_reset)
                                                            / np.where(fires, gap, 1.0)), np.inf)
    if p.v_start >= p.v_thresh:
        first = np.zeros_like(gap)
    with np.errstate(invalid="ignore"):
        later = np.where(np.isfinite(isi) & (first <= t_max), np.floor((t_max - first) / isi), 0.0)
    count = np.where(first <= t_max, 1.0 + later, 0.0)  # floats: may be far beyond any int
    return first, isi, count


def _expected_spikes(params, i_e, t_max, max_spikes) -> int:
    """The closed-form spike count, refused (RunawayError) over max_spikes."""
    total = float(np.sum(_closed_form(params, i_e, t_max)[2]))
    if total > max_spikes:
        raise RunawayError(runaway_message(total, max_spikes, t_max))
    return int(total)


def exact_population(params: LIFParams, i_e, t_max, *, max_spikes=None, **options) -> SpikeRecord:
    """Closed-form spike times (ms) of each neuron driven by ``i_e`` (nA), as a SpikeRecord.

    The same numbers as :func:`lifutils.exact_spike_times` for each neuron,
    computed for all neurons at once. ``max_spikes`` (default 5000 per neuron)
    caps the total: more is a RunawayError.

    Examples
    --------
    >>> [s.round(2) for s in exact_population(POPULATION_NEURON, [10.0, 40.0], 20.0).spike_trains()]
    [array([], dtype=float64), array([ 4.7 , 13.63])]
    """
    refuse_other_options("exact_population", options, ("max_spikes",))
    params, t_max, i_e = population_params(params), check_t_max(t_max), currents(i_e)
    _expected_spikes(params, i_e, t_max, spike_cap(max_spikes, i_e.size))
    first, isi, count = _closed_form(params, i_e, t_max)
    count = count.astype(np.int64)
    who = np.repeat(np.arange(i_e.size), count)
    k = np.arange(who.size) - np.repeat(np.cumsum(count) - count, count)  # spike k of its neuron
    with np.errstate(invalid="ignore"):
        t = first[who] + np.where(k > 0, isi[who], 0.0) * k
    keep = t <= t_max
    return SpikeRecord(i=who[keep], t=t[keep], n=i_e.size, t_max=t_max, approach="exact")


# ------------------------------------------------------------------ solve_ivp_with_resets

def simulate_population(params: LIFParams, i_e, t_max, *, events="vector", method="RK45",
                        rtol=None, atol=None, max_step=np.inf, max_spikes=None,
                        max_nfev=MAX_NFEV, **options) -> SpikeRecord:
    """Simulate uncoupled LIF neurons with :func:`lifutils.solve_ivp_with_resets`.

    Parameters
    ----------
    params : LIFParams
        The membrane of every neuron (its ``i_e`` is not used).
    i_e : array_like, shape (n,)
        Constant input current of each neuron (nA).
    t_max : float
        Simulation length (ms).
    events : {"vector", "per_neuron"}
        One event function returning all n thresholds, or n event functions
        (at most :data:`MAX_EVENT_CALLS` calls, counted as neurons x spikes, up front).
        Each spike restarts the solver on all n neurons: the spikes the closed
        form expects times ``n + RESET_OVERHEAD`` must stay within
        :data:`MAX_RESET_WORK` (about 30 s here; 1000 neurons over 200 ms
        are 12,000 spikes, within it; 3000 are not), and each restart is
        charged against ``max_nfev`` (below).
    method : str
        A solve_ivp method ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA").
    rtol, atol : float or None
        Solver tolerances; None means 1e-8, as for :func:`lifutils.simulate_events`.
    max_step : float
        Step cap (ms); inf (default) for none: v rises monotonically to each threshold.
    max_spikes : int or None
        Cap on the spikes of all neurons (default 5000 per neuron, at most
        31 million: 1 GB of record); the closed form counts them first, so more
        is a RunawayError before any work.
    max_nfev : int
        Budget of right-hand-side evaluations of the whole population, as in
        :func:`lifutils.solve_ivp_with_resets` (seconds for a few neurons; an
        evaluation of many neurons costs more, and the work budget of the
        resets above bounds the time). Each reset restarts the solver, and so
        does each release after ``t_ref``: 100 evaluations each, charged up
        front from the closed-form count (1000 neurons over 200 ms restart
        24,500 times: pass ``max_nfev=10**7``). An explicit method (RK45,
        RK23, DOP853) needs at least one evaluation per ``tau_m`` of t_max
        whatever the tolerance, so a t_max beyond the budget is refused at
        once, as :func:`lifutils.simulate_events` does. The time budget
        (``max_seconds`` of solve_ivp_with_resets) is 30 s of CPU time, what
        the work budget of the resets above allows, or ``max_nfev`` times
        7.5 us when that is longer: raising max_nfev raises it too.
    **options
        None: any other keyword (t_eval, dense_output ...) is refused with a
        LifutilsError that names it.

    Returns
    -------
    SpikeRecord
        ``nfev``: the right-hand-side evaluations.

    Examples
    --------
    >>> rec = simulate_population(POPULATION_NEURON, [20.0, 30.0], 30.0, rtol=1e-10, atol=1e-10)
    >>> rec.t.round(4), rec.i
    (array([ 6.9315, 13.8629, 18.7398]), array([1, 0, 1]))
    """
    refuse_other_options("simulate_population", options, ("events", "method", "rtol", "atol",
                                                       "max_step", "max_spikes", "max_nfev"))
    params, t_max, drive = population_params(params, below=True), check_t_max(t_max), currents(i_e)
    n = drive.size
    if not isinstance(method, str) or method not in SOLVE_IVP_METHODS:
        raise LifutilsError(f"method must be one of {', '.join(SOLVE_IVP_METHODS)}, "
                            f"got {check.show(method)}")
    if not isinstance(events, str) or events not in ("vector", "per_neuron"):
        raise LifutilsError(f'events must be "vector" or "per_neuron", got {check.show(events)}')
    rtol, atol, max_step = check.solver_options(DEFAULT_RTOL if rtol is None else rtol,
                                                DEFAULT_ATOL if atol is None else atol, max_step)
    max_nfev = check.integer("max_nfev", max_nfev, minimum=1)
    if np.max(np.abs(params.r_m * drive)) > MAX_DRIVE:
        raise LifutilsError(f"i_e must give drives |r_m * i_e| up to {MAX_DRIVE:g} mV for "
                            f"solve_ivp (its error norms square the derivative and overflow), "
                            f"got {check.show(float(np.max(np.abs(drive))))} nA")
    max_spikes = spike_cap(max_spikes, n)
    expected = _expected_spikes(params, drive, t_max, max_spikes)
    _check_solver_budgets(events, n, expected, t_max, max_nfev, params.t_ref)
    if method in EXPLICIT_METHODS:
        check.budget("t_max", t_max, t_max / params.tau_m, max_nfev,
                     what=f"membrane time constants, each at least one evaluation for {method}",
                     advice="use method='LSODA' (or 'Radau', 'BDF'), whose steps grow while "
                            "nothing happens, or shorten t_max")
    p = params
    lif, thresholds, reset, hold = _population_model(p, p.r_m * drive, events)
    sol = solve_ivp_with_resets(lif, (0.0, t_max), np.full(n, p.v_start), events=thresholds,
                                reset=reset, hold=hold if p.t_ref > 0 else None, method=method,
                                t_eval=np.empty(0), rtol=rtol, atol=atol, max_step=max_step,
                                max_resets=max_spikes, max_nfev=max_nfev,
                                max_seconds=max(MAX_SECONDS, seconds_for(max_nfev)),
                                check_finite=False,
                                keep_y_events=False)  # the spike times only: no state per reset
    counts = [len(s) for s in sol.t_events]
    who = np.repeat(np.arange(n), counts)
    when = np.concatenate([np.asarray(s, dtype=float) for s in sol.t_events])
    return SpikeRecord(i=who, t=when, n=n, t_max=t_max, approach=events, nfev=int(sol.nfev))


def _population_model(p, drive, events):
    """(rhs, events, reset, hold) of uncoupled LIF neurons with the membrane p and the
    drives r_m * i_e (mV), for solve_ivp_with_resets: one vector event or one per neuron."""
    def lif(t, v):
        return (-(v - p.v_rest) + drive) / p.tau_m

    def reset(t, v, index):
        v = v.copy()
        v[index] = p.v_reset
        return v

    def hold(t, v, index):
        return p.t_ref, [index]

    if events == "vector":
        def thresholds(t, v):
            return v - p.v_thresh
        thresholds.direction = 1
    else:
        thresholds = [_threshold_of(i, p.v_thresh) for i in range(drive.size)]
    return lif, thresholds, reset, hold


def _check_solver_budgets(events, n, expected, t_max, max_nfev, t_ref):
    """Refuse, before any work, the work the spikes imply (each one restarts the solver)."""
    restarts = expected * (2 if t_ref > 0 else 1)  # at each reset, and at each release
    check.budget("t_max", t_max, float(restarts) * RESTART_COST, max_nfev,
                 what=f"right-hand-side evaluations ({expected} resets, {restarts} restarts "
                 f"of the solver with the releases after t_ref, each charged as "
                 f"{RESTART_COST} against max_nfev)",
                 advice="shorten t_max, simulate fewer neurons or raise max_nfev")
    check.budget("t_max", t_max, float(expected) * (n + RESET_OVERHEAD), MAX_RESET_WORK,
                 what=f"neuron-resets ({expected} resets, each a restart of the solver on {n} "
                 f"neurons, counted as {n} + {RESET_OVERHEAD})",
                 advice="shorten t_max or simulate fewer neurons (or use NEST)")
    if events == "per_neuron":
        calls = float(n) * max(expected, 1)
        check.budget("i_e", f"<{n} currents>", calls, MAX_EVENT_CALLS,
                     what=f"event-function calls ({n} events called at each step, "
                     f"{expected} restarts over t_max = {t_max:g} ms)",
                     advice="use events='vector', fewer neurons or a shorter t_max")


def _threshold_of(i, v_thresh):
    """The event of neuron i alone (a function per neuron fixes i: no late binding)."""
    def threshold(t, v):
        return v[i] - v_thresh
    threshold.direction = 1
    return threshold


# ------------------------------------------------------------------ comparing

def compare_trains(spikes, exact):
    """Compare two populations' spikes: SpikeRecords, or lists of per-neuron trains (ms).

    Returns
    -------
    (float, int)
        The largest difference (ms) between corresponding spikes (the k-th of a
        neuron with its k-th), over the spikes both have; and the number of
        neurons whose spike count differs.

    Examples
    --------
    >>> compare_trains([np.array([1.0, 2.0]), np.array([])], [np.array([1.0, 2.5]), np.array([])])
    (0.5, 0)
    >>> compare_trains([np.array([1.25])], [np.array([1.0, 2.0])])
    (0.25, 1)
    """
    a_trains, b_trains = _trains(spikes), _trains(exact)
    if len(a_trains) != len(b_trains):
        raise LifutilsError(f"the two populations must have as many neurons, got "
                            f"{len(a_trains)} and {len(b_trains)}")
    worst, wrong_counts = 0.0, 0
    for a, b in zip(a_trains, b_trains):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        wrong_counts += a.size != b.size
        k = min(a.size, b.size)
        if k:
            worst = max(worst, float(np.max(np.abs(a[:k] - b[:k]))))
    return worst, wrong_counts

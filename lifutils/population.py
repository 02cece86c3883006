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
* :func:`lifutils.nest_bridge.simulate_population_nest`: the NEST simulator,
  when installed;
* :func:`exact_population`: the closed form.

Budgets. The input currents are constant, so the closed form counts the spikes
before any work: more than ``max_spikes`` is a RunawayError, and a record or
loop whose size is over :data:`lifutils._validate.MEMORY_BUDGET` (1 GB) or over
its work budget is a BudgetError that names the argument, before anything is
allocated. No trace is kept: a SpikeRecord holds spike times only, and
solve_ivp_with_resets runs with ``t_eval=[]`` and ``keep_y_events=False``.

:func:`measure` runs one of them and returns one row of the cost table.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from . import _validate as check
from .analytic import MAX_SPIKES, runaway_message, threshold_gap
from .errors import LifutilsError, RunawayError
from .events import DEFAULT_ATOL, DEFAULT_RTOL
from .euler import DT, MAX_EULER_STEPS
from .methods import EXPLICIT_METHODS, SOLVE_IVP_METHODS
from .params import LIFParams, check_dt, check_t_max
from .resets import MAX_NFEV, solve_ivp_with_resets
from .restart_guards import Guards

__all__ = ["POPULATION_NEURON", "DRIVE_RANGE", "POPULATION_T_MAX", "METHODS", "SpikeRecord",
           "MAX_NEURON_STEPS", "STEP_OVERHEAD", "MAX_RESET_WORK", "RESET_OVERHEAD",
           "MAX_EVENT_CALLS", "population_drives", "exact_population",
           "simulate_population", "simulate_population_euler", "compare_trains", "measure"]

#: The membrane of every neuron: the question's, with t_ref = 2 ms.
POPULATION_NEURON = LIFParams(t_ref=2.0)
#: Range of the drives r_m * i_e (mV), spread evenly over the population.
DRIVE_RANGE = (10.0, 40.0)
#: Simulation length of the cost table (ms).
POPULATION_T_MAX = 200.0
#: The methods :func:`measure` knows.
METHODS = ("vector", "per_neuron", "euler", "nest")
#: What solve_ivp_with_resets charges against max_nfev for each restart of the solver.
RESTART_COST = Guards.RESTART_COST
#: Work budget of the vectorised Euler loop in neuron-steps: 6-20 s here (numpy: 6 ns per
#: neuron-step on a quiet machine, 20 ns on a busy one).
MAX_NEURON_STEPS = 1_000_000_000
#: What one step of the vectorised Euler loop costs whatever n is (8 us of numpy calls),
#: in neuron-steps: a step of n neurons counts as n + STEP_OVERHEAD.
STEP_OVERHEAD = 1000
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
#: Bytes a spike takes in a SpikeRecord (its index and its time) and while it is collected.
BYTES_PER_SPIKE = 32
#: Bytes per neuron the simulators hold at once (state, drive, event values, solver stages).
BYTES_PER_NEURON = 200


@dataclass(frozen=True, eq=False)
class SpikeRecord:
    """The spikes of a population: who fired (``i``) and when (``t``), in order of time.

    One record type for every way of simulating a population, as Brian2's
    SpikeMonitor: ``i[k]`` is the neuron (0 to n - 1) of the k-th spike and
    ``t[k]`` its time (ms); spikes at the same instant are in order of neuron.

    Attributes
    ----------
    i : ndarray of int, shape (n_spikes,)
        Neuron index of each spike.
    t : ndarray of float, shape (n_spikes,)
        Spike times (ms), sorted.
    n : int
        Number of neurons (some may never fire).
    t_max : float
        Simulated length (ms).
    method : str
        Who computed it: "vector", "per_neuron", "euler", "nest" or "exact".
    nfev : int or None
        Work done: right-hand-side evaluations of the population (solve_ivp),
        neuron-steps (Euler); None for NEST and the closed form.

    Examples
    --------
    >>> rec = SpikeRecord.from_trains([[2.0, 1.0], [], [1.0]], t_max=3.0, method="exact")
    >>> rec.i, rec.t
    (array([0, 2, 0]), array([1., 1., 2.]))
    >>> rec.counts(), [s.tolist() for s in rec.spike_trains()]
    (array([2, 0, 1]), [[1.0, 2.0], [], [1.0]])
    """

    i: np.ndarray
    t: np.ndarray
    n: int
    t_max: float
    method: str
    nfev: int | None = None

    def __post_init__(self):
        i, t = check.real_array(self.i), check.real_array(self.t)
        if i is None or not np.all(np.isfinite(i)) or np.any(i != np.round(i)):
            raise LifutilsError(f"i must be neuron indices (integers), got {check.show(self.i)}")
        if t is None or not np.all(np.isfinite(t)):
            raise LifutilsError(f"t must be finite spike times (ms), got {check.show(self.t)}")
        n = check.integer("n", self.n, minimum=1)
        if i.shape != t.shape or i.ndim != 1:
            raise LifutilsError(f"i and t must be 1-D arrays of one length, got shapes "
                                f"{i.shape} and {t.shape}")
        if i.size and (i.min() < 0 or i.max() >= n):
            raise LifutilsError(f"i must hold neuron indices from 0 to n - 1 = {n - 1}")
        i = i.astype(np.int64)
        object.__setattr__(self, "n", n)
        order = np.lexsort((i, t))  # by time, then by neuron
        i, t = i[order], t[order]
        i.flags.writeable = t.flags.writeable = False
        object.__setattr__(self, "i", i)
        object.__setattr__(self, "t", t)

    @classmethod
    def from_trains(cls, trains, *, t_max, method, nfev=None) -> "SpikeRecord":
        """A record from one array of spike times (ms) per neuron."""
        trains = [np.ravel(np.asarray(s, dtype=float)) for s in trains]
        i = np.repeat(np.arange(len(trains)), [s.size for s in trains])
        t = np.concatenate(trains) if trains else np.empty(0)
        return cls(i=i, t=t, n=len(trains), t_max=float(t_max), method=method, nfev=nfev)

    @property
    def n_spikes(self) -> int:
        """Number of spikes of all neurons."""
        return int(self.t.size)

    def counts(self) -> np.ndarray:
        """Spikes of each neuron, shape (n,)."""
        return np.bincount(self.i, minlength=self.n)

    def spike_trains(self) -> list:
        """The spike times (ms) of each neuron: a list of n sorted arrays (linear time)."""
        order = np.argsort(self.i, kind="stable")  # stable: each train stays in time order
        edges = np.cumsum(self.counts())[:-1]
        return np.split(self.t[order], edges)


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


# ------------------------------------------------------------------ arguments, checked once

def population_params(params, *, below=False) -> LIFParams:
    """params, a LIFParams; with ``below``, one whose v0 lies below v_thresh."""
    if not isinstance(params, LIFParams):
        raise LifutilsError(f"params must be a LIFParams (lifutils.LIFParams(...)), "
                            f"got {check.show(params)}")
    if below and params.v_start >= params.v_thresh:  # every neuron would fire at t = 0
        raise LifutilsError(f"params.v0 must lie below v_thresh = {params.v_thresh:g} mV for a "
                            f"population, got {check.show(params.v_start)}")
    return params


def _currents(i_e) -> np.ndarray:
    """i_e as a float array of shape (n,), finite; a LifutilsError that names i_e otherwise."""
    rule = "a non-empty 1-D array of finite currents (nA), one per neuron"
    array = None
    if not isinstance(i_e, (str, bytes)):
        array = check.real_array(i_e) if not callable(i_e) else None
    if array is None or array.dtype.kind == "b":
        raise LifutilsError(f"i_e must be {rule}, got {check.show(i_e)}")
    array = np.atleast_1d(array)
    if np.asarray(i_e).dtype.kind == "b" or array.ndim != 1 or array.size == 0 \
            or not np.all(np.isfinite(array)):
        raise LifutilsError(f"i_e must be {rule}, got {check.show(i_e)}")
    check.budget("i_e", f"<{array.size} currents>", BYTES_PER_NEURON * array.size,
                 check.MEMORY_BUDGET, what="bytes of neurons", advice="simulate fewer neurons")
    return array


def refuse_other_options(who, options, known):
    """Refuse keywords that ``who`` does not take, naming them (not Python's TypeError)."""
    if options:
        raise LifutilsError(f"{who} takes no argument {sorted(options)!r} (a SpikeRecord keeps "
                            f"spike times, no trace: for one, use solve_ivp_with_resets); its "
                            f"options are {', '.join(known)}")


def spike_cap(max_spikes, n) -> int:
    """The cap on spikes: MAX_SPIKES per neuron by default, as for one neuron; within memory."""
    if max_spikes is None:
        return min(MAX_SPIKES * n, check.MEMORY_BUDGET // BYTES_PER_SPIKE)
    max_spikes = check.integer("max_spikes", max_spikes, minimum=1)
    check.budget("max_spikes", max_spikes, float(BYTES_PER_SPIKE) * min(max_spikes, 10**300),
                 check.MEMORY_BUDGET, what="bytes of spike record", advice="lower max_spikes")
    return max_spikes


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


# ------------------------------------------------------------------ the closed form

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
    params, t_max, i_e = population_params(params), check_t_max(t_max), _currents(i_e)
    _expected_spikes(params, i_e, t_max, spike_cap(max_spikes, i_e.size))
    first, isi, count = _closed_form(params, i_e, t_max)
    count = count.astype(np.int64)
    who = np.repeat(np.arange(i_e.size), count)
    k = np.arange(who.size) - np.repeat(np.cumsum(count) - count, count)  # spike k of its neuron
    with np.errstate(invalid="ignore"):
        t = first[who] + np.where(k > 0, isi[who], 0.0) * k
    keep = t <= t_max
    return SpikeRecord(i=who[keep], t=t[keep], n=i_e.size, t_max=t_max, method="exact")


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
        once, as :func:`lifutils.simulate_events` does.
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
    params, t_max, drive = population_params(params, below=True), check_t_max(t_max), _currents(i_e)
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
    drive = p.r_m * drive

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
        thresholds = [_threshold_of(i, p.v_thresh) for i in range(n)]
    sol = solve_ivp_with_resets(lif, (0.0, t_max), np.full(n, p.v_start), events=thresholds,
                                reset=reset, hold=hold if p.t_ref > 0 else None, method=method,
                                t_eval=np.empty(0), rtol=rtol, atol=atol, max_step=max_step,
                                max_resets=max_spikes, max_nfev=max_nfev, check_finite=False,
                                keep_y_events=False)  # the spike times only: no state per reset
    counts = [len(s) for s in sol.t_events]
    who = np.repeat(np.arange(n), counts)
    when = np.concatenate([np.asarray(s, dtype=float) for s in sol.t_events])
    return SpikeRecord(i=who, t=when, n=n, t_max=t_max, method=events, nfev=int(sol.nfev))


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


# ------------------------------------------------------------------ Euler, vectorised

def simulate_population_euler(params: LIFParams, i_e, t_max, *, dt=None,
                              max_spikes=None, **options) -> SpikeRecord:
    """The question's Euler loop for all neurons at once (numpy), as :func:`lifutils.simulate_euler`.

    Each step updates every v by ``dt * dv/dt``; a neuron at or above
    ``v_thresh`` after the step spikes at the end of it, is reset to ``v_reset``
    and skips the steps that start before its spike time plus ``t_ref``.

    Parameters
    ----------
    params : LIFParams
        The membrane of every neuron (its ``i_e`` is not used).
    i_e : array_like, shape (n,)
        Constant input current of each neuron (nA).
    t_max : float
        Simulation length (ms).
    dt : float or None
        Time step (ms); None: 0.1 ms, or t_max / 10 for a run shorter than 1 ms,
        as in :func:`lifutils.simulate_euler`. More than 20 million steps, or
        more than :data:`MAX_NEURON_STEPS` neuron-steps (a step costs as much
        as :data:`STEP_OVERHEAD` neurons), is refused (BudgetError).
    max_spikes : int or None
        Cap on the spikes of all neurons (default 5000 per neuron): the loop
        stops with a RunawayError beyond it.
    **options
        None: any other keyword is refused with a LifutilsError that names it.

    Returns
    -------
    SpikeRecord
        Spike times on the grid ``k * dt``; ``nfev``: neuron-steps.

    Examples
    --------
    >>> simulate_population_euler(POPULATION_NEURON, [20.0], 40.0).t.round(1)
    array([13.8, 33.7])
    """
    refuse_other_options("simulate_population_euler", options, ("dt", "max_spikes"))
    params, t_max, drive = population_params(params, below=True), check_t_max(t_max), _currents(i_e)
    dt = check_dt((min(DT, t_max / 10) or t_max) if dt is None else dt, t_max)
    check.budget("dt", dt, t_max / dt, MAX_EULER_STEPS,
                 what=f"Euler steps over t_max = {t_max:g} ms",
                 advice="use a larger dt or a shorter t_max")
    n = drive.size
    check.budget("dt", dt, (n + STEP_OVERHEAD) * t_max / dt, MAX_NEURON_STEPS,
                 what=f"neuron-steps for {n} neurons (+ {STEP_OVERHEAD} per step for the loop) "
                 f"over t_max = {t_max:g} ms",
                 advice="use a larger dt, a shorter t_max or fewer neurons")
    max_spikes = spike_cap(max_spikes, n)
    p = params
    n_steps = math.ceil(t_max / dt)  # len(np.arange(0, t_max, dt)), without allocating it
    while n_steps > 0 and (n_steps - 1) * dt >= t_max:
        n_steps -= 1
    v = np.full(n, p.v_start)
    free_from = np.zeros(n, dtype=np.int64)  # first step each neuron integrates again
    # Steps a neuron is held after its spike, capped so that a huge t_ref cannot overflow.
    held = p.t_ref / dt - 1e-9  # inf for a dt of a few denormals
    held_steps = n_steps + 1 if not held < n_steps + 1 else max(math.ceil(held), 0)
    steps, who, total = [], [], 0
    drive = p.r_m * drive
    for k in range(n_steps):
        free = free_from <= k
        v = np.where(free, v + dt * (-(v - p.v_rest) + drive) / p.tau_m, v)
        fired = np.flatnonzero(free & (v >= p.v_thresh))
        if fired.size:
            total += fired.size
            if total > max_spikes:
                raise RunawayError(runaway_message(total, max_spikes, t_max))
            v[fired] = p.v_reset
            free_from[fired] = k + 1 + held_steps
            steps.append(np.full(fired.size, k + 1))
            who.append(fired)
    steps = np.concatenate(steps) if steps else np.empty(0, dtype=np.int64)
    who = np.concatenate(who) if who else np.empty(0, dtype=np.int64)
    return SpikeRecord(i=who, t=steps * dt, n=n, t_max=t_max, method="euler",
                       nfev=n_steps * n)


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


def measure(method, n, *, t_max=POPULATION_T_MAX, dt=0.1, params: LIFParams = POPULATION_NEURON,
            **options) -> dict:
    """Simulate the population of n neurons with one method and return a row of the cost table.

    Parameters
    ----------
    method : {"vector", "per_neuron", "euler", "nest"}
        See the module docstring; "nest" needs NEST installed.
    n : int
        Number of neurons.
    t_max : float
        Simulation length (ms).
    dt : float
        Time step of "euler" (ms).
    params : LIFParams
        The membrane of every neuron.
    **options
        Passed to :func:`simulate_population` (default rtol = atol = 1e-10).

    Returns
    -------
    dict
        ``method``, ``n``, ``seconds`` (wall time), ``spikes`` (resets), ``nfev``
        (right-hand-side evaluations; neuron-steps for "euler"; None for
        "nest"), ``ms_per_spike`` (wall time per reset), ``cpu_ms_per_spike``
        (processor time of this process per reset, steadier than wall time on a
        busy machine), and from :func:`compare_trains` against the closed form
        ``error`` (largest spike-time difference, ms) and ``wrong_counts``
        (neurons with a spike too many or too few).

    Examples
    --------
    >>> row = measure("vector", 10, t_max=50.0)
    >>> row["spikes"], row["error"] < 1e-6, row["wrong_counts"]
    (30, True, 0)
    """
    if not isinstance(method, str) or method not in METHODS:
        raise LifutilsError(f"method must be one of {METHODS}, got {check.show(method)}")
    drive = population_drives(n, params)
    if method == "nest":
        from .nest_bridge import import_nest, simulate_population_nest
        import_nest()  # the first import of NEST takes a second or two: not the model's cost
    start, cpu_start = time.perf_counter(), time.process_time()
    if method in ("vector", "per_neuron"):
        options = {"rtol": 1e-10, "atol": 1e-10, **options}
        record = simulate_population(params, drive, t_max, events=method, **options)
    elif method == "euler":
        record = simulate_population_euler(params, drive, t_max, dt=dt)
    else:
        record = simulate_population_nest(params, drive, t_max)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    n_spikes = record.n_spikes
    error, wrong_counts = compare_trains(record, exact_population(params, drive, t_max))
    return {"method": method, "n": int(n), "seconds": seconds, "spikes": n_spikes,
            "nfev": record.nfev, "ms_per_spike": 1e3 * seconds / max(n_spikes, 1),
            "cpu_ms_per_spike": 1e3 * cpu_seconds / max(n_spikes, 1),
            "error": error, "wrong_counts": wrong_counts}

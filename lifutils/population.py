"""Populations of uncoupled LIF neurons: three ways to simulate them, and what each costs.

The population of notebook 07 and ``benchmarks/population.py``: n neurons with
the membrane of the question (ms, mV, nA, MOhm) and a refractory period of
2 ms (NEST needs one), all starting at v_rest, with drives ``r_m * i_e``
spread evenly over 10-40 mV (below 15 mV a neuron stays silent). Each neuron is
a plain LIF neuron, so the closed form gives every spike time exactly.

The ways to simulate it:

* ``"vector"``: :func:`lifutils.solve_ivp_with_resets` with *one* event function
  that returns all n thresholds at once, ``v - v_thresh``; its cost per spike
  should not grow with n;
* ``"per_neuron"``: one event function per neuron, each called at every solver
  step, so the cost per spike grows with n;
* ``"euler"``: the question's Euler loop, vectorised over the neurons with numpy;
* ``"nest"``: the NEST simulator (:mod:`lifutils.nest_bridge`), when installed.

:func:`measure` runs one of them and returns one row of the cost table.
"""
from __future__ import annotations

import time

import numpy as np

from .analytic import exact_spike_times
from .errors import LifutilsError
from . import _validate as check
from .params import LIFParams, check_dt, check_t_max
from .resets import MAX_RESETS, solve_ivp_with_resets

__all__ = ["POPULATION_NEURON", "DRIVE_RANGE", "POPULATION_T_MAX", "METHODS",
           "population_drives", "exact_population", "simulate_population",
           "simulate_population_euler", "compare_trains", "measure"]

#: The membrane of every neuron: the question's, with t_ref = 2 ms.
POPULATION_NEURON = LIFParams(t_ref=2.0)
#: Range of the drives r_m * i_e (mV), spread evenly over the population.
DRIVE_RANGE = (10.0, 40.0)
#: Simulation length of the cost table (ms).
POPULATION_T_MAX = 200.0
#: The methods :func:`measure` knows.
METHODS = ("vector", "per_neuron", "euler", "nest")


def population_drives(n, params: LIFParams = POPULATION_NEURON) -> np.ndarray:
    """Input currents (nA) of n neurons whose drives ``r_m * i_e`` span :data:`DRIVE_RANGE`.

    Examples
    --------
    >>> population_drives(4)
    array([10., 20., 30., 40.])
    """
    n = check.integer("n", n, minimum=1)
    return np.linspace(*DRIVE_RANGE, n) / params.r_m


def exact_population(params: LIFParams, i_e, t_max) -> list:
    """Closed-form spike times (ms) of each neuron: a list of arrays, one per current in ``i_e``.

    Examples
    --------
    >>> [s.round(2) for s in exact_population(POPULATION_NEURON, [10.0, 40.0], 20.0)]
    [array([], dtype=float64), array([ 4.7 , 13.63])]
    """
    return [exact_spike_times(params.replace(i_e=float(i)), t_max) for i in np.ravel(i_e)]


def _drives(params, i_e):
    drive = params.r_m * np.asarray(i_e, dtype=float)
    if drive.ndim != 1 or drive.size == 0 or not np.all(np.isfinite(drive)):
        raise LifutilsError("i_e must be a non-empty 1-D array of finite currents (nA), "
                            "one per neuron")
    return drive


def simulate_population(params: LIFParams, i_e, t_max, *, events="vector", rtol=1e-10,
                        atol=1e-10, **options):
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
        One event function returning all n thresholds, or n event functions.
    rtol, atol : float
        Tolerances of solve_ivp. Default 1e-10.
    **options
        Passed on to :func:`lifutils.solve_ivp_with_resets`.

    Returns
    -------
    (list of ndarray, ResetResult)
        The spike times of each neuron (ms), and the solver's result (for its
        ``n_resets`` and ``nfev``). No trace is stored (``t_eval=[]``).

    Examples
    --------
    >>> spikes, sol = simulate_population(POPULATION_NEURON, [20.0, 30.0], 30.0)
    >>> [s.round(4) for s in spikes], sol.n_resets
    ([array([13.8629]), array([ 6.9315, 18.7398])], 3)
    """
    t_max = check_t_max(t_max)
    drive = _drives(params, i_e)
    n = drive.size
    p = params

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
    elif events == "per_neuron":
        thresholds = [_threshold_of(i, p.v_thresh) for i in range(n)]
    else:
        raise LifutilsError(f'events must be "vector" or "per_neuron", got {events!r}')
    # The default cap on resets is made for one neuron; n neurons fire n times as often.
    options.setdefault("max_resets", max(MAX_RESETS, 1000 * n))
    sol = solve_ivp_with_resets(lif, (0.0, t_max), np.full(n, p.v_start), events=thresholds,
                                reset=reset, hold=hold if p.t_ref > 0 else None,
                                t_eval=np.empty(0), rtol=rtol, atol=atol, **options)
    return [np.asarray(s, dtype=float) for s in sol.t_events], sol


def _threshold_of(i, v_thresh):
    """The event of neuron i alone (a function per neuron fixes i: no late binding)."""
    def threshold(t, v):
        return v[i] - v_thresh
    threshold.direction = 1
    return threshold


def simulate_population_euler(params: LIFParams, i_e, t_max, dt=0.1) -> list:
    """The question's Euler loop for all neurons at once (numpy), as :func:`lifutils.simulate_euler`.

    Each step updates every v by ``dt * dv/dt``; a neuron at or above
    ``v_thresh`` after the step spikes at the end of it, is reset to ``v_reset``
    and skips the steps that start before its spike time plus ``t_ref``.

    Returns
    -------
    list of ndarray
        The spike times of each neuron (ms), on the grid ``k * dt``.

    Examples
    --------
    >>> [s.round(1) for s in simulate_population_euler(POPULATION_NEURON, [20.0], 40.0)]
    [array([13.8, 33.7])]
    """
    t_max = check_t_max(t_max)
    dt = check_dt(dt, t_max)
    drive = _drives(params, i_e)
    p = params
    n_steps = len(np.arange(0, t_max, dt))
    v = np.full(drive.size, p.v_start)
    free_from = np.zeros(drive.size, dtype=int)  # first step each neuron integrates again
    held_steps = int(np.ceil(p.t_ref / dt - 1e-9))
    steps, who = [], []
    for k in range(n_steps):
        free = free_from <= k
        v = np.where(free, v + dt * (-(v - p.v_rest) + drive) / p.tau_m, v)
        fired = np.flatnonzero(free & (v >= p.v_thresh))
        if fired.size:
            v[fired] = p.v_reset
            free_from[fired] = k + 1 + held_steps
            steps.append(np.full(fired.size, k + 1))
            who.append(fired)
    steps = np.concatenate(steps) if steps else np.empty(0, dtype=int)
    who = np.concatenate(who) if who else np.empty(0, dtype=int)
    return [steps[who == j] * dt for j in range(drive.size)]


def compare_trains(spikes, exact):
    """Compare two lists of per-neuron spike trains (ms).

    Returns
    -------
    (float, int)
        The largest difference (ms) between corresponding spikes (the k-th of a
        neuron with its k-th), over the spikes both trains have; and the number
        of neurons whose spike count differs.

    Examples
    --------
    >>> compare_trains([np.array([1.0, 2.0]), np.array([])], [np.array([1.0, 2.5]), np.array([])])
    (0.5, 0)
    >>> compare_trains([np.array([1.25])], [np.array([1.0, 2.0])])
    (0.25, 1)
    """
    worst, wrong_counts = 0.0, 0
    for a, b in zip(spikes, exact, strict=True):
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
        Passed to :func:`simulate_population` (tolerances ...).

    Returns
    -------
    dict
        ``method``, ``n``, ``seconds`` (wall time), ``spikes`` (resets), ``nfev``
        (right-hand-side evaluations; Euler steps times n for "euler"; None for
        "nest"), ``ms_per_spike`` (wall time per reset), ``cpu_ms_per_spike``
        (processor time of this process per reset, steadier than wall time on a
        busy machine), and from
        :func:`compare_trains` against the closed form ``error`` (largest
        spike-time difference, ms) and ``wrong_counts`` (neurons with a spike too
        many or too few).

    Examples
    --------
    >>> row = measure("vector", 10, t_max=50.0)
    >>> row["spikes"], row["error"] < 1e-6, row["wrong_counts"]
    (30, True, 0)
    """
    drive = population_drives(n, params)
    start, cpu_start = time.perf_counter(), time.process_time()
    nfev = None
    if method in ("vector", "per_neuron"):
        spikes, sol = simulate_population(params, drive, t_max, events=method, **options)
        nfev = sol.nfev
    elif method == "euler":
        spikes = simulate_population_euler(params, drive, t_max, dt)
        nfev = len(np.arange(0, t_max, dt)) * drive.size
    elif method == "nest":
        from .nest_bridge import _import_nest, simulate_population_nest
        _import_nest()  # the first import of NEST takes a second or two: not the model's cost
        start, cpu_start = time.perf_counter(), time.process_time()
        spikes = simulate_population_nest(params, t_max, i_e=drive)
    else:
        raise LifutilsError(f"method must be one of {METHODS}, got {method!r}")
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    n_spikes = sum(len(s) for s in spikes)
    error, wrong_counts = compare_trains(spikes, exact_population(params, drive, t_max))
    return {"method": method, "n": int(n), "seconds": seconds, "spikes": n_spikes,
            "nfev": nfev, "ms_per_spike": 1e3 * seconds / max(n_spikes, 1),
            "cpu_ms_per_spike": 1e3 * cpu_seconds / max(n_spikes, 1),
            "error": error, "wrong_counts": wrong_counts}

"""The exact reference of notebook 07: LIF neurons coupled by delta synapses, event by event.

Units: ms, mV, nA, MOhm.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import checks as check
from ..errors import LifutilsError
from ..analytic import threshold_gap
from ..params import LIFParams, check_t_max
from .currents import MAX_SPIKES

__all__ = ["NetworkResult", "exact_delta_network", "volley_lock"]


@dataclass(frozen=True)
class NetworkResult:
    """The spikes of :func:`exact_delta_network`.

    Attributes
    ----------
    spike_times : list of ndarray
        ``spike_times[k]``: the spike times of neuron k (ms), in order.
    times : ndarray
        Every spike time (ms), in the order the spikes happened.
    neurons : ndarray of int
        The neuron that fired each spike of ``times``.
    margin : float
        How close (mV) any neuron came to ``v_thresh`` right after a kick:
        the smallest ``|v_j - v_thresh|`` over every neuron j kicked (by a
        nonzero weight) and every spike. Below about 1e-9 mV, whether a kick
        pushes j over the threshold depends on the last bits of the
        arithmetic: a result that another processor or another solver may
        not reproduce (an exact tie). inf without kicks.
    """

    spike_times: list
    times: np.ndarray
    neurons: np.ndarray
    margin: float = float("inf")


def _real(name, value):
    """value as a float array, or a LifutilsError naming it (text, complex, objects, bools)."""
    array = check.real_array(value)
    if array is None or np.asarray(value).dtype.kind == "b":
        raise LifutilsError(f"{name} must be real numbers, got {check.show(value)}")
    return array


def _network_arrays(params, i_e, v0, weights):
    """(drive, v0, weights) as float arrays of shapes (n,), (n,), (n, n); or a LifutilsError."""
    drive = _real("i_e", i_e)
    if drive.ndim != 1 or drive.size == 0:
        raise LifutilsError(f"i_e must be a 1-D array of currents (nA), one per neuron, "
                            f"got shape {drive.shape}")
    n = drive.size
    check.budget("i_e", f"<{n} currents>", 8.0 * n * n, check.MEMORY_BUDGET,
                 what=f"bytes of a {n} x {n} weight matrix", advice="simulate fewer neurons")
    if not np.all(np.isfinite(drive)):
        raise LifutilsError("i_e must be finite")
    start = _real("v0", v0)
    start = np.full(n, float(start)) if start.ndim == 0 else start
    if start.shape != (n,):
        raise LifutilsError(f"v0 must be a number or hold one potential (mV) per neuron "
                            f"(shape ({n},), as i_e), got shape {start.shape}")
    if not np.all(np.isfinite(start)):
        raise LifutilsError("v0 must be finite")
    w = _real("weights", weights)
    if w.shape != (n, n):
        raise LifutilsError(f"weights must have shape ({n}, {n}), one row and column per "
                            f"current of i_e (weights[i, j]: jump of v_j in mV when neuron i "
                            f"fires), got shape {w.shape}")
    if not np.all(np.isfinite(w)):
        raise LifutilsError("weights must be finite")
    if np.any(np.diag(w) != 0):
        raise LifutilsError("weights[i, i] must be 0: a neuron that fires is reset, "
                            "it does not kick itself")
    if np.any(start >= params.v_thresh):
        raise LifutilsError(f"v0 must lie below v_thresh = {params.v_thresh:g} mV")
    return threshold_gap(params, drive), start, w


def _time_to_threshold(params, below, gap):
    """Closed-form time (ms) for each neuron to climb ``below`` mV to v_thresh; inf if it never does.

    ``gap`` = v_inf - v_thresh (> 0 for a neuron that fires): the climb takes
    ``tau_m ln(1 + below / gap)``.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        climb = params.tau_m * np.log1p(below / gap)
    return np.where(gap > 0, np.maximum(climb, 0.0), np.inf)


def exact_delta_network(params: LIFParams, t_max, *, i_e, v0, weights) -> NetworkResult:
    """Exact spike times of LIF neurons coupled by delta synapses, event by event.

    Neuron j obeys ``tau_m dv_j/dt = -(v_j - v_rest) + r_m i_e[j]`` with the
    membrane of ``params``. When neuron i reaches ``v_thresh`` it fires: v_i is
    set to ``v_reset`` and every other v_j jumps by ``weights[i, j]`` (mV) at
    the same instant. A jump that takes v_j from below ``v_thresh`` to at or
    above it makes j fire at that instant too, after the neurons already
    waiting to (first come, first served; neurons that reach the threshold
    together go in order of index), and its own jumps may push others over in
    turn: a cascade. A neuron that fired earlier in the cascade still receives
    the jumps of those that fire after it.

    Between spikes every neuron follows the closed form, and the next spike is
    the earliest closed-form time to threshold, computed from how far each
    neuron lies below the threshold and from the gap ``r_m i_e - (v_thresh -
    v_rest)`` (log1p and expm1 forms), so the spike times are exact to
    rounding: a few rounding errors of each time, adding up from spike to
    spike (about 1e-13 ms over hundreds of ms), also just above the rheobase
    (``i_e = 15 + 1e-12`` nA: within 1e-12 ms of a 40-digit computation). The
    reference for a network simulated with :func:`lifutils.solve_ivp_with_resets`
    and one vector event. Where a kick leaves a neuron within rounding of the
    threshold (``margin`` of the result), whether it fires depends on the last
    bit: choose weights that keep ``margin`` well above 1e-9 mV.

    Parameters
    ----------
    params : LIFParams
        The membrane shared by all neurons (ms, mV, MOhm); its ``i_e`` is not
        used, and ``t_ref`` must be 0.
    t_max : float
        Simulation length (ms), > 0.
    i_e : array_like, shape (n,)
        Constant input current of each neuron (nA).
    v0 : float or array_like, shape (n,)
        Starting potentials (mV), below ``v_thresh``.
    weights : array_like, shape (n, n)
        ``weights[i, j]``: the jump of v_j (mV) when neuron i fires; negative
        for inhibition; zero diagonal.

    Returns
    -------
    NetworkResult
        ``spike_times`` per neuron, and every spike as (``times``, ``neurons``)
        in the order they happened.

    Raises
    ------
    LifutilsError
        For bad arguments, more than 100000 spikes, or a cascade that would fire
        more than 2 n + 1 times at one instant (weights so strong that a reset
        neuron is kicked over its threshold again and again: Zeno).
    BudgetError
        For a weight matrix of more than 1 GB (n above about 11,000).

    Examples
    --------
    Two neurons at 20 and 18 nA; each spike kicks the other by 1 mV. The first
    spike, at 10 ln 4 ms, lifts neuron 1 from -56.5 to -55.5 mV, so it fires
    10 ln(3.5 / 3) ms later (alone it would fire at 10 ln 6 = 17.92 ms):

    >>> net = exact_delta_network(LIFParams(), 40.0, i_e=[20.0, 18.0], v0=-70.0,
    ...                           weights=[[0.0, 1.0], [1.0, 0.0]])
    >>> net.times.round(4), net.neurons
    (array([13.8629, 15.4045, 31.3839, 35.7981]), array([0, 1, 0, 1]))

    A kick of 2 mV pushes neuron 1 over the threshold: both fire at once.

    >>> net = exact_delta_network(LIFParams(), 20.0, i_e=[20.0, 18.0], v0=-70.0,
    ...                           weights=[[0.0, 5.0], [0.0, 0.0]])
    >>> net.times.round(4), net.neurons
    (array([13.8629, 13.8629]), array([0, 1]))
    """
    t_max = check_t_max(t_max)
    if params.t_ref != 0:
        raise LifutilsError(f"exact_delta_network needs t_ref = 0 ms, got {params.t_ref!r}")
    gap, v, w = _network_arrays(params, i_e, v0, weights)
    n = v.size
    # The state is how far each v lies below the threshold (mV): near the threshold, where
    # spike times are decided, it keeps its digits (v itself is -55.0000000001...).
    below = params.v_thresh - v
    times, neurons = [], []
    t, margin = 0.0, math.inf
    while True:
        climb = _time_to_threshold(params, below, gap)
        step = float(np.min(climb))
        if not t + step <= t_max:
            break
        t += step
        # below(t + s) = below e^{-s/tau} - gap (1 - e^{-s/tau}) = below + (below + gap) expm1(-s/tau)
        below = below + (below + gap) * math.expm1(-step / params.tau_m)
        pending = np.flatnonzero(climb == step).tolist()  # reach the threshold together
        below[pending] = 0.0
        fired_here = 0
        while pending:
            i = pending.pop(0)
            fired_here += 1
            if fired_here > 2 * n + 1:
                raise LifutilsError(
                    f"more than {2 * n + 1} spikes at t = {t:.6g} ms: the weights kick reset "
                    "neurons over the threshold again and again (Zeno); weaken them")
            if len(times) >= MAX_SPIKES:
                raise LifutilsError(f"more than {MAX_SPIKES} spikes: shorten t_max")
            times.append(t)
            neurons.append(i)
            was_below = below > 0
            below = below - w[i]
            below[i] = params.v_thresh - params.v_reset
            kicked = w[i] != 0
            if np.any(kicked):
                margin = min(margin, float(np.min(np.abs(below[kicked]))))
            crossed = was_below & (below <= 0)
            pending.extend(j for j in np.flatnonzero(crossed).tolist() if j not in pending)
    times, neurons = np.asarray(times, dtype=float), np.asarray(neurons, dtype=int)
    order = np.argsort(neurons, kind="stable")
    trains = np.split(times[order], np.cumsum(np.bincount(neurons, minlength=n))[:-1])
    return NetworkResult(spike_times=trains, times=times, neurons=neurons, margin=margin)


def volley_lock(spike_times, *, min_volleys=3):
    """When a group of neurons locks into volleys, and how often the volleys come.

    A volley is a time at which every neuron fires (at the same instant, as a
    cascade of kicks makes them). The group is locked from the first volley
    after which every spike of every neuron is in a volley, if at least
    ``min_volleys`` volleys follow from there (one volley at the end of a run
    is no lock).

    Parameters
    ----------
    spike_times : sequence of array_like
        The spike times (ms) of each neuron, as ``NetworkResult.spike_times``.
    min_volleys : int
        Volleys needed from the lock on; default 3.

    Returns
    -------
    (float, float)
        The time of the first locked volley (ms) and the median interval between
        the locked volleys (ms); both nan when the group does not lock.

    Examples
    --------
    >>> volley_lock([[5.0, 10.0, 20.0, 30.0], [7.0, 10.0, 20.0, 30.0]])
    (10.0, 10.0)
    >>> volley_lock([[5.0, 10.0], [7.0, 11.0]])
    (nan, nan)
    """
    trains = [check.times(f"spike_times[{k}]", t) for k, t in enumerate(spike_times)]
    min_volleys = check.integer("min_volleys", min_volleys, minimum=2)
    if not trains:
        raise LifutilsError("spike_times must hold the spike times of at least one neuron")
    volleys = trains[0]
    for train in trains[1:]:
        volleys = np.intersect1d(volleys, train)
    for k, t0 in enumerate(volleys):
        if len(volleys) - k < min_volleys:
            break
        if all(np.isin(t[t >= t0], volleys).all() for t in trains):
            return float(t0), float(np.median(np.diff(volleys[k:])))
    return math.nan, math.nan

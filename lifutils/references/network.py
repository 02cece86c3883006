"""The exact reference of notebook 07: LIF neurons coupled by delta synapses, event by event.

Units: ms, mV, nA, MOhm.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import LifutilsError
from ..params import LIFParams, check_t_max
from .currents import _MAX_SPIKES

__all__ = ["NetworkResult", "exact_delta_network"]


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
    """

    spike_times: list
    times: np.ndarray
    neurons: np.ndarray


def _network_arrays(params, i_e, v0, weights):
    """(drive, v0, weights) as float arrays of shapes (n,), (n,), (n, n); or a LifutilsError."""
    drive = np.asarray(i_e, dtype=float)
    if drive.ndim != 1 or drive.size == 0:
        raise LifutilsError(f"i_e must be a 1-D array of currents (nA), one per neuron, "
                            f"got shape {drive.shape}")
    n = drive.size
    start = np.broadcast_to(np.asarray(v0, dtype=float), (n,)).copy() if np.ndim(v0) == 0 \
        else np.asarray(v0, dtype=float)
    w = np.asarray(weights, dtype=float)
    if start.shape != (n,):
        raise LifutilsError(f"v0 must be a number or hold one potential (mV) per neuron, "
                            f"shape ({n},), got shape {start.shape}")
    if w.shape != (n, n):
        raise LifutilsError(f"weights must have shape ({n}, {n}) (weights[i, j]: jump of v_j "
                            f"in mV when neuron i fires), got shape {w.shape}")
    for name, a in (("i_e", drive), ("v0", start), ("weights", w)):
        if not np.all(np.isfinite(a)):
            raise LifutilsError(f"{name} must be finite")
    if np.any(np.diag(w) != 0):
        raise LifutilsError("weights[i, i] must be 0: a neuron that fires is reset, "
                            "it does not kick itself")
    if np.any(start >= params.v_thresh):
        raise LifutilsError(f"v0 must lie below v_thresh = {params.v_thresh:g} mV")
    return params.v_rest + params.r_m * drive, start, w


def _time_to_threshold(params, v, v_inf):
    """Closed-form time (ms) for each neuron to climb from v to v_thresh; inf if it never does."""
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = params.v_thresh - v_inf  # < 0 for a neuron that fires
        climb = params.tau_m * np.log1p((v - params.v_thresh) / gap)
    return np.where(gap < 0, np.maximum(climb, 0.0), np.inf)


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
    the earliest closed-form time to threshold, so the spike times are exact to
    rounding (about 1e-12 ms): the reference for a network simulated with
    :func:`lifutils.solve_ivp_with_resets` and one vector event.

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
    v_inf, v, w = _network_arrays(params, i_e, v0, weights)
    n = v.size
    times, neurons = [], []
    t = 0.0
    while True:
        climb = _time_to_threshold(params, v, v_inf)
        step = float(np.min(climb))
        if not t + step <= t_max:
            break
        t += step
        v = v_inf + (v - v_inf) * math.exp(-step / params.tau_m)
        pending = np.flatnonzero(climb == step).tolist()  # reach the threshold together
        v[pending] = params.v_thresh
        fired_here = 0
        while pending:
            i = pending.pop(0)
            fired_here += 1
            if fired_here > 2 * n + 1:
                raise LifutilsError(
                    f"more than {2 * n + 1} spikes at t = {t:.6g} ms: the weights kick reset "
                    "neurons over the threshold again and again (Zeno); weaken them")
            if len(times) >= _MAX_SPIKES:
                raise LifutilsError(f"more than {_MAX_SPIKES} spikes: shorten t_max")
            times.append(t)
            neurons.append(i)
            below = v < params.v_thresh
            v = v + w[i]
            v[i] = params.v_reset
            crossed = below & (v >= params.v_thresh)
            pending.extend(j for j in np.flatnonzero(crossed).tolist() if j not in pending)
    times, neurons = np.asarray(times, dtype=float), np.asarray(neurons, dtype=int)
    return NetworkResult(spike_times=[times[neurons == k] for k in range(n)],
                         times=times, neurons=neurons)

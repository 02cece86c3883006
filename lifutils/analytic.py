"""The closed-form LIF neuron for constant input: v(t), spike times, f-I curve.

Between spikes, with constant current I, ``v(t) = v_inf + (v0 - v_inf) exp(-t / tau_m)``
where ``v_inf = v_rest + r_m * I``. The neuron fires only if ``v_inf > v_thresh``;
then the first spike comes at ``tau_m ln((v0 - v_inf) / (v_thresh - v_inf))`` and
every later one ``T = t_ref + tau_m ln((v_reset - v_inf) / (v_thresh - v_inf))``
after the one before. The logarithms are computed with ``log1p`` so that they
stay accurate to rounding when the ratio is close to 1 (strong drive), and the
gap ``v_inf - v_thresh`` is computed as ``r_m * i_e - (v_thresh - v_rest)``, not
from v_inf, so that it keeps its digits just above the rheobase: at
``i_e = 15 + 1e-12`` nA, v_inf = -54.999999999999 mV carries a rounding error of
about 2e-15 mV, 0.2 % of the 1e-12 mV gap (0.02 ms of a 300 ms spike time),
while ``r_m * i_e - 15`` is exact. What holds: with ``r_m * i_e`` and
``v_thresh - v_rest`` exact in double precision (r_m = 1, or a power of 2, and
voltages that are whole or short binary fractions), each spike time is exact to
a few rounding errors of itself (relative 1e-15) for *the double* ``i_e`` given
(15 + 1e-12 is not exactly representable: the double nearest it is 0.009 %
further from 15, which moves the first spike by 9e-4 ms); otherwise the rounding of
``r_m * i_e`` (relative 1.1e-16) moves a spike by about
``tau_m * 1.1e-16 * r_m * i_e / gap`` ms.
"""
from __future__ import annotations

import numpy as np

from . import checks as check
from .errors import LifutilsError, RunawayError
from .params import LIFParams, check_dt, check_params, check_t_max
from .result import LIFResult

__all__ = ["rheobase", "firing_rate", "interspike_interval", "first_spike_time",
           "exact_spike_times", "exact_voltage", "simulate_exact", "MAX_SPIKES"]

#: Default cap on the number of spikes one simulation may produce.
MAX_SPIKES = 5000
#: Sampling interval (ms) of simulate_exact's trace, or t_max / 10 for a shorter run.
SAMPLING = 0.05
#: Most samples simulate_exact draws: about 80 MB per array, under 1 GB in all.
MAX_SAMPLES = 10_000_000


def _constant_current(params: LIFParams, who: str) -> float:
    i_e = check_params(params).constant_current
    if i_e is None:
        raise LifutilsError(
            f"{who} needs a constant input current; params.i_e is a function of time "
            "(there is no closed form for general input: use simulate_events)"
        )
    return i_e


def rheobase(params: LIFParams = LIFParams()) -> float:
    """Smallest constant current that makes the neuron fire, in nA.

    ``(v_thresh - v_rest) / r_m``; the neuron fires only for currents strictly
    above it (at the rheobase v approaches threshold but never reaches it).

    Examples
    --------
    >>> rheobase(LIFParams())
    15.0
    """
    params = check_params(params)
    return (params.v_thresh - params.v_rest) / params.r_m


def threshold_gap(params: LIFParams, i_e):
    """``v_inf - v_thresh`` (mV) for constant current(s) i_e (nA), without v_inf's rounding.

    Examples
    --------
    >>> p = LIFParams()
    >>> threshold_gap(p, 15.0 + 1e-12), p.v_rest + p.r_m * (15.0 + 1e-12) - p.v_thresh
    (1.000088900582341e-12, 1.0018652574217413e-12)
    """
    gap = params.r_m * np.asarray(i_e, dtype=float) - (params.v_thresh - params.v_rest)
    return float(gap) if gap.ndim == 0 else gap


def isi_from_gap(params: LIFParams, gap):
    """Interspike interval (ms) for gap(s) v_inf - v_thresh (mV); inf where silent."""
    gap = np.asarray(gap, dtype=float)
    above = gap > 0
    climb = params.tau_m * np.log1p((params.v_thresh - params.v_reset) / np.where(above, gap, 1.0))
    return np.where(above, params.t_ref + climb, np.inf)


def interspike_interval(params: LIFParams) -> float:
    """Time between spikes (ms) for constant input, ``inf`` if the neuron is silent.

    Examples
    --------
    >>> round(interspike_interval(LIFParams(i_e=20.0)), 4)  # 10 ln 6
    17.9176
    """
    i_e = _constant_current(params, "interspike_interval")
    return float(isi_from_gap(params, threshold_gap(params, i_e)))


def firing_rate(params: LIFParams, i_e=None):
    """Firing rate in Hz for constant input: the f-I curve.

    Parameters
    ----------
    params : LIFParams
        Neuron parameters; its ``i_e`` is used unless ``i_e`` is given.
    i_e : float or array_like, optional
        Current(s) in nA to evaluate the f-I curve at.

    Returns
    -------
    float or ndarray
        ``1000 / T`` with T the interspike interval in ms; 0 at or below the
        rheobase.

    Examples
    --------
    >>> round(firing_rate(LIFParams(i_e=20.0)), 2)
    55.81
    >>> firing_rate(LIFParams(), i_e=[10.0, 15.0])
    array([0., 0.])
    """
    params = check_params(params)
    if i_e is None:
        current = _constant_current(params, "firing_rate")
    else:
        try:
            current = np.asarray(i_e, dtype=float)
        except (TypeError, ValueError, OverflowError):  # OverflowError: an int past float's range
            current = np.array(np.nan)
        if not np.all(np.isfinite(current)):
            raise LifutilsError(f"i_e must be finite currents (nA), got {check.show(i_e)}")
    with np.errstate(over="ignore", divide="ignore"):
        isi = isi_from_gap(params, threshold_gap(params, current))
        rate = 1000.0 / isi
    if not np.all(np.isfinite(rate)):
        raise LifutilsError(f"the firing rate overflows double precision for i_e = "
                            f"{check.show(i_e if i_e is not None else current)} nA: use a smaller current")
    return float(rate) if np.ndim(rate) == 0 else rate


def first_spike_time(params: LIFParams) -> float:
    """Time of the first spike (ms) for constant input; ``inf`` if it never fires.

    A start at or above threshold (``v0 >= v_thresh``) is a spike at t = 0.

    Examples
    --------
    >>> round(first_spike_time(LIFParams(i_e=20.0)), 4)  # 10 ln 4
    13.8629
    """
    i_e = _constant_current(params, "first_spike_time")
    gap = float(threshold_gap(params, i_e))
    v0 = params.v_start
    if v0 >= params.v_thresh:
        return 0.0
    if not gap > 0:
        return float("inf")
    return float(params.tau_m * np.log1p((params.v_thresh - v0) / gap))


def exact_spike_times(params: LIFParams, t_max, *, max_spikes: int = MAX_SPIKES) -> np.ndarray:
    """Exact spike times (ms) in ``[0, t_max]`` for constant input.

    Parameters
    ----------
    params : LIFParams
        Neuron parameters; ``i_e`` must be constant.
    t_max : float
        Simulation length (ms), > 0.
    max_spikes : int
        Refuse (RunawayError) to return more spikes than this.

    Examples
    --------
    >>> exact_spike_times(LIFParams(i_e=20.0), 50.0).round(4)
    array([13.8629, 31.7805, 49.6981])
    """
    t_max = check_t_max(t_max)
    max_spikes = check.integer("max_spikes", max_spikes, minimum=1)
    t1 = first_spike_time(params)
    if t1 > t_max:
        return np.empty(0)
    isi = interspike_interval(params)
    if not np.isfinite(isi):  # v0 above threshold, input below rheobase
        return np.array([t1])
    n = np.floor((t_max - t1) / isi) + 1.0  # a float: it may be far beyond any int budget
    if float(n) > max_spikes:  # (a Python comparison: numpy's would convert a huge int)
        raise RunawayError(runaway_message(n, max_spikes, t_max))
    times = t1 + isi * np.arange(int(n))
    return times[times <= t_max]


def runaway_message(n_spikes, max_spikes, t_max) -> str:
    """The message for a simulation that would produce too many spikes."""
    return (
        f"this drive would make about {float(n_spikes):.3g} spikes in t_max = {t_max:g} ms, more "
        f"than max_spikes = {check.show(max_spikes)}; lower i_e, shorten t_max, add a refractory "
        "period (t_ref > 0), or raise max_spikes if you really want them all"
    )


def exact_voltage(params: LIFParams, t, *, t_max=None, max_spikes: int = MAX_SPIKES) -> np.ndarray:
    """Exact membrane potential (mV) at times ``t`` (ms) for constant input.

    Right-continuous: at a spike time it returns the value after the reset.
    ``t_max`` (ms) is the horizon for the spike times (default: the largest t);
    ``max_spikes`` is passed on to :func:`exact_spike_times`.

    Examples
    --------
    >>> float(exact_voltage(LIFParams(), 1e6))  # settles at v_rest + R*I
    -67.0
    """
    try:
        t = np.asarray(t, dtype=float)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int past float's range
        t = np.array(np.nan)
    if not np.all(np.isfinite(t)):
        raise LifutilsError(f"t must be finite times (ms), got {check.show(t)}")
    i_e = _constant_current(params, "exact_voltage")
    v_inf = params.v_rest + params.r_m * i_e
    if t.size == 0:
        return np.empty(t.shape)
    horizon = float(np.max(t)) if t_max is None else check.real("t_max", t_max, unit="ms")
    spikes = (exact_spike_times(params, horizon, max_spikes=max_spikes) if horizon > 0
              else np.empty(0))
    if horizon == 0 and params.v_start >= params.v_thresh:
        spikes = np.array([0.0])
    k = np.searchsorted(spikes, t, side="right") - 1  # index of the last spike <= t
    padded = np.concatenate([spikes, [0.0]])  # so that k = -1 indexes something
    last = np.where(k >= 0, padded[k] + params.t_ref, 0.0)
    start = np.where(k >= 0, params.v_reset, params.v_start)
    elapsed = np.maximum(t - last, 0.0)
    v = v_inf + (start - v_inf) * np.exp(-elapsed / params.tau_m)
    return np.where((k >= 0) & (t < last), params.v_reset, v)


def simulate_exact(params: LIFParams, t_max, *, sampling=None) -> LIFResult:
    """The exact trace for constant input, sampled every ``sampling`` ms.

    Each reset is drawn as a vertical jump: the trace holds the points just
    before (at v_thresh) and just after (at v_reset) every spike time.

    Parameters
    ----------
    params : LIFParams
        Neuron parameters; ``i_e`` must be constant.
    t_max : float
        Simulation length (ms), > 0.
    sampling : float or None
        Sampling interval of the drawn trace (ms), > 0 and no larger than
        t_max: not a time step, the closed form needs none; the spike times and
        the reset jumps do not depend on it. None (default): 0.05 ms,
        or t_max / 10 for a run shorter than 0.5 ms. More than 10 million
        samples is refused (BudgetError).

    Examples
    --------
    >>> res = simulate_exact(LIFParams(i_e=20.0), 100.0)
    >>> res.n_spikes, round(float(res.spike_times[0]), 4)
    (5, 13.8629)
    """
    t_max = check_t_max(t_max)
    dt = check_dt((min(SAMPLING, t_max / 10) or t_max) if sampling is None else sampling, t_max,
                  name="sampling")
    check.budget("sampling", dt, t_max / dt, MAX_SAMPLES,
                 what=f"samples over t_max = {t_max:g} ms",
                 advice="use a larger sampling interval or a shorter t_max")
    _constant_current(params, "simulate_exact")
    spikes = exact_spike_times(params, t_max)
    grid = np.linspace(0.0, t_max, int(np.ceil(t_max / dt)) + 1)
    t = np.concatenate([grid, spikes, spikes + params.t_ref])
    t = np.unique(t[t <= t_max])
    v = exact_voltage(params, t, t_max=t_max)
    # Insert the pre-reset point in front of each spike: v_thresh, or v0 for
    # a start at or above threshold (the spike at t = 0).
    before = np.full(len(spikes), params.v_thresh)
    if len(spikes) and params.v_start >= params.v_thresh:
        before[0] = params.v_start
    idx = np.searchsorted(t, spikes, side="left")
    t = np.insert(t, idx, spikes)
    v = np.insert(v, idx, before)
    return LIFResult(t=t, v=v, spike_times=spikes, nfev=0, key="exact", params=params)


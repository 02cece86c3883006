"""The phase plane of a gallery model: its nullclines, resting states and firing pattern.

Numerics only (numpy, scipy.optimize), for :mod:`lifutils.figures.phase` and
notebook 08; :mod:`lifutils.gallery` re-exports them (``gallery.v_nullcline`` ...).
Each function reads its model's kind of equations (``model.equations_of()``:
the Izhikevich or the AdEx neuron), whose pieces are the ``izhikevich_*`` and
``adex_*`` functions here, so this module imports nothing of the gallery.
"""
from __future__ import annotations

import math

import numpy as np

from . import checks as check

__all__ = ["BURST_GAP", "ADAPTATION_RATIO", "drive", "v_nullcline", "w_nullcline",
           "fixed_points", "firing_pattern", "izhikevich_v_nullcline", "adex_v_nullcline",
           "izhikevich_fixed_points", "adex_fixed_points"]

#: Two adjacent sorted intervals further apart than this ratio split a spike train into
#: bursts (the short ones) and the pauses between them (see :func:`firing_pattern`).
BURST_GAP = 3.0
#: Last interval over first beyond which (or below whose inverse) a train adapts (accelerates).
ADAPTATION_RATIO = 1.25


def drive(model, t=None):
    """The input of a gallery model at time ``t`` (ms): pA for AdEx, mV/ms for Izhikevich.

    Default: the last level of the step, the one on for most of the run (the
    level the phase plane's nullclines are drawn for).

    Examples
    --------
    >>> from lifutils.gallery import adex, izhikevich
    >>> drive(adex("tonic")), drive(adex("tonic"), 5.0), drive(izhikevich("RS", I=4.0))
    (500.0, 0.0, 4.0)
    """
    if t is None:
        return model.current.levels[-1]
    return model.current(check.real("t", t, unit="ms"))


def _level(model, current):
    return drive(model) if current is None else check.real("current", current)


def v_nullcline(model, v, *, current=None):
    """Where dv/dt = 0: the second variable as a function of v, at a constant input.

    AdEx (w in pA, V in mV)::

        w = -gL (V - EL) + gL DeltaT exp((V - VT) / DeltaT) + I

    Izhikevich (u in mV/ms, v in mV)::

        u = 0.04 v**2 + 5 v + 140 + I

    Below the curve v rises, above it v falls. A larger input lifts the curve
    by I, so it no longer meets the other nullcline: no resting state, and
    the neuron fires.

    Parameters
    ----------
    model : Model
        A gallery model (:func:`adex` or :func:`izhikevich`).
    v : array_like
        Membrane potentials (mV).
    current : float, optional
        The input I (pA for AdEx, mV/ms for Izhikevich); default
        :func:`drive` ``(model)``.

    Returns
    -------
    ndarray
        w (pA) or u (mV/ms) at each v; inf where the exponential overflows.

    Examples
    --------
    >>> from lifutils.gallery import adex
    >>> m = adex("tonic")
    >>> round(float(v_nullcline(m, -70.0, current=0.0)), 6)  # at EL: only the tiny exponential
    0.000908
    >>> abs(float(m.rhs(20.0, [-60.0, float(v_nullcline(m, -60.0))])[0])) < 1e-12
    True
    """
    return model.equations_of().v_nullcline(model.params, np.asarray(v, dtype=float),
                                            _level(model, current))


def adex_v_nullcline(p, v, i):
    with np.errstate(over="ignore"):
        spike = p["gL"] * p["DeltaT"] * np.exp((v - p["VT"]) / p["DeltaT"])
    return -p["gL"] * (v - p["EL"]) + spike + i


def izhikevich_v_nullcline(p, v, i):
    return 0.04 * v * v + 5.0 * v + 140.0 + i


def w_nullcline(model, v):
    """Where the slow variable stands still (dw/dt = 0, or du/dt = 0), as a function of v.

    AdEx: ``w = a (V - EL)`` (pA, a in nS, V in mV); Izhikevich: ``u = b v``
    (mV/ms, b in 1/ms, v in mV). Above the line w (u) falls, below it rises.

    Parameters
    ----------
    model : Model
    v : array_like
        Membrane potentials (mV).

    Returns
    -------
    ndarray
        w (pA) or u (mV/ms) at each v.

    Examples
    --------
    >>> from lifutils.gallery import adex
    >>> float(w_nullcline(adex("adapting"), -60.0))  # a = 2 nS, 10 mV above EL
    20.0
    """
    return model.equations_of().w_nullcline(model.params, np.asarray(v, dtype=float))


def fixed_points(model, *, current=None):
    """Where the two nullclines cross, at a constant input: the resting states.

    None means the neuron cannot rest at this input and fires again and again;
    two are a stable rest (the lower v) and a saddle (AdEx, Izhikevich; the
    lower one may also have lost its stability, as for the resonator).

    Parameters
    ----------
    model : Model
    current : float, optional
        The input (pA for AdEx, mV/ms for Izhikevich); default :func:`drive`.

    Returns
    -------
    ndarray, shape (k, 2)
        ``(v, w)`` rows (mV and pA, or mV and mV/ms), by increasing v; k is 0, 1 or 2.

    Examples
    --------
    >>> from lifutils.gallery import adex
    >>> fixed_points(adex("tonic"), current=0.0).round(2)  # rest at EL and a saddle
    array([[-70.  ,   0.  ],
           [-44.55,  50.9 ]])
    >>> fixed_points(adex("tonic")).shape  # 500 pA: no resting state, it fires
    (0, 2)
    """
    return model.equations_of().fixed_points(model.params, _level(model, current))


def izhikevich_fixed_points(p, i):
    """Roots of 0.04 v^2 + (5 - b) v + 140 + I = 0, with u = b v."""
    b = p["b"]
    disc = (5.0 - b) ** 2 - 0.16 * (140.0 + i)
    if disc < 0.0:
        return np.empty((0, 2))
    root = math.sqrt(disc)
    roots = sorted({(-(5.0 - b) - root) / 0.08, (-(5.0 - b) + root) / 0.08})
    return np.array([[v, b * v] for v in roots])


def adex_fixed_points(p, i):
    """Roots of f(V) = -(gL + a)(V - EL) + gL DeltaT exp((V - VT)/DeltaT) + I (convex in V)."""
    from scipy.optimize import brentq  # here: the rest of the module needs no scipy.optimize

    gl, el, vt, dt, a = p["gL"], p["EL"], p["VT"], p["DeltaT"], p["a"]

    def f(v):
        x = (v - vt) / dt
        return -(gl + a) * (v - el) + gl * dt * (math.exp(x) if x < 700.0 else math.inf) + i

    def outward(v, step, sign):  # walk from v by doubling steps until f has this sign
        for _ in range(200):
            v, step = v + step, 2.0 * step
            if sign * f(v) > 0.0:
                return v
        raise LifutilsError("no fixed point found within 1e60 mV: parameters out of range")

    if gl + a == 0.0:  # f = gL DeltaT exp(...) + I: a root only for I < 0
        if i >= 0.0:
            return np.empty((0, 2))
        roots = [vt + dt * math.log(-i / (gl * dt))]
    elif gl + a < 0.0:  # f increases everywhere, from -inf: exactly one root
        roots = [brentq(f, outward(vt, -10.0, -1), outward(vt, 10.0, 1), xtol=1e-12)]
    else:
        v_min = vt + dt * math.log((gl + a) / gl)  # where the convex f is lowest
        low = f(v_min)
        if low > 0.0:
            return np.empty((0, 2))
        roots = [v_min] if low == 0.0 else [
            brentq(f, outward(v_min, -10.0, 1), v_min, xtol=1e-12),
            brentq(f, v_min, outward(v_min, 10.0, 1), xtol=1e-12)]
    return np.array([[v, a * (v - el)] for v in roots])


def firing_pattern(spike_times):
    """A word for a spike train: ``"no spikes"``, ``"one spike"``, ``"tonic"``,
    ``"adapting"``, ``"accelerating"``, ``"initial burst"`` or ``"bursting"``.

    From the interspike intervals (ISIs): sorted, two neighbours more than
    :data:`BURST_GAP` (3) times apart split them into short (within a burst)
    and long (between bursts); short ones only at the start make an initial
    burst, short ones later too make bursting. Without such a gap, the last
    ISI against the first: more than :data:`ADAPTATION_RATIO` (1.25) times
    longer is adapting, as much shorter accelerating, else tonic. A rough
    reading in the spirit of Naud et al. (2008), for two to a few dozen spikes.

    Parameters
    ----------
    spike_times : array_like
        Increasing spike times (ms).

    Returns
    -------
    str

    Examples
    --------
    >>> firing_pattern([10.0, 20.0, 30.1, 40.0]), firing_pattern([10.0, 20.0, 32.0, 47.0, 65.0])
    ('tonic', 'adapting')
    >>> firing_pattern([10, 12, 14, 60, 62, 64, 110]), firing_pattern([10, 12, 14, 60, 110, 160])
    ('bursting', 'initial burst')
    """
    spikes = check.times("spike_times", spike_times)
    if len(spikes) < 2:
        return "one spike" if len(spikes) else "no spikes"
    isi = np.diff(spikes)
    if len(isi) >= 2:
        ordered = np.sort(isi)
        ratios = ordered[1:] / ordered[:-1]
        k = int(np.argmax(ratios))
        if ratios[k] > BURST_GAP:
            short = np.flatnonzero(isi <= ordered[k])
            return "initial burst" if short[-1] == len(short) - 1 else "bursting"
    ratio = isi[-1] / isi[0]
    if ratio > ADAPTATION_RATIO:
        return "adapting"
    if ratio < 1.0 / ADAPTATION_RATIO:
        return "accelerating"
    return "tonic"

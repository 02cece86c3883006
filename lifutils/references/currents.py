"""Closed-form references for the larger models of notebook 05: one extra current.

A leaky integrate-and-fire neuron with one extra current ``x`` (nA) that decays
exponentially, ``tau_x dx/dt = -x``, and jumps at known moments:

* an adaptation current jumps at each output spike (``spike_jump < 0``: it
  takes current away, so the intervals lengthen);
* a synaptic current jumps at each input spike (``input_jump > 0`` at
  ``input_times``).

The membrane obeys ``tau_m dv/dt = -(v - v_rest) + r_m (i_e + x)``. Between two
jumps both equations are linear with constant coefficients, so
``v(t) = v_inf + c1 exp(-t / tau_m) + c2 exp(-t / tau_x)`` exactly; that sum of
two exponentials has at most one turning point, so its first crossing of
``v_thresh`` can be bracketed exactly and found with ``brentq``. The spike
times found this way are accurate to about 1e-12 ms: a reference for
:func:`lifutils.solve_ivp_with_resets`, which the notebooks use for the same
models.

Units: ms, mV, nA, MOhm.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .. import checks as check
from ..errors import LifutilsError, RunawayError
from ..params import LIFParams, check_dt, check_t_max

__all__ = ["TAU_W", "B_JUMP", "TAU_S", "Q_JUMP", "CurrentResult", "exact_lif_with_current",
           "adapted_isi"]

# Named defaults used by notebook 05.
TAU_W = 100.0   # adaptation time constant (ms)
B_JUMP = 2.0    # adaptation jump per output spike (nA)
TAU_S = 5.0     # synaptic time constant (ms)
Q_JUMP = 6.0    # synaptic jump per input spike (nA)

MAX_SPIKES = 100_000


@dataclass(frozen=True)
class CurrentResult:
    """The exact trace of :func:`exact_lif_with_current`.

    Attributes
    ----------
    t : ndarray
        Times (ms); each reset appears as two points at the spike time.
    v : ndarray
        Membrane potential (mV) at ``t``.
    x : ndarray
        Extra current (nA) at ``t``.
    spike_times : ndarray
        Output spike times (ms).
    """

    t: np.ndarray
    v: np.ndarray
    x: np.ndarray
    spike_times: np.ndarray


class Segment:
    """v and x from (v0, x0) at elapsed time s >= 0, with no jump in between."""

    def __init__(self, params, v_inf, tau_x, v0, x0):
        tau_m = params.tau_m
        self.tau_m, self.tau_x, self.v_inf, self.x0 = tau_m, tau_x, v_inf, x0
        self.c2 = params.r_m * x0 * tau_x / (tau_x - tau_m)
        self.c1 = (v0 - v_inf) - self.c2
        self.gap = v_inf - params.v_thresh

    def v(self, s):
        return self.v_inf + self.c1 * np.exp(-s / self.tau_m) + self.c2 * np.exp(-s / self.tau_x)

    def x(self, s):
        return self.x0 * np.exp(-s / self.tau_x)

    def _above(self, s):
        """v - v_thresh (mV) at elapsed time s."""
        return self.gap + self.c1 * math.exp(-s / self.tau_m) + self.c2 * math.exp(-s / self.tau_x)

    def first_crossing(self, duration):
        """Elapsed time (ms) of the first upward crossing of v_thresh in (0, duration], or None."""
        # v' = 0 at most once: where c1/tau_m exp(-s/tau_m) = -c2/tau_x exp(-s/tau_x).
        cuts = [0.0]
        if self.c1 != 0.0:
            ratio = -self.c2 * self.tau_m / (self.c1 * self.tau_x)
            if ratio > 0:
                turn = -math.log(ratio) / (1.0 / self.tau_m - 1.0 / self.tau_x)
                if 0.0 < turn < duration:
                    cuts.append(turn)
        cuts.append(duration)
        for a, b in zip(cuts[:-1], cuts[1:]):  # v is monotonic on each piece
            if self._above(a) < 0.0 <= self._above(b):
                return brentq(self._above, a, b, xtol=1e-13, rtol=4 * np.finfo(float).eps)
        return None


def exact_lif_with_current(params: LIFParams, t_max, *, tau_x, x0=0.0, spike_jump=0.0,
                           input_times=(), input_jump=0.0, dt=0.05) -> CurrentResult:
    """Exact LIF trace with one extra exponentially decaying current that jumps.

    ``tau_m dv/dt = -(v - v_rest) + r_m (i_e + x)`` and ``tau_x dx/dt = -x``;
    when v reaches ``v_thresh`` a spike is recorded, v is set to ``v_reset``
    and x jumps by ``spike_jump``; at each of ``input_times`` x jumps by
    ``input_jump``.

    Parameters
    ----------
    params : LIFParams
        Neuron parameters (ms, mV, nA, MOhm); ``i_e`` must be constant and
        ``t_ref`` zero.
    t_max : float
        Simulation length (ms), > 0.
    tau_x : float
        Decay time constant of x (ms), > 0 and different from ``tau_m``.
    x0 : float
        x at t = 0 (nA).
    spike_jump : float
        Jump of x at each output spike (nA); negative for an adaptation
        current (an adaptation current w that is subtracted is x = -w).
    input_times : sequence of float
        Times of the input spikes (ms), strictly increasing, in (0, t_max].
    input_jump : float
        Jump of x at each input spike (nA).
    dt : float
        Sampling interval of the returned trace (ms); the spike times do not
        depend on it.

    Returns
    -------
    CurrentResult
        ``t``, ``v``, ``x`` sampled every ``dt`` plus the points just before
        and after each spike, and ``spike_times``.

    Examples
    --------
    With x = 0 it is the plain LIF neuron (first spike 10 ln 4, then every 10 ln 6):

    >>> res = exact_lif_with_current(LIFParams(i_e=20.0), 50.0, tau_x=5.0)
    >>> res.spike_times.round(4)
    array([13.8629, 31.7805, 49.6981])

    An adaptation current of 2 nA per spike, decaying with 100 ms:

    >>> res = exact_lif_with_current(LIFParams(i_e=20.0), 100.0, tau_x=100.0, spike_jump=-2.0)
    >>> np.diff(res.spike_times).round(2)
    array([21.58, 26.11, 31.06])
    """
    t_max = check_t_max(t_max)
    dt = check_dt(dt, t_max)
    check.budget("dt", dt, t_max / dt, 10_000_000, what=f"samples over t_max = {t_max:g} ms",
                 advice="use a larger dt or a shorter t_max")
    if params.constant_current is None:
        raise LifutilsError("exact_lif_with_current needs a constant i_e (nA)")
    if params.t_ref != 0:
        raise LifutilsError(f"exact_lif_with_current needs t_ref = 0 ms, got {params.t_ref!r}")
    tau_x = check.positive("tau_x", tau_x, unit="ms")
    if tau_x == params.tau_m:
        raise LifutilsError(f"tau_x must differ from tau_m ({params.tau_m!r} ms), got {tau_x!r}")
    x = check.real("x0", x0)
    spike_jump = check.real("spike_jump", spike_jump)
    input_jump = check.real("input_jump", input_jump)
    inputs = check.times("input_times", np.ravel(input_times), low=0.0, high=t_max)
    if inputs.size and not inputs[0] > 0:
        raise LifutilsError(f"input_times must lie in (0, t_max = {t_max:g}] ms, got {inputs[0]:g}")

    v_inf = params.v_inf
    grid = np.arange(0.0, t_max + 0.5 * dt, dt)
    t, v = 0.0, params.v_start
    if v >= params.v_thresh:
        raise LifutilsError("exact_lif_with_current needs a start below v_thresh")
    ts, vs, xs, spikes = [0.0], [v], [x], []
    k = 0  # next input
    while t < t_max:
        end = min(inputs[k], t_max) if k < inputs.size else t_max
        seg = Segment(params, v_inf, tau_x, v, x)
        s = seg.first_crossing(end - t)
        stop = end if s is None else t + s
        inside = grid[(grid > t) & (grid < stop)]
        ts.extend(inside.tolist() + [stop])
        vs.extend(seg.v(inside - t).tolist() + [params.v_thresh if s is not None
                                                else float(seg.v(stop - t))])
        xs.extend(seg.x(inside - t).tolist() + [float(seg.x(stop - t))])
        t, v, x = stop, vs[-1], xs[-1]
        if s is not None:  # output spike: reset, adaptation jump
            spikes.append(t)
            if len(spikes) > MAX_SPIKES:
                raise RunawayError(f"more than {MAX_SPIKES} spikes: shorten t_max")
            v, x = params.v_reset, x + spike_jump
        elif k < inputs.size and t == inputs[k]:  # input spike: synaptic jump
            x = x + input_jump
            k += 1
        else:
            continue
        ts.append(t)
        vs.append(v)
        xs.append(x)
    return CurrentResult(t=np.asarray(ts), v=np.asarray(vs), x=np.asarray(xs),
                         spike_times=np.asarray(spikes, dtype=float))


def adapted_isi(params: LIFParams, *, tau_x=TAU_W, spike_jump=-B_JUMP, tau_w=None,
                b=None) -> float:
    """Steady-state interspike interval (ms) of the LIF neuron with spike-triggered adaptation.

    The model and its signs are those of :func:`exact_lif_with_current`: the
    extra current x (nA) is added to the input, decays with ``tau_x`` and
    jumps by ``spike_jump`` (<= 0: adaptation takes current away) at each
    spike. In the steady state the jump makes up for the decay over one
    interval T, so just after each spike ``x = spike_jump / (1 - exp(-T / tau_x))``;
    T is the interval for which the climb from ``v_reset`` to ``v_thresh``
    with that x takes exactly T.

    Parameters
    ----------
    params : LIFParams
        Neuron parameters; ``i_e`` constant, above the rheobase; ``t_ref`` 0.
    tau_x : float
        Adaptation time constant (ms), > 0 and different from ``tau_m``.
    spike_jump : float
        Jump of x at each spike (nA), <= 0.
    tau_w, b : float, optional
        The same written for the adaptation current w = -x that is subtracted
        from the input (notebook 05): ``tau_w`` is ``tau_x``, ``b = -spike_jump``
        (nA, >= 0). Given, they take the place of ``tau_x`` and ``spike_jump``.

    Returns
    -------
    float
        The steady interval (ms); ``spike_jump = 0`` gives the plain LIF interval.

    Examples
    --------
    >>> round(adapted_isi(LIFParams(i_e=20.0), tau_x=100.0, spike_jump=-2.0), 4)
    39.6887
    >>> round(adapted_isi(LIFParams(i_e=20.0), tau_w=100.0, b=2.0), 4)  # the same, as w = -x
    39.6887
    >>> round(adapted_isi(LIFParams(i_e=20.0), spike_jump=0.0), 4)  # 10 ln 6
    17.9176
    """
    if tau_w is not None:
        tau_x = tau_w
    if b is not None:
        spike_jump = -check.non_negative("b", b, unit="nA")
    tau_x = check.positive("tau_x", tau_x, unit="ms")
    spike_jump = check.real("spike_jump", spike_jump, unit="nA")
    if tau_x == params.tau_m:
        raise LifutilsError(f"tau_x must differ from tau_m ({params.tau_m!r} ms), got {tau_x!r}")
    if not spike_jump <= 0:
        raise LifutilsError(f"spike_jump must be <= 0 nA (adaptation takes current away), "
                            f"got {spike_jump!r}")
    if params.constant_current is None or params.t_ref != 0:
        raise LifutilsError("adapted_isi needs a constant i_e and t_ref = 0")
    v_inf = params.v_inf
    if not v_inf > params.v_thresh:
        raise LifutilsError("adapted_isi needs i_e above the rheobase: the neuron is silent")

    def climb(x_after):  # time (ms) from v_reset to v_thresh with x_after just after the spike
        seg = Segment(params, v_inf, tau_x, params.v_reset, x_after)
        horizon = 1.0
        while True:
            s = seg.first_crossing(horizon)
            if s is not None:
                return s
            horizon *= 2.0

    plain = climb(0.0)
    if spike_jump == 0:
        return plain

    def mismatch(T):
        return climb(spike_jump / -math.expm1(-T / tau_x)) - T

    hi = 2.0 * plain
    while mismatch(hi) > 0:  # a longer interval leaves less adaptation behind
        hi *= 2.0
    return brentq(mismatch, plain, hi, xtol=1e-12)

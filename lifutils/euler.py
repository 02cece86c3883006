"""The forward-Euler loop of the question, and its interpolated variant."""
from __future__ import annotations

import math

import numpy as np

from . import _validate as check
from .analytic import MAX_SPIKES, exact_spike_times, runaway_message
from .errors import LifutilsError, RunawayError, StalledError
from .methods import Method, register
from .params import LIFParams, check_dt, check_t_max
from .result import LIFResult

__all__ = ["simulate_euler", "MAX_EULER_STEPS", "DT"]

#: Refuse Euler runs longer than this many steps (a Python loop: ~0.5 s per
#: million; the trace, the drive and the times take 24 bytes a step, 480 MB here).
MAX_EULER_STEPS = 20_000_000
#: The time step (ms) of the question; t_max / 10 for a run shorter than 1 ms.
DT = 0.1
#: Steps per pass of the loop: the Python floats it works on stay a few MB.
CHUNK = 65536


def simulate_euler(params: LIFParams, t_max, *, dt=None, interpolate=False,
                   max_spikes=MAX_SPIKES) -> LIFResult:
    """Forward Euler with threshold and reset, as in the question's for-loop.

    Step k goes from ``t_k = k * dt`` to ``t_(k+1)``:
    ``v += dt * (-(v - v_rest) + r_m * i_e(t_k)) / tau_m``; if then
    ``v >= v_thresh``, a spike is recorded at the end of the step, ``t_(k+1)``,
    and v is set to ``v_reset``. Steps are counted by integer index (never by
    ``t += dt``), and there are ``len(np.arange(0, t_max, dt))`` of them, as in
    the question's loop. With ``t_ref > 0``, v is held at ``v_reset`` and the
    threshold is blocked for every step that starts before the spike time plus
    ``t_ref``.

    The error in spike times is first order in dt, but it moves in stairs:
    spike times are locked to the grid, and at some dt the late grid point
    happens to cancel part of Euler's own error (measured at R*I = 20 mV over
    200 ms, dt = 0.4 ... 0.00625 ms: largest error 3.4, 1.2, 0.24, 0.19, 0.19,
    0.051, 0.051 ms; fitted slope 0.99).

    With ``interpolate=True`` (the correction of Hansel et al. 1998, Neural
    Comput. 10:467), the spike time is placed where the straight line from
    v_k to v_(k+1) crosses threshold, the reset happens there, and the rest of
    the step is integrated by Euler from v_reset (a refractory period may end
    inside a step too). Combined with forward Euler the spike times are still
    first order (measured slope 1.00; largest error 3.9, 1.9, 0.97, 0.48, 0.24,
    0.12, 0.060 ms over the same dt): Euler's own error in v dominates, makes
    every interval a little short, and so adds up spike after spike. What the
    interpolation buys is an error that is
    smooth and predictable in dt (it halves exactly when dt halves) instead of
    locked to the grid; it is not smaller here. To make it smaller, pair the
    interpolation with a second-order integrator, as Hansel et al. do.

    Parameters
    ----------
    params : LIFParams
        Neuron parameters (mV, ms, nA, MOhm); a callable ``i_e`` is sampled at
        the start of each step.
    t_max : float
        Simulation length (ms), finite and > 0.
    dt : float or None
        Time step (ms), finite, > 0 and no larger than t_max; keyword only.
        None (default): 0.1 ms, the question's, or t_max / 10 for a run
        shorter than 1 ms. More than 20 million steps is refused (BudgetError).
    interpolate : bool
        Place spikes and resets inside the step (see above). Default False.
    max_spikes : int
        Cap on the number of spikes (RunawayError beyond it). For constant
        input the closed form counts them first, so a runaway drive is refused
        before the loop starts.

    Returns
    -------
    LIFResult
        ``t`` is the grid ``k * dt``; ``v`` the value after each step (after
        the reset, if one happened); ``nfev`` the number of steps.

    Examples
    --------
    >>> res = simulate_euler(LIFParams(i_e=20.0), 100.0, dt=0.1)
    >>> res.n_spikes, round(float(res.spike_times[0]), 1)  # exact: 13.8629 ms
    (5, 13.8)
    """
    t_max = check_t_max(t_max)
    dt = check_dt((min(DT, t_max / 10) or t_max) if dt is None else dt, t_max)
    check.budget("dt", dt, t_max / dt, MAX_EULER_STEPS, what=f"Euler steps over t_max = {t_max:g} ms",
                 advice="use a larger dt or a shorter t_max")
    max_spikes = check.integer("max_spikes", max_spikes, minimum=1)
    if params.constant_current is not None:  # known in advance: refuse a runaway at once
        exact_spike_times(params, t_max, max_spikes=max_spikes)
    n_steps = len(np.arange(0, t_max, dt))
    t = np.arange(n_steps + 1) * dt
    drive = params.r_m * params.current(t[:-1])  # mV, sampled at step starts
    if not np.all(np.isfinite(drive)):
        bad = t[:-1][~np.isfinite(drive)][0]
        raise LifutilsError(f"i_e returned a non-finite current at t = {bad:g} ms")
    interpolate = check.flag("interpolate", interpolate)
    loop = _euler_interpolated if interpolate else _euler_plain
    v = np.empty(n_steps + 1)
    spikes = loop(params, dt, drive, v, _SpikeList(max_spikes, t_max))
    return LIFResult(t=t, v=v, spike_times=np.asarray(spikes, dtype=float),
                     nfev=n_steps, key="euler_interp" if interpolate else "euler",
                     params=params)


class _SpikeList(list):
    """Spike times (ms), refusing more than max_spikes (RunawayError)."""

    def __init__(self, max_spikes, t_max):
        super().__init__()
        self.max_spikes, self.t_max = max_spikes, t_max

    def add(self, t):
        self.append(t)
        if len(self) > self.max_spikes:
            raise RunawayError(runaway_message(len(self), self.max_spikes, self.t_max))


def _euler_plain(p: LIFParams, dt, drive, v_out, spikes):
    tau_m, v_rest, v_thresh, v_reset = p.tau_m, p.v_rest, p.v_thresh, p.v_reset
    n_steps = len(drive)
    v = p.v_start
    held_until = -1  # last step index (exclusive) during which v is held
    # A start at or above threshold is a spike at t = 0 (as in the closed form).
    if v >= v_thresh:
        spikes.add(0.0)
        v = v_reset
        held_until = _held_steps(0, 0.0, p.t_ref, dt, n_steps)
    v_out[0] = v
    for start in range(0, n_steps, CHUNK):
        chunk = drive[start:start + CHUNK].tolist()
        vs = []
        for k, d_k in enumerate(chunk, start):
            if k < held_until:
                vs.append(v)
                continue
            # The question's update, operation for operation.
            dv_dt = (-(v - v_rest) + d_k) / tau_m
            v += dv_dt * dt
            if v >= v_thresh:
                v = v_reset
                spikes.add((k + 1) * dt)
                held_until = _held_steps(k + 1, (k + 1) * dt, p.t_ref, dt, n_steps)
            vs.append(v)
        v_out[start + 1:start + 1 + len(vs)] = vs
    return spikes


def _held_steps(k_spike, t_spike, t_ref, dt, n_steps):
    """Index of the first step that may integrate again after a spike at step boundary k_spike.

    The first k >= k_spike with ``k * dt >= t_spike + t_ref`` (less a hair, so
    that a t_ref of a whole number of steps holds exactly that many), computed
    directly however long t_ref is, and at most n_steps (held to the end).
    """
    if t_ref == 0:
        return k_spike
    free_at = t_spike + t_ref - 1e-9 * dt
    if free_at / dt >= n_steps:
        return n_steps
    k = max(k_spike, math.ceil(free_at / dt))
    while k * dt < free_at:  # at most a step of rounding either way
        k += 1
    while k - 1 >= k_spike and (k - 1) * dt >= free_at:
        k -= 1
    return k


def _euler_interpolated(p: LIFParams, dt, drive, v_out, spikes):
    tau_m, v_rest, v_thresh, v_reset, t_ref = p.tau_m, p.v_rest, p.v_thresh, p.v_reset, p.t_ref
    n_steps = len(drive)
    v = p.v_start
    free_at = -np.inf  # end of the current refractory period (ms)
    if v >= v_thresh:
        spikes.add(0.0)
        v = v_reset
        free_at = t_ref
    v_out[0] = v
    for start in range(0, n_steps, CHUNK):
        chunk = drive[start:start + CHUNK].tolist()
        vs = []
        for k, d_k in enumerate(chunk, start):
            t_end = (k + 1) * dt
            t_now = k * dt
            if free_at > t_now:
                t_now = min(free_at, t_end)  # held at v_reset until then
            # Several spikes in one step are possible with a huge drive; each pass
            # of this loop either reaches the end of the step or records a spike
            # strictly later than the last one.
            while t_now < t_end:
                h = t_end - t_now
                v_new = v + h * (-(v - v_rest) + d_k) / tau_m
                if v_new < v_thresh:
                    v = v_new
                    break
                t_cross = t_now + h * (v_thresh - v) / (v_new - v)
                spikes.add(t_cross)
                v = v_reset
                free_at = t_cross + t_ref
                if t_cross <= t_now and t_ref == 0:
                    raise StalledError(
                        f"Euler with interpolation stalled at t = {t_now:g} ms: the drive "
                        "is too strong for dt; use a smaller dt or add t_ref > 0"
                    )
                t_now = min(max(free_at, t_cross), t_end)
            vs.append(v)
        v_out[start + 1:start + 1 + len(vs)] = vs
    return spikes


# The registry's entries for the two loops (lifutils.methods): how they are shown everywhere.
register(Method("euler", "Euler loop", "Euler", simulate_euler, ("dt",), knob="dt", rank=10,
                color="#4A9AC7", text_color="#3B7BA0", linestyle=(0, (5, 1)),
                marker=dict(marker="s", markersize=8, markerfacecolor="none",
                            markeredgewidth=1.3)))
register(Method("euler_interp", "Euler, interpolated", "Euler, interpolated", simulate_euler,
                ("dt",), dict(interpolate=True), knob="dt", rank=20, color="#009E73",
                text_color="#008561", linestyle="-.",
                marker=dict(marker="D", markersize=6, markerfacecolor="none",
                            markeredgewidth=1.3)))

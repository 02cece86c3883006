"""The forward-Euler steps of the question's loop, plain and interpolated (the loop: lifutils.fixed_step)."""
from __future__ import annotations

import numpy as np

from . import checks as check
from .analytic import MAX_SPIKES, exact_spike_times
from .errors import LifutilsError
from .fixed_step import MAX_EULER_STEPS, run_neuron
from .params import LIFParams, check_dt, check_params, check_t_max
from .result import LIFResult

__all__ = ["simulate_euler", "MAX_EULER_STEPS", "DT"]

#: The time step (ms) of the question; t_max / 10 for a run shorter than 1 ms.
DT = 0.1


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
        Place spikes and resets inside the step (see above). Default False;
        True or False only.
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
    params = check_params(params)
    t_max, interpolate = check_t_max(t_max), check.flag("interpolate", interpolate)
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
    step = _interpolated if interpolate else _plain
    v, spikes = run_neuron(step(params, dt), params, dt, drive, max_spikes=max_spikes,
                           t_max=t_max, on_grid=not interpolate,
                           name="Euler with interpolation" if interpolate else "Euler")
    return LIFResult(t=t, v=v, spike_times=np.asarray(spikes, dtype=float),
                     nfev=n_steps, key="euler_interp" if interpolate else "euler",
                     params=params)


def _plain(p: LIFParams, dt):
    """The free run of forward Euler: the question's update, spikes at the end of a step."""
    tau_m, v_rest, v_thresh = p.tau_m, p.v_rest, p.v_thresh

    def free_run(v, t_from, steps, vs):
        append = vs.append
        for k, d_k in steps:
            # The question's update, operation for operation.
            dv_dt = (-(v - v_rest) + d_k) / tau_m
            v += dv_dt * dt
            if v >= v_thresh:
                return k, k * dt, (k + 1) * dt
            append(v)
        return None
    return free_run


def _interpolated(p: LIFParams, dt):
    """The free run of Euler with interpolation: the crossing placed inside the step."""
    tau_m, v_rest, v_thresh = p.tau_m, p.v_rest, p.v_thresh

    def free_run(v, t_from, steps, vs):
        append = vs.append
        for k, d_k in steps:
            t_now = k * dt
            if t_from > t_now:  # the first step may start inside (after a hold, or a spike)
                t_now = t_from
            h = (k + 1) * dt - t_now
            v_new = v + h * (-(v - v_rest) + d_k) / tau_m
            if not v_new < v_thresh:  # (a nan is a crossing too, as it always was)
                return k, t_now, t_now + h * (v_thresh - v) / (v_new - v)
            v = v_new
            append(v)
        return None
    return free_run


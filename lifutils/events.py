"""The right way: a threshold event, a reset, a refractory hold, a restart."""
from __future__ import annotations

import numpy as np

from .analytic import MAX_SPIKES, exact_spike_times
from .params import LIFParams, LIFResult, _integer, _real, check_t_max
from .resets import solve_ivp_with_resets

__all__ = ["simulate_events", "DEFAULT_RTOL", "DEFAULT_ATOL", "MAX_STEP_FOR_CALLABLE"]

DEFAULT_RTOL = 1e-8   # relative tolerance
DEFAULT_ATOL = 1e-8   # absolute tolerance (mV)
#: Step cap (ms) when the input is a general function of time: an excursion
#: above threshold that lasts longer than this is always seen by the solver.
MAX_STEP_FOR_CALLABLE = 0.1


def default_max_step(params: LIFParams) -> float:
    """The step cap (ms) simulate_events uses when max_step is None.

    ``inf`` for a constant or piecewise-constant input (between breakpoints v
    moves monotonically towards v_inf, so a crossing cannot start and end inside
    one step); :data:`MAX_STEP_FOR_CALLABLE` = 0.1 ms for any other function of t.
    """
    if params.constant_current is not None or getattr(params.i_e, "piecewise_constant", False):
        return np.inf
    return MAX_STEP_FOR_CALLABLE


def simulate_events(params: LIFParams, t_max, *, method="RK45", rtol=DEFAULT_RTOL,
                    atol=DEFAULT_ATOL, max_step=None, t_eval=None,
                    max_spikes=MAX_SPIKES) -> LIFResult:
    """Simulate the LIF neuron with solve_ivp and a threshold event: the answer.

    The right-hand side is only the leaky integration,
    ``dv/dt = (-(v - v_rest) + r_m * i_e(t)) / tau_m``. A terminal event
    ``v - v_thresh`` (direction +1) stops the solver when v reaches threshold;
    the spike is recorded, v is set to ``v_reset`` and held there for
    ``t_ref``, and the solver restarts from there. Built on
    :func:`lifutils.solve_ivp_with_resets`.

    Spikes are not missed with the defaults: solve_ivp looks for a sign change
    only at the ends of each step (scipy issue 9228), so with ``max_step=None``:

    * constant input: no cap; v rises monotonically, so a crossing cannot
      hide inside a step;
    * inputs from :mod:`lifutils.inputs` (and any callable with a
      ``breakpoints`` attribute): the solver restarts at every breakpoint
      instead of stepping across a jump; piecewise-constant ones need no cap;
    * any other function of time: ``max_step = 0.1`` ms, so every excursion
      above threshold lasting longer than 0.1 ms is caught (shorter ones may be).

    Parameters
    ----------
    params : LIFParams
        Neuron parameters (ms, mV, nA, MOhm).
    t_max : float
        Simulation length (ms), > 0.
    method : str
        Any solve_ivp method ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA").
    rtol, atol : float
        Solver tolerances (atol in mV). Defaults 1e-8 and 1e-8: at R*I = 20 mV
        the spike times are within about 1e-5 ms of the closed form over
        1000 ms (56 spikes; the error adds up from spike to spike); rtol =
        atol = 1e-9 gives about 1e-6 ms.
    max_step : float or None
        Step cap (ms); None chooses as described above.
    t_eval : array_like, optional
        Times (ms) at which to store v; by default every solver step.
    max_spikes : int
        Cap on the number of spikes; more is a RunawayError that says what to
        change. For constant input the count is known in advance, so the error
        comes at once.

    Returns
    -------
    LIFResult
        Without t_eval, ``t`` and ``v`` hold every solver step, and each reset
        is a vertical jump: two points at the spike time, at v_thresh and at
        v_reset. ``nfev`` counts right-hand-side evaluations over all restarts.

    Examples
    --------
    >>> res = simulate_events(LIFParams(i_e=20.0), 100.0, rtol=1e-10, atol=1e-10)
    >>> res.spike_times.round(4)
    array([13.8629, 31.7805, 49.6981, 67.6157, 85.5333])
    """
    t_max = check_t_max(t_max)
    if not isinstance(method, str):
        raise ValueError(f"method must be the name of a solve_ivp method, got {method!r}")
    max_spikes = _integer("max_spikes", max_spikes, 1)
    rtol = _real("rtol", rtol)
    atol = _real("atol", atol)
    if not rtol > 0 or not atol > 0:
        raise ValueError(f"rtol and atol must be > 0, got rtol={rtol!r}, atol={atol!r}")
    if max_step is None:
        max_step = default_max_step(params)
    elif isinstance(max_step, bool) or not isinstance(max_step, (int, float, np.floating)) \
            or not max_step > 0:  # inf is allowed: no cap; NaN fails this test
        raise ValueError(f"max_step must be > 0 ms (inf for no cap), got {max_step!r}")
    if params.constant_current is not None:
        # Known in advance: refuse a runaway before doing any work.
        exact_spike_times(params, t_max, max_spikes=max_spikes)

    tau_m, v_rest, v_thresh, v_reset, r_m = (params.tau_m, params.v_rest, params.v_thresh,
                                             params.v_reset, params.r_m)
    if params.constant_current is not None:
        drive = v_rest + r_m * params.constant_current

        def rhs(t, v):
            return (drive - v) / tau_m
    else:
        current = params.scalar_current()

        def rhs(t, v):
            return (v_rest + r_m * current(t) - v) / tau_m

    def threshold(t, v):
        return v[0] - v_thresh
    threshold.direction = 1

    def reset(t, v, index):
        return np.array([v_reset])

    hold = None
    if params.t_ref > 0:
        t_ref = params.t_ref

        def hold(t, v, index):
            return t_ref, [0]

    # Defined behaviour: a start at or above threshold is a spike at t = 0,
    # followed by the reset (and the refractory hold) as for any other spike.
    start_spike = params.v_start >= v_thresh
    t_start = min(params.t_ref, t_max) if start_spike else 0.0
    # The jump at t = 0 and the hold; the solver's own first point is (t_start, v_reset).
    head_t = [0.0, 0.0] if start_spike and t_start > 0 else [0.0] if start_spike else []
    head_v = [params.v_start, v_reset][:len(head_t)]
    if start_spike and t_start >= t_max:  # held to the end: no solver run
        head_t, head_v = [0.0, 0.0, t_max], [params.v_start, v_reset, v_reset]
    if t_eval is not None:
        t_eval = np.asarray(t_eval, dtype=float)
        head_t = list(t_eval[t_eval < t_start]) if start_spike else []
        head_v = [v_reset] * len(head_t)
    spikes = [0.0] if start_spike else []
    t, v, nfev = np.asarray(head_t), np.asarray(head_v), 0
    if t_start < t_max:
        sol = solve_ivp_with_resets(
            rhs, (t_start, t_max), [v_reset if start_spike else params.v_start],
            events=threshold, reset=reset, hold=hold, method=method,
            t_eval=None if t_eval is None else t_eval[t_eval >= t_start],
            breakpoints=getattr(params.i_e, "breakpoints", ()),
            max_resets=max_spikes - len(spikes), rtol=rtol, atol=atol, max_step=max_step,
            check_finite=False)  # rhs is finite: params validated, scalar_current checks i_e(t)
        if not sol.success:
            raise SolverError(f"solve_ivp failed: {sol.message}")
        spikes.extend(sol.t_events[0])
        t = np.concatenate([t, sol.t])
        v = np.concatenate([v, sol.y[0]])
        nfev = int(sol.nfev)
    spikes = np.asarray(spikes, dtype=float)
    return LIFResult(t=t, v=v, spike_times=spikes, nfev=nfev,
                     key="events", solver=method, params=params)

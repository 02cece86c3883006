"""The right way: a threshold event, a reset, a refractory hold, a restart."""
from __future__ import annotations

import math
import warnings

import numpy as np

from . import checks as check
from .analytic import MAX_SPIKES, exact_spike_times, first_spike_time
from .errors import IllConditionedWarning, LifutilsError, SolverError, SolverFailedWarning
from .methods import EXPLICIT_METHODS, SOLVE_IVP_METHODS
from .params import LIFParams, check_params, check_t_max
from .result import LIFResult
from .restart.resets import MAX_NFEV, solve_ivp_with_resets

__all__ = ["simulate_events", "DEFAULT_RTOL", "DEFAULT_ATOL", "MAX_STEP_FOR_CALLABLE"]

DEFAULT_RTOL = 1e-8   # relative tolerance
DEFAULT_ATOL = 1e-8   # absolute tolerance (mV)
#: Step cap (ms) when the input is a general function of time: an excursion
#: above threshold that lasts longer than this is always seen by the solver.
MAX_STEP_FOR_CALLABLE = 0.1
#: Spike-time error (ms) the default tolerances are tightened to reach near rheobase.
TARGET_ERROR = 1e-4
#: The tightest tolerance used when tightening (scipy's floor for rtol is 100 machine epsilons).
TIGHTEST = 1e-13
#: Ill-conditioned: the gap v_inf - v_thresh is under this fraction of v_thresh - v_reset, so a
#: tolerance moves the spike times at least this many times more than it does far from the
#: rheobase (the slope dv/dt = gap / tau_m at the threshold is that much shallower).
ILL_CONDITIONED_RATIO = 0.1


def default_max_step(params: LIFParams) -> float:
    """The step cap (ms) simulate_events uses when max_step is None.

    ``inf`` for a constant or piecewise-constant input (between breakpoints v
    moves monotonically towards v_inf, so a crossing cannot start and end inside
    one step); :data:`MAX_STEP_FOR_CALLABLE` = 0.1 ms for any other function of t.
    """
    if params.constant_current is not None or getattr(params.i_e, "piecewise_constant", False):
        return np.inf
    return MAX_STEP_FOR_CALLABLE


def simulate_events(params: LIFParams, t_max, *, method="RK45", rtol=None, atol=None,
                    max_step=None, t_eval=None, max_spikes=MAX_SPIKES,
                    max_nfev=MAX_NFEV) -> LIFResult:
    """Simulate the LIF neuron with solve_ivp and a threshold event: the answer.

    The right-hand side is only the leaky integration,
    ``dv/dt = (-(v - v_rest) + r_m * i_e(t)) / tau_m``. A terminal event
    ``v - v_thresh`` (direction +1) stops the solver when v reaches threshold;
    the spike is recorded, v is set to ``v_reset`` and held there for
    ``t_ref``, and the solver restarts from there. Built on
    :func:`lifutils.solve_ivp_with_resets`.

    Spikes are not stepped over with the defaults: solve_ivp looks for a sign
    change only at the ends of each step (scipy issue 9228), so with
    ``max_step=None``:

    * constant input: no cap; v rises monotonically, so a crossing cannot
      hide inside a step;
    * inputs from :mod:`lifutils.inputs` (and any callable with a
      ``breakpoints`` attribute): the solver restarts at every breakpoint
      instead of stepping across a jump; piecewise-constant ones need no cap;
    * any other function of time: ``max_step = 0.1`` ms, so every excursion
      above threshold lasting longer than 0.1 ms is caught (shorter ones may be).

    Near rheobase the problem is ill-conditioned: a spike time moves by about
    ``tau_m * tol / |v_inf - v_thresh|`` ms for an error of tol mV in v, and
    when v only creeps up to threshold a solver error can miss a spike or add
    one. For constant input this is checked before solving: with the default
    tolerances they are tightened (down to 1e-13) until the expected error is
    below 1e-4 ms per spike; where even that cannot resolve it, an
    :class:`~lifutils.IllConditionedWarning` names the gap and the tolerance
    that would resolve it. With tolerances you chose, the same warning comes
    whenever they do not resolve the spike times near the rheobase: the gap
    is under a tenth of ``v_thresh - v_reset`` (the slope ``dv/dt = gap /
    tau_m`` at the threshold is shallow) and the expected error
    ``tau_m * tol / gap`` is over 1e-4 ms; or whenever they are as large as
    the gap (the count itself may be wrong).

    Parameters
    ----------
    params : LIFParams
        Neuron parameters (ms, mV, nA, MOhm).
    t_max : float
        Simulation length (ms), > 0.
    method : str
        Any solve_ivp method ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA").
    rtol, atol : float or None
        Solver tolerances, rtol in [2.2e-14, 1) and atol > 0 (mV). None (default)
        means 1e-8 each, tightened near rheobase as described above. At R*I =
        20 mV the spike times are then within about 1e-5 ms of the closed form
        over 1000 ms (56 spikes; the error adds up from spike to spike);
        rtol = atol = 1e-9 gives about 1e-6 ms.
    max_step : float or None
        Step cap (ms), > 0 (inf: no cap); None chooses as described above.
    t_eval : array_like, optional
        Strictly increasing times (ms) within [0, t_max] at which to store v;
        by default every solver step.
    max_spikes : int
        Cap on the number of spikes; more is a RunawayError that says what to
        change. For constant input the count is known in advance, so the error
        comes at once.
    max_nfev : int
        Budget of right-hand-side evaluations (see
        :func:`~lifutils.solve_ivp_with_resets`). An explicit method (RK45,
        RK23, DOP853) needs at least one evaluation per ``tau_m`` of t_max
        whatever the tolerance, so a t_max beyond the budget is refused at
        once (use "LSODA", "Radau" or "BDF" for very long runs).

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
    params, t_max = check_params(params), check_t_max(t_max)
    if not isinstance(method, str) or method not in SOLVE_IVP_METHODS:
        raise LifutilsError(f"method must be one of {', '.join(SOLVE_IVP_METHODS)}, "
                            f"got {check.show(method)}")
    max_spikes = check.integer("max_spikes", max_spikes, minimum=1)
    max_nfev = check.integer("max_nfev", max_nfev, minimum=1)
    chosen = rtol is not None or atol is not None
    rtol, atol, max_step = check.solver_options(
        DEFAULT_RTOL if rtol is None else rtol, DEFAULT_ATOL if atol is None else atol,
        default_max_step(params) if max_step is None else max_step)
    if t_eval is not None:
        t_eval = check.times("t_eval", t_eval, low=0.0, high=t_max)
    if params.constant_current is not None:
        # Known in advance: refuse a runaway before doing any work.
        exact_spike_times(params, t_max, max_spikes=max_spikes)
    if method in EXPLICIT_METHODS:
        check.budget("t_max", t_max, t_max / params.tau_m, max_nfev,
                     what=f"membrane time constants, each at least one evaluation for {method}",
                     advice="use method='LSODA' (or 'Radau', 'BDF'), whose steps grow while "
                            "nothing happens, or shorten t_max")
    if params.constant_current is not None:
        rtol, atol = _condition(params, t_max, rtol, atol, chosen)

    rhs, threshold, reset, hold = _lif_model(params)
    v_reset = params.v_reset
    start_spike, t_start, head_t, head_v = _head(params, t_max, t_eval)
    spikes = [0.0] if start_spike else []
    t, v, nfev = np.asarray(head_t), np.asarray(head_v), 0
    if t_start < t_max:
        with warnings.catch_warnings():  # a failure is raised below, as a SolverError
            warnings.simplefilter("ignore", SolverFailedWarning)
            sol = solve_ivp_with_resets(
                rhs, (t_start, t_max), [v_reset if start_spike else params.v_start],
                events=threshold, reset=reset, hold=hold, method=method,
                t_eval=None if t_eval is None else t_eval[t_eval >= t_start],
                breakpoints=getattr(params.i_e, "breakpoints", ()),
                max_resets=max_spikes - len(spikes), max_nfev=max_nfev, rtol=rtol, atol=atol,
                max_step=max_step, check_finite=False)  # rhs is finite: params validated, scalar_current checks i_e(t)
        if not sol.success:
            raise SolverError(f"solve_ivp failed: {sol.message}")
        spikes.extend(sol.t_events[0])
        t = np.concatenate([t, sol.t])
        v = np.concatenate([v, sol.y[0]])
        nfev = int(sol.nfev)
    spikes = np.asarray(spikes, dtype=float)
    return LIFResult(t=t, v=v, spike_times=spikes, nfev=nfev,
                     key="events", solver=method, params=params)


def _lif_model(params: LIFParams):
    """The neuron for solve_ivp_with_resets: (rhs, threshold event, reset, hold or None)."""
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

    t_ref = params.t_ref

    def hold(t, v, index):
        return t_ref, [0]
    return rhs, threshold, reset, (hold if t_ref > 0 else None)


def _head(params: LIFParams, t_max, t_eval):
    """Before the solver's first point: (start_spike, t_start, head_t, head_v).

    Defined behaviour: a start at or above threshold is a spike at t = 0,
    followed by the reset (and the refractory hold) as for any other spike.
    """
    v_reset = params.v_reset
    start_spike = params.v_start >= params.v_thresh
    t_start = min(params.t_ref, t_max) if start_spike else 0.0
    # The jump at t = 0 and the hold; the solver's own first point is (t_start, v_reset).
    head_t = [0.0, 0.0] if start_spike and t_start > 0 else [0.0] if start_spike else []
    head_v = [params.v_start, v_reset][:len(head_t)]
    if start_spike and t_start >= t_max:  # held to the end: no solver run
        head_t, head_v = [0.0, 0.0, t_max], [params.v_start, v_reset, v_reset]
    if t_eval is not None:
        head_t = list(t_eval[t_eval < t_start]) if start_spike else []
        if start_spike and t_start >= t_max:  # held to the end: every point is v_reset
            head_t = list(t_eval)
        head_v = [v_reset] * len(head_t)
    return start_spike, t_start, head_t, head_v


def _condition(params: LIFParams, t_max, rtol, atol, chosen):
    """Tolerances for constant input near rheobase: tightened (defaults) or a warning.

    The tolerance in mV is about ``atol + rtol * |v_thresh|`` where v crosses.
    It must be small against the gap ``|v_inf - v_thresh|`` for the spike
    times (and count), or, for a neuron that does not fire in t_max, against
    how close v comes to threshold (or the solver may add a spike).
    """
    needed, gap, timing, what = _resolving_tolerance(params, t_max)
    scale = 1.0 + abs(params.v_thresh)
    tol = atol + rtol * abs(params.v_thresh)
    if needed is None or tol <= needed:
        return rtol, atol
    if not chosen:  # the defaults: tighten as far as double precision allows
        factor = needed / tol
        rtol, atol = max(rtol * factor, TIGHTEST), max(atol * factor, TIGHTEST)
        tol = atol + rtol * abs(params.v_thresh)
        if tol <= needed:
            return rtol, atol
    elif tol < (gap if timing else needed * 100) and not (timing and _unresolved(params, tol, gap)):
        return rtol, atol  # your tolerances: a wrong count, or unresolved times near rheobase
    if needed <= 0:
        reach = (": no tolerance can, v approaches v_thresh without reaching it "
                 "(exact_spike_times is exact here)")
    elif needed / scale < TIGHTEST:
        reach = (f": a tolerance of about {needed:.2g} mV would, tighter than double precision "
                 "allows (exact_spike_times is exact here)")
    else:
        reach = f": a tolerance of about {needed:.2g} mV (rtol = atol = {needed / scale:.2g}) would"
    error = params.tau_m * tol / gap if timing else math.inf
    risk = (f"the spike times may be off by about {error:.2g} ms" if error < t_max else
            "spikes may be missed or added")
    warnings.warn(IllConditionedWarning(
        f"ill-conditioned near rheobase, |v_inf - v_thresh| = {abs(gap):.3g} mV ({what}): at "
        f"rtol = {rtol:.3g}, atol = {atol:.3g} (about {tol:.2g} mV) {risk}. Resolving it{reach}"),
        stacklevel=3)
    return rtol, atol


def _unresolved(params: LIFParams, tol, gap) -> bool:
    """Near the rheobase (ill-conditioned), a tolerance of tol mV misses the target error."""
    ill = gap < ILL_CONDITIONED_RATIO * (params.v_thresh - params.v_reset)
    return ill and params.tau_m * tol / gap > TARGET_ERROR


def _resolving_tolerance(params: LIFParams, t_max):
    """(tolerance in mV that resolves the run, gap v_inf - v_thresh (mV), timing?, why)."""
    gap = params.v_inf - params.v_thresh
    start_spike = params.v_start >= params.v_thresh
    v_free = params.v_reset if start_spike else params.v_start  # v where the free run starts
    t_free = t_max - (params.t_ref if start_spike else 0.0)
    if t_free <= 0:
        return None, gap, False, ""
    if gap > 0 and first_spike_time(params.replace(v0=v_free)) <= t_free:
        return TARGET_ERROR * gap / params.tau_m, gap, True, "v crosses threshold slowly"
    # No spike in t_max: v comes closest to threshold at the end (or at the start).
    v_end = params.v_inf + (v_free - params.v_inf) * math.exp(-t_free / params.tau_m)
    closest = params.v_thresh - max(v_free, v_end)
    return closest / 100.0, gap, False, f"v comes within {closest:.2g} mV of v_thresh without firing"


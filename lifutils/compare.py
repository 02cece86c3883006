"""Side-by-side comparisons: spike-time errors, method tables, work-precision sweeps."""
from __future__ import annotations

import time

import numpy as np

from . import checks as check
from .analytic import exact_spike_times
from .errors import LifutilsError
from .euler import simulate_euler
from .methods import REGISTRY, RUN_SETTINGS, WORK_PRECISION_METHODS
from .params import LIFParams, check_params
from .progress import track
from .result import LIFResult

__all__ = ["spike_time_error", "lowest_v_after", "run_method", "compare_methods",
           "convergence_order", "euler_convergence", "work_precision", "simulated_rates",
           "event_rates"]

def spike_time_error(spike_times, reference) -> float:
    """Largest spike-time error (ms) against a reference train.

    Returns 0.0 when both are empty, ``inf`` when the counts differ (a missed
    or extra spike is worse than any timing error).

    Examples
    --------
    >>> spike_time_error([10.1, 20.0], [10.0, 20.0])
    0.09999999999999964
    >>> spike_time_error([], [5.0])
    inf
    """
    a = np.asarray(spike_times, dtype=float)
    b = np.asarray(reference, dtype=float)
    if a.shape != b.shape:
        return float("inf")
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def lowest_v_after(result: LIFResult, t_from) -> float:
    """Lowest membrane potential (mV) in a trace at or after ``t_from`` (ms).

    For the dv/dt hack, with ``t_from`` the exact first spike time (until
    then the hack is the plain leaky integrator): how far below threshold v
    ever gets once the "reset" is supposed to act. NaN if the trace ends
    before t_from.

    Examples
    --------
    >>> from lifutils import simulate_dvdt_hack
    >>> round(lowest_v_after(simulate_dvdt_hack(LIFParams(i_e=20.0), 100.0), 13.8629), 2)
    -60.13
    """
    after = np.asarray(result.v)[np.asarray(result.t) >= t_from]
    return float(after.min()) if after.size else float("nan")


def run_method(key, params: LIFParams, t_max, *, dt=None, method="RK45", rtol=None,
               atol=None, max_step=None) -> LIFResult:
    """Run the registry's method ``key`` (:data:`lifutils.methods.REGISTRY`) with the usual
    settings.

    ``dt`` is for the Euler loops (ms); ``method``, ``rtol``, ``atol``,
    ``max_step`` for the solve_ivp methods (None keeps each function's default).
    A method ignores the settings it does not take (see
    :meth:`lifutils.methods.Method.run`).

    Examples
    --------
    >>> run_method("events", LIFParams(i_e=20.0), 50.0).n_spikes
    3
    """
    if not isinstance(key, str) or key not in REGISTRY:
        raise LifutilsError(f"key must be one of {list(REGISTRY)}, got {key!r}")
    return REGISTRY[key].run(params, t_max, dt=dt, method=method, rtol=rtol, atol=atol,
                              max_step=max_step)


def compare_methods(params: LIFParams, t_max, *, keys=None, **settings):
    """Run several methods on one neuron and compare their spikes with the exact ones.

    ``keys`` (default: every method of :data:`lifutils.methods.REGISTRY`, in its
    order) says which; ``settings`` go to :func:`run_method`. Returns a list of
    dicts, one per method, with keys ``key``, ``label``, ``n_spikes``,
    ``first_spike`` (ms, nan if none), ``max_error`` (ms, against the closed
    form; inf if the spike count is wrong), ``nfev``, ``reference`` (True for the
    exact answer itself) and ``result`` (the LIFResult). Needs constant input.

    Examples
    --------
    >>> rows = compare_methods(LIFParams(i_e=20.0), 100.0, keys=("euler", "exact"))
    >>> [(r["key"], r["n_spikes"], round(r["max_error"], 3)) for r in rows]
    [('euler', 5, 0.133), ('exact', 5, 0.0)]
    """
    if keys is not None and (isinstance(keys, (str, bytes)) or not hasattr(keys, "__iter__")):
        raise LifutilsError(f"keys must be a list of keys of REGISTRY, such as ('euler', "
                            f"'exact'), got {keys!r}")
    unknown = sorted(set(settings) - set(RUN_SETTINGS))
    if unknown:
        raise LifutilsError(f"compare_methods takes the settings {list(RUN_SETTINGS)}, not "
                            f"{unknown}")
    exact = exact_spike_times(params, t_max)
    rows = []
    for key in tuple(REGISTRY) if keys is None else keys:
        res = run_method(key, params, t_max, **settings)
        rows.append(dict(key=key, label=REGISTRY[key].label, n_spikes=res.n_spikes,
                         first_spike=float(res.spike_times[0]) if res.n_spikes else float("nan"),
                         max_error=spike_time_error(res.spike_times, exact),
                         nfev=res.nfev, reference=REGISTRY[key].reference, result=res))
    return rows


def convergence_order(steps, errors) -> float:
    """Slope of log(error) against log(step): the observed order of convergence.

    Examples
    --------
    >>> round(convergence_order([0.1, 0.05, 0.025], [0.2, 0.1, 0.05]), 6)
    1.0
    """
    steps = np.asarray(steps, dtype=float)
    errors = np.asarray(errors, dtype=float)
    if np.any(errors <= 0) or not np.all(np.isfinite(errors)):
        raise LifutilsError("errors must be finite and > 0 to fit an order")
    return float(np.polyfit(np.log(steps), np.log(errors), 1)[0])


def euler_convergence(params: LIFParams, t_max, dts, *, interpolate=False):
    """Largest spike-time error (ms) of the Euler loop at each dt (ms).

    Examples
    --------
    >>> errs = euler_convergence(LIFParams(i_e=20.0), 200.0, [0.1, 0.05], interpolate=True)
    >>> print(round(errs[0] / errs[1], 2))
    2.0
    """
    exact = exact_spike_times(params, t_max)
    return np.array([spike_time_error(simulate_euler(params, t_max, dt=dt, interpolate=interpolate)
                                      .spike_times, exact) for dt in dts])


def work_precision(params: LIFParams, t_max, *, dts=(1.0, 0.1, 0.01),
                   methods=WORK_PRECISION_METHODS, rtols=(1e-3, 1e-6, 1e-9),
                   repeats=1, atol_ratio=1e-2, keys=None):
    """Error against cost for every method of the registry with a knob.

    Each method of :data:`lifutils.methods.REGISTRY` whose ``knob`` is ``"dt"``
    runs at each of ``dts`` (ms); each whose knob is ``"rtol"`` runs with each
    solve_ivp method of ``methods`` at each of ``rtols``, with
    ``atol = atol_ratio * rtol`` (mV). ``keys`` picks some of them (default: all).
    Returns a list of dicts with keys ``key``, ``family`` (the results' ``name``,
    e.g. "Euler" or "events (RK45)": one line each), ``setting`` (text),
    ``step_or_rtol`` (dt in ms or rtol), ``n_spikes``, ``max_error`` (ms; inf when
    the spike count is wrong), ``nfev`` and ``seconds`` (median wall time over
    ``repeats`` runs).

    Examples
    --------
    >>> rows = work_precision(LIFParams(i_e=20.0), 100.0, dts=(0.1,), methods=("RK45",), rtols=(1e-6,))
    >>> [r["family"] for r in rows if r["key"] in ("euler", "events")]
    ['Euler', 'events (RK45)']
    """
    exact = exact_spike_times(params, t_max)
    sweeps = {"dt": [(dict(dt=dt), f"dt={dt:g} ms", dt) for dt in dts],
              "rtol": [(dict(method=method, rtol=rtol, atol=rtol * atol_ratio), f"rtol={rtol:g}", rtol)
                       for method in methods for rtol in rtols]}
    runs = [(key, m, settings, setting, value) for key, m in REGISTRY.items()
            if m.knob is not None and (keys is None or key in keys)
            for settings, setting, value in sweeps[m.knob]]
    rows = []
    for key, m, settings, setting, value in track(runs, description=f"{len(runs)} runs"):
        res, seconds = _timed(lambda: m.run(params, t_max, **settings), repeats)
        rows.append(dict(key=key, family=res.name, setting=setting, step_or_rtol=value,
                         n_spikes=res.n_spikes,
                         max_error=spike_time_error(res.spike_times, exact),
                         nfev=res.nfev, seconds=seconds))
    return rows


def _timed(run, repeats):
    """The result of ``run()`` and the median wall time (s) of ``repeats`` runs."""
    times, res = [], None
    for _ in range(max(1, int(repeats))):
        start = time.perf_counter()
        res = run()
        times.append(time.perf_counter() - start)
    return res, float(np.median(times))


def simulated_rates(key, params: LIFParams, currents, t_max=1000.0, **settings):
    """Steady firing rate (Hz) a method produces at each constant current (nA).

    The rate is 1000 / (mean interspike interval in ms) over ``t_max`` ms, 0
    with fewer than two spikes; compare with :func:`lifutils.firing_rate`, the
    analytic f-I curve.

    Examples
    --------
    >>> simulated_rates("events", LIFParams(), [10.0, 20.0]).round(2)
    array([ 0.  , 55.81])
    """
    params = check_params(params)
    rates = []
    for i in _currents(currents):
        spikes = run_method(key, params.replace(i_e=float(i)), t_max, **settings).spike_times
        rates.append(1000.0 / np.mean(np.diff(spikes)) if len(spikes) > 1 else 0.0)
    return np.array(rates)


def event_rates(params: LIFParams, currents, t_max=1000.0, **settings):
    """The event method's rates (Hz) of :func:`simulated_rates`, from its first interval.

    Under a constant current the event method's spike train repeats itself after its
    first spike: every interval starts from ``v_reset`` (after ``t_ref``) and the
    equation does not depend on t, so every interval is the same solve, and they differ
    only by the solver's error (about 1e-8 of the rate at the default tolerances). Its
    rate is then 1000 / (its first interval in ms): this simulates up to the second
    spike instead of all of t_max, 20 to 50 times quicker. As in simulated_rates, it is 0
    unless two spikes fall within t_max.

    ``settings``: as for :func:`run_method` (``rtol``, ``atol``, ``method``...).

    Examples
    --------
    >>> event_rates(LIFParams(), [10.0, 20.0]).round(2)
    array([ 0.  , 55.81])
    """
    params = check_params(params)
    rates = []
    for i in _currents(currents):
        p = params.replace(i_e=float(i))
        exact, spikes = exact_spike_times(p, t_max), ()
        if len(exact) > 1:  # where the second spike is, to half an interval
            t_run = min(exact[1] + 0.5 * (exact[1] - exact[0]), t_max)
            spikes = run_method("events", p, t_run, **settings).spike_times
        if len(spikes) < 2:  # none in sight, or the solver disagrees: the long way
            spikes = run_method("events", p, t_max, **settings).spike_times
        rates.append(1000.0 / (spikes[1] - spikes[0]) if len(spikes) > 1 else 0.0)
    return np.array(rates)


def _currents(given):
    """Currents (nA) as a one-dimensional float array, or a LifutilsError."""
    try:
        currents = np.asarray(given, dtype=float)
    except (TypeError, ValueError, OverflowError):
        currents = None
    if currents is None or currents.ndim != 1:
        raise LifutilsError(f"currents must be a one-dimensional sequence of currents (nA), "
                            f"got {check.show(given)}")
    return currents

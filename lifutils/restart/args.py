"""The arguments of solve_ivp_with_resets, checked once: each message names the argument;
and the checks of what its event functions return at each call."""
from __future__ import annotations

import inspect
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import FunctionType, MappingProxyType
from typing import Callable

import numpy as np
from scipy import sparse
from scipy.integrate import OdeSolver

from .. import checks as check
from ..errors import LifutilsError
from ..methods import EVALUATIONS_PER_STEP, SOLVE_IVP_METHODS
from .guards import Guards


#: The time budget of a call when max_seconds is not given (s): this, or max_nfev times
#: SECONDS_PER_EVALUATION (what a scalar LIF evaluation with its share of the solver step
#: costs here) when that is longer, so that a raised max_nfev raises it too.
MAX_SECONDS = 15.0
SECONDS_PER_EVALUATION = 7.5e-6


def seconds_for(max_nfev):
    """max_nfev times SECONDS_PER_EVALUATION (s), for any integer max_nfev (an integer past
    float's range would overflow the product: such a budget is simply endless)."""
    return math.inf if max_nfev > 1e300 else max_nfev * SECONDS_PER_EVALUATION


def time_budget(max_seconds, max_nfev):
    """The time budget of a call (s of CPU time): ``max_seconds`` checked, or the default,
    MAX_SECONDS or ``max_nfev`` times SECONDS_PER_EVALUATION when that is longer."""
    if max_seconds is None:
        return max(MAX_SECONDS, seconds_for(max_nfev))
    return check.positive("max_seconds", max_seconds, unit="s", allow_inf=True)


@dataclass(frozen=True, kw_only=True, eq=False)
class Settings:
    """The arguments of solve_ivp_with_resets, checked, in their final form: built by
    :meth:`from_call` (every message names its argument), immutable afterwards."""

    fun: Callable
    reset: Callable
    hold: Callable | None
    events: tuple  # of event functions, each called as event(t, y, *extra)
    layout: EventLayout  # where each event's entries sit, and their directions
    t0: float
    tf: float
    y0: np.ndarray
    n: int  # components of the state
    extra: tuple  # args, passed last to fun, the events and reset
    method: str | type
    method_name: str
    t_eval: np.ndarray | None
    stops: np.ndarray  # breakpoints strictly inside t_span, sorted
    dense_output: bool
    check_finite: bool
    keep_y_events: bool
    options: Mapping  # solver options for solve_ivp (first_step apart), read-only
    first_step: float | None
    max_resets: int
    max_nfev: int
    max_seconds: float  # the time budget (s of CPU time), given or the default
    max_seconds_given: bool
    bytes_per_step: int  # bytes each accepted step adds to the stored trace

    @property
    def direction(self):
        """The sign of each event entry's direction."""
        return self.layout.direction

    @classmethod
    def from_call(cls, *, fun, t_span, y0, events, reset, hold, method, t_eval, dense_output,
                  args, breakpoints, max_resets, max_nfev, max_seconds, check_finite,
                  keep_y_events, options) -> Settings:
        """Check the arguments (as the user gave them; no defaults here: the public
        function holds them and passes every one), refuse what is over the budgets, call
        fun once and each event once (their sizes): the settings, complete."""
        t0, tf = check_span(t_span)
        y0 = _read_only(_check_y0(y0))
        events = _check_events(events)
        _check_callables(fun, reset, hold)
        method = _check_method(method)
        max_resets = check.integer("max_resets", max_resets, minimum=0)
        max_nfev = check.integer("max_nfev", max_nfev, minimum=1)
        seconds = time_budget(max_seconds, max_nfev)
        extra = _check_args(args)
        t_eval = None if t_eval is None else _read_only(check.times("t_eval", t_eval, low=t0,
                                                                    high=tf))
        stops = _check_breakpoints(breakpoints)
        dense_output = check.flag("dense_output", dense_output)
        check_finite = check.flag("check_finite", check_finite)
        keep_y_events = check.flag("keep_y_events", keep_y_events)
        options = _check_options(dict(options), y0.size)
        first_step = options.pop("first_step", None)
        jac = options.get("jac")
        if callable(jac):
            options["jac"] = _checked_jac(options["jac"], y0.size, extra)
        settings = dict(
            fun=fun, reset=reset, hold=hold, t0=t0, tf=tf, y0=y0, n=y0.size, extra=extra,
            method=method, method_name=method if isinstance(method, str) else
            getattr(method, "__name__", repr(method)), t_eval=t_eval,
            stops=_read_only(stops[(stops > t0) & (stops < tf)]), dense_output=dense_output,
            check_finite=check_finite, keep_y_events=keep_y_events,
            options=MappingProxyType(options), first_step=first_step, max_resets=max_resets,
            max_nfev=max_nfev, max_seconds=seconds, max_seconds_given=max_seconds is not None,
            bytes_per_step=_bytes_per_step(y0.size, t_eval, dense_output))
        _check_budgets(**settings)
        _probe_fun(fun, t0, y0, extra, check_finite)
        # after fun's probe, so that args that fit nothing name fun first
        _check_arities(events, reset, hold, extra)
        if callable(jac):
            _check_arity("jac", jac, "jac(t, y, *args)", 2, extra)
        return cls(events=tuple(events), layout=EventLayout(events, t0, y0, extra), **settings)


def _read_only(array):
    """Our own copy of an array, read-only (the settings do not change once made)."""
    array = np.array(array, dtype=float)
    array.flags.writeable = False
    return array


def _check_callables(fun, reset, hold):
    check.function("fun", fun, "fun(t, y) -> dy/dt")
    check.function("reset", reset, "reset(t, y, index) -> new state")
    if hold is not None:
        check.function("hold", hold, "hold(t, y, index) -> (duration, components), or None")


def _check_args(args):
    """args as a tuple (empty for None)."""
    if args is not None and not isinstance(args, (tuple, list)):
        raise LifutilsError(f"args must be a tuple of extra arguments, such as args=(20.0,), "
                            f"got {check.show(args)}")
    return () if args is None else tuple(args)


def _bytes_per_step(n, t_eval, dense_output):
    """Bytes each accepted step adds to the stored trace (scipy's lists and ours)."""
    return ((8 * (n + 1) + 200) if t_eval is None else 0) + ((64 * n + 1000) if dense_output else 0)


def _check_budgets(*, t0, tf, n, method, options, max_nfev, stops, t_eval, bytes_per_step,
                   **_):
    """Refuse, before any work, what the arguments imply beyond the budgets (the messages
    are written only for a refusal)."""
    max_step = options.get("max_step", math.inf)
    steps = (tf - t0) / max_step
    per_step = EVALUATIONS_PER_STEP.get(method, 1) if isinstance(method, str) else 1
    if steps * per_step > max_nfev:
        check.budget("max_step", max_step, steps * per_step, max_nfev,
                     what=f"right-hand-side evaluations over t_span ({per_step} or more per "
                     "solver step)", advice=f"raise max_step, shorten t_span ({t0:g}, {tf:g}) "
                     f"or raise max_nfev = {check.show(max_nfev)}")
    check.budget("max_step", max_step, steps * bytes_per_step, check.MEMORY_BUDGET,
                 what="bytes of stored trace", advice="pass t_eval to store fewer points, "
                 "raise max_step or shorten t_span")
    # Each breakpoint is a restart of the solver, charged as RESTART_COST evaluations.
    if stops.size * Guards.RESTART_COST > max_nfev:
        check.budget("breakpoints", f"<{stops.size} times inside t_span>",
                     stops.size * Guards.RESTART_COST, max_nfev,
                     what=f"evaluations of fun (each breakpoint restarts the solver, counted as "
                     f"{Guards.RESTART_COST})", advice="pass fewer breakpoints (only where fun is "
                     f"discontinuous), shorten t_span or raise max_nfev = {check.show(max_nfev)}")
    if t_eval is not None:
        check.budget("t_eval", f"<{t_eval.size} times>", 16.0 * n * t_eval.size,
                     check.MEMORY_BUDGET, what="bytes of stored values", advice="store fewer times")


def _probe_fun(fun, t0, y0, extra, check_finite):
    """One evaluation at the start: fun must return n finite real numbers."""
    n = y0.size
    try:
        dy = np.asarray(fun(t0, y0.copy(), *extra))
    except TypeError as exc:  # most often args that do not fit fun's signature
        raise LifutilsError(f"calling fun(t, y, *args) with args = {check.show(extra)} raised "
                            f"TypeError: {exc}") from exc
    if dy.dtype.kind not in "biuf" or dy.size != n or dy.ndim > 1:
        raise LifutilsError(f"fun must return dy/dt as {n} real numbers (shape ({n},)), "
                            f"got {check.show(dy)} at t = {t0:.6g}")
    if check_finite and not np.all(np.isfinite(dy.astype(float))):
        raise LifutilsError(f"fun returned a non-finite derivative {dy!r} at t = {t0:.6g}; "
                            "a NaN or inf would make the solver loop or fail")


def _check_arities(events, reset, hold, extra):
    """Refuse callables that cannot take their arguments, before any work."""
    for k, event in enumerate(events):
        _check_arity(f"events[{k}]", event, "event(t, y, *args)", 2, extra)
    _check_arity("reset", reset, "reset(t, y, index, *args)", 3, extra)
    if hold is not None:
        _check_arity("hold", hold, "hold(t, y, index) (no args)", 3, ())


def _checked_jac(jac, n, extra):
    """The user's jac(t, y, *args) for the solver, its every return checked: an (n, n)
    matrix of finite real numbers (a NaN in it would reach scipy's LU factorisation as
    a bare "array must not contain infs or NaNs")."""

    def checked(t, y):
        J = jac(t, y, *extra)
        if sparse.issparse(J):
            values, shape = np.asarray(J.data), J.shape
            ok = values.dtype.kind in "biuf" and np.isfinite(values).all()
        else:
            array = check.real_array(J)
            shape = None if array is None else array.shape
            ok = array is not None and np.isfinite(array).all()
            J = array
        if shape != (n, n):
            raise LifutilsError(f"jac must return the Jacobian as an ({n}, {n}) matrix of "
                                f"real numbers, got {check.show(J)} at t = {float(t):.6g}")
        if not ok:
            raise LifutilsError(f"jac returned a Jacobian with NaN or inf at t = "
                                f"{float(t):.6g}: it must be finite where the solver asks "
                                "for it")
        return J
    return checked


def _check_arity(name, function, signature, n_fixed, extra):
    """Refuse, before any work, a callable that cannot take its arguments (``n_fixed``
    positional ones, then ``args``): the message names it and the args. A callable whose
    signature Python cannot read (some builtins) is left to its first call."""
    if _plainly_takes(function, n_fixed + len(extra)):
        return
    try:
        sig = inspect.signature(function)
    except (TypeError, ValueError):
        return
    try:
        sig.bind(*range(n_fixed), *extra)
    except TypeError as exc:
        given = f"args = {check.show(tuple(extra))}" if extra else "no args"
        raise LifutilsError(f"{name} must take the arguments {signature}; with {given} it "
                            f"cannot ({exc})") from None


def _plainly_takes(function, n_args):
    """True if ``function`` is a plain Python function (no wrapper, no signature of its
    own) that takes n_args positional arguments: what inspect.signature would find,
    read from its code object at a hundredth of the cost. False means: ask inspect."""
    if type(function) is not FunctionType or hasattr(function, "__wrapped__") \
            or hasattr(function, "__signature__"):
        return False
    code = function.__code__
    required_keywords = code.co_kwonlyargcount - len(function.__kwdefaults__ or ())
    positional, defaults = code.co_argcount, len(function.__defaults__ or ())
    return (required_keywords == 0 and positional - defaults <= n_args
            and (n_args <= positional or bool(code.co_flags & inspect.CO_VARARGS)))


def _check_events(events):
    """A list of callables: one event function, or a non-empty list of them."""
    if callable(events):
        return [events]
    if isinstance(events, (str, bytes)) or not hasattr(events, "__iter__"):
        check.function("events", events, "event(t, y) or a non-empty list of them")
    listed = list(events)
    if not listed or not all(callable(e) for e in listed):
        raise LifutilsError("events must be a callable or a non-empty list of callables "
                            f"event(t, y), got {check.show(events)}")
    return listed


def check_span(t_span):
    """(t0, tf) as floats: finite, tf > t0; a LifutilsError naming t_span otherwise."""
    try:
        t0, tf = t_span
        if isinstance(t0, (bool, np.bool_)) or isinstance(tf, (bool, np.bool_)):
            raise TypeError("a bool is not a time")
        t0, tf = float(t0), float(tf)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int past float's range
        raise LifutilsError(f"t_span must be a pair (t0, tf) of numbers, got {check.show(t_span)}") \
            from None
    if not (math.isfinite(t0) and math.isfinite(tf)):
        raise LifutilsError(f"t_span must be finite, got {check.show(t_span)}")
    if not tf > t0:
        raise LifutilsError(f"t_span must run forward (tf > t0), got {check.show(t_span)}")
    return t0, tf


#: The name gallery.py imports (it is check_span; gallery should import that).


def _check_y0(y0):
    y = check.real_array(y0)
    if y is None:
        raise LifutilsError(f"y0 must be an array of real numbers, got {check.show(y0)}")
    if y.ndim != 1 or y.size == 0:
        raise LifutilsError(f"y0 must be one-dimensional and non-empty, got shape {y.shape}")
    if not np.all(np.isfinite(y)):
        raise LifutilsError(f"y0 must be finite, got {y!r}")
    return y


def _check_breakpoints(breakpoints):
    """Breakpoints as a sorted array of distinct finite times."""
    try:
        stops = np.asarray(breakpoints, dtype=float)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int past float's range
        stops = None
    if stops is None or stops.ndim != 1 or not np.isfinite(stops).all():
        raise LifutilsError("breakpoints must be a one-dimensional sequence of finite times, "
                            f"got {check.show(breakpoints)}")
    return stops if stops.size < 2 else np.unique(stops)


def _check_method(method):
    if isinstance(method, str) and method in SOLVE_IVP_METHODS:
        return method
    # OdeSolver itself (and a subclass that adds no step) is abstract: solve_ivp would fail
    # on it with a bare TypeError about rtol
    if isinstance(method, type) and issubclass(method, OdeSolver) \
            and method._step_impl is not OdeSolver._step_impl:
        return method
    raise LifutilsError(f"method must be one of {', '.join(SOLVE_IVP_METHODS)} or an OdeSolver class, "
                        f"got {check.show(method)}")


class EventLayout:
    """Where each event function's values sit among the entries, and each entry's direction.

    A scalar event (one number) is one entry; a vector event, returning an
    array of shape (m,) with m >= 2, is m consecutive entries. Entries are
    numbered in order across all event functions: that flattened index is what
    ``reset`` and ``hold`` receive and what ``t_events`` is indexed by. Found by
    calling each event once at the start.

    Attributes
    ----------
    sizes : list of int or None
        m for each vector event, None for each scalar one.
    offsets : ndarray of int
        First entry of each event function (one more at the end: the total).
    direction : ndarray
        Sign of each entry's direction (+1, -1 or 0).
    function_of : ndarray of int
        The event function each entry belongs to.
    """

    def __init__(self, events, t0, y0, extra):
        self.sizes, directions = [], []
        for k, event in enumerate(events):
            value = event(t0, y0.copy(), *extra)
            m = _event_size(k, value)
            self.sizes.append(m)
            directions.append(_check_direction(k, event, m))
        counts = [1 if m is None else m for m in self.sizes]
        self.offsets = np.concatenate([[0], np.cumsum(counts)]).astype(int)
        self.direction = np.concatenate(directions)
        self.function_of = np.repeat(np.arange(len(events)), counts)
        self.n_entries = int(self.offsets[-1])


def _event_size(k, value):
    """None for one number (a scalar event), m for an array of shape (m,), m >= 2."""
    if isinstance(value, (bool, np.bool_)) or getattr(value, "dtype", None) == bool:
        raise LifutilsError(f"events[{k}] returned True/False: an event must return a number "
                            "that crosses zero at the threshold (for a neuron y[i] - v_thresh, "
                            "not y[i] >= v_thresh)")
    array = check.real_array(value)
    if array is None:
        raise LifutilsError(f"events[{k}] must return one real number or a 1-D array of them "
                            f"(one entry per threshold), got {check.show(value)}")
    if array.size == 1:
        return None
    if array.ndim > 1:
        raise LifutilsError(f"events[{k}] must return one number or a 1-D array (one entry per "
                            f"threshold), got shape {array.shape}")
    if array.size == 0:
        raise LifutilsError(f"events[{k}] must return at least one entry, got shape {array.shape}")
    return array.size


def _check_direction(k, event, m):
    """The sign of each entry's direction: one number for all, or one per entry of a vector event."""
    d = getattr(event, "direction", 0.0)
    if m is None and np.ndim(d) > 0 and np.size(d) == 1:  # a vector event of one entry
        d = np.asarray(d).reshape(())
    if m is not None and np.ndim(d) > 0:
        try:
            array = np.asarray(d, dtype=float)
        except (TypeError, ValueError):
            array = None
        if array is None or array.shape != (m,) or not np.all(np.isfinite(array)):
            raise LifutilsError(
                f"events[{k}].direction must be one number or an array of shape ({m},), one per "
                f"entry of the event, got {check.show(d)} (shape {np.shape(d)})")
        return np.sign(array)
    number = check.real(f"events[{k}].direction", d)
    return np.full(1 if m is None else m, float(np.sign(number)))


def _check_options(options, n):
    """The common solver options, checked as simulate_events and the hack check them."""
    if "rtol" in options:
        options["rtol"] = check.rtol(options["rtol"])
    if "atol" in options and np.ndim(options["atol"]) == 0:
        options["atol"] = check.atol(options["atol"])
    elif "atol" in options:  # one per component
        try:
            atol = np.asarray(options["atol"], dtype=float)
        except (TypeError, ValueError, OverflowError):
            atol = np.array([np.nan])
        if atol.shape != (n,) or not np.all(np.isfinite(atol) & (atol >= 0)):
            raise LifutilsError(f"atol must be a finite number > 0, or {n} finite numbers >= 0 "
                                f"(one per component), got {check.show(options['atol'])}")
        options["atol"] = atol
    if "max_step" in options:
        options["max_step"] = check.max_step(options["max_step"])
    if options.get("first_step") is not None:
        options["first_step"] = check.positive("first_step", options["first_step"])
    jac = options.get("jac")
    if jac is not None and not callable(jac):  # a constant Jacobian
        if sparse.issparse(jac):
            values, shape = np.asarray(jac.data), jac.shape
        else:
            values = check.real_array(jac)
            shape = None if values is None else values.shape
        if shape != (n, n) or values.dtype.kind not in "biuf" or not np.isfinite(values).all():
            raise LifutilsError(f"jac must be a callable jac(t, y, *args) or a constant ({n}, {n}) "
                                f"matrix of finite real numbers, got {check.show(jac)}")
    if "min_step" in options:  # LSODA's (default 0; None is not one)
        options["min_step"] = check.non_negative("min_step", options["min_step"])
    for band in ("lband", "uband"):  # LSODA's: a band inside the (n, n) Jacobian
        if options.get(band) is not None:
            options[band] = check.integer(band, options[band], minimum=0, maximum=n - 1)
    sparsity = options.get("jac_sparsity")  # Radau's and BDF's
    if sparsity is not None:
        array = sparsity if sparse.issparse(sparsity) else check.real_array(sparsity)
        if array is None or array.shape != (n, n):
            raise LifutilsError(f"jac_sparsity must be an ({n}, {n}) array or sparse matrix "
                                f"(nonzero where the Jacobian may be), got {check.show(sparsity)}")
    if options.get("vectorized"):
        raise LifutilsError("vectorized must be False: solve_ivp_with_resets calls fun one "
                            "state at a time")
    return options


def event_vector(k, value, m, t):
    """A vector event's values as a float array of shape (m,), or a LifutilsError that says
    what is wrong with them."""
    if type(value) is not np.ndarray or value.dtype != float:
        try:
            value = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise LifutilsError(f"events[{k}] must return an array of {m} real numbers (one "
                                f"per entry), got {check.show(value)} at t = {float(t):.6g}") \
                from None
    if value.shape != (m,):
        raise LifutilsError(f"events[{k}] must return an array of shape ({m},), one entry per "
                            f"threshold as at the start, got shape {value.shape} at "
                            f"t = {float(t):.6g}")
    if not np.isfinite(value).all():
        bad = int(np.flatnonzero(~np.isfinite(value))[0])
        raise LifutilsError(f"events[{k}] returned NaN or inf (entry {bad}: {value[bad]!r}) at "
                            f"t = {float(t):.6g}: an event value must be finite (a NaN event "
                            "never fires)")
    return value


def event_number(k, value, t):
    """An event's value as a float, or a LifutilsError that says what is wrong with it."""
    array = check.real_array(value)
    if array is None or array.size != 1:
        raise LifutilsError(f"events[{k}] must return one real number, got {check.show(value)} "
                            f"at t = {float(t):.6g}")
    number = float(array.reshape(()))
    if not math.isfinite(number):
        raise LifutilsError(f"events[{k}] returned {number!r} at t = {float(t):.6g}: an event "
                            "value must be finite (a NaN event never fires)")
    return number

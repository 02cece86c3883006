"""Validated parameters of the leaky integrate-and-fire (LIF) neuron.

Units throughout the package: time in ms, voltage in mV, current in nA,
resistance in MOhm (so ``r_m * i_e`` is in mV).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Callable, Union

import numpy as np

from . import checks as check
from .errors import LifutilsError

__all__ = ["LIFParams", "check_t_max", "check_dt", "check_params"]

# Named defaults: the values of the question this package answers.
TAU_M = 10.0      # membrane time constant (ms)
V_REST = -70.0    # resting potential (mV)
V_THRESH = -55.0  # spike threshold (mV)
V_RESET = -80.0   # reset potential (mV)
I_E = 3.0         # input current (nA); R*I = 3 mV is below rheobase
R_M = 1.0         # membrane resistance (MOhm)
T_REF = 0.0       # absolute refractory period (ms)

Current = Union[float, Callable[[np.ndarray], np.ndarray]]


def check_t_max(t_max) -> float:
    """Validate a simulation length: finite and > 0 (ms); return it as a float.

    Examples
    --------
    >>> check_t_max(100)
    100.0
    >>> check_t_max(float("nan"))
    Traceback (most recent call last):
    ...
    lifutils.errors.LifutilsError: t_max must be a finite number > 0 ms, got nan
    """
    return check.positive("t_max", t_max, unit="ms")


def check_dt(dt, t_max: float, *, name="dt") -> float:
    """Validate a time step (or a sampling interval, ``name``): finite, > 0 and no larger
    than t_max (ms); return it.

    Examples
    --------
    >>> check_dt(0.1, 100.0)
    0.1
    >>> check_dt(200.0, 100.0)
    Traceback (most recent call last):
    ...
    lifutils.errors.LifutilsError: dt must be no larger than t_max (100.0 ms), got 200.0
    """
    dt = check.positive(name, dt, unit="ms")
    if dt > t_max:
        raise LifutilsError(f"{name} must be no larger than t_max ({t_max!r} ms), "
                            f"got {check.show(dt)}")
    return dt


#: Times (ms) at which a callable i_e is tried when LIFParams is built.
PROBE_TIMES = (0.0, 1.0)


def _check_current(i_e):
    """Accept a finite number (nA) or a callable t (ms) -> nA that takes arrays and numbers."""
    if not callable(i_e):
        return check.real("i_e", i_e, unit="nA")
    probe = np.array(PROBE_TIMES)
    rule = ("i_e must be a number (nA) or a callable that takes a numpy array of times (ms), "
            "or a single time, and returns currents (nA)")
    outputs = []
    for t in (probe, PROBE_TIMES[0]):
        try:
            out = np.asarray(i_e(t))
        except Exception as exc:  # report what the student's function did
            raise LifutilsError(f"{rule}; calling it on {t!r} raised {type(exc).__name__}: {exc}"
                                + ("; write it with numpy functions (np.where, np.asarray(t)), "
                                   "not len(t) or if/else" if np.ndim(t) == 0 else "")) from exc
        outputs.append(out)
    many, one = outputs
    for out, t in ((many, probe), (one, PROBE_TIMES[0])):
        if out.dtype.kind not in "biuf":
            raise LifutilsError(f"{rule}; i_e({t!r}) returned {check.show(out)}, not real numbers")
    if many.shape != probe.shape:
        raise LifutilsError(
            "i_e must be vectorised: i_e(t) for an array t of shape (2,) must return "
            f"shape (2,), got shape {many.shape}; use np.where instead of if/else")
    if one.size != 1:
        raise LifutilsError(f"i_e must return one current for one time, got shape {one.shape} "
                            f"for i_e({PROBE_TIMES[0]!r})")
    if not np.all(np.isfinite(many.astype(float))):
        raise LifutilsError(f"i_e must return finite currents (nA), got {many!r} at t = {probe!r} ms")
    constant = getattr(i_e, "constant_value", None)
    if constant is not None:
        constant = check.real("i_e.constant_value", constant, unit="nA")
        if not np.all(many == constant):
            raise LifutilsError(f"i_e.constant_value = {constant!r} nA disagrees with i_e(t) = "
                                f"{many!r} at t = {probe!r} ms")
    return i_e


@dataclass(frozen=True)
class LIFParams:
    """Parameters of a leaky integrate-and-fire neuron, validated on construction.

    The membrane obeys ``tau_m dv/dt = -(v - v_rest) + r_m * i_e(t)``; when v
    reaches ``v_thresh`` a spike is recorded, v is set to ``v_reset`` and held
    there for ``t_ref``. The defaults are the values of the question this
    package answers; with them the neuron never fires (``r_m * i_e = 3 mV`` is
    below the 15 mV rheobase).

    Parameters
    ----------
    tau_m : float
        Membrane time constant (ms), > 0. Default 10.
    v_rest : float
        Resting potential (mV). Default -70.
    v_thresh : float
        Spike threshold (mV). Default -55.
    v_reset : float
        Reset potential (mV), must be below ``v_thresh``. Default -80.
    i_e : float or callable
        Input current (nA): a number, or a callable ``t (ms) -> nA`` that
        accepts numpy arrays (see :mod:`lifutils.inputs`). Default 3.
    r_m : float
        Membrane resistance (MOhm), > 0. Default 1.
    t_ref : float
        Absolute refractory period (ms), >= 0. Default 0.
    v0 : float or None
        Initial potential (mV); None starts at ``v_rest``. A ``v0`` at or above
        ``v_thresh`` means a spike at t = 0, followed by the reset.

    Raises
    ------
    LifutilsError
        (a ValueError) Naming the parameter and the rule it breaks; also when a
        derived quantity (``1 / tau_m``, ``r_m * i_e``, ``v_inf``, the largest
        dv/dt) would overflow.

    Examples
    --------
    >>> p = LIFParams(i_e=2.0, r_m=10.0)
    >>> p.v_inf
    -50.0
    >>> LIFParams(v_reset=-50.0)
    Traceback (most recent call last):
    ...
    lifutils.errors.LifutilsError: v_reset must be below v_thresh (-55.0 mV), got -50.0 mV
    """

    tau_m: float = TAU_M
    v_rest: float = V_REST
    v_thresh: float = V_THRESH
    v_reset: float = V_RESET
    i_e: Current = I_E
    r_m: float = R_M
    t_ref: float = T_REF
    v0: float | None = None

    def __post_init__(self):
        fields = {"tau_m": check.positive("tau_m", self.tau_m, unit="ms"),
                  "v_rest": check.real("v_rest", self.v_rest, unit="mV"),
                  "v_thresh": check.real("v_thresh", self.v_thresh, unit="mV"),
                  "v_reset": check.real("v_reset", self.v_reset, unit="mV"),
                  "r_m": check.positive("r_m", self.r_m, unit="MOhm"),
                  "t_ref": check.non_negative("t_ref", self.t_ref, unit="ms"),
                  "v0": None if self.v0 is None else check.real("v0", self.v0, unit="mV"),
                  "i_e": _check_current(self.i_e)}
        for name, value in fields.items():
            object.__setattr__(self, name, value)
        if not self.v_reset < self.v_thresh:
            raise LifutilsError(
                f"v_reset must be below v_thresh ({self.v_thresh!r} mV), "
                f"got {self.v_reset!r} mV"
            )
        self._check_derived()

    def _check_derived(self):
        """Refuse values whose derived quantities overflow (a later inf or ZeroDivisionError)."""
        i_e = self.constant_current
        voltages = [self.v_rest, self.v_thresh, self.v_reset, self.v_start]
        derived = {"1 / tau_m": 1.0 / self.tau_m,
                   "v_thresh - v_reset": self.v_thresh - self.v_reset}
        if i_e is not None:
            derived["r_m * i_e"] = self.r_m * i_e
            derived["v_inf = v_rest + r_m * i_e"] = self.v_rest + derived["r_m * i_e"]
            voltages.append(derived["v_inf = v_rest + r_m * i_e"])
        if all(math.isfinite(x) for x in derived.values()):
            span = max(voltages) - min(voltages)
            derived["the largest dv/dt, (max v - min v) / tau_m"] = span / self.tau_m
        for name, value in derived.items():
            if not math.isfinite(value):
                raise LifutilsError(
                    f"{name} = {value!r} is out of the range of double precision (about "
                    "1e308): these parameters are too large or too small")

    def replace(self, **changes) -> "LIFParams":
        """Return a copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    @property
    def v_start(self) -> float:
        """Initial potential (mV): ``v0``, or ``v_rest`` when v0 is None."""
        return self.v_rest if self.v0 is None else self.v0

    @property
    def constant_current(self) -> float | None:
        """The input current (nA) if it is constant, else None."""
        if not callable(self.i_e):
            return self.i_e
        value = getattr(self.i_e, "constant_value", None)
        return None if value is None else float(value)

    @property
    def v_inf(self) -> float:
        """Steady-state potential ``v_rest + r_m * i_e`` (mV), constant input only."""
        i_e = self.constant_current
        if i_e is None:
            raise LifutilsError("v_inf is defined for a constant i_e only; this i_e is a function of time")
        return self.v_rest + self.r_m * i_e

    def scalar_current(self):
        """A function t (ms) -> float nA for solver right-hand sides.

        It raises a ValueError naming the time when a callable ``i_e`` returns
        NaN or inf there (a NaN inside solve_ivp can make RK45 loop forever).
        """
        value = self.constant_current
        if value is not None:
            return lambda t: value
        func = self.i_e

        def current(t):
            out = np.asarray(func(t))
            if out.size != 1 or out.dtype.kind not in "biuf":
                raise LifutilsError(f"i_e must return one real current for one time, got "
                                    f"{check.show(out)} at t = {float(t)!r} ms")
            i = float(out.reshape(()))
            if not math.isfinite(i):
                raise LifutilsError(f"i_e returned {i!r} at t = {float(t)!r} ms; "
                                    "the input current must be finite")
            return i

        return current

    def current(self, t):
        """Input current (nA) at time(s) ``t`` (ms), as a float array shaped like ``t``."""
        t = np.asarray(t, dtype=float)
        value = self.constant_current
        if value is None:
            out = np.asarray(self.i_e(t))
            if out.dtype.kind not in "biuf":
                raise LifutilsError(f"i_e must return real currents (nA), got {check.show(out)}")
            return np.broadcast_to(out.astype(float), t.shape)
        return np.full(t.shape, value)


def check_params(params) -> LIFParams:
    """``params``, a LIFParams; a LifutilsError naming it otherwise (a dict or a number would
    reach the simulators as a bare AttributeError). A LIFParams made before its module was
    reloaded counts (``%autoreload``)."""
    kind = type(params)
    if not (isinstance(params, LIFParams) or (kind.__module__, kind.__qualname__)
            == (LIFParams.__module__, LIFParams.__qualname__)):
        raise LifutilsError(f"params must be a LIFParams (lifutils.LIFParams(...)), "
                            f"got {check.show(params)}")
    return params

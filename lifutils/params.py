"""Validated parameters of the leaky integrate-and-fire (LIF) neuron.

Units throughout the package: time in ms, voltage in mV, current in nA,
resistance in MOhm (so ``r_m * i_e`` is in mV).
"""
from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass
from typing import Callable, Union

import numpy as np

from .errors import LifutilsError, RunawayError  # noqa: F401  (RunawayError re-exported)
from .result import LIFResult  # noqa: F401  (re-exported: it lived here)

__all__ = ["LIFParams", "LIFResult", "RunawayError", "check_t_max", "check_dt"]

# Named defaults: the values of the question this package answers.
TAU_M = 10.0      # membrane time constant (ms)
V_REST = -70.0    # resting potential (mV)
V_THRESH = -55.0  # spike threshold (mV)
V_RESET = -80.0   # reset potential (mV)
I_E = 3.0         # input current (nA); R*I = 3 mV is below rheobase
R_M = 1.0         # membrane resistance (MOhm)
T_REF = 0.0       # absolute refractory period (ms)

Current = Union[float, Callable[[np.ndarray], np.ndarray]]


def _real(name: str, value) -> float:
    """Return ``value`` as a finite float or raise a ValueError naming it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a finite real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def _integer(name: str, value, minimum: int) -> int:
    """Return ``value`` as an int >= minimum or raise a ValueError naming it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
            or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_t_max(t_max) -> float:
    """Validate a simulation length: finite and > 0 (ms); return it as a float.

    Examples
    --------
    >>> check_t_max(100)
    100.0
    >>> check_t_max(float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: t_max must be finite, got nan
    """
    t_max = _real("t_max", t_max)
    if not t_max > 0:
        raise ValueError(f"t_max must be > 0 ms, got {t_max!r}")
    return t_max


def check_dt(dt, t_max: float) -> float:
    """Validate a time step: finite, > 0 and no larger than t_max (ms); return it.

    Examples
    --------
    >>> check_dt(0.1, 100.0)
    0.1
    >>> check_dt(200.0, 100.0)
    Traceback (most recent call last):
    ...
    ValueError: dt must be no larger than t_max (100.0 ms), got 200.0
    """
    dt = _real("dt", dt)
    if not dt > 0:
        raise ValueError(f"dt must be > 0 ms, got {dt!r}")
    if dt > t_max:
        raise ValueError(f"dt must be no larger than t_max ({t_max!r} ms), got {dt!r}")
    return dt


def _check_current(i_e):
    """Accept a finite number (nA) or a vectorised callable t (ms) -> nA."""
    if callable(i_e):
        probe = np.array([0.0, 1.0])
        try:
            out = np.asarray(i_e(probe), dtype=float)
        except Exception as exc:  # report what the student's function did
            raise ValueError(
                "i_e must be a number (nA) or a callable that takes a numpy array of "
                f"times (ms) and returns currents (nA); calling it on {probe!r} raised "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if out.shape != probe.shape:
            raise ValueError(
                "i_e must be vectorised: i_e(t) for an array t of shape (2,) must return "
                f"shape (2,), got shape {out.shape}; use np.where instead of if/else"
            )
        return i_e
    return _real("i_e", i_e)


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
    ValueError
        Naming the parameter and the rule it breaks.

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
        for name in ("tau_m", "v_rest", "v_thresh", "v_reset", "r_m", "t_ref"):
            object.__setattr__(self, name, _real(name, getattr(self, name)))
        if self.v0 is not None:
            object.__setattr__(self, "v0", _real("v0", self.v0))
        object.__setattr__(self, "i_e", _check_current(self.i_e))
        if not self.tau_m > 0:
            raise ValueError(f"tau_m must be > 0 ms, got {self.tau_m!r}")
        if not self.r_m > 0:
            raise ValueError(f"r_m must be > 0 MOhm, got {self.r_m!r}")
        if not self.t_ref >= 0:
            raise ValueError(f"t_ref must be >= 0 ms, got {self.t_ref!r}")
        if not self.v_reset < self.v_thresh:
            raise LifutilsError(
                f"v_reset must be below v_thresh ({self.v_thresh!r} mV), "
                f"got {self.v_reset!r} mV"
            )

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
        return getattr(self.i_e, "constant_value", None)

    @property
    def v_inf(self) -> float:
        """Steady-state potential ``v_rest + r_m * i_e`` (mV), constant input only."""
        i_e = self.constant_current
        if i_e is None:
            raise ValueError("v_inf is defined for a constant i_e only; this i_e is a function of time")
        return self.v_rest + self.r_m * i_e

    def scalar_current(self):
        """A function t (ms) -> float nA for solver right-hand sides.

        It raises a ValueError naming the time when a callable ``i_e`` returns
        NaN or inf there (a NaN inside solve_ivp can make RK45 loop forever).
        """
        if not callable(self.i_e):
            value = self.i_e
            return lambda t: value
        func = self.i_e

        def current(t):
            i = float(np.asarray(func(t)).reshape(()))
            if not math.isfinite(i):
                raise ValueError(f"i_e returned {i!r} at t = {float(t)!r} ms; "
                                 "the input current must be finite")
            return i

        return current

    def current(self, t):
        """Input current (nA) at time(s) ``t`` (ms), as a float array shaped like ``t``."""
        t = np.asarray(t, dtype=float)
        if callable(self.i_e):
            return np.broadcast_to(np.asarray(self.i_e(t), dtype=float), t.shape)
        return np.full(t.shape, self.i_e)

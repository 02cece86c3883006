"""Input currents: vectorised callables t (ms) -> nA that carry their breakpoints.

Each function here returns an :class:`Input`. Besides being callable on a
number or a numpy array of times, an Input knows the times where it jumps
(``breakpoints``) and whether it is constant between them
(``piecewise_constant``). :func:`lifutils.simulate_events` restarts the solver
at every breakpoint instead of stepping across the jump, and with a piecewise
constant input it needs no cap on the step size (between breakpoints v moves
monotonically, so no threshold crossing can hide inside one step).

Any plain function of t works as an input too; give it a ``breakpoints``
attribute (a sequence of times in ms) to get the same restarts.

Examples
--------
>>> from lifutils import inputs
>>> i = inputs.pulse(t_on=10.0, duration=5.0, amplitude=2.0)
>>> i([0.0, 12.0, 20.0])
array([0., 2., 0.])
>>> i.breakpoints
(10.0, 15.0)
"""
from __future__ import annotations

import math

import numpy as np

from . import checks as check
from .errors import LifutilsError

__all__ = ["Input", "constant", "step", "pulse", "pulse_train", "sine", "MAX_BREAKPOINTS"]

#: Most breakpoints one input may have: each is a solver restart (about a
#: millisecond of work, so a million is minutes) and 8 bytes or more of memory.
MAX_BREAKPOINTS = 1_000_000


class Input:
    """A current t (ms) -> nA with known breakpoints.

    Parameters
    ----------
    func : callable
        Vectorised function of a float array of times (ms) returning nA.
    breakpoints : sequence of float
        Times (ms) where the current jumps.
    description : str
        Short text for legends and reprs.
    piecewise_constant : bool
        True if the current is constant between breakpoints.
    constant_value : float or None
        The value (nA) if the current is constant for all t; it must be finite
        and agree with ``func`` (checked at a few times), since the event
        method uses the value and the Euler loop the function.

    Examples
    --------
    >>> ramp = Input(lambda t: 0.1 * t, description="ramp 0.1 nA/ms")
    >>> ramp([0.0, 50.0])
    array([0., 5.])
    """

    def __init__(self, func, breakpoints=(), description="input",
                 piecewise_constant=False, constant_value=None):
        check.function("func", func, "func(t) -> nA, t an array of times (ms)")
        self._func = func
        try:
            points = np.sort(np.asarray(breakpoints, dtype=float))
        except (TypeError, ValueError, OverflowError):  # OverflowError: an int past float's range
            points = np.array([np.nan])
        if points.ndim != 1 or not np.all(np.isfinite(points)):
            raise LifutilsError("breakpoints must be a one-dimensional sequence of finite times "
                                f"(ms), got {check.show(breakpoints)}")
        check.budget("breakpoints", f"<{points.size} times>", points.size, MAX_BREAKPOINTS,
                     what="solver restarts", advice="use fewer pulses or steps")
        self.breakpoints = tuple(points.tolist())
        self.description = str(description)
        self.piecewise_constant = bool(piecewise_constant)
        self.constant_value = None
        if constant_value is not None:
            value = check.real("constant_value", constant_value, unit="nA")
            probe = np.array([0.0, 1.0, 10.0, 1000.0])
            if self.breakpoints or not np.all(self(probe) == value):
                raise LifutilsError(f"constant_value = {value!r} nA disagrees with func, which "
                                    f"gives {self(probe)!r} nA at t = {probe!r} ms")
            self.constant_value = value

    def __call__(self, t):
        t = np.asarray(t, dtype=float)
        value = self._func(t)
        try:  # (the checks cost nothing until they fail: this runs at every solver step)
            return np.asarray(value, dtype=float) + np.zeros(t.shape)
        except (TypeError, ValueError, OverflowError):  # text, None, another shape
            raise LifutilsError(f"func of the input {self.description!r} must return one current "
                                f"(nA, a real number) per time, got {check.show(value)} for "
                                f"{t.size} times") from None

    def __repr__(self):
        return f"<Input {self.description}>"


def constant(amplitude) -> Input:
    """A constant current of ``amplitude`` nA.

    Examples
    --------
    >>> constant(2.0)([0.0, 50.0])
    array([2., 2.])
    """
    a = check.real("amplitude", amplitude, unit="nA")
    return Input(lambda t: np.full(t.shape, a), (), f"constant {a:g} nA",
                 piecewise_constant=True, constant_value=a)


def step(t_on, amplitude, baseline=0.0) -> Input:
    """``baseline`` nA before ``t_on`` ms, ``amplitude`` nA from ``t_on`` on.

    Examples
    --------
    >>> step(10.0, 2.0)([5.0, 10.0])
    array([0., 2.])
    """
    t_on = check.real("t_on", t_on, unit="ms")
    a = check.real("amplitude", amplitude, unit="nA")
    b = check.real("baseline", baseline, unit="nA")
    return Input(lambda t: np.where(t >= t_on, a, b), (t_on,),
                 f"step to {a:g} nA at {t_on:g} ms", piecewise_constant=True)


def pulse(t_on, duration, amplitude, baseline=0.0) -> Input:
    """A rectangular pulse: ``amplitude`` nA for ``t_on <= t < t_on + duration``.

    Parameters
    ----------
    t_on : float
        Pulse onset (ms).
    duration : float
        Pulse length (ms), > 0.
    amplitude, baseline : float
        Current during and outside the pulse (nA).

    Examples
    --------
    >>> pulse(10.0, 0.5, 30.0)([9.9, 10.2, 10.5])
    array([ 0., 30.,  0.])
    """
    t_on = check.real("t_on", t_on, unit="ms")
    duration = check.positive("duration", duration, unit="ms")
    a = check.real("amplitude", amplitude, unit="nA")
    b = check.real("baseline", baseline, unit="nA")
    t_off = t_on + duration
    if not math.isfinite(t_off):
        raise LifutilsError(f"the pulse ends at t_on + duration = {t_off!r} ms: t_on or duration "
                            "is too large")
    return Input(lambda t: np.where((t >= t_on) & (t < t_off), a, b), (t_on, t_off),
                 f"{a:g} nA pulse at {t_on:g} ms for {duration:g} ms",
                 piecewise_constant=True)


def pulse_train(t_on, duration, amplitude, period, n_pulses, baseline=0.0) -> Input:
    """``n_pulses`` rectangular pulses of ``duration`` ms every ``period`` ms from ``t_on``.

    Parameters
    ----------
    t_on : float
        Onset of the first pulse (ms).
    duration : float
        Length of each pulse (ms), > 0 and < period.
    amplitude, baseline : float
        Current during and between pulses (nA).
    period : float
        Onset-to-onset interval (ms), > duration.
    n_pulses : int
        Number of pulses, from 1 to ``MAX_BREAKPOINTS // 2`` (500000; each
        pulse is two solver restarts).

    Examples
    --------
    >>> i = pulse_train(0.0, 1.0, 5.0, period=10.0, n_pulses=2)
    >>> i([0.5, 5.0, 10.5, 20.5])
    array([5., 0., 5., 0.])
    """
    t_on = check.real("t_on", t_on, unit="ms")
    duration = check.positive("duration", duration, unit="ms")
    period = check.real("period", period, unit="ms")
    a = check.real("amplitude", amplitude, unit="nA")
    b = check.real("baseline", baseline, unit="nA")
    n = check.integer("n_pulses", n_pulses, minimum=1)
    # (a float product would overflow for an integer past float's range)
    check.budget("n_pulses", n, 2.0 * n if n < 10**300 else math.inf, MAX_BREAKPOINTS,
                 what="breakpoints (solver restarts)",
                 advice="use fewer pulses, or a smooth input (sine) with a step cap")
    if not period > duration:
        raise LifutilsError(f"period must be longer than duration ({duration!r} ms), got {period!r}")
    last = t_on + period * (n - 1) + duration  # Python floats: an overflow is inf, not a warning
    if not math.isfinite(last):
        raise LifutilsError(f"the last pulse ends at t_on + period * (n_pulses - 1) + duration = "
                            f"{last!r} ms: t_on, period or n_pulses is too large")
    onsets = t_on + period * np.arange(n)

    def func(t):
        k = np.floor((t - t_on) / period)
        inside = (k >= 0) & (k < n) & (t - (t_on + k * period) < duration)
        return np.where(inside, a, b)

    breaks = np.concatenate([onsets, onsets + duration])
    return Input(func, breaks, f"{n} pulses of {a:g} nA every {period:g} ms",
                 piecewise_constant=True)


def sine(mean, amplitude, period, phase=0.0) -> Input:
    """``mean + amplitude * sin(2 pi t / period + phase)`` nA (phase in radians).

    Smooth, so it has no breakpoints; the solver caps its step instead
    (see :func:`lifutils.simulate_events`).

    Examples
    --------
    >>> float(sine(1.0, 2.0, period=40.0)(10.0))
    3.0
    """
    m = check.real("mean", mean, unit="nA")
    a = check.real("amplitude", amplitude, unit="nA")
    period = check.positive("period", period, unit="ms")
    phase = check.real("phase", phase, unit="radians")
    w = 2.0 * math.pi / period
    return Input(lambda t: m + a * np.sin(w * t + phase), (),
                 f"{m:g} + {a:g} sin(2 pi t / {period:g} ms) nA")

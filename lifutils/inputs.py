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

from .params import _integer, _real

__all__ = ["Input", "constant", "step", "pulse", "pulse_train", "sine"]


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
        The value (nA) if the current is constant for all t.

    Examples
    --------
    >>> ramp = Input(lambda t: 0.1 * t, description="ramp 0.1 nA/ms")
    >>> ramp([0.0, 50.0])
    array([0., 5.])
    """

    def __init__(self, func, breakpoints=(), description="input",
                 piecewise_constant=False, constant_value=None):
        self._func = func
        self.breakpoints = tuple(sorted(float(b) for b in breakpoints))
        self.description = description
        self.piecewise_constant = bool(piecewise_constant)
        self.constant_value = constant_value

    def __call__(self, t):
        t = np.asarray(t, dtype=float)
        return np.asarray(self._func(t), dtype=float) + np.zeros(t.shape)

    def __repr__(self):
        return f"<Input {self.description}>"


def constant(amplitude) -> Input:
    """A constant current of ``amplitude`` nA.

    Examples
    --------
    >>> constant(2.0)([0.0, 50.0])
    array([2., 2.])
    """
    a = _real("amplitude", amplitude)
    return Input(lambda t: np.full(t.shape, a), (), f"constant {a:g} nA",
                 piecewise_constant=True, constant_value=a)


def step(t_on, amplitude, baseline=0.0) -> Input:
    """``baseline`` nA before ``t_on`` ms, ``amplitude`` nA from ``t_on`` on.

    Examples
    --------
    >>> step(10.0, 2.0)([5.0, 10.0])
    array([0., 2.])
    """
    t_on = _real("t_on", t_on)
    a = _real("amplitude", amplitude)
    b = _real("baseline", baseline)
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
    t_on = _real("t_on", t_on)
    duration = _real("duration", duration)
    if not duration > 0:
        raise ValueError(f"duration must be > 0 ms, got {duration!r}")
    a = _real("amplitude", amplitude)
    b = _real("baseline", baseline)
    t_off = t_on + duration
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
        Number of pulses, >= 1.

    Examples
    --------
    >>> i = pulse_train(0.0, 1.0, 5.0, period=10.0, n_pulses=2)
    >>> i([0.5, 5.0, 10.5, 20.5])
    array([5., 0., 5., 0.])
    """
    t_on = _real("t_on", t_on)
    duration = _real("duration", duration)
    period = _real("period", period)
    a = _real("amplitude", amplitude)
    b = _real("baseline", baseline)
    n = _integer("n_pulses", n_pulses, 1)
    if not duration > 0:
        raise ValueError(f"duration must be > 0 ms, got {duration!r}")
    if not period > duration:
        raise ValueError(f"period must be longer than duration ({duration!r} ms), got {period!r}")
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
    m = _real("mean", mean)
    a = _real("amplitude", amplitude)
    period = _real("period", period)
    phase = _real("phase", phase)
    if not period > 0:
        raise ValueError(f"period must be > 0 ms, got {period!r}")
    w = 2.0 * math.pi / period
    return Input(lambda t: m + a * np.sin(w * t + phase), (),
                 f"{m:g} + {a:g} sin(2 pi t / {period:g} ms) nA")

"""Exercise of notebook 04 (the methods side by side): a firing rate from spike times.

The f-I curve of notebook 04 needs each method's firing rate (Hz) from its
spike times (ms): ``1000 / mean interspike interval``, and 0 Hz when there are
fewer than two spikes. The check calls the student's function on spike trains
whose rate is known and prints one line, ``Right: ...`` or ``Not yet: ...``
with a hint; it never raises.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..analytic import exact_spike_times, firing_rate
from ..params import LIFParams
from ._student import call_student
from ._verdict import _as_number, _verdict

__all__ = ["RATE_NEURON", "RATE_T_MAX", "solution_firing_rate", "check_firing_rate"]

#: Exercise 4.1: the question's neuron at 20 nA (about 55.8 Hz), simulated for RATE_T_MAX.
RATE_NEURON = LIFParams(i_e=20.0)
#: Exercise 4.1: length (ms) of the spike train the check builds.
RATE_T_MAX = 1000.0
_TOL_HZ = 1e-3  # right within 0.001 Hz


def solution_firing_rate(spike_times) -> float:
    """Reference solution of exercise 4.1: firing rate (Hz) from spike times (ms).

    ``1000 / mean interspike interval``: the factor 1000 turns spikes per ms into
    spikes per second. The time before the first spike is left out, so the
    steady rate is not biased by it. Fewer than two spikes: 0 Hz.

    Examples
    --------
    >>> solution_firing_rate([10.0, 30.0, 50.0])  # one spike every 20 ms
    50.0
    >>> solution_firing_rate([12.0])
    0.0
    """
    spikes = np.asarray(spike_times, dtype=float)
    if spikes.size < 2:
        return 0.0
    return float(1000.0 / np.mean(np.diff(spikes)))


def _rate_of(func, spikes):
    """(number, problem) for the student's rate of ``spikes``."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # np.mean([]) warns; the message says what went wrong
        value, problem = call_student(func, (spikes.copy(),), exercise="4.1", name="my_rate")
    if problem:
        return None, problem
    return _as_number(value, "Hz", "55.8")


def check_firing_rate(func) -> bool:
    """Check exercise 4.1: ``func(spike_times)`` returns the firing rate (Hz).

    Called on the exact spike times (ms) of :data:`RATE_NEURON` over
    :data:`RATE_T_MAX` ms (about 55.8 Hz; the first spike comes after 13.9 ms,
    the others every 17.9 ms), on a train of one spike every 25 ms, and on
    trains of one and zero spikes (0 Hz). Right within 0.001 Hz.

    Examples
    --------
    >>> check_firing_rate(solution_firing_rate)
    Right: 55.811 Hz for the 20 nA neuron (the analytic f-I curve gives 55.811 Hz), and 0 Hz with fewer than two spikes.
    True
    >>> check_firing_rate(lambda s: 1.0 / np.mean(np.diff(s)))
    Not yet: 0.0558 is spikes per ms. Hint: the spike times are in ms, so 1 / interval is per ms; multiply by 1000 for Hz.
    False
    """
    train = exact_spike_times(RATE_NEURON, RATE_T_MAX)
    right = solution_firing_rate(train)
    value, problem = _rate_of(func, train)
    if problem:
        return _verdict(False, problem)
    if abs(value - right) > _TOL_HZ:
        return _verdict(False, _rate_hint(value, right, train))
    regular, _ = _rate_of(func, np.arange(5.0, 500.0, 25.0))
    if regular is None or abs(regular - 40.0) > _TOL_HZ:
        return _verdict(False, f"right for the 20 nA neuron, but one spike every 25 ms gave "
                               f"{regular} instead of 40 Hz. Hint: 1000 / mean interval.")
    for short in ([], [12.0]):
        value, problem = _rate_of(func, np.array(short, dtype=float))
        if problem or value != 0.0:
            got = problem or f"it gave {value:g}"
            return _verdict(False, f"with {len(short)} spike(s) there is no interval: {got}. "
                                   "Hint: return 0.0 when there are fewer than two spikes.")
    analytic = float(firing_rate(RATE_NEURON))
    return _verdict(True, f"{right:.3f} Hz for the 20 nA neuron (the analytic f-I curve gives "
                          f"{analytic:.3f} Hz), and 0 Hz with fewer than two spikes.")


def _rate_hint(value, right, train):
    """The hint for a wrong rate ``value`` of the 20 nA train."""
    n, t_first, t_last = len(train), train[0], train[-1]
    interval = 1000.0 / right
    if abs(value - right / 1000.0) < 1e-6:
        return (f"{value:.3g} is spikes per ms. Hint: the spike times are in ms, so "
                "1 / interval is per ms; multiply by 1000 for Hz.")
    if abs(value - right * 1000.0) < 1.0:
        return f"{value:.4g} is 1000 times too large. Hint: 1000 / interval (ms) is in Hz."
    if abs(value - interval) < 1e-3:
        return (f"{value:.4f} is the interval in ms. Hint: the rate is 1000 / interval, "
                "in Hz.")
    counts = {n / t_last * 1000.0, n / RATE_T_MAX * 1000.0, (n - 1) / RATE_T_MAX * 1000.0}
    if any(abs(value - c) < 1e-3 for c in counts):
        return (f"{value:.3f} Hz counts spikes over the whole time, including the "
                f"{t_first:.1f} ms before the first one. Hint: use the intervals, "
                "1000 / mean(diff(spike_times)).")
    return (f"{value:.4g} Hz is not it (expected about {right:.1f} Hz). Hint: "
            "1000 / mean(diff(spike_times)).")

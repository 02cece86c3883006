"""Exercise of notebook 04 (the methods side by side): a firing rate from spike times.

The f-I curve of notebook 04 needs each method's firing rate (Hz) from its
spike times (ms): ``1000 / mean interspike interval``, and 0 Hz when there are
fewer than two spikes. The check calls the student's function on a regular
train whose rate the analytic f-I curve gives, and on irregular trains whose
mean interval is (last - first) / (n - 1), so that a median, a mean of 1/ISI or a
count over the whole run cannot pass. It prints ``Right: ...`` or
``Not yet: ...`` with a hint; it never raises and never hangs.
"""
from __future__ import annotations

import numpy as np

from ..analytic import exact_spike_times, firing_rate
from ..params import LIFParams
from ._student import StudentError, judge, not_callable
from .answers import as_number

__all__ = ["RATE_NEURON", "RATE_T_MAX", "IRREGULAR_TRAINS", "check_firing_rate"]

#: Exercise 4.1: the question's neuron at 20 nA (about 55.8 Hz), simulated for RATE_T_MAX.
RATE_NEURON = LIFParams(i_e=20.0)
#: Exercise 4.1: length (ms) of the spike train the check builds.
RATE_T_MAX = 1000.0
#: Exercise 4.1: irregular trains (ms); their mean interval is (last - first) / (n - 1).
IRREGULAR_TRAINS = ((3.0, 10.0, 12.0, 30.0, 31.5, 60.0),
                    (40.0, 41.0, 95.0, 96.5, 250.0),
                    (0.5, 100.5))
_TOL_HZ = 1e-3  # right within 0.001 Hz


def _rate_hint(value, right, train, t_max):
    """The hint for a wrong rate ``value`` of ``train`` (right: ``right`` Hz)."""
    n, t_first = len(train), train[0]
    isi = np.diff(train)
    interval = 1000.0 / right

    def near(a, b, tol=_TOL_HZ):
        return abs(a - b) <= tol
    if near(value, right / 1000.0, 1e-6):
        return (f"{value:.3g} is spikes per ms. Hint: the spike times are in ms, so 1 / interval "
                "is per ms; multiply by 1000 for Hz.")
    if near(value, right * 1000.0, 1.0):
        return f"{value:.4g} is 1000 times too large. Hint: 1000 / interval (ms) is in Hz."
    if near(value, interval, 1e-3):
        return f"{value:.4f} is the interval in ms. Hint: the rate is 1000 / interval, in Hz."
    median = 1000.0 / np.median(isi)
    if near(value, median) and near(value, 1000.0 / isi[0]) and not near(right, median):
        return (f"that is 1000 / the median interval, which is here also the first interval "
                f"({isi[0]:g} ms); on an irregular train neither is the mean. Hint: average all "
                "the intervals, 1000 / mean(diff(spike_times)).")
    if near(value, 1000.0 / isi[0]) and not near(right, 1000.0 / isi[0]):
        return (f"that is 1000 / the first interval ({isi[0]:g} ms) only; on an irregular train "
                "the others differ. Hint: average all the intervals, 1000 / "
                "mean(diff(spike_times)).")
    if near(value, 1000.0 / isi[-1]) and not near(right, 1000.0 / isi[-1]):
        return (f"that is 1000 / the last interval ({isi[-1]:g} ms) only. Hint: average all the "
                "intervals, 1000 / mean(diff(spike_times)).")
    if near(value, 1000.0 / np.median(isi)) and not near(right, 1000.0 / np.median(isi)):
        return ("that is 1000 / the median interval; on an irregular train it is not the mean. "
                "Hint: 1000 / mean(diff(spike_times)).")
    if near(value, 1000.0 * np.mean(1.0 / isi)) and not near(right, 1000.0 * np.mean(1.0 / isi)):
        return ("that is the mean of 1000 / each interval, which short intervals pull up on an "
                "irregular train. Hint: 1000 / mean(diff(spike_times)), the mean interval first.")
    counts = {n / train[-1] * 1000.0, n / t_max * 1000.0, (n - 1) / t_max * 1000.0,
              n / (train[-1] - t_first) * 1000.0}
    if any(near(value, c) for c in counts):
        return (f"{value:.3f} Hz counts spikes over a stretch of time (including the "
                f"{t_first:.1f} ms before the first one, or n spikes for n - 1 intervals). "
                "Hint: use the intervals, 1000 / mean(diff(spike_times)).")
    return (f"{value:.4g} Hz is not it (expected {right:.3f} Hz). Hint: "
            "1000 / mean(diff(spike_times)).")


def _judge_rate(func):
    if not callable(func):
        raise StudentError(not_callable(func, "my_rate"))
    regular = exact_spike_times(RATE_NEURON, RATE_T_MAX)
    trains = [(regular, float(firing_rate(RATE_NEURON)), RATE_T_MAX, "the 20 nA neuron")]
    # the right rate of an irregular train: n - 1 intervals over the time they span
    trains += [(np.array(t), 1000.0 * (len(t) - 1) / (t[-1] - t[0]), 300.0,
                f"the irregular train {list(t)} ms") for t in IRREGULAR_TRAINS]
    for train, right, t_max, what in trains:
        value, problem = as_number(func(train.copy()), "Hz", "55.8")
        if problem:
            return False, f"for {what}: {problem}"
        if abs(value - right) > _TOL_HZ:
            hint = _rate_hint(value, right, train, t_max)
            if what != trains[0][3]:
                hint = f"right for the 20 nA neuron, but for {what}: {hint}"
            return False, hint
    for short in ([], [12.0]):
        value, problem = as_number(func(np.array(short, dtype=float)), "Hz", "0.0")
        if problem or value != 0.0:
            got = (problem or f"it gave {value:g}").rstrip(".")
            return False, (f"with {len(short)} spike(s) there is no interval: {got}. Hint: "
                           "return 0.0 when there are fewer than two spikes.")
    rate = float(firing_rate(RATE_NEURON))
    return True, (f"{rate:.3f} Hz for the 20 nA neuron (as the analytic f-I curve), right on "
                  f"{len(IRREGULAR_TRAINS)} irregular trains too (within {_TOL_HZ:g} Hz), and 0 Hz "
                  "with fewer than two spikes.")


def check_firing_rate(func, *, time_limit=None) -> bool:
    """Check exercise 4.1: ``func(spike_times)`` returns the firing rate (Hz).

    Called on the exact spike times (ms) of :data:`RATE_NEURON` over
    :data:`RATE_T_MAX` ms (its rate is :func:`lifutils.firing_rate`), on the
    :data:`IRREGULAR_TRAINS` (rate 1000 (n - 1) / (last - first)), and on trains
    of one and zero spikes (0 Hz). Right within 0.001 Hz.

    Examples
    --------
    >>> check_firing_rate(lambda s: 1.0 / np.mean(np.diff(s)))
    Not yet: 0.0558 is spikes per ms. Hint: the spike times are in ms, so 1 / interval is per ms; multiply by 1000 for Hz.
    False
    """
    return judge(_judge_rate, func, exercise="4.1", name="my_rate",
                 task="compute the rate from the spike times yourself",
                 hint="my_rate(spike_times) gets a numpy array of spike times in ms (maybe "
                      "empty) and returns one number in Hz.", time_limit=time_limit)[0]

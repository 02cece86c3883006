"""What a student's answer is, checked: one number, a list of spike times (the helpers every
exercise check shares, and the tolerances of their verdicts)."""
from __future__ import annotations

import math
import numbers

import numpy as np

TOL_NA = 1e-3  # tolerance for currents (nA)
TOL_MS = 1e-3  # tolerance for times (ms)


def as_number(value, unit, example):
    """(number, None), or (None, message) for an answer that is not one finite number."""
    if value is None:
        return None, ("got None: did your function forget to `return` its result? "
                      f"Give a number in {unit}.")
    if isinstance(value, (str, bytes)):
        return None, (f"got text ({value!r}); give a number in {unit}, "
                      f"e.g. {example} (no quotes, no unit).")
    if isinstance(value, (bool, np.bool_)):
        return None, f"got {value!r}, a True/False; give a number in {unit}."
    if not isinstance(value, numbers.Real):
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError, OverflowError):
            return None, (f"got a value of type {type(value).__name__}; give a number in {unit}, "
                          f"e.g. {example}.")
        if arr.size != 1:
            return None, (f"got {arr.size} values (shape {arr.shape}); give one number "
                          f"in {unit}.")
        value = arr.reshape(())
    try:
        number = float(value)
    except (OverflowError, TypeError, ValueError):
        return None, f"got {str(value)[:20]}..., too large for a float; give a number in {unit}."
    if not math.isfinite(number):
        return None, f"got {number!r}; give a finite number in {unit}."
    return number, None


def as_times(out, name):
    """(1-D float array, None) or (None, message) for a student's list of spike times (ms)."""
    if out is None:
        return None, f"{name} returned None: did it forget to `return spike_times`?"
    if isinstance(out, (str, bytes, dict)) or callable(out) or (
            not hasattr(out, "__len__") and not isinstance(out, np.ndarray)):
        return None, (f"{name} returned a {type(out).__name__}; return a list of spike times "
                      "in ms (an empty list if there are none).")
    try:
        times = np.asarray(out, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return None, (f"{name} returned something that is not a flat list of numbers (lists of "
                      "different lengths, text, huge numbers?); return the spike times in ms.")
    if times.ndim == 0:
        return None, (f"{name} returned one number; return a list of spike times in ms (an "
                      "empty list if there are none).")
    if times.ndim != 1:
        return None, (f"{name} returned an array of shape {times.shape}; return a flat list of "
                      "spike times in ms.")
    if not np.all(np.isfinite(times)):
        return None, f"{name} returned NaN or inf among the spike times; give finite times in ms."
    return times, None


def near(a, b, tol):
    return abs(a - b) <= tol


def is_one(value):
    """True for 1, 1.0, np.int64(1): a number equal to one, not True and not an array."""
    return (isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
            and value == 1)

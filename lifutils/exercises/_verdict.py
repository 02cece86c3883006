"""The Right / Not yet machinery that every exercise check shares."""
from __future__ import annotations

import math
import numbers

import numpy as np

TOL_NA = 1e-3  # tolerance for currents (nA)
TOL_MS = 1e-3  # tolerance for times (ms)

def _verdict(ok: bool, text: str) -> bool:
    print(("Right: " if ok else "Not yet: ") + text)
    return ok


def _as_number(value, unit, example):
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
        except (TypeError, ValueError):
            return None, (f"got a value of type {type(value).__name__}; give a number in {unit}, "
                          f"e.g. {example}.")
        if arr.size != 1:
            return None, (f"got {arr.size} values (shape {arr.shape}); give one number "
                          f"in {unit}.")
        value = arr.reshape(())
    number = float(value)
    if not math.isfinite(number):
        return None, f"got {number!r}; give a finite number in {unit}."
    return number, None


def _near(a, b, tol):
    return abs(a - b) <= tol


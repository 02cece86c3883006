"""The Right / Not yet machinery that every exercise check shares."""
from __future__ import annotations

import math
import numbers
import re

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



def _not_done(exc, exercise):
    """The one message for a stub that still raises NotImplementedError."""
    found = re.search(r"[Ee]xercise\s+(\d+(?:\.\d+)?)", str(exc))
    label = found.group(1) if found else exercise
    return f"exercise {label} is not done yet (the stub raises NotImplementedError)"


def _call_student(func, args, exercise, signature):
    """Call a student's ``func(*args)``: (result, None), or (None, message) if it failed."""
    if not callable(func):
        return None, (f"got a value of type {type(func).__name__}, not a function. Hint: pass "
                      f"the function itself, {signature.split('(')[0]}, without calling it.")
    try:
        return func(*args), None
    except NotImplementedError as exc:
        return None, _not_done(exc, exercise)
    except TypeError as exc:
        return None, (f"calling it as {signature} raised TypeError: {exc}. Hint: it must "
                      f"take exactly the arguments of {signature}.")
    except Exception as exc:  # any error in the student's code becomes a hint
        return None, f"calling it raised {type(exc).__name__}: {exc}."

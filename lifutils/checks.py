"""Argument checks, written once: every message names the argument and the rule.

The package's shared internal API (imported by its modules as ``from . import checks
as check``); not part of the public API in ``lifutils.__all__``.

One format everywhere: ``"<name> must be <rule>, got <value>"``, raised as a
:class:`~lifutils.errors.LifutilsError` (a ValueError). numpy numbers and 0-d
arrays are accepted wherever a Python number is; bools, strings, complex
numbers and None are not. Values in messages are shortened, so a 300-digit
integer prints as ``1e+300``.

Work and memory budgets live here too: :func:`budget` refuses, before any
work, a call whose size implies more than a budget, and :data:`MEMORY_BUDGET`
is the one memory budget (bytes) of the package.

Examples
--------
>>> positive("tau_m", 10, unit="ms")
10.0
>>> positive("tau_m", -1.0, unit="ms")
Traceback (most recent call last):
...
lifutils.errors.LifutilsError: tau_m must be a finite number > 0 ms, got -1.0
>>> integer("n_pulses", 2.5, minimum=1)
Traceback (most recent call last):
...
lifutils.errors.LifutilsError: n_pulses must be an integer >= 1, got 2.5
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from .errors import BudgetError, LifutilsError

#: No call may allocate more than about this many bytes (1 GB) without refusing first.
MEMORY_BUDGET = 1_000_000_000


def show(value) -> str:
    """A short text for ``value`` in a message (huge integers as 1e+300, long reprs cut)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and abs(int(value)) >= 10**15:
        return f"{float(value):.3g}" if abs(int(value)) < 10**308 else "an integer of more than 300 digits"
    if isinstance(value, float) or isinstance(value, np.floating):
        text, short = repr(float(value)), f"{float(value):.6g}"
        return text if len(text) <= 8 or float(short) != float(value) else short
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fail(name, rule, value):
    raise LifutilsError(f"{name} must be {rule}, got {show(value)}")


def _as_number(name, value, rule):
    """``value`` as a float, or a LifutilsError: a real number (numpy scalars and 0-d arrays too)."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        _fail(name, rule, value)
    try:
        return float(value)
    except (OverflowError, ValueError):  # an integer too large for a float
        _fail(name, rule, value)


def _with_unit(rule, unit):
    return f"{rule} {unit}" if unit else rule


def real(name, value, *, unit="") -> float:
    """``value`` as a finite float.

    >>> real("v_rest", np.float32(-70))
    -70.0
    """
    rule = f"a finite number ({unit})" if unit else "a finite number"
    number = _as_number(name, value, rule)
    if not math.isfinite(number):
        _fail(name, rule, value)
    return number


def positive(name, value, *, unit="", allow_inf=False) -> float:
    """``value`` as a float > 0 (finite unless ``allow_inf``: inf then means no limit).

    >>> positive("max_step", np.int64(1), allow_inf=True), positive("max_step", np.inf, allow_inf=True)
    (1.0, inf)
    """
    rule = _with_unit("a number > 0", unit) + " (inf for no limit)" if allow_inf \
        else _with_unit("a finite number > 0", unit)
    number = _as_number(name, value, rule)
    if not (number > 0 and (allow_inf or math.isfinite(number))):
        _fail(name, rule, value)
    return number


def non_negative(name, value, *, unit="") -> float:
    """``value`` as a finite float >= 0."""
    rule = _with_unit("a finite number >= 0", unit)
    number = _as_number(name, value, rule)
    if not (number >= 0 and math.isfinite(number)):
        _fail(name, rule, value)
    return number


def in_range(name, value, low, high, *, unit="", closed=(False, False)) -> float:
    """``value`` as a float in the interval from ``low`` to ``high``.

    ``closed`` says which ends belong to it (default: neither).

    >>> in_range("rtol", 1.0, 0.0, 1.0)
    Traceback (most recent call last):
    ...
    lifutils.errors.LifutilsError: rtol must be a number in (0, 1), got 1.0
    """
    interval = f"{'[' if closed[0] else '('}{low:.3g}, {high:.3g}{']' if closed[1] else ')'}"
    rule = _with_unit(f"a number in {interval}", unit)
    number = _as_number(name, value, rule)
    above = number >= low if closed[0] else number > low
    below = number <= high if closed[1] else number < high
    if not (above and below):
        _fail(name, rule, value)
    return number


def flag(name, value) -> bool:
    """True or False (numpy's bools too); anything else, a truthy string or 1, is refused.

    >>> flag("keep_y_events", np.True_)
    True
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    _fail(name, "True or False", value)


def integer(name, value, *, minimum=None, maximum=None) -> int:
    """``value`` as an int (an integral float such as 1e4 is accepted) within bounds.

    >>> integer("max_spikes", np.int64(5), minimum=1), integer("max_spikes", 1e4, minimum=1)
    (5, 10000)
    """
    rule = "an integer"
    if minimum is not None and maximum is not None:
        rule += f" from {minimum} to {maximum}"
    elif minimum is not None:
        rule += f" >= {minimum}"
    elif maximum is not None:
        rule += f" <= {maximum}"
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)):
        _fail(name, rule, value)
    if isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real) and math.isfinite(float(value)) and float(value).is_integer():
        number = int(float(value))
    else:
        _fail(name, rule, value)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        _fail(name, rule, value)
    return number


def function(name, value, signature) -> None:
    """Refuse anything that is not callable; ``signature`` shows how it is called."""
    if not callable(value):
        _fail(name, f"a callable {signature}", value)


def real_array(value):
    """``value`` as a float array, or None when it is not an array of real numbers.

    The first step of checking what a user's function returned (a state, an
    event value): bools and integers count as real; text, objects, complex
    numbers and ragged lists do not. The caller names what was wrong.

    Examples
    --------
    >>> real_array([1, 2.5]), real_array("1.0"), real_array(1j)
    (array([1. , 2.5]), None, None)
    """
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return None
    return array.astype(float) if array.dtype.kind in "biuf" else None


def times(name, value, *, low=None, high=None):
    """A one-dimensional, finite, strictly increasing float array of times within [low, high]."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int past float's range
        _fail(name, "a one-dimensional sequence of times (numbers)", value)
    if array.ndim != 1:
        _fail(name, "a one-dimensional sequence of times", value)
    if not np.all(np.isfinite(array)):
        _fail(name, "finite times", value)
    if np.any(np.diff(array) <= 0):
        _fail(name, "strictly increasing", value)
    if array.size and ((low is not None and array[0] < low) or (high is not None and array[-1] > high)):
        raise LifutilsError(f"{name} must be within [{low:g}, {high:g}], got times from "
                            f"{array[0]:g} to {array[-1]:g}")
    return array


#: The smallest rtol scipy honours (it raises smaller ones to this, with a warning).
RTOL_MIN = 100 * np.finfo(float).eps


def rtol(value) -> float:
    """A relative tolerance in [100 eps, 1): smaller is what scipy cannot honour, 1 or more means nothing."""
    return in_range("rtol", value, RTOL_MIN, 1.0, closed=(True, False))


def atol(value) -> float:
    """An absolute tolerance: a finite number > 0 (in the units of the state)."""
    return positive("atol", value)


def max_step(value) -> float:
    """A step cap: a number > 0, inf for none."""
    return positive("max_step", value, allow_inf=True)


def solver_options(rtol_value, atol_value, max_step_value):
    """The solver options every simulate_* function shares, checked alike.

    >>> solver_options(1e-6, np.float64(1e-8), np.int64(1))
    (1e-06, 1e-08, 1.0)
    """
    return rtol(rtol_value), atol(atol_value), max_step(max_step_value)


def budget(name, value, needed, limit, *, what, advice) -> None:
    """Refuse (BudgetError) when ``needed`` is over ``limit``; the message names the argument.

    >>> budget("dt", 1e-7, 1e9, 2e7, what="samples", advice="use a larger dt")
    Traceback (most recent call last):
    ...
    lifutils.errors.BudgetError: dt = 1e-07 implies 1e+09 samples, over the budget of 2e+07; use a larger dt
    """
    if needed > limit:
        shown = value if isinstance(value, str) else show(value)
        raise BudgetError(f"{name} = {shown} implies {needed:.3g} {what}, over the budget "
                          f"of {limit:.3g}; {advice}")

"""Stand-ins for an exercise not done yet, so that a student copy runs top to bottom.

Neuromatch's convention: the check cell tests the student's function; a later cell that
needs the function takes it through :func:`yours_or_reference`. Once the stub no longer
raises ``NotImplementedError`` that is the student's function; until then the cell prints
"using the reference until your function is done" and goes on with a stand-in from here.

A stand-in is no answer to its exercise. It runs only in the process that imported
lifutils (the notebook's kernel): called in any other process, such as the one in which a
check runs the student's code, it raises ``NotImplementedError`` naming its exercise, so a
check given a stand-in, or code that calls one, says the exercise is not done yet.

Examples
--------
>>> def my_reset(t, y, index):
...     raise NotImplementedError("Exercise 5.1: return the new state [v, w]")
>>> reset = yours_or_reference(my_reset, adaptation_reset(-80.0, 2.0), 0.0, [-55.0, 1.0], 0)
Using the reference until your function is done (Exercise 5.1: return the new state [v, w]).
>>> reset(0.0, [-55.0, 1.0], 0).tolist()
[-80.0, 3.0]
"""
from __future__ import annotations

import functools
import os

import numpy as np

__all__ = ["yours_or_reference", "threshold_event", "adaptation_reset", "network_reset"]

_HOME = os.getpid()  # the kernel's: lifutils is imported there before any check starts a process


def _stand_in(exercise):
    """Make a function run only in the process that imported lifutils."""
    def wrap(function):
        @functools.wraps(function)
        def guarded(*args, **kwargs):
            if os.getpid() != _HOME:
                raise NotImplementedError(
                    f"Exercise {exercise}: the notebook's stand-in is not your answer; "
                    "write your own function")
            return function(*args, **kwargs)
        return guarded
    return wrap


def yours_or_reference(yours, reference, *probe):
    """``yours`` once ``yours(*probe)`` no longer raises NotImplementedError; else ``reference``.

    The probe call is the one test: any other exception it raises is the student's to see.
    """
    try:
        yours(*probe)
    except NotImplementedError as exc:
        print(f"Using the reference until your function is done ({exc}).")
        return reference
    return yours


@_stand_in("3.1")
def threshold_event(v_thresh):
    """Exercise 3.1's event for v = ``y[0]`` (mV): terminal, rising through ``v_thresh``."""
    @_stand_in("3.1")
    def event(t, y):
        return y[0] - v_thresh
    event.terminal, event.direction = True, 1
    return event


@_stand_in("5.1")
def adaptation_reset(v_reset, b):
    """Exercise 5.1's reset of y = (v, w): v to ``v_reset`` (mV), w up by ``b`` (nA)."""
    @_stand_in("5.1")
    def reset(t, y, index):
        return np.array([v_reset, y[1] + b])
    return reset


@_stand_in("7.1")
def network_reset(weights, v_reset):
    """Exercise 7.1's reset: every v_j up by ``weights[index, j]`` (mV), v[index] to ``v_reset``."""
    weights = np.array(weights, dtype=float)

    @_stand_in("7.1")
    def reset(t, v, index):
        v = np.array(v, dtype=float) + weights[index]
        v[index] = v_reset
        return v
    return reset

"""Calling a student's function safely: a stub, an error or a loop that never ends becomes a message.

Every check of notebooks 04-06 takes the student's *function* and calls it
itself through :func:`call_student`, so that an untouched stub, a typo or a
restart loop that never moves on is reported in the check's one line instead
of a traceback.
"""
from __future__ import annotations

import contextlib
import re
import signal
import threading

__all__ = ["call_student", "not_done"]


class _TooLong(BaseException):
    """Raised inside the student's code when it runs past its time limit.

    A BaseException, so that a student's ``except Exception`` cannot swallow it.
    """


@contextlib.contextmanager
def _time_limit(seconds):
    """Interrupt the block after ``seconds`` (where SIGALRM exists and we are the main thread)."""
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def interrupt(signum, frame):
        raise _TooLong

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def not_done(exercise: str) -> str:
    """The verdict text for a stub that still raises NotImplementedError."""
    return f"exercise {exercise} is not done yet (the stub raises NotImplementedError)"


def call_student(func, args, *, exercise, name, time_limit=None, too_long_hint=""):
    """Call ``func(*args)``; return ``(result, None)`` or ``(None, message)``.

    Parameters
    ----------
    func : callable
        The student's function.
    args : tuple
        What to call it with.
    exercise : str
        The exercise number, e.g. ``"6.2"``, for the not-done message (a stub
        whose message starts ``"Exercise N.K"`` gives its own number).
    name : str
        How to call the function in messages, e.g. ``"my_reset"``.
    time_limit : float, optional
        Seconds after which the call is interrupted (POSIX main thread only).
    too_long_hint : str
        What to suggest when the call ran past ``time_limit``.

    Examples
    --------
    >>> def stub():
    ...     raise NotImplementedError("Exercise 4.1: write it")
    >>> call_student(stub, (), exercise="4.1", name="my_rate")
    (None, 'exercise 4.1 is not done yet (the stub raises NotImplementedError)')
    >>> call_student(lambda x: 1 / x, (0,), exercise="4.1", name="my_rate")[1]
    'calling my_rate raised ZeroDivisionError: division by zero'
    """
    if not callable(func):
        return None, (f"got a value of type {type(func).__name__}, not a function. Hint: pass "
                      f"the function itself ({name}), without calling it.")
    try:
        with _time_limit(time_limit):
            return func(*args), None
    except NotImplementedError as exc:  # the stub's own number wins ("Exercise 6.1: ...")
        named = re.match(r"\s*exercise\s+(\d+(?:\.\d+)?)", str(exc), re.I)
        return None, not_done(named.group(1) if named else exercise)
    except _TooLong:
        return None, (f"{name} ran for more than {time_limit:g} s without returning. "
                      + too_long_hint).strip()
    except TypeError as exc:
        return None, (f"calling {name} raised TypeError: {exc}. Hint: check its arguments; "
                      f"the check calls it with {len(args)}.")
    except Exception as exc:  # any error in the student's code becomes the message
        return None, f"calling {name} raised {type(exc).__name__}: {exc}"

"""The paragraphs a check prints about the student's code: not done, raised, too slow, not callable.

It owns the wording of those messages and the test of whether a frame is the
student's code or a library's (:func:`is_library`, used by the guards too). It
imports only :mod:`lifutils.errors` and :mod:`.records` (for the caps it names).
"""
from __future__ import annotations

import linecache
import os
import pathlib
import re
import traceback

from ...errors import ForbiddenHelperError, LifutilsError, StudentError
from .records import CHILD_MEMORY, Halt

PACKAGE = str(pathlib.Path(__file__).resolve().parents[2])
_STDLIB = os.path.dirname(os.__file__)

def _not_done(text, exercise):
    named = re.search(r"exercise\s+(\d+(?:\.\d+)?)", text, re.I)
    label = named.group(1) if named else exercise
    return (f"exercise {label} is not done yet (the stub raises NotImplementedError). Hint: "
            "replace the `raise NotImplementedError(...)` line with your code, run that cell, "
            "then this one.")


def is_library(filename):
    return (filename.startswith(PACKAGE) or "site-packages" in filename
            or "dist-packages" in filename or filename.startswith(_STDLIB)
            or filename.startswith("<frozen"))


def _where(tb):
    """'in my_rate, line 3: `return 1000 / ...`' for the last frame of the student's code."""
    return _where_in(traceback.walk_tb(tb))


def where_here(frame):
    """:func:`_where` for the stack that calls ``frame`` (the same text, with no exception)."""
    return _where_in(reversed(list(traceback.walk_stack(frame))))


def _where_in(frames):
    """:func:`_where` of (frame, line) pairs, outermost first."""
    student = None
    for frame, lineno in frames:
        filename = frame.f_code.co_filename
        if is_library(filename):
            continue
        student = (frame.f_code.co_name, filename, lineno)
    if student is None:
        return ""
    name, filename, lineno = student
    code = linecache.getline(filename, lineno).strip()
    where = f" (in {name}" if name != "<module>" else " (in your cell"
    where += f", line {lineno}" + (f": `{code[:80]}`)" if code else ")")
    return where


def describe(exc, tb, exercise, name, hint):
    """One paragraph for an exception raised by the student's code."""
    if isinstance(exc, NotImplementedError):
        return _not_done(str(exc), exercise)
    if isinstance(exc, ForbiddenHelperError):
        return f"{str(exc).rstrip('.')}{_where(tb)}."
    if isinstance(exc, Halt):  # a loop the spy stopped: the text says where already
        return exc.text
    if isinstance(exc, StudentError):
        return str(exc)
    try:
        text = str(exc).strip().replace("\n", " ")
    except Exception:  # noqa: BLE001 - an exception whose str() fails is still described
        text = ""
    if len(text) > 300:
        text = text[:297] + "..."
    kind = type(exc).__name__
    if isinstance(exc, LifutilsError):
        what = f"running {name} in lifutils raised {kind}: {text}"
    elif isinstance(exc, TypeError) and "argument" in text:
        what = f"calling {name} raised TypeError: {text}"
        hint = "check how many arguments your function takes. " + hint
    elif isinstance(exc, RecursionError):
        what = f"{name} calls itself without end (RecursionError)"
    elif isinstance(exc, OverflowError):
        what = f"{name} produced a number too large for a float (OverflowError: {text})"
    elif isinstance(exc, MemoryError):
        what = (f"{name} asked for more memory than the check allows ({CHILD_MEMORY // 1024 ** 3}"
                " GB more than the notebook has; MemoryError)")
    elif isinstance(exc, (SystemExit, KeyboardInterrupt)):
        what = f"{name} tried to stop Python ({kind})"
    else:
        what = f"{name} raised {kind}: {text}"
    return f"{what.rstrip('.')}{_where(tb)}. Hint: {hint}"


def too_long(name, time_limit, hint_long):
    return (f"{name} ran for more than {time_limit:g} s without returning (a loop that never "
            f"ends?), so the check stopped it. Hint: {hint_long}")


def not_callable(value, name):
    """The message for an answer that should have been a function."""
    return (f"got a value of type {type(value).__name__}, not a function. Hint: pass the "
            f"function itself ({name}), without calling it (no parentheses).")

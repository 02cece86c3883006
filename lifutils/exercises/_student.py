"""Running a student's code safely: under a time limit, in any thread, never a traceback.

Every check hands its whole judgement (the calls of the student's function and
the comparison with the reference) to :func:`judge`. On POSIX it runs in a
forked child process: the student's functions, defined in the notebook, are
there as they are (nothing is pickled but the verdict), and a child that runs
past the time limit is killed, whichever thread the check was called from. Where
``os.fork`` does not exist (Windows) it runs in a daemon thread that is
abandoned after the time limit. Whatever the student's code raises
(``LifutilsError``, ``IndexError``, ``SystemExit``, a ``KeyboardInterrupt`` of
its own...) becomes one paragraph: what happened, where in the student's code,
and the exercise's hint.
"""
from __future__ import annotations

import contextlib
import io
import linecache
import math
import os
import pathlib
import pickle
import re
import select
import signal
import threading
import traceback
import warnings

from ..errors import LifutilsError, StudentError

__all__ = ["judge", "not_callable", "StudentError", "TIME_LIMIT"]

#: Seconds a check may spend running a student's code before it gives up.
TIME_LIMIT = 30.0
_PACKAGE = str(pathlib.Path(__file__).resolve().parents[1])
_MAX_PRINTED = 20  # lines of the student's own print() output shown before the verdict


def _not_done(text, exercise):
    named = re.search(r"exercise\s+(\d+(?:\.\d+)?)", text, re.I)
    label = named.group(1) if named else exercise
    return (f"exercise {label} is not done yet (the stub raises NotImplementedError). Hint: "
            "replace the `raise NotImplementedError(...)` line with your code, run that cell, "
            "then this one.")


def _where(tb):
    """'in my_rate, line 3: `return 1000 / ...`' for the last frame of the student's code."""
    student = None
    for frame, lineno in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if (filename.startswith(_PACKAGE) or "site-packages" in filename
                or filename.startswith(os.path.dirname(os.__file__))):
            continue
        student = (frame.f_code.co_name, filename, lineno)
    if student is None:
        return ""
    name, filename, lineno = student
    code = linecache.getline(filename, lineno).strip()
    where = f" (in {name}" if name != "<module>" else " (in your cell"
    where += f", line {lineno}" + (f": `{code[:80]}`)" if code else ")")
    return where


def _describe(exc, tb, exercise, name, hint):
    """One paragraph for an exception that escaped the judge."""
    if isinstance(exc, NotImplementedError):
        return _not_done(str(exc), exercise)
    if isinstance(exc, StudentError):
        return str(exc)
    text = str(exc).strip().replace("\n", " ")
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
    elif isinstance(exc, (SystemExit, KeyboardInterrupt)):
        what = f"{name} tried to stop Python ({kind})"
    else:
        what = f"{name} raised {kind}: {text}"
    return f"{what.rstrip('.')}{_where(tb)}. Hint: {hint}"


def _judge_here(body, args, exercise, name, hint):
    """(ok, text, extra, printed) of ``body(*args)``, in this process."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), \
                warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the student's warnings are not the verdict
            import numpy as np
            with np.errstate(all="ignore"):
                result = body(*args)
        ok, text, *extra = result
        return bool(ok), str(text), (extra[0] if extra else None), out.getvalue()
    except BaseException as exc:  # noqa: B036 - a student's SystemExit is a message too
        return False, _describe(exc, exc.__traceback__, exercise, name, hint), None, out.getvalue()


def _too_long(name, time_limit, hint_long):
    return (f"{name} ran for more than {time_limit:g} s without returning (a loop that never "
            f"ends?), so the check stopped it. Hint: {hint_long}")


def _judge_forked(body, args, exercise, name, hint, time_limit, hint_long):
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork in a multi-threaded kernel
        pid = os.fork()
    if pid == 0:  # the child: judge, send the verdict, leave without running any cleanup
        status = 0
        try:
            os.close(read_end)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            payload = _judge_here(body, args, exercise, name, hint)
            try:
                data = pickle.dumps(payload)
            except Exception:  # an extra that cannot travel: the verdict still can
                data = pickle.dumps(payload[:2] + (None, payload[3]))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        except BaseException:  # noqa: B036
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    chunks, deadline = [], _now() + time_limit
    timed_out = False
    try:
        while True:
            left = deadline - _now()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_end], [], [], min(left, 0.5))
            if ready:
                chunk = os.read(read_end, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_end)
        if timed_out:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if timed_out:
        return False, _too_long(name, time_limit, hint_long), None, ""
    try:
        return pickle.loads(b"".join(chunks))
    except Exception:
        code = os.waitstatus_to_exitcode(status)
        return False, (f"{name} stopped the check's process (exit code {code}: out of memory, "
                       f"or os._exit?) before it could answer. Hint: {hint}"), None, ""


def _judge_threaded(body, args, exercise, name, hint, time_limit, hint_long):
    box = []
    worker = threading.Thread(target=lambda: box.append(_judge_here(body, args, exercise,
                                                                    name, hint)), daemon=True)
    worker.start()
    worker.join(time_limit)
    if worker.is_alive():  # abandoned: it runs on in the background until the kernel restarts
        return False, (_too_long(name, time_limit, hint_long)
                       + " (It may still run in the background: restart the kernel.)"), None, ""
    return box[0]


def _now():
    import time
    return time.monotonic()


def judge(body, *args, exercise, name, hint, time_limit=None, hint_long=None):
    """Run ``body(*args) -> (ok, text[, extra])`` safely; print the verdict; return it.

    Parameters
    ----------
    body : callable
        The check's judgement; it calls the student's function (one of ``args``)
        and returns whether it is right and the text after "Right: " or
        "Not yet: ". It may raise :class:`StudentError` with a ready message;
        anything else it (or the student's code) raises becomes the message.
    exercise, name, hint : str
        The exercise number ("6.2"), the student's function's name in messages
        ("my_reset"), and the hint for an error in it.
    time_limit : float, optional
        Seconds (> 0, finite; default :data:`TIME_LIMIT`).
    hint_long : str, optional
        What to suggest when the student's code ran too long.

    Returns
    -------
    (bool, object)
        Whether the answer is right, and the judge's extra (or None).
    """
    time_limit = TIME_LIMIT if time_limit is None else time_limit
    if (isinstance(time_limit, bool) or not isinstance(time_limit, (int, float))
            or not math.isfinite(time_limit) or time_limit <= 0):
        raise LifutilsError(f"time_limit must be a positive, finite number of seconds; "
                            f"got {time_limit!r}")
    hint_long = hint_long or "look for a loop whose condition never becomes false."
    runner = _judge_forked if hasattr(os, "fork") else _judge_threaded
    ok, text, extra, printed = runner(body, args, exercise, name, hint, time_limit, hint_long)
    lines = printed.splitlines()
    if lines:
        more = f"\n... ({len(lines) - _MAX_PRINTED} more lines)" if len(lines) > _MAX_PRINTED else ""
        print(f"(your code printed:)\n" + "\n".join(lines[:_MAX_PRINTED]) + more)
    text = re.sub(r"\s+", " ", text).strip()
    print(("Right: " if ok else "Not yet: ") + text)
    return ok, extra


def not_callable(value, name):
    """The message for an answer that should have been a function."""
    return (f"got a value of type {type(value).__name__}, not a function. Hint: pass the "
            f"function itself ({name}), without calling it (no parentheses).")

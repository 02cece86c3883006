"""Running a student's code where it cannot reach the verdict: a child process, plain data back.

Every check hands its judgement (the calls of the student's function and the
comparison with the reference) to :func:`judge`, which runs it twice:

1. **In a forked child** (its own session and process group, an address-space
   limit, its output captured and capped), where the student's functions, defined
   in the notebook, run as they are. Each call of a student's function is
   written down as plain data (JSON: numbers, arrays of numbers, text, True/False,
   None; a function it returns becomes a handle with its ``terminal`` and
   ``direction``) and sent to the parent through a pipe, as it happens. Nothing
   else travels: no pickle, no verdict. Inside the child the lifutils functions
   are guarded: called from the student's code, they refuse ("exercise 1.1 asks
   you to write the loop yourself: simulate_euler is not allowed here").
2. **In the parent**, the same judgement runs again with the student's function
   replaced by a *replay* of those calls: each call the check makes gets back
   the value the student's function returned in the child, after the parent has
   checked that the call is the same one (same arguments). The references, the
   comparisons and the hint are computed here, by the check's own code, which the
   student's code never touched. A child that rebinds the check's helpers, forges
   what it writes into the pipe or stops early gives at worst a "Not yet".

At the time limit the parent kills the child's whole process group, whatever the
child did to its descriptors, and then every process the check started (members
of the child's session, its descendants, anything carrying its marker), so that
nothing the student's code started outlives the check. Where ``os.fork`` does
not exist (Windows) the checks refuse by name: they need a POSIX system.

This module is the entry point: :func:`judge` and the names the checks use. The
work is done in the private package :mod:`lifutils.exercises._sandbox` (one job
per module: records, session, messages, child, cleanup, watch, replay). It owns
:data:`last_token` and :data:`last_usage`, read by the tests and benchmarks.
"""
from __future__ import annotations

import math
import os
import re

from ..errors import ForbiddenHelperError, LifutilsError, StudentError
from ._sandbox.messages import not_callable, too_long
from ._sandbox.records import (CHILD_MEMORY, CHILD_PROCESSES, OUTPUT_CAP, RECORD_CAP, Halt,
                               parse_records)
from ._sandbox.replay import printed_text, replay_judgement
from ._sandbox.session import in_child, observe
from ._sandbox.watch import run_child

__all__ = ["judge", "not_callable", "observe", "in_child", "StudentError", "ForbiddenHelperError",
           "TIME_LIMIT", "OUTPUT_CAP", "CHILD_MEMORY", "CHILD_PROCESSES"]

#: Seconds a check may spend running a student's code before it gives up.
TIME_LIMIT = 30.0

# the names tests/test_exercises_exploits.py replays a forged record with
_parse, _replay, _Replay = parse_records, replay_judgement, Halt

last_token = None  # the marker of the last check's processes (for the tests)
last_usage = None  # the resource usage of the last check's child (os.wait4), for benchmarks


def judge(body, *args, exercise, name, hint, time_limit=None, hint_long=None, task=None):
    """Run the judgement ``body(*args) -> (ok, text[, extra])``; print the verdict; return it.

    Parameters
    ----------
    body : callable
        The check's judgement; it calls the student's function (one of ``args``)
        and returns whether it is right and the text after "Right: " or
        "Not yet: ". It may raise :class:`StudentError` with a ready message. It
        runs twice: in the child with the student's real function, and in the
        parent with the replay of its calls (see the module docstring); it must
        be deterministic.
    exercise, name, hint : str
        The exercise number ("6.2"), the student's function's name in messages
        ("my_reset"), and the hint for an error in it.
    time_limit : float, optional
        Seconds (> 0, finite; default :data:`TIME_LIMIT`).
    hint_long : str, optional
        What to suggest when the student's code ran too long.
    task : str, optional
        What the exercise asks the student to write ("write the loop yourself"),
        for the message of a refused lifutils function.

    Returns
    -------
    (bool, object)
        Whether the answer is right, and the judgement's extra (or None).
    """
    time_limit = TIME_LIMIT if time_limit is None else time_limit
    if (isinstance(time_limit, bool) or not isinstance(time_limit, (int, float))
            or not math.isfinite(time_limit) or time_limit <= 0):
        raise LifutilsError(f"time_limit must be a positive, finite number of seconds; "
                            f"got {time_limit!r}")
    hint_long = hint_long or "look for a loop whose condition never becomes false."
    task = task or "write this yourself"
    if not hasattr(os, "fork"):
        print(f"Not yet: the check of exercise {exercise} cannot run here: it runs your function "
              "in a separate process, which needs os.fork, a POSIX system (Linux, macOS, or WSL "
              "on Windows). Hint: open the notebook on such a system, e.g. JupyterHub or Binder.")
        return False, None
    global last_token, last_usage
    token = last_token = os.urandom(8).hex()
    last_usage = None

    def keep_usage(usage):
        global last_usage
        last_usage = usage
    records, printed, cut, timed_out, status, overflow = run_child(
        body, args, exercise, name, hint, task, time_limit, hint_long, token, keep_usage)
    parsed = parse_records(records)
    end = next((r for r in reversed(parsed) if isinstance(r, dict) and "end" in r), None)
    if end is not None and isinstance(end.get("cut"), int):
        cut += max(0, end["cut"])
    try:
        ok, text, extra = replay_judgement(body, args, parsed, exercise, name, hint)
    except Halt as stop:
        ok, extra = False, None
        if overflow:
            text = (f"{name} made the check's process send back more than "
                    f"{RECORD_CAP // 1024 ** 2} MB, so the check stopped it. Hint: {hint}")
        elif timed_out:
            text = too_long(name, time_limit, hint_long)
        elif stop.kind == "exhausted" and end is not None and end.get("end") == "error":
            text = str(end.get("text", ""))[:3000]
        elif stop.kind == "exhausted":
            code = os.waitstatus_to_exitcode(status) if status is not None else None
            text = (f"{name} stopped the check's process (exit code {code}: out of memory, "
                    f"or os._exit?) before it could answer. Hint: {hint}")
        else:
            text = (f"the check could not repeat the calls of {name}: what came back from its "
                    "process does not match the check's own calls (did your code change a "
                    "function of the check or of lifutils, write to the check's pipe, or keep "
                    "and change an array it was given?). Hint: " + hint)
    shown = printed_text(printed, cut)
    if shown:
        print(shown)
    text = re.sub(r"\s+", " ", text).strip()
    print(("Right: " if ok else "Not yet: ") + text)
    return ok, extra

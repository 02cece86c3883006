"""Finding and killing every process a check started, whatever the student's code did.

It owns the process table (Linux ``/proc``, else psutil), the marker every
process of a check carries (:data:`MARKER` in its environment, a name made by
:func:`process_name`), the search for the check's processes (the child's session, its
descendants, the marked ones) and :func:`kill_all`, which SIGKILLs them and
scans again until none is left that could still run. It imports only the
standard library.
"""
from __future__ import annotations

import contextlib
import os
import signal
import time

MARKER = "LIFUTILS_CHECK_CHILD"  # environment variable of every process a check starts

def process_table():
    """{pid: (ppid, session, name, uid)} of every process we can see (Linux /proc, else psutil)."""
    table = {}
    if os.path.isdir("/proc/self"):
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    raw = stat.read()
                name = raw[raw.index(b"(") + 1:raw.rindex(b")")].decode("latin-1")
                fields = raw[raw.rindex(b")") + 2:].split()
                if fields[0] in (b"Z", b"X"):  # dead already, waiting to be reaped
                    continue
                table[int(entry)] = (int(fields[1]), int(fields[3]), name,
                                     os.stat(f"/proc/{entry}").st_uid)
            except (OSError, ValueError, IndexError):
                continue
        return table
    try:  # pragma: no cover - macOS
        import psutil
    except ImportError:  # pragma: no cover
        return table
    for proc in psutil.process_iter(["pid", "ppid", "name", "uids"]):  # pragma: no cover
        with contextlib.suppress(Exception):
            table[proc.pid] = (proc.info["ppid"], os.getsid(proc.pid), proc.info["name"],
                               proc.info["uids"].real)
    return table


def _environ_has(pid, token):
    try:
        with open(f"/proc/{pid}/environ", "rb") as env:
            return f"{MARKER}={token}".encode() in env.read().split(b"\0")
    except OSError:
        return False


def descendants(pid, table=None):
    table = process_table() if table is None else table
    children = {}
    for other, (ppid, *_rest) in table.items():
        children.setdefault(ppid, []).append(other)
    found, todo = set(), [pid]
    while todo:
        for kid in children.get(todo.pop(), ()):
            if kid not in found:
                found.add(kid)
                todo.append(kid)
    return found


def _processes_of(pid, token, seen):
    """Processes the check started: the child's session and descendants, its marked ones."""
    table = process_table()
    me, own = os.getuid(), os.getpid()
    found = {p for p in seen if p in table} | descendants(pid, table)
    name = process_name(token)
    for other, (ppid, session, comm, uid) in table.items():
        if other == own or uid != me or other in found:
            continue
        if session == pid or comm == name or _environ_has(other, token):
            found.add(other)
    found.discard(own)
    return found


def process_name(token):
    return "lfchk-" + token[:8]


_PF_EXITING = 0x4  # the kernel's flag, /proc/PID/stat field 9: the process is in exit
_SIGKILL_BIT = 1 << (signal.SIGKILL - 1)
KILL_PATIENCE = 30.0  # seconds of re-scanning at most, under any load


def _doomed(pid):
    """True if ``pid`` can never run its own code again: it is exiting, or SIGKILL is pending
    (the kernel acts on it before the process returns to user mode). Linux only; elsewhere
    nothing counts as doomed, and the caller waits until the process is gone."""
    if not os.path.isdir("/proc/self"):  # pragma: no cover - macOS
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            raw = stat.read()
        fields = raw[raw.rindex(b")") + 2:].split()
        if fields[0] in (b"Z", b"X") or int(fields[6]) & _PF_EXITING:
            return True
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith((b"SigPnd:", b"ShdPnd:")) and \
                        int(line.split()[1], 16) & _SIGKILL_BIT:
                    return True
    except FileNotFoundError:
        return True  # gone
    except (OSError, ValueError, IndexError):
        return False
    return False


def kill_all(pid, token, seen):
    """SIGKILL the child's group and every process the check started, and scan again until a
    scan finds none that was not doomed already.

    A killed process may take seconds to be torn down when hundreds die at once on a loaded
    machine (a fork bomb: 400 copies of the kernel's memory map), but from the moment SIGKILL
    is pending it runs none of its own code, so waiting for the teardown would only make the
    student wait. Rescanning catches processes forked by one not yet killed; the group kill
    catches forks in flight (the kernel restarts a fork that a group signal interrupts).
    """
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
    give_up = time.monotonic() + KILL_PATIENCE
    while True:
        running = []
        for other in _processes_of(pid, token, seen) - {pid}:
            if _doomed(other):
                continue
            with contextlib.suppress(OSError):
                os.kill(other, signal.SIGKILL)
                running.append(other)
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
        if not running or time.monotonic() > give_up:
            return
        seen = set()
        time.sleep(0.005)

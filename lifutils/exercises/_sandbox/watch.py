"""The parent's side of a running check: fork, watch the child under the deadline, clean up.

It owns :func:`run_child` (the fork, and the clean-up that always follows) and
:class:`_ChildWatch`, the loop that reads the child's two pipes (records and
printed output, each held to its cap) until the child exits, the deadline passes
or the records overflow, and then reaps it. It imports the sandbox's
:mod:`.records` (the caps), :mod:`.child` (what the fork runs) and
:mod:`.cleanup`.
"""
from __future__ import annotations

import os
import select
import time
import warnings

from .child import child_main, close_inherited
from .cleanup import descendants, kill_all
from .records import OUTPUT_CAP, RECORD_CAP

def run_child(body, args, exercise, name, hint, task, time_limit, hint_long, token, usage):
    """Fork, collect the child's records and output under the deadline, clean up.

    ``token`` marks the check's processes; ``usage(rusage)`` gets the child's resource
    usage (os.wait4) once it is reaped. Returns (records, printed, cut, timed_out,
    status, overflow).
    """
    rec_r, rec_w = os.pipe()
    out_r, out_w = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork in a multi-threaded kernel
        pid = os.fork()
    if pid == 0:
        close_inherited({rec_w, out_w})
        child_main(body, args, exercise, name, hint, task, rec_w, out_w, token, hint_long)
    os.close(rec_w)
    os.close(out_w)
    watch = _ChildWatch(pid, rec_r, out_r)
    try:
        watch.collect(deadline=time.monotonic() + time_limit)
    finally:
        watch.seen |= descendants(pid)
        kill_all(pid, token, watch.seen)
        watch.reap(grace=5.0)
        usage(watch.usage)
        os.close(rec_r)
        os.close(out_r)
    printed = watch.buffers[out_r]
    cut = max(0, watch.totals[out_r] - len(printed))
    return (bytes(watch.buffers[rec_r]), bytes(printed), cut, watch.timed_out, watch.status,
            watch.overflow)


class _ChildWatch:
    """The parent's view of one forked check: the child's records and printed output, read
    from two pipes (each held to its cap), its exit status and resource usage (os.wait4),
    and the descendants seen while it ran (for the clean-up)."""

    def __init__(self, pid, rec_r, out_r):
        self.pid, self.rec_r = pid, rec_r
        self.buffers = {rec_r: bytearray(), out_r: bytearray()}
        self.totals = {rec_r: 0, out_r: 0}
        self.open_fds = [rec_r, out_r]
        self.timed_out = self.overflow = False
        self.status = self.usage = None
        self.seen = set()

    def collect(self, *, deadline):
        """Read the pipes until the child exits, the deadline passes or the records
        overflow their cap."""
        last_scan = 0.0
        while True:
            if self.status is None:
                done, wait_status, usage = os.wait4(self.pid, os.WNOHANG)
                if done:
                    self.status, self.usage = wait_status, usage
            now = time.monotonic()
            if self.status is not None:  # the child is gone: read what it left in the pipes, stop
                _drain(self.open_fds, self.buffers, self.totals, self.rec_r,
                       deadline=min(deadline, now + 1.0))
                return
            if now >= deadline:
                self.timed_out = True
                return
            if now - last_scan > 0.05:
                self.seen |= descendants(self.pid)
                last_scan = now
            if not self.open_fds:
                time.sleep(0.01)
            elif self._read(timeout=min(0.02, deadline - now)):
                self.overflow = True
                return

    def _read(self, *, timeout):
        """Read what the pipes hold within ``timeout`` s; True once the records overflow."""
        ready, _, _ = select.select(self.open_fds, [], [], timeout)
        for fd in ready:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                self.open_fds.remove(fd)
                continue
            _keep(fd, chunk, self.buffers, self.totals, self.rec_r)
        return self.totals[self.rec_r] > RECORD_CAP

    def reap(self, *, grace):
        """Wait up to ``grace`` s for the exit status of the child (killed by then)."""
        end = time.monotonic() + grace
        while self.status is None and time.monotonic() < end:
            done, wait_status, usage = os.wait4(self.pid, os.WNOHANG)
            self.status, self.usage = (wait_status, usage) if done else (None, None)
            if self.status is None:
                time.sleep(0.005)


def _keep(fd, chunk, buffers, totals, rec_fd):
    totals[fd] += len(chunk)
    if fd == rec_fd:
        if totals[fd] <= RECORD_CAP:
            buffers[fd] += chunk
    else:
        room = OUTPUT_CAP - len(buffers[fd])
        if room > 0:
            buffers[fd] += chunk[:room]


def _drain(open_fds, buffers, totals, rec_fd, *, deadline):
    while open_fds and time.monotonic() < deadline:
        ready, _, _ = select.select(open_fds, [], [], 0)
        if not ready:
            return
        for fd in ready:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                open_fds.remove(fd)
            else:
                _keep(fd, chunk, buffers, totals, rec_fd)

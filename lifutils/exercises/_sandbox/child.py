"""What runs in the forked child: limits, captured output, the guards, the recording session.

It owns everything the child does between the fork and ``os._exit``: closing the
descriptors it inherited, its own session and process limits (memory, processes,
no core), its capped stdout, the guards that make lifutils' functions refuse the
student's code (:class:`_Guards`, with the spy on scipy's solve_ivp that stops a
loop that cannot end), and :class:`_Child`, which runs the student's functions
and writes each call down for the parent. It imports :mod:`lifutils.errors`,
numpy, scipy (inside the fork) and the sandbox's :mod:`.records`,
:mod:`.messages`, :mod:`.cleanup` (the marker and the process table) and
:mod:`.session`; never the parent's modules.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import signal
import sys
import types
import warnings

import numpy as np

from ...errors import ForbiddenHelperError, StudentError
from . import session
from .cleanup import MARKER, process_name, process_table
from .messages import PACKAGE, describe, is_library, where_here
from .records import (ATTRS, CHILD_MEMORY, CHILD_PROCESSES, OUTPUT_CAP, Halt, Proxy, decode,
                      encode, fingerprint, renumber)

_OWN = ("lifutils.exercises._student", "lifutils.exercises._sandbox")


def _own(modname):
    """True for the modules of the sandbox itself, which the guards leave alone."""
    return modname in _OWN or modname.startswith(_OWN[1] + ".")


class _Child:
    """The session in the child: calls the real functions, writes each call down."""

    in_child = True

    def __init__(self, fd, exercise, name, hint, guards):
        self.fd, self.exercise, self.name, self.hint = fd, exercise, name, hint
        self.real, self.proxies, self.guards = {}, {}, guards

    def write(self, record):
        data = (json.dumps(record, allow_nan=True) + "\n").encode()
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]

    def proxy(self, func):
        """Announce the student's function ``func`` (a "new" record); return its proxy."""
        handle = len(self.real)
        self.real[handle] = func
        self.guards.protect(func)
        try:
            name = str(getattr(func, "__name__", type(func).__name__))[:80]
        except Exception:  # noqa: BLE001
            name = type(func).__name__
        attrs = {}
        for key in ATTRS:
            try:
                value = getattr(func, key)
            except Exception:  # noqa: BLE001 - absent (or a property that raises): absent
                continue
            try:
                attrs[key] = encode(value, lambda f: None)
            except Exception:  # noqa: BLE001
                attrs[key] = {"object": type(value).__name__, "repr": ""}
        self.write({"new": handle, "name": name, "attrs": attrs})
        made = Proxy(self, handle, name, {k: decode(v, lambda h: None) for k, v in attrs.items()})
        self.proxies[handle] = made
        return made

    def call(self, proxy, args):
        func = self.real[proxy._handle]
        self.guards.starts, self.guards.stuck = [], None
        refused = self.guards.refusal(func)
        digest = fingerprint(args)
        before = [(k, a.copy()) for k, a in enumerate(args) if isinstance(a, np.ndarray)]
        news = []

        def placeholder(f):
            news.append(f)
            return -len(news)
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if refused:
                    raise ForbiddenHelperError(refused)
                result = func(*args)
                if self.guards.stuck:  # the student's code caught the spy's stop: still stuck
                    raise Halt("stuck", self.guards.stuck)
                changed = [[k, encode(args[k], lambda f: None)] for k, old in before
                           if not np.array_equal(args[k], old, equal_nan=True)]
                encoded = encode(result, placeholder)
        except BaseException as exc:  # noqa: B036 - a student's SystemExit is a message too
            text = self.guards.stuck or describe(exc, exc.__traceback__, self.exercise,
                                                  self.name, self.hint)
            self.write({"call": proxy._handle, "args": digest, "raise": text})
            raise StudentError(text) from None
        # functions in the result: announced first (new handles), then referred to by number
        handles = [self.proxy(f)._handle for f in news]
        encoded = renumber(encoded, handles)
        self.write({"call": proxy._handle, "args": digest, "return": encoded, "mutated": changed})
        return decode(encoded, self.proxies.__getitem__)

    def observe(self, key):
        value = self.guards.observed(key)
        self.write({"observe": key, "value": value})
        return value


class _Guards:
    """In the child: lifutils' functions refuse to be called by the student's code.

    Every function defined in a lifutils module (and the module's mappings of them)
    is replaced by a guard that runs it for lifutils' own callers and refuses when
    the code calling it is the student's. The student's globals, closures and
    defaults that hold such a function get the guard too. ``scipy.integrate
    .solve_ivp`` gets a spy that counts the student's calls and their ``t_eval``.
    """

    def __init__(self, exercise, task):
        self.exercise, self.task = exercise, task
        self.guards, self.counts = {}, dict.fromkeys(("calls", "without_t_eval", "loose_rtol"), 0)
        self.starts = []  # where the student's solve_ivp runs started, in this call
        self.stuck = None  # the message once the spy stopped a loop, in this call
        self.globals_done, self.made = set(), set()

    def student_called(self, depth=2):
        frame = sys._getframe(depth)
        code = frame.f_code
        return not is_library(code.co_filename)

    def refusal(self, func):
        """The message if the student's function *is* a lifutils function, else None."""
        target = getattr(func, "__func__", func)
        if id(target) in self.made or (isinstance(target, types.FunctionType)
                                       and target.__code__.co_filename.startswith(PACKAGE)):
            return (f"exercise {self.exercise} asks you to {self.task}: lifutils' "
                    f"{getattr(target, '__name__', 'function')} is not allowed here")
        return None

    def guard(self, fn):
        if id(fn) in self.guards:
            return self.guards[id(fn)]
        this, name = self, fn.__name__
        message = (f"exercise {self.exercise} asks you to {self.task}: lifutils' {name} is not "
                   "allowed here")

        def guard(*args, **kwargs):
            if this.student_called():
                raise ForbiddenHelperError(message)
            return fn(*args, **kwargs)
        guard.__name__, guard.__qualname__, guard.__doc__ = name, fn.__qualname__, fn.__doc__
        guard.__module__ = fn.__module__
        self.guards[id(fn)] = guard
        self.made.add(id(guard))
        return guard

    def install(self):
        import scipy.integrate

        for modname, module in list(sys.modules.items()):
            if not (modname == "lifutils" or modname.startswith("lifutils.")) or module is None:
                continue
            if _own(modname):
                continue
            for attr, value in list(vars(module).items()):
                replaced = self.replacement(value)
                if replaced is not None:
                    with contextlib.suppress(Exception):
                        setattr(module, attr, replaced)
        # solve_ivp itself gets the spy's code, so that every reference to it counts
        # (the student's globals, another module's, a closure); the child is a fork,
        # so this changes nothing in the kernel.
        original = scipy.integrate.solve_ivp
        if not isinstance(original, types.FunctionType) or original.__code__.co_freevars:
            return
        real = types.FunctionType(original.__code__, original.__globals__, "solve_ivp",
                                  original.__defaults__, original.__closure__)
        real.__kwdefaults__ = original.__kwdefaults__
        this = self

        def spy(*args, **kwargs):
            if this.student_called(3):
                this.spied(args, kwargs)
            return real(*args, **kwargs)
        original.__globals__["_lifutils_check_spy"] = spy
        with contextlib.suppress(ValueError):
            original.__code__ = _spy_trampoline.__code__

    def replacement(self, value):
        if isinstance(value, types.FunctionType):
            module = getattr(value, "__module__", "") or ""
            if module.startswith("lifutils") and not _own(module):
                return self.guard(value)
            return None
        if isinstance(value, (dict, types.MappingProxyType)) and len(value) < 200:
            try:
                items = list(value.items())
            except Exception:  # noqa: BLE001
                return None
            if any(isinstance(v, types.FunctionType) and (v.__module__ or "").startswith("lifutils")
                   for _, v in items):
                new = {k: (self.guard(v) if isinstance(v, types.FunctionType)
                           and (v.__module__ or "").startswith("lifutils") else v)
                       for k, v in items}
                return types.MappingProxyType(new) if isinstance(value, types.MappingProxyType) \
                    else new
        return None

    def protect(self, func):
        """Guard what ``func`` (the student's) can reach: globals, closure, defaults."""
        target = getattr(func, "__func__", func)
        if not isinstance(target, types.FunctionType) or is_library(target.__code__.co_filename):
            return
        namespace = target.__globals__
        if id(namespace) not in self.globals_done:
            self.globals_done.add(id(namespace))
            for key, value in list(namespace.items()):
                if id(value) in self.guards:
                    namespace[key] = self.guards[id(value)]
                else:
                    replaced = self.replacement(value) if not isinstance(value, dict) else None
                    if replaced is not None:
                        namespace[key] = replaced
        for cell in target.__closure__ or ():
            with contextlib.suppress(ValueError):
                if id(cell.cell_contents) in self.guards:
                    cell.cell_contents = self.guards[id(cell.cell_contents)]
        if target.__defaults__:
            target.__defaults__ = tuple(self.guards.get(id(d), d) for d in target.__defaults__)

    def spied(self, args, kwargs):
        """Count a solve_ivp call of the student's; stop a loop that goes back or stands still."""
        if self.stuck:  # the student's code caught the stop and went on: stop it again
            raise Halt("stuck", self.stuck)
        self.counts["calls"] += 1
        if kwargs.get("t_eval") is None:
            self.counts["without_t_eval"] += 1
        rtol = kwargs.get("rtol", 1e-3)
        with contextlib.suppress(Exception):
            if float(np.max(rtol)) > 1e-6:
                self.counts["loose_rtol"] += 1
        span = args[1] if len(args) > 1 else kwargs.get("t_span")
        try:
            start = float(np.ravel(np.asarray(span[0], dtype=float))[0])
        except Exception:  # noqa: BLE001 - solve_ivp itself will say what is wrong
            return
        if self.starts and start < self.starts[-1] - 1e-9:
            self.stop(
                f"solve_ivp was restarted at t0 = {start:.6g} ms, before its previous start at "
                f"{self.starts[-1]:.6g} ms: time went back, and such a loop never ends, so the "
                "check stopped it. Hint: the restart time is the spike time, "
                "sol.t_events[0][0] (sol.y_events[0][0] is the state at the spike, not a time).")
        self.starts.append(start)
        if len(self.starts) > 200 and start <= self.starts[-200] + 1e-9:
            self.stop(
                f"solve_ivp was started 200 times from t0 = {start:.6g} ms without moving on, so "
                f"the check stopped the loop. Hint: {self.hint_long}")

    def stop(self, message):
        """Stop the student's loop: remember why (and where) for the rest of this call, and raise
        :class:`Halt`, which an ``except Exception`` does not catch; a broader ``except`` that
        catches it meets it again at the next solve_ivp, and the call reports it anyway."""
        self.stuck = f"{message.rstrip('.')}{where_here(sys._getframe(1))}."
        raise Halt("stuck", self.stuck)

    def observed(self, key):
        if key != "solve_ivp":
            raise KeyError(key)
        counts = dict(self.counts)
        self.counts = dict.fromkeys(counts, 0)
        return counts


def _spy_trampoline(fun, t_span, y0, method="RK45", t_eval=None, dense_output=False,
                    events=None, vectorized=False, args=None, **options):
    """The code solve_ivp gets in the child: hand the call to the spy (in scipy's globals)."""
    return _lifutils_check_spy(fun, t_span, y0, method=method,  # noqa: F821
                               t_eval=t_eval, dense_output=dense_output, events=events,
                               vectorized=vectorized, args=args, **options)


class _CappedWriter:
    """sys.stdout in the child: the first OUTPUT_CAP bytes go to the pipe, the rest is counted."""

    def __init__(self, fd):
        self.fd, self.sent, self.cut = fd, 0, 0

    def write(self, text):
        text = str(text)
        data = text.encode("utf-8", "replace")
        room = OUTPUT_CAP + 1024 - self.sent
        if room > 0:
            chunk = data[:room]
            with contextlib.suppress(OSError):
                os.write(self.fd, chunk)
            self.sent += len(chunk)
        self.cut += max(0, len(data) - max(room, 0))
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    @property
    def encoding(self):
        return "utf-8"


def _mapped_bytes():
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None


def _set_name(name):
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(15, ctypes.c_char_p(name), 0, 0, 0)   # PR_SET_NAME
        libc.prctl(36, 1, 0, 0, 0)                       # PR_SET_CHILD_SUBREAPER


def child_main(body, args, exercise, name, hint, task, rec_fd, out_fd, token, hint_long):
    """In the forked child: run the judgement with the recording session; never return."""
    status = 0
    try:
        os.setsid()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        sys.unraisablehook = _quiet_closed_descriptors
        os.environ[MARKER] = token
        _set_name(process_name(token).encode())
        import resource
        mapped = _mapped_bytes()
        if mapped is not None:
            with contextlib.suppress(ValueError, OSError):
                limit = mapped + CHILD_MEMORY
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        with contextlib.suppress(ValueError, OSError, AttributeError):  # a fork bomb stops early
            mine = sum(uid == os.getuid() for *_rest, uid in process_table().values())
            resource.setrlimit(resource.RLIMIT_NPROC, (mine + CHILD_PROCESSES,) * 2)
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        os.close(out_fd)
        sys.stdout = sys.stderr = writer = _CappedWriter(1)
        sys.stdin = None
        guards = _Guards(exercise, task)
        guards.hint_long = hint_long
        guards.install()
        recorder = session.current = _Child(rec_fd, exercise, name, hint, guards)
        proxied = []
        for arg in args:
            if callable(arg):
                proxied.append(recorder.proxy(arg))
            else:
                recorder.write({"value": encode(arg, lambda f: None)})
                proxied.append(arg)
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                body(*proxied)
            end = {"end": "done"}
        except BaseException as exc:  # noqa: B036
            end = {"end": "error", "text": describe(exc, exc.__traceback__, exercise, name,
                                                     hint)[:3000]}
        end["cut"] = writer.cut
        recorder.write(end)
    except BaseException:  # noqa: B036 - nothing may escape a forked child
        status = 1
    finally:
        os._exit(status)



def _quiet_closed_descriptors(unraisable):
    """The child closed the kernel's descriptors under objects that still own them (its
    sockets, files); when the garbage collector finalises one, closing it again fails with
    EBADF in a callback, which Python would print as "Exception ignored in ..." into the
    student's output, nondeterministically. Those are not the student's: drop them."""
    exc = unraisable.exc_value
    if isinstance(exc, OSError) and exc.errno == errno.EBADF:
        return
    sys.__unraisablehook__(unraisable)


def close_inherited(keep):
    """Close every descriptor the child inherited (the kernel's sockets...) but ``keep``."""
    try:
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        fds = range(3, 4096)
    for fd in fds:
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)

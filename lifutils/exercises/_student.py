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
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import linecache
import math
import numbers
import os
import pathlib
import re
import select
import signal
import sys
import time
import traceback
import types
import warnings

import numpy as np

from ..errors import LifutilsError, StudentError

__all__ = ["judge", "not_callable", "observe", "in_child", "StudentError", "ForbiddenHelperError",
           "TIME_LIMIT", "OUTPUT_CAP", "CHILD_MEMORY"]

#: Seconds a check may spend running a student's code before it gives up.
TIME_LIMIT = 30.0
#: Bytes of the student's printed output the check keeps (the rest is cut, and counted).
OUTPUT_CAP = 64 * 1024
#: Bytes of address space the child may add to what the kernel already has mapped.
CHILD_MEMORY = 2 * 1024 ** 3
#: Processes the child may add to the user's (the limit a fork bomb meets).
CHILD_PROCESSES = 64
_RECORD_CAP = 16 * 1024 ** 2   # bytes of call records the parent reads at most
_ARRAY_CAP = 100_000           # values in one array the child sends back at most
_TEXT_CAP = 2000               # characters of one text the child sends back at most
_DEPTH_CAP = 20                # nesting of lists the child sends back at most
_PACKAGE = str(pathlib.Path(__file__).resolve().parents[1])
_MAX_PRINTED = 20  # lines of the student's own print() output shown before the verdict
_MARKER = "LIFUTILS_CHECK_CHILD"  # environment variable of every process a check starts
_STDLIB = os.path.dirname(os.__file__)


# --------------------------------------------------------------------------- messages

def _not_done(text, exercise):
    named = re.search(r"exercise\s+(\d+(?:\.\d+)?)", text, re.I)
    label = named.group(1) if named else exercise
    return (f"exercise {label} is not done yet (the stub raises NotImplementedError). Hint: "
            "replace the `raise NotImplementedError(...)` line with your code, run that cell, "
            "then this one.")


def _is_library(filename):
    return (filename.startswith(_PACKAGE) or "site-packages" in filename
            or "dist-packages" in filename or filename.startswith(_STDLIB)
            or filename.startswith("<frozen"))


def _where(tb):
    """'in my_rate, line 3: `return 1000 / ...`' for the last frame of the student's code."""
    student = None
    for frame, lineno in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if _is_library(filename):
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
    """One paragraph for an exception raised by the student's code."""
    if isinstance(exc, NotImplementedError):
        return _not_done(str(exc), exercise)
    if isinstance(exc, (ForbiddenHelperError, _LoopStuckError)):
        return f"{str(exc).rstrip('.')}{_where(tb)}."
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


def _too_long(name, time_limit, hint_long):
    return (f"{name} ran for more than {time_limit:g} s without returning (a loop that never "
            f"ends?), so the check stopped it. Hint: {hint_long}")


def not_callable(value, name):
    """The message for an answer that should have been a function."""
    return (f"got a value of type {type(value).__name__}, not a function. Hint: pass the "
            f"function itself ({name}), without calling it (no parentheses).")


class ForbiddenHelperError(StudentError):
    """The student's code called a lifutils function the exercise asks the student to write."""


class _LoopStuckError(StudentError):
    """The student's restart loop started solve_ivp back in time, or without end."""


class _Raised(StudentError):
    """The student's function raised; the message was written in the child."""


class _Replay(Exception):  # noqa: N818 - not an error of the student's: the replay ran out
    """The parent's replay has no record for a call the check makes (``kind`` says why)."""

    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind


# --------------------------------------------------------------------------- plain data

class _Opaque:
    """What the parent sees of a value that is not plain data: its type's name, no behaviour."""

    def __init__(self, text):
        self._text = text

    def __repr__(self):
        return self._text

    __str__ = __repr__


def _opaque_type(name):
    name = re.sub(r"\W", "_", str(name))[:60] or "object"
    return type(name, (_Opaque,), {})


class _TooBig(StudentError):
    pass


def _encode(value, handles, depth=0):
    """Plain JSON-able data for ``value``; functions become handles (``handles.add``)."""
    if depth > _DEPTH_CAP:
        raise _TooBig("the value is nested more than 20 lists deep; return a flat list of numbers.")
    if value is None or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    if isinstance(value, (str, bytes)):
        text = value if isinstance(value, str) else value.decode("latin-1")
        return {"str": text[:_TEXT_CAP], "bytes": isinstance(value, bytes)}
    if isinstance(value, numbers.Integral):
        number = int(value)
        if abs(number).bit_length() > 3000:
            return {"bigint": 1 if number > 0 else -1}
        return number
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, numbers.Complex):
        return {"complex": [float(value.real), float(value.imag)]}
    if callable(value) and not isinstance(value, np.ndarray):
        return {"fn": handles(value)}
    if isinstance(value, (list, tuple)):
        if len(value) > _ARRAY_CAP:
            raise _TooBig(f"the value has {len(value)} entries, more than the check reads "
                          f"({_ARRAY_CAP}).")
        return {"tuple" if isinstance(value, tuple) else "list":
                [_encode(v, handles, depth + 1) for v in value]}
    if isinstance(value, (dict, types.MappingProxyType)):
        return {"dict": [[_encode(k, handles, depth + 1), _encode(v, handles, depth + 1)]
                         for k, v in list(value.items())[:1000]]}
    if isinstance(value, np.ndarray) or (hasattr(value, "__array__") and not
                                         isinstance(value, type)):
        arr = np.asarray(value)
        if arr.size > _ARRAY_CAP:
            raise _TooBig(f"the value is an array of {arr.size} numbers, more than the check "
                          f"reads ({_ARRAY_CAP}).")
        if arr.dtype.kind in "biuf":
            kind = {"b": "bool", "i": "int", "u": "int", "f": "float"}[arr.dtype.kind]
            data = arr.astype(float if kind == "float" else (bool if kind == "bool" else int))
            return {"array": data.ravel().tolist(), "shape": list(arr.shape), "dtype": kind}
        if arr.dtype.kind == "O" and arr.ndim == 1:
            return {"list": [_encode(v, handles, depth + 1) for v in arr.tolist()]}
    kind = type(value).__name__
    try:
        text = repr(value)[:80]
    except Exception:  # noqa: BLE001
        text = f"<{kind}>"
    return {"object": kind, "repr": text}


def _decode(data, functions, depth=0):
    """The value ``data`` stands for; a handle becomes ``functions(handle, attrs)``."""
    if depth > _DEPTH_CAP + 2:
        raise _Replay("nested")
    if data is None or isinstance(data, (bool, int, float)):
        return data
    if isinstance(data, str):
        raise _Replay("format")
    if isinstance(data, list):
        raise _Replay("format")
    if not isinstance(data, dict) or len(data) > 3:
        raise _Replay("format")
    if "str" in data:
        text = str(data["str"])[:_TEXT_CAP]
        return text.encode("latin-1", "replace") if data.get("bytes") else text
    if "bigint" in data:
        return (10 ** 400) * (1 if data["bigint"] == 1 else -1)
    if "complex" in data:
        re_, im = data["complex"]
        return complex(float(re_), float(im))
    if "fn" in data:
        return functions(data["fn"])
    if "list" in data or "tuple" in data:
        items = data.get("list", data.get("tuple"))
        if not isinstance(items, list) or len(items) > _ARRAY_CAP:
            raise _Replay("format")
        out = [_decode(v, functions, depth + 1) for v in items]
        return tuple(out) if "tuple" in data else out
    if "dict" in data:
        pairs = data["dict"]
        out = {}
        for key, val in pairs[:1000]:
            key = _decode(key, functions, depth + 1)
            try:
                out[key] = _decode(val, functions, depth + 1)
            except TypeError:  # an unhashable key
                raise _Replay("format") from None
        return out
    if "array" in data:
        shape = tuple(int(s) for s in data["shape"])
        flat = data["array"]
        if (not isinstance(flat, list) or len(flat) > _ARRAY_CAP or len(shape) > 32
                or math.prod(shape) != len(flat)):
            raise _Replay("format")
        dtype = {"float": float, "int": np.int64, "bool": bool}[data["dtype"]]
        if not all(isinstance(x, (int, float, bool)) for x in flat):
            raise _Replay("format")
        return np.array(flat, dtype=dtype).reshape(shape)
    if "object" in data:
        return _opaque_type(data["object"])(str(data.get("repr", ""))[:80])
    raise _Replay("format")


def _digest(args):
    """A fingerprint of the arguments of a call, the same in child and parent."""
    def plain(value, depth=0):
        if depth > 6:
            return "..."
        if value is None or isinstance(value, (bool, np.bool_, str)):
            return value if not isinstance(value, np.bool_) else bool(value)
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real):
            return repr(float(value))
        if isinstance(value, np.ndarray):
            return [str(value.dtype), list(value.shape),
                    hashlib.sha1(np.ascontiguousarray(value).tobytes()).hexdigest()]
        if isinstance(value, (list, tuple)):
            return [plain(v, depth + 1) for v in value]
        if isinstance(value, _Proxy):
            return ["fn", value._handle]
        if callable(value):
            return ["callable", getattr(value, "__qualname__", type(value).__name__)]
        return ["object", type(value).__name__, repr(value)[:500]]
    text = json.dumps(plain(list(args)), sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()


# --------------------------------------------------------------------------- the two sessions

_ATTRS = ("terminal", "direction")


class _Proxy:
    """The student's function as the check sees it, in the child and in the parent alike."""

    def __init__(self, session, handle, name, attrs):
        self._session, self._handle, self.__name__ = session, handle, name
        self.__qualname__ = name
        for key, value in attrs.items():
            object.__setattr__(self, key, value)

    def __call__(self, *args):
        return self._session.call(self, args)

    def __repr__(self):
        return f"<function {self.__name__}>"


class _Child:
    """The session in the child: calls the real functions, writes each call down."""

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
        for key in _ATTRS:
            try:
                value = getattr(func, key)
            except Exception:  # noqa: BLE001 - absent (or a property that raises): absent
                continue
            try:
                attrs[key] = _encode(value, lambda f: None)
            except Exception:  # noqa: BLE001
                attrs[key] = {"object": type(value).__name__, "repr": ""}
        self.write({"new": handle, "name": name, "attrs": attrs})
        made = _Proxy(self, handle, name, {k: _decode(v, lambda h: None) for k, v in attrs.items()})
        self.proxies[handle] = made
        return made

    def call(self, proxy, args):
        func = self.real[proxy._handle]
        self.guards.starts = []
        refused = self.guards.refusal(func)
        digest = _digest(args)
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
                changed = [[k, _encode(args[k], lambda f: None)] for k, old in before
                           if not np.array_equal(args[k], old, equal_nan=True)]
                encoded = _encode(result, placeholder)
        except BaseException as exc:  # noqa: B036 - a student's SystemExit is a message too
            text = _describe(exc, exc.__traceback__, self.exercise, self.name, self.hint)
            self.write({"call": proxy._handle, "args": digest, "raise": text})
            raise _Raised(text) from None
        # functions in the result: announced first (new handles), then referred to by number
        handles = [self.proxy(f)._handle for f in news]
        encoded = _renumber(encoded, handles)
        self.write({"call": proxy._handle, "args": digest, "return": encoded, "mutated": changed})
        return _decode(encoded, self.proxies.__getitem__)

    def observe(self, key):
        value = self.guards.observed(key)
        self.write({"observe": key, "value": value})
        return value


def _renumber(encoded, handles):
    """Replace the placeholder handles (-1, -2, ...) of ``encoded`` by the real ones."""
    if isinstance(encoded, dict):
        if "fn" in encoded and isinstance(encoded["fn"], int) and encoded["fn"] < 0:
            return {"fn": handles[-1 - encoded["fn"]]}
        return {k: _renumber(v, handles) for k, v in encoded.items()}
    if isinstance(encoded, list):
        return [_renumber(v, handles) for v in encoded]
    return encoded


class _Parent:
    """The session in the parent: each call gets back what the child's call returned."""

    def __init__(self, records):
        self.records, self.at, self.proxies = records, 0, {}

    def take(self):
        if self.at >= len(self.records):
            raise _Replay("exhausted")
        record = self.records[self.at]
        self.at += 1
        if not isinstance(record, dict):
            raise _Replay("format")
        return record

    def announced(self, record):
        """The proxy of a "new" record (handles come in order: 0, 1, 2, ...)."""
        handle, attrs = record.get("new"), record.get("attrs", {})
        if (isinstance(handle, bool) or handle != len(self.proxies) or not isinstance(attrs, dict)
                or not set(attrs) <= set(_ATTRS)):
            raise _Replay("format")
        made = _Proxy(self, handle, str(record.get("name", "f"))[:80],
                      {k: _decode(v, lambda h: None) for k, v in attrs.items()})
        self.proxies[handle] = made
        return made

    def next(self):
        record = self.take()
        while "new" in record:
            self.announced(record)
            record = self.take()
        return record

    def call(self, proxy, args):
        record = self.next()
        if record.get("call") != proxy._handle or record.get("args") != _digest(args):
            raise _Replay("diverged")
        if "raise" in record:
            raise _Raised(str(record["raise"])[:3000])
        if "return" not in record or not isinstance(record.get("mutated", []), list):
            raise _Replay("format")
        for item in record.get("mutated", []):
            if not (isinstance(item, list) and len(item) == 2):
                raise _Replay("format")
            k, value = item
            if not (isinstance(k, int) and 0 <= k < len(args) and isinstance(args[k], np.ndarray)):
                raise _Replay("format")
            new = _decode(value, lambda h: None)
            if not isinstance(new, np.ndarray) or new.shape != args[k].shape:
                raise _Replay("format")
            args[k][...] = new
        return _decode(record["return"], self._function)

    def _function(self, handle):
        if handle not in self.proxies:
            raise _Replay("format")
        return self.proxies[handle]

    def observe(self, key):
        record = self.next()
        if record.get("observe") != key:
            raise _Replay("diverged")
        value = record.get("value")
        if not isinstance(value, dict) or not all(isinstance(v, int) and not isinstance(v, bool)
                                                  for v in value.values()):
            raise _Replay("format")
        return value


_SESSION = None  # the session of the judgement running now (child or parent)
last_token = None  # the marker of the last check's processes (for the tests)
last_usage = None  # the resource usage of the last check's child (os.wait4), for benchmarks


def observe(key):
    """What the guards saw of the student's code since the last look (``"solve_ivp"``).

    Returns a dict of counts (``calls``, ``without_t_eval``, ``loose_rtol``: the
    student's calls of scipy's solve_ivp, those without ``t_eval`` and those with
    rtol above 1e-6); in the parent, the counts the child recorded.
    """
    return _SESSION.observe(key)


def in_child():
    """True while the judgement runs in the child (the parent's run decides the verdict)."""
    return isinstance(_SESSION, _Child)


# --------------------------------------------------------------------------- the guards

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
        self.globals_done, self.made = set(), set()

    def student_called(self, depth=2):
        frame = sys._getframe(depth)
        code = frame.f_code
        return not _is_library(code.co_filename)

    def refusal(self, func):
        """The message if the student's function *is* a lifutils function, else None."""
        target = getattr(func, "__func__", func)
        if id(target) in self.made or (isinstance(target, types.FunctionType)
                                       and target.__code__.co_filename.startswith(_PACKAGE)):
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
            if modname == __name__:
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
            if module.startswith("lifutils") and module != __name__:
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
        if not isinstance(target, types.FunctionType) or _is_library(target.__code__.co_filename):
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
            raise _LoopStuckError(
                f"solve_ivp was restarted at t0 = {start:.6g} ms, before its previous start at "
                f"{self.starts[-1]:.6g} ms: time went back, and such a loop never ends, so the "
                "check stopped it. Hint: the restart time is the spike time, "
                "sol.t_events[0][0] (sol.y_events[0][0] is the state at the spike, not a time).")
        self.starts.append(start)
        if len(self.starts) > 200 and start <= self.starts[-200] + 1e-9:
            raise _LoopStuckError(
                f"solve_ivp was started 200 times from t0 = {start:.6g} ms without moving on, so "
                f"the check stopped the loop. Hint: {self.hint_long}")

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


# --------------------------------------------------------------------------- the child

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


def _child(body, args, exercise, name, hint, task, rec_fd, out_fd, token, hint_long):
    """In the forked child: run the judgement with the recording session; never return."""
    global _SESSION
    status = 0
    try:
        os.setsid()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        sys.unraisablehook = _quiet_closed_descriptors
        os.environ[_MARKER] = token
        _set_name(_comm(token).encode())
        import resource
        mapped = _mapped_bytes()
        if mapped is not None:
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_AS, (mapped + CHILD_MEMORY, mapped + CHILD_MEMORY))
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        with contextlib.suppress(ValueError, OSError, AttributeError):  # a fork bomb stops early
            mine = sum(uid == os.getuid() for *_rest, uid in _table().values())
            resource.setrlimit(resource.RLIMIT_NPROC, (mine + CHILD_PROCESSES,) * 2)
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        os.close(out_fd)
        sys.stdout = sys.stderr = writer = _CappedWriter(1)
        sys.stdin = None
        guards = _Guards(exercise, task)
        guards.hint_long = hint_long
        guards.install()
        session = _SESSION = _Child(rec_fd, exercise, name, hint, guards)
        proxied = []
        for arg in args:
            if callable(arg):
                proxied.append(session.proxy(arg))
            else:
                session.write({"value": _encode(arg, lambda f: None)})
                proxied.append(arg)
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                body(*proxied)
            end = {"end": "done"}
        except _Raised:
            end = {"end": "raised"}
        except BaseException as exc:  # noqa: B036
            end = {"end": "error", "text": _describe(exc, exc.__traceback__, exercise, name,
                                                     hint)[:3000]}
        end["cut"] = writer.cut
        session.write(end)
    except BaseException:  # noqa: B036 - nothing may escape a forked child
        status = 1
    finally:
        os._exit(status)


# --------------------------------------------------------------------------- the parent

def _table():
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
            return f"{_MARKER}={token}".encode() in env.read().split(b"\0")
    except OSError:
        return False


def _descendants(pid, table=None):
    table = _table() if table is None else table
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
    table = _table()
    me, own = os.getuid(), os.getpid()
    found = {p for p in seen if p in table} | _descendants(pid, table)
    name = _comm(token)
    for other, (ppid, session, comm, uid) in table.items():
        if other == own or uid != me or other in found:
            continue
        if session == pid or comm == name or _environ_has(other, token):
            found.add(other)
    found.discard(own)
    return found


def _comm(token):
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


def _kill_all(pid, token, seen):
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


def _quiet_closed_descriptors(unraisable):
    """The child closed the kernel's descriptors under objects that still own them (its
    sockets, files); when the garbage collector finalises one, closing it again fails with
    EBADF in a callback, which Python would print as "Exception ignored in ..." into the
    student's output, nondeterministically. Those are not the student's: drop them."""
    exc = unraisable.exc_value
    if isinstance(exc, OSError) and exc.errno == errno.EBADF:
        return
    sys.__unraisablehook__(unraisable)


def _close_inherited(keep):
    """Close every descriptor the child inherited (the kernel's sockets...) but ``keep``."""
    try:
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        fds = range(3, 4096)
    for fd in fds:
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _run_child(body, args, exercise, name, hint, task, time_limit, hint_long):
    """Fork, collect the child's records and output under the deadline, clean up.

    Returns (records, printed, cut, timed_out, status, overflow).
    """
    rec_r, rec_w = os.pipe()
    out_r, out_w = os.pipe()
    global last_token, last_usage
    token = last_token = os.urandom(8).hex()
    last_usage = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork in a multi-threaded kernel
        pid = os.fork()
    if pid == 0:
        _close_inherited({rec_w, out_w})
        _child(body, args, exercise, name, hint, task, rec_w, out_w, token, hint_long)
    os.close(rec_w)
    os.close(out_w)
    watch = _ChildWatch(pid, rec_r, out_r)
    try:
        watch.collect(deadline=time.monotonic() + time_limit)
    finally:
        watch.seen |= _descendants(pid)
        _kill_all(pid, token, watch.seen)
        watch.reap(grace=5.0)
        last_usage = watch.usage
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
                self.seen |= _descendants(self.pid)
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
        return self.totals[self.rec_r] > _RECORD_CAP

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
        if totals[fd] <= _RECORD_CAP:
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


def _parse(raw):
    records = []
    for line in raw.split(b"\n"):
        if not line:
            continue
        try:
            records.append(json.loads(line))
        except ValueError:
            records.append(None)  # garbled: a replay that reaches it stops there
    return records


def _replay(body, args, records, exercise, name, hint):
    """(ok, text, extra) of the judgement in the parent, or raise _Replay."""
    global _SESSION
    session = _Parent(records)
    replayed = []
    for arg in args:
        record = session.take()
        if callable(arg):
            if "new" not in record:
                raise _Replay("format")
            replayed.append(session.announced(record))
        else:
            if "value" not in record:
                raise _Replay("format")
            replayed.append(arg if _safe_value(arg) else _opaque_type(type(arg).__name__)(""))
    _SESSION = session
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            ok, text, *extra = body(*replayed)
        return bool(ok), str(text), (extra[0] if extra else None)
    except _Replay:
        raise
    except BaseException as exc:  # noqa: B036
        return False, _describe(exc, exc.__traceback__, exercise, name, hint), None
    finally:
        _SESSION = None


def _safe_value(value):
    return value is None or isinstance(value, (bool, int, float, complex, str, bytes))


def _printed_text(printed, cut):
    text = printed.decode("utf-8", "replace")
    lines = text.splitlines()
    if not lines:
        return ""
    more = f"\n... ({len(lines) - _MAX_PRINTED} more lines)" if len(lines) > _MAX_PRINTED else ""
    if cut:
        more += (f"\n... (the rest was cut: the check keeps {OUTPUT_CAP // 1024} kB of what your "
                 f"code prints, and it printed {cut} bytes more)")
    return "(your code printed:)\n" + "\n".join(lines[:_MAX_PRINTED]) + more


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
    records, printed, cut, timed_out, status, overflow = _run_child(
        body, args, exercise, name, hint, task, time_limit, hint_long)
    parsed = _parse(records)
    end = next((r for r in reversed(parsed) if isinstance(r, dict) and "end" in r), None)
    if end is not None and isinstance(end.get("cut"), int):
        cut += max(0, end["cut"])
    try:
        ok, text, extra = _replay(body, args, parsed, exercise, name, hint)
    except _Replay as stop:
        ok, extra = False, None
        if overflow:
            text = (f"{name} made the check's process send back more than "
                    f"{_RECORD_CAP // 1024 ** 2} MB, so the check stopped it. Hint: {hint}")
        elif timed_out:
            text = _too_long(name, time_limit, hint_long)
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
    shown = _printed_text(printed, cut)
    if shown:
        print(shown)
    text = re.sub(r"\s+", " ", text).strip()
    print(("Right: " if ok else "Not yet: ") + text)
    return ok, extra

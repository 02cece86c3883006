"""The parent's replay: the check's judgement runs again on the calls the child recorded.

It owns :class:`_Parent`, the session in which each call of the student's
function gets back what the call returned in the child (after checking that it
is the same call), :func:`replay_judgement`, which runs the judgement on it, and the text
of what the student's code printed. Anything it cannot replay stops the
judgement with :class:`Halt` (never a verdict). It imports numpy and the
sandbox's :mod:`.records`, :mod:`.messages` and :mod:`.session`.
"""
from __future__ import annotations

import warnings

import numpy as np

from ...errors import StudentError
from . import session as state
from .messages import describe
from .records import ATTRS, OUTPUT_CAP, Halt, Proxy, decode, fingerprint, opaque_type

_MAX_PRINTED = 20  # lines of the student's own print() output shown before the verdict

class _Parent:
    """The session in the parent: each call gets back what the child's call returned."""

    def __init__(self, records):
        self.records, self.at, self.proxies = records, 0, {}

    def take(self):
        if self.at >= len(self.records):
            raise Halt("exhausted")
        record = self.records[self.at]
        self.at += 1
        if not isinstance(record, dict):
            raise Halt("format")
        return record

    def announced(self, record):
        """The proxy of a "new" record (handles come in order: 0, 1, 2, ...)."""
        handle, attrs = record.get("new"), record.get("attrs", {})
        if (isinstance(handle, bool) or handle != len(self.proxies) or not isinstance(attrs, dict)
                or not set(attrs) <= set(ATTRS)):
            raise Halt("format")
        made = Proxy(self, handle, str(record.get("name", "f"))[:80],
                      {k: decode(v, lambda h: None) for k, v in attrs.items()})
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
        if record.get("call") != proxy._handle or record.get("args") != fingerprint(args):
            raise Halt("diverged")
        if "raise" in record:
            raise StudentError(str(record["raise"])[:3000])
        if "return" not in record or not isinstance(record.get("mutated", []), list):
            raise Halt("format")
        for item in record.get("mutated", []):
            if not (isinstance(item, list) and len(item) == 2):
                raise Halt("format")
            k, value = item
            if not (isinstance(k, int) and 0 <= k < len(args) and isinstance(args[k], np.ndarray)):
                raise Halt("format")
            new = decode(value, lambda h: None)
            if not isinstance(new, np.ndarray) or new.shape != args[k].shape:
                raise Halt("format")
            args[k][...] = new
        return decode(record["return"], self._function)

    def _function(self, handle):
        if handle not in self.proxies:
            raise Halt("format")
        return self.proxies[handle]

    def observe(self, key):
        record = self.next()
        if record.get("observe") != key:
            raise Halt("diverged")
        value = record.get("value")
        if not isinstance(value, dict) or not all(isinstance(v, int) and not isinstance(v, bool)
                                                  for v in value.values()):
            raise Halt("format")
        return value


def replay_judgement(body, args, records, exercise, name, hint):
    """(ok, text, extra) of the judgement in the parent, or raise :class:`Halt`."""
    session = _Parent(records)
    replayed = []
    for arg in args:
        record = session.take()
        if callable(arg):
            if "new" not in record:
                raise Halt("format")
            replayed.append(session.announced(record))
        else:
            if "value" not in record:
                raise Halt("format")
            replayed.append(arg if _safe_value(arg) else opaque_type(type(arg).__name__)(""))
    state.current = session
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            ok, text, *extra = body(*replayed)
        return bool(ok), str(text), (extra[0] if extra else None)
    except Halt:
        raise
    except BaseException as exc:  # noqa: B036
        return False, describe(exc, exc.__traceback__, exercise, name, hint), None
    finally:
        state.current = None


def _safe_value(value):
    return value is None or isinstance(value, (bool, int, float, complex, str, bytes))


def printed_text(printed, cut):
    text = printed.decode("utf-8", "replace")
    lines = text.splitlines()
    if not lines:
        return ""
    more = f"\n... ({len(lines) - _MAX_PRINTED} more lines)" if len(lines) > _MAX_PRINTED else ""
    if cut:
        more += (f"\n... (the rest was cut: the check keeps {OUTPUT_CAP // 1024} kB of what your "
                 f"code prints, and it printed {cut} bytes more)")
    return "(your code printed:)\n" + "\n".join(lines[:_MAX_PRINTED]) + more

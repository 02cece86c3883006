"""The plain data that crosses the pipe from the child to the parent, and its caps.

It owns the encoding of a value the student's function returned (:func:`encode`,
in the child: numbers, arrays, text, True/False, None, functions as handles) and
its decoding (:func:`decode`, in the parent, which trusts nothing it reads), the
fingerprint of a call's arguments, the proxy that stands for a student's
function, the caps on all of it, and :class:`Halt`, the checker's own control
flow. It imports numpy and :mod:`lifutils.errors` only.
"""
from __future__ import annotations

import hashlib
import json
import math
import numbers
import re
import types

import numpy as np

from ...errors import StudentError

#: Bytes of the student's printed output the check keeps (the rest is cut, and counted).
OUTPUT_CAP = 64 * 1024
#: Bytes of address space the child may add to what the kernel already has mapped.
CHILD_MEMORY = 2 * 1024 ** 3
#: Processes the child may add to the user's (the limit a fork bomb meets).
CHILD_PROCESSES = 64
RECORD_CAP = 16 * 1024 ** 2   # bytes of call records the parent reads at most
_ARRAY_CAP = 100_000           # values in one array the child sends back at most
_TEXT_CAP = 2000               # characters of one text the child sends back at most
_DEPTH_CAP = 20                # nesting of lists the child sends back at most


class Halt(BaseException):  # noqa: N818 - control flow, not an error
    """The checker stops the running judgement: not an error of the student's or of lifutils.

    ``kind`` says why: in the parent, the replay has no record for a call the
    check makes (``"exhausted"``, ``"diverged"``, ``"format"``, ``"nested"``); in
    the child, the spy stopped a solve_ivp loop that cannot end (``"stuck"``,
    with the message in ``text``). It derives from ``BaseException``, not
    ``Exception``, so that no ``except Exception`` (nor ``except ValueError``)
    swallows it: not the student's code in the child, not a check's own code in
    the parent, whose verdict would then rest on a replay that failed.
    """

    def __init__(self, kind, text=""):
        super().__init__(kind)
        self.kind, self.text = kind, text


class _Opaque:
    """What the parent sees of a value that is not plain data: its type's name, no behaviour."""

    def __init__(self, text):
        self._text = text

    def __repr__(self):
        return self._text

    __str__ = __repr__


def opaque_type(name):
    name = re.sub(r"\W", "_", str(name))[:60] or "object"
    return type(name, (_Opaque,), {})


def encode(value, handles, depth=0):
    """Plain JSON-able data for ``value``; functions become handles (``handles.add``)."""
    if depth > _DEPTH_CAP:
        raise StudentError("the value is nested more than 20 lists deep; return a flat list of "
                           "numbers.")
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
            raise StudentError(f"the value has {len(value)} entries, more than the check reads "
                               f"({_ARRAY_CAP}).")
        return {"tuple" if isinstance(value, tuple) else "list":
                [encode(v, handles, depth + 1) for v in value]}
    if isinstance(value, (dict, types.MappingProxyType)):
        return {"dict": [[encode(k, handles, depth + 1), encode(v, handles, depth + 1)]
                         for k, v in list(value.items())[:1000]]}
    if isinstance(value, np.ndarray) or (hasattr(value, "__array__") and not
                                         isinstance(value, type)):
        arr = np.asarray(value)
        if arr.size > _ARRAY_CAP:
            raise StudentError(f"the value is an array of {arr.size} numbers, more than the check "
                               f"reads ({_ARRAY_CAP}).")
        if arr.dtype.kind in "biuf":
            kind = {"b": "bool", "i": "int", "u": "int", "f": "float"}[arr.dtype.kind]
            data = arr.astype(float if kind == "float" else (bool if kind == "bool" else int))
            return {"array": data.ravel().tolist(), "shape": list(arr.shape), "dtype": kind}
        if arr.dtype.kind == "O" and arr.ndim == 1:
            return {"list": [encode(v, handles, depth + 1) for v in arr.tolist()]}
    kind = type(value).__name__
    try:
        text = repr(value)[:80]
    except Exception:  # noqa: BLE001
        text = f"<{kind}>"
    return {"object": kind, "repr": text}


def decode(data, functions, depth=0):
    """The value ``data`` stands for; a handle becomes ``functions(handle, attrs)``."""
    if depth > _DEPTH_CAP + 2:
        raise Halt("nested")
    if data is None or isinstance(data, (bool, int, float)):
        return data
    if isinstance(data, str):
        raise Halt("format")
    if isinstance(data, list):
        raise Halt("format")
    if not isinstance(data, dict) or len(data) > 3:
        raise Halt("format")
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
            raise Halt("format")
        out = [decode(v, functions, depth + 1) for v in items]
        return tuple(out) if "tuple" in data else out
    if "dict" in data:
        pairs = data["dict"]
        out = {}
        for key, val in pairs[:1000]:
            key = decode(key, functions, depth + 1)
            try:
                out[key] = decode(val, functions, depth + 1)
            except TypeError:  # an unhashable key
                raise Halt("format") from None
        return out
    if "array" in data:
        shape = tuple(int(s) for s in data["shape"])
        flat = data["array"]
        if (not isinstance(flat, list) or len(flat) > _ARRAY_CAP or len(shape) > 32
                or math.prod(shape) != len(flat)):
            raise Halt("format")
        dtype = {"float": float, "int": np.int64, "bool": bool}[data["dtype"]]
        if not all(isinstance(x, (int, float, bool)) for x in flat):
            raise Halt("format")
        return np.array(flat, dtype=dtype).reshape(shape)
    if "object" in data:
        return opaque_type(data["object"])(str(data.get("repr", ""))[:80])
    raise Halt("format")


def fingerprint(args):
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
        if isinstance(value, Proxy):
            return ["fn", value._handle]
        if callable(value):
            return ["callable", getattr(value, "__qualname__", type(value).__name__)]
        return ["object", type(value).__name__, repr(value)[:500]]
    text = json.dumps(plain(list(args)), sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()



ATTRS = ("terminal", "direction")


class Proxy:
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



def renumber(encoded, handles):
    """Replace the placeholder handles (-1, -2, ...) of ``encoded`` by the real ones."""
    if isinstance(encoded, dict):
        if "fn" in encoded and isinstance(encoded["fn"], int) and encoded["fn"] < 0:
            return {"fn": handles[-1 - encoded["fn"]]}
        return {k: renumber(v, handles) for k, v in encoded.items()}
    if isinstance(encoded, list):
        return [renumber(v, handles) for v in encoded]
    return encoded


def parse_records(raw):
    records = []
    for line in raw.split(b"\n"):
        if not line:
            continue
        try:
            records.append(json.loads(line))
        except ValueError:
            records.append(None)  # garbled: a replay that reaches it stops there
    return records

"""Another processor, on this one: the elementary functions, one ulp off.

numpy computes exp, log and the like with SIMD code chosen at run time (AVX-512 where the
processor has it, AVX2 or plain C elsewhere), and the last bit of a result depends on the
choice; libm differs between platforms the same way. A test that passes here only because of
those last bits fails on another machine. ``install("up")`` (or ``"down"``) replaces the
functions below, as attributes of the ``numpy`` and ``math`` modules, by wrappers that return
the result moved one ulp toward +inf (or -inf): every test that still passes holds whichever
way another processor rounds.

What is nudged: ``numpy.exp, expm1, log, log1p, power, sin, cos`` and ``math.exp, expm1, log,
log1p, pow, sin, cos``, looked up as module attributes at call time (``np.exp(x)``,
``math.exp(x)``), which is how lifutils and the tests call them. What is not: a reference
bound before ``install`` ran (``from math import exp`` at import time; lifutils has none),
numpy's own internal references (``numpy._core.umath``, so ``np.logspace``, ``x ** y`` and
array methods keep the exact results), scipy's compiled code, and the notebook kernels.

``install("watch")`` moves nothing: it counts, in ``WOULD_MOVE``, the results that "up" or
"down" would move. conftest watches that way the tests it keeps out of the ulp modes because
they move none (they would compute in those modes exactly what they compute in the first pass).

What stays exact, as on every processor: results that are 0, inf or NaN (an overflow is an
overflow everywhere), ``exp(0) = 1``, ``power(x, 0) = power(1, y) = 1``, ``power(x, 1) = x``,
integer powers of integers that a double holds exactly, and sin or cos of +-1 (a crest: at the
double nearest pi/2 the true sine is within 1e-32 of 1, and none goes past 1).
"""
import math
import os
import sys

import numpy as np

MODES = ("off", "up", "down")
#: A fourth mode, for conftest: the functions return their exact results and count the ones
#: that "up" or "down" would have moved (in WOULD_MOVE).
WATCH = "watch"
WOULD_MOVE = [0]
NUMPY_NAMES = ("exp", "expm1", "log", "log1p", "power", "sin", "cos")
MATH_NAMES = ("exp", "expm1", "log", "log1p", "pow", "sin", "cos")

# The functions as they were before any install, for the tests of this module.
ORIGINAL_NUMPY = {name: getattr(np, name) for name in NUMPY_NAMES}
ORIGINAL_MATH = {name: getattr(math, name) for name in MATH_NAMES}

_EXACT_INTEGER = 2.0 ** 53  # integers up to here are exact doubles
# At a crest, sin(pi/2) to the double nearest pi/2 is 1 - 2e-33: 1.0 from every library, and
# no library goes past 1.
_CRESTED = ("sin", "cos")
# One argument, and no exact result but exp(0) and the crests: their scalar calls (a model's
# right-hand side, once per evaluation) take the short way in NudgedUfunc.__call__.
_SCALAR_FAST = frozenset({"exp", "expm1", "log", "log1p", "sin", "cos"})
_MAX_FLOAT64 = float(np.finfo(np.float64).max)


def _exact_at(name, args):
    """Where the true result is a double that every correct library returns, or None."""
    if name == "exp":
        return np.asarray(args[0]) == 0
    if name in ("power", "pow"):
        x, y = np.asarray(args[0]), np.asarray(args[1])
        if x.dtype.kind not in "iubf" or y.dtype.kind not in "iubf":
            return None  # complex or objects: not nudged anyway
        x, y = x.astype(float), y.astype(float)
        with np.errstate(all="ignore"):
            integral = (x == np.round(x)) & (y == np.round(y)) & (y >= 0)
            small = np.abs(x) ** np.where(integral, y, 0.0) <= _EXACT_INTEGER
        return (y == 0) | (x == 1) | (y == 1) | (integral & small)
    return None  # the others' exact results are their zeros


class NudgedUfunc:
    """A numpy ufunc whose floating results are moved one ulp toward ``toward``.

    Called like the ufunc (positional arguments, ``out=``, ``where=``, ``dtype=``; a scalar in
    gives a scalar out); every other attribute (``nin``, ``reduce``, ``__name__``) is the ufunc's,
    unnudged.
    """

    def __init__(self, ufunc, toward, watch=False):
        self.ufunc = ufunc
        self.toward = toward
        self.watch = watch  # count what would be moved, move nothing

    def __getattr__(self, attr):
        if attr == "ufunc":  # not set yet (a copy in the making): no recursion
            raise AttributeError(attr)
        return getattr(self.ufunc, attr)

    def __repr__(self):
        return f"<{self.ufunc.__name__} nudged one ulp toward {self.toward}>"

    def __call__(self, *args, **kwargs):
        name = self.ufunc.__name__
        if len(args) == 1 and not kwargs and name in _SCALAR_FAST:
            result = self.ufunc(args[0])
            if type(result) is np.float64:  # a scalar: the rule below, without the array work
                if (result == 0 or not abs(result) < _MAX_FLOAT64
                        or name == "exp" and args[0] == 0
                        or name in _CRESTED and abs(result) == 1):
                    return result
                if self.watch:
                    WOULD_MOVE[0] += 1
                    return result
                return np.float64(math.nextafter(result, self.toward))
            return self._nudged(_exact_at(name, args), result, kwargs)  # no out=: input intact
        exact = _exact_at(name, args[:self.ufunc.nin])  # before out= overwrites an input
        return self._nudged(exact, self.ufunc(*args, **kwargs), kwargs)

    def _nudged(self, exact, result, kwargs):
        """``result`` moved one ulp where it is not exact (``exact``: a mask, or None)."""
        if not isinstance(result, (np.ndarray, np.floating)) or result.dtype.kind != "f":
            return result  # integers, complex, objects: left alone
        with np.errstate(all="ignore"):
            # Not 0, inf or NaN, and no overflow made up: the largest double stays.
            move = (result != 0) & (np.abs(result) < np.finfo(result.dtype).max)
            if exact is not None:
                move &= ~exact
            if self.ufunc.__name__ in _CRESTED:
                move &= np.abs(result) != 1
            where = kwargs.get("where", True)
            if where is not True:
                move &= np.asarray(where)
            if self.watch:
                WOULD_MOVE[0] += bool(np.any(move))
                return result
            toward = np.asarray(self.toward, dtype=result.dtype)
            if isinstance(result, np.ndarray):
                np.nextafter(result, toward, out=result, where=move)  # in place: ours, or the caller's out
                return result
            return np.nextafter(result, toward) if move else result


def nudged_math(function, name, toward, watch=False):
    """``math.<name>`` with its float result moved one ulp toward ``toward`` (with ``watch``,
    counted in WOULD_MOVE instead)."""
    def nudged(*args):
        if name == "log" and len(args) == 2:  # log(x, base): CPython divides two logs
            return nudged(args[0]) / nudged(args[1])
        result = function(*args)
        if result == 0 or not abs(result) < sys.float_info.max:
            return result
        exact = _exact_at(name, args)
        if exact is not None and bool(exact) or name in _CRESTED and abs(result) == 1:
            return result
        if watch:
            WOULD_MOVE[0] += 1
            return result
        return math.nextafter(result, toward)
    nudged.__name__ = nudged.__qualname__ = name
    nudged.__doc__ = f"math.{name}, nudged one ulp toward {toward}: tests/_ulp.py"
    return nudged


def install(mode):
    """Nudge the functions one ulp ``"up"`` or ``"down"``, put the originals back (``"off"``),
    or count what a nudge would move without moving it (``"watch"``: WOULD_MOVE)."""
    if mode not in MODES and mode != WATCH:
        raise ValueError(f"ulp mode must be one of {', '.join(MODES)}, not {mode!r}")
    watch = mode == WATCH
    for name, ufunc in ORIGINAL_NUMPY.items():
        setattr(np, name, ufunc if mode == "off" else NudgedUfunc(ufunc, _toward(mode), watch))
    for name, function in ORIGINAL_MATH.items():
        setattr(math, name, function if mode == "off"
                else nudged_math(function, name, _toward(mode), watch))


def _toward(mode):
    return -math.inf if mode == "down" else math.inf


def describe(mode):
    """One line for the test session's header."""
    if mode == "off":
        return "ulp: off (numpy's and math's elementary functions as this processor computes them)"
    return (f"ulp: {mode} (numpy.{', '.join(NUMPY_NAMES)} and math.{', '.join(MATH_NAMES)} "
            f"nudged one ulp toward {_toward(mode)}; see tests/_ulp.py)")


def numpy_dispatch():
    """Which SIMD code numpy runs here, for the session's header: the last bits follow it."""
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # numpy 1.x
        from numpy.core import _multiarray_umath as umath
    found = [f for f in umath.__cpu_dispatch__ if umath.__cpu_features__.get(f)]
    off = os.environ.get("NPY_DISABLE_CPU_FEATURES", "").split()
    return (f"numpy {np.__version__}: baseline {' '.join(umath.__cpu_baseline__)}, dispatch "
            f"{' '.join(found) or 'none'} of {' '.join(umath.__cpu_dispatch__) or 'none'}"
            + (f" (NPY_DISABLE_CPU_FEATURES={' '.join(off)})" if off else ""))

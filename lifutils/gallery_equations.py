"""The two kinds of equations of the model gallery: units, right-hand sides, resets, rules.

Izhikevich (2003) and AdEx (Naud et al. 2008), as :mod:`lifutils.gallery` builds
them: for each kind its parameters' units, ``dynamics(params, current) -> (rhs,
threshold, reset)``, the rules its parameters keep, and its phase plane (from
:mod:`lifutils.gallery_phase`), collected in :data:`EQUATIONS`. Numerics only.

The two kinds:

* the simple model of Izhikevich (2003), IEEE Trans Neural Netw 14:1569-1572,
  the parameters a, b, c, d of its Fig. 2 (RS, IB, CH, FS, LTS, TC, RZ)::

      dv/dt = 0.04 v**2 + 5 v + 140 - u + I,    du/dt = a (b v - u)
      when v reaches 30 mV:  v <- c,  u <- u + d

  t in ms and v in mV; u and I are on the scale of dv/dt (mV/ms; the paper
  calls them dimensionless), a in 1/ms, b in 1/ms, c in mV, d in mV/ms.
* the adaptive exponential integrate-and-fire neuron (AdEx) with the eight
  firing patterns of Naud, Marcille, Clopath & Gerstner (2008), Biol Cybern
  99:335-347, Table 1 (the same numbers as Brian2's example
  ``frompapers/Naud_et_al_2008_adex_firing_patterns.py``)::

      C dV/dt = -gL (V - EL) + gL DeltaT exp((V - VT) / DeltaT) - w + I
      tau_w dw/dt = a (V - EL) - w
      when V reaches V_peak:  V <- Vr,  w <- w + b

  C in pF, gL and a in nS, EL, VT, DeltaT, Vr and V_peak in mV, tau_w in ms,
  b, w and I in pA (so dV/dt is in mV/ms).

**The peak decides which methods get through.** The exponential term of AdEx
blows up in finite time: V reaches infinity a fraction of a millisecond after
it passes VT. The spike is cut at ``v_peak``, and the choice is part of the
model (w integrates during the upswing) and of what a solver can do. With
``v_peak = 0 mV`` (our default, as in Brian2's example) the adapting pattern
gets through all six methods at rtol = atol = 1e-6, and RK45, DOP853 and LSODA
at every rtol = atol from 1e-6 to 1e-12, while RK23 and BDF stop at 1e-10 with
"Required step size is less than spacing between numbers". With 20 mV none gets
through (RK45, RK23, DOP853, Radau and BDF stop with a SolverFailedWarning and
the partial result; LSODA raises a LifutilsError, its event not located inside
a step): there dV/dt is about
2e14 mV/ms, so the last millivolt takes less than 1e-14 ms, shorter than the
smallest step solve_ivp may take at t = 30 ms (ten times the spacing of
floating-point numbers there, 3.6e-14 ms). On the way up, trial steps
overshoot so far that ``exp`` overflows: the right-hand side returns inf there
(as numpy's exp would, without its warning), and the solver rejects the step.
A lower peak costs nothing: from 0 mV, V reaches 20 mV (and infinity) in about
2.3e-10 ms, so the spike times do not depend on the peak beyond about 1e-9 ms
(tests/test_claims_08.py measures it). Izhikevich's quadratic term blows up too,
more gently; its peak, 30 mV, is part of the published model.
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np

from . import checks as check
from .errors import LifutilsError
from .gallery_phase import (adex_fixed_points, adex_v_nullcline, izhikevich_fixed_points,
                            izhikevich_v_nullcline)

__all__ = ["IZHIKEVICH_UNITS", "ADEX_UNITS", "Equations", "EQUATIONS", "check_params",
           "izhikevich_dynamics", "izhikevich_rest", "adex_dynamics", "threshold_event"]


#: Units of the Izhikevich parameters (the paper treats u and I as dimensionless:
#: they are on the scale of dv/dt).
IZHIKEVICH_UNITS = MappingProxyType({"a": "1/ms", "b": "1/ms", "c": "mV", "d": "mV/ms",
                                     "v_peak": "mV"})
#: Units of the AdEx parameters.
ADEX_UNITS = MappingProxyType({"C": "pF", "gL": "nS", "EL": "mV", "VT": "mV", "DeltaT": "mV",
                               "a": "nS", "tau_w": "ms", "b": "pA", "Vr": "mV", "I": "pA",
                               "v_peak": "mV"})


def threshold_event(v_peak):
    def threshold(t, y):
        return y[0] - v_peak
    threshold.direction = 1
    return threshold


def izhikevich_dynamics(p, current):
    """rhs, threshold and reset of an Izhikevich model with parameters ``p``, input ``current``."""
    a, b, c, d = p["a"], p["b"], p["c"], p["d"]
    level, switch = current.levels, current.times

    def rhs(t, y):
        v, u = float(y[0]), float(y[1])  # Python floats: inf and nan in trial steps, no warnings
        drive = level[bisect.bisect_right(switch, t)]
        return np.array([0.04 * v * v + 5.0 * v + 140.0 - u + drive, a * (b * v - u)])

    def reset(t, y, index):
        return np.array([c, y[1] + d])

    return rhs, threshold_event(p["v_peak"]), reset


def izhikevich_rest(b, drive):
    """The lower (stable) root of 0.04 v^2 + (5 - b) v + 140 + I = 0 (mV), or an error."""
    try:
        disc = (5.0 - b) ** 2 - 4.0 * 0.04 * (140.0 + drive)
    except OverflowError:
        disc = math.inf
    if not disc > 0.0:
        raise LifutilsError(f"b must leave the model a resting state at the first input level "
                            f"({drive:g}), got {check.show(b)}")
    v0 = (-(5.0 - b) - math.sqrt(disc)) / 0.08
    if not (math.isfinite(v0) and math.isfinite(b * v0) and abs(v0) < 1e6):
        raise LifutilsError(f"b must leave the model a resting state within 1e6 mV, got "
                            f"{check.show(b)}: the rest would be at {v0:.3g} mV")
    return v0


def adex_dynamics(p, current):
    """rhs, threshold and reset of an AdEx model with parameters ``p``, input ``current``."""
    C, gL, EL, VT, DeltaT = p["C"], p["gL"], p["EL"], p["VT"], p["DeltaT"]
    a, tau_w, b, Vr = p["a"], p["tau_w"], p["b"], p["Vr"]
    level, switch = current.levels, current.times
    top = math.log(np.finfo(float).max)  # 709.78: exp overflows past it

    def rhs(t, y):
        v, w = float(y[0]), float(y[1])  # Python floats: inf and nan in trial steps, no warnings
        x = (v - VT) / DeltaT
        spike = math.exp(x) if x < top else math.inf  # inf as np.exp gives, without its warning
        i = level[bisect.bisect_right(switch, t)]
        return np.array([(-gL * (v - EL) + gL * DeltaT * spike - w + i) / C,
                         (a * (v - EL) - w) / tau_w])

    def reset(t, y, index):
        return np.array([Vr, y[1] + b])

    return rhs, threshold_event(p["v_peak"]), reset


def check_params(kind, params):
    """The parameters of a model whose equations are ``kind`` as a dict of finite floats,
    every one there and none other, checked against the rules that keep it meaningful."""
    units = EQUATIONS[kind].units
    if not isinstance(params, Mapping) or set(params) != set(units):
        raise LifutilsError(f"params must be a mapping of the {kind} parameters "
                            f"{', '.join(units)}, got {check.show(params)}")
    p = {key: check.real(key, params[key], unit=units[key]) for key in units}
    return EQUATIONS[kind].check(p)


def check_izhikevich(p):
    if p["c"] >= p["v_peak"]:
        raise LifutilsError(f"c must be < v_peak ({p['v_peak']:g} mV), or every reset "
                            f"fires again at once, got {check.show(p['c'])}")
    return p


def check_adex(p):
    for positive in ("C", "gL", "DeltaT", "tau_w"):
        if not p[positive] > 0.0:
            raise LifutilsError(f"{positive} must be a finite number > 0 {ADEX_UNITS[positive]}, "
                                f"got {check.show(p[positive])}")
    if p["Vr"] >= p["v_peak"]:
        raise LifutilsError(f"Vr must be < v_peak ({p['v_peak']:g} mV), or every reset fires "
                            f"again at once, got {check.show(p['Vr'])}")
    if p["EL"] >= p["v_peak"]:
        raise LifutilsError(f"v_peak must be above EL ({p['EL']:g} mV), "
                            f"got {check.show(p['v_peak'])}")
    return p


@dataclass(frozen=True)
class Equations:
    """The code of one kind of model: its parameters' units, its rhs/threshold/reset, the
    rules its parameters keep, and its phase plane (nullclines, fixed points)."""
    units: Mapping
    dynamics: Callable
    check: Callable
    v_nullcline: Callable
    w_nullcline: Callable
    fixed_points: Callable


#: The kinds of equations the gallery can build, by name (a family names its kind).
EQUATIONS = MappingProxyType({
    "izhikevich": Equations(IZHIKEVICH_UNITS, izhikevich_dynamics, check_izhikevich,
                             izhikevich_v_nullcline, lambda p, v: p["b"] * v,
                             izhikevich_fixed_points),
    "adex": Equations(ADEX_UNITS, adex_dynamics, check_adex, adex_v_nullcline,
                       lambda p, v: p["a"] * (v - p["EL"]), adex_fixed_points),
})

"""A gallery of published spiking models with resets, ready for solve_ivp_with_resets.

Two families, each pattern with its published parameters and their source:

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

Each family is a :class:`Family` in the catalogue :data:`FAMILIES` (key,
title, kind of equations, source, table, builder), declared at the end of this
module; :func:`add_family` adds one of your own (another paper's Izhikevich
patterns, with their own source), and its patterns join :data:`PATTERNS` and the
pattern grid.

Each pattern is a :class:`Model` (frozen): its right-hand side ``rhs``, its
threshold event ``threshold`` (``direction = +1``), its ``reset``, the initial
state ``y0``, ``t_span``, the input ``current`` (a :class:`StepCurrent`, whose
switch times are the ``breakpoints``), the parameters with their ``units`` and
``source``. ``model.solve(**options)`` calls :func:`solve_ivp_with_resets`
with all of that. :data:`PATTERNS` holds every pattern with its published
parameters, keyed ``(family, name)``; :func:`pattern` (or :func:`izhikevich`
and :func:`adex`) builds one, with parameters changed if you like.

**Tolerances.** ``model.solve()`` runs at the gallery's own tolerances,
rtol = atol = 1e-8 (:data:`RTOL`, :data:`ATOL`; ``sol.rtol`` and ``sol.atol``
say so): every pattern has its published spike count and every spike is within
1e-4 ms of an independent reference (the irregular pattern, chaotic, only in its
first 100 ms). At scipy's defaults (``rtol=1e-3, atol=1e-6``) every pattern
runs, but its spike times are off by 0.01 to 3 ms, and CH and LTS lose their
last spike. ``spike_tol`` (ms) lets the tool choose. ``python
benchmarks/gallery.py`` prints the table.

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

Examples
--------
>>> m = adex("adapting")
>>> m.units["tau_w"], m.params["tau_w"], m.params["b"]
('ms', 300.0, 60.0)
>>> sol = m.solve(rtol=1e-10, atol=1e-10)
>>> len(sol.t_events[0]), bool(np.all(np.diff(np.diff(sol.t_events[0])) > 0))
(10, True)
>>> izhikevich("XY")
Traceback (most recent call last):
...
lifutils.errors.LifutilsError: name must be one of the Izhikevich (2003) patterns 'RS', 'IB', ...,
'RZ', got 'XY'
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np

from . import checks as check
from .catalogue import Catalogue, Snapshot, declare, is_entry, is_import_path, resolve
from .errors import LifutilsError
from .restart.resets import solve_ivp_with_resets
from .gallery_phase import (ADAPTATION_RATIO, BURST_GAP, adex_fixed_points,  # noqa: F401
                            adex_v_nullcline, drive, firing_pattern, fixed_points,
                            izhikevich_fixed_points, izhikevich_v_nullcline, v_nullcline,
                            w_nullcline)
from .restart.args import check_span

__all__ = ["Model", "StepCurrent", "Family", "RTOL", "ATOL", "PATTERNS", "FAMILIES",
           "add_family", "remove_family", "build_izhikevich", "build_adex",
           "izhikevich", "adex", "pattern", "spike_times", "solve_all", "drive",
           "v_nullcline", "w_nullcline", "fixed_points", "firing_pattern"]

IZHIKEVICH_SOURCE = ("Izhikevich EM (2003) Simple model of spiking neurons. IEEE Trans Neural "
                     "Netw 14:1569-1572, Fig. 2 (a, b, c, d)")
NAUD_SOURCE = ("Naud R, Marcille N, Clopath C, Gerstner W (2008) Firing patterns in the adaptive "
               "exponential integrate-and-fire model. Biol Cybern 99:335-347, Table 1 (as in "
               "Brian2's example frompapers/Naud_et_al_2008_adex_firing_patterns.py)")

#: Units of the Izhikevich parameters (the paper treats u and I as dimensionless:
#: they are on the scale of dv/dt).
IZHIKEVICH_UNITS = MappingProxyType({"a": "1/ms", "b": "1/ms", "c": "mV", "d": "mV/ms",
                                     "v_peak": "mV"})
#: Units of the AdEx parameters.
ADEX_UNITS = MappingProxyType({"C": "pF", "gL": "nS", "EL": "mV", "VT": "mV", "DeltaT": "mV",
                               "a": "nS", "tau_w": "ms", "b": "pA", "Vr": "mV", "I": "pA",
                               "v_peak": "mV"})

#: Izhikevich (2003), Fig. 2 (the table of ``FAMILIES["izhikevich"]``): name -> (description, a, b, c, d, the input: (levels, switch
#: times, ms), t_end in ms). The steps (amplitude 10 from rest at 10 ms; TC's release from
#: a hyperpolarised rest; RZ's small step just past its Andronov-Hopf point at I = 0.27)
#: are our choice: the paper gives a, b, c, d, not the stimulus protocol.
IZHIKEVICH_TABLE = MappingProxyType({
    "RS": ("regular spiking", 0.02, 0.2, -65.0, 8.0, ((0.0, 10.0), (10.0,)), 200.0),
    "IB": ("intrinsically bursting", 0.02, 0.2, -55.0, 4.0, ((0.0, 10.0), (10.0,)), 200.0),
    "CH": ("chattering", 0.02, 0.2, -50.0, 2.0, ((0.0, 10.0), (10.0,)), 200.0),
    "FS": ("fast spiking", 0.1, 0.2, -65.0, 2.0, ((0.0, 10.0), (10.0,)), 200.0),
    "LTS": ("low-threshold spiking", 0.02, 0.25, -65.0, 2.0, ((0.0, 10.0), (10.0,)), 200.0),
    "TC": ("thalamo-cortical", 0.02, 0.25, -65.0, 0.05,
           ((0.0, 10.0), (10.0,)), 200.0),
    "TC_rebound": ("rebound burst", 0.02, 0.25, -65.0, 0.05,
                   ((-30.0, 0.0), (100.0,)), 200.0),
    "RZ": ("resonator", 0.1, 0.26, -65.0, 2.0, ((0.0, 0.3), (10.0,)), 200.0),
})

#: Naud et al. (2008), Table 1 (the table of ``FAMILIES["adex"]``): name -> (description,
#: parameters). The current I (pA) is
#: switched on at 10 ms (our choice, to show the rest before it) from V = EL, w = 0.
NAUD_TABLE = MappingProxyType({
    name: (description, MappingProxyType(dict(zip(
        ("C", "gL", "EL", "VT", "DeltaT", "a", "tau_w", "b", "Vr", "I"), values))))
    for name, description, values in (
        ("tonic", "tonic spiking", (200, 10, -70, -50, 2, 2, 30, 0, -58, 500)),
        ("adapting", "adaptation", (200, 12, -70, -50, 2, 2, 300, 60, -58, 500)),
        ("initial_burst", "initial burst", (130, 18, -58, -50, 2, 4, 150, 120, -50, 400)),
        ("regular_bursting", "regular bursting", (200, 10, -58, -50, 2, 2, 120, 100, -46, 210)),
        ("delayed_accelerating", "delayed accelerating",
         (200, 12, -70, -50, 2, -10, 300, 0, -58, 300)),
        ("delayed_regular_bursting", "delayed regular bursting",
         (100, 10, -65, -50, 2, -10, 90, 30, -47, 110)),
        ("transient", "transient spiking", (100, 10, -65, -50, 2, 10, 90, 100, -47, 180)),
        ("irregular", "irregular spiking", (100, 12, -60, -50, 2, -11, 130, 30, -48, 160)),
    )
})
#: The tolerances of :meth:`Model.solve` when it is given none (see the module docstring).
RTOL = ATOL = 1e-8
ADEX_T_ON = 10.0    # ms, when the current switches on
ADEX_T_END = 500.0  # ms
ADEX_V_PEAK = 0.0   # mV, where the spike is cut (see the module docstring)
IZHIKEVICH_V_PEAK = 30.0  # mV, the paper's


@dataclass(frozen=True)
class StepCurrent:
    """A piecewise constant input: ``levels[k]`` from ``times[k-1]`` (inclusive) on.

    ``levels[0]`` holds before ``times[0]``; units those of the model's current
    (pA for AdEx, mV/ms for Izhikevich). The switch times (ms) are the
    breakpoints where the solver must restart.

    Examples
    --------
    >>> i = StepCurrent((0.0, 500.0), (10.0,))
    >>> i(5.0), i(10.0), i.breakpoints
    (0.0, 500.0, (10.0,))
    """
    levels: tuple
    times: tuple

    def __post_init__(self):
        levels = tuple(check.real(f"levels[{k}]", v) for k, v in enumerate(self.levels))
        times = tuple(check.real(f"times[{k}]", v, unit="ms") for k, v in enumerate(self.times))
        if len(levels) != len(times) + 1:
            raise LifutilsError(f"levels must have one entry more than times "
                                f"({len(times)} + 1), got {len(levels)}")
        if any(b <= a for a, b in zip(times, times[1:])):
            raise LifutilsError(f"times must be strictly increasing, got {times}")
        object.__setattr__(self, "levels", levels)
        object.__setattr__(self, "times", times)

    def __call__(self, t):
        return self.levels[bisect.bisect_right(self.times, t)]

    @property
    def breakpoints(self):
        return self.times


#: Given for rhs, threshold and reset by the builders: build them from params and current.
_BUILD = object()


@dataclass(frozen=True)
class Model:
    """One published pattern, ready for :func:`lifutils.solve_ivp_with_resets`.

    Attributes
    ----------
    family, name, description : str
        The key of its family in :data:`FAMILIES` (``"izhikevich"``, ``"adex"``);
        the pattern's key (``"RS"``, ``"adapting"``) and its name in words.
    rhs : callable
        ``rhs(t, y)``, y = (v, u) or (V, w); the current is built in.
    threshold : callable
        ``threshold(t, y) = y[0] - v_peak``, with ``direction = 1``.
    reset : callable
        ``reset(t, y, index)``: v to c (or Vr), u += d (or w += b); a new array.

        These three are built from ``params`` and ``current`` when the model is
        made by its family (:func:`izhikevich`, :func:`adex`): ``dataclasses.replace(m, params={...})`` gives a
        model whose rhs, threshold and reset follow the new parameters (for
        AdEx the step of ``current`` follows ``I`` too). One you give yourself,
        ``replace(m, reset=my_reset)``, is kept as it is.
    y0 : tuple of float
        Initial state (mV, and the units of u or w).
    t_span : (float, float)
        Interval (ms).
    current : StepCurrent
        The input; its switch times are :attr:`breakpoints`.
    params, units : mapping
        The parameters (read-only) and their units.
    source : str
        Where the parameters come from.
    """
    family: str
    name: str
    description: str
    rhs: Callable = field(repr=False, compare=False)
    threshold: Callable = field(repr=False, compare=False)
    reset: Callable = field(repr=False, compare=False)
    y0: tuple
    t_span: tuple
    current: StepCurrent
    params: Mapping = field(repr=False, hash=False)
    units: Mapping = field(repr=False, hash=False)
    source: str = field(repr=False)

    def __post_init__(self):
        if not isinstance(self.current, StepCurrent):
            raise LifutilsError(f"current must be a StepCurrent, got {check.show(self.current)}")
        names = ("rhs", "threshold", "reset")
        built = [getattr(self, n).built_from for n in names
                 if hasattr(getattr(self, n), "built_from")]
        # The equations the gallery's pieces follow (a model renamed to a family of your
        # own keeps its equations).
        kind = built[0][0] if built else _kind_of(self.family)
        if kind not in _EQUATIONS:
            if any(getattr(self, n) is _BUILD for n in names):
                raise LifutilsError(f"family must be one of {_listing(FAMILIES)} for the "
                                    f"gallery to build rhs, threshold and reset, got "
                                    f"{check.show(self.family)}")
            for n in names:
                if not callable(getattr(self, n)):
                    raise LifutilsError(f"{n} must be callable, got {check.show(getattr(self, n))}")
            return
        params = _check_params(kind, self.params)
        current = self.current
        if "I" in params and built and built[0][1]["I"] != params["I"] \
                and current.levels == (0.0, built[0][1]["I"]):
            current = StepCurrent((0.0, params["I"]), current.times)  # the step follows I
        pieces = _EQUATIONS[kind].dynamics(params, current)
        object.__setattr__(self, "params", MappingProxyType(params))
        object.__setattr__(self, "current", current)
        for name, piece in zip(names, pieces):
            given = getattr(self, name)
            if given is _BUILD or hasattr(given, "built_from"):  # the gallery's: rebuilt
                piece.built_from = (kind, params, current)
                object.__setattr__(self, name, piece)
            elif not callable(given):
                raise LifutilsError(f"{name} must be callable, got {check.show(given)}")

    @property
    def v_peak(self):
        """Where the spike is cut (mV): the threshold event fires there."""
        return self.params["v_peak"]

    @property
    def breakpoints(self):
        """Times (ms) where the input switches: the solver restarts there."""
        return self.current.breakpoints

    @property
    def label(self):
        """Short label for a figure, as its family writes it: ``"RS: regular spiking"``."""
        family = FAMILIES.get(self.family)
        form = family.label if family is not None else "{description}"
        return form.format(name=self.name, description=self.description)

    def equations_of(self):
        """The code of its kind of equations (units, dynamics, phase plane)."""
        built = getattr(self.rhs, "built_from", None)
        kind = built[0] if built else _kind_of(self.family)
        if kind not in _EQUATIONS:
            raise LifutilsError(f"family must be one of {_listing(FAMILIES)} for the gallery's "
                                f"phase plane, got {check.show(self.family)}")
        return _EQUATIONS[kind]

    def solve(self, **options):
        """``solve_ivp_with_resets`` on this model; ``options`` go to it (rtol, method ...).

        That is ``solve_ivp_with_resets(self.rhs, self.t_span, np.array(self.y0),
        events=self.threshold, reset=self.reset, breakpoints=self.breakpoints,
        **options)``, with the gallery's own tolerances :data:`RTOL` and
        :data:`ATOL` (1e-8) when none of ``rtol``, ``atol`` and ``spike_tol`` is
        given: there every pattern has its published spike count, every spike
        within 1e-4 ms of an independent reference (scipy's defaults, rtol =
        1e-3, lose spikes; pass ``rtol=1e-3, atol=1e-6`` to see them). The
        result says what it used: ``sol.rtol``, ``sol.atol``. On an upswing, trial steps overshoot to inf; the solver
        rejects them, and solve_ivp_with_resets (while ``check_finite`` is on, its
        default) does not show numpy's warnings about them. ``t_span`` may be given to run another interval; the
        breakpoints are the input's switch times inside it unless given. ``y0``
        may be given to start from another state. The model's own ``fun``,
        ``events`` and ``reset`` cannot be (a LifutilsError says how to change
        them: ``dataclasses.replace``).
        """
        t_span, y0 = _solve_arguments(self, options)
        if not {"rtol", "atol", "spike_tol"} & options.keys():
            options.update(rtol=RTOL, atol=ATOL)
        options.setdefault("breakpoints", [b for b in self.breakpoints
                                           if t_span[0] < b < t_span[1]])
        return solve_ivp_with_resets(self.rhs, t_span, y0,
                                     events=self.threshold, reset=self.reset, **options)


def _kind_of(family):
    """The kind of equations of family ``family`` (its name, for a family not in FAMILIES)."""
    known = FAMILIES.get(family) if isinstance(family, str) else None
    return known.equations if known is not None else family


def _solve_arguments(model, options):
    """Model.solve's t_span and y0 (popped from ``options``, checked), or a LifutilsError
    for an argument that the model itself supplies."""
    for own, piece in (("fun", "rhs"), ("events", "threshold"), ("reset", "reset")):
        if own in options:
            raise LifutilsError(
                f"{own} is the model's own ({piece}): Model.solve does not take it; make a "
                f"model with another one, dataclasses.replace(model, {piece}=...), then solve")
    t_span = check_span(options.pop("t_span", model.t_span))
    y0 = options.pop("y0", None)
    return t_span, np.array(model.y0) if y0 is None else y0


def spike_times(sol):
    """The spike times (ms) of a solved gallery model: ``sol.t_events[0]``."""
    return np.asarray(sol.t_events[0], dtype=float)


def solve_all(models=None, **options):
    """``{key: model.solve(**options)}`` for every model (default: all of :data:`PATTERNS`).

    Parameters
    ----------
    models : mapping or list, optional
        ``{key: Model}``, or a list of Models (keyed ``(family, name)``);
        default :data:`PATTERNS`.
    **options
        For :func:`solve_ivp_with_resets` (``rtol``, ``atol``, ``method`` ...).

    Returns
    -------
    dict
        ``{key: (Model, ResetResult)}``, in the order of ``models``.
    """
    from .progress import track

    models = PATTERNS if models is None else models
    if not isinstance(models, Mapping):
        if isinstance(models, Model) or isinstance(models, (str, bytes)) \
                or not hasattr(models, "__iter__"):
            models = None
        else:  # a list of models: keyed as PATTERNS is
            models = {(m.family, m.name) if isinstance(m, Model) else k: m
                      for k, m in enumerate(models)}
    if models is None or not all(isinstance(m, Model) for m in models.values()):
        raise LifutilsError("models must be a mapping {key: Model} (as PATTERNS is) or a list "
                            f"of Models, got {check.show(models)}")
    return {key: (m, m.solve(**options))
            for key, m in track(models.items(), description=f"solving {len(models)} models")}


# --------------------------------------------------------------------------- building

def _lookup(family, name):
    table, family_text = family.table, family.title
    if not isinstance(name, str):
        raise LifutilsError(f"name must be a string naming one of the {family_text} patterns "
                            f"{_listing(table)}, got {check.show(name)}")
    for key in table:
        if _normal(key) == _normal(name):
            return key
    raise LifutilsError(f"name must be one of the {family_text} patterns {_listing(table)}, "
                        f"got {check.show(name)}")


def _normal(name):
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _listing(table):
    return ", ".join(repr(k) for k in table)


def _merge(defaults, overrides, units):
    unknown = [k for k in overrides if k not in defaults]
    if unknown:
        raise LifutilsError(f"parameter {unknown[0]!r} is not one of this model's: "
                            f"{', '.join(defaults)}")
    merged = dict(defaults)
    for key, value in overrides.items():
        merged[key] = check.real(key, value, unit=units[key])
    return merged


def _t_end(value, default):
    return default if value is None else check.positive("t_end", value, unit="ms")


def _threshold(v_peak):
    def threshold(t, y):
        return y[0] - v_peak
    threshold.direction = 1
    return threshold


def izhikevich(name, **overrides):
    """An Izhikevich (2003) pattern (``FAMILIES["izhikevich"]``): see :func:`build_izhikevich`.

    Examples
    --------
    >>> m = izhikevich("rs")
    >>> m.name, dict(m.params), [round(y, 9) for y in m.y0]  # starts at rest
    ('RS', {'a': 0.02, 'b': 0.2, 'c': -65.0, 'd': 8.0, 'v_peak': 30.0}, [-70.0, -14.0])
    """
    return FAMILIES["izhikevich"].build(name, **overrides)


def build_izhikevich(family, name, *, t_end=None, I=None, **overrides):
    """The pattern ``name`` (case does not matter) of a family of Izhikevich models.

    Its table holds name -> (description, a, b, c, d, (input levels, switch
    times in ms), t_end in ms), as :data:`IZHIKEVICH_TABLE` does; the model
    carries the family's source and units.

    Parameters
    ----------
    family : Family
        Its family (another paper's table may use this builder too).
    name : str
        The pattern.
    t_end : float, optional
        End of the run (ms); default the table's (200).
    I : float, optional
        The input after its switch (mV/ms, on the scale of dv/dt); default
        the pattern's (10 for most). The level before the switch stays.
    **overrides
        Parameters to change: ``a`` (1/ms), ``b`` (1/ms), ``c`` (mV), ``d``
        (mV/ms), ``v_peak`` (mV, the paper's 30). The run starts at the resting
        state (v, b v) of the first input level, so there must be one.

    Returns
    -------
    Model
    """
    key = _lookup(family, name)
    description, a, b, c, d, (levels, times), default_end = family.table[key]
    p = _merge({"a": a, "b": b, "c": c, "d": d, "v_peak": IZHIKEVICH_V_PEAK}, overrides,
               family.units)
    p = _check_params(family.equations, p)
    if I is not None:
        levels = (*levels[:-1], check.real("I", I, unit="mV/ms"))
    current = StepCurrent(levels, times)
    v0 = _izhikevich_rest(p["b"], current.levels[0])
    if v0 >= p["v_peak"]:
        raise LifutilsError(f"v_peak must be above the resting potential ({v0:g} mV), "
                            f"got {check.show(p['v_peak'])}")
    return Model(family.key, key, description, _BUILD, _BUILD, _BUILD,
                 (v0, p["b"] * v0), (0.0, _t_end(t_end, default_end)), current,
                 p, family.units, family.source)


def _izhikevich_dynamics(p, current):
    """rhs, threshold and reset of an Izhikevich model with parameters ``p``, input ``current``."""
    a, b, c, d = p["a"], p["b"], p["c"], p["d"]
    level, switch = current.levels, current.times

    def rhs(t, y):
        v, u = float(y[0]), float(y[1])  # Python floats: inf and nan in trial steps, no warnings
        drive = level[bisect.bisect_right(switch, t)]
        return np.array([0.04 * v * v + 5.0 * v + 140.0 - u + drive, a * (b * v - u)])

    def reset(t, y, index):
        return np.array([c, y[1] + d])

    return rhs, _threshold(p["v_peak"]), reset


def _izhikevich_rest(b, drive):
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


def adex(name, **overrides):
    """An AdEx pattern of Naud et al. (2008), Table 1 (``FAMILIES["adex"]``): see
    :func:`build_adex`.

    Examples
    --------
    >>> m = adex("initial burst", v_peak=-20.0)
    >>> m.name, m.params["C"], m.params["v_peak"], m.y0, m.breakpoints
    ('initial_burst', 130.0, -20.0, (-58.0, 0.0), (10.0,))
    """
    return FAMILIES["adex"].build(name, **overrides)


def build_adex(family, name, *, t_end=None, t_on=ADEX_T_ON, **overrides):
    """A pattern of an AdEx family; its table holds name -> (description, parameters), as
    :data:`NAUD_TABLE` does; the model carries the family's source and units.

    Parameters
    ----------
    family : Family
        Its family.
    name : str
        ``"tonic"``, ``"adapting"``, ``"initial_burst"``, ``"regular_bursting"``,
        ``"delayed_accelerating"``, ``"delayed_regular_bursting"``,
        ``"transient"`` or ``"irregular"`` (spaces for underscores are fine).
    t_end : float, optional
        End of the run (ms); default 500.
    t_on : float
        When the current I switches on (ms); default 10.
    **overrides
        Parameters to change: ``C`` (pF), ``gL`` (nS), ``EL``, ``VT``,
        ``DeltaT`` (mV), ``a`` (nS), ``tau_w`` (ms), ``b`` (pA), ``Vr`` (mV),
        ``I`` (pA) and ``v_peak`` (mV, default 0: see the module docstring).

    Returns
    -------
    Model
    """
    key = _lookup(family, name)
    description, table = family.table[key]
    p = _merge({**{k: float(v) for k, v in table.items()}, "v_peak": ADEX_V_PEAK},
               overrides, family.units)
    p = _check_params(family.equations, p)
    t_end = _t_end(t_end, ADEX_T_END)
    t_on = check.in_range("t_on", t_on, 0.0, t_end, unit="ms", closed=(True, False))
    return Model(family.key, key, description, _BUILD, _BUILD, _BUILD, (p["EL"], 0.0), (0.0, t_end),
                 StepCurrent((0.0, p["I"]), (t_on,)), p, family.units, family.source)


def _adex_dynamics(p, current):
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

    return rhs, _threshold(p["v_peak"]), reset


def _check_params(kind, params):
    """The parameters of a model whose equations are ``kind`` as a dict of finite floats,
    every one there and none other, checked against the rules that keep it meaningful."""
    units = _EQUATIONS[kind].units
    if not isinstance(params, Mapping) or set(params) != set(units):
        raise LifutilsError(f"params must be a mapping of the {kind} parameters "
                            f"{', '.join(units)}, got {check.show(params)}")
    p = {key: check.real(key, params[key], unit=units[key]) for key in units}
    return _EQUATIONS[kind].check(p)


def _check_izhikevich(p):
    if p["c"] >= p["v_peak"]:
        raise LifutilsError(f"c must be < v_peak ({p['v_peak']:g} mV), or every reset "
                            f"fires again at once, got {check.show(p['c'])}")
    return p


def _check_adex(p):
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


# --------------------------------------------------------------------------- the families

@dataclass(frozen=True)
class _Equations:
    """The code of one kind of model: its parameters' units, its rhs/threshold/reset, the
    rules its parameters keep, and its phase plane (nullclines, fixed points)."""
    units: Mapping
    dynamics: Callable
    check: Callable
    v_nullcline: Callable
    w_nullcline: Callable
    fixed_points: Callable


#: The kinds of equations the gallery can build, by name (a family names its kind).
_EQUATIONS = MappingProxyType({
    "izhikevich": _Equations(IZHIKEVICH_UNITS, _izhikevich_dynamics, _check_izhikevich,
                             izhikevich_v_nullcline, lambda p, v: p["b"] * v,
                             izhikevich_fixed_points),
    "adex": _Equations(ADEX_UNITS, _adex_dynamics, _check_adex, adex_v_nullcline,
                       lambda p, v: p["a"] * (v - p["EL"]), adex_fixed_points),
})


@dataclass(frozen=True)
class Family:
    """A family of published patterns: one paper's table, built by one builder.

    Attributes
    ----------
    key : str
        The identifier: a model's ``family``, the first half of a
        :data:`PATTERNS` key.
    title : str
        The heading of its row in the pattern grid (``"Izhikevich (2003)"``).
    equations : str
        The kind of model its patterns are (``"izhikevich"`` or ``"adex"``):
        their equations, the units of their parameters, their phase plane.
    source : str
        Where its parameters come from (a model's ``source``).
    table : mapping
        Pattern name -> its published values, as ``builder`` reads them.
    builder : callable or str
        ``builder(family, name, **overrides) -> Model`` (or
        ``"package.module:function"`` naming it).
    label : str
        A pattern's label in figures, formatted with its ``name`` and
        ``description``.
    """

    key: str
    title: str
    equations: str
    source: str
    table: Mapping
    builder: Callable | str
    label: str = "{description}"

    @property
    def units(self) -> Mapping:
        """The units of its parameters (those of its equations)."""
        return _EQUATIONS[self.equations].units

    def build(self, name, **overrides):
        """The pattern ``name`` (case and spaces do not matter), parameters changed if asked."""
        return resolve(self.builder)(self, name, **overrides)

    def patterns(self) -> dict:
        """``{(family, name): Model}``: every pattern of its table, as published."""
        return {(self.key, name): self.build(name) for name in self.table}


def _checked_family(family, others):
    if not is_entry(family, Family):
        raise LifutilsError(f"add_family takes a Family, got {check.show(family)}")
    if family.equations not in _EQUATIONS:
        raise LifutilsError(f"Family.equations must be one of {_listing(_EQUATIONS)}, "
                            f"got {check.show(family.equations)}")
    if not (callable(family.builder) or is_import_path(family.builder)):
        raise LifutilsError(f"Family.builder must be callable, got {check.show(family.builder)}")
    if not isinstance(family.table, Mapping) or not family.table:
        raise LifutilsError(f"Family.table must be a mapping name -> values with at least one "
                            f"pattern, got {check.show(family.table)}")
    for text in ("title", "source", "label"):
        if not isinstance(getattr(family, text), str):
            raise LifutilsError(f"Family.{text} must be text, got "
                                f"{check.show(getattr(family, text))}")
    return replace(family, table=MappingProxyType(dict(family.table)))


#: The families of the gallery, in the grid's order.
FAMILIES = declare(globals(), "FAMILIES", Catalogue("family", (
    Family("izhikevich", "Izhikevich (2003)", "izhikevich", IZHIKEVICH_SOURCE, IZHIKEVICH_TABLE,
           build_izhikevich, label="{name}: {description}"),
    Family("adex", "AdEx, Naud et al. (2008)", "adex", NAUD_SOURCE, NAUD_TABLE, build_adex),
), callable_field="builder", check=_checked_family))


def add_family(family: Family) -> Family:
    """Add a family of your own to :data:`FAMILIES` (or replace the same one, added again)
    and return it; its patterns join :data:`PATTERNS`. ``FAMILIES.remove(key)`` takes it out."""
    family = FAMILIES.add(family)
    _refresh_patterns()
    return family


def remove_family(key) -> Family:
    """Take family ``key`` out of :data:`FAMILIES` (and its patterns out of :data:`PATTERNS`)."""
    family = FAMILIES.remove(key)
    _refresh_patterns()
    return family


def pattern(family, name, **overrides):
    """The pattern ``name`` of ``family`` (a key of :data:`FAMILIES`), e.g. ``izhikevich(name)``.

    Examples
    --------
    >>> pattern("adex", "tonic").params["I"]
    500.0
    >>> pattern("hodgkin", "tonic")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lifutils.errors.LifutilsError: family must be one of 'izhikevich', ...got 'hodgkin'
    """
    if not isinstance(family, str) or family.lower() not in FAMILIES:
        raise LifutilsError(f"family must be one of {_listing(FAMILIES)}, "
                            f"got {check.show(family)}")
    return FAMILIES[family.lower()].build(name, **overrides)


class _Patterns(Snapshot):
    """Every pattern of :data:`FAMILIES` as published, keyed (family, name), in the grid's
    order; rebuilt when a family is added or taken out (read-only)."""

    def _rebuild(self):
        models = {}
        for family in FAMILIES.values():
            models.update(family.patterns())
        self._entries = models  # one step

    def __repr__(self):
        return f"PATTERNS({', '.join(map(repr, self._entries))})"


def _refresh_patterns():
    PATTERNS._rebuild()


#: Every pattern with its published parameters, keyed (family, name), in the grid's order.
_OLD = globals().get("PATTERNS")
PATTERNS = _OLD if hasattr(_OLD, "_rebuild") else _Patterns()  # a reload keeps the one imported
_refresh_patterns()

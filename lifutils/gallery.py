"""A gallery of published spiking models with resets, ready for solve_ivp_with_resets.

Two families, each pattern with its published parameters and their source: the
simple model of Izhikevich (2003) and the AdEx patterns of Naud et al. (2008).
Their equations, units and the choice of the spike's peak are in
:mod:`lifutils.gallery_equations`; their published tables in
:mod:`lifutils.gallery_tables`.

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
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np

from . import checks as check
from .catalogue import Catalogue, Snapshot, declare
from .errors import LifutilsError
from .restart.resets import solve_ivp_with_resets
from .gallery_phase import (ADAPTATION_RATIO, BURST_GAP, adex_fixed_points,  # noqa: F401
                            adex_v_nullcline, drive, firing_pattern, fixed_points,
                            izhikevich_fixed_points, izhikevich_v_nullcline, v_nullcline,
                            w_nullcline)
from .restart.args import check_span
from .gallery_equations import EQUATIONS, check_params, izhikevich_rest
from .gallery_tables import (IZHIKEVICH_SOURCE, IZHIKEVICH_TABLE, NAUD_SOURCE, NAUD_TABLE, Family,
                             checked_family)

__all__ = ["Model", "StepCurrent", "Family", "RTOL", "ATOL", "PATTERNS", "FAMILIES",
           "add_family", "remove_family", "build_izhikevich", "build_adex",
           "izhikevich", "adex", "pattern", "spike_times", "solve_all", "drive",
           "v_nullcline", "w_nullcline", "fixed_points", "firing_pattern"]

#: The tolerances of :meth:`Model.solve` when it is given none (see the module docstring).
RTOL = ATOL = 1e-8
ADEX_T_ON = 10.0    # ms, when the current switches on
ADEX_T_END = 500.0  # ms
ADEX_V_PEAK = 0.0   # mV, where the spike is cut (see lifutils.gallery_equations)
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
        given = {}
        for name in ("levels", "times"):
            value = getattr(self, name)
            try:  # (a 0-d array has __iter__ but cannot be iterated)
                given[name] = None if isinstance(value, (str, bytes)) else tuple(value)
            except TypeError:
                given[name] = None
            if given[name] is None:
                raise LifutilsError(f"{name} must be a sequence of numbers, "
                                    f"got {check.show(value)}")
        levels = tuple(check.real(f"levels[{k}]", v) for k, v in enumerate(given["levels"]))
        times = tuple(check.real(f"times[{k}]", v, unit="ms") for k, v in enumerate(given["times"]))
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
        for text in ("family", "name", "description", "source"):  # keys, labels, tables
            if not isinstance(getattr(self, text), str):
                raise LifutilsError(f"{text} must be text, got {check.show(getattr(self, text))}")
        if not isinstance(self.current, StepCurrent):
            raise LifutilsError(f"current must be a StepCurrent, got {check.show(self.current)}")
        names = ("rhs", "threshold", "reset")
        built = [getattr(self, n).built_from for n in names
                 if hasattr(getattr(self, n), "built_from")]
        # The equations the gallery's pieces follow (a model renamed to a family of your
        # own keeps its equations).
        kind = built[0][0] if built else _kind_of(self.family)
        if kind not in EQUATIONS:
            if any(getattr(self, n) is _BUILD for n in names):
                raise LifutilsError(f"family must be one of {_listing(FAMILIES)} for the "
                                    f"gallery to build rhs, threshold and reset, got "
                                    f"{check.show(self.family)}")
            for n in names:
                if not callable(getattr(self, n)):
                    raise LifutilsError(f"{n} must be callable, got {check.show(getattr(self, n))}")
            return
        params = check_params(kind, self.params)
        current = self.current
        if "I" in params and built and built[0][1]["I"] != params["I"] \
                and current.levels == (0.0, built[0][1]["I"]):
            current = StepCurrent((0.0, params["I"]), current.times)  # the step follows I
        pieces = EQUATIONS[kind].dynamics(params, current)
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
        if kind not in EQUATIONS:
            raise LifutilsError(f"family must be one of {_listing(FAMILIES)} for the gallery's "
                                f"phase plane, got {check.show(self.family)}")
        return EQUATIONS[kind]

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
    y0 = np.array(model.y0) if y0 is None else y0
    built = getattr(model.rhs, "built_from", None)  # the gallery's rhs reads y[0] and y[1]
    state = check.real_array(y0)  # (what is not numbers, solve_ivp_with_resets names)
    if built is not None and state is not None and state.shape != (2,):
        raise LifutilsError(f"y0 must be the two numbers of the state (v, u) or (V, w) of this "
                            f"{built[0]} model, got {check.show(y0)}")
    return t_span, y0


def spike_times(sol):
    """The spike times (ms) of a solved gallery model: ``sol.t_events[0]``."""
    return np.asarray(sol.t_events[0], dtype=float)


def solve_all(models=None, **options):
    """``{key: model.solve(**options)}`` for every model (default: all of :data:`PATTERNS`).

    Parameters
    ----------
    models : mapping or list, optional
        ``{key: Model}``, or a list of Models (keyed ``(family, name)``; two
        models of one key are refused: pass a mapping to name them apart);
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
            listed = list(models)
            models = {(m.family, m.name) if isinstance(m, Model) else k: m
                      for k, m in enumerate(listed)}
            if len(models) < len(listed):  # a second model of the same key would replace the first
                keys = [(m.family, m.name) for m in listed if isinstance(m, Model)]
                twice = next(key for key in keys if keys.count(key) > 1)
                raise LifutilsError(f"models lists two models keyed {twice!r} (family, name), and "
                                    "the result has one entry per key: pass a mapping "
                                    "{key: Model} to name them apart")
    if models is None or not all(isinstance(m, Model) for m in models.values()):
        raise LifutilsError("models must be a mapping {key: Model} (as PATTERNS is) or a list "
                            f"of Models, got {check.show(models)}")
    return {key: (m, m.solve(**options))
            for key, m in track(models.items(), description=f"solving {len(models)} models")}


# --------------------------------------------------------------------------- building

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
    key = family.pattern_key(name)
    description, a, b, c, d, (levels, times), default_end = family.table[key]
    p = _merge({"a": a, "b": b, "c": c, "d": d, "v_peak": IZHIKEVICH_V_PEAK}, overrides,
               family.units)
    p = check_params(family.equations, p)
    if I is not None:
        levels = (*levels[:-1], check.real("I", I, unit="mV/ms"))
    current = StepCurrent(levels, times)
    v0 = izhikevich_rest(p["b"], current.levels[0])
    if v0 >= p["v_peak"]:
        raise LifutilsError(f"v_peak must be above the resting potential ({v0:g} mV), "
                            f"got {check.show(p['v_peak'])}")
    return Model(family.key, key, description, _BUILD, _BUILD, _BUILD,
                 (v0, p["b"] * v0), (0.0, _t_end(t_end, default_end)), current,
                 p, family.units, family.source)


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
        ``I`` (pA) and ``v_peak`` (mV, default 0: see :mod:`lifutils.gallery_equations`).

    Returns
    -------
    Model
    """
    key = family.pattern_key(name)
    description, table = family.table[key]
    p = _merge({**{k: float(v) for k, v in table.items()}, "v_peak": ADEX_V_PEAK},
               overrides, family.units)
    p = check_params(family.equations, p)
    t_end = _t_end(t_end, ADEX_T_END)
    t_on = check.in_range("t_on", t_on, 0.0, t_end, unit="ms", closed=(True, False))
    return Model(family.key, key, description, _BUILD, _BUILD, _BUILD, (p["EL"], 0.0), (0.0, t_end),
                 StepCurrent((0.0, p["I"]), (t_on,)), p, family.units, family.source)


#: The families of the gallery (:class:`~lifutils.gallery_tables.Family`), in the grid's order.
FAMILIES = declare(globals(), "FAMILIES", Catalogue("family", (
    Family("izhikevich", "Izhikevich (2003)", "izhikevich", IZHIKEVICH_SOURCE, IZHIKEVICH_TABLE,
           build_izhikevich, label="{name}: {description}"),
    Family("adex", "AdEx, Naud et al. (2008)", "adex", NAUD_SOURCE, NAUD_TABLE, build_adex),
), callable_field="builder", check=checked_family))


def add_family(family: Family) -> Family:
    """Add a family of your own to :data:`FAMILIES` (or replace the same one, added again)
    and return it; its patterns join :data:`PATTERNS`. ``FAMILIES.remove(key)`` takes it out.

    Every pattern is built once first: a family whose builder fails on one (or returns
    no Model) is refused with a LifutilsError (the builder's own exception chained) and
    not kept; the one it replaced stays."""
    old = FAMILIES.get(getattr(family, "key", None)) if isinstance(
        getattr(family, "key", None), str) else None
    family = FAMILIES.add(family)
    try:  # every pattern built once now: a family that cannot build one is not kept
        for (_, name), model in family.patterns().items():
            if not isinstance(model, Model):
                raise LifutilsError(f"Family.builder must return a Model, got "
                                    f"{check.show(model)} for pattern {name!r}")
    except Exception as exc:
        FAMILIES.remove(family.key)
        if old is not None:
            FAMILIES.add(old)
        if isinstance(exc, LifutilsError):
            raise
        raise LifutilsError(f"family {family.key!r} cannot build its patterns: "
                            f"{type(exc).__name__}: {exc}") from exc
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

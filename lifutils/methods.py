"""The registry of methods: one entry per way of simulating the neuron.

:data:`REGISTRY` maps each method's key to its :class:`Method`: its label
(tables, legends, dashboards), the name its results carry, the function that
runs it, the setting that trades cost for accuracy, and its style (colour, line,
marker) in every figure. It is a :class:`lifutils.catalogue.Catalogue`, built
from :data:`BUILT_IN`, the literal declaration of the package's own methods at
the end of this module: key, label, runner and a fixed, reserved style each, in
the order every table and figure shows them.

Everything that shows several methods iterates the registry: the comparison
table (:func:`lifutils.compare.compare_methods`), the work-precision sweep, the
side-by-side figure and dashboard, the f-I markers, the colours.

**Adding a method.** Write its runner (``runner(params, t_max, **options,
**settings)`` returning a :class:`lifutils.LIFResult` whose ``key`` is the
method's key), then either declare it in :data:`BUILT_IN` (one entry, with a
style of its own) or, from a notebook or a module of your own, call
:func:`register` (for user methods only). A registered method given no colour,
line style or marker gets the first one that no built-in reserves and no
registered method wears, from :data:`PALETTE`, :data:`LINE_STYLES` and
:data:`MARKERS`; when the colours run out, line style and marker still tell it
apart. Registering the same method again (same key, runner of the same
qualified name: a notebook cell run twice, ``importlib.reload``,
``%autoreload``) replaces it.

**No circular import.** The simulators import this module (for
:data:`SOLVE_IVP_METHODS` and the like), so :data:`BUILT_IN` names their runners
as ``"lifutils.euler:simulate_euler"`` text, imported when a method first runs
(:func:`lifutils.catalogue.resolve`; :attr:`Method.function` gives the
function). A reload of a runner's module is seen at once, and a reload of this
module keeps the registry object that the other modules imported.

This module sits at the bottom of the house: it imports nothing of lifutils but
its errors and the catalogue type.

Examples
--------
>>> REGISTRY["events"].label, REGISTRY["events"].result_name("LSODA")
('solve_ivp + events', 'events (LSODA)')
>>> from lifutils import LIFParams
>>> REGISTRY["euler"].run(LIFParams(i_e=20.0), 100.0, dt=0.1).n_spikes
5
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from .catalogue import Catalogue, declare, is_entry, is_import_path, resolve
from .errors import LifutilsError

__all__ = ["Method", "REGISTRY", "BUILT_IN", "LABELS", "register", "unregister", "registry_view",
           "reference_key", "method_key", "spare_styles", "PALETTE", "LINE_STYLES", "MARKERS",
           "RUN_SETTINGS", "KNOBS", "SOLVE_IVP_SETTINGS", "SOLVE_IVP_METHODS", "EXPLICIT_METHODS",
           "EVALUATIONS_PER_STEP", "WORK_PRECISION_METHODS", "SWITCHING_METHOD"]

#: The automatic stiff/non-stiff switcher among solve_ivp's methods (ODEPACK's LSODA).
SWITCHING_METHOD = "LSODA"
#: solve_ivp's methods by name (scipy's word for them), written here once.
SOLVE_IVP_METHODS = ("RK45", "RK23", "DOP853", "Radau", "BDF", SWITCHING_METHOD)
#: The explicit Runge-Kutta methods among them: each step costs a fixed number of evaluations.
EXPLICIT_METHODS = SOLVE_IVP_METHODS[:3]
#: Right-hand-side evaluations that each accepted step of an explicit method costs at
#: least (first-same-as-last counted once); implicit methods and LSODA take at least one.
EVALUATIONS_PER_STEP = dict(zip(EXPLICIT_METHODS, (6, 3, 12)))
#: The solvers of notebook 04's work-precision sweep: the default, the high-order
#: explicit one, and the automatic stiff/non-stiff switcher.
WORK_PRECISION_METHODS = ("RK45", "DOP853", SWITCHING_METHOD)

#: The settings :func:`lifutils.compare.run_method` hands on: the Euler loops' time
#: step, and solve_ivp's method and tolerances.
RUN_SETTINGS = ("dt", "method", "rtol", "atol", "max_step")
#: The settings that can be a method's knob (what buys accuracy at a cost).
KNOBS = ("dt", "rtol")
#: The settings of a method that runs solve_ivp.
SOLVE_IVP_SETTINGS = ("method", "rtol", "atol", "max_step")

#: Colours for methods, in the order new methods take them: the Okabe-Ito palette
#: (Wong 2011, Nat. Methods 8:441), darkened where needed for 3:1 contrast on white
#: (tests/test_contrast.py). Those that the built-in methods wear (:data:`BUILT_IN`)
#: are reserved for them; the others are left for new ones. Once they are all worn,
#: colours repeat, and line style and marker carry the difference.
PALETTE = ("#4A9AC7", "#009E73", "#D55E00", "#005A8C", "#9C6C00", "#A26085", "#757575",
           "#7D7722")
#: Line styles in the order new methods take them (matplotlib: a name or (offset, dashes)),
#: those of the built-ins reserved; past these, each new method gets a dash pattern of
#: its own, ``(0, (n, 1, 1, 1))``.
LINE_STYLES = ((0, (5, 1)), "-.", ":", "-", "--", (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)),
               (0, (6, 2, 1, 2)))
#: Marker shapes in the order new methods take them, the built-ins' reserved (past
#: these, they repeat).
MARKERS = ("s", "D", "x", "o", "+", "^", "v", "P", "*", "h", "<", ">", "p", "X", "d", "H", "8",
           "1", "2", "3", "4")


@dataclass(frozen=True)
class Method:
    """One way of simulating the LIF neuron: what it is called, how it runs, how it looks.

    Attributes
    ----------
    key : str
        The identifier, e.g. ``"events"``; a result's ``key``.
    label : str
        The display text of tables, legends and dashboards, e.g.
        ``"solve_ivp + events"``.
    name : str
        The short display text of a result of this method (``LIFResult.name``,
        panel titles); the solve_ivp methods add their solver:
        ``"events (RK45)"``.
    runner : callable or str
        The simulator, called as ``runner(params, t_max, **options, **settings)``
        and returning a LIFResult; or ``"package.module:function"`` naming it,
        imported when the method first runs (:attr:`function`).
    settings : tuple of str
        The keyword settings the runner takes, from :data:`RUN_SETTINGS`
        (others are left out by :meth:`run`).
    options : dict
        Fixed keywords for the runner (e.g. ``interpolate=True``).
    knob : str or None
        The setting that trades cost for accuracy (``"dt"`` or ``"rtol"``): the
        work-precision sweep varies it, the side-by-side dashboard has a control
        for it. None for a method whose error does not shrink with it (the
        dv/dt hack) and for the closed form.
    reference : bool
        The exact answer that the others are measured against (one method).
    refractory : bool
        Whether the method honours ``t_ref`` (the dv/dt hack ignores it, as in the
        question), so that a dashboard need not rerun it when only t_ref moves.
    rank : float
        Where the method goes in every table and figure (ascending; the
        reference last).
    color : str
        Hex colour of the method's lines and markers in every figure and table:
        at least 3:1 contrast against the white figure background (WCAG 2.1
        1.4.11, graphics). Empty: the first colour of :data:`PALETTE` that no
        built-in reserves and no registered method wears.
    text_color : str
        Hex colour of text written in the method's colour (panel titles, raster
        row labels): the same hue, dark enough for 4.5:1 (WCAG 1.4.3, text);
        empty means ``color``. ``tests/test_contrast.py`` measures both.
    linestyle, linewidth, zorder :
        How its trace is drawn (the exact answer: thin, dashed, on top). A
        linestyle of None takes the first free one of :data:`LINE_STYLES`.
    marker : dict
        Marker keywords for its points (the simulated f-I rates): different
        shapes, so methods that coincide stay visible. Empty: the first free
        shape of :data:`MARKERS`.
    """

    key: str
    label: str
    name: str
    runner: Callable | str
    settings: tuple = ()
    options: dict = field(default_factory=dict)
    knob: str | None = None
    reference: bool = False
    refractory: bool = True
    rank: float = 50.0
    color: str = ""
    text_color: str = ""
    linestyle: object = None  # a matplotlib line style: a name or (offset, dashes)
    linewidth: float = 1.6
    zorder: float = 2.0
    marker: dict = field(default_factory=dict)

    @property
    def label_color(self) -> str:
        """The colour for text in this method's colour (``text_color``, else ``color``)."""
        return self.text_color or self.color

    @property
    def line_style(self) -> dict:
        """Keywords for ``Axes.plot`` of a trace: color, linestyle, linewidth, zorder."""
        return dict(color=self.color, linestyle=self.linestyle, linewidth=self.linewidth,
                    zorder=self.zorder)

    def result_name(self, solver=None) -> str:
        """The ``name`` of a result: the method's name, with the solver when there is one."""
        return self.name if solver is None else f"{self.name} ({solver})"

    @property
    def function(self) -> Callable:
        """The runner as a function (a ``"module:function"`` runner imported now)."""
        return resolve(self.runner)

    def run(self, params, t_max, **settings):
        """Run the method; keyword settings it does not take (or that are None) are left out.

        Returns
        -------
        LIFResult
        """
        used = {k: v for k, v in settings.items() if k in self.settings and v is not None}
        result = self.function(params, t_max, **self.options, **used)
        from .result import LIFResult  # result.py imports this module
        if not isinstance(result, LIFResult) or result.key != self.key:
            raise LifutilsError(f"the runner of method {self.key!r} must return a LIFResult whose "
                                f"key is {self.key!r}, got {_show(result)}")
        _check_spike_times(self.key, result.spike_times)
        return result


def _check_spike_times(key, spike_times):
    """A runner's spike times: a 1-D array of finite times (ms) in order, or a LifutilsError
    (every table and error measure reads them as such)."""
    try:
        times = np.asarray(spike_times)
    except (TypeError, ValueError):  # a ragged list
        times = None
    if times is None or times.ndim != 1 or times.dtype.kind not in "iuf" \
            or not np.isfinite(times).all() or np.any(np.diff(times) < 0):
        raise LifutilsError(f"the runner of method {key!r} must return spike_times as a "
                            f"one-dimensional array of finite times (ms) in increasing order, "
                            f"got {spike_times!r:.80}")


def _show(result) -> str:
    """A short account of what a runner returned, for the error above."""
    key = getattr(result, "key", None)
    kind = type(result).__name__
    if key is None:
        return f"a {kind}"
    return f"a result with key {key!r}" if kind == "LIFResult" else \
        f"a {kind} (not a LIFResult) with key {key!r}"


def _is_hex(value) -> bool:
    """A hex colour, #RGB, #RRGGBB or #RRGGBBAA: what a style attribute and matplotlib both read."""
    return isinstance(value, str) and len(value) in (4, 7, 9) and value[0] == "#" \
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])


def _colour(name, value) -> str:
    """A colour as hex text: hex as given; any other matplotlib colour ("red", "C0", an RGB
    tuple) as matplotlib's hex for it; anything else refused (the colour is written into
    the side-by-side table's style attribute, so only a colour may get there)."""
    if isinstance(value, str) and (value == "" or _is_hex(value)):
        return value
    if not isinstance(value, (str, tuple, list)):  # an array would reach `value == ""`
        raise LifutilsError(f"Method.{name} must be a colour (hex such as '#4A9AC7', or a "
                            f"matplotlib colour name), got {value!r}")
    try:
        from matplotlib.colors import to_hex  # only for a colour given by name
        return to_hex(value, keep_alpha=len(value) == 4 if isinstance(value, tuple) else False)
    except (ValueError, TypeError, ImportError):
        raise LifutilsError(f"Method.{name} must be a colour (hex such as '#4A9AC7', or a "
                            f"matplotlib colour name), got {value!r}") from None


def _number(name, value) -> float:
    try:
        number = float(value) if isinstance(value, numbers.Real) else math.nan
    except OverflowError:  # an int past float's range
        number = math.inf
    if isinstance(value, bool) or not math.isfinite(number):
        raise LifutilsError(f"Method.{name} must be a finite number, got {value!r:.60}")
    return number


def _drawable(method) -> None:
    """Refuse a line style or marker that matplotlib cannot draw (it would fail only in the
    first figure that shows the method); checked by making the line they describe."""
    try:
        from matplotlib.lines import Line2D  # only for a method of the user's
    except ImportError:  # pragma: no cover - no figures without matplotlib either
        return
    try:
        Line2D([], [], linestyle=method.linestyle, linewidth=method.linewidth, **method.marker)
    except (TypeError, ValueError, AttributeError) as exc:
        raise LifutilsError(f"Method.linestyle and Method.marker must be a line style and marker "
                            f"keywords matplotlib draws (such as '--' or (0, (5, 1)), and "
                            f"{{'marker': 'o'}}), got linestyle={method.linestyle!r:.40} and "
                            f"marker={method.marker!r:.60} ({exc})") from None


def _checked(method, others) -> Method:
    """The method, checked against the ``others`` registered, with a free colour, line style
    and marker where it has none (:class:`~lifutils.catalogue.Catalogue`'s ``check``)."""
    if not is_entry(method, Method):
        raise LifutilsError(f"register takes a Method, got {type(method).__name__}")
    # the package's own are drawn in every figure's tests (and need no matplotlib to import)
    built_in = any(method is own for own in BUILT_IN)
    if not (isinstance(method.label, str) and isinstance(method.name, str)):
        raise LifutilsError(f"Method.label and Method.name must be text, got {method.label!r} "
                            f"and {method.name!r}")
    if any(m.label == method.label for m in others):
        raise LifutilsError(f"Method.label must be new; {method.label!r} is taken")
    if not (callable(method.runner) or is_import_path(method.runner)):
        raise LifutilsError(f"Method.runner must be callable (or 'package.module:function' "
                            f"text), got {method.runner!r}")
    if not isinstance(method.settings, (tuple, list)) \
            or not all(isinstance(name, str) for name in method.settings):
        raise LifutilsError(f"Method.settings must be a tuple of names from "
                            f"{list(RUN_SETTINGS)}, got {method.settings!r}")
    if not isinstance(method.options, Mapping) \
            or not all(isinstance(name, str) for name in method.options):
        raise LifutilsError(f"Method.options must be a dict of keyword arguments for the "
                            f"runner, got {method.options!r}")
    both = sorted(set(method.options) & set(method.settings))
    if both:  # run() would pass them twice: "got multiple values for keyword argument"
        raise LifutilsError(f"Method.options and Method.settings must not share a name: "
                            f"{both} is in both (a setting is given at each run)")
    unknown = set(method.settings) - set(RUN_SETTINGS)
    if unknown:
        raise LifutilsError(f"Method.settings must come from {list(RUN_SETTINGS)}; "
                            f"{sorted(unknown)} is not one")
    if method.knob is not None and (method.knob not in KNOBS or method.knob not in method.settings):
        raise LifutilsError(f"Method.knob must be None or one of {list(KNOBS)} that is among its "
                            f"settings {list(method.settings)}, got {method.knob!r}")
    for name in ("reference", "refractory"):  # (reference sorts the catalogue)
        if not isinstance(getattr(method, name), (bool, np.bool_)):
            raise LifutilsError(f"Method.{name} must be True or False, got "
                                f"{getattr(method, name)!r:.60}")
    if method.reference and any(m.reference for m in others):
        raise LifutilsError(f"there is one reference method "
                            f"({next(m.key for m in others if m.reference)!r}); "
                            f"{method.key!r} cannot be another")
    for name in ("rank", "linewidth", "zorder"):
        _number(name, getattr(method, name))
    if not isinstance(method.marker, dict):
        raise LifutilsError(f"Method.marker must be a dict of marker keywords, got "
                            f"{method.marker!r}")
    method = replace(method, color=_colour("color", method.color),
                     text_color=_colour("text_color", method.text_color))
    if not built_in:
        _drawable(method)
    if method.color and method.linestyle is not None and method.marker:
        return method  # a style of its own (every built-in has one)
    colours, lines, markers = _pools(others)
    used_lines = [m.linestyle for m in others]
    return replace(method,
                   color=method.color or _free([m.color for m in others], colours),
                   linestyle=(_free_line_style(used_lines, lines)
                              if method.linestyle is None else method.linestyle),
                   marker=method.marker or dict(
                       marker=_free([m.marker.get("marker") for m in others], markers)))


def _reserved():
    """Colours, markers and line styles of the declared methods: never given to another."""
    return ({m.color for m in BUILT_IN}, {m.marker.get("marker") for m in BUILT_IN},
            [m.linestyle for m in BUILT_IN])


def _pools(others):
    """The colours, markers and line styles a new method may take: those of
    :data:`PALETTE`, :data:`MARKERS` and :data:`LINE_STYLES` that no built-in reserves."""
    colours, markers, lines = _reserved()
    return ([c for c in PALETTE if c not in colours] or list(PALETTE),
            [ls for ls in LINE_STYLES if ls not in lines] or list(LINE_STYLES),
            [k for k in MARKERS if k not in markers] or list(MARKERS))


def _free(used, choices):
    """The first of choices not in used; when all are, the next one round the cycle."""
    return next((c for c in choices if c not in used), choices[len(used) % len(choices)])


def _free_line_style(used, choices):
    """The first line style of choices not in used, else a new dash pattern."""
    free = [style for style in choices if style not in used]
    if free:
        return free[0]
    n = 2
    while (0, (n, 1, 1, 1)) in used:
        n += 1
    return (0, (n, 1, 1, 1))


def spare_styles(n, first=0) -> list:
    """``n`` (colour, marker, line style) triples that no built-in reserves and no registered
    method wears, for lines that are not methods of their own (a method's other solvers, a
    population's approaches); each of the three goes round its cycle when the spare ones
    run out. ``first``: the index of the first triple (spare_styles(1, first=k)[0] is the
    k-th, without building the k before it).

    Examples
    --------
    >>> len(spare_styles(2)), spare_styles(1)[0][0] in PALETTE
    (2, True)
    """
    taken = list(REGISTRY.values())
    colours, lines, markers = _pools(taken)
    pools = ([c for c in colours if c not in {m.color for m in taken}] or colours,
             [k for k in markers if k not in {m.marker.get("marker") for m in taken}]
             or markers,
             [ls for ls in lines if ls not in [m.linestyle for m in taken]] or lines)
    return [tuple(pool[i % len(pool)] for pool in pools) for i in range(first, first + n)]


def register(method: Method) -> Method:
    """Add a user's method to :data:`REGISTRY` (in rank order) and return it, its style
    filled in. The package's own methods are declared in :data:`BUILT_IN` instead.

    Registering a method again with the same key and a runner of the same
    qualified name (``module.function``), as a notebook cell run twice or a
    reload of its module does (``importlib.reload``, ``%autoreload``), replaces
    it in one step.

    Raises
    ------
    LifutilsError
        If the key or label is taken, the runner is not callable, a setting is not
        one of :data:`RUN_SETTINGS`, options is not a dict or shares a name with the
        settings, the knob is not one of its settings, a second reference is given,
        reference or refractory is not True or False, a colour is not a colour (hex,
        or a matplotlib name: it is stored as hex), rank, linewidth or zorder is not
        a finite number, or matplotlib cannot draw its line style or marker.

    Examples
    --------
    >>> from lifutils import simulate_euler
    >>> m = register(Method("coarse", "Euler, dt = 1 ms", "coarse Euler",
    ...                     lambda p, t_max: simulate_euler(p, t_max, dt=1.0)))
    >>> list(REGISTRY)[-2:], m.color in PALETTE, m.color in {b.color for b in BUILT_IN}
    (['coarse', 'exact'], True, False)
    >>> unregister("coarse").key
    'coarse'
    """
    if not is_entry(method, Method):
        raise LifutilsError(f"register takes a Method, got {type(method).__name__}")
    return REGISTRY.add(method)


def unregister(key) -> Method:
    """Take method ``key`` out of :data:`REGISTRY` and return it."""
    return REGISTRY.remove(key)


class _RegistryView(Mapping):
    """Key -> one attribute of each registered method, read live from :data:`REGISTRY`."""

    def __init__(self, attribute):
        self._attribute = attribute

    def __getitem__(self, key):
        return getattr(REGISTRY[key], self._attribute)

    def __iter__(self):
        return iter(REGISTRY)

    def __len__(self):
        return len(REGISTRY)

    def __repr__(self):
        return f"{{{', '.join(f'{k!r}: {v!r}' for k, v in self.items())}}}"


def registry_view(attribute) -> Mapping:
    """A live mapping key -> ``getattr(method, attribute)`` over :data:`REGISTRY`.

    Examples
    --------
    >>> registry_view("label")["hack"]
    'dv/dt hack'
    """
    return _RegistryView(attribute)


#: Key -> label, in the order of :data:`REGISTRY` (a live view).
LABELS = registry_view("label")


def reference_key() -> str:
    """The key of the reference method (the exact answer); a LifutilsError if none is
    registered (after ``unregister("exact")``)."""
    key = next((key for key, m in REGISTRY.items() if m.reference), None)
    if key is None:
        raise LifutilsError("no reference method is registered (the exact answer, key 'exact', "
                            "was unregistered): register one with Method(..., reference=True)")
    return key


def method_key(result) -> str:
    """The registry key of a result, or a key itself (checked).

    Parameters
    ----------
    result : LIFResult or str
        A simulated trace (its ``key``) or a key of :data:`REGISTRY`.

    Raises
    ------
    LifutilsError
        If it is neither (free text such as ``"Euler loop"`` is not read).

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_events
    >>> method_key(simulate_events(LIFParams(i_e=20.0), 50.0)), method_key("hack")
    ('events', 'hack')
    """
    key = getattr(result, "key", result)
    if not isinstance(key, str) or key not in REGISTRY:
        raise LifutilsError(f"result must be a LIFResult or a key, one of {list(REGISTRY)}; "
                            f"got {result!r}")
    return key


#: The package's own methods, in the order of every table and figure (the reference last),
#: each with its fixed style. Their colours, markers and line styles are reserved: a
#: method added by :func:`register` never takes them.
BUILT_IN = (
    Method("euler", "Euler loop", "Euler", "lifutils.euler:simulate_euler", ("dt",),
           knob="dt", rank=10, color="#4A9AC7", text_color="#3B7BA0", linestyle=(0, (5, 1)),
           marker=dict(marker="s", markersize=8, markerfacecolor="none", markeredgewidth=1.3)),
    Method("euler_interp", "Euler, interpolated", "Euler, interpolated",
           "lifutils.euler:simulate_euler", ("dt",), dict(interpolate=True), knob="dt",
           rank=20, color="#009E73", text_color="#008561", linestyle="-.",
           marker=dict(marker="D", markersize=6, markerfacecolor="none", markeredgewidth=1.3)),
    # No knob: tightening rtol does not mend the hack; it ignores t_ref, as in the question.
    Method("hack", "dv/dt hack", "dv/dt hack", "lifutils.dvdt_hack:simulate_dvdt_hack",
           SOLVE_IVP_SETTINGS, refractory=False, rank=30, color="#D55E00",
           text_color="#C05500", linestyle=":", linewidth=2.0,
           marker=dict(marker="x", markersize=6, markeredgewidth=1.5)),
    Method("events", "solve_ivp + events", "events", "lifutils.events:simulate_events",
           SOLVE_IVP_SETTINGS, knob="rtol", rank=40, color="#005A8C", linestyle="-",
           marker=dict(marker="o", markersize=4)),
    # The reference, drawn thin, dashed and on top.
    Method("exact", "exact", "exact", "lifutils.analytic:simulate_exact", reference=True,
           rank=90, color="#000000", linestyle="--", linewidth=0.9, zorder=3.0,
           marker=dict(marker="+", markersize=8, markeredgewidth=1.3)),
)

#: The methods by key, in the order they are shown everywhere (by rank, the reference last).
REGISTRY = declare(globals(), "REGISTRY",
                   Catalogue("method", BUILT_IN, check=_checked,
                             order=lambda m: (m.reference, m.rank)))

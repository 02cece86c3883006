"""The registry of methods: one entry per way of simulating the neuron.

Each method has a key (``"euler"``, ``"euler_interp"``, ``"hack"``,
``"events"``, ``"exact"``), and :data:`REGISTRY` maps it to a :class:`Method`:
its label (for tables and legends), the name its results carry, the function
that runs it, and its style (colour, line, marker) in every figure. Tables,
labels, colours and the dashboards' controls read this table; the side-by-side
figure and dashboard, the work-precision sweep and notebook 04 still place the
five methods by position or name, so a new method needs them too (issue 16).

This module sits at the bottom of the house: the simulators import it for
their names, so it names each runner (``"lifutils.euler:simulate_euler"``)
rather than importing it, and looks it up when a method is run.

Examples
--------
>>> REGISTRY["events"].label, REGISTRY["events"].result_name("LSODA")
('solve_ivp + events', 'events (LSODA)')
>>> from lifutils import LIFParams
>>> REGISTRY["euler"].run(LIFParams(i_e=20.0), 100.0, dt=0.1).n_spikes
5
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from .errors import LifutilsError

__all__ = ["Method", "REGISTRY", "LABELS", "method_key", "result_name", "SOLVE_IVP_METHODS",
           "EXPLICIT_METHODS", "EVALUATIONS_PER_STEP", "WORK_PRECISION_METHODS"]

#: solve_ivp's methods by name (scipy's word for them), written here once.
SOLVE_IVP_METHODS = ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA")
#: The explicit Runge-Kutta methods among them: each step costs a fixed number of evaluations.
EXPLICIT_METHODS = SOLVE_IVP_METHODS[:3]
#: Right-hand-side evaluations that each accepted step of an explicit method costs at
#: least (first-same-as-last counted once); implicit methods and LSODA take at least one.
EVALUATIONS_PER_STEP = dict(zip(EXPLICIT_METHODS, (6, 3, 12)))
#: The solvers of notebook 04's work-precision sweep: the default, the high-order
#: explicit one, and the automatic stiff/non-stiff switcher.
WORK_PRECISION_METHODS = ("RK45", "DOP853", "LSODA")


@dataclass(frozen=True)
class Method:
    """One way of simulating the LIF neuron: what it is called, how it runs, how it looks.

    Attributes
    ----------
    key : str
        Short identifier, e.g. ``"events"``; a result's ``key``.
    label : str
        Shown in tables, legends and dashboards, e.g. ``"solve_ivp + events"``.
    name : str
        What a result of this method calls itself (``LIFResult.method``); the
        solve_ivp methods add their solver: ``"events (RK45)"``.
    runner : str
        ``"module:function"`` of the simulator, called as
        ``function(params, t_max, **options, **settings)``.
    settings : tuple of str
        The keyword settings the runner takes (others are ignored by :meth:`run`).
    options : dict
        Fixed keywords for the runner (e.g. ``interpolate=True``).
    color : str
        Hex colour of the method's lines and markers in every figure and table:
        at least 3:1 contrast against the white figure background (WCAG 2.1
        1.4.11, graphics).
    text_color : str
        Hex colour of text written in the method's colour (panel titles, raster
        row labels): the same hue, dark enough for 4.5:1 (WCAG 1.4.3, text);
        empty means ``color``. ``tests/test_contrast.py`` measures both.
    linestyle, linewidth, zorder :
        How its trace is drawn (the exact answer: thin, dashed, on top).
    marker : dict
        Marker keywords for its points (the simulated f-I rates): different
        shapes, so methods that coincide stay visible.
    """

    key: str
    label: str
    name: str
    runner: str
    settings: tuple = ()
    options: dict = field(default_factory=dict)
    color: str = "#000000"
    text_color: str = ""
    linestyle: object = "-"  # a matplotlib line style: a name or (offset, dashes)
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
        """The ``method`` text of a result: the name, with the solver when there is one."""
        return self.name if solver is None else f"{self.name} ({solver})"

    def run(self, params, t_max, **settings):
        """Run the method; keyword settings it does not take (or that are None) are ignored.

        Returns
        -------
        LIFResult
        """
        module, function = self.runner.split(":")
        simulate = getattr(importlib.import_module(module), function)
        used = {k: v for k, v in settings.items() if k in self.settings and v is not None}
        return simulate(params, t_max, **self.options, **used)


_SOLVE_IVP = ("method", "rtol", "atol", "max_step")

#: The methods, in the order they are shown everywhere. Colours: the
#: Okabe-Ito palette, the sky blue and the blue darkened so that every line
#: has 3:1 contrast on white and every pair stays clearly apart (CIEDE2000 at
#: least 15) for normal vision, protanopia and deuteranopia
#: (tests/test_palette.py, tests/test_contrast.py): Euler sky blue,
#: interpolated Euler bluish green, dv/dt hack vermillion, events dark blue,
#: exact black; text in a method's colour uses a darker shade of it (4.5:1).
#: No figure relies on colour alone: each method also has its own line style
#: and marker.
REGISTRY = {m.key: m for m in (
    Method("euler", "Euler loop", "Euler", "lifutils.euler:simulate_euler", ("dt",),
           color="#4A9AC7", text_color="#3B7BA0", linestyle=(0, (5, 1)),
           marker=dict(marker="s", markersize=8, markerfacecolor="none", markeredgewidth=1.3)),
    Method("euler_interp", "Euler, interpolated", "Euler, interpolated",
           "lifutils.euler:simulate_euler", ("dt",), dict(interpolate=True), color="#009E73",
           text_color="#008561",
           linestyle="-.",
           marker=dict(marker="D", markersize=6, markerfacecolor="none", markeredgewidth=1.3)),
    Method("hack", "dv/dt hack", "dv/dt hack", "lifutils.dvdt_hack:simulate_dvdt_hack",
           _SOLVE_IVP, color="#D55E00", text_color="#C05500", linestyle=":", linewidth=2.0,
           marker=dict(marker="x", markersize=6, markeredgewidth=1.5)),
    Method("events", "solve_ivp + events", "events", "lifutils.events:simulate_events",
           _SOLVE_IVP, color="#005A8C", linestyle="-", marker=dict(marker="o", markersize=4)),
    Method("exact", "exact", "exact", "lifutils.analytic:simulate_exact", color="#000000",
           linestyle="--", linewidth=0.9, zorder=3.0,
           marker=dict(marker="+", markersize=8, markeredgewidth=1.3)),
)}

#: Key -> label, in the order of :data:`REGISTRY`.
LABELS = {key: m.label for key, m in REGISTRY.items()}


def result_name(key, solver=None) -> str:
    """The ``method`` text a result of method ``key`` carries (see :meth:`Method.result_name`).

    Examples
    --------
    >>> result_name("hack", "Radau"), result_name("euler")
    ('dv/dt hack (Radau)', 'Euler')
    """
    return REGISTRY[method_key(key)].result_name(solver)


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
        raise LifutilsError(f"method must be a LIFResult or one of {list(REGISTRY)}, "
                            f"got {result!r}")
    return key

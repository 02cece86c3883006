"""The dashboards of the larger models: the phase plane (notebook 08) and kicks (notebook 05).

:func:`phase_plane`: move the input and the reset, watch the trajectory change.

For the two-variable models of :mod:`lifutils.gallery` (AdEx's V-w plane,
Izhikevich's v-u plane): the nullclines, the trajectory, each reset drawn as a
jump, and the spike train under it (:mod:`lifutils.figures.phase` draws it).
A pattern chooser picks a published pattern of either family and sets the
sliders to its values; the sliders then move the input (``I``) and the reset
(AdEx: ``Vr`` and ``b``; Izhikevich: ``c`` and ``d``). Nothing numeric lives
here.

Every run is solved with :data:`SOLVER` (LSODA at rtol = atol = 1e-4) and
cached per setting, so going back to a setting is instant.

:func:`kick_synchrony`: notebook 05's four neurons that kick each other; a
slider for the kick, a raster with the volleys shaded.
"""
from __future__ import annotations

import contextlib
import math
from types import MappingProxyType

import numpy as np

from ..errors import LifutilsError
from ..gallery import FAMILIES, adex, drive, firing_pattern, fixed_points, izhikevich
from ..analytic import interspike_interval
from ..methods import SWITCHING_METHOD
from ..params import LIFParams
from ..figures.network import VolleyFigure
from ..references.network import exact_delta_network
from ..figures.phase import RESET_NAMES, PhasePlaneFigure, settings_text
from .framework import SIZES, Dashboard, cached, check_size, choices, control_values, slider
from .redraw import FastPNG

__all__ = ["phase_plane", "kick_synchrony", "PhasePlaneDashboard", "SOLVER", "T_END",
           "PATTERN_OPTIONS", "KICK_DRIVES", "KICK_V_START", "KICK_T_MAX"]

#: solve_ivp settings of every run: LSODA, about twice as fast here as RK45 for the same
#: tolerance. At rtol = atol = 1e-4 every published pattern keeps its spike count, and its
#: spike times stay within about a millisecond of a run at 1e-10 (tests/test_phase_plane.py):
#: a pixel or two of the figure. Tighter costs time per redraw (benchmarks/widget_latency.py).
SOLVER = dict(method=SWITCHING_METHOD, rtol=1e-4, atol=1e-4)
#: Simulated time (ms) per family: long enough for adaptation and a burst or two.
T_END = {"adex": 300.0, "izhikevich": 200.0}
_FAMILY_WORDS = {"adex": "AdEx", "izhikevich": "Izhikevich"}
#: The pattern chooser's options, label -> (family, name), AdEx first. The chooser's values
#: are the labels (ipywidgets reports a value that is not an option clearly only for
#: values that are not tuples).
PATTERN_OPTIONS = MappingProxyType({
    **{f"AdEx {d}": ("adex", n) for n, (d, _) in FAMILIES["adex"].table.items()},
    **{f"Izhikevich {n}": ("izhikevich", n) for n in FAMILIES["izhikevich"].table}})
_LABELS = {key: label for label, key in PATTERN_OPTIONS.items()}
_PATTERN_CSS = """<style>
.lif-pattern .widget-readout { max-width: none !important; min-width: 15em; text-align: left; }
</style>"""


def _sliders(family):
    """The input and reset sliders of a family, each with its unit."""
    if family == "adex":
        return {"I": slider("I (pA)", 500.0, 0.0, 800.0, 10.0, ".0f"),
                "Vr": slider("Vr (mV)", -58.0, -75.0, -40.0, 1.0, ".1f"),
                "b": slider("b (pA)", 0.0, 0.0, 200.0, 5.0, ".0f")}
    return {"I": slider("I (mV/ms)", 10.0, -5.0, 30.0, 0.1, ".1f"),
            "c": slider("c (mV)", -65.0, -75.0, -40.0, 1.0, ".1f"),
            "d": slider("d (mV/ms)", 2.0, 0.0, 10.0, 0.05, ".2f")}


def _published(family, name):
    """The slider values of a published pattern: (I, reset v, jump)."""
    model = adex(name) if family == "adex" else izhikevich(name)
    reset_v, jump = RESET_NAMES[family]
    return {"I": drive(model), reset_v: model.params[reset_v], jump: model.params[jump]}


@cached
def run(family, name, I, reset_v, jump):
    """(model, result) of a pattern with its input and reset changed; cached, errors too."""
    v_name, jump_name = RESET_NAMES[family]
    build = adex if family == "adex" else izhikevich
    model = build(name, t_end=T_END[family], I=I, **{v_name: reset_v, jump_name: jump})
    return model, model.solve(**SOLVER)


class PhasePlaneDashboard(Dashboard):
    """The dashboard of :func:`phase_plane`: a :class:`~lifutils.widgets.Dashboard` whose
    sliders follow the chosen pattern's family.

    Attributes
    ----------
    sliders : dict
        Family -> its sliders (name -> widget); ``controls`` holds the chooser
        and the sliders of the family shown.
    """

    def __init__(self, pattern=("adex", "tonic"), *, size="screen"):
        check_size(size)
        self._holding = False
        chooser = choices("pattern", tuple(PATTERN_OPTIONS), _LABELS[pattern])
        chooser.add_class("lif-pattern")  # a readout wide enough for its longest label
        chooser.layout.width = "36em"
        self.sliders = {family: _sliders(family) for family in RESET_NAMES}
        self._shown = pattern
        self._set_published(pattern)
        figure = PhasePlaneFigure(figsize=(7.2, 6.4), dpi=SIZES[size], layout="constrained",
                                  facecolor="white")
        figure.set_run(*run(*pattern, *self._values(pattern[0])))
        renderer = FastPNG(figure, artists=figure.moving)
        controls = {"pattern": chooser, **self.sliders[pattern[0]]}
        super().__init__("Phase plane: the input and the reset move the trajectory", controls,
                         figure, self._draw_phase, renderer=renderer, size=size,
                         warm=self._warm_phase)
        self.children[0].value += _PATTERN_CSS
        for family, widgets in self.sliders.items():
            if family != pattern[0]:
                for widget in widgets.values():
                    widget.observe(self._on_change, names="value")

    def _on_change(self, change):
        if not self._holding:  # not while the chooser sets the sliders to a pattern
            self.redraw()
            self.start_prefetch(change)

    def _warm_phase(self, values):
        """The run ``values`` would draw (a slider's neighbour; not a new pattern)."""
        pattern = PATTERN_OPTIONS[values["pattern"]]
        if pattern == self._shown:
            run(*pattern, *(values[name] for name in self.sliders[pattern[0]]))

    @contextlib.contextmanager
    def _hold(self):
        self._holding = True
        try:
            yield
        finally:
            self._holding = False

    def _values(self, family):
        return tuple(w.value for w in self.sliders[family].values())

    def _set_published(self, pattern):
        with self._hold():
            for name, value in _published(*pattern).items():
                self.sliders[pattern[0]][name].value = value

    def _switch(self, pattern):
        """Show the sliders of the pattern's family, at the pattern's published values."""
        self._set_published(pattern)
        family_changed = pattern[0] != self._shown[0]
        self._shown = pattern
        if family_changed:  # (within a family the panel stays, and the focus in it)
            self.controls = {"pattern": self.controls["pattern"], **self.sliders[pattern[0]]}
            self.children[1].children = tuple(self.controls.values())
        # New title and labels: lay the figure out and draw it whole again.
        self.figure.set_layout_engine("constrained")
        self.renderer.invalidate()

    def _draw_phase(self, values):
        pattern = PATTERN_OPTIONS[values["pattern"]]
        if pattern != self._shown:
            self._switch(pattern)
        model, result = run(*pattern, *self._values(pattern[0]))
        self.figure.set_run(model, result)
        return summary(model, result)


def summary(model, result):
    """The status line's numbers: pattern word, spike count, and whether it can rest."""
    spikes = result.t_events[0]
    rests = fixed_points(model)
    rest = ("a resting state exists at this input" if len(rests)
            else "no resting state at this input")
    word = firing_pattern(spikes)
    what = f"{word}: {len(spikes)} spikes" if len(spikes) > 1 else word
    return f"{what} in {model.t_span[1]:g} ms; {rest}; {settings_text(model)}"


def phase_plane(pattern="tonic", family="adex", *, size="screen"):
    """The phase plane of AdEx or Izhikevich: nullclines, trajectory, reset jumps, spike train.

    Controls: ``pattern`` (a published pattern of either family: choosing one
    sets the sliders to its values), ``I`` (the input after its switch at
    10 ms: pA for AdEx, mV/ms for Izhikevich), and the reset: AdEx's ``Vr``
    (mV) and ``b`` (pA), or Izhikevich's ``c`` (mV) and ``d`` (mV/ms). Each
    run is 300 ms (AdEx) or 200 ms (Izhikevich), solved with :data:`SOLVER`
    (LSODA, rtol = atol = 1e-4) and cached. The status line gives the pattern
    (:func:`lifutils.gallery.firing_pattern`), the spike count and whether
    the nullclines cross (a resting state); the live description says what
    the figure shows.

    Parameters
    ----------
    pattern : str
        The pattern to start from (a name in the table of
        ``lifutils.gallery.FAMILIES[family]``).
    family : {"adex", "izhikevich"}
    size : {"screen", "projector"}
        ``"projector"`` draws larger text, lines and controls, for the back of
        a room. Default ``"screen"``.

    Returns
    -------
    PhasePlaneDashboard

    Examples
    --------
    >>> dash = phase_plane()
    >>> dash.controls["b"].value = 60.0   # a jump in w at each reset: adaptation
    >>> "b=60" in dash.status.value, "adapting" in dash.status.value
    (True, True)
    """
    family = family.lower() if isinstance(family, str) else family
    if family not in RESET_NAMES:
        raise LifutilsError(f"family must be one of {', '.join(map(repr, RESET_NAMES))}, "
                            f"got {family!r}")
    model = (adex if family == "adex" else izhikevich)(pattern)  # a bad name: its message
    return PhasePlaneDashboard((family, model.name), size=size)


# --------------------------------------------------------------------------- notebook 05

#: Notebook 05's four neurons: drives (nA) and starting potentials (mV).
KICK_DRIVES = (18.0, 20.0, 22.0, 24.0)
KICK_V_START = (-70.0, -65.0, -60.0, -75.0)
KICK_T_MAX = 300.0  # ms
#: Closer than this (mV) to the threshold after a kick: a tie, decided by rounding.
TIE_MARGIN = 1e-9


@cached
def kick_run(kick):
    """Exact spike times of notebook 05's four neurons, each spike kicking the others by
    ``kick`` mV (:func:`lifutils.references.exact_delta_network`); cached."""
    weights = kick * (1.0 - np.eye(len(KICK_DRIVES)))
    return exact_delta_network(LIFParams(), KICK_T_MAX, i_e=KICK_DRIVES, v0=KICK_V_START,
                               weights=weights)


def kick_synchrony(*, size="screen"):
    """Notebook 05's four coupled neurons: how big a kick makes them fire together.

    Control: ``kick`` (mV, 0 to 4): the jump of every other neuron's v at each
    spike. The four neurons (drives 18, 20, 22, 24 nA, the question's
    membrane) are those of notebook 05, solved by the exact event-by-event
    reference (:func:`lifutils.references.exact_delta_network`: the spike
    times notebook 05's solve_ivp_with_resets run matches). The raster shades
    the stretch where they fire in volleys (:func:`lifutils.references.volley_lock`);
    the status gives the spike counts, when they lock and how often the volleys
    come, and flags a tie (a kick that lands a neuron on its threshold to
    rounding: 2, 3 and 3.75 mV, for instance).

    Parameters
    ----------
    size : {"screen", "projector"}
        ``"projector"`` draws larger text, lines and controls. Default ``"screen"``.

    Returns
    -------
    Dashboard

    Examples
    --------
    >>> dash = kick_synchrony()
    >>> dash.controls["kick"].value = 2.5
    >>> "kick=2.50" in dash.status.value, "volleys from 29.4 ms" in dash.status.value
    (True, True)
    """
    check_size(size)
    controls = {"kick": slider("kick (mV)", 0.0, 0.0, 4.0, 0.25, ".2f")}
    figure = VolleyFigure(figsize=(7.2, 2.8), dpi=SIZES[size], layout="constrained",
                          facecolor="white")

    def draw(values):
        kick = values["kick"]
        net = kick_run(kick)
        tie = net.margin < TIE_MARGIN
        figure.set_run(net.spike_times, KICK_DRIVES, kick=kick, t_max=KICK_T_MAX, tie=tie)
        counts = ", ".join(str(len(t)) for t in net.spike_times)
        if math.isfinite(figure.locked):
            fastest = interspike_interval(LIFParams(i_e=max(KICK_DRIVES)))
            lock = (f"volleys from {figure.locked:.1f} ms, one every {figure.interval:.1f} ms "
                    f"(alone the fastest fires every {fastest:.1f} ms)")
        else:
            lock = "no lasting volleys"
        note = "; TIE: a kick lands a neuron on its threshold, rounding decides" if tie else ""
        return f"spikes per neuron {counts}; {lock}{note}"

    draw(control_values(controls))
    renderer = FastPNG(figure, artists=figure.moving)
    return Dashboard("Four neurons that kick each other: when do they fire together?",
                     controls, figure, draw, renderer=renderer, size=size,
                     warm=lambda values: kick_run(values["kick"]))

"""Figures for the LIF neuron: matplotlib only, one color per method everywhere.

Every function draws on the Axes it is given (``ax=...``) or, when none is
given, on a new :class:`matplotlib.figure.Figure` that pyplot does not know
about (so nothing is left open and nothing is shown twice); it returns the
Axes. In a notebook, end the cell with ``ax.figure`` to show the figure (it
shows as a PNG whether or not pyplot was imported). Nothing here changes
global matplotlib state.

Units: time in ms, voltage in mV, current in nA, rates in Hz.

Every ``plot_*`` takes its data first, then ``ax`` (the last positional
argument, None for a new figure), then keyword-only options.

Each figure that a dashboard redraws is an object that keeps its artists
(:class:`TraceFigure`, :class:`SideBySideFigure`, :class:`RasterFigure`): the
``plot_*`` function draws one for a notebook; a dashboard of :mod:`lifutils.widgets`
keeps one and calls its ``update`` on each slider move. Colours,
line styles and markers come from :data:`lifutils.methods.REGISTRY`.

Examples
--------
>>> from lifutils import LIFParams, simulate_euler, simulate_exact
>>> p = LIFParams(i_e=20.0)
>>> ax = plot_trace(simulate_euler(p, 100.0), exact=simulate_exact(p, 100.0))
>>> ax.get_xlabel(), ax.get_ylabel()
('time (ms)', 'membrane potential v (mV)')
"""
from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist

# The building blocks live in drawing.py, shared by the figures of every plotting module;
# the rasters in rasters.py (re-exported here, where the notebooks import them).
from .drawing import (GID_EXACT, GID_SPIKES, GID_TRACE, METHOD_COLORS, METHOD_STYLES,
                      METHOD_TEXT_COLORS, Guides, PngFigure, describe, figure_to_png, new_axes,
                      new_figure, number, set_description, set_headline, spike_marker_y,
                      spikes_phrase, thin, time_axis_end, zoom_inset)
from .rasters import RasterFigure, plot_raster
from ..errors import LifutilsError
from ..methods import method_key
from ..params import check_t_max

__all__ = ["METHOD_COLORS", "METHOD_TEXT_COLORS", "METHOD_STYLES", "method_key", "plot_trace",
           "plot_side_by_side", "plot_raster", "plot_input", "new_figure", "figure_to_png",
           "describe", "TraceFigure", "SideBySideFigure", "RasterFigure", "stacked_panels"]


# --------------------------------------------------------------------------- traces

#: How a panel of a stack (:class:`SideBySideFigure`, one method per panel, its title naming
#: it) draws: the method's own trace solid and thick, the exact answer a thinner grey dashed
#: line behind it, where it shows only if the method leaves it. Read at lecture distance, no
#: dotted trace breaks up over a sawtooth; the title, not the line style, tells the methods
#: apart. The trace keeps matplotlib's zorder, so what a caller plots over a panel afterwards
#: (notebook 02's solver steps) is drawn on top.
PANEL_TRACE = dict(linestyle="-", linewidth=2.4, zorder=2.0)
PANEL_EXACT = dict(color="#555555", linestyle=(0, (4, 2)), linewidth=1.3, zorder=1.8)


class Trace:
    """One trace drawn by a :class:`TraceFigure`: its artists and the numbers its
    description says (copies: the caller may reuse its arrays).

    Attributes
    ----------
    label : str
    line, marks : matplotlib.lines.Line2D
        The trace v (mV) against t (ms), and the spike marks above the threshold.
    exact_line : matplotlib.lines.Line2D or None
        The exact answer, thin black dashed, when the trace was drawn with one.
    spike_times, exact_spike_times : numpy.ndarray (ms); the latter None without exact.
    """

    def __init__(self, ax, result, exact, label, *, panel=False):
        key = method_key(result)
        self.label = label
        own, reference = METHOD_STYLES[key], METHOD_STYLES["exact"]
        if panel:
            own, reference = {**own, **PANEL_TRACE}, {**reference, **PANEL_EXACT}
        self.line, = ax.plot(*_trace_xy(result), label=label, gid=GID_TRACE, **own)
        self.marks, = ax.plot(*_marks_xy(result), linestyle="none", marker="v", markersize=5,
                              color=METHOD_COLORS[key], gid=GID_SPIKES, label="_spikes",
                              zorder=4)
        self.exact_line = None if exact is None else ax.plot(
            *_trace_xy(exact), label="exact", gid=GID_EXACT, **reference)[0]
        self.exact_spike_times = None
        self._keep(result, exact)

    @property
    def artists(self):
        return [self.line, self.marks] + [self.exact_line] * (self.exact_line is not None)

    def move(self, result, exact=None):
        """Show ``result`` (and ``exact``) on this trace's artists."""
        if exact is not None and self.exact_line is None:
            raise LifutilsError("exact: this trace was drawn without an exact answer; "
                                "draw it with exact=... to move one")
        self.line.set_data(*_trace_xy(result))
        self.marks.set_data(*_marks_xy(result))
        if exact is not None:
            self.exact_line.set_data(*_trace_xy(exact))
        self._keep(result, exact)

    def _keep(self, result, exact):
        self.spike_times = np.array(result.spike_times, dtype=float)
        if exact is not None:
            self.exact_spike_times = np.array(exact.spike_times, dtype=float)


def _trace_xy(result):
    """What a trace's line shows: t (ms), v (mV), thinned for drawing."""
    return thin(result.t, result.v)


def _marks_xy(result):
    """Where a trace's spike marks sit: at each spike time, just above the threshold."""
    spikes = np.asarray(result.spike_times, dtype=float)
    return spikes, np.full(len(spikes), spike_marker_y(result.params))


class TraceFigure:
    """Membrane-potential traces v (mV) against time (ms) on one Axes, each in its method's
    colour: drawn once (:meth:`draw`), then moved to new results (:meth:`update`).

    :func:`plot_trace` draws with it for a notebook; a dashboard keeps one and
    calls :meth:`update` on each slider move, so both show the same figure.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new Figure (not managed by pyplot) when None.
    panel : bool
        One panel of a stack (:class:`SideBySideFigure`): what the panels share
        (time range, guides, the exact answer) is said once, in the figure's
        headline, and the panel's description lists its spikes.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
    traces : list of Trace
        In the order drawn.
    guides : lifutils.figures.drawing.Guides or None
        The threshold and reset guides, once a trace asked for them.

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_euler
    >>> trace = TraceFigure().draw(simulate_euler(LIFParams(i_e=20.0), 100.0))
    >>> trace = trace.update(simulate_euler(LIFParams(i_e=30.0), 100.0))
    >>> len(trace.traces), trace.traces[0].spike_times.size
    (1, 10)
    """

    def __init__(self, ax=None, *, panel=False):
        self.ax = new_axes(ax)
        self.panel = bool(panel)
        self.traces = []
        self.guides = None
        self._params = None
        self.ax.add_artist(_Keeper(self))  # plot_trace on this Axes again adds to this figure

    @property
    def moving(self):
        """The artists :meth:`update` moves (a dashboard redraws only these)."""
        return [artist for trace in self.traces for artist in trace.artists]

    @property
    def watched(self):
        """The artists that move only with the parameters: the guides."""
        return [] if self.guides is None else self.guides.artists

    def draw(self, result, *, exact=None, label=None, show_threshold=True, legend=True):
        """Draw ``result`` as a new trace (see :func:`plot_trace` for the arguments)."""
        ax = self.ax
        self.traces.append(Trace(ax, result, exact, result.name if label is None else label,
                                 panel=self.panel))
        if show_threshold and self.guides is None:
            self.guides = Guides(ax, result.params)
        ax.set_xlim(0.0, time_axis_end([result]))
        ax.set_xlabel("time (ms)")
        ax.set_ylabel("membrane potential v (mV)")
        self._params = result.params
        self.describe()
        if legend:
            ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3, frameon=False,
                      fontsize="small", borderaxespad=0.2, handlelength=2.5)
        return self

    def update(self, result, *, exact=None):
        """Move the last trace to ``result`` (and its exact overlay to ``exact``, if drawn
        with one), the guides to ``result.params``; labels, limits and legend stay."""
        if not self.traces:
            raise LifutilsError("this TraceFigure has no trace yet; draw one first (draw)")
        self.traces[-1].move(result, exact)
        if self.guides is not None:
            self.guides.update(result.params)
        self._params = result.params
        self.describe()
        return self

    def describe(self):
        """(Re)write the Axes' description: each trace's spike count and times, the largest
        error against the exact answer, then the exact answer's."""
        params = self._params
        lo, hi = self.ax.get_xlim()
        head = f"Membrane potential v (mV) against time, {lo:g} to {hi:g} ms"
        if self.guides is not None:
            head += (f", threshold v_thresh {params.v_thresh:g} mV and reset v_reset "
                     f"{params.v_reset:g} mV marked")
        exact = [tr.exact_spike_times for tr in self.traces if tr.exact_spike_times is not None]
        exact = exact[-1] if exact else None
        parts = [spikes_phrase(tr.label, tr.spike_times,
                               None if tr.exact_spike_times is None else exact)
                 for tr in self.traces]
        if self.panel:  # the figure's headline says what the panels share, once
            headline = (head.replace("Membrane potential", "Stacked panels of membrane potential")
                        + (f", the exact answer grey dashed behind each trace "
                           f"({spikes_phrase('exact', exact)})" if exact is not None else "")
                        + ".")
            set_headline(self.ax.figure, headline)
            set_description(self.ax, "; ".join(parts) + ".")
            return
        if exact is not None:
            parts.append(spikes_phrase("exact (dashed)", exact))
        set_description(self.ax, f"{head}. " + "; ".join(parts) + ".")


class _Keeper(Artist):
    """An invisible child of an Axes that keeps the :class:`TraceFigure` drawn on it, as
    the Axes keeps its legend: the figure lives as long as its Axes (``ax.clear()`` lets
    it go), and :func:`plot_trace` finds it again to add a trace."""

    def __init__(self, owner):
        super().__init__()
        self.owner = owner
        self.set_visible(False)  # draws nothing, takes no room in the layout
        self.set_in_layout(False)


def _trace_figure(ax, *, panel=False):
    """The TraceFigure drawn on ``ax``, or a new one (on a new Figure for None)."""
    found = [] if ax is None else [a.owner for a in ax.artists if isinstance(a, _Keeper)]
    return found[-1] if found else TraceFigure(ax, panel=panel)


def plot_trace(result, ax=None, *, exact=None, show_threshold=True, label=None, legend=True):
    """Draw a membrane-potential trace v (mV) against time (ms) in its method's color.

    Parameters
    ----------
    result : LIFResult
        The trace to draw (any method; see :data:`METHOD_COLORS`).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new Figure (not managed by pyplot) when None. An Axes
        that ``plot_trace`` drew on before gets one more trace.
    exact : LIFResult, optional
        The closed-form trace (:func:`lifutils.simulate_exact`), drawn on top
        as a thin black dashed line.
    show_threshold : bool
        Draw v_thresh and v_reset (mV) as thin labelled horizontal guides.
    label : str, optional
        Legend label; default ``result.name``.
    legend : bool
        Put a legend above the axes (where it covers no data).

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Spikes are marked by small triangles just above the threshold. Traces
    longer than 4000 points are thinned for drawing, keeping the minimum and
    maximum of each bucket, so resets and wiggles stay visible. The figure is a
    :class:`TraceFigure`; a dashboard keeps one and moves its data.

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_events, simulate_exact
    >>> p = LIFParams(i_e=20.0)
    >>> ax = plot_trace(simulate_events(p, 100.0), exact=simulate_exact(p, 100.0))
    >>> [line.get_label() for line in ax.get_legend().get_lines()]
    ['events (RK45)', 'exact']
    """
    figure = _trace_figure(ax)
    figure.draw(result, exact=exact, label=label, show_threshold=show_threshold, legend=legend)
    return figure.ax


class SideBySideFigure:
    """Stacked panels sharing the time axis, one :class:`TraceFigure` each, the exact answer
    on every panel: drawn once (:meth:`draw`), moved to new results (:meth:`update`).

    Parameters
    ----------
    axes : sequence of matplotlib.axes.Axes
        One Axes per panel, top to bottom (:func:`stacked_panels` makes them).
    large_text : bool
        Titles, labels, ticks and guide labels one size up, for a figure shown on
        its own at a projector (a dashboard, which sets its own size, leaves it off).

    Each panel draws its method's trace solid and thick, the exact answer grey
    dashed behind it (:data:`PANEL_TRACE`, :data:`PANEL_EXACT`).

    Attributes
    ----------
    axes : numpy.ndarray of matplotlib.axes.Axes
    panels : list of TraceFigure

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_euler, simulate_events, simulate_exact
    >>> runs = [f(LIFParams(i_e=20.0), 100.0) for f in (simulate_euler, simulate_events)]
    >>> panels = SideBySideFigure(stacked_panels(2)).draw(runs)
    >>> p = LIFParams(i_e=30.0)
    >>> panels = panels.update([simulate_euler(p, 100.0), simulate_events(p, 100.0)])
    >>> [panel.traces[0].spike_times.size for panel in panels.panels]
    [10, 10]
    """

    def __init__(self, axes, *, large_text=False):
        self.axes = np.asarray(axes, dtype=object).ravel()
        self.panels = [_trace_figure(ax, panel=True) for ax in self.axes]
        self.large_text = bool(large_text)

    @property
    def moving(self):
        return [artist for panel in self.panels for artist in panel.moving]

    @property
    def watched(self):
        return [artist for panel in self.panels for artist in panel.watched]

    def draw(self, results, *, exact=None, labels=None):
        """Draw one result per panel (see :func:`plot_side_by_side`)."""
        results = list(results)
        if len(self.axes) != len(results):
            raise LifutilsError(f"axes must hold one Axes per result ({len(results)}), "
                                f"got {len(self.axes)}")
        labels = [r.name for r in results] if labels is None else list(labels)
        # Larger text for a figure of its own, read from the back of a room (a dashboard
        # sets its own size): titles large, labels, ticks and guide labels at body size.
        title, note, text = ("large", "medium", "large") if self.large_text else \
            ("medium", "small", "medium")
        for i, (panel, res, label) in enumerate(zip(self.panels, results, labels)):
            ax = panel.ax
            panel.draw(res, exact=exact, label=label, legend=False)
            ax.set_title(label, loc="left", fontsize=title,
                         color=METHOD_TEXT_COLORS[method_key(res)])
            ax.set_ylabel("v (mV)", fontsize=text)
            ax.xaxis.label.set_fontsize(text)
            if self.large_text:
                ax.tick_params(labelsize="medium")
                for guide in [] if panel.guides is None else panel.guides.labels:
                    guide.set_fontsize("medium")
            if i < len(self.axes) - 1:
                ax.set_xlabel("")
        if exact is not None:
            self.axes[0].set_title("grey dashed: exact, behind each trace", loc="right",
                                   fontsize=note, color=PANEL_EXACT["color"])
        return self

    def update(self, results, *, exact=None):
        """Move each panel to its new result, and the exact overlays to ``exact``."""
        for panel, res in zip(self.panels, results, strict=True):
            panel.update(res, exact=exact)
        return self


def stacked_panels(n):
    """``n`` Axes stacked on a new Figure, sharing their time axis (for :class:`SideBySideFigure`)."""
    fig = PngFigure(figsize=(7.5, 1.7 * n + 0.9), layout="constrained")
    return fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]



def plot_side_by_side(results, axes=None, *, exact=None, labels=None):
    """The methods in stacked panels sharing the time axis, the exact answer on each.

    Parameters
    ----------
    results : sequence of LIFResult
        One panel per result, top to bottom (e.g. Euler, dv/dt hack, events).
    axes : sequence of matplotlib.axes.Axes, optional
        One Axes per result; by default a new Figure with stacked panels.
    exact : LIFResult, optional
        The closed-form trace, drawn on every panel as a thinner grey dashed line
        behind the method's own (solid, thick) trace.
    labels : sequence of str, optional
        Panel titles; default each ``result.name``.

    A new figure (``axes`` None) gets text one size up, to be read at a projector.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_euler, simulate_dvdt_hack, simulate_events
    >>> from lifutils import simulate_exact
    >>> p = LIFParams(i_e=20.0)
    >>> runs = [f(p, 100.0) for f in (simulate_euler, simulate_dvdt_hack, simulate_events)]
    >>> axes = plot_side_by_side(runs, exact=simulate_exact(p, 100.0))
    >>> [ax.get_title(loc="left") for ax in axes]
    ['Euler', 'dv/dt hack (RK45)', 'events (RK45)']
    """
    results = list(results)
    own = axes is None  # a figure of its own: text sized for a projector
    axes = stacked_panels(len(results)) if own else axes
    return SideBySideFigure(axes, large_text=own).draw(results, exact=exact, labels=labels).axes


def plot_input(params, t_max, ax=None, *, zoom=None):
    """The input current i_e (nA) against time (ms), jumps drawn vertical.

    Parameters
    ----------
    params : LIFParams
        Its ``i_e``: a number or a function of t (see :mod:`lifutils.inputs`).
    t_max : float
        Length of the time axis (ms), > 0.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new Figure when None.
    zoom : (float, float), optional
        A time window (ms) to repeat, magnified, in an inset (for a brief pulse
        that is a hairline at the full scale); the window is outlined on the
        main axes.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from lifutils import LIFParams, inputs
    >>> ax = plot_input(LIFParams(i_e=inputs.pulse(10.0, 5.0, 20.0)), 50.0)
    >>> ax.get_ylabel()
    'input current i_e (nA)'
    """
    t_max = check_t_max(t_max)
    ax = new_axes(ax, figsize=(7.0, 2.2))
    t = np.linspace(0.0, t_max, 2001)
    breaks = np.asarray([b for b in getattr(params.i_e, "breakpoints", ()) if 0 < b <= t_max])
    if len(breaks):  # a point just before each jump, so the jump is vertical
        t = np.unique(np.concatenate([t, breaks, np.nextafter(breaks, -np.inf)]))
    ax.plot(t, params.current(t), color="0.2", linewidth=1.4)
    ax.set_xlim(0.0, t_max)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("input current i_e (nA)")
    description = getattr(params.i_e, "description", None)
    if description is None and not callable(params.i_e):
        description = f"constant {params.i_e:g} nA"
    if description:
        ax.set_title(description, loc="left", fontsize="small")
    if zoom is not None:
        zoom_inset(ax, params, zoom)
    current = params.current(t)
    text = (f"Input current i_e (nA) against time, 0 to {t_max:g} ms"
            + (f": {description}" if description else "")
            + f"; from {number(np.min(current), 3)} to {number(np.max(current), 3)} nA.")
    if zoom is not None:
        text += f" An inset magnifies {zoom[0]:g} to {zoom[1]:g} ms."
    set_description(ax, text)
    return ax

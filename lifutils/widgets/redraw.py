"""Redrawing a figure fast: move its data, render only what changed.

The dashboards redraw one figure per slider move. The ``update_*`` functions
move the data of a figure drawn by the matching :mod:`lifutils.plotting`
``plot_*`` (found by the ``gid`` each artist carries), leaving labels, limits
and legends alone; :class:`FastPNG` renders the figure again drawing only the
artists that move. Each ``update_*`` takes the same data as its ``plot_*``,
then the ``ax`` to change, then keyword-only options.
"""
from __future__ import annotations

import io

import matplotlib.image as mimage
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from ..analytic import firing_rate, rheobase
from ..drawing import (GID_EXACT, GID_FI_CURVE, GID_FI_RHEOBASE, GID_FI_RHEOBASE_LABEL,
                       GID_FI_SIMULATED, GID_RASTER, GID_RASTER_EMPTY, GID_RESET, GID_RESET_LABEL,
                       GID_SPIKES, GID_THRESH, GID_THRESH_LABEL, GID_TRACE, fi_grid,
                       spike_marker_y, thin)
from ..errors import LifutilsError
from ..plotting import describe_raster, describe_traces
from ..plotting_accuracy import describe_fi_curve

__all__ = ["update_trace", "update_side_by_side", "update_raster", "update_fi_curve", "FastPNG"]

# gids of the artists that the update_* functions move. FastPNG redraws the
# data on every render; the guides and notes rarely move (text is slow to
# draw), so they stay in the background, which is redrawn when they do move.
_DYNAMIC = {GID_TRACE, GID_EXACT, GID_SPIKES, GID_RASTER, GID_RASTER_EMPTY,
            GID_FI_CURVE, GID_FI_SIMULATED}
_GUIDES = {GID_THRESH, GID_RESET, GID_THRESH_LABEL, GID_RESET_LABEL,
           GID_FI_RHEOBASE, GID_FI_RHEOBASE_LABEL}


def update_trace(result, ax, *, exact=None):
    """Move the data of a trace drawn by :func:`~lifutils.plotting.plot_trace` to a new result.

    Only the data change (trace, spike markers, exact overlay, guides);
    labels, limits and the legend stay, so a figure can be redrawn fast.

    Parameters
    ----------
    result : LIFResult
        New trace (mV against ms).
    ax : matplotlib.axes.Axes
        Axes drawn by :func:`~lifutils.plotting.plot_trace`.
    exact : LIFResult, optional
        New exact trace; needs ``plot_trace(..., exact=...)`` to have drawn one.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_euler
    >>> from lifutils.plotting import plot_trace
    >>> ax = plot_trace(simulate_euler(LIFParams(i_e=20.0), 100.0))
    >>> ax = update_trace(simulate_euler(LIFParams(i_e=30.0), 100.0), ax)
    """
    params = result.params
    _require(ax, GID_TRACE, "lines", "plot_trace").set_data(*thin(result.t, result.v))
    spikes = np.asarray(result.spike_times, dtype=float)
    _require(ax, GID_SPIKES, "lines", "plot_trace").set_data(
        spikes, np.full(len(spikes), spike_marker_y(params)))
    if exact is not None:
        _require(ax, GID_EXACT, "lines", "plot_trace(..., exact=...)").set_data(
            *thin(exact.t, exact.v))
    for gid, value in ((GID_THRESH, params.v_thresh), (GID_RESET, params.v_reset)):
        line = _find(ax, gid)
        if line is not None:
            line.set_ydata([value, value])
            _find(ax, f"{gid}-label", "texts").set_y(value)
    traces = getattr(ax, "_lifutils_traces", None)
    if traces:  # the description follows the data
        traces[-1][1:] = [spikes, exact if exact is not None else traces[-1][2]]
        describe_traces(ax, params)
    return ax


def update_side_by_side(results, axes, *, exact=None):
    """Move the data of panels drawn by :func:`~lifutils.plotting.plot_side_by_side` to new results.

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_euler
    >>> from lifutils.plotting import plot_side_by_side
    >>> axes = plot_side_by_side([simulate_euler(LIFParams(i_e=20.0), 100.0)])
    >>> axes = update_side_by_side([simulate_euler(LIFParams(i_e=25.0), 100.0)], axes)
    """
    axes = np.asarray(axes, dtype=object).ravel()
    for ax, res in zip(axes, results, strict=True):
        update_trace(res, ax, exact=exact)
    return axes


def update_raster(results, ax, *, exact=None):
    """Move the spikes of a raster drawn by :func:`~lifutils.plotting.plot_raster` to new results.

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_euler
    >>> from lifutils.plotting import plot_raster
    >>> ax = plot_raster([simulate_euler(LIFParams(i_e=20.0), 100.0)])
    >>> ax = update_raster([simulate_euler(LIFParams(i_e=10.0), 100.0)], ax)
    """
    rows = list(results) + ([exact] if exact is not None else [])
    lines = [a for a in ax.lines if a.get_gid() == GID_RASTER]
    notes = [a for a in ax.texts if a.get_gid() == GID_RASTER_EMPTY]
    if len(lines) != len(rows):
        raise LifutilsError(f"the raster has {len(lines)} rows, got {len(rows)} results")
    for line, note, res in zip(lines, notes, rows):
        spikes = np.asarray(res.spike_times, dtype=float)
        line.set_data(spikes, np.full(len(spikes), line.get_ydata()[0] if len(line.get_ydata())
                                      else note.get_position()[1]))
        note.set_visible(not len(spikes))
    describe_raster(ax, rows, exact)
    return ax


def update_fi_curve(params, currents, simulated, ax):
    """Move the data of an f-I plot drawn by :func:`~lifutils.plotting_accuracy.plot_fi_curve` to new params.

    ``simulated`` must name the same methods as when it was drawn. The rate
    axis is rescaled to the new data.

    Examples
    --------
    >>> from lifutils import LIFParams
    >>> from lifutils.plotting_accuracy import plot_fi_curve
    >>> ax = plot_fi_curve(LIFParams(), [0.0, 40.0])
    >>> ax = update_fi_curve(LIFParams(tau_m=20.0), [0.0, 40.0], None, ax)
    """
    currents = np.asarray(currents, dtype=float)
    grid = fi_grid(params, currents)
    rates = firing_rate(params, i_e=grid)
    _require(ax, GID_FI_CURVE, "lines", "plot_fi_curve").set_data(grid, rates)
    rb = rheobase(params)
    _require(ax, GID_FI_RHEOBASE, "lines", "plot_fi_curve").set_xdata([rb, rb])
    label = _require(ax, GID_FI_RHEOBASE_LABEL, "texts", "plot_fi_curve")
    label.set_x(rb)
    label.set_text(f" rheobase\n {rb:.3g} nA")
    top = float(np.max(rates)) if len(rates) else 1.0
    markers = [a for a in ax.lines if a.get_gid() == GID_FI_SIMULATED]
    for line, sim in zip(markers, (simulated or {}).values(), strict=True):
        sim = np.asarray(sim, dtype=float)
        line.set_data(currents, sim)
        top = max(top, float(np.max(sim)) if len(sim) else 0.0)
    top = top if top > 0 else 1.0
    ax.set_ylim(-0.04 * top, 1.08 * top)  # room for the markers at 0 Hz
    describe_fi_curve(ax, params, currents, simulated)
    return ax


class FastPNG:
    """Render one figure to PNG again and again, redrawing only the data that change.

    The first render draws the whole figure and keeps it as a background;
    later renders paste the background and draw only the moving artists on
    top (blitting, as matplotlib's animations do), then encode the pixels as
    PNG. The background is drawn again when an axis' limits change, when a
    guide drawn by :mod:`lifutils.plotting` moves (threshold, reset, rheobase), or
    after :meth:`invalidate` (call it after changing anything else that is static:
    labels, titles, legends).

    The moving artists are marked ``animated``; ``savefig`` and
    :func:`~lifutils.drawing.figure_to_png` still draw them, so the figure stays a normal figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure not managed by pyplot; it gets an Agg canvas.
    artists : sequence of matplotlib.artist.Artist, optional
        The artists that change between renders; by default those drawn by
        the ``plot_*`` functions that the ``update_*`` here move.
    compress_level : int
        zlib level for the PNG (1 is fast and about 10 % larger than 6).
    freeze_layout : bool
        After the first full draw, keep the axes where the figure's layout
        engine (e.g. constrained layout) put them, so later full draws skip
        the layout computation (a third of their time).

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_euler
    >>> from lifutils.plotting import plot_trace
    >>> ax = plot_trace(simulate_euler(LIFParams(i_e=20.0), 100.0))
    >>> renderer = FastPNG(ax.figure)
    >>> first = renderer.render()
    >>> ax = update_trace(simulate_euler(LIFParams(i_e=30.0), 100.0), ax)
    >>> renderer.render() != first
    True
    """

    def __init__(self, fig, artists=None, *, compress_level=1, freeze_layout=True):
        self.figure = fig
        if artists is None:
            artists = [a for a in fig.findobj() if a.get_gid() in _DYNAMIC]
        self.artists = sorted(artists, key=lambda a: a.get_zorder())
        for artist in self.artists:
            artist.set_animated(True)
        self.compress_level = int(compress_level)
        self.freeze_layout = bool(freeze_layout)
        self._guides = [a for a in fig.findobj() if a.get_gid() in _GUIDES]
        FigureCanvasAgg(fig)
        self._background = None
        self._signature = None

    def invalidate(self):
        """Draw the whole figure at the next :meth:`render`."""
        self._background = None

    def _static_signature(self):
        fig = self.figure
        limits = tuple((tuple(ax.get_xlim()), tuple(ax.get_ylim())) for ax in fig.axes)
        guides = tuple(_artist_state(a) for a in self._guides)
        return (tuple(fig.get_size_inches()), fig.dpi, limits, guides)

    def render(self) -> bytes:
        """The figure as PNG bytes."""
        canvas = self.figure.canvas
        signature = self._static_signature()
        if self._background is None or signature != self._signature:
            canvas.draw()  # everything but the animated artists
            if self.freeze_layout and self.figure.get_layout_engine() is not None:
                self.figure.set_layout_engine("none")
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._signature = signature
        else:
            canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        for artist in self.artists:
            if artist.get_visible():
                artist.draw(renderer)
        buf = io.BytesIO()
        mimage.imsave(buf, canvas.buffer_rgba(), format="png",
                      pil_kwargs={"compress_level": self.compress_level})
        return buf.getvalue()


def _artist_state(artist):
    """What a guide looks like: data or position, text, visibility."""
    state = [artist.get_visible()]
    if hasattr(artist, "get_xydata"):
        state.append(artist.get_xydata().tobytes())
    if hasattr(artist, "get_text"):
        state += [artist.get_position(), artist.get_text()]
    return tuple(state)


def _find(ax, gid, kind="lines"):
    for artist in getattr(ax, kind):
        if artist.get_gid() == gid:
            return artist
    return None


def _require(ax, gid, kind, drawn_by):
    artist = _find(ax, gid, kind)
    if artist is None:
        raise LifutilsError(f"this Axes has no {gid!r} artist; draw it first with {drawn_by}")
    return artist

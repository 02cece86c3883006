"""The small parts the figures are built from, shared by the figures and their redraws.

:mod:`lifutils.figures.plotting` draws the figures with these; :mod:`lifutils.widgets.redraw`
moves their data with the same helpers (thinning a long trace, where the spike
marks sit, the f-I grid), so a redrawn figure looks exactly like a fresh one.
Nothing here changes global matplotlib state.

The figures are objects that keep their artists (:class:`lifutils.figures.plotting.TraceFigure`
...); :class:`Guides` is the part they share: the threshold and reset guides,
drawn once and moved to new parameters. The artists carry a ``gid``
(``"lif-trace"``, ``"lif-thresh"`` ...) that names them in an SVG and for a reader
of the figure; no code finds them by it.

Examples
--------
>>> import numpy as np
>>> t, v = thin(np.arange(10000.0), np.sin(np.arange(10000.0)))
>>> len(t) <= MAX_DRAWN_POINTS
True
"""
from __future__ import annotations

import io
import math
import re

import numpy as np
from matplotlib.figure import Figure

from ..analytic import rheobase
from ..errors import LifutilsError
from ..methods import registry_view

__all__ = ["GUIDE_COLOR", "MAX_DRAWN_POINTS", "PngFigure", "new_axes", "new_figure",
           "draw_slope_guides", "zoom_inset", "thin", "spike_marker_y", "Guides", "draw_guides",
           "fi_grid", "figure_to_png", "describe", "set_description", "set_headline",
           "spikes_phrase", "number", "METHOD_STYLES", "METHOD_COLORS", "METHOD_TEXT_COLORS",
           "time_axis_end"]

# Live views of lifutils.methods.REGISTRY: a method registered later shows up in them.
#: Line style of each method (key -> keywords for ``Axes.plot``). The exact answer is
#: a thin black dashed line drawn on top.
METHOD_STYLES = registry_view("line_style")

#: One color per method (hex, so HTML can use it too), used by every figure in
#: the package for lines and markers (3:1 contrast on white).
METHOD_COLORS = registry_view("color")

#: The same hues, dark enough for text (4.5:1 on white): panel titles, raster
#: row labels, point labels.
METHOD_TEXT_COLORS = registry_view("label_color")


def time_axis_end(results):
    """The end of the time axis (ms): the latest last time of ``results``; 1 ms when none
    has a time after 0 (an empty or one-point result still gets an axis)."""
    ends = [float(r.t[-1]) for r in results if len(r.t)]
    ends = [end for end in ends if math.isfinite(end) and end > 0]
    return max(ends, default=1.0)



#: The ``gid`` of each artist a figure moves: its name in an SVG and for a reader of the figure.
GID_TRACE = "lif-trace"
GID_EXACT = "lif-exact"
GID_SPIKES = "lif-spikes"
GID_RASTER = "lif-raster"
GID_RASTER_EMPTY = "lif-raster-empty"
GID_THRESH = "lif-thresh"
GID_RESET = "lif-reset"
GID_THRESH_LABEL = "lif-thresh-label"
GID_RESET_LABEL = "lif-reset-label"
GID_FI_CURVE = "lif-fi-curve"
GID_FI_RHEOBASE = "lif-fi-rheobase"
GID_FI_RHEOBASE_LABEL = "lif-fi-rheobase-label"
GID_FI_SIMULATED = "lif-fi-simulated"
GID_WP_GUIDE = "lif-wp-guide"

GUIDE_COLOR = "0.45"   # threshold and reset guides
MAX_DRAWN_POINTS = 4000  # longer traces are thinned for drawing (min/max kept)


class PngFigure(Figure):
    """A Figure that shows itself as a PNG in Jupyter, with its description beside it.

    IPython's inline backend only registers its figure formatter once pyplot
    is loaded; until then a bare Figure would show as ``<Figure size ...>``.
    When the formatter is registered, it is used instead (it is looked up
    before ``_repr_png_``).

    Shown in a notebook (the last line of a cell, or ``display(fig)``), the
    figure is two outputs: the PNG, whose text/plain form is the figure's
    description (:func:`describe`: what it shows, built from its data; the
    book makes it the image's alt text), and that description again as a
    line of text under it, so that a screen reader, or a reader who cannot
    make out the picture, reads what the figure shows.

    Attributes
    ----------
    headline : str
        A sentence said once before the panels' descriptions (what a figure of
        several panels shows as a whole); empty for none.
    """

    headline = ""

    def _repr_png_(self):
        return figure_to_png(self)

    def _ipython_display_(self):
        from IPython import get_ipython
        from IPython.display import display

        shell = get_ipython()
        formatter = shell.display_formatter.formatters["image/png"] if shell else None
        png = formatter(self) if formatter is not None else None
        text = describe(self)
        display({"image/png": png if png is not None else figure_to_png(self),
                 "text/plain": text}, raw=True, metadata={"lifutils": {"figure": True}})
        display({"text/markdown": f"*Figure: {_markdown_escape(text)}*",
                 "text/plain": f"Figure: {text}"}, raw=True,
                metadata={"lifutils": {"caption": True}})


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|$])")


def _markdown_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def number(x, digits=2) -> str:
    """``x`` to ``digits`` significant digits, for a description: ``0.063``, ``14``;
    values below 0.001 (solver noise) as ``less than 0.001``."""
    x = float(x)
    if not math.isfinite(x):
        return "infinite" if x > 0 else "undefined" if math.isnan(x) else "-infinite"
    if 0 < abs(x) < 1e-3:
        return "less than 0.001"
    if abs(x) >= 10 ** digits:  # no exponent for a large number: 144, not 1.4e+02
        return f"{x:.0f}"
    return f"{x:.{digits}g}"


def spikes_phrase(label, spikes, exact=None, n_shown=6) -> str:
    """``"Euler: 5 spikes at 13.8, 31.6, ... ms (largest error 0.063 ms)"``.

    Spike times to 0.1 ms, at most ``n_shown`` of them; with ``exact``
    spike times the largest difference when the counts agree, else both counts.
    """
    spikes = np.asarray(spikes, dtype=float)
    k = len(spikes)
    if not k:
        text = f"{label}: no spikes"
    else:
        shown = ", ".join(f"{t:.1f}" for t in spikes[:n_shown])
        more = f" and {k - n_shown} more" if k > n_shown else ""
        text = f"{label}: {k} spike{'s' if k != 1 else ''} at {shown}{more} ms"
    if exact is not None:
        exact = np.asarray(exact, dtype=float)
        if len(exact) == k and k:
            text += f" (largest spike-time error {number(np.max(np.abs(spikes - exact)))} ms)"
        elif len(exact) != k:
            text += f" (the exact answer has {len(exact)})"
    return text


def set_description(ax, text: str) -> None:
    """Attach ``text``, what ``ax`` shows in a sentence or two, to the Axes and
    update its figure's ``lifutils_description`` (see :func:`describe`)."""
    ax.lifutils_description = text
    ax.figure.lifutils_description = describe(ax.figure)


def set_headline(fig, text: str) -> None:
    """Say ``text`` once, before the descriptions of the panels of ``fig`` (:func:`describe`).

    A :class:`PngFigure` keeps it as its ``headline``; another Figure has none
    (its panels are described one by one)."""
    if isinstance(fig, PngFigure):
        fig.headline = text


def _axes_outline(ax) -> str:
    """What any Axes shows, from its labels: the fallback description."""
    title = next((t for t in (ax.get_title(loc=w) for w in ("center", "left", "right")) if t), "")
    # A panel over a shared time axis has no x label of its own: its sibling's.
    x = ax.get_xlabel() or next((a.get_xlabel() for a in ax.get_shared_x_axes().get_siblings(ax)
                                 if a.get_xlabel()), "") or "x"
    y = ax.get_ylabel() or "y"
    lo, hi = ax.dataLim.intervalx if np.all(np.isfinite(ax.dataLim.intervalx)) else ax.get_xlim()
    parts = [f"{title}: " if title else "", f"{y} against {x}, {lo:.3g} to {hi:.3g}"]
    labels = [" ".join(line.get_label().split()) for line in ax.lines
              if not line.get_label().startswith("_")]
    if labels:
        parts.append(f"; lines: {', '.join(dict.fromkeys(labels))}")
    return "".join(parts)


def describe(fig) -> str:
    """A short text alternative of ``fig``: what it shows, from its data.

    Each ``plot_*`` of :mod:`lifutils.figures.plotting` attaches a description to the
    Axes it draws on (spike counts and times, the largest error ...); an Axes
    drawn otherwise is described by its labels. Several panels are numbered.

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_euler, simulate_exact
    >>> from lifutils.figures.plotting import plot_raster
    >>> p = LIFParams(i_e=20.0)
    >>> ax = plot_raster([simulate_euler(p, 100.0)], exact=simulate_exact(p, 100.0))
    >>> print(describe(ax.figure))  # doctest: +ELLIPSIS
    Spike raster, 0 to 100 ms, one row per method. Euler: 5 spikes at 13.8, ... ms (largest spike-time error 0.13 ms); exact: 5 spikes at 13.9, ...
    """
    insets = {inset for ax in fig.axes for inset in ax.child_axes}  # part of their axes' text
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.axison and ax not in insets]
    texts = [getattr(ax, "lifutils_description", None) or _axes_outline(ax) for ax in panels]
    head = fig.headline if isinstance(fig, PngFigure) else ""
    if len(texts) == 1 and not head:
        return texts[0]
    return " ".join([head] * bool(head) + [
        f"Panel {k} of {len(texts)}: {text}" + ("" if text.endswith(".") else ".")
        for k, text in enumerate(texts, 1)])


def figure_to_png(fig, *, dpi=None) -> bytes:
    """Render a figure to PNG bytes (the whole figure, as ``savefig`` does).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    dpi : float, optional
        Resolution; default the figure's own.

    Examples
    --------
    >>> png = figure_to_png(new_axes(None).figure)
    >>> png[:4] == b"\\x89PNG"
    True
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi if dpi is None else dpi)
    return buf.getvalue()


def new_axes(ax, figsize=(7.0, 3.6)):
    """The given Axes, or one on a new pyplot-free :class:`PngFigure`."""
    if ax is not None:
        return ax
    fig = PngFigure(figsize=figsize, layout="constrained")
    return fig.add_subplot()


def new_figure(nrows=1, ncols=1, *, figsize=(7.0, 3.6), **subplots_kw):
    """A pyplot-free Figure and its Axes, for a multi-panel figure in a notebook.

    Like ``plt.subplots`` (``sharex=True`` etc. go to ``Figure.subplots``), but
    nothing is registered with pyplot, so the figure shows once, as a PNG,
    when the cell ends with ``fig``.

    Examples
    --------
    >>> fig, (ax_top, ax_bottom) = new_figure(2, 1, sharex=True)
    >>> len(fig.axes)
    2
    """
    fig = PngFigure(figsize=figsize, layout="constrained")
    return fig, fig.subplots(nrows, ncols, **subplots_kw)


def thin(t, v, max_points=MAX_DRAWN_POINTS):
    """At most about ``max_points`` points of a trace, keeping each bucket's min and max.

    Drawing 10^5 points costs time and shows nothing more at screen
    resolution; keeping the extremes keeps every spike, reset and wiggle.
    """
    t = np.asarray(t, dtype=float)
    v = np.asarray(v, dtype=float)
    n = len(t)
    if n <= max_points:
        return t, v
    n_buckets = max(1, max_points // 4)
    size = math.ceil(n / n_buckets)
    padded = np.full(n_buckets * size, np.nan)
    padded[:n] = v
    rows = padded.reshape(n_buckets, size)
    filled = ~np.all(np.isnan(rows), axis=1)
    base = np.arange(n_buckets)[filled] * size
    rows = rows[filled]
    keep = np.concatenate([base, np.minimum(base + size - 1, n - 1),
                           base + np.nanargmin(rows, axis=1), base + np.nanargmax(rows, axis=1)])
    keep = np.unique(keep)
    return t[keep], v[keep]


def spike_marker_y(params) -> float:
    """Height (mV) of the spike marks: just above the threshold."""
    return params.v_thresh + 2.5


class Guides:
    """v_thresh and v_reset (mV) as thin dotted lines on ``ax``, labelled on the right.

    A label shows only while its value is inside the y-limits (a caller who zooms
    the y-axis hides the labels that fall outside); :meth:`update` moves the
    guides to new parameters.

    Attributes
    ----------
    lines : list of matplotlib.lines.Line2D
        The threshold's line, then the reset's.
    labels : list of matplotlib.text.Text
        Their labels, in the same order.
    """

    def __init__(self, ax, params):
        self.ax = ax
        ytrans = ax.get_yaxis_transform()  # x in axes fraction, y in mV
        self.lines, self.labels = [], []
        for gid, value, name in ((GID_THRESH, params.v_thresh, "v_thresh"),
                                 (GID_RESET, params.v_reset, "v_reset")):
            self.lines.append(ax.axhline(value, color=GUIDE_COLOR, linewidth=0.7, linestyle=":",
                                         zorder=1.5, gid=gid, label=f"_{name}"))
            self.labels.append(ax.text(1.01, value, name, transform=ytrans, ha="left",
                                       va="center", fontsize="small", color=GUIDE_COLOR,
                                       gid=f"{gid}-label", clip_on=False))
        self._hide_labels_outside(ax)
        # A function, not the bound method: the Axes keeps it (and so the guides) alive.
        ax.callbacks.connect("ylim_changed", lambda ax: self._hide_labels_outside(ax))

    @property
    def artists(self):
        """The lines and their labels."""
        return [*self.lines, *self.labels]

    def update(self, params):
        """Move the guides to ``params.v_thresh`` and ``params.v_reset`` (mV)."""
        for line, label, value in zip(self.lines, self.labels,
                                      (params.v_thresh, params.v_reset)):
            line.set_ydata([value, value])
            label.set_y(value)
        self._hide_labels_outside(self.ax)

    def _hide_labels_outside(self, ax):
        lo, hi = sorted(ax.get_ylim())
        for label in self.labels:
            inside = lo <= label.get_position()[1] <= hi
            label.set_visible(inside)
            label.set_in_layout(inside)


def draw_guides(ax, params):
    """v_thresh and v_reset (mV) as thin dotted lines, labelled on the right: a :class:`Guides`."""
    return Guides(ax, params)


def fi_grid(params, currents):
    """Currents (nA) for the analytic f-I curve: the range of ``currents``, rheobase included."""
    lo, hi = float(np.min(currents)), float(np.max(currents))
    grid = np.linspace(lo, hi, 600)
    rb = rheobase(params)
    if lo <= rb <= hi:  # the curve jumps off zero exactly there: include it
        grid = np.unique(np.concatenate([grid, [rb, np.nextafter(rb, np.inf)]]))
    return grid


def draw_slope_guides(ax, rows, slopes=(-1, -5)):
    """Grey reference lines of the given log-log slopes, in the middle right of the points.

    Error proportional to nfev**slope: -1 is a first-order method (ten times
    the work, ten times less error), -5 a fifth-order one.
    """
    pts = [(r["nfev"], r["max_error"]) for r in rows
           if r["nfev"] > 0 and np.isfinite(r["max_error"]) and r["max_error"] > 0]
    if len(pts) < 2:
        return
    lx = np.log10([p[0] for p in pts])
    ly = np.log10([p[1] for p in pts])
    x_end, y_mid = lx.max(), 0.5 * (ly.min() + ly.max())
    for k, slope in enumerate(slopes):
        run = min(1.0, 2.0 / abs(slope))  # decades of nfev: each guide spans at most 2 of error
        x0 = x_end - 1.0 + 0.25 * k
        y0 = y_mid + 1.0 - 0.5 * k
        xs = 10.0 ** np.array([x0, x0 + run])
        ys = 10.0 ** np.array([y0, y0 + slope * run])
        ax.plot(xs, ys, color="0.5", linestyle=(0, (1, 2)), linewidth=1.2, label="_guide",
                gid=GID_WP_GUIDE)
        ax.annotate(f"slope {slope:g}", (xs[1], ys[1]), xytext=(4, 0), textcoords="offset points",
                    fontsize="small", color="0.35", va="center")


def zoom_inset(ax, params, zoom):
    """Draw i_e on the window ``zoom`` = (t0, t1) ms, magnified, in an inset of ``ax``."""
    try:
        t0, t1 = (float(z) for z in zoom)
    except (TypeError, ValueError):
        t0 = t1 = math.nan
    if not (math.isfinite(t0) and math.isfinite(t1) and t1 > t0):
        raise LifutilsError(f"zoom must be a window (t0, t1) with t1 > t0 (ms), got {zoom!r}")
    inset = ax.inset_axes([0.62, 0.35, 0.35, 0.55])  # a child of ax: described with it
    t = np.linspace(t0, t1, 2001)
    inset.plot(t, params.current(t), color="0.2", linewidth=1.4)
    inset.set_xlim(t0, t1)
    inset.set_xlabel("time (ms)", fontsize="x-small")
    inset.tick_params(labelsize="x-small")
    ax.indicate_inset_zoom(inset, edgecolor="0.4")

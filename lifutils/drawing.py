"""The small parts the figures are built from, shared by the figures and their redraws.

:mod:`lifutils.plotting` draws the figures with these; :mod:`lifutils.widgets.redraw`
moves their data with the same helpers (thinning a long trace, where the spike
marks sit, the f-I grid), so a redrawn figure looks exactly like a fresh one.
Nothing here changes global matplotlib state.

The artists the redraws move carry a ``gid`` (``"lif-trace"``, ``"lif-thresh"``
...); :func:`draw_guides` draws the threshold and reset guides with theirs.

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

import numpy as np
from matplotlib.figure import Figure

from .analytic import rheobase

__all__ = ["GUIDE_COLOR", "MAX_DRAWN_POINTS", "PngFigure", "new_axes", "thin", "spike_marker_y",
           "draw_guides", "fi_grid", "figure_to_png"]

GUIDE_COLOR = "0.45"   # threshold and reset guides
MAX_DRAWN_POINTS = 4000  # longer traces are thinned for drawing (min/max kept)


class PngFigure(Figure):
    """A Figure that shows itself as a PNG in Jupyter even when pyplot was never imported.

    IPython's inline backend only registers its figure formatter once pyplot
    is loaded; until then a bare Figure would show as ``<Figure size ...>``.
    When the formatter is registered, it is used instead (it is looked up
    before ``_repr_png_``).
    """

    def _repr_png_(self):
        return figure_to_png(self)


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


def draw_guides(ax, params):
    """v_thresh and v_reset (mV) as thin dotted lines, labelled on the right."""
    ytrans = ax.get_yaxis_transform()  # x in axes fraction, y in mV
    for gid, value, name in (("lif-thresh", params.v_thresh, "v_thresh"),
                             ("lif-reset", params.v_reset, "v_reset")):
        ax.axhline(value, color=GUIDE_COLOR, linewidth=0.7, linestyle=":", zorder=1.5,
                   gid=gid, label=f"_{name}")
        ax.text(1.01, value, name, transform=ytrans, ha="left", va="center",
                fontsize="small", color=GUIDE_COLOR, gid=f"{gid}-label", clip_on=False)
    _hide_guide_labels_outside(ax)
    # A caller who zooms the y-axis (ax.set_ylim) hides the labels that fall outside.
    ax.callbacks.connect("ylim_changed", _hide_guide_labels_outside)


def _hide_guide_labels_outside(ax):
    """Show a guide's label only while its value is inside the y-limits."""
    lo, hi = sorted(ax.get_ylim())
    for text in ax.texts:
        if str(text.get_gid()).endswith("-label") and str(text.get_gid()).startswith("lif-"):
            inside = lo <= text.get_position()[1] <= hi
            text.set_visible(inside)
            text.set_in_layout(inside)


def fi_grid(params, currents):
    """Currents (nA) for the analytic f-I curve over the range of ``currents``, rheobase included."""
    lo, hi = float(np.min(currents)), float(np.max(currents))
    grid = np.linspace(lo, hi, 600)
    rb = rheobase(params)
    if lo <= rb <= hi:  # the curve jumps off zero exactly there: include it
        grid = np.unique(np.concatenate([grid, [rb, np.nextafter(rb, np.inf)]]))
    return grid

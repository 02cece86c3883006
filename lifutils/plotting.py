"""Figures for the LIF neuron: matplotlib only, one color per method everywhere.

Every function draws on the Axes it is given (``ax=...``) or, when none is
given, on a new :class:`matplotlib.figure.Figure` that pyplot does not know
about (so nothing is left open and nothing is shown twice); it returns the
Axes. In a notebook, end the cell with ``ax.figure`` to show the figure (it
shows as a PNG whether or not pyplot was imported). Nothing here changes
global matplotlib state.

Units: time in ms, voltage in mV, current in nA, rates in Hz.

The dashboards in :mod:`lifutils.widgets` redraw the same figure many times:
``update_*`` move the data of a figure drawn by the matching ``plot_*``, and
:class:`FastPNG` renders it again drawing only what changed.

Examples
--------
>>> from lifutils import LIFParams, simulate_euler, simulate_exact
>>> p = LIFParams(i_e=20.0)
>>> ax = plot_trace(simulate_euler(p, 100.0), exact=simulate_exact(p, 100.0))
>>> ax.get_xlabel(), ax.get_ylabel()
('time (ms)', 'membrane potential v (mV)')
"""
from __future__ import annotations

import io
import math

import matplotlib.image as mimage
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .analytic import firing_rate, rheobase
from .compare import METHODS
from .params import check_t_max

__all__ = ["METHOD_COLORS", "METHOD_STYLES", "method_key", "plot_trace", "update_trace",
           "plot_side_by_side", "update_side_by_side", "plot_raster", "update_raster",
           "plot_convergence", "plot_fi_curve", "update_fi_curve", "plot_work_precision",
           "plot_input", "new_figure", "figure_to_png", "FastPNG"]

#: Line style of each method (keys of :data:`lifutils.compare.METHODS`). The
#: exact answer is a thin black dashed line drawn on top of the others.
METHOD_STYLES = {
    "euler": dict(color="#ff7f0e", linestyle="-", linewidth=1.6, zorder=2.0),
    "euler_interp": dict(color="#2ca02c", linestyle="-", linewidth=1.6, zorder=2.0),
    "hack": dict(color="#d62728", linestyle="-", linewidth=1.6, zorder=2.0),
    "events": dict(color="#1f77b4", linestyle="-", linewidth=1.6, zorder=2.0),
    "exact": dict(color="#000000", linestyle="--", linewidth=0.9, zorder=3.0),
}

#: One color per method (hex, so HTML can use it too), used by every figure in
#: the package: Euler orange, interpolated Euler green, dv/dt hack red, events
#: blue (matplotlib's tab10), exact black.
METHOD_COLORS = {key: style["color"] for key, style in METHOD_STYLES.items()}

GUIDE_COLOR = "0.45"   # threshold and reset guides
MAX_DRAWN_POINTS = 4000  # longer traces are thinned for drawing (min/max kept)

# gids of the artists that the update_* functions move. FastPNG redraws the
# data on every render; the guides and notes rarely move (text is slow to
# draw), so they stay in the background, which is redrawn when they do move.
_DYNAMIC = {"lif-trace", "lif-exact", "lif-spikes", "lif-raster", "lif-raster-empty",
            "lif-fi-curve", "lif-fi-simulated"}
_GUIDES = {"lif-thresh", "lif-reset", "lif-thresh-label", "lif-reset-label",
           "lif-fi-rheobase", "lif-fi-rheobase-label"}


def method_key(result) -> str:
    """The key of :data:`lifutils.compare.METHODS` a result (or method name) belongs to.

    Parameters
    ----------
    result : LIFResult or str
        A simulated trace, or a method name such as ``"Euler"``,
        ``"Euler, interpolated"``, ``"dv/dt hack (RK45)"``, ``"events (RK45)"``,
        ``"exact"``, a label of METHODS (``"Euler loop"``) or a key itself.

    Returns
    -------
    str
        One of ``"euler"``, ``"euler_interp"``, ``"hack"``, ``"events"``, ``"exact"``.

    Raises
    ------
    ValueError
        If the name belongs to no known method.

    Examples
    --------
    >>> method_key("dv/dt hack (LSODA)"), method_key("Euler, interpolated")
    ('hack', 'euler_interp')
    """
    name = getattr(result, "method", result)
    if not isinstance(name, str):
        raise ValueError(f"result must be a LIFResult or a method name, got {result!r}")
    low = name.strip().lower()
    if low in METHODS:
        return low
    for key, label in METHODS.items():
        if low == label.lower():
            return key
    for prefix, key in (("euler, interpolated", "euler_interp"), ("euler", "euler"),
                        ("dv/dt hack", "hack"), ("events", "events"),
                        ("solve_ivp + events", "events"), ("exact", "exact")):
        if low.startswith(prefix):
            return key
    raise ValueError(f"unknown method {name!r}: expected a LIFResult.method or one of "
                     f"{sorted(METHODS)}")


# --------------------------------------------------------------------------- helpers

class _Figure(Figure):
    """A Figure that shows itself as a PNG in Jupyter even when pyplot was never imported.

    IPython's inline backend only registers its figure formatter once pyplot
    is loaded; until then a bare Figure would show as ``<Figure size ...>``.
    When the formatter is registered, it is used instead (it is looked up
    before ``_repr_png_``).
    """

    def _repr_png_(self):
        return figure_to_png(self)


def _new_axes(ax, figsize=(7.0, 3.6)):
    """The given Axes, or one on a new pyplot-free Figure."""
    if ax is not None:
        return ax
    fig = _Figure(figsize=figsize, layout="constrained")
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
    fig = _Figure(figsize=figsize, layout="constrained")
    return fig, fig.subplots(nrows, ncols, **subplots_kw)


def _thin(t, v, max_points=MAX_DRAWN_POINTS):
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


def _find(ax, gid, kind="lines"):
    for artist in getattr(ax, kind):
        if artist.get_gid() == gid:
            return artist
    return None


def _require(ax, gid, kind, drawn_by):
    artist = _find(ax, gid, kind)
    if artist is None:
        raise ValueError(f"this Axes has no {gid!r} artist; draw it first with {drawn_by}")
    return artist


def _spike_marker_y(params):
    return params.v_thresh + 2.5


# --------------------------------------------------------------------------- traces

def plot_trace(result, ax=None, *, exact=None, show_threshold=True, label=None, legend=True):
    """Draw a membrane-potential trace v (mV) against time (ms) in its method's color.

    Parameters
    ----------
    result : LIFResult
        The trace to draw (any method; see :data:`METHOD_COLORS`).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new Figure (not managed by pyplot) when None.
    exact : LIFResult, optional
        The closed-form trace (:func:`lifutils.simulate_exact`), drawn on top
        as a thin black dashed line.
    show_threshold : bool
        Draw v_thresh and v_reset (mV) as thin labelled horizontal guides.
    label : str, optional
        Legend label; default ``result.method``.
    legend : bool
        Put a legend above the axes (where it covers no data).

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Spikes are marked by small triangles just above the threshold. Traces
    longer than 4000 points are thinned for drawing, keeping the minimum and
    maximum of each bucket, so resets and wiggles stay visible.

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_events, simulate_exact
    >>> p = LIFParams(i_e=20.0)
    >>> ax = plot_trace(simulate_events(p, 100.0), exact=simulate_exact(p, 100.0))
    >>> [line.get_label() for line in ax.get_legend().get_lines()]
    ['events (RK45)', 'exact']
    """
    ax = _new_axes(ax)
    key = method_key(result)
    params = result.params
    t, v = _thin(result.t, result.v)
    ax.plot(t, v, label=result.method if label is None else label, gid="lif-trace",
            **METHOD_STYLES[key])
    spikes = np.asarray(result.spike_times, dtype=float)
    ax.plot(spikes, np.full(len(spikes), _spike_marker_y(params)), linestyle="none",
            marker="v", markersize=5, color=METHOD_COLORS[key], gid="lif-spikes",
            label="_spikes", zorder=4)
    if exact is not None:
        te, ve = _thin(exact.t, exact.v)
        ax.plot(te, ve, label="exact", gid="lif-exact", **METHOD_STYLES["exact"])
    if show_threshold:
        _draw_guides(ax, params)
    ax.set_xlim(0.0, float(result.t[-1]) if len(result.t) else 1.0)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("membrane potential v (mV)")
    if legend:
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3, frameon=False,
                  fontsize="small", borderaxespad=0.2, handlelength=2.5)
    return ax


def _draw_guides(ax, params):
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


def update_trace(ax, result, exact=None):
    """Move the data of a trace drawn by :func:`plot_trace` to a new result.

    Only the data change (trace, spike markers, exact overlay, guides);
    labels, limits and the legend stay, so a figure can be redrawn fast.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes drawn by :func:`plot_trace`.
    result : LIFResult
        New trace (mV against ms).
    exact : LIFResult, optional
        New exact trace; needs ``plot_trace(..., exact=...)`` to have drawn one.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_euler
    >>> ax = plot_trace(simulate_euler(LIFParams(i_e=20.0), 100.0))
    >>> ax = update_trace(ax, simulate_euler(LIFParams(i_e=30.0), 100.0))
    """
    params = result.params
    _require(ax, "lif-trace", "lines", "plot_trace").set_data(*_thin(result.t, result.v))
    spikes = np.asarray(result.spike_times, dtype=float)
    _require(ax, "lif-spikes", "lines", "plot_trace").set_data(
        spikes, np.full(len(spikes), _spike_marker_y(params)))
    if exact is not None:
        _require(ax, "lif-exact", "lines", "plot_trace(..., exact=...)").set_data(
            *_thin(exact.t, exact.v))
    for gid, value in (("lif-thresh", params.v_thresh), ("lif-reset", params.v_reset)):
        line = _find(ax, gid)
        if line is not None:
            line.set_ydata([value, value])
            _find(ax, f"{gid}-label", "texts").set_y(value)
    return ax


def plot_side_by_side(results, axes=None, *, exact=None, labels=None):
    """The methods in stacked panels sharing the time axis, the exact answer on each.

    Parameters
    ----------
    results : sequence of LIFResult
        One panel per result, top to bottom (e.g. Euler, dv/dt hack, events).
    axes : sequence of matplotlib.axes.Axes, optional
        One Axes per result; by default a new Figure with stacked panels.
    exact : LIFResult, optional
        The closed-form trace, drawn on every panel as a thin black dashed line.
    labels : sequence of str, optional
        Panel titles; default each ``result.method``.

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
    if axes is None:
        fig = _Figure(figsize=(7.5, 1.5 * len(results) + 0.9), layout="constrained")
        axes = fig.subplots(len(results), 1, sharex=True, squeeze=False)[:, 0]
    axes = np.asarray(axes, dtype=object).ravel()
    if len(axes) != len(results):
        raise ValueError(f"axes must hold one Axes per result ({len(results)}), got {len(axes)}")
    labels = [r.method for r in results] if labels is None else list(labels)
    for i, (ax, res, label) in enumerate(zip(axes, results, labels)):
        plot_trace(res, ax, exact=exact, label=label, legend=False)
        ax.set_title(label, loc="left", fontsize="medium", color=METHOD_COLORS[method_key(res)])
        ax.set_ylabel("v (mV)")
        if i < len(axes) - 1:
            ax.set_xlabel("")
    if exact is not None:
        axes[0].set_title("black dashed: exact", loc="right", fontsize="small")
    return axes


def update_side_by_side(axes, results, exact=None):
    """Move the data of panels drawn by :func:`plot_side_by_side` to new results.

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_euler
    >>> axes = plot_side_by_side([simulate_euler(LIFParams(i_e=20.0), 100.0)])
    >>> axes = update_side_by_side(axes, [simulate_euler(LIFParams(i_e=25.0), 100.0)])
    """
    axes = np.asarray(axes, dtype=object).ravel()
    for ax, res in zip(axes, results, strict=True):
        update_trace(ax, res, exact)
    return axes


def plot_raster(results, ax=None, exact=None, *, labels=None):
    """Spike rasters: one row per method, top to bottom, the exact spikes last.

    Parameters
    ----------
    results : sequence of LIFResult
        One row each, in its method's color; a row without spikes says so.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new Figure when None.
    exact : LIFResult, optional
        The closed-form result, drawn as the bottom row in black.
    labels : sequence of str, optional
        Row labels (one per result, plus one for exact); default ``result.method``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_euler, simulate_exact
    >>> p = LIFParams(i_e=20.0)
    >>> ax = plot_raster([simulate_euler(p, 100.0)], exact=simulate_exact(p, 100.0))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Euler', 'exact']
    """
    ax = _new_axes(ax, figsize=(7.0, 0.45 * (len(results) + 1) + 1.0))
    rows = list(results) + ([exact] if exact is not None else [])
    labels = [r.method for r in rows] if labels is None else list(labels)
    if len(labels) != len(rows):
        raise ValueError(f"labels must have one entry per row ({len(rows)}), got {len(labels)}")
    n = len(rows)
    t_end = max((float(r.t[-1]) for r in rows if len(r.t)), default=1.0)
    for k, res in enumerate(rows):
        y = n - 1 - k
        color = METHOD_COLORS[method_key(res)]
        spikes = np.asarray(res.spike_times, dtype=float)
        ax.plot(spikes, np.full(len(spikes), float(y)), linestyle="none", marker="|",
                markersize=11, markeredgewidth=1.6, color=color, gid="lif-raster",
                label=labels[k])
        # x in axes fraction, so the note stays inside when the caller zooms in time
        ax.text(0.5, y, "no spikes", ha="center", va="center", fontsize="small",
                transform=ax.get_yaxis_transform(), color=color, style="italic",
                gid="lif-raster-empty", visible=not len(spikes))
    ax.set_yticks(range(n - 1, -1, -1), labels)
    for tick, res in zip(ax.get_yticklabels(), rows):
        tick.set_color(METHOD_COLORS[method_key(res)])
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlim(0.0, t_end)
    ax.set_xlabel("time (ms)")
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)
    return ax


def update_raster(ax, results, exact=None):
    """Move the spikes of a raster drawn by :func:`plot_raster` to new results.

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_euler
    >>> ax = plot_raster([simulate_euler(LIFParams(i_e=20.0), 100.0)])
    >>> ax = update_raster(ax, [simulate_euler(LIFParams(i_e=10.0), 100.0)])
    """
    rows = list(results) + ([exact] if exact is not None else [])
    lines = [a for a in ax.lines if a.get_gid() == "lif-raster"]
    notes = [a for a in ax.texts if a.get_gid() == "lif-raster-empty"]
    if len(lines) != len(rows):
        raise ValueError(f"the raster has {len(lines)} rows, got {len(rows)} results")
    for line, note, res in zip(lines, notes, rows):
        spikes = np.asarray(res.spike_times, dtype=float)
        line.set_data(spikes, np.full(len(spikes), line.get_ydata()[0] if len(line.get_ydata())
                                      else note.get_position()[1]))
        note.set_visible(not len(spikes))
    return ax


# --------------------------------------------------------------------------- summaries

def plot_convergence(dts, errors_by_label, ax=None):
    """Largest spike-time error (ms) against the time step dt (ms), log-log, with slope 1.

    Parameters
    ----------
    dts : array_like
        Time steps (ms).
    errors_by_label : dict
        Label -> errors (ms), one per dt (e.g. from
        :func:`lifutils.compare.euler_convergence`). A label that names a
        method (``"euler"``, ``"Euler, interpolated"`` ...) gets its color.
        Zero or infinite errors (wrong spike count) are left out.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new Figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_convergence([0.1, 0.05, 0.025], {"euler_interp": [0.24, 0.12, 0.06]})
    >>> ax.get_xscale(), ax.get_yscale()
    ('log', 'log')
    """
    ax = _new_axes(ax, figsize=(5.5, 4.0))
    dts = np.asarray(dts, dtype=float)
    anchor = None
    markers = iter("osD^v<>p")
    for label, errors in errors_by_label.items():
        errors = np.asarray(errors, dtype=float)
        if errors.shape != dts.shape:
            raise ValueError(f"errors for {label!r} must have one value per dt ({len(dts)})")
        ok = np.isfinite(errors) & (errors > 0)
        try:
            key = method_key(label)
            color = METHOD_COLORS[key]
            text = METHODS[key] if label == key else label
        except ValueError:
            color, text = None, label
        ax.plot(dts[ok], errors[ok], marker=next(markers, "o"), color=color, label=text)
        if anchor is None and ok.any():
            anchor = (dts[ok], errors[ok])
    if anchor is not None:
        x, y = anchor
        mid = np.exp(np.mean(np.log(x)))
        scale = np.exp(np.mean(np.log(y))) / mid
        ref = np.array([x.min(), x.max()])
        ax.plot(ref, 0.5 * scale * ref, color="0.5", linestyle=":", linewidth=1.2,
                label="slope 1 (first order)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(dts, [f"{dt:g}" for dt in dts])
    ax.set_xticks([], minor=True)
    ax.set_xlabel("time step dt (ms)")
    ax.set_ylabel("largest spike-time error (ms)")
    ax.legend(fontsize="small", loc="upper left")
    ax.grid(which="major", color="0.9", linewidth=0.6)
    return ax


def _fi_grid(params, currents):
    lo, hi = float(np.min(currents)), float(np.max(currents))
    grid = np.linspace(lo, hi, 600)
    rb = rheobase(params)
    if lo <= rb <= hi:  # the curve jumps off zero exactly there: include it
        grid = np.unique(np.concatenate([grid, [rb, np.nextafter(rb, np.inf)]]))
    return grid


# Simulated f-I points: different shapes, so coinciding methods stay visible.
_FI_MARKERS = {
    "euler": dict(marker="s", markersize=8, markerfacecolor="none", markeredgewidth=1.3),
    "euler_interp": dict(marker="D", markersize=6, markerfacecolor="none", markeredgewidth=1.3),
    "hack": dict(marker="x", markersize=6, markeredgewidth=1.5),
    "events": dict(marker="o", markersize=4),
    "exact": dict(marker="+", markersize=8, markeredgewidth=1.3),
}


def plot_fi_curve(params, currents, simulated=None, ax=None):
    """The f-I curve: firing rate (Hz) against constant input current (nA).

    Parameters
    ----------
    params : LIFParams
        Neuron parameters (its i_e is ignored).
    currents : array_like
        Currents (nA); the analytic curve spans their range, the simulated
        rates are drawn at them.
    simulated : dict, optional
        Method key (``"euler"``, ``"events"`` ...) -> rates (Hz) at
        ``currents`` (e.g. from :func:`lifutils.compare.simulated_rates`),
        drawn as markers in the method's color.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new Figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    The analytic curve is :func:`lifutils.firing_rate`; it leaves zero at the
    rheobase (marked by a dotted line) with infinite slope.

    Examples
    --------
    >>> from lifutils import LIFParams
    >>> ax = plot_fi_curve(LIFParams(), [0.0, 10.0, 20.0, 30.0, 40.0])
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('input current i_e (nA)', 'firing rate (Hz)')
    """
    ax = _new_axes(ax, figsize=(5.5, 4.0))
    currents = np.asarray(currents, dtype=float)
    grid = _fi_grid(params, currents)
    ax.plot(grid, firing_rate(params, i_e=grid), color="black", linewidth=1.2,
            label="analytic (firing_rate)", gid="lif-fi-curve", zorder=2)
    rb = rheobase(params)
    ax.axvline(rb, color=GUIDE_COLOR, linestyle=":", linewidth=0.9, gid="lif-fi-rheobase",
               label="_rheobase")
    ax.text(rb, 0.97, f" rheobase\n {rb:.3g} nA", transform=ax.get_xaxis_transform(),
            ha="left", va="top", fontsize="small", color="0.2", gid="lif-fi-rheobase-label",
            bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1.0))
    for key, rates in (simulated or {}).items():
        rates = np.asarray(rates, dtype=float)
        if rates.shape != currents.shape:
            raise ValueError(f"simulated[{key!r}] must have one rate per current ({len(currents)})")
        key = method_key(key)
        ax.plot(currents, rates, linestyle="none", color=METHOD_COLORS[key], label=METHODS[key],
                gid="lif-fi-simulated", zorder=3, **_FI_MARKERS[key])
    span = currents.max() - currents.min()
    ax.set_xlim(currents.min() - 0.02 * span, currents.max() + 0.02 * span)
    ax.set_xlabel("input current i_e (nA)")
    ax.set_ylabel("firing rate (Hz)")
    ax.legend(fontsize="small", loc="upper left")
    return ax


def update_fi_curve(ax, params, currents, simulated=None):
    """Move the data of an f-I plot drawn by :func:`plot_fi_curve` to new parameters.

    ``simulated`` must name the same methods as when it was drawn. The rate
    axis is rescaled to the new data.

    Examples
    --------
    >>> from lifutils import LIFParams
    >>> ax = plot_fi_curve(LIFParams(), [0.0, 40.0])
    >>> ax = update_fi_curve(ax, LIFParams(tau_m=20.0), [0.0, 40.0])
    """
    currents = np.asarray(currents, dtype=float)
    grid = _fi_grid(params, currents)
    rates = firing_rate(params, i_e=grid)
    _require(ax, "lif-fi-curve", "lines", "plot_fi_curve").set_data(grid, rates)
    rb = rheobase(params)
    _require(ax, "lif-fi-rheobase", "lines", "plot_fi_curve").set_xdata([rb, rb])
    label = _require(ax, "lif-fi-rheobase-label", "texts", "plot_fi_curve")
    label.set_x(rb)
    label.set_text(f" rheobase\n {rb:.3g} nA")
    top = float(np.max(rates)) if len(rates) else 1.0
    markers = [a for a in ax.lines if a.get_gid() == "lif-fi-simulated"]
    for line, sim in zip(markers, (simulated or {}).values(), strict=True):
        sim = np.asarray(sim, dtype=float)
        line.set_data(currents, sim)
        top = max(top, float(np.max(sim)) if len(sim) else 0.0)
    top = top if top > 0 else 1.0
    ax.set_ylim(-0.04 * top, 1.08 * top)  # room for the markers at 0 Hz
    return ax


def plot_work_precision(rows, ax=None):
    """Largest spike-time error (ms) against right-hand-side evaluations, log-log.

    Parameters
    ----------
    rows : list of dict
        From :func:`lifutils.compare.work_precision`: one line per
        ``family`` ("Euler", "Euler, interpolated", "events (RK45)" ...),
        through its points (``nfev``, ``max_error``). The points of the
        interpolated Euler family (else the first Euler family) and of the first
        events family are labelled with their ``setting`` (the others share the
        same dt or rtol values). Each
        family has its own hue; grey dotted guides show the slopes -1 (first
        order: ten times the work for ten times less error) and -5. A zero or
        infinite error (a wrong spike count) cannot go on a log axis: such
        points are listed under the axes instead.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new Figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> rows = [dict(family="Euler", setting="dt=0.1 ms", nfev=1000, max_error=0.13),
    ...         dict(family="Euler", setting="dt=0.01 ms", nfev=10000, max_error=0.012),
    ...         dict(family="events (RK45)", setting="rtol=1e-06", nfev=300, max_error=1e-5)]
    >>> ax = plot_work_precision(rows)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['Euler', 'events (RK45)']
    """
    ax = _new_axes(ax, figsize=(7.0, 4.2))
    families = list(dict.fromkeys(r["family"] for r in rows))
    # One hue per family: the method colors for the Euler loops and the first
    # events solver, then other colour-blind-safe tab10 hues for the others.
    event_styles = iter([("o", "-", None), ("s", "--", "#9467bd"), ("^", "-.", "#8c564b"),
                         ("D", ":", "#e377c2"), ("v", "-", "#7f7f7f")])
    labelled, left_out = set(), []
    for family in families:
        key = method_key(family)
        pts, bad = [], []
        for r in rows:
            if r["family"] == family:
                ok = np.isfinite(r["max_error"]) and r["max_error"] > 0
                (pts if ok else bad).append(r)
        left_out += [f"{family} {r['setting']}" for r in bad]
        marker, ls, color = ("o", "-", None) if key != "events" else next(event_styles,
                                                                            ("o", "-", None))
        color = color or METHOD_COLORS[key]
        ax.plot([r["nfev"] for r in pts], [r["max_error"] for r in pts], marker=marker,
                linestyle=ls, color=color, label=family)
        kind = "events" if key == "events" else "euler"
        # dt labels go on the interpolated loop when there is one: its line is the top one
        top_euler = key == "euler_interp" or "euler_interp" not in map(method_key, families)
        if kind not in labelled and (kind == "events" or top_euler):
            labelled.add(kind)
            for r in pts[::2] if len(pts) > 5 else pts:  # every other one when crowded
                ax.annotate(r["setting"], (r["nfev"], r["max_error"]), xytext=(5, 4),
                            textcoords="offset points", fontsize="x-small", color=color)
    _draw_slope_guides(ax, rows)
    ax.set_xscale("log")
    ax.set_yscale("log")
    nfevs = [r["nfev"] for r in rows if r["nfev"] > 0]
    if nfevs:  # room on the right for the labels of the costliest points
        ax.set_xlim(min(nfevs) / 1.5, max(nfevs) * 3.0)
    ax.set_xlabel("right-hand-side evaluations (nfev)")
    ax.set_ylabel("largest spike-time error (ms)")
    ax.grid(which="major", color="0.9", linewidth=0.6)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    if left_out:
        ax.text(1.02, 0.0, "not shown (wrong\nspike count):\n" + "\n".join(left_out),
                transform=ax.transAxes, ha="left", va="bottom", fontsize="x-small", color="0.35")
    return ax


def _draw_slope_guides(ax, rows, slopes=(-1, -5)):
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
                gid="lif-wp-guide")
        ax.annotate(f"slope {slope:g}", (xs[1], ys[1]), xytext=(4, 0), textcoords="offset points",
                    fontsize="small", color="0.35", va="center")


def plot_input(params, t_max, ax=None):
    """The input current i_e (nA) against time (ms), jumps drawn vertical.

    Parameters
    ----------
    params : LIFParams
        Its ``i_e``: a number or a function of t (see :mod:`lifutils.inputs`).
    t_max : float
        Length of the time axis (ms), > 0.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new Figure when None.

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
    ax = _new_axes(ax, figsize=(7.0, 2.2))
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
    return ax


# --------------------------------------------------------------------------- rendering

def figure_to_png(fig, *, dpi=None) -> bytes:
    """Render a figure to PNG bytes (the whole figure, as ``savefig`` does).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    dpi : float, optional
        Resolution; default the figure's own.

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_exact
    >>> png = figure_to_png(plot_trace(simulate_exact(LIFParams(i_e=20.0), 100.0)).figure)
    >>> png[:4] == b"\\x89PNG"
    True
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi if dpi is None else dpi)
    return buf.getvalue()


class FastPNG:
    """Render one figure to PNG again and again, redrawing only the data that change.

    The first render draws the whole figure and keeps it as a background;
    later renders paste the background and draw only the moving artists on
    top (blitting, as matplotlib's animations do), then encode the pixels as
    PNG. The background is drawn again when an axis' limits change, when a
    guide drawn by this module moves (threshold, reset, rheobase), or after :meth:`invalidate` (call it after changing
    anything else that is static: labels, titles, legends).

    The moving artists are marked ``animated``; ``savefig`` and
    :func:`figure_to_png` still draw them, so the figure stays a normal figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure not managed by pyplot; it gets an Agg canvas.
    artists : sequence of matplotlib.artist.Artist, optional
        The artists that change between renders; by default those drawn by
        this module's ``plot_*`` functions that ``update_*`` move.
    compress_level : int
        zlib level for the PNG (1 is fast and about 10 % larger than 6).
    freeze_layout : bool
        After the first full draw, keep the axes where the figure's layout
        engine (e.g. constrained layout) put them, so later full draws skip
        the layout computation (a third of their time).

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_euler
    >>> ax = plot_trace(simulate_euler(LIFParams(i_e=20.0), 100.0))
    >>> renderer = FastPNG(ax.figure)
    >>> first = renderer.render()
    >>> ax = update_trace(ax, simulate_euler(LIFParams(i_e=30.0), 100.0))
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

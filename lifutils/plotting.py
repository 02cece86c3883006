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

The dashboards in :mod:`lifutils.widgets` redraw these figures many times:
:mod:`lifutils.widgets.redraw` moves their data and renders them again. Colours,
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

# The building blocks live in drawing.py, shared with the dashboards' redraws.
from .drawing import (GID_EXACT, GID_RASTER, GID_RASTER_EMPTY, GID_SPIKES, GID_TRACE, PngFigure,
                      describe, draw_guides, figure_to_png, new_axes, new_figure, number,
                      set_description, spike_marker_y, spikes_phrase, thin, zoom_inset)
from .errors import LifutilsError
from .methods import method_key, registry_view
from .params import check_t_max

__all__ = ["METHOD_COLORS", "METHOD_TEXT_COLORS", "METHOD_STYLES", "method_key", "plot_trace",
           "plot_side_by_side", "plot_raster", "plot_input", "new_figure", "figure_to_png",
           "describe"]

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
    maximum of each bucket, so resets and wiggles stay visible.

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_events, simulate_exact
    >>> p = LIFParams(i_e=20.0)
    >>> ax = plot_trace(simulate_events(p, 100.0), exact=simulate_exact(p, 100.0))
    >>> [line.get_label() for line in ax.get_legend().get_lines()]
    ['events (RK45)', 'exact']
    """
    ax = new_axes(ax)
    key = method_key(result)
    params = result.params
    t, v = thin(result.t, result.v)
    ax.plot(t, v, label=result.name if label is None else label, gid=GID_TRACE,
            **METHOD_STYLES[key])
    spikes = np.asarray(result.spike_times, dtype=float)
    ax.plot(spikes, np.full(len(spikes), spike_marker_y(params)), linestyle="none",
            marker="v", markersize=5, color=METHOD_COLORS[key], gid=GID_SPIKES,
            label="_spikes", zorder=4)
    if exact is not None:
        te, ve = thin(exact.t, exact.v)
        ax.plot(te, ve, label="exact", gid=GID_EXACT, **METHOD_STYLES["exact"])
    if show_threshold:
        draw_guides(ax, params)
    ax.set_xlim(0.0, float(result.t[-1]) if len(result.t) else 1.0)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("membrane potential v (mV)")
    ax._lifutils_traces = getattr(ax, "_lifutils_traces", []) + [
        [result.name if label is None else label, spikes, exact]]
    ax._lifutils_guides = show_threshold or getattr(ax, "_lifutils_guides", False)
    describe_traces(ax, params)
    if legend:
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3, frameon=False,
                  fontsize="small", borderaxespad=0.2, handlelength=2.5)
    return ax


def describe_traces(ax, params):
    """(Re)write the description of a trace Axes from the traces drawn on it
    (``ax._lifutils_traces``: [label, spike times, exact result or None] each):
    spike counts and times, the largest error, then the exact answer's."""
    traces = getattr(ax, "_lifutils_traces", [])
    lo, hi = ax.get_xlim()
    head = f"Membrane potential v (mV) against time, {lo:g} to {hi:g} ms"
    if getattr(ax, "_lifutils_guides", False):
        head += (f", threshold v_thresh {params.v_thresh:g} mV and reset v_reset "
                 f"{params.v_reset:g} mV marked")
    exact = [ex for *_, ex in traces if ex is not None]
    exact_spikes = np.asarray(exact[-1].spike_times, dtype=float) if exact else None
    parts = [spikes_phrase(lab, sp, None if ex is None else exact_spikes)
             for lab, sp, ex in traces]
    if getattr(ax, "_lifutils_panel", False):  # plot_side_by_side: the head says it once
        ax.figure._lifutils_head = (
            f"{head.replace('Membrane potential', 'Stacked panels of membrane potential')}"
            + (f", the exact answer dashed on each ({spikes_phrase('exact', exact_spikes)})"
               if exact else "") + ".")
        set_description(ax, "; ".join(parts) + ".")
        return
    if exact:
        parts.append(spikes_phrase("exact (dashed)", exact_spikes))
    set_description(ax, f"{head}. " + "; ".join(parts) + ".")


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
        Panel titles; default each ``result.name``.

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
        fig = PngFigure(figsize=(7.5, 1.5 * len(results) + 0.9), layout="constrained")
        axes = fig.subplots(len(results), 1, sharex=True, squeeze=False)[:, 0]
    axes = np.asarray(axes, dtype=object).ravel()
    if len(axes) != len(results):
        raise LifutilsError(f"axes must hold one Axes per result ({len(results)}), got {len(axes)}")
    labels = [r.name for r in results] if labels is None else list(labels)
    for i, (ax, res, label) in enumerate(zip(axes, results, labels)):
        ax._lifutils_panel = True
        plot_trace(res, ax, exact=exact, label=label, legend=False)
        ax.set_title(label, loc="left", fontsize="medium",
                     color=METHOD_TEXT_COLORS[method_key(res)])
        ax.set_ylabel("v (mV)")
        if i < len(axes) - 1:
            ax.set_xlabel("")
    if exact is not None:
        axes[0].set_title("black dashed: exact", loc="right", fontsize="small")
    return axes


def describe_raster(ax, rows, exact):
    """(Re)write the description of a raster Axes: each row's spikes, errors against exact."""
    exact_spikes = None if exact is None else np.asarray(exact.spike_times, dtype=float)
    labels = getattr(ax, "_lifutils_rows", [r.name for r in rows])
    phrases = [spikes_phrase(lab, res.spike_times, exact_spikes if res is not exact else None)
               for lab, res in zip(labels, rows)]
    lo, hi = ax.get_xlim()
    set_description(ax, f"Spike raster, {lo:g} to {hi:g} ms, one row per method. "
                        + "; ".join(phrases) + ".")


def plot_raster(results, ax=None, *, exact=None, labels=None):
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
        Row labels (one per result, plus one for exact); default ``result.name``.

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
    ax = new_axes(ax, figsize=(7.0, 0.45 * (len(results) + 1) + 1.0))
    rows = list(results) + ([exact] if exact is not None else [])
    labels = [r.name for r in rows] if labels is None else list(labels)
    if len(labels) != len(rows):
        raise LifutilsError(f"labels must have one entry per row ({len(rows)}), got {len(labels)}")
    n = len(rows)
    t_end = max((float(r.t[-1]) for r in rows if len(r.t)), default=1.0)
    for k, res in enumerate(rows):
        y = n - 1 - k
        color = METHOD_COLORS[method_key(res)]
        spikes = np.asarray(res.spike_times, dtype=float)
        ax.plot(spikes, np.full(len(spikes), float(y)), linestyle="none", marker="|",
                markersize=11, markeredgewidth=1.6, color=color, gid=GID_RASTER,
                label=labels[k])
        # x in axes fraction, so the note stays inside when the caller zooms in time
        ax.text(0.5, y, "no spikes", ha="center", va="center", fontsize="small",
                transform=ax.get_yaxis_transform(), color=METHOD_TEXT_COLORS[method_key(res)],
                style="italic",
                gid=GID_RASTER_EMPTY, visible=not len(spikes))
    ax.set_yticks(range(n - 1, -1, -1), labels)
    for tick, res in zip(ax.get_yticklabels(), rows):
        tick.set_color(METHOD_TEXT_COLORS[method_key(res)])
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlim(0.0, t_end)
    ax.set_xlabel("time (ms)")
    ax.tick_params(axis="y", length=0)
    ax._lifutils_rows = labels
    describe_raster(ax, rows, exact)
    ax.grid(axis="x", color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)
    return ax


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

"""The figure of the gallery: the classic grid of firing patterns (matplotlib only).

Kept apart from :mod:`lifutils.figures.plotting`, which the other notebooks and the
dashboards import, since only notebook 08 draws it. Like every figure of the
package it draws on a pyplot-free Figure and changes no global state.
"""
from __future__ import annotations

import math

import numpy as np

from .drawing import GUIDE_COLOR
from .drawing import new_axes as _new_axes
from .drawing import PngFigure as _Figure
from .drawing import set_description as _set_description
from .drawing import set_headline as _set_headline
from .drawing import thin as _thin
from ..errors import LifutilsError
from ..gallery import FAMILIES
from .plotting import METHOD_COLORS

__all__ = ["plot_pattern", "plot_pattern_grid"]

_INPUT_BAND = (-112.0, -100.0)  # mV: where the input step is drawn, under the trace
_Y_LIMITS = (-115.0, 40.0)
#: What every panel plots, in the words of its axis labels and its description.
V_LABEL, T_LABEL = "v (mV)", "time (ms)"
_QUANTITIES = "membrane potential v (mV) against time t (ms)"


def plot_pattern(model, sol, ax=None, *, color=None, show_input=True):
    """One panel: v (mV) against t (ms) of a solved gallery model, its input below.

    Parameters
    ----------
    model : lifutils.gallery.Model
    sol : ResetResult
        ``model.solve(...)`` (without t_eval: each reset then shows as a jump
        from the peak to the reset value).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new pyplot-free Figure when None.
    color : str, optional
        Colour of the trace; default the colour of solve_ivp with events.
    show_input : bool
        Draw the input current as a grey step in a band under the trace (its
        scale is arbitrary: only the shape, the times of its switches, counts).

    Returns
    -------
    matplotlib.axes.Axes
    """
    alone = ax is None  # a figure of its own: larger text, labelled here
    ax = _new_axes(ax, figsize=(7.0, 3.0))
    t, v = _thin(sol.t, sol.y[0])
    ax.plot(t, v, color=color or METHOD_COLORS["events"], linewidth=0.8)
    if show_input:
        t0, t1 = model.t_span
        times = [t0, *[b for b in model.current.times if t0 < b < t1], t1]
        levels = np.array([model.current(x) for x in times[:-1]])
        low, high = min(0.0, levels.min()), max(0.0, levels.max())
        scale = (levels - low) / (high - low) if high > low else np.zeros_like(levels)
        y = _INPUT_BAND[0] + scale * (_INPUT_BAND[1] - _INPUT_BAND[0])
        ax.step(times, [*y, y[-1]], where="post", color=GUIDE_COLOR, linewidth=1.0)
    ax.set_xlim(*model.t_span)
    ax.set_ylim(*_Y_LIMITS)
    ax.set_title(model.label, loc="left", fontsize="medium" if alone else "small")
    ax.tick_params(labelsize="small" if alone else "x-small")
    if alone:
        ax.set(xlabel=T_LABEL, ylabel=V_LABEL)
        if show_input:
            ax.text(0.99, 0.12, "input current (its shape)", transform=ax.transAxes,
                    ha="right", va="bottom", fontsize="small", color=GUIDE_COLOR)
    _set_description(ax, _describe_pattern(model, sol, show_input, alone))
    return ax


def _describe_pattern(model, sol, show_input, alone) -> str:
    """A panel's description: the pattern, what is plotted against what (with units), its
    spikes and, when drawn, how the input steps. In the grid, whose headline says the
    quantities and the grey step in full, the shorter form."""
    t0, t1 = model.t_span
    spikes = np.asarray(sol.t_events[0], dtype=float)
    what = _QUANTITIES if alone else "v (mV) against t (ms)"
    text = f"{model.label}: {what}, {t0:g} to {t1:g} ms; "
    if len(spikes) > 1:
        text += f"{len(spikes)} spikes, the first at {spikes[0]:.0f} ms"
    else:
        text += f"1 spike, at {spikes[0]:.0f} ms" if len(spikes) else "no spikes"
    if show_input:
        times = [b for b in model.current.times if t0 < b < t1]
        steps = [f"{'up' if model.current(b) > model.current(np.nextafter(b, -np.inf)) else 'down'}"
                 f" at {b:g} ms" for b in times]
        input_ = "the input current (grey, its shape only)" if alone else "input"
        text += f"; {input_} steps {', '.join(steps)}" if steps else f"; {input_} constant"
    return text + "."


def plot_pattern_grid(solved, fig=None, *, ncols=4, panel_size=(2.6, 1.55)):
    """The pattern grid: one small panel per pattern, each family from a new row.

    Parameters
    ----------
    solved : mapping
        ``{(family, name): (Model, ResetResult)}``, as
        :func:`lifutils.gallery.solve_all` returns.
    fig : matplotlib.figure.Figure, optional
        Where to draw; a new pyplot-free Figure when None.
    ncols : int
        Panels per row.
    panel_size : (float, float)
        Width and height of one panel (inches).

    Returns
    -------
    matplotlib.figure.Figure
        Show it by ending a notebook cell with it.

    Examples
    --------
    >>> from lifutils.gallery import PATTERNS, solve_all
    >>> few = {k: PATTERNS[k] for k in [("izhikevich", "RS"), ("adex", "tonic")]}
    >>> fig = plot_pattern_grid(solve_all(few, rtol=1e-6, atol=1e-6), ncols=2)
    >>> [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()]
    ['RS: regular spiking', 'tonic spiking']
    """
    if not solved:
        raise LifutilsError("solved must hold at least one (Model, ResetResult), got none")
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise LifutilsError(f"ncols must be an integer >= 1, got {ncols!r}")
    families = list(dict.fromkeys(key[0] for key in solved))
    rows_of = {f: math.ceil(sum(k[0] == f for k in solved) / ncols) for f in families}
    nrows = sum(rows_of.values())
    if fig is None:
        fig = _Figure(figsize=(panel_size[0] * ncols, panel_size[1] * nrows + 0.5),
                      layout="constrained")
    axes = np.atleast_2d(fig.subplots(nrows, ncols, sharex=False, sharey=True, squeeze=False))
    row = 0
    for family in families:
        keys = [k for k in solved if k[0] == family]
        for k, key in enumerate(keys):
            ax = axes[row + k // ncols, k % ncols]
            plot_pattern(*solved[key], ax)
            if k == 0:
                known = FAMILIES.get(family)  # its title from lifutils.gallery.FAMILIES
                ax.text(0.0, 1.32, known.title if known else family, transform=ax.transAxes,
                        fontweight="bold", fontsize="medium")
        for k in range(len(keys), rows_of[family] * ncols):
            axes[row + k // ncols, k % ncols].set_visible(False)
        row += rows_of[family]
    for ax in axes[:, 0]:
        ax.set_ylabel(V_LABEL, fontsize="small")
    row = 0
    for family in families:  # the time axis labelled under each column of each family
        block = axes[row:row + rows_of[family]]
        for col in range(ncols):
            shown = [ax for ax in block[:, col] if ax.get_visible()]
            if shown:
                shown[-1].set_xlabel(T_LABEL, fontsize="small")
        row += rows_of[family]
    first = next(ax for ax in axes.flat if ax.get_visible())  # the grey step, named once
    first.text(0.98, _INPUT_BAND[1] + 2.0, "input (its shape)",
               transform=first.get_yaxis_transform(), ha="right", va="bottom", fontsize="x-small", color=GUIDE_COLOR)
    _set_headline(fig, f"Firing patterns, one panel per published model: {_QUANTITIES}, "
                       "the input current's shape as a grey step under each trace.")
    return fig

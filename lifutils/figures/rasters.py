"""Spike rasters: one row per result, the exact spikes last (notebooks 01 and 04).

:class:`RasterFigure` keeps its artists and moves them to new results (a dashboard
calls its ``update``); :func:`plot_raster` draws one for a notebook. Both are
re-exported by :mod:`lifutils.figures.plotting`, where the notebooks import them.
"""
from __future__ import annotations

import numpy as np

from .drawing import (GID_RASTER, GID_RASTER_EMPTY, METHOD_COLORS, METHOD_TEXT_COLORS, describe,
                      new_axes, set_description, spikes_phrase, time_axis_end)
from ..errors import LifutilsError
from ..methods import method_key

__all__ = ["RasterFigure", "plot_raster"]


class RasterFigure:
    """Spike rasters, one row per result, top to bottom, the exact spikes last: drawn once
    (:meth:`draw`), moved to new results (:meth:`update`).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw (:func:`plot_raster` makes one sized for the rows).

    Attributes
    ----------
    ax : matplotlib.axes.Axes
    lines, notes : list
        Each row's spike marks (Line2D) and its "no spikes" note (Text), top to bottom.
    labels : list of str
        The rows' labels.

    Examples
    --------
    >>> from lifutils import LIFParams, simulate_euler
    >>> raster = RasterFigure(new_axes(None)).draw([simulate_euler(LIFParams(i_e=20.0), 100.0)])
    >>> raster = raster.update([simulate_euler(LIFParams(i_e=5.0), 100.0)])
    >>> [note.get_visible() for note in raster.notes]  # the row says "no spikes"
    [True]
    """

    def __init__(self, ax):
        self.ax = ax
        self.lines, self.notes, self.labels = [], [], []

    @property
    def moving(self):
        return [*self.lines, *self.notes]

    @property
    def watched(self):
        return []

    def draw(self, results, *, exact=None, labels=None):
        """Draw one row per result, ``exact`` last (see :func:`plot_raster`)."""
        ax = self.ax
        rows = list(results) + ([exact] if exact is not None else [])
        labels = [r.name for r in rows] if labels is None else list(labels)
        if len(labels) != len(rows):
            raise LifutilsError(f"labels must have one entry per row ({len(rows)}), "
                                f"got {len(labels)}")
        n = len(rows)
        for k, (res, label) in enumerate(zip(rows, labels)):
            y = n - 1 - k
            line, = ax.plot(*_row_xy(res, y), linestyle="none", marker="|", markersize=11,
                            markeredgewidth=1.6, color=METHOD_COLORS[method_key(res)],
                            gid=GID_RASTER, label=label)
            # x in axes fraction, so the note stays inside when the caller zooms in time
            note = ax.text(0.5, y, "no spikes", ha="center", va="center", fontsize="small",
                           transform=ax.get_yaxis_transform(),
                           color=METHOD_TEXT_COLORS[method_key(res)], style="italic",
                           gid=GID_RASTER_EMPTY, visible=not len(res.spike_times))
            self.lines.append(line)
            self.notes.append(note)
        self.labels = labels
        ax.set_yticks(range(n - 1, -1, -1), labels)
        for tick, res in zip(ax.get_yticklabels(), rows):
            tick.set_color(METHOD_TEXT_COLORS[method_key(res)])
        ax.set_ylim(-0.6, n - 0.4)
        ax.set_xlim(0.0, time_axis_end(rows))
        ax.set_xlabel("time (ms)")
        ax.tick_params(axis="y", length=0)
        self.describe(rows, exact)
        ax.grid(axis="x", color="0.9", linewidth=0.6)
        ax.set_axisbelow(True)
        return self

    def update(self, results, *, exact=None):
        """Move each row's spikes to the new results (the same rows as drawn)."""
        rows = list(results) + ([exact] if exact is not None else [])
        if len(self.lines) != len(rows):
            raise LifutilsError(f"the raster has {len(self.lines)} rows, got {len(rows)} results")
        self._move(rows)
        self.describe(rows, exact)
        return self

    def _move(self, rows):
        n = len(rows)
        for k, (line, note, res) in enumerate(zip(self.lines, self.notes, rows)):
            line.set_data(*_row_xy(res, n - 1 - k))
            note.set_visible(not len(res.spike_times))

    def describe(self, rows, exact):
        """(Re)write the description: each row's spikes, errors against exact."""
        exact_spikes = None if exact is None else np.asarray(exact.spike_times, dtype=float)
        phrases = [spikes_phrase(lab, res.spike_times,
                                 exact_spikes if res is not exact else None)
                   for lab, res in zip(self.labels, rows)]
        lo, hi = self.ax.get_xlim()
        set_description(self.ax, f"Spike raster, {lo:g} to {hi:g} ms, one row per method. "
                                 + "; ".join(phrases) + ".")


def _row_xy(result, y):
    """Where a raster row's marks sit: at each spike time (ms), at height ``y``."""
    spikes = np.array(result.spike_times, dtype=float)
    return spikes, np.full(len(spikes), float(y))


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
    return RasterFigure(ax).draw(results, exact=exact, labels=labels).ax

"""The raster of a few coupled neurons, their volleys shaded (notebook 05's kicks).

Kept apart from :mod:`lifutils.figures.plotting` (which every notebook imports): only
the kick dashboard of notebook 05 draws it. It draws on a pyplot-free Figure
and changes no global state; :class:`VolleyFigure` holds its artists and moves
their data to a new run (:meth:`VolleyFigure.set_run`), for fast redraws.

Examples
--------
>>> fig = plot_volleys([[5.0, 10.0, 20.0, 30.0], [7.0, 10.0, 20.0, 30.0]], [18.0, 20.0],
...                    kick=2.5, t_max=40.0)
>>> fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()
('time (ms)', 'neuron (drive)')
>>> print(describe(fig))
Spike raster of 2 neurons, 0 to 40 ms, kicks of 2.5 mV: 4, 4 spikes; from 10 ms on every spike is in a volley of all 2, one every 10 ms (shaded).
"""
from __future__ import annotations

import math

import numpy as np

from .drawing import describe  # noqa: F401 (the examples use it)
from .drawing import PngFigure, number, set_description
from ..references.network import volley_lock

__all__ = ["VolleyFigure", "plot_volleys"]

SPIKE_COLOR = "#005A8C"  # of lifutils.methods.PALETTE: 3:1 on white and on the shading
LOCK_SHADE = "0.9"
LOCK_EDGE = "0.35"


class VolleyFigure(PngFigure):
    """One raster row per neuron, the locked volleys shaded; :meth:`set_run` redraws it.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
    moving : list of matplotlib.artist.Artist
        What :meth:`set_run` changes (for a fast redraw).
    """

    def set_run(self, spike_times, drives, *, kick, t_max, tie=False):
        """Show ``spike_times`` (one array per neuron, ms) of neurons with ``drives`` (nA),
        coupled by kicks of ``kick`` mV, over ``t_max`` ms; ``tie`` notes a kick that left
        a neuron within rounding of its threshold."""
        drives = [float(d) for d in drives]
        n = len(drives)
        if getattr(self, "ax", None) is None or len(self._vf_rows) != n:
            self._vf_build(drives, t_max)
        locked, interval = volley_lock(spike_times)
        for row, (line, train) in enumerate(zip(self._vf_rows, spike_times)):
            train = np.asarray(train, dtype=float)
            line.set_data(train, np.full(len(train), row))
        start = locked if math.isfinite(locked) else t_max
        self._vf_shade.set_x(start)  # a Rectangle: x in ms, y across the whole axes
        self._vf_shade.set_width(t_max - start)
        self._vf_start.set_xdata([start, start])
        self._vf_start.set_visible(math.isfinite(locked))
        self._vf_title.set_text(f"kicks of {kick:g} mV: " + (
            f"volleys from {number(locked, 3)} ms on" if math.isfinite(locked)
            else "no lasting volleys"))
        counts = ", ".join(str(len(t)) for t in spike_times)
        if math.isfinite(locked):
            lock = (f"from {number(locked, 3)} ms on every spike is in a volley of all {n}, one "
                    f"every {number(interval, 3)} ms (shaded)")
        else:
            lock = "no lasting volleys of all of them"
        text = (f"Spike raster of {n} neurons, 0 to {t_max:g} ms, kicks of {kick:g} mV: {counts} "
                f"spikes; {lock}")
        if tie:
            text += "; a kick lands a neuron on its threshold to rounding (a tie)"
        set_description(self.ax, text + ".")
        self.locked, self.interval = locked, interval
        return self

    def _vf_build(self, drives, t_max):
        self.clear()
        self.ax = ax = self.subplots()
        n = len(drives)
        # The shade is faint (1.2:1 on white); the dashed line where it starts and the
        # title carry the lock in 3:1 and in words.
        self._vf_shade = ax.axvspan(t_max, t_max, ymin=0, ymax=1, facecolor=LOCK_SHADE,
                                    linewidth=0, zorder=0, label="locked in volleys")
        self._vf_start = ax.axvline(t_max, color=LOCK_EDGE, linewidth=1.2, linestyle="--",
                                    zorder=0.5, visible=False)
        self._vf_rows = [ax.plot([], [], linestyle="none", marker="|", markersize=14,
                                 markeredgewidth=1.6, color=SPIKE_COLOR)[0] for _ in range(n)]
        self._vf_title = ax.set_title(" ", loc="left", fontsize="medium")
        ax.set(xlim=(0.0, t_max), ylim=(-0.6, n - 0.4), yticks=range(n),
               yticklabels=[f"{d:g} nA" for d in drives], xlabel="time (ms)",
               ylabel="neuron (drive)")
        ax.legend(handles=[self._vf_shade], loc="lower right", bbox_to_anchor=(1.0, 1.0),
                  fontsize="small", frameon=False, borderaxespad=0.1)
        self.moving = [self._vf_shade, self._vf_start, *self._vf_rows, self._vf_title]


def plot_volleys(spike_times, drives, *, kick, t_max, tie=False, figsize=(7.2, 2.8), dpi=None):
    """A raster of coupled neurons with the stretch where they fire in volleys shaded.

    Parameters
    ----------
    spike_times : sequence of array_like
        Spike times of each neuron (ms), e.g. ``NetworkResult.spike_times``.
    drives : sequence of float
        Each neuron's input (nA): the row labels.
    kick : float
        The kick of each spike to the others (mV), for the title.
    t_max : float
        Length of the run (ms).
    tie : bool
        Say in the description that a kick tied with a threshold.
    figsize, dpi
        Size (inches) and resolution.

    Returns
    -------
    VolleyFigure
    """
    fig = VolleyFigure(figsize=figsize, dpi=dpi, layout="constrained", facecolor="white")
    return fig.set_run(spike_times, drives, kick=kick, t_max=t_max, tie=tie)

"""Figures of notebook 07: population rasters and the cost per spike (matplotlib only).

Kept apart from :mod:`lifutils.figures.plotting`, which the other notebooks and the
dashboards import, since only notebook 07 draws these.
"""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import FuncFormatter

from .drawing import new_axes
from ..methods import REGISTRY
from ..populations import APPROACHES, SpikeRecord

__all__ = ["plot_population_raster", "plot_cost_per_spike"]


def plot_population_raster(spike_trains, ax=None, *, overlay=None,
                           labels=("solve_ivp_with_resets", "reference"), ylabel="neuron"):
    """Raster of a population: one row per neuron (neuron 0 at the bottom), a tick per spike.

    Parameters
    ----------
    spike_trains : SpikeRecord or sequence of array_like
        The spikes of a population (or the spike times, ms, of each neuron),
        drawn as tall blue ticks.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new Figure when None.
    overlay : SpikeRecord or sequence of array_like, optional
        Another set of spike times for the same neurons (the closed form, NEST),
        drawn as short black ticks on top, so that a tick without its partner
        stands out.
    labels : (str, str)
        Legend entries of the two sets.
    ylabel : str
        Label of the neuron axis.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_population_raster([[1.0, 5.0], [], [2.0]], overlay=[[1.0, 5.0], [], [2.0]])
    >>> len(ax.collections), [float(y) for y in ax.get_ylim()]
    (6, [-1.0, 3.0])
    """
    trains = _trains(spike_trains)
    ax = new_axes(ax, figsize=(7.5, 3.8))
    ax.eventplot(trains, colors=REGISTRY["events"].color, linelengths=0.8, linewidths=1.2)
    ax.plot([], [], "|", color=REGISTRY["events"].color, markersize=9, label=labels[0])
    if overlay is not None:
        ax.eventplot(_trains(overlay), colors="black",
                     linelengths=0.35, linewidths=0.8)
        ax.plot([], [], "|", color="black", markersize=4, label=labels[1])
    ax.set(xlabel="time (ms)", ylabel=ylabel, ylim=(-1.0, len(trains)))
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, frameon=False,
              fontsize="small")
    return ax


def _trains(spikes):
    """Per-neuron spike times (ms) of a SpikeRecord or of a sequence of trains."""
    if isinstance(spikes, SpikeRecord):
        return spikes.spike_trains()
    return [np.asarray(s, dtype=float) for s in spikes]


def plot_cost_per_spike(rows, ax=None, *, key="cpu_ms_per_spike"):
    """Time per spike (ms) against the number of neurons, log-log, one line per approach.

    Parameters
    ----------
    rows : sequence of dict
        Rows of :func:`lifutils.populations.measure` (``approach``, ``n`` and ``key``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new Figure when None.
    key : str
        ``"cpu_ms_per_spike"`` (processor time, the default: steadier on a busy
        machine) or ``"ms_per_spike"`` (wall time).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_cost_per_spike([{"approach": "vector", "n": 10, "cpu_ms_per_spike": 0.5},
    ...                           {"approach": "vector", "n": 100, "cpu_ms_per_spike": 0.6}])
    >>> [line.get_label() for line in ax.get_lines()]
    ['one vector event']
    """
    ax = new_axes(ax, figsize=(6.5, 3.6))
    for approach in dict.fromkeys(r["approach"] for r in rows):
        known = APPROACHES.get(approach)  # each approach in its own style (population.APPROACHES)
        label, (color, marker, linestyle) = ((known.label, known.look()) if known
                                             else (approach, (None, "o", "-")))
        mine = [r for r in rows if r["approach"] == approach]
        ax.loglog([r["n"] for r in mine], [r[key] for r in mine], marker=marker,
                  linestyle=linestyle, color=color, label=label)
    what = "processor" if key == "cpu_ms_per_spike" else "wall"
    ax.set(xlabel="number of neurons N", ylabel=f"{what} time per spike (ms)")
    plain = FuncFormatter(lambda value, _: f"{value:g}")  # 2 and 3, not 2 x 10^0
    ax.yaxis.set_major_formatter(plain)
    ax.yaxis.set_minor_formatter(plain)
    ax.set_xticks(sorted({r["n"] for r in rows}), minor=False)
    ax.xaxis.set_major_formatter(plain)
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda value, _: ""))
    ax.grid(True, which="both", color="0.9", linewidth=0.6)
    ax.legend(fontsize="small")
    return ax

"""The capstone's figure (notebook 06): the student's spike train against the exact one.

matplotlib is imported only when a figure is drawn, so that the checks stay free of it.
"""
from __future__ import annotations

import numpy as np

from .answers import TOL_MS

__all__ = ["plot_attempt"]

_YOURS = "#0072B2"   # Okabe-Ito blue: the solve_ivp + events colour of every figure
_EXACT = "black"


def plot_attempt(mine, exact, *, label="your restart loop"):
    """Draw a student's spike times (ms) against the exact ones; return the Figure.

    Top: the two trains as rasters, the exact one in black. Bottom: the gap
    ``|mine - exact|`` of each spike (ms, log scale; the k-th spike against the
    k-th) with the check's tolerance, 0.001 ms, as a dashed line. ``mine`` None
    (the loop cannot run yet) draws the exact train alone and says so.

    Examples
    --------
    >>> fig = plot_attempt(np.array([13.9, 35.5]), np.array([13.8629, 35.4452, 61.5548]))
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['', '|yours - exact| (ms)']
    >>> fig.axes[0].get_title()
    'your restart loop: 2 spikes; exact: 3'
    """
    from ..figures.drawing import PngFigure  # no pyplot: shows itself as a PNG when returned

    exact = np.asarray(exact, dtype=float)
    fig = PngFigure(figsize=(8.0, 3.8), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(1.0, 1.6))
    top.eventplot([exact], lineoffsets=[0.0], colors=[_EXACT], linelengths=0.7)
    top.set_yticks([0.0, 1.0], ["exact", label])
    if mine is None:
        top.set_title(f"{label}: nothing to draw yet; exact: {exact.size} spikes")
        bottom.text(0.5, 0.5, "your loop does not run yet: see the message above", transform=bottom.transAxes,
                    ha="center", va="center")
    else:
        mine = np.asarray(mine, dtype=float)
        top.eventplot([mine], lineoffsets=[1.0], colors=[_YOURS], linelengths=0.7)
        top.set_title(f"{label}: {mine.size} spikes; exact: {exact.size}")
        k = min(mine.size, exact.size)
        gap = np.abs(mine[:k] - exact[:k])
        shown = np.maximum(gap, 1e-12)  # an exact hit still gets a point on the log axis
        bottom.semilogy(exact[:k], shown, "o-", color=_YOURS, markersize=4,
                        label="gap of each spike")
        bottom.axhline(TOL_MS, color=_EXACT, linestyle="--", linewidth=1.0,
                       label=f"check's tolerance, {TOL_MS:g} ms")
        bottom.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
        bottom.set_ylim(1e-12, max(10.0, float(shown.max()) * 3) if k else 10.0)
    top.set_ylim(-0.6, 1.6)
    bottom.set_ylabel("|yours - exact| (ms)")
    bottom.set_xlabel("time (ms)")
    top.set_xlim(0.0, max(float(exact.max(initial=0.0)), float(np.max(mine, initial=0.0))
                          if mine is not None else 0.0) * 1.03 + 1.0)
    return fig

"""The phase plane of a two-variable gallery model: nullclines, trajectory, reset jumps.

Kept apart from :mod:`lifutils.figures.plotting` (which every notebook imports), as
:mod:`lifutils.figures.gallery` is: only notebook 08 and the phase-plane
dashboard draw it. Like every figure of the package it draws on a pyplot-free
Figure and changes no global state.

The figure has two panels. On top, the phase plane: v (mV) across, the slow
variable up (AdEx's adaptation current w in pA, Izhikevich's recovery variable
u in mV/ms), with

* the two nullclines at the input that is on for most of the run
  (:func:`lifutils.gallery.v_nullcline`, :func:`lifutils.gallery.w_nullcline`)
  and the resting states where they cross (:func:`lifutils.gallery.fixed_points`);
* the trajectory, a solid line that stops at each spike's peak;
* each reset as a jump, a dotted line from (v_peak, w) to (Vr, w + b), or
  (30, u) to (c, u + d), an open circle where it lands.

Below, v (mV) against time (ms) with a tick over each spike: the spike train.

:class:`PhasePlaneFigure` holds its artists and moves their data to a new run
(:meth:`PhasePlaneFigure.set_run`), which is how the phase-plane dashboard
redraws it fast.

Examples
--------
>>> from lifutils.gallery import adex
>>> m = adex("adapting", t_end=300.0)
>>> fig = plot_phase_plane(m, m.solve(rtol=1e-6, atol=1e-6))
>>> [ax.get_xlabel() for ax in fig.axes], fig.axes[0].get_ylabel()
(['V (mV)', 'time (ms)'], 'w, adaptation current (pA)')
>>> print(describe(fig))  # doctest: +ELLIPSIS
AdEx, adaptation (I = 500 pA, Vr = -58 mV, b = 60 pA): adapting, 8 spikes in 300 ms. Panel 1 of 2: ...
"""
from __future__ import annotations

import math

import numpy as np

from .drawing import PngFigure, describe, number, set_description, thin
from ..errors import LifutilsError
from ..gallery import drive, firing_pattern, fixed_points, v_nullcline, w_nullcline

__all__ = ["PhasePlaneFigure", "plot_phase_plane", "title", "settings_text", "headline",
           "FAMILY_NAMES", "AXIS_LABELS", "V_RANGE", "RESET_NAMES"]

#: The families' names in titles and descriptions.
FAMILY_NAMES = {"adex": "AdEx", "izhikevich": "Izhikevich"}
#: Axis labels of the phase plane, per family: (v, the slow variable).
AXIS_LABELS = {"adex": ("V (mV)", "w, adaptation current (pA)"),
               "izhikevich": ("v (mV)", "u, recovery variable (mV/ms)")}
#: The parameters of the reset (v to, jump of the slow variable) and the input, per family.
RESET_NAMES = {"adex": ("Vr", "b"), "izhikevich": ("c", "d")}
_UNITS = {"adex": {"I": "pA", "Vr": "mV", "b": "pA"},
          "izhikevich": {"I": "mV/ms", "c": "mV", "d": "mV/ms"}}
#: The v range drawn (mV), per family: fixed, so a redraw rarely has to lay the figure out again.
V_RANGE = {"adex": (-85.0, 5.0), "izhikevich": (-90.0, 35.0)}

TRAJECTORY_COLOR = "#005A8C"  # colours of lifutils.methods.PALETTE (3:1 on white)
V_NULLCLINE_COLOR = "#D55E00"
W_NULLCLINE_COLOR = "#009E73"
JUMP_COLOR = "0.1"
N_GRID = 400  # points of each nullcline


class PhasePlaneFigure(PngFigure):
    """The phase plane (top) and v(t) with the spike train (bottom) of one gallery run.

    Build it with :func:`plot_phase_plane`. :meth:`set_run` moves every artist's
    data to another run of a model of the same family (a new family, or a new
    pattern, changes labels and title: draw the whole figure again).

    Attributes
    ----------
    phase, trace : matplotlib.axes.Axes
        The two panels.
    moving : list of matplotlib.artist.Artist
        The artists whose data :meth:`set_run` changes (for a fast redraw).
    model, result
        The run shown.
    """

    def _build_artists(self):
        self.phase, self.trace = self.subplots(2, 1, height_ratios=[1.6, 1.0])
        ph, tr = self.phase, self.trace
        self._pp_v_null, = ph.plot([], [], color=V_NULLCLINE_COLOR, linewidth=2.0,
                                label="v-nullcline (dv/dt = 0)")
        self._pp_w_null, = ph.plot([], [], color=W_NULLCLINE_COLOR, linewidth=2.0, linestyle="--",
                                label="w-nullcline (dw/dt = 0)")
        self._pp_path, = ph.plot([], [], color=TRAJECTORY_COLOR, linewidth=1.2, label="trajectory")
        self._pp_jumps, = ph.plot([], [], color=JUMP_COLOR, linewidth=1.2, linestyle=(0, (1, 1.5)),
                               label="reset jump")
        self._pp_landings, = ph.plot([], [], linestyle="none", marker="o", markersize=5,
                                  markerfacecolor="none", markeredgecolor=JUMP_COLOR,
                                  markeredgewidth=1.2, label="_landing")
        self._pp_rests, = ph.plot([], [], linestyle="none", marker="s", markersize=7,
                               color="black", label="resting state")
        self._pp_start, = ph.plot([], [], linestyle="none", marker="^", markersize=7,
                               color=TRAJECTORY_COLOR, label="start")
        self._pp_v_t, = tr.plot([], [], color=TRAJECTORY_COLOR, linewidth=0.9)
        self._pp_ticks, = tr.plot([], [], linestyle="none", marker="|", markersize=9,
                               markeredgewidth=1.5, color="black", label="spikes")
        tr.set_xlabel("time (ms)")
        self.moving = [self._pp_v_null, self._pp_w_null, self._pp_path, self._pp_jumps,
                       self._pp_landings, self._pp_rests, self._pp_start, self._pp_v_t,
                       self._pp_ticks]
        self.model = self.result = None
        self._labelled_for = None

    def set_run(self, model, result):
        """Show ``result`` (``model.solve(...)``, without t_eval) of ``model``.

        Moves the data of every artist, the w-axis limits (to nice round
        values: they change only when the data leave them) and the descriptions;
        labels and title follow the model's family and pattern.
        """
        if model.family not in AXIS_LABELS:
            raise LifutilsError(f"model.family must be one of {sorted(AXIS_LABELS)}, "
                                f"got {model.family!r}")
        if getattr(self, "phase", None) is None:
            self._build_artists()
        self.model, self.result = model, result
        v_lo, v_hi = V_RANGE[model.family]
        v, w = np.asarray(result.y[0], dtype=float), np.asarray(result.y[1], dtype=float)
        t = np.asarray(result.t, dtype=float)
        path_v, path_w, jump_v, jump_w, land = _split_at_resets(t, v, w)
        self._pp_path.set_data(path_v, path_w)
        self._pp_jumps.set_data(jump_v, jump_w)
        self._pp_landings.set_data(*land)
        grid = np.linspace(v_lo, v_hi, N_GRID)
        v_null = v_nullcline(model, grid)
        self._pp_v_null.set_data(grid, v_null)
        self._pp_w_null.set_data(grid, w_nullcline(model, grid))
        rests = fixed_points(model)
        self._pp_rests.set_data(rests[:, 0], rests[:, 1])
        self._pp_start.set_data([v[0]], [w[0]])
        self._pp_v_t.set_data(*thin(t, v))
        spikes = np.asarray(result.t_events[0], dtype=float)
        top = model.v_peak + 0.08 * (v_hi - v_lo)
        self._pp_ticks.set_data(spikes, np.full(len(spikes), top))
        self.phase.set_xlim(v_lo, v_hi)
        # The view holds the trajectory, the resting states and the V-nullcline's lowest
        # point: whether the path passes under it is what decides the firing.
        shown = np.concatenate([w, rests[:, 1], [np.min(v_null)]])
        self.phase.set_ylim(*self._w_limits(model, shown))
        self.trace.set_xlim(*model.t_span)
        self.trace.set_ylim(v_lo, top + 0.06 * (v_hi - v_lo))
        if self._labelled_for != (model.family, model.name):
            self._set_labels(model)
            self._labelled_for = (model.family, model.name)
        self._set_descriptions(model, spikes, rests, len(jump_v) // 3)
        return self

    def _w_limits(self, model, values):
        """Round limits around ``values``, kept while the data still fill them: a new axis
        means a full redraw (several times a data-only one). Per pattern, each limit moves
        out when the data cross it, with room to spare, and in only when the data fill less
        than a third of the axis."""
        fresh = _nice_limits(values)
        if self._labelled_for != (model.family, model.name):
            return fresh
        lo, hi = self.phase.get_ylim()
        values = np.asarray(values, dtype=float)
        values = values[np.isfinite(values)]
        if not len(values):
            return lo, hi
        v_lo, v_hi = float(values.min()), float(values.max())
        if (v_hi - v_lo) < (hi - lo) / 3.0:
            return fresh
        span = hi - lo
        if v_lo < lo + 0.02 * span:  # crossing the bottom (or nearly): more room below
            lo = _nice_limits([v_lo - 0.3 * span, hi])[0]
        if v_hi > hi - 0.02 * span:
            hi = _nice_limits([lo, v_hi + 0.5 * span])[1]
        return lo, hi

    def _set_labels(self, model):
        v_label, w_label = AXIS_LABELS[model.family]
        slow = w_label.split(",")[0]
        self.phase.set(xlabel=v_label, ylabel=w_label)
        self.trace.set_ylabel(v_label)
        self._pp_v_null.set_label(f"{v_label.split()[0]}-nullcline (d{v_label.split()[0]}/dt = 0)")
        self._pp_w_null.set_label(f"{slow}-nullcline (d{slow}/dt = 0)")
        # Above the plane, not on it: the trajectory may go anywhere.
        self.phase.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3, fontsize="small",
                          frameon=False, borderaxespad=0.2, columnspacing=1.2)
        self.suptitle(title(model), x=0.02, ha="left", fontsize="medium")

    def _set_descriptions(self, model, spikes, rests, n_jumps):
        fam = model.family
        v_name, w_name = AXIS_LABELS[fam][0].split()[0], AXIS_LABELS[fam][1].split(",")[0]
        reset_v, jump = RESET_NAMES[fam]
        unit = _UNITS[fam]
        p = model.params
        t0, t1 = model.t_span
        if len(rests):
            cross = (f"the nullclines cross at {len(rests)} point{'s' * (len(rests) > 1)}, the "
                     f"lowest at {v_name} = {number(rests[0, 0], 3)} mV: a resting state")
        else:
            cross = "the nullclines do not cross: no resting state at this input, so it fires"
        set_description(self.phase, (
            f"phase plane, {w_name} against {v_name}; {cross}; the trajectory makes "
            f"{n_jumps} reset jump{'s' * (n_jumps != 1)}, each from {v_name} = "
            f"{number(model.v_peak)} mV to {reset_v} = {number(p[reset_v])} mV with {w_name} up "
            f"by {jump} = {number(p[jump])} {unit[jump]}"))
        set_description(self.trace, f"{v_name} against time, {t0:g} to {t1:g} ms, "
                                    f"{len(spikes)} spike{'s' * (len(spikes) != 1)}"
                                    + _intervals(spikes))
        self.headline = headline(model, spikes)  # said once, before the panels
        self.lifutils_description = describe(self)


def title(model):
    """``"AdEx, adaptation"`` or ``"Izhikevich, RS: regular spiking"``."""
    return f"{FAMILY_NAMES[model.family]}, {model.label}"


def settings_text(model):
    """``"I = 500 pA, Vr = -58 mV, b = 60 pA"``: the input and the reset of a run."""
    fam = model.family
    unit = _UNITS[fam]
    values = {"I": drive(model), **{k: model.params[k] for k in RESET_NAMES[fam]}}
    return ", ".join(f"{k} = {number(x, 3)} {unit[k]}" for k, x in values.items())


def headline(model, spikes):
    """The first sentence of the description: pattern, settings, what it does."""
    t0, t1 = model.t_span
    n = len(spikes)
    word = firing_pattern(spikes)
    what = word if n < 2 else f"{word}, {n} spikes"
    return f"{title(model)} ({settings_text(model)}): {what} in {t1 - t0:g} ms."


def _intervals(spikes):
    if len(spikes) < 3:
        return ""
    isi = np.diff(spikes)
    return (f"; intervals from {number(isi.min())} to {number(isi.max())} ms, first "
            f"{number(isi[0])}, last {number(isi[-1])} ms")


def _split_at_resets(t, v, w):
    """The trajectory with a gap at each reset, and the jumps as segments (NaN-separated).

    A reset shows in a ResetResult as two points at the same time: the state
    at the peak, then the state after the reset. A restart at an input switch
    repeats a point without moving it: no jump.
    """
    same_t = np.flatnonzero((t[1:] == t[:-1]) & ((v[1:] != v[:-1]) | (w[1:] != w[:-1])))
    path_v = np.insert(v, same_t + 1, np.nan)
    path_w = np.insert(w, same_t + 1, np.nan)
    jump_v = np.column_stack([v[same_t], v[same_t + 1], np.full(len(same_t), np.nan)]).ravel()
    jump_w = np.column_stack([w[same_t], w[same_t + 1], np.full(len(same_t), np.nan)]).ravel()
    return path_v, path_w, jump_v, jump_w, (v[same_t + 1], w[same_t + 1])


def _nice_limits(values):
    """Limits around ``values`` with a margin, on a round step (10, 20, 25, 50 ... of the span),
    so that small changes of the data leave them where they are."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    lo, hi = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
    span = max(hi - lo, 1e-3 * max(1.0, abs(hi)), 1e-9)
    raw = span / 6.0
    base = 10.0 ** math.floor(math.log10(raw))
    step = next(m * base for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * base >= raw)
    return (math.floor((lo - 0.12 * span) / step) * step,
            math.ceil((hi + 0.12 * span) / step) * step)


def plot_phase_plane(model, result, *, figsize=(7.2, 6.4), dpi=None):
    """The phase plane and the spike train of a solved two-variable gallery model.

    Parameters
    ----------
    model : lifutils.gallery.Model
        An AdEx or Izhikevich model (:func:`lifutils.gallery.adex`,
        :func:`lifutils.gallery.izhikevich`).
    result : ResetResult
        ``model.solve(...)`` without t_eval (each reset is then two points at
        the spike time: the peak and the reset state).
    figsize : (float, float)
        Inches.
    dpi : float, optional
        Resolution; default matplotlib's.

    Returns
    -------
    PhasePlaneFigure
        A pyplot-free Figure; end a notebook cell with it to show it (with its
        description under it).
    """
    fig = PhasePlaneFigure(figsize=figsize, dpi=dpi, layout="constrained", facecolor="white")
    return fig.set_run(model, result)

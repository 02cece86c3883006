"""Figures of accuracy and cost: convergence in dt, the f-I curve, work against precision.

Like :mod:`lifutils.figures.plotting` (traces and rasters), each function draws on the
Axes it is given or on a new Figure, returns the Axes and describes it for
screen readers; every method's colour, marker and line style comes from
:data:`lifutils.methods.REGISTRY`.

Examples
--------
>>> from lifutils import LIFParams
>>> ax = plot_fi_curve(LIFParams(), [0.0, 20.0, 40.0])
>>> ax.get_ylabel()
'firing rate (Hz)'
"""
from __future__ import annotations

import math

import numpy as np

from .drawing import GID_FI_CURVE, GID_FI_RHEOBASE, GID_FI_RHEOBASE_LABEL, GID_FI_SIMULATED
from ..analytic import firing_rate, rheobase
from .drawing import GUIDE_COLOR, draw_slope_guides, fi_grid, new_axes, number, set_description
from ..errors import LifutilsError
from ..methods import REGISTRY, method_key, spare_styles

__all__ = ["plot_convergence", "plot_fi_curve", "FICurveFigure", "describe_fi_curve",
           "plot_rate_errors", "plot_work_precision", "work_precision_styles"]


def plot_convergence(dts, errors_by_label, ax=None):
    """Largest spike-time error (ms) against the time step dt (ms), log-log, with slope 1.

    Parameters
    ----------
    dts : array_like
        Time steps (ms).
    errors_by_label : dict
        Label -> errors (ms), one per dt (e.g. from
        :func:`lifutils.compare.euler_convergence`): the caller picks the
        methods, since only those with a dt knob converge in dt. A key of
        :data:`lifutils.methods.REGISTRY` gets its method's colour and label.
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
    ax = new_axes(ax, figsize=(5.5, 4.0))
    dts = np.asarray(dts, dtype=float)
    anchor = None
    markers = iter("osD^v<>p")
    for label, errors in errors_by_label.items():
        errors = np.asarray(errors, dtype=float)
        if errors.shape != dts.shape:
            raise LifutilsError(f"errors for {label!r} must have one value per dt ({len(dts)})")
        ok = np.isfinite(errors) & (errors > 0)
        method = REGISTRY.get(label)  # a method key gets its colour and label
        color, text = (method.color, method.label) if method else (None, label)
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
    set_description(ax, _describe_convergence(dts, errors_by_label))
    return ax


def _describe_convergence(dts, errors_by_label) -> str:
    """The description of a convergence Axes: each line's errors at its largest and
    smallest drawn dt."""
    phrases = []
    for label, errors in errors_by_label.items():
        errors = np.asarray(errors, dtype=float)
        ok = np.isfinite(errors) & (errors > 0)
        name = REGISTRY[label].label if label in REGISTRY else label
        if ok.sum() >= 2:
            (i, j) = np.flatnonzero(ok)[[0, -1]]
            phrases.append(f"{name}: {number(errors[i])} ms at dt {dts[i]:g} ms, "
                           f"{number(errors[j])} ms at dt {dts[j]:g} ms")
        elif ok.any():
            i = np.flatnonzero(ok)[0]
            phrases.append(f"{name}: {number(errors[i])} ms at dt {dts[i]:g} ms")
        else:
            phrases.append(f"{name}: no finite error")
    return ("Largest spike-time error (ms) against the time step dt (ms), log-log, "
            "with a dotted slope-1 guide. " + "; ".join(phrases) + ".")


class FICurveFigure:
    """The f-I curve (firing rate in Hz against input current in nA): the analytic curve,
    its rheobase and the simulated rates, drawn once (:meth:`draw`) and moved to new
    parameters and rates (:meth:`update`).

    :func:`plot_fi_curve` draws with it for a notebook; the f-I dashboard keeps one.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new Figure when None.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
    curve, rheobase_line : matplotlib.lines.Line2D
    rheobase_label : matplotlib.text.Text
    markers : list of matplotlib.lines.Line2D
        The simulated rates, one per method, in the order drawn.

    Examples
    --------
    >>> from lifutils import LIFParams
    >>> curve = FICurveFigure().draw(LIFParams(), [0.0, 40.0], {"euler": [0.0, 60.0]})
    >>> curve = curve.update(LIFParams(tau_m=20.0), [0.0, 40.0], {"euler": [0.0, 40.0]})
    >>> curve.rheobase_label.get_text().split()
    ['rheobase', '15', 'nA']
    """

    def __init__(self, ax=None):
        self.ax = new_axes(ax, figsize=(5.5, 4.0))
        self.markers = []

    @property
    def moving(self):
        """The artists :meth:`update` moves every time."""
        return [self.curve, *self.markers]

    @property
    def watched(self):
        """The artists that move only with the rheobase."""
        return [self.rheobase_line, self.rheobase_label]

    def draw(self, params, currents, simulated=None):
        """Draw the curve, the rheobase and the simulated rates (see :func:`plot_fi_curve`)."""
        ax = self.ax
        currents = _checked_currents(currents)
        self.curve, = ax.plot(*_fi_curve_xy(params, currents), color="black", linewidth=1.2,
                              label="analytic (firing_rate)", gid=GID_FI_CURVE, zorder=2)
        rb = rheobase(params)
        self.rheobase_line = ax.axvline(rb, color=GUIDE_COLOR, linestyle=":", linewidth=0.9,
                                        gid=GID_FI_RHEOBASE, label="_rheobase")
        self.rheobase_label = ax.text(
            rb, 0.97, _rheobase_text(rb), transform=ax.get_xaxis_transform(), ha="left",
            va="top", fontsize="small", color="0.2", gid=GID_FI_RHEOBASE_LABEL,
            bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1.0))
        for key, rates in _checked_rates(simulated, currents).items():
            m = REGISTRY[method_key(key)]  # simulated points: each method its own marker shape
            self.markers.append(ax.plot(currents, rates, linestyle="none", color=m.color,
                                        label=m.label, gid=GID_FI_SIMULATED, zorder=3,
                                        **m.marker)[0])
        span = (currents.max() - currents.min()) or 1.0  # one current: an axis 1 nA wide
        ax.set_xlim(currents.min() - 0.02 * span, currents.max() + 0.02 * span)
        ax.set_xlabel("input current i_e (nA)")
        ax.set_ylabel("firing rate (Hz)")
        ax.legend(fontsize="small", loc="upper left")
        describe_fi_curve(ax, params, currents, simulated)
        return self

    def update(self, params, currents, simulated=None):
        """Move the curve and the rheobase to ``params``, the markers to ``simulated`` (the
        same methods as drawn); the rate axis is rescaled to the new data."""
        currents = _checked_currents(currents)
        simulated = _checked_rates(simulated, currents)
        if len(simulated) != len(self.markers):
            raise LifutilsError(f"simulated must name the {len(self.markers)} methods drawn, "
                                f"got {len(simulated)}")
        grid, rates = _fi_curve_xy(params, currents)
        self.curve.set_data(grid, rates)
        rb = rheobase(params)
        self.rheobase_line.set_xdata([rb, rb])
        self.rheobase_label.set_x(rb)
        self.rheobase_label.set_text(_rheobase_text(rb))
        top = float(np.max(rates)) if len(rates) else 1.0
        for line, sim in zip(self.markers, simulated.values()):
            line.set_data(currents, sim)
            finite = sim[np.isfinite(sim)]  # a rate that is not a number is not drawn
            top = max(top, float(np.max(finite)) if len(finite) else 0.0)
        top = _round_top(1.08 * top if top > 0 else 1.0)
        self.ax.set_ylim(-0.04 * top, top)  # room for the markers at 0 Hz
        describe_fi_curve(self.ax, params, currents, simulated)
        return self


#: The rate axis' top is one of these times a power of ten.
ROUND_TOPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def _round_top(top):
    """``top`` (> 0) rounded up to a value of :data:`ROUND_TOPS` times a power of ten: a
    slider moved a step seldom changes the rate axis, so a dashboard seldom has to draw
    its axes again (only the curve and the markers, much quicker)."""
    scale = 10.0 ** math.floor(math.log10(top))
    return next((r * scale for r in ROUND_TOPS if r * scale >= top), 10.0 * scale)


def _fi_curve_xy(params, currents):
    """The analytic curve: currents (nA) spanning ``currents``, rheobase included, and rates (Hz)."""
    grid = fi_grid(params, currents)
    return grid, firing_rate(params, i_e=grid)


def _rheobase_text(rb):
    return f" rheobase\n {rb:.3g} nA"


def _checked_currents(currents):
    """``currents`` (nA) as a float array of at least one finite current, or a LifutilsError."""
    checked = np.array(currents, dtype=float).ravel()
    if not len(checked) or not np.all(np.isfinite(checked)):
        raise LifutilsError(f"currents must be one or more finite currents (nA), got {currents!r}")
    return checked


def _checked_rates(simulated, currents):
    """Method key -> rates (Hz) as float arrays of one rate per current, or a LifutilsError."""
    checked = {}
    for key, rates in (simulated or {}).items():
        rates = np.array(rates, dtype=float)
        if rates.shape != currents.shape:
            raise LifutilsError(f"simulated[{key!r}] must have one rate per current "
                                f"({len(currents)})")
        checked[key] = rates
    return checked


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
    rheobase (marked by a dotted line) with infinite slope. The figure is a
    :class:`FICurveFigure`; the f-I dashboard keeps one and moves its data.

    Examples
    --------
    >>> from lifutils import LIFParams
    >>> ax = plot_fi_curve(LIFParams(), [0.0, 10.0, 20.0, 30.0, 40.0])
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('input current i_e (nA)', 'firing rate (Hz)')
    """
    return FICurveFigure(ax).draw(params, currents, simulated).ax


def describe_fi_curve(ax, params, currents, simulated):
    """(Re)write the description of an f-I Axes: the analytic curve, each method's gap."""
    currents = np.asarray(currents, dtype=float)
    top = float(firing_rate(params, i_e=currents.max()))
    text = (f"Firing rate (Hz) against input current i_e (nA), {currents.min():g} to "
            f"{currents.max():g} nA. The analytic curve is 0 Hz up to the rheobase "
            f"{rheobase(params):.3g} nA, then rises to {number(top, 3)} Hz at "
            f"{currents.max():g} nA.")
    analytic = firing_rate(params, i_e=currents)
    for key, rates in (simulated or {}).items():
        gap = np.max(np.abs(np.asarray(rates, dtype=float) - analytic))
        text += (f" {REGISTRY[method_key(key)].label} (markers): largest difference from the analytic "
                 f"curve {number(gap)} Hz.")
    set_description(ax, text)


#: A marker's shape in words, for the descriptions (matplotlib's codes of the registry's markers).
_MARKER_WORDS = {"s": "squares", "D": "diamonds", "x": "crosses", "o": "dots", "+": "pluses",
                 "^": "triangles", "v": "triangles", "<": "triangles", ">": "triangles",
                 "p": "pentagons", "h": "hexagons", "*": "stars", "P": "plus signs",
                 "X": "crosses"}


def plot_rate_errors(params, currents, simulated, ax=None):
    """Each method's simulated minus analytic firing rate (Hz) against input current (nA).

    The companion of :func:`plot_fi_curve`: the f-I curve's markers, with the
    analytic curve taken away, so that differences of a fraction of a hertz show.
    Markers only (the differences jump from one current to the next), each method
    in its own marker shape and colour from :data:`lifutils.methods.REGISTRY`,
    so the panel reads in greyscale too; the exact answer is the dashed zero line.

    Parameters
    ----------
    params : LIFParams
        Neuron parameters (its i_e is ignored).
    currents : array_like
        Currents (nA) at which the rates were simulated.
    simulated : dict
        Method key -> rates (Hz) at ``currents`` (as for :func:`plot_fi_curve`).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new Figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from lifutils import LIFParams
    >>> ax = plot_rate_errors(LIFParams(), [20.0, 40.0], {"euler": [55.9, 144.0],
    ...                                                   "events": [55.8, 144.3]})
    >>> [line.get_marker() for line in ax.lines]
    ['s', 'o', 'None']
    """
    ax = new_axes(ax, figsize=(5.5, 4.0))
    currents = _checked_currents(currents)
    simulated = _checked_rates(simulated, currents)
    analytic = firing_rate(params, i_e=currents)
    for key, rates in simulated.items():
        m = REGISTRY[method_key(key)]
        ax.plot(currents, rates - analytic, linestyle="none", color=m.color, label=m.label,
                gid=GID_FI_SIMULATED, zorder=3, **m.marker)
    exact = REGISTRY["exact"]
    ax.axhline(0.0, color=exact.color, linestyle=exact.linestyle, linewidth=exact.linewidth,
               label=exact.label, zorder=2)
    ax.set_xlabel("input current i_e (nA)")
    ax.set_ylabel("simulated minus analytic rate (Hz)")
    ax.legend(fontsize="small")
    set_description(ax, _describe_rate_errors(currents, simulated, analytic))
    return ax


def _describe_rate_errors(currents, simulated, analytic) -> str:
    """Each method's marker shape and its largest difference (Hz), and where."""
    text = (f"Simulated minus analytic firing rate (Hz) against input current i_e (nA), "
            f"{currents.min():g} to {currents.max():g} nA; the exact answer is the dashed "
            f"zero line.")
    for key, rates in simulated.items():
        m = REGISTRY[method_key(key)]
        shape = _MARKER_WORDS.get(m.marker.get("marker"), "markers")
        gap = np.abs(rates - analytic)
        if not np.any(np.isfinite(gap)):
            text += f" {m.label} ({shape}): no finite rate."
            continue
        k = int(np.nanargmax(gap))
        text += (f" {m.label} ({shape}): largest difference {number(gap[k])} Hz"
                 + (f", at {currents[k]:g} nA." if gap[k] >= 1e-3 else "."))
    return text


def work_precision_styles(rows) -> dict:
    """Family -> (marker, linestyle, colour, text colour) for :func:`plot_work_precision`.

    The first family of each method (``rows``' ``key``) wears the method's own
    style; a method's further families (the event method's other solvers) take
    the colours, markers and line styles of :mod:`lifutils.methods` that no
    registered method uses, so no two families differ by colour alone.

    Examples
    --------
    >>> rows = [dict(key="events", family="events (RK45)"), dict(key="events", family="events (LSODA)")]
    >>> first, second = work_precision_styles(rows).values()
    >>> events = REGISTRY["events"]
    >>> first[:2] == (events.marker["marker"], events.linestyle), second[:2] == spare_styles(1)[0][1:]
    (True, True)
    """
    spare = iter(spare_styles(len(rows)))
    styles, seen = {}, set()
    for r in rows:
        family, m = r["family"], REGISTRY[method_key(r["key"])]
        if family in styles:
            continue
        if m.key not in seen:
            seen.add(m.key)
            styles[family] = (m.marker.get("marker", "o"), m.linestyle, m.color, m.label_color)
            continue
        color, marker, line = next(spare)
        styles[family] = (marker, line, color, color)
    return styles


def plot_work_precision(rows, ax=None):
    """Largest spike-time error (ms) against right-hand-side evaluations, log-log.

    Parameters
    ----------
    rows : list of dict
        From :func:`lifutils.compare.work_precision`: one line per ``family``
        ("Euler", "Euler, interpolated", "events (RK45)" ...) through its points
        (``nfev``, ``max_error``), styled by :func:`work_precision_styles`. For
        each knob (dt, rtol) the top line's points are labelled with their
        ``setting`` (the others share the same values). Grey dotted guides show
        the slopes -1 (first order: ten times the work for ten times less error)
        and -5. A zero or infinite error (a wrong spike count) cannot go on a log
        axis: such points are listed under the axes instead.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new Figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> rows = [dict(key="euler", family="Euler", setting="dt=0.1 ms", nfev=1000, max_error=0.13),
    ...         dict(key="euler", family="Euler", setting="dt=0.01 ms", nfev=10000,
    ...              max_error=0.012),
    ...         dict(key="events", family="events (RK45)", setting="rtol=1e-06", nfev=300,
    ...              max_error=1e-5)]
    >>> ax = plot_work_precision(rows)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['Euler', 'events (RK45)']
    """
    ax = new_axes(ax, figsize=(7.0, 4.2))
    styles = work_precision_styles(rows)
    points, left_out = {}, []
    for family in styles:
        mine = [r for r in rows if r["family"] == family]
        points[family] = [r for r in mine if np.isfinite(r["max_error"]) and r["max_error"] > 0]
        left_out += [f"{family} {r['setting']}" for r in mine if r not in points[family]]
        marker, linestyle, color, _ = styles[family]
        ax.plot([r["nfev"] for r in points[family]], [r["max_error"] for r in points[family]],
                marker=marker, linestyle=linestyle, color=color, label=family)
    _label_settings(ax, rows, points, styles)
    draw_slope_guides(ax, rows)
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
    set_description(ax, _describe_work_precision(points, left_out))
    return ax


def _label_settings(ax, rows, points, styles):
    """Write each point's setting on the top line of each knob (families sharing a knob share
    their settings; the top line's labels cross no other line)."""
    knob_of = {r["family"]: REGISTRY[method_key(r["key"])].knob for r in rows}
    for knob in dict.fromkeys(knob_of.values()):
        mine = [f for f in points if knob_of[f] == knob and points[f]]
        if not mine:
            continue
        top = max(mine, key=lambda f: np.median(np.log([r["max_error"] for r in points[f]])))
        pts = points[top]
        for r in pts[::2] if len(pts) > 5 else pts:  # every other one when crowded
            ax.annotate(r["setting"], (r["nfev"], r["max_error"]), xytext=(5, 4),
                        textcoords="offset points", fontsize="x-small", color=styles[top][3])


def _describe_work_precision(points, left_out) -> str:
    """The description of a work-precision Axes: each family's cheapest and dearest point."""
    phrases = []
    for family, pts in points.items():
        pts = sorted((r["nfev"], r["max_error"]) for r in pts)
        if pts:
            (n0, e0), (n1, e1) = pts[0], pts[-1]
            phrases.append(f"{family}: {number(e0)} ms error for {n0:,} evaluations"
                           + (f", {number(e1)} ms for {n1:,}" if len(pts) > 1 else ""))
    text = ("Largest spike-time error (ms) against right-hand-side evaluations (nfev), log-log, "
            "with dotted slope guides. " + "; ".join(phrases) + ".")
    if left_out:
        text += " Not shown (wrong spike count): " + ", ".join(left_out) + "."
    return text

"""The dashboards of the notebooks, built on :mod:`lifutils.widgets.framework`.

Each one names its controls, a cached run of lifutils' simulators, and how to
draw and summarise the result; the framework does the rest.
"""
from __future__ import annotations

import html
import math

import ipywidgets as widgets
import numpy as np

from .. import compare
from ..figures import plotting, accuracy as plotting_accuracy
from ..analytic import rheobase, simulate_exact
from ..compare import compare_methods, event_rates, simulated_rates, spike_time_error
from ..dvdt_hack import simulate_dvdt_hack
from ..errors import HackStalledError
from ..euler import simulate_euler
from ..events import simulate_events
from ..methods import REGISTRY
from ..params import LIFParams
from .framework import (SOLVERS, T_MAX, V_LIMITS, Dashboard, cached, choices, control_values,
                        dt_choice, i_e_slider, max_step_choice, dashboard_figure, rtol_choice,
                        solver_settings, spike_summary, t_ref_slider, tau_m_slider,
                        trace_dashboard, v_reset_slider)
from .redraw import FastPNG

__all__ = ["euler_explorer", "hack_explorer", "events_explorer", "side_by_side", "fi_explorer"]


# --------------------------------------------------------------------------- dashboards

def euler_explorer(*, t_max=T_MAX, size="screen"):
    """Euler's for-loop against the exact answer: how the time step matters.

    Controls: ``i_e`` (nA, 0 to 40), ``dt`` (ms, 0.01 to 1), ``tau_m`` (ms),
    ``v_reset`` (mV; at or above v_thresh = -55 mV the model refuses, and
    the dashboard says so). The status gives the spike count and the error
    of the first spike time (ms).

    Parameters
    ----------
    t_max : float
        Simulated time (ms). Default 100.
    size : {"screen", "projector"}
        ``"projector"`` draws larger text, lines and controls, for the back of
        a room. Default ``"screen"``.

    Returns
    -------
    Dashboard

    Examples
    --------
    >>> dash = euler_explorer()
    >>> dash.controls["dt"].value = 0.5
    >>> "dt=0.5" in dash.status.value
    True
    """
    controls = {"i_e": i_e_slider(),
                "dt": dt_choice(),
                "tau_m": tau_m_slider(),
                "v_reset": v_reset_slider()}

    @cached
    def run(i_e, dt, tau_m, v_reset):
        params = LIFParams(i_e=i_e, tau_m=tau_m, v_reset=v_reset)
        return simulate_euler(params, t_max, dt=dt), simulate_exact(params, t_max)

    def summarize(euler, exact):
        return f"Euler: {spike_summary(euler, exact)}"

    return trace_dashboard("Euler's for-loop against the exact answer", "euler", controls,
                           run, summarize, V_LIMITS, size)


def hack_explorer(*, t_max=T_MAX, size="screen"):
    """The question's dv/dt "reset" through solve_ivp: no solver setting rescues it.

    Controls: ``method`` (the solve_ivp method), ``max_step`` (ms, inf for no
    cap), ``i_e`` (nA). The status gives the right-hand-side evaluations
    (nfev) and the lowest v (mV) after v first reached threshold: it stays
    near -55 mV, never near v_reset = -80 mV. Implicit methods (Radau, BDF)
    crawl at the threshold until the hack's evaluation budget runs out (several
    seconds: the status line says so while it computes); the dashboard then
    draws the trace as far as it got and says STALLED in the status line.

    Parameters
    ----------
    t_max : float
        Simulated time (ms). Default 100.
    size : {"screen", "projector"}
        ``"projector"`` draws larger text, lines and controls, for the back of
        a room. Default ``"screen"``.

    Returns
    -------
    Dashboard

    Examples
    --------
    >>> dash = hack_explorer()
    >>> dash.controls["method"].value = "RK23"
    >>> "method=RK23" in dash.status.value
    True
    """
    # A selection slider, not a drop-down list: in JupyterLab the arrow keys on a
    # focused drop-down list move to the next cell instead (the keyboard test).
    controls = {"method": choices("method", SOLVERS, "RK45"),
                "max_step": max_step_choice(),
                "i_e": i_e_slider()}

    @cached
    def run(method, max_step, i_e):
        params = LIFParams(i_e=i_e)
        try:
            hack, stalled = simulate_dvdt_hack(params, t_max, method=method,
                                               **solver_settings(max_step)), None
        except HackStalledError as exc:  # draw how far it got, and say why it stopped
            hack, stalled = exc.result, exc.result.t[-1]
        return hack, simulate_exact(params, t_max), stalled

    def summarize(hack, exact, stalled):
        if exact.n_spikes:
            # Up to the first threshold crossing the hack is the plain leaky
            # integrator, so the exact first spike time is when it gets there.
            t_first = exact.spike_times[0]
            lowest = compare.lowest_v_after(hack, t_first)
            where = (f"lowest v after first reaching v_thresh (t = {t_first:.2f} ms): "
                     f"{lowest:.2f} mV, v_reset is {hack.params.v_reset:g} mV")
        else:
            where = (f"v never reaches v_thresh (i_e is at or below the rheobase, "
                     f"{rheobase(hack.params):g} nA)")
        if stalled is not None:
            return (f"STALLED: its evaluation budget ran out at t = {stalled:.2f} ms "
                    f"(nfev={hack.nfev}); {where}")
        return f"nfev={hack.nfev}, {where}"

    return trace_dashboard("The dv/dt hack against the exact answer", "hack", controls,
                           run, summarize, (-85.0, V_LIMITS[1]), size, notice=_slow_hack,
                           warm=lambda values: None if _slow_hack(values) else run(**values))


#: The methods with which the hack crawls until its evaluation budget runs out.
SLOW_HACK_METHODS = ("Radau", "BDF")


def _slow_hack(values):
    """The status line's warning while the hack computes a setting that takes seconds
    (never prefetched: it would hold up the redraws meanwhile)."""
    if values["method"] in SLOW_HACK_METHODS:
        return (f"{values['method']} crawls at the threshold until the hack's evaluation "
                "budget runs out: this takes several seconds (only the first time: "
                "the result is kept)")
    if values["max_step"] < 0.1:
        return (f"max_step {values['max_step']:g} ms: tens of thousands of steps, this takes "
                "a few seconds (only the first time: the result is kept)")
    return ""


def events_explorer(*, t_max=T_MAX, size="screen"):
    """solve_ivp with a threshold event, reset and restart: the answer, and its settings.

    Controls: ``i_e`` (nA), ``t_ref`` (ms, refractory period), ``rtol``
    (solver tolerance, atol left at its default), ``max_step`` (ms, inf for
    no cap). The status gives the spike count, the largest spike-time error
    (ms) against the closed form, and nfev.

    Parameters
    ----------
    t_max : float
        Simulated time (ms). Default 100.
    size : {"screen", "projector"}
        ``"projector"`` draws larger text, lines and controls, for the back of
        a room. Default ``"screen"``.

    Returns
    -------
    Dashboard

    Examples
    --------
    >>> dash = events_explorer()
    >>> dash.controls["t_ref"].value = 2.0
    >>> "t_ref=2.0" in dash.status.value
    True
    """
    controls = {"i_e": i_e_slider(),
                "t_ref": t_ref_slider(),
                "rtol": rtol_choice(),
                "max_step": max_step_choice()}

    @cached
    def run(i_e, t_ref, rtol, max_step):
        params = LIFParams(i_e=i_e, t_ref=t_ref)
        events = simulate_events(params, t_max, rtol=rtol, **solver_settings(max_step))
        return events, simulate_exact(params, t_max)

    def summarize(events, exact):
        error = spike_time_error(events.spike_times, exact.spike_times)
        error_text = "wrong spike count" if math.isinf(error) else f"{error:.2g} ms"
        return (f"{events.n_spikes} spikes (exact {exact.n_spikes}), largest spike-time error "
                f"{error_text}, nfev={events.nfev}")

    return trace_dashboard("solve_ivp with a threshold event, reset and restart", "events",
                           controls, run, summarize, (-85.0, V_LIMITS[1]), size)


#: The edge of the method swatches in the dashboard table: 4.5:1 on white, 4.2:1 on
#: JupyterLab's dark background (#111111), so the black swatch shows on both.
SWATCH_EDGE = "#767676"


def _table(rows) -> str:
    """HTML table: spikes, first spike, largest spike-time error and nfev per method."""
    head = ("<tr><th>method</th><th>spikes</th><th>first spike<br>(ms)</th>"
            "<th>largest spike-<br>time error (ms)</th><th>nfev</th></tr>")
    cells = []
    for row in rows:
        method = REGISTRY[row["key"]]
        if method.reference:
            error, nfev = "\N{EM DASH}", "closed form"
        else:
            error = ("wrong count" if math.isinf(row["max_error"])
                     else f"{row['max_error']:.2g}")
            nfev = f"{row['nfev']:,}"
        first = "\N{EM DASH}" if math.isnan(row["first_spike"]) else f"{row['first_spike']:.3f}"
        # A square with a grey edge (3:1 on a light and on a dark theme): the exact
        # answer's black shows on a dark theme too.
        swatch = (f'<span style="display: inline-block; width: 0.8em; height: 0.8em; '
                  f'background: {method.color}; border: 1px solid {SWATCH_EDGE}"></span>')
        cells.append(f"<tr><td>{swatch} {html.escape(method.label)}</td><td>{row['n_spikes']}"
                     f"</td><td>{first}</td><td>{error}</td><td>{nfev}</td></tr>")
    style = ("<style>.lif-table {border-collapse: collapse; line-height: 1.3; font-size: 0.9em}"
             ".lif-table td, .lif-table th {padding: 3px 8px; text-align: right;"
             " white-space: nowrap; vertical-align: bottom}"
             ".lif-table th {border-bottom: 1px solid #999}"
             ".lif-table td:first-child, .lif-table th:first-child {text-align: left}</style>")
    return f'{style}<table class="lif-table">{head}{"".join(cells)}</table>'


#: The control of each knob (see :attr:`lifutils.methods.Method.knob`) in side_by_side.
KNOB_CONTROLS = {"dt": dt_choice, "rtol": rtol_choice}


def _method_rows(t_max, keys):
    """A function of the neuron and knob settings -> comparison rows of ``keys``, one cache
    per method, keyed by what that method depends on (its knob; t_ref if it honours it)."""
    def one(key):
        m = REGISTRY[key]

        def row(i_e, tau_m, t_ref, v_reset, setting):
            params = LIFParams(i_e=i_e, tau_m=tau_m, t_ref=t_ref, v_reset=v_reset)
            knob = {} if m.knob is None else {m.knob: setting}
            return compare_methods(params, t_max, keys=(key,), **knob)[0]
        return cached(row)

    runs = {key: one(key) for key in keys}

    def rows(i_e, tau_m, t_ref, v_reset, **knobs):  # t_ref 0 for a method that ignores it
        return [run(i_e, tau_m, t_ref if REGISTRY[key].refractory else 0.0, v_reset,
                    knobs.get(REGISTRY[key].knob)) for key, run in runs.items()]
    return rows


def side_by_side(*, t_max=T_MAX, size="screen"):
    """Every method of the registry at once, one panel each, a raster and a table.

    Controls: ``i_e`` (nA), ``tau_m`` (ms), ``t_ref`` (ms), ``v_reset`` (mV),
    and one for each knob of the methods (:data:`KNOB_CONTROLS`): ``dt`` (ms,
    for the methods whose knob it is), ``rtol`` (likewise). One panel per
    method (every method of :data:`lifutils.methods.REGISTRY` but the
    reference) with the exact trace on each, a spike raster, and a table of
    spike counts, largest spike-time errors (ms) and nfev per method (from
    :func:`lifutils.compare.compare_methods`). Each method is cached
    separately, so moving ``dt`` reruns only the Euler loops.

    Parameters
    ----------
    t_max : float
        Simulated time (ms). Default 100.
    size : {"screen", "projector"}
        ``"projector"`` draws larger text, lines and controls, for the back of
        a room. Default ``"screen"``.

    Returns
    -------
    Dashboard
        With extra attributes ``table`` (the HTML table widget), ``traces`` (the
        :class:`~lifutils.figures.plotting.SideBySideFigure` of the panels) and ``raster``
        (the :class:`~lifutils.figures.plotting.RasterFigure` below them).

    Examples
    --------
    >>> dash = side_by_side()
    >>> dash.controls["i_e"].value = 30.0
    >>> "i_e=30.00" in dash.status.value
    True
    """
    knobs = dict.fromkeys(m.knob for m in REGISTRY.values() if m.knob is not None)
    controls = {"i_e": i_e_slider(), "tau_m": tau_m_slider(), "t_ref": t_ref_slider(),
                "v_reset": v_reset_slider(), **{knob: KNOB_CONTROLS[knob]() for knob in knobs}}
    rows = _method_rows(t_max, list(REGISTRY))
    n = len(REGISTRY) - 1  # one panel per method, the reference on each
    # Four panels and the raster fill 7.4 inches; more methods share that height.
    fig, axes = dashboard_figure((7.6, 7.4 * min(n + 1.15, 5.15) / 5.15), size, nrows=n + 1, ncols=1,
                                 sharex=True, height_ratios=[1] * n + [1.15])
    panels, raster = axes[:n], axes[n]

    def split(found):
        return ([r["result"] for r in found if not r["reference"]],
                next(r["result"] for r in found if r["reference"]))

    results, ex = split(rows(**control_values(controls)))
    labels = [res.label for res in results]  # the registry's labels, not the results' names
    traces = plotting.SideBySideFigure(panels).draw(results, exact=ex, labels=labels)
    for ax in panels:
        ax.set_ylim(*V_LIMITS)
    panels[-1].set_xlabel("")  # the raster below carries the time axis
    spikes = plotting.RasterFigure(raster).draw(results, exact=ex, labels=labels + [ex.label])
    raster.set_xlim(0.0, t_max)
    table = widgets.HTML(layout=widgets.Layout(margin="1.5em 0 0 1em"))

    def draw(values):
        found = rows(**values)
        results, ex = split(found)
        traces.update(results, exact=ex)
        spikes.update(results, exact=ex)
        table.value = _table(found)
        return f"exact: {ex.n_spikes} spikes in {t_max:g} ms"

    renderer = FastPNG(fig, traces.moving + spikes.moving, watched=traces.watched)
    dash = Dashboard("Threshold and reset: every approach side by side", controls, fig, draw,
                     side=table, renderer=renderer, size=size, warm=lambda values: rows(**values))
    dash.table, dash.traces, dash.raster = table, traces, spikes
    return dash


def fi_explorer(*, currents=tuple(np.arange(0.0, 40.5, 4.0)), t_max=1000.0, size="screen"):
    """The f-I curve: analytic against the Euler loop and the event method.

    Two methods, not the registry's: the dashboard's question is the Euler loop's
    dt against the event method, and each redraw reruns every current (the f-I
    markers of every registered method are notebook 04's ``plot_fi_curve``).

    Controls: ``tau_m`` (ms), ``t_ref`` (ms), ``v_reset`` (mV), ``dt`` (ms,
    for Euler). Simulated rates (Hz) come from
    :func:`lifutils.compare.simulated_rates` over ``t_max`` ms at each current (the
    event method's from :func:`lifutils.compare.event_rates`, the same rates from its
    first interval: its spike train repeats).

    Parameters
    ----------
    currents : sequence of float
        Currents (nA) at which to simulate. Default 0, 4, ..., 40.
    t_max : float
        Simulated time per current (ms). Default 1000.
    size : {"screen", "projector"}
        ``"projector"`` draws larger text, lines and controls, for the back of
        a room. Default ``"screen"``.

    Returns
    -------
    Dashboard
        With an extra attribute ``curve``: its
        :class:`~lifutils.figures.accuracy.FICurveFigure` (what
        :func:`~lifutils.figures.accuracy.plot_fi_curve` draws).

    Examples
    --------
    >>> dash = fi_explorer(currents=(10.0, 20.0, 30.0), t_max=200.0)
    >>> dash.controls["t_ref"].value = 2.0
    >>> "t_ref=2.0" in dash.status.value
    True
    """
    currents = np.asarray(currents, dtype=float)
    controls = {"tau_m": tau_m_slider(),
                "t_ref": t_ref_slider(),
                "v_reset": v_reset_slider(),
                "dt": dt_choice()}

    # Two caches: moving dt reruns the Euler loop only. The event method's rates come
    # from its first interval (its spike train repeats: see compare.event_rates).
    @cached
    def euler(params, dt):
        return simulated_rates("euler", params, currents, t_max, dt=dt)

    @cached
    def events(params):
        return event_rates(params, currents, t_max)

    def run(tau_m, t_ref, v_reset, dt):
        params = LIFParams(tau_m=tau_m, t_ref=t_ref, v_reset=v_reset)  # hashable: a cache key
        return params, {"euler": euler(params, dt), "events": events(params)}

    fig, ax = dashboard_figure((6.4, 4.2), size)
    params, simulated = run(**control_values(controls))
    curve = plotting_accuracy.FICurveFigure(ax).draw(params, currents, simulated)

    def draw(values):
        params, simulated = run(**values)
        curve.update(params, currents, simulated)
        worst = float(np.max(np.abs(simulated["euler"] - simulated["events"])))
        return f"rheobase {rheobase(params):g} nA, Euler and events differ by up to {worst:.2g} Hz"

    # When the rate axis' (rounded) top changes, its tick labels change width: keep the
    # layout engine for those full redraws (a step that keeps the top only blits).
    renderer = FastPNG(fig, curve.moving, watched=curve.watched, freeze_layout=False)
    dash = Dashboard("The f-I curve", controls, fig, draw, renderer=renderer, size=size,
                     warm=lambda values: run(**values))
    dash.curve = curve
    return dash

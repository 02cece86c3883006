"""ipywidgets dashboards for the LIF neuron: sliders in, a figure and numbers out.

Nothing numeric lives here. Each dashboard calls lifutils' simulators (cached
per dashboard, so moving a slider back is instant), moves the data of one
figure drawn by :mod:`lifutils.plotting` and shows it as a PNG.

Every dashboard is a :class:`Dashboard` (an ``ipywidgets.VBox``) with

* ``controls``: a dict name -> widget (sliders carry their unit in their
  description, e.g. "i_e (nA)"; they redraw when released);
* ``status``: an HTML line (CSS class ``lif-status``) that lists every
  control as ``name=value``, the value as the widget shows it, then a few
  numbers, and ends with ``redraw N``;
* ``output``: an ``ipywidgets.Output`` holding the figure as an inline PNG,
  or, for settings the model refuses (``v_reset`` at or above ``v_thresh``
  ...), ``error``: a short message (CSS class ``lif-error``) in its place;
* ``figure`` (the one matplotlib Figure, never handed to pyplot),
  ``redraw()``, ``n_redraws`` and ``png`` (the last PNG, bytes).

Units: time in ms, voltage in mV, current in nA.

Examples
--------
>>> dash = euler_explorer()
>>> dash.controls["i_e"].value = 25.0
>>> dash.n_redraws, "i_e=25.00" in dash.status.value, "redraw 2" in dash.status.value
(2, True, True)
"""
from __future__ import annotations

import base64
import functools
import html
import math

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from . import plotting
from .analytic import rheobase, simulate_exact
from . import compare
from .compare import METHODS, compare_methods, simulated_rates, spike_time_error
from .dvdt_hack import simulate_dvdt_hack
from .errors import HackStalledError
from .euler import simulate_euler
from .events import DEFAULT_RTOL, simulate_events
from .params import LIFParams

__all__ = ["Dashboard", "euler_explorer", "hack_explorer", "events_explorer",
           "side_by_side", "fi_explorer"]

T_MAX = 100.0          # simulated time (ms)
I_E = 20.0             # default input (nA): R*I = 20 mV, above the 15 mV rheobase
DPI = 80               # small PNGs: quick to render and to send
V_RESET_RANGE = (-90.0, -50.0)  # mV; from -55 up the model refuses (v_reset >= v_thresh)
V_LIMITS = (V_RESET_RANGE[0] - 3.0, -49.0)  # fixed v axis (mV): no re-layout per redraw
SOLVERS = ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA")
DT_OPTIONS = (("0.01", 0.01), ("0.02", 0.02), ("0.05", 0.05), ("0.1", 0.1), ("0.2", 0.2),
              ("0.5", 0.5), ("1", 1.0))
MAX_STEP_OPTIONS = (("inf", math.inf), ("1", 1.0), ("0.1", 0.1), ("0.01", 0.01))
RTOL_OPTIONS = tuple((f"1e-{k}", 10.0 ** -k) for k in range(2, 11))

# Settings the model refuses, and a solver that gives up (the dv/dt hack with
# an implicit method stops after its evaluation budget): shown as a message.
_EXPECTED = (ValueError, RuntimeError)


# --------------------------------------------------------------------------- controls

def _slider(description, value, lo, hi, step, fmt):
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                               readout=True, readout_format=fmt, continuous_update=False,
                               style={"description_width": "8em"},
                               layout=widgets.Layout(width="26em"))


def _choices(description, options, value, *, dropdown=False):
    cls = widgets.Dropdown if dropdown else widgets.SelectionSlider
    extra = {} if dropdown else dict(continuous_update=False, readout=True)
    return cls(options=options, value=value, description=description,
               style={"description_width": "8em"}, layout=widgets.Layout(width="26em"), **extra)


def _i_e_slider(value=I_E):
    return _slider("i_e (nA)", value, 0.0, 40.0, 0.5, ".2f")


def _v_reset_slider():
    return _slider("v_reset (mV)", -80.0, *V_RESET_RANGE, 1.0, ".1f")


def _rtol_choice():
    options = RTOL_OPTIONS
    if DEFAULT_RTOL not in [v for _, v in options]:
        options = tuple(sorted(options + ((f"{DEFAULT_RTOL:g}", DEFAULT_RTOL),),
                               key=lambda o: -o[1]))
    return _choices("rtol", options, DEFAULT_RTOL)


def _readout(widget) -> str:
    """The value as the widget shows it in the browser.

    Selection widgets show their option's label. Sliders format with
    ``readout_format`` through d3-format, which writes negative numbers with
    a true minus sign (U+2212), so this does too.
    """
    if isinstance(widget, (widgets.Dropdown, widgets.SelectionSlider)):
        # Not widget.label: ipywidgets leaves it empty when the initial value
        # is the first option.
        item = widget.options[widget.index]
        return str(item[0]) if isinstance(item, tuple) else str(item)
    fmt = getattr(widget, "readout_format", None)
    text = format(widget.value, fmt) if fmt else str(widget.value)
    return text.replace("-", "\N{MINUS SIGN}", 1) if text.startswith("-") else text


def _cached(func, maxsize=512):
    """``func`` with its results *and* its expected errors cached by argument.

    Caching the errors matters: the dv/dt hack with Radau takes seconds to
    use up its evaluation budget, and should not do it again.
    """
    @functools.lru_cache(maxsize=maxsize)
    def outcome(*args, **kwargs):
        try:
            return True, func(*args, **kwargs)
        except _EXPECTED as exc:
            return False, exc

    @functools.wraps(func)
    def call(*args, **kwargs):
        ok, value = outcome(*args, **kwargs)
        if not ok:
            raise value.with_traceback(None)
        return value

    call.cache_info = outcome.cache_info
    return call


def _values(controls):
    return {name: widget.value for name, widget in controls.items()}


def _solver_settings(max_step):
    """solve_ivp keywords for a max_step choice (inf: leave the default)."""
    return {} if math.isinf(max_step) else {"max_step": max_step}


# --------------------------------------------------------------------------- the container

class Dashboard(widgets.VBox):
    """Controls, a status line and one figure, redrawn when a control moves.

    Parameters
    ----------
    title : str
        Shown at the top.
    controls : dict
        Name -> widget with a ``value``; each change calls :meth:`redraw`.
    figure : matplotlib.figure.Figure
        The one figure of the dashboard (not managed by pyplot).
    draw : callable
        ``draw(values) -> str``: ``values`` maps control names to values;
        it moves the figure's data and returns a short plain-text summary for
        the status line. A ValueError or RuntimeError (settings the model
        refuses, a solver that gives up) is shown as a message instead of
        the figure.
    side : ipywidgets.Widget, optional
        Shown to the right of the figure (e.g. a table that ``draw`` fills).
    renderer : lifutils.plotting.FastPNG, optional
        Renders the figure; by default one that redraws only the artists
        the ``plotting.update_*`` functions move.

    Attributes
    ----------
    controls, figure, status, output, error : as described in the module docstring.
    figure_area : ipywidgets.Box
        Holds ``output`` or, for refused settings, ``error`` (never both).
    renderer : lifutils.plotting.FastPNG
        Turns the figure into PNG bytes.
    n_redraws : int
        Completed redraws, the first one (on construction) included.
    png : bytes
        The PNG shown last.

    Notes
    -----
    The PNG goes into the Output widget by setting its ``outputs`` (what
    ``Output.append_display_data`` does), rather than ``clear_output`` plus
    ``display(fig)`` inside ``with output:``. The browser shows the same
    ``<img>``, but the swap is one message (no blank flash), it works the same
    with or without a kernel (tests, doctests), and the PNG comes from
    :class:`~lifutils.plotting.FastPNG`, which redraws only the data: about a
    tenth of the time ``display(fig)`` takes to render this figure again
    (``bbox_inches="tight"`` draws it twice).
    """

    def __init__(self, title, controls, figure, draw, *, side=None, renderer=None):
        status = widgets.HTML()
        status.add_class("lif-status")
        error = widgets.HTML()
        error.add_class("lif-error")
        output = widgets.Output()
        # Never shrink the figure (the browser would scale the PNG down);
        # a side panel wraps below it when the window is narrow.
        figure_area = widgets.Box([output], layout=widgets.Layout(flex="0 0 auto"))
        body = figure_area if side is None else widgets.Box(
            [figure_area, side],
            layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        panel = widgets.Box(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([widgets.HTML(f"<b>{html.escape(title)}</b>"), panel, status, body])
        self.add_class("lif-dashboard")
        self.controls = dict(controls)
        self.figure = figure
        self.status = status
        self.output = output
        self.error = error
        self.n_redraws = 0
        self.png = b""
        self._error_text = None
        self._title = title
        self.figure_area = figure_area
        self._draw = draw
        self.renderer = renderer if renderer is not None else plotting.FastPNG(figure)
        for widget in self.controls.values():
            widget.observe(self._on_change, names="value")
        self.redraw()

    @property
    def error_message(self):
        """The message shown instead of the figure, or None when the figure shows."""
        return None if self.figure_area.children[0] is self.output else self._error_text

    def _on_change(self, change):
        self.redraw()

    def redraw(self):
        """Recompute (from the cache if possible), redraw the figure, update the status."""
        values = {name: w.value for name, w in self.controls.items()}
        # Shown at once in the page, so a slow setting (the dv/dt hack with Radau
        # takes seconds to use up its budget) is visibly at work, not frozen.
        self.status.value = ('<span style="font-family: var(--jp-code-font-family, monospace); '
                             'font-size: 0.9em">computing \N{HORIZONTAL ELLIPSIS}</span>')
        try:
            summary = self._draw(values)
        except _EXPECTED as exc:
            self._show_error(str(exc))
            summary = "not simulated"
        else:
            self._show_png(self.renderer.render())
        self.n_redraws += 1
        settings = "  ".join(f"{name}={_readout(w)}" for name, w in self.controls.items())
        text = f"{settings}  \N{EM DASH}  {summary}  \N{EM DASH}  redraw {self.n_redraws}"
        self.status.value = (
            '<span style="font-family: var(--jp-code-font-family, monospace); '
            f'font-size: 0.9em">{html.escape(text)}</span>')

    def _show_png(self, png):
        self.png = png
        self.output.outputs = ({
            "output_type": "display_data",
            "data": {"image/png": base64.b64encode(png).decode("ascii"),
                     "text/plain": f"<figure: {self._title}>"},
            "metadata": {},
        },)
        if self.figure_area.children[0] is not self.output:
            self.figure_area.children = (self.output,)

    def _show_error(self, message):
        self._error_text = message
        self.error.value = (
            '<div style="color: #b00020; padding: 1em; max-width: 40em">'
            f"<b>Cannot simulate these settings:</b> {html.escape(message)}</div>")
        self.figure_area.children = (self.error,)


def _figure(figsize, **subplots):
    fig = Figure(figsize=figsize, dpi=DPI, layout="constrained")
    return fig, fig.subplots(**subplots)


def _spike_summary(result, exact) -> str:
    n, n_exact = result.n_spikes, exact.n_spikes
    text = f"{n} spikes (exact {n_exact})"
    if n and n_exact:
        error = result.spike_times[0] - exact.spike_times[0]
        text += f", first spike {result.spike_times[0]:.3f} ms (error {error:+.3g} ms)"
    return text


def _trace_dashboard(title, key, controls, run, summarize, ylim):
    """One method's trace against the exact answer, redrawn in place.

    ``run(**values)`` returns ``(result, exact, *extra)`` (cached);
    ``summarize(result, exact, *extra)`` gives the status text.
    """
    fig, ax = _figure((7.5, 3.6))
    result, exact, *_ = run(**_values(controls))
    plotting.plot_trace(result, ax, exact=exact, label=METHODS[key])
    ax.set_ylim(*ylim)

    def draw(values):
        result, exact, *extra = run(**values)
        plotting.update_trace(ax, result, exact)
        return summarize(result, exact, *extra)

    return Dashboard(title, controls, fig, draw)


# --------------------------------------------------------------------------- dashboards

def euler_explorer(*, t_max=T_MAX):
    """Euler's for-loop against the exact answer: how the time step matters.

    Controls: ``i_e`` (nA, 0 to 40), ``dt`` (ms, 0.01 to 1), ``tau_m`` (ms),
    ``v_reset`` (mV; at or above v_thresh = -55 mV the model refuses, and
    the dashboard says so). The status gives the spike count and the error
    of the first spike time (ms).

    Parameters
    ----------
    t_max : float
        Simulated time (ms). Default 100.

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
    controls = {"i_e": _i_e_slider(),
                "dt": _choices("dt (ms)", DT_OPTIONS, 0.1),
                "tau_m": _slider("tau_m (ms)", 10.0, 2.0, 40.0, 1.0, ".1f"),
                "v_reset": _v_reset_slider()}

    @_cached
    def run(i_e, dt, tau_m, v_reset):
        params = LIFParams(i_e=i_e, tau_m=tau_m, v_reset=v_reset)
        return simulate_euler(params, t_max, dt=dt), simulate_exact(params, t_max)

    def summarize(euler, exact):
        return f"Euler: {_spike_summary(euler, exact)}"

    return _trace_dashboard("Euler's for-loop against the exact answer", "euler", controls,
                            run, summarize, V_LIMITS)


def hack_explorer(*, t_max=T_MAX):
    """The question's dv/dt "reset" through solve_ivp: no solver setting rescues it.

    Controls: ``method`` (the solve_ivp method), ``max_step`` (ms, inf for no
    cap), ``i_e`` (nA). The status gives the right-hand-side evaluations
    (nfev) and the lowest v (mV) after v first reached threshold: it stays
    near -55 mV, never near v_reset = -80 mV. Implicit methods (Radau, BDF)
    crawl at the threshold until the hack's evaluation budget runs out; the
    dashboard then draws the trace as far as it got and says STALLED in the
    status line.

    Parameters
    ----------
    t_max : float
        Simulated time (ms). Default 100.

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
    controls = {"method": _choices("method", SOLVERS, "RK45", dropdown=True),
                "max_step": _choices("max_step (ms)", MAX_STEP_OPTIONS, math.inf, dropdown=True),
                "i_e": _i_e_slider()}

    @_cached
    def run(method, max_step, i_e):
        params = LIFParams(i_e=i_e)
        try:
            hack, stalled = simulate_dvdt_hack(params, t_max, method=method,
                                               **_solver_settings(max_step)), None
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

    return _trace_dashboard("The dv/dt hack against the exact answer", "hack", controls,
                            run, summarize, (-85.0, V_LIMITS[1]))


def events_explorer(*, t_max=T_MAX):
    """solve_ivp with a threshold event, reset and restart: the answer, and its settings.

    Controls: ``i_e`` (nA), ``t_ref`` (ms, refractory period), ``rtol``
    (solver tolerance, atol left at its default), ``max_step`` (ms, inf for
    no cap). The status gives the spike count, the largest spike-time error
    (ms) against the closed form, and nfev.

    Parameters
    ----------
    t_max : float
        Simulated time (ms). Default 100.

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
    controls = {"i_e": _i_e_slider(),
                "t_ref": _slider("t_ref (ms)", 0.0, 0.0, 10.0, 0.5, ".1f"),
                "rtol": _rtol_choice(),
                "max_step": _choices("max_step (ms)", MAX_STEP_OPTIONS, math.inf, dropdown=True)}

    @_cached
    def run(i_e, t_ref, rtol, max_step):
        params = LIFParams(i_e=i_e, t_ref=t_ref)
        events = simulate_events(params, t_max, rtol=rtol, **_solver_settings(max_step))
        return events, simulate_exact(params, t_max)

    def summarize(events, exact):
        error = spike_time_error(events.spike_times, exact.spike_times)
        error_text = "wrong spike count" if math.isinf(error) else f"{error:.2g} ms"
        return (f"{events.n_spikes} spikes (exact {exact.n_spikes}), largest spike-time error "
                f"{error_text}, nfev={events.nfev}")

    return _trace_dashboard("solve_ivp with a threshold event, reset and restart", "events",
                            controls, run, summarize, (-85.0, V_LIMITS[1]))


_SIDE_KEYS = ("euler", "euler_interp", "hack", "events")


def _table(rows) -> str:
    """HTML table: spikes, first spike, largest spike-time error and nfev per method."""
    head = ("<tr><th>method</th><th>spikes</th><th>first spike<br>(ms)</th>"
            "<th>largest spike-<br>time error (ms)</th><th>nfev</th></tr>")
    cells = []
    for row in rows:
        key = row["key"]
        if key == "exact":
            error, nfev = "\N{EM DASH}", "closed form"
        else:
            error = ("wrong count" if math.isinf(row["max_error"])
                     else f"{row['max_error']:.2g}")
            nfev = f"{row['nfev']:,}"
        first = "\N{EM DASH}" if math.isnan(row["first_spike"]) else f"{row['first_spike']:.3f}"
        swatch = f'<span style="color: {plotting.METHOD_COLORS[key]}">\N{BLACK SQUARE}</span>'
        cells.append(f"<tr><td>{swatch} {html.escape(row['method'])}</td><td>{row['n_spikes']}"
                     f"</td><td>{first}</td><td>{error}</td><td>{nfev}</td></tr>")
    style = ("<style>.lif-table {border-collapse: collapse; line-height: 1.3; font-size: 0.9em}"
             ".lif-table td, .lif-table th {padding: 3px 8px; text-align: right;"
             " white-space: nowrap; vertical-align: bottom}"
             ".lif-table th {border-bottom: 1px solid #999}"
             ".lif-table td:first-child, .lif-table th:first-child {text-align: left}</style>")
    return f'{style}<table class="lif-table">{head}{"".join(cells)}</table>'


def side_by_side(*, t_max=T_MAX):
    """Every approach at once: Euler, interpolated Euler, the dv/dt hack, events, exact.

    Controls: ``i_e`` (nA), ``tau_m`` (ms), ``t_ref`` (ms), ``v_reset`` (mV),
    ``dt`` (ms, for both Euler loops), ``rtol`` (for the event method). One
    panel per method with the exact trace on each, a spike raster, and a
    table of spike counts, largest spike-time errors (ms) and nfev per
    method (from :func:`lifutils.compare.compare_methods`). Each method is
    cached separately, so moving ``dt`` reruns only the Euler loops.

    Parameters
    ----------
    t_max : float
        Simulated time (ms). Default 100.

    Returns
    -------
    Dashboard
        With an extra attribute ``table`` (the HTML table widget).

    Examples
    --------
    >>> dash = side_by_side()
    >>> dash.controls["i_e"].value = 30.0
    >>> "i_e=30.00" in dash.status.value
    True
    """
    controls = {"i_e": _i_e_slider(),
                "tau_m": _slider("tau_m (ms)", 10.0, 2.0, 40.0, 1.0, ".1f"),
                "t_ref": _slider("t_ref (ms)", 0.0, 0.0, 10.0, 0.5, ".1f"),
                "v_reset": _v_reset_slider(),
                "dt": _choices("dt (ms)", DT_OPTIONS, 0.1),
                "rtol": _rtol_choice()}

    def row(key, i_e, tau_m, t_ref, v_reset, **settings):
        params = LIFParams(i_e=i_e, tau_m=tau_m, t_ref=t_ref, v_reset=v_reset)
        return compare_methods(params, t_max, names=(key,), **settings)[0]

    # One cache per method, keyed by the parameters that method depends on.
    euler = _cached(lambda interp, dt, *p: row("euler_interp" if interp else "euler", *p, dt=dt))
    hack = _cached(lambda i_e, tau_m, v_reset: row("hack", i_e, tau_m, 0.0, v_reset))
    events = _cached(lambda rtol, *p: row("events", *p, rtol=rtol))
    exact = _cached(lambda *p: row("exact", *p))

    def rows(i_e, tau_m, t_ref, v_reset, dt, rtol):
        p = (i_e, tau_m, t_ref, v_reset)
        return [euler(False, dt, *p), euler(True, dt, *p), hack(i_e, tau_m, v_reset),
                events(rtol, *p), exact(*p)]

    fig, axes = _figure((7.6, 7.4), nrows=5, ncols=1, sharex=True,
                        height_ratios=[1, 1, 1, 1, 1.15])
    first = rows(**_values(controls))
    results = [r["result"] for r in first[:4]]
    labels = [METHODS[k] for k in _SIDE_KEYS]
    plotting.plot_side_by_side(results, axes[:4], exact=first[4]["result"], labels=labels)
    for ax in axes[:4]:
        ax.set_ylim(*V_LIMITS)
    axes[3].set_xlabel("")  # the raster below carries the time axis
    plotting.plot_raster(results, axes[4], exact=first[4]["result"],
                         labels=labels + [METHODS["exact"]])
    axes[4].set_xlim(0.0, t_max)
    table = widgets.HTML(layout=widgets.Layout(margin="1.5em 0 0 1em"))

    def draw(values):
        found = rows(**values)
        results, ex = [r["result"] for r in found[:4]], found[4]["result"]
        plotting.update_side_by_side(axes[:4], results, ex)
        plotting.update_raster(axes[4], results, ex)
        table.value = _table(found)
        return f"exact: {ex.n_spikes} spikes in {t_max:g} ms"

    dash = Dashboard("Threshold and reset: every approach side by side", controls, fig, draw,
                     side=table)
    dash.table = table
    return dash


def fi_explorer(*, currents=tuple(np.arange(0.0, 40.5, 4.0)), t_max=1000.0):
    """The f-I curve: analytic against the Euler loop and the event method.

    Controls: ``tau_m`` (ms), ``t_ref`` (ms), ``v_reset`` (mV), ``dt`` (ms,
    for Euler). Simulated rates (Hz) come from
    :func:`lifutils.compare.simulated_rates` over ``t_max`` ms at each current.

    Parameters
    ----------
    currents : sequence of float
        Currents (nA) at which to simulate. Default 0, 4, ..., 40.
    t_max : float
        Simulated time per current (ms). Default 1000.

    Returns
    -------
    Dashboard

    Examples
    --------
    >>> dash = fi_explorer(currents=(10.0, 20.0, 30.0), t_max=200.0)
    >>> dash.controls["t_ref"].value = 2.0
    >>> "t_ref=2.0" in dash.status.value
    True
    """
    currents = np.asarray(currents, dtype=float)
    controls = {"tau_m": _slider("tau_m (ms)", 10.0, 2.0, 40.0, 1.0, ".1f"),
                "t_ref": _slider("t_ref (ms)", 0.0, 0.0, 10.0, 0.5, ".1f"),
                "v_reset": _v_reset_slider(),
                "dt": _choices("dt (ms)", DT_OPTIONS, 0.1)}

    @_cached
    def run(tau_m, t_ref, v_reset, dt):
        params = LIFParams(tau_m=tau_m, t_ref=t_ref, v_reset=v_reset)
        return params, {"euler": simulated_rates("euler", params, currents, t_max, dt=dt),
                        "events": simulated_rates("events", params, currents, t_max)}

    fig, ax = _figure((6.4, 4.2))
    params, simulated = run(**_values(controls))
    plotting.plot_fi_curve(params, currents, simulated, ax)

    def draw(values):
        params, simulated = run(**values)
        plotting.update_fi_curve(ax, params, currents, simulated)
        worst = float(np.max(np.abs(simulated["euler"] - simulated["events"])))
        return f"rheobase {rheobase(params):g} nA, Euler and events differ by up to {worst:.2g} Hz"

    # The rate axis follows the data, so its tick labels change width: keep
    # the layout engine (these redraws are dominated by the simulations anyway).
    renderer = plotting.FastPNG(fig, freeze_layout=False)
    return Dashboard("The f-I curve", controls, fig, draw, renderer=renderer)

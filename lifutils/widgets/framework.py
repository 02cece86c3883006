"""The dashboard framework: controls, a cached simulation, one figure redrawn in place.

:class:`Dashboard` is the container every dashboard of :mod:`lifutils.widgets`
is built from; the functions below make its controls (one factory per control
the dashboards share: ``i_e``, ``tau_m``, ``t_ref``, ``v_reset``, ``dt``,
``max_step``, ``rtol``), cache its simulations, and draw the common
one-trace-against-the-exact-answer dashboard. Nothing numeric lives here.

Units: time in ms, voltage in mV, current in nA.
"""
from __future__ import annotations

import base64
import collections
import decimal
import functools
import html
import math
import sys
import threading

import ipywidgets as widgets
from ..figures import plotting
from ..figures.drawing import PngFigure, describe
from ..errors import LifutilsError
from ..euler import DT
from ..events import DEFAULT_RTOL
from ..methods import REGISTRY, SOLVE_IVP_METHODS
from .redraw import FastPNG

__all__ = ["Dashboard", "T_MAX", "I_E", "DPI", "V_RESET_RANGE", "V_LIMITS", "SOLVERS",
           "DT_OPTIONS", "MAX_STEP_OPTIONS", "RTOL_OPTIONS", "slider", "choices", "i_e_slider",
           "tau_m_slider", "t_ref_slider", "v_reset_slider", "dt_choice", "max_step_choice",
           "rtol_choice", "readout", "cached", "control_values", "solver_settings", "dashboard_figure", "spike_summary",
           "trace_dashboard", "SIZES", "check_size", "neighbours", "CacheInfo"]

T_MAX = 100.0          # simulated time (ms)
I_E = 20.0             # default input (nA): R*I = 20 mV, above the 15 mV rheobase
DPI = 80               # small PNGs: quick to render and to send
#: Figure resolution (dots per inch) for each ``size`` of a dashboard. The
#: projector size draws the same figure at 1.6 times the pixels, so its text
#: and lines are 1.6 times larger on the wall, and enlarges the controls too.
SIZES = {"screen": DPI, "projector": 128}
# Controls and status line for the back of a room: ipywidgets 8 sizes its
# controls from these variables, set here for one dashboard only.
# Visually hidden, read by screen readers (the usual "sr-only" rules, inline).
_SCREEN_READER_ONLY = ("position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; "
                       "overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0")

# A visible focus on every control (WCAG 2.4.7): ipywidgets' slider handles and
# readouts show none of their own. JupyterLab's brand blue (3:1 and more on its
# light and dark backgrounds), a dark blue without JupyterLab.
_FOCUS_CSS = """<style>
.lif-dashboard .noUi-handle:focus, .lif-dashboard .widget-dropdown > select:focus,
.lif-dashboard .widget-readout:focus, .lif-dashboard button:focus {
  outline: 3px solid var(--jp-brand-color1, #005A8C) !important; outline-offset: 2px; }
</style>"""

_PROJECTOR_CSS = """<style>
.lif-projector { --jp-widgets-font-size: 20px; --jp-widgets-inline-height: 40px;
  --jp-widgets-inline-label-width: 11em; --jp-widgets-slider-handle-size: 22px;
  --jp-widgets-slider-track-thickness: 6px; font-size: 20px; }
.lif-projector .lif-status, .lif-projector .lif-title { font-size: 20px; }
</style>"""
V_RESET_RANGE = (-90.0, -50.0)  # mV; from -55 up the model refuses (v_reset >= v_thresh)
V_LIMITS = (V_RESET_RANGE[0] - 3.0, -49.0)  # fixed v axis (mV): no re-layout per redraw
SOLVERS = SOLVE_IVP_METHODS  # the registry's list, for the method dropdown
DT_OPTIONS = (("0.01", 0.01), ("0.02", 0.02), ("0.05", 0.05), ("0.1", 0.1), ("0.2", 0.2),
              ("0.5", 0.5), ("1", 1.0))
MAX_STEP_OPTIONS = (("inf", math.inf), ("1", 1.0), ("0.1", 0.1), ("0.01", 0.01))
RTOL_OPTIONS = tuple((f"1e-{k}", 10.0 ** -k) for k in range(2, 11))


# --------------------------------------------------------------------------- controls

def slider(description, value, lo, hi, step, fmt):
    """A float slider that redraws when released, its unit in ``description``."""
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                               readout=True, readout_format=fmt, continuous_update=False,
                               style={"description_width": "8em"},
                               layout=widgets.Layout(width="26em"))


def choices(description, options, value, *, dropdown=False):
    """A selection slider (or, with ``dropdown``, a drop-down list) of ``options``."""
    cls = widgets.Dropdown if dropdown else widgets.SelectionSlider
    extra = {} if dropdown else dict(continuous_update=False, readout=True)
    return cls(options=options, value=value, description=description,
               style={"description_width": "8em"}, layout=widgets.Layout(width="26em"), **extra)


def i_e_slider(value=I_E):
    """Input current i_e (nA), 0 to 40."""
    return slider("i_e (nA)", value, 0.0, 40.0, 0.5, ".2f")


def tau_m_slider():
    """Membrane time constant tau_m (ms), 2 to 40, starting at 10."""
    return slider("tau_m (ms)", 10.0, 2.0, 40.0, 1.0, ".1f")


def t_ref_slider():
    """Refractory period t_ref (ms), 0 to 10."""
    return slider("t_ref (ms)", 0.0, 0.0, 10.0, 0.5, ".1f")


def v_reset_slider():
    """Reset potential v_reset (mV), -90 to -50 (from -55 up the model refuses)."""
    return slider("v_reset (mV)", -80.0, *V_RESET_RANGE, 1.0, ".1f")


def dt_choice():
    """Euler time step dt (ms), 0.01 to 1, starting at the question's (lifutils.euler.DT)."""
    return choices("dt (ms)", DT_OPTIONS, DT)


def max_step_choice():
    """solve_ivp's max_step (ms), inf for no cap (a selection slider: the arrow keys work
    it in JupyterLab, where on a drop-down list they move to the next cell)."""
    return choices("max_step (ms)", MAX_STEP_OPTIONS, math.inf)


def rtol_choice():
    """solve_ivp's rtol, 1e-2 to 1e-10, starting at the event method's default."""
    options = RTOL_OPTIONS
    if DEFAULT_RTOL not in [v for _, v in options]:
        options = tuple(sorted(options + ((f"{DEFAULT_RTOL:g}", DEFAULT_RTOL),),
                               key=lambda o: -o[1]))
    return choices("rtol", options, DEFAULT_RTOL)


def readout(widget) -> str:
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


#: What ``cache_info()`` of a :func:`cached` function returns (as functools.lru_cache's).
CacheInfo = collections.namedtuple("CacheInfo", "hits misses maxsize currsize")


def cached(func, maxsize=512):
    """``func`` with its results *and* its lifutils errors cached by argument.

    Caching the errors matters: the dv/dt hack with Radau takes seconds to
    use up its evaluation budget, and should not do it again.

    Safe to call from two threads (a dashboard's prefetch runs in one, see
    :class:`Dashboard`): a call for arguments another thread is computing
    waits for that result instead of computing it again; calls for other
    arguments go ahead. Any other exception is a bug: never cached, it
    propagates to the caller that ran ``func``, and a caller that waited
    runs ``func`` itself.
    """
    store = collections.OrderedDict()  # key -> (ok, result or error), least recent first
    running = {}  # key -> threading.Event, set when the thread computing it is done
    lock = threading.Lock()
    counts = {"hits": 0, "misses": 0}

    def outcome(args, kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        while True:
            with lock:
                if key in store:
                    store.move_to_end(key)
                    counts["hits"] += 1
                    return store[key]
                event = running.get(key)
                if event is None:
                    running[key] = event = threading.Event()
                    counts["misses"] += 1
                    break
            event.wait()  # another thread computes it; then look again
        try:
            try:
                found = True, func(*args, **kwargs)
            except LifutilsError as exc:
                found = False, exc
            with lock:
                store[key] = found
                if len(store) > maxsize:
                    store.popitem(last=False)
            return found
        finally:
            with lock:
                del running[key]
            event.set()

    @functools.wraps(func)
    def call(*args, **kwargs):
        ok, value = outcome(args, kwargs)
        if not ok:
            raise value.with_traceback(None)
        return value

    def cache_info():
        with lock:
            return CacheInfo(counts["hits"], counts["misses"], maxsize, len(store))

    call.cache_info = cache_info
    return call


def control_values(controls):
    """Name -> value of each control, a slider's without the browser's rounding noise
    (see :func:`on_grid`)."""
    return {name: on_grid(widget) for name, widget in controls.items()}


def on_grid(widget):
    """A control's value; a FloatSlider's rounded to its step's decimals when it is that
    close (within 1e-9) to it.

    The browser's slider adds the step in floating point: one step up from 10 by 1.0
    arrives as 11.000000000000002. A prefetch made for 11.0 (:func:`neighbours`) would
    be missed, and the cache would hold both. A value set off the grid on purpose (12.3
    on a slider of step 1) is kept.

    >>> w = slider("tau_m (ms)", 10.0, 2.0, 40.0, 1.0, ".1f")
    >>> w.value = 11.000000000000002
    >>> on_grid(w)
    11.0
    >>> w.value = 12.3
    >>> on_grid(w)
    12.3
    """
    value = widget.value
    if isinstance(widget, widgets.FloatSlider):
        rounded = round(value, _decimals(widget.step))
        if abs(value - rounded) <= 1e-9 * max(1.0, abs(rounded)):
            return rounded
    return value


def _decimals(step):
    """The decimals of a slider's step (1.0: 0, 0.05: 2)."""
    return max(0, -decimal.Decimal(repr(float(step))).normalize().as_tuple().exponent)


def solver_settings(max_step):
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
        the status line. A :class:`~lifutils.LifutilsError` (settings the
        model refuses, a solver that gives up) is shown as a message instead
        of the figure; any other exception is a bug and propagates.
    side : ipywidgets.Widget, optional
        Shown to the right of the figure (e.g. a table that ``draw`` fills).
    renderer : FastPNG, optional
        Renders the figure; by default one that draws the whole figure each
        time (give it the figure object's ``moving`` artists to redraw only those).
    warm : callable, optional
        ``warm(values)``: compute, into the dashboard's caches, what ``draw(values)``
        will need, without drawing. With it the dashboard prefetches (see Notes).
    prefetch : bool, optional
        Prefetch the neighbours of a moved slider (needs ``warm``). Default: on
        inside a Jupyter kernel, off elsewhere (scripts, tests, benchmarks of a
        cold cache).
    notice : callable, optional
        ``notice(values) -> str``: a warning shown in the status line while the
        redraw computes (say, that a setting takes seconds); "" for none.

    Attributes
    ----------
    controls, figure, status, output, error : as described in the module docstring.
    figure_area : ipywidgets.Box
        Holds ``output`` or, for refused settings, ``error`` (never both).
    renderer : FastPNG
        Turns the figure into PNG bytes.
    n_redraws : int
        Completed redraws, the first one (on construction) included.
    png : bytes
        The PNG shown last.
    prefetch : bool
        Whether it prefetches (may be changed).

    Notes
    -----
    Prefetching: after a slider (or selection slider) moves, a background
    thread computes, through ``warm``, the settings one step further on in
    the same direction, then one step back, so the next arrow key finds its
    simulation in the cache and only the figure is drawn again (issue 26:
    keypress to redrawn figure within 100 ms). It stops as soon as a control
    moves again; a redraw that needs the setting it is computing waits for
    it (:func:`cached`) instead of computing it twice. Only the simulations run
    in that thread, never matplotlib. An error in it is left for the redraw
    that needs that setting, which computes it again and shows it.

    While a redraw computes, the status line reads "computing ..." (and the
    ``notice``, if any), so a slow setting is visibly at work; not for a setting
    drawn or prefetched before, which is drawn at once (one message to the
    browser fewer).

    The PNG goes into the Output widget by setting its ``outputs`` (what
    ``Output.append_display_data`` does), rather than ``clear_output`` plus
    ``display(fig)`` inside ``with output:``. The browser shows the same
    ``<img>``, but the swap is one message (no blank flash), it works the same
    with or without a kernel (tests, doctests), and the PNG comes from
    :class:`~lifutils.widgets.redraw.FastPNG`, which redraws only the data: about a
    tenth of the time ``display(fig)`` takes to render this figure again
    (``bbox_inches="tight"`` draws it twice).

    An ``ipywidgets.Image`` would send the PNG without base64, but that saves
    well under a millisecond of a redraw (base64 of a 50-70 kB PNG) and would change the widget tree that the notebooks, the browser test and
    the book (``book/_ext/lifbook.py`` reads the PNGs from Output
    widgets) rely on, so the Output widget stays.
    """

    def __init__(self, title, controls, figure, draw, *, side=None, renderer=None,
                 size="screen", warm=None, prefetch=None, notice=None):
        check_size(size)
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
        heading = widgets.HTML(f'<b class="lif-title">{html.escape(title)}</b>' + _FOCUS_CSS
                               + (_PROJECTOR_CSS if size == "projector" else ""))
        super().__init__([heading, panel, status, body])
        self.add_class("lif-dashboard")
        self.size = size
        if size == "projector":
            self.add_class("lif-projector")
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
        self._warm = warm
        self._notice = notice
        self.prefetch = _in_kernel() if prefetch is None else bool(prefetch)
        self._generation = 0  # counts control moves: a prefetch stops when it changes
        self._known = set()  # settings drawn or prefetched: no "computing" line for them
        self.prefetcher = None  # the last prefetch thread
        self.renderer = renderer if renderer is not None else FastPNG(figure)
        for widget in self.controls.values():
            widget.observe(self._on_change, names="value")
        self.redraw()

    @property
    def error_message(self):
        """The message shown instead of the figure, or None when the figure shows."""
        return None if self.figure_area.children[0] is self.output else self._error_text

    def _on_change(self, change):
        self.redraw()
        self.start_prefetch(change)

    def start_prefetch(self, change):
        """After ``change`` (a traitlets change of a control's value), compute the
        neighbouring settings of that control in a background thread (see Notes)."""
        self._generation += 1
        if not (self.prefetch and self._warm is not None):
            return
        values = control_values(self.controls)
        name = next((n for n, w in self.controls.items() if w is change.owner), None)
        if name is None or change.owner.value != change.new:  # moved again since
            return
        nearby = [{**values, name: v} for v in neighbours(change.owner, change.old)]
        if nearby:
            self.prefetcher = threading.Thread(target=self._prefetch, name="lifutils-prefetch",
                                               args=(self._generation, nearby), daemon=True)
            self.prefetcher.start()

    def _prefetch(self, generation, settings):
        for values in settings:
            if generation != self._generation:
                return
            try:
                self._warm(values)
            except Exception:  # noqa: BLE001  left for the redraw that needs it (Notes)
                return
            self._remember(_settings_key(values))

    def _remember(self, key):
        """Note a setting as computed (its redraw sends no "computing" first)."""
        if len(self._known) > 4096:  # more than the caches hold: start again
            self._known = set()
        self._known.add(key)

    def redraw(self):
        """Recompute (from the cache if possible), redraw the figure, update the status."""
        values = control_values(self.controls)
        # Shown at once in the page, so a slow setting (the dv/dt hack with Radau
        # takes seconds to use up its budget) is visibly at work, not frozen.
        key = _settings_key(values)
        if key not in self._known:  # (a setting drawn or prefetched before is quick)
            note = self._notice(values) if self._notice is not None else ""
            self.status.value = ('<div role="status" aria-live="polite" aria-atomic="true">'
                                 '<span style="font-family: var(--jp-code-font-family, '
                                 'monospace); font-size: 0.9em">computing \N{HORIZONTAL ELLIPSIS}'
                                 f'{html.escape(" " + note) if note else ""}</span></div>')
        try:
            summary = self._draw(values)
        except LifutilsError as exc:
            self._show_error(str(exc))
            summary = "not simulated"
        else:
            self._show_png(self.renderer.render())
        self._remember(key)
        self.n_redraws += 1
        settings = "  ".join(f"{name}={readout(w)}" for name, w in self.controls.items())
        text = f"{settings}  \N{EM DASH}  {summary}  \N{EM DASH}  redraw {self.n_redraws}"
        # A live region: a screen reader announces the new status, and, read only
        # by it, what the figure now shows (the figure's description).
        figure_text = ("" if self.error_message is not None
                       else f" Figure: {self.description}")
        self.status.value = (
            '<div role="status" aria-live="polite" aria-atomic="true">'
            '<span style="font-family: var(--jp-code-font-family, monospace); '
            f'font-size: 0.9em">{html.escape(text)}</span>'
            f'<span class="lif-sr-only" style="{_SCREEN_READER_ONLY}">{html.escape(figure_text)}'
            '</span></div>')

    @property
    def description(self) -> str:
        """What the figure shows now, in words (:func:`lifutils.figures.drawing.describe`)."""
        return describe(self.figure)

    def _show_png(self, png):
        self.png = png
        self.output.outputs = ({
            "output_type": "display_data",
            "data": {"image/png": base64.b64encode(png).decode("ascii"),
                     "text/plain": describe(self.figure)},
            "metadata": {},
        },)
        if self.figure_area.children[0] is not self.output:
            self.figure_area.children = (self.output,)

    def _show_error(self, message):
        self._error_text = message
        self.error.value = (
            '<div style="color: var(--jp-error-color1, #b00020); padding: 1em; max-width: 40em">'
            f"<b>Cannot simulate these settings:</b> {html.escape(message)}</div>")
        self.figure_area.children = (self.error,)


def _settings_key(values):
    """A hashable key for the values of the controls."""
    return tuple(sorted(values.items()))


def _in_kernel() -> bool:
    """Whether this runs in a Jupyter kernel (IPython's shell with a kernel)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def neighbours(widget, old):
    """The values one step from a slider's value: first in the direction it last moved
    (from ``old``), then the other way; none for other widgets (a drop-down list).

    >>> w = slider("i_e (nA)", 20.0, 0.0, 40.0, 0.5, ".2f")
    >>> neighbours(w, 19.5), neighbours(w, 20.5)
    ([20.5, 19.5], [19.5, 20.5])
    >>> w.value = 40.0
    >>> neighbours(w, 39.5)
    [39.5]
    """
    if isinstance(widget, widgets.SelectionSlider):
        options = [o[1] if isinstance(o, tuple) else o for o in widget.options]
        index = widget.index
        old_index = next((k for k, o in enumerate(options) if o == old), index)
        steps = (1, -1) if index >= old_index else (-1, 1)
        return [options[index + d] for d in steps if 0 <= index + d < len(options)]
    if isinstance(widget, (widgets.FloatSlider, widgets.IntSlider)):
        value, step = on_grid(widget), widget.step
        steps = (step, -step) if old is None or value >= old else (-step, step)
        # As the browser's slider (noUiSlider) computes it: a step on, rounded to the
        # step's decimals (20.1 + 0.1 is 20.200000000000003 in floating point, 20.2 there).
        decimals = _decimals(step)
        return [round(value + d, decimals) for d in steps if widget.min <= value + d <= widget.max]
    return []


def check_size(size) -> str:
    """``size`` if it is one of :data:`SIZES`, else a LifutilsError naming the rule."""
    if not isinstance(size, str) or size not in SIZES:
        raise LifutilsError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    return size


def dashboard_figure(figsize, size="screen", **subplots):
    """A pyplot-free Figure at the resolution of ``size`` (see :data:`SIZES`), and its
    subplots. Its background is opaque white, so it reads the same in a dark theme."""
    fig = PngFigure(figsize=figsize, dpi=SIZES[check_size(size)], layout="constrained",
                    facecolor="white")
    return fig, fig.subplots(**subplots)


def spike_summary(result, exact) -> str:
    """Spike count against the exact one, and the first spike's error (ms)."""
    n, n_exact = result.n_spikes, exact.n_spikes
    text = f"{n} spikes (exact {n_exact})"
    if n and n_exact:
        error = result.spike_times[0] - exact.spike_times[0]
        text += f", first spike {result.spike_times[0]:.3f} ms (error {error:+.3g} ms)"
    return text


def trace_dashboard(title, key, controls, run, summarize, ylim, size="screen", notice=None,
                    warm=None):
    """One method's trace against the exact answer, redrawn in place.

    ``key`` is the method's key (its label names the trace);
    ``run(**values)`` returns ``(result, exact, *extra)`` (cached);
    ``summarize(result, exact, *extra)`` gives the status text; ``size`` is
    ``"screen"`` or ``"projector"``; ``notice`` and ``warm`` as for :class:`Dashboard`
    (by default ``warm`` runs ``run``). The Dashboard's ``trace`` is its
    :class:`~lifutils.figures.plotting.TraceFigure` (what :func:`~lifutils.figures.plotting.plot_trace`
    draws), moved to each new run.
    """
    fig, ax = dashboard_figure((7.5, 3.6), size)
    result, exact, *_ = run(**control_values(controls))
    trace = plotting.TraceFigure(ax).draw(result, exact=exact, label=REGISTRY[key].label)
    ax.set_ylim(*ylim)

    def draw(values):
        result, exact, *extra = run(**values)
        trace.update(result, exact=exact)
        return summarize(result, exact, *extra)

    renderer = FastPNG(fig, trace.moving, watched=trace.watched)
    dash = Dashboard(title, controls, fig, draw, renderer=renderer, size=size,
                     warm=warm or (lambda values: run(**values)), notice=notice)
    dash.trace = trace
    return dash

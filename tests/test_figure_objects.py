"""The figure objects (lifutils.figures.plotting.TraceFigure, SideBySideFigure, RasterFigure,
lifutils.figures.accuracy.FICurveFigure): they own their artists, redraw without
growing, keep their own copies of the data, survive hostile input, and a notebook's
plot_* and a dashboard's redraw draw the same thing."""
import io

import matplotlib.image as mimage
import numpy as np
import pytest
from matplotlib.figure import Figure

import lifutils
from lifutils import LIFParams
from lifutils.figures import accuracy as plotting_accuracy, network as plotting_network
from lifutils.figures import phase as plotting_phase, plotting
from lifutils import widgets
from lifutils.analytic import firing_rate
from lifutils.compare import compare_methods, event_rates, simulated_rates
from lifutils.figures.drawing import describe, figure_to_png
from lifutils.errors import LifutilsError
from lifutils.result import LIFResult
from lifutils.widgets import larger_models
from lifutils.widgets.redraw import FastPNG

T_MAX = 100.0


def _count(fig):
    """Everything a figure holds (artists, texts, axes) and the callbacks of its Axes."""
    return (len(fig.findobj()), sum(len(ax.callbacks.callbacks.get("ylim_changed", {}))
                                    for ax in fig.axes))


def _result(t, v, spikes, params=LIFParams(), key="euler"):
    return LIFResult(t=np.asarray(t, dtype=float), v=np.asarray(v, dtype=float),
                     spike_times=np.asarray(spikes, dtype=float), nfev=1, key=key, params=params)


def _drawn(ax):
    """What an Axes shows: each line's data, each text and where, its description."""
    return ([line.get_xydata().tolist() for line in ax.lines],
            [(t.get_text(), tuple(t.get_position())) for t in ax.texts],
            ax.lifutils_description)


def _same(a, b):
    np.testing.assert_equal(_drawn(a), _drawn(b))


# --------------------------------------------------------------------------- no leaks

def test_a_trace_redrawn_many_times_keeps_its_artists():
    exact = lifutils.simulate_exact(LIFParams(i_e=20.0), T_MAX)
    trace = plotting.TraceFigure().draw(lifutils.simulate_euler(LIFParams(i_e=20.0), T_MAX),
                                        exact=exact)
    renderer = FastPNG(trace.ax.figure, trace.moving, watched=trace.watched)
    renderer.render()
    before = _count(trace.ax.figure)
    for k in range(60):
        p = LIFParams(i_e=5.0 + k % 30, v_reset=-80.0 + k % 10)
        trace.update(lifutils.simulate_euler(p, T_MAX), exact=lifutils.simulate_exact(p, T_MAX))
        renderer.render()
    assert _count(trace.ax.figure) == before
    assert len(trace.traces) == 1 and len(trace.moving) == 3 and len(trace.watched) == 4


def test_every_dashboard_redrawn_many_times_keeps_its_artists():
    for dash, control, values in (
            (widgets.euler_explorer(), "i_e", (10.0, 20.0, 30.0)),
            (widgets.side_by_side(), "i_e", (10.0, 20.0, 30.0)),
            (widgets.fi_explorer(currents=(0.0, 20.0, 40.0), t_max=100.0), "tau_m", (5.0, 20.0)),
            (widgets.phase_plane(), "b", (20.0, 60.0)),
            (widgets.kick_synchrony(), "kick", (1.0, 2.5))):
        dash.controls[control].value = values[0]
        before = _count(dash.figure)
        for k in range(12):
            dash.controls[control].value = values[(k + 1) % len(values)]
        assert _count(dash.figure) == before, dash._title


# --------------------------------------------------------------------------- own copies

def test_a_figure_keeps_its_own_copy_of_reused_arrays():
    t = np.linspace(0.0, 50.0, 501)
    v = -70.0 + 10.0 * np.sin(t)
    spikes = np.array([10.0, 20.0])
    result = _result(t, v, spikes)
    trace = plotting.TraceFigure().draw(result)
    shown, text = trace.traces[0].line.get_xydata().copy(), trace.ax.lifutils_description
    figure_to_png(trace.ax.figure)  # constrained layout settles in its first draw
    png = figure_to_png(trace.ax.figure)
    for array in (t, v, spikes):  # the caller reuses its buffers
        array[:] = np.nan
    assert np.array_equal(trace.traces[0].line.get_xydata(), shown)
    assert trace.ax.lifutils_description == text
    assert figure_to_png(trace.ax.figure) == png
    # The same buffers, refilled, drawn again: the figure follows the new values.
    t[:] = np.linspace(0.0, 50.0, 501)
    v[:] = -60.0
    spikes[:] = [5.0, 6.0]
    trace.update(result)
    assert np.array_equal(trace.traces[0].marks.get_xdata(), [5.0, 6.0])
    assert np.all(trace.traces[0].line.get_ydata() == -60.0)
    assert "2 spikes at 5.0, 6.0 ms" in trace.ax.lifutils_description
    spikes[:] = 0.0
    assert "2 spikes at 5.0, 6.0 ms" in describe(trace.ax.figure)


def test_the_f_i_curve_keeps_its_own_copy_of_the_rates():
    currents = np.array([0.0, 20.0, 40.0])
    rates = {"euler": firing_rate(LIFParams(), i_e=currents)}
    curve = plotting_accuracy.FICurveFigure().draw(LIFParams(), currents, rates)
    drawn = curve.markers[0].get_ydata().copy()
    rates["euler"][:] = -1.0
    currents[:] = 99.0
    assert np.array_equal(curve.markers[0].get_ydata(), drawn)
    assert np.array_equal(curve.markers[0].get_xdata(), [0.0, 20.0, 40.0])


# --------------------------------------------------------------------------- hostile input

@pytest.mark.parametrize("t, v, spikes", [
    ([], [], []),                                   # nothing simulated
    ([0.0], [-70.0], []),                           # one point
    ([0.0, 1.0, 2.0], [-70.0, np.nan, -69.0], [np.nan]),  # not a number inside
    ([0.0, np.nan], [-70.0, -70.0], []),            # a time that is not a number
])
def test_hostile_results_draw_update_and_render(t, v, spikes):
    fine = lifutils.simulate_euler(LIFParams(i_e=20.0), T_MAX)
    for first, second in ((_result(t, v, spikes), fine), (fine, _result(t, v, spikes))):
        trace = plotting.TraceFigure().draw(first, exact=first)
        raster = plotting.RasterFigure(Figure().add_subplot()).draw([first], exact=first)
        renderer = FastPNG(trace.ax.figure, trace.moving, watched=trace.watched)
        assert renderer.render()[:4] == b"\x89PNG"
        trace.update(second, exact=second)
        raster.update([second], exact=second)
        assert renderer.render()[:4] == b"\x89PNG"
        assert figure_to_png(raster.ax.figure)[:4] == b"\x89PNG"
        lo, hi = trace.ax.get_xlim()
        assert np.isfinite([lo, hi]).all() and hi > lo
        assert "spike" in describe(trace.ax.figure)


def test_the_f_i_curve_refuses_no_currents_and_takes_one():
    for bad in ([], [np.nan, 1.0], [0.0, np.inf]):
        with pytest.raises(LifutilsError, match="currents"):
            plotting_accuracy.plot_fi_curve(LIFParams(), bad)
    ax = plotting_accuracy.plot_fi_curve(LIFParams(), [20.0], {"euler": [np.nan]})
    lo, hi = ax.get_xlim()
    assert lo < 20.0 < hi
    curve = plotting_accuracy.FICurveFigure().draw(LIFParams(), [0.0, 40.0], {"euler": [0, 1]})
    curve.update(LIFParams(), [0.0, 40.0], {"euler": [np.nan, np.nan]})  # no rate: still an axis
    lo, hi = curve.ax.get_ylim()
    assert np.isfinite([lo, hi]).all() and hi > 0
    with pytest.raises(LifutilsError, match="methods drawn"):
        curve.update(LIFParams(), [0.0, 40.0], {})
    with pytest.raises(LifutilsError, match="one rate per current"):
        curve.update(LIFParams(), [0.0, 40.0], {"euler": [1.0]})


# --------------------------------------------------------------------------- one code

def test_plot_trace_and_the_dashboard_redraw_draw_the_same():
    dash = widgets.euler_explorer()
    dash.controls["i_e"].value = 27.5
    dash.controls["v_reset"].value = -70.0
    p = LIFParams(i_e=27.5, v_reset=-70.0)
    ax = plotting.plot_trace(lifutils.simulate_euler(p, T_MAX), exact=lifutils.simulate_exact(p, T_MAX),
                             label=lifutils.methods.REGISTRY["euler"].label)
    _same(dash.trace.ax, ax)


def test_plot_side_by_side_plot_raster_and_the_dashboard_redraw_draw_the_same():
    dash = widgets.side_by_side()
    dash.controls["i_e"].value = 31.0
    dash.controls["tau_m"].value = 12.0
    rows = compare_methods(LIFParams(i_e=31.0, tau_m=12.0), T_MAX)
    results = [r["result"] for r in rows if not r["reference"]]
    exact = next(r["result"] for r in rows if r["reference"])
    labels = [res.label for res in results]
    axes = plotting.plot_side_by_side(results, exact=exact, labels=labels)
    for mine, fresh in zip(dash.traces.axes, axes, strict=True):
        _same(mine, fresh)
    _same(dash.raster.ax, plotting.plot_raster(results, exact=exact, labels=labels + [exact.label]))
    assert describe(dash.figure).startswith(describe(axes[0].figure).split(" Panel 1")[0])


def test_plot_fi_curve_and_the_dashboard_redraw_draw_the_same():
    currents = (0.0, 20.0, 40.0)
    dash = widgets.fi_explorer(currents=currents, t_max=100.0)
    dash.controls["tau_m"].value = 20.0
    p = LIFParams(tau_m=20.0)
    simulated = {"euler": simulated_rates("euler", p, np.array(currents), 100.0),
                 "events": event_rates(p, np.array(currents), 100.0)}
    _same(dash.curve.ax, plotting_accuracy.plot_fi_curve(p, currents, simulated))


def test_plot_phase_plane_plot_volleys_and_their_dashboards_draw_the_same():
    dash = widgets.phase_plane()
    dash.controls["b"].value = 60.0
    model = lifutils.gallery.adex("tonic", t_end=larger_models.T_END["adex"], b=60.0,
                                  I=dash.controls["I"].value, Vr=dash.controls["Vr"].value)
    fresh = plotting_phase.plot_phase_plane(model, model.solve(**larger_models.SOLVER))
    for mine, theirs in zip(dash.figure.axes, fresh.axes, strict=True):
        _same(mine, theirs)
    assert describe(dash.figure) == describe(fresh)
    dash = widgets.kick_synchrony()
    dash.controls["kick"].value = 2.5
    net = larger_models.kick_run(2.5)
    fresh = plotting_network.plot_volleys(net.spike_times, larger_models.KICK_DRIVES, kick=2.5,
                                          t_max=larger_models.KICK_T_MAX)
    _same(dash.figure.ax, fresh.ax)


def test_a_dashboard_png_is_the_figure_drawn_whole():
    """Blitting leaves no trace: the PNG a dashboard shows after moves (the guides moved
    too) is the pixels of a renderer that draws the same figure from scratch."""
    dash = widgets.side_by_side()
    for i_e, v_reset in ((30.0, -80.0), (3.0, -70.0), (24.0, -60.0)):
        dash.controls["i_e"].value = i_e
        dash.controls["v_reset"].value = v_reset
        shown = mimage.imread(io.BytesIO(dash.png))
        fresh = FastPNG(dash.figure, dash.traces.moving + dash.raster.moving).render()
        assert np.array_equal(shown, mimage.imread(io.BytesIO(fresh)))


def test_no_state_is_kept_on_matplotlibs_objects():
    dash = widgets.side_by_side()
    dash.controls["i_e"].value = 30.0
    figures = [dash.figure, plotting.plot_input(LIFParams(i_e=2.0), 10.0, zoom=(1.0, 2.0)).figure]
    for fig in figures:
        for artist in fig.findobj():
            private = [name for name in vars(artist) if name.startswith("_lifutils")]
            assert not private, (artist, private)


def test_guides_follow_the_y_limits_after_plot_side_by_side_returns():
    p = LIFParams(i_e=20.0)
    axes = plotting.plot_side_by_side([lifutils.simulate_euler(p, T_MAX)])
    import gc
    gc.collect()  # the figure objects are gone from the caller; the Axes keep their guides
    axes[0].set_ylim(-60.0, -50.0)  # v_thresh = -55 inside, v_reset = -80 outside
    shown = {t.get_text(): t.get_visible() for t in axes[0].texts}
    assert shown == {"v_thresh": True, "v_reset": False}


def test_plot_trace_twice_on_one_axes_describes_both_and_draws_the_guides_once():
    p = LIFParams(i_e=20.0)
    ax = plotting.plot_trace(lifutils.simulate_euler(p, T_MAX))
    ax = plotting.plot_trace(lifutils.simulate_events(p, T_MAX), ax,
                             exact=lifutils.simulate_exact(p, T_MAX))
    text = describe(ax.figure)
    assert "Euler: 5 spikes" in text and "events (RK45): 5 spikes" in text
    assert "exact (dashed): 5 spikes" in text
    assert [t.get_text() for t in ax.texts] == ["v_thresh", "v_reset"]


def test_a_figure_drawn_and_dropped_is_freed():
    import gc
    import weakref
    p = LIFParams(i_e=20.0)
    refs = []
    for _ in range(3):
        ax = plotting.plot_trace(lifutils.simulate_euler(p, T_MAX), exact=lifutils.simulate_exact(p, T_MAX))
        refs.append(weakref.ref(ax.figure))
        axes = plotting.plot_side_by_side([lifutils.simulate_euler(p, T_MAX)])
        refs.append(weakref.ref(axes[0].figure))
        refs.append(weakref.ref(plotting_accuracy.plot_fi_curve(p, [0.0, 40.0]).figure))
    del ax, axes
    gc.collect()
    assert [ref() for ref in refs] == [None] * len(refs)


def test_a_cleared_axes_starts_a_new_trace_figure():
    p = LIFParams(i_e=20.0)
    ax = plotting.plot_trace(lifutils.simulate_euler(p, T_MAX))
    ax.clear()
    ax = plotting.plot_trace(lifutils.simulate_events(p, T_MAX), ax)
    text = describe(ax.figure)
    assert "events (RK45): 5 spikes" in text and "Euler" not in text

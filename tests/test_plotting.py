"""Tests for lifutils.figures.plotting: units on every axis, one color per method, no pyplot leaks."""
import io
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")  # this test process only; pyplot is needed for get_fignums

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.image as mimage  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import lifutils  # noqa: E402
from lifutils import LIFParams, inputs  # noqa: E402
from lifutils.figures import accuracy as plotting_accuracy, plotting  # noqa: E402
from lifutils.compare import compare_methods  # noqa: E402
from lifutils import LifutilsError  # noqa: E402
from lifutils.methods import LABELS, REGISTRY  # noqa: E402

P20 = LIFParams(i_e=20.0)  # R*I = 20 mV: fires, first spike 10 ln 4 ms
T_MAX = 100.0


@pytest.fixture(scope="module")
def runs():
    """One result per method at the teaching values, keyed like LABELS."""
    return {row["key"]: row["result"] for row in compare_methods(P20, T_MAX)}


@pytest.fixture(autouse=True)
def no_pyplot_figures_left():
    """Every test: plotting must not leave pyplot figures open."""
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before, "a plotting function opened a pyplot figure"


def _png_shape(png):
    return mimage.imread(io.BytesIO(png), format="png").shape


def _line(ax, gid):
    found = [a for a in ax.lines if a.get_gid() == gid]
    assert len(found) == 1, f"expected one {gid!r} line, found {len(found)}"
    return found[0]


# --------------------------------------------------------------------------- colors and keys

def test_method_colors_cover_every_method_and_differ():
    assert set(plotting.METHOD_COLORS) == set(LABELS)
    colors = [mcolors.to_hex(c) for c in plotting.METHOD_COLORS.values()]
    assert len(set(colors)) == len(colors), "two methods share a color"
    assert mcolors.same_color(plotting.METHOD_COLORS["exact"], "black")
    assert plotting.METHOD_STYLES["exact"]["linestyle"] == "--"
    assert plotting.METHOD_STYLES["exact"]["zorder"] > max(
        s["zorder"] for k, s in plotting.METHOD_STYLES.items() if k != "exact"), \
        "the exact line must be drawn on top"


# --------------------------------------------------------------------------- traces

def test_plot_trace_units_colors_guides_spikes(runs):
    res, exact = runs["euler"], runs["exact"]
    ax = plotting.plot_trace(res, exact=exact)
    assert isinstance(ax, Axes) and isinstance(ax.figure, Figure)
    assert ax.get_xlabel() == "time (ms)"
    assert ax.get_ylabel() == "membrane potential v (mV)"
    trace, ex = _line(ax, "lif-trace"), _line(ax, "lif-exact")
    assert mcolors.same_color(trace.get_color(), plotting.METHOD_COLORS["euler"])
    assert mcolors.same_color(ex.get_color(), "black") and ex.get_linestyle() == "--"
    assert ex.get_zorder() > trace.get_zorder()
    assert np.array_equal(trace.get_xdata(), res.t) and np.array_equal(trace.get_ydata(), res.v)
    spikes = _line(ax, "lif-spikes")
    assert np.array_equal(spikes.get_xdata(), res.spike_times)
    assert _line(ax, "lif-thresh").get_ydata()[0] == P20.v_thresh
    assert _line(ax, "lif-reset").get_ydata()[0] == P20.v_reset
    labels = {t.get_text() for t in ax.texts}
    assert {"v_thresh", "v_reset"} <= labels
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Euler", "exact"]
    # The legend sits above the axes, where it cannot cover the data.
    ax.figure.draw_without_rendering()
    assert ax.get_legend().get_window_extent().y0 >= ax.bbox.y1 - 1


def test_plot_trace_draws_on_the_given_axes(runs):
    fig = Figure()
    ax = fig.add_subplot()
    out = plotting.plot_trace(runs["hack"], ax, show_threshold=False, label="hack", legend=False)
    assert out is ax and fig.axes == [ax]
    assert mcolors.same_color(_line(ax, "lif-trace").get_color(), plotting.METHOD_COLORS["hack"])
    assert not [a for a in ax.lines if a.get_gid() == "lif-thresh"]
    assert len(_line(ax, "lif-spikes").get_xdata()) == 0  # the hack never spikes


def test_side_by_side_panels_share_time_and_show_exact(runs):
    keys = ("euler", "euler_interp", "hack", "events")
    figure = plotting.SideBySideFigure(plotting.stacked_panels(4)).draw(
        [runs[k] for k in keys], exact=runs["exact"])
    axes = figure.axes
    assert len(axes) == 4 and all(isinstance(ax, Axes) for ax in axes)
    assert len({id(ax.figure) for ax in axes}) == 1
    for ax, key in zip(axes, keys):
        assert mcolors.same_color(_line(ax, "lif-trace").get_color(), plotting.METHOD_COLORS[key])
        assert np.array_equal(_line(ax, "lif-exact").get_ydata(), runs["exact"].v)
        assert "(mV)" in ax.get_ylabel()
        title = [a for a in ax.get_children()
                 if isinstance(a, Text) and a.get_text() == ax.get_title(loc="left")]
        assert mcolors.same_color(title[0].get_color(), plotting.METHOD_TEXT_COLORS[key])
        assert ax.get_shared_x_axes().joined(ax, axes[0])
    assert axes[-1].get_xlabel() == "time (ms)"
    p = LIFParams(i_e=25.0)
    new = [lifutils.compare.run_method(k, p, T_MAX) for k in keys]
    figure.update(new, exact=lifutils.simulate_exact(p, T_MAX))
    assert np.array_equal(_line(axes[3], "lif-trace").get_ydata(), new[3].v)
    with pytest.raises(ValueError, match="one Axes per result"):
        plotting.plot_side_by_side([runs["euler"]], axes=[Figure().add_subplot()] * 2)


def test_stacked_panels_read_at_a_distance(runs):
    """Notebook 00's hack panel: each method's own trace solid and thick, the exact answer a
    thinner grey dashed line behind it; a figure of its own gets larger text."""
    keys = ("euler", "hack", "events")
    axes = plotting.plot_side_by_side([runs[k] for k in keys], exact=runs["exact"])
    for ax, key in zip(axes, keys):
        own, exact = _line(ax, "lif-trace"), _line(ax, "lif-exact")
        assert own.get_linestyle() == "-", key  # solid even for the hack's dotted registry style
        assert own.get_linewidth() >= 1.8 * exact.get_linewidth()
        assert exact.get_linestyle() == "--" and exact.get_zorder() < own.get_zorder()
        assert mcolors.same_color(exact.get_color(), plotting.PANEL_EXACT["color"])
        title = ax.get_title(loc="left")
        big = [t for t in ax.get_children() if isinstance(t, Text) and t.get_text() == title][0]
        assert big.get_fontsize() > matplotlib.rcParams["font.size"]
    assert axes[0].get_title(loc="right") == "grey dashed: exact, behind each trace"
    assert "the exact answer grey dashed behind each trace" in plotting.describe(axes[0].figure)
    # Panels drawn on given Axes (a dashboard's) keep the body text size.
    fig = Figure()
    given = fig.subplots(3, 1, sharex=True)
    plotting.plot_side_by_side([runs[k] for k in keys], given, exact=runs["exact"])
    small = [t for t in given[0].get_children()
             if isinstance(t, Text) and t.get_text() == given[0].get_title(loc="left")][0]
    assert small.get_fontsize() == matplotlib.rcParams["font.size"]
    # plot_trace on its own keeps the registry's styles (there the style tells methods apart).
    alone = plotting.plot_trace(runs["hack"], exact=runs["exact"])
    assert _line(alone, "lif-trace").get_linestyle() == ":"


def test_raster_rows_labels_colors_and_empty_note(runs):
    keys = ("euler", "hack", "events")
    raster = plotting.RasterFigure(Figure().add_subplot()).draw([runs[k] for k in keys],
                                                               exact=runs["exact"])
    ax = raster.ax
    assert ax.get_xlabel() == "time (ms)"
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == ["Euler", "dv/dt hack (RK45)", "events (RK45)", "exact"]
    rows = [a for a in ax.lines if a.get_gid() == "lif-raster"]
    for line, key in zip(rows, keys + ("exact",)):
        assert mcolors.same_color(line.get_color(), plotting.METHOD_COLORS[key])
    assert np.array_equal(rows[2].get_xdata(), runs["events"].spike_times)
    notes = [t.get_visible() for t in ax.texts if t.get_gid() == "lif-raster-empty"]
    assert notes == [False, True, False, False]  # only the hack row says "no spikes"
    silent = LIFParams(i_e=3.0)  # the question's values: never fires
    raster.update([lifutils.compare.run_method(k, silent, T_MAX) for k in keys],
                  exact=lifutils.simulate_exact(silent, T_MAX))
    assert all(t.get_visible() for t in ax.texts if t.get_gid() == "lif-raster-empty")
    with pytest.raises(ValueError, match="rows"):
        raster.update([runs["euler"]])


# --------------------------------------------------------------------------- summaries

def test_convergence_log_log_with_slope_one():
    dts = [0.4, 0.2, 0.1, 0.05]
    ax = plotting_accuracy.plot_convergence(dts, {"euler": [3.4, 1.2, 0.24, 0.19],
                                         "euler_interp": [3.9, 1.9, 0.97, np.inf],
                                         "my own": [1.0, 0.5, 0.25, 0.125]})
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert "(ms)" in ax.get_xlabel() and "(ms)" in ax.get_ylabel()
    euler, interp, own, ref = ax.lines
    assert mcolors.same_color(euler.get_color(), plotting.METHOD_COLORS["euler"])
    assert mcolors.same_color(interp.get_color(), plotting.METHOD_COLORS["euler_interp"])
    assert [line.get_label() for line in (euler, interp, own)] == [
        LABELS["euler"], LABELS["euler_interp"], "my own"]  # keys shown by their labels
    assert len(interp.get_xdata()) == 3  # the infinite error is left out
    x, y = ref.get_xdata(), ref.get_ydata()
    assert np.log(y[1] / y[0]) / np.log(x[1] / x[0]) == pytest.approx(1.0)
    assert "slope 1" in ref.get_label()
    with pytest.raises(ValueError, match="one value per dt"):
        plotting_accuracy.plot_convergence(dts, {"euler": [1.0]})


def test_fi_curve_analytic_rheobase_and_simulated():
    currents = np.arange(0.0, 41.0, 8.0)
    rates = lifutils.firing_rate(LIFParams(), i_e=currents)
    fi = plotting_accuracy.FICurveFigure().draw(LIFParams(), currents,
                                                {"events": rates, "euler": rates * 0.99})
    ax = fi.ax
    assert ax.get_xlabel() == "input current i_e (nA)" and ax.get_ylabel() == "firing rate (Hz)"
    curve = _line(ax, "lif-fi-curve")
    assert np.allclose(curve.get_ydata(), lifutils.firing_rate(LIFParams(), i_e=curve.get_xdata()))
    assert _line(ax, "lif-fi-rheobase").get_xdata()[0] == lifutils.rheobase(LIFParams()) == 15.0
    sims = [a for a in ax.lines if a.get_gid() == "lif-fi-simulated"]
    assert [mcolors.to_hex(s.get_color()) for s in sims] == [
        mcolors.to_hex(plotting.METHOD_COLORS[k]) for k in ("events", "euler")]
    assert sims[0].get_marker() != sims[1].get_marker()  # coinciding points stay visible
    fi.update(LIFParams(tau_m=20.0), currents, {"events": rates / 2, "euler": rates / 2})
    assert np.array_equal(sims[0].get_ydata(), rates / 2)
    assert ax.get_ylim()[1] > 0.5 * rates.max()


def test_rate_errors_give_each_method_its_own_marker_shape():
    """Notebook 04's residual panel reads in greyscale: no two methods share a marker
    shape, each shape is the registry's, and the points are simulated minus analytic."""
    currents = np.arange(0.0, 41.0, 8.0)
    analytic = lifutils.firing_rate(LIFParams(), i_e=currents)
    keys = [k for k, m in REGISTRY.items() if m.knob]  # the methods notebook 04 draws
    assert len(keys) >= 3
    simulated = {k: analytic + 0.1 * (i + 1) for i, k in enumerate(keys)}
    ax = plotting_accuracy.plot_rate_errors(LIFParams(), currents, simulated)
    sims = [a for a in ax.lines if a.get_gid() == "lif-fi-simulated"]
    assert [s.get_marker() for s in sims] == [REGISTRY[k].marker["marker"] for k in keys]
    assert len({s.get_marker() for s in sims}) == len(keys)
    assert all(s.get_linestyle() == "None" for s in sims)
    for i, s in enumerate(sims):
        assert np.allclose(s.get_ydata(), 0.1 * (i + 1))
    zero = [a for a in ax.lines if a.get_label() == REGISTRY["exact"].label]
    assert len(zero) == 1 and np.all(np.asarray(zero[0].get_ydata()) == 0.0)
    assert ax.get_xlabel() == "input current i_e (nA)"
    assert ax.get_ylabel() == "simulated minus analytic rate (Hz)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        REGISTRY[k].label for k in keys] + [REGISTRY["exact"].label]
    with pytest.raises(LifutilsError, match="one rate per current"):
        plotting_accuracy.plot_rate_errors(LIFParams(), currents, {"euler": [1.0]})


def test_work_precision_one_line_per_family():
    rows = lifutils.compare.work_precision(P20, T_MAX, dts=(1.0, 0.1), methods=("RK45", "LSODA"),
                                           rtols=(1e-3, 1e-6))
    ax = plotting_accuracy.plot_work_precision(rows)
    families = list(dict.fromkeys(r["family"] for r in rows))
    data = [line for line in ax.lines if line.get_gid() != "lif-wp-guide"]
    assert [line.get_label() for line in data] == families
    key_of = {r["family"]: r["key"] for r in rows}
    # One hue per family: the method colors for the Euler loops and the first events solver.
    for line in data[:3]:
        key = key_of[line.get_label()]
        assert mcolors.same_color(line.get_color(), plotting.METHOD_COLORS[key])
    colors = [mcolors.to_hex(line.get_color()) for line in data]
    assert len(set(colors)) == len(colors)
    # Slope guides: error proportional to nfev**-1 and nfev**-5.
    guides = [line for line in ax.lines if line.get_gid() == "lif-wp-guide"]
    slopes = [np.diff(np.log10(g.get_ydata()))[0] / np.diff(np.log10(g.get_xdata()))[0]
              for g in guides]
    np.testing.assert_allclose(slopes, [-1.0, -5.0])
    assert {"slope -1", "slope -5"} <= {t.get_text() for t in ax.texts}
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert "nfev" in ax.get_xlabel() and "(ms)" in ax.get_ylabel()
    wrong = [r for r in rows if not np.isfinite(r["max_error"])]
    notes = " ".join(t.get_text() for t in ax.texts)
    for r in wrong:  # points that cannot go on a log axis are listed, not hidden
        assert f"{r['family']} {r['setting']}" in notes


def test_plot_input_draws_jumps_vertical():
    ax = plotting.plot_input(LIFParams(i_e=inputs.pulse(10.0, 5.0, 20.0)), 50.0)
    assert ax.get_xlabel() == "time (ms)" and ax.get_ylabel() == "input current i_e (nA)"
    line = ax.lines[0]
    t, i = line.get_xdata(), line.get_ydata()
    jump = np.flatnonzero(np.diff(i))
    assert len(jump) == 2 and np.all(np.diff(t)[jump] < 1e-9)  # on: vertical; off: vertical
    assert plotting.plot_input(LIFParams(i_e=2.0), 20.0).get_title(loc="left") == "constant 2 nA"


# --------------------------------------------------------------------------- rendering

def test_new_figures_show_as_png_without_pyplot(runs):
    """A notebook cell ending in ``ax.figure`` shows a picture even before pyplot is loaded."""
    fig = plotting.plot_trace(runs["exact"]).figure
    png = fig._repr_png_()
    assert png[:4] == b"\x89PNG" and _png_shape(png)[:2] == (360, 700)


def test_figure_to_png(runs):
    ax = plotting.plot_trace(runs["events"])
    png = plotting.figure_to_png(ax.figure, dpi=50)
    w, h = ax.figure.get_size_inches() * 50
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert _png_shape(png)[:2] == (round(h), round(w))


def test_import_has_no_side_effects():
    code = (
        "import matplotlib, sys\n"
        "before = matplotlib.rcParams.copy()\n"  # (reading 'backend' would load pyplot)
        "import lifutils.figures.plotting\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'plotting imports pyplot'\n"
        "assert 'ipywidgets' not in sys.modules, 'plotting imports ipywidgets'\n"
        "assert matplotlib.rcParams.copy() == before, 'plotting changes rcParams'\n"
        "import lifutils.widgets\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'widgets imports pyplot'\n"
        "assert matplotlib.rcParams.copy() == before, 'widgets changes rcParams'\n"
    )
    done = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr

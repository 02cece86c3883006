"""Tests for lifutils.widgets: drive every control of every dashboard.

The dashboards are used without a kernel here: widgets get a dummy comm, and
the figure goes into ``dashboard.output.outputs`` as a PNG, which is what the
browser shows.
"""
import base64
import math
import re

import matplotlib

matplotlib.use("Agg")  # this test process only; pyplot is needed for get_fignums

import ipywidgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import lifutils  # noqa: E402
from lifutils import widgets as W  # noqa: E402
from lifutils.widgets import dashboards as D  # noqa: E402
from lifutils.widgets import framework as F  # noqa: E402
from lifutils.compare import compare_methods  # noqa: E402
from lifutils.methods import LABELS  # noqa: E402

import dashboards as every_dashboard  # noqa: E402

MINUS = "\N{MINUS SIGN}"  # d3-format, which draws the slider readouts, writes negatives so


FACTORIES = every_dashboard.factories()  # every dashboard in lifutils.widgets.__all__

# dashboard -> control -> (new value, its readout as the browser shows it): each entry's moves
MOVES = every_dashboard.moves()


@pytest.fixture(scope="module")
def dashboards():
    """One of each, shared: the tests below only move controls forward."""
    before = plt.get_fignums()
    made = {name: make() for name, make in FACTORIES.items()}
    assert plt.get_fignums() == before, "a dashboard opened a pyplot figure"
    return made


def _shown_png(dash):
    (output,) = dash.output.outputs
    return base64.b64decode(output["data"]["image/png"])


def _redraws(dash):
    return int(re.search(r"redraw (\d+)$", _status_text(dash)).group(1))


def _status_text(dash):
    """The status line as shown (without the figure's description, which only a
    screen reader reads)."""
    shown = re.sub(r'<span class="lif-sr-only".*?</span>', "", dash.status.value, flags=re.S)
    return re.sub(r"<[^>]+>", "", shown).strip()


def _assert_figure_shown(dash):
    assert dash.error_message is None
    assert dash.output in dash.figure_area.children
    assert dash.error not in dash.figure_area.children, "a lif-error element is showing"
    assert _shown_png(dash) == dash.png and dash.png[:4] == b"\x89PNG"


# --------------------------------------------------------------------------- structure

@pytest.mark.parametrize("name", FACTORIES)
def test_dashboard_structure(dashboards, name):
    dash = dashboards[name]
    assert isinstance(dash, ipywidgets.VBox) and isinstance(dash, W.Dashboard)
    assert "lif-dashboard" in dash._dom_classes
    assert "lif-status" in dash.status._dom_classes
    assert isinstance(dash.status, ipywidgets.HTML)
    assert "lif-error" in dash.error._dom_classes
    assert isinstance(dash.output, ipywidgets.Output)
    assert isinstance(dash.figure, Figure)
    assert set(dash.controls) == set(MOVES[name])
    for control_name, widget in dash.controls.items():
        if isinstance(widget, ipywidgets.FloatSlider):
            assert re.search(r"\((nA|pA|ms|mV|mV/ms)\)$", widget.description), widget.description
            assert widget.readout and widget.readout_format
        if hasattr(widget, "continuous_update"):
            assert widget.continuous_update is False, control_name
        assert widget.description.split(" ")[0] == control_name
    _assert_figure_shown(dash)
    # The figure is small: quick to render and to send.
    assert 60 <= dash.figure.dpi <= 100 and max(dash.figure.get_size_inches()) <= 8


@pytest.mark.parametrize("name,control", [(d, c) for d in MOVES for c in MOVES[d]])
def test_every_control_redraws(dashboards, name, control):
    dash = dashboards[name]
    value, readout = MOVES[name][control]
    n, png = _redraws(dash), dash.png
    dash.controls[control].value = value
    text = _status_text(dash)
    assert _redraws(dash) == n + 1 and dash.n_redraws == n + 1
    assert text.endswith(f"redraw {n + 1}")
    assert f"{control}={readout}" in text, text
    for other, widget in dash.controls.items():  # every control is listed
        assert f"{other}={F.readout(widget)}" in text
    _assert_figure_shown(dash)
    assert dash.png != png, f"moving {control} did not change the figure"


def test_redraw_method_counts(dashboards):
    dash = dashboards["euler_explorer"]
    n = dash.n_redraws
    dash.redraw()
    assert dash.n_redraws == n + 1 and _status_text(dash).endswith(f"redraw {n + 1}")


# --------------------------------------------------------------------------- invalid settings

@pytest.mark.parametrize("make", [W.euler_explorer, W.side_by_side])
@pytest.mark.parametrize("v_reset", [-55.0, -50.0])
def test_reset_at_or_above_threshold_shows_a_message(make, v_reset):
    dash = make()
    png, n = dash.png, dash.n_redraws
    dash.controls["v_reset"].value = v_reset  # no exception may escape
    assert "v_reset must be below v_thresh" in dash.error_message
    assert dash.error in dash.figure_area.children
    assert dash.output not in dash.figure_area.children
    assert "v_reset must be below v_thresh" in dash.error.value
    assert "Traceback" not in dash.error.value
    text = _status_text(dash)
    assert text.endswith(f"redraw {n + 1}") and f"v_reset={MINUS}{abs(v_reset):.1f}" in text
    dash.controls["i_e"].value = 30.0  # still refused, still counted
    assert dash.error_message is not None and dash.n_redraws == n + 2
    dash.controls["i_e"].value = 20.0
    dash.controls["v_reset"].value = -80.0
    _assert_figure_shown(dash)
    assert dash.png == png  # back where it started: the same picture


def test_hack_that_stalls_shows_how_far_it_got():
    """DOP853 with max_step = 0.01 ms needs more evaluations than the hack's budget."""
    dash = W.hack_explorer()
    dash.controls["max_step"].value = 0.01
    dash.controls["method"].value = "DOP853"
    _assert_figure_shown(dash)  # the partial trace, not an error
    assert re.search(r"STALLED: its evaluation budget ran out at t = \d+\.\d\d ms",
                     _status_text(dash))
    assert _status_text(dash).endswith("redraw 3")
    dash.controls["method"].value = "RK45"
    _assert_figure_shown(dash)


# --------------------------------------------------------------------------- numbers shown

def test_moving_back_uses_the_cache(monkeypatch):
    calls = []
    real = D.simulate_euler

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(D, "simulate_euler", counting)
    dash = W.euler_explorer()
    first = dash.png
    dash.controls["i_e"].value = 30.0
    dash.controls["i_e"].value = 20.0
    assert len(calls) == 2 and dash.png == first
    dash.controls["v_reset"].value = -50.0  # refused
    dash.controls["v_reset"].value = -80.0
    assert len(calls) == 2


def test_euler_status_reports_spikes_and_first_spike_error():
    dash = W.euler_explorer()
    euler = lifutils.simulate_euler(lifutils.LIFParams(i_e=20.0), 100.0, dt=0.1)
    exact = lifutils.exact_spike_times(lifutils.LIFParams(i_e=20.0), 100.0)
    text = _status_text(dash)
    assert f"{euler.n_spikes} spikes (exact {len(exact)})" in text
    assert f"error {euler.spike_times[0] - exact[0]:+.3g} ms" in text


@pytest.mark.parametrize("method", ["RK45", "RK23", "LSODA"])
def test_no_solver_rescues_the_hack(method):
    dash = W.hack_explorer()
    dash.controls["method"].value = method
    text = _status_text(dash)
    lowest = float(re.search(r"lowest v after first reaching v_thresh .*?: (-?[\d.]+) mV",
                             text).group(1))
    assert -62.0 < lowest < -54.0, text  # never anywhere near v_reset = -80 mV
    assert int(re.search(r"nfev=(\d+)", text).group(1)) > 1000


def test_hack_below_rheobase_says_so():
    dash = W.hack_explorer()
    dash.controls["i_e"].value = 10.0
    assert "never reaches v_thresh" in _status_text(dash)


def test_events_status_reports_error_and_nfev(dashboards):
    dash = W.events_explorer()
    text = _status_text(dash)
    res = lifutils.simulate_events(lifutils.LIFParams(i_e=20.0), 100.0)
    assert f"nfev={res.nfev}" in text and "5 spikes (exact 5)" in text
    error = float(re.search(r"largest spike-time error ([\d.e+-]+) ms", text).group(1))
    assert error < 1e-4


def test_side_by_side_table_matches_compare_methods(dashboards):
    dash = W.side_by_side()
    rows = compare_methods(lifutils.LIFParams(i_e=20.0), 100.0, dt=0.1)
    table = dash.table.value
    assert 'class="lif-table"' in table
    for row in rows:
        assert LABELS[row["key"]] in table
        if row["key"] not in ("exact", "hack"):
            assert f"<td>{row['nfev']:,}</td>" in table
            assert f"{row['max_error']:.2g}" in table
    assert "wrong count" in table  # the hack: no spikes at all
    figure_panels = [ax for ax in dash.figure.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in figure_panels] == [
        LABELS[r["key"]] for r in rows if not r["reference"]]  # a panel per method, in order


def test_side_by_side_reruns_only_what_a_control_touches(monkeypatch):
    calls = {"euler": 0, "hack": 0, "events": 0}
    real = D.compare_methods

    def counting(params, t_max, *, keys, **settings):
        key = keys[0].replace("_interp", "")
        if key in calls:
            calls[key] += 1
        return real(params, t_max, keys=keys, **settings)

    monkeypatch.setattr(D, "compare_methods", counting)
    dash = W.side_by_side()
    assert calls == {"euler": 2, "hack": 1, "events": 1}
    dash.controls["dt"].value = 0.05
    assert calls == {"euler": 4, "hack": 1, "events": 1}
    dash.controls["rtol"].value = 1e-6
    dash.controls["t_ref"].value = 1.0  # the hack ignores t_ref, as in the question
    assert calls["hack"] == 1 and calls["events"] == 3


# --------------------------------------------------------------------------- helpers

def test_readout_matches_the_browser():
    slider = ipywidgets.FloatSlider(value=-80.0, min=-90.0, max=-50.0, readout_format=".1f")
    assert F.readout(slider) == f"{MINUS}80.0"
    assert F.readout(ipywidgets.FloatSlider(value=2.5, readout_format=".2f")) == "2.50"
    # ipywidgets leaves .label empty when the initial value is the first option.
    choice = ipywidgets.SelectionSlider(options=F.DT_OPTIONS, value=0.01)
    assert F.readout(choice) == "0.01"
    drop = ipywidgets.Dropdown(options=F.MAX_STEP_OPTIONS, value=math.inf)
    assert F.readout(drop) == "inf"
    assert F.readout(ipywidgets.Dropdown(options=F.SOLVERS, value="LSODA")) == "LSODA"


def test_default_rtol_is_offered():
    choice = F.rtol_choice()
    assert choice.value == lifutils.events.DEFAULT_RTOL
    values = [v for _, v in choice.options]
    assert values == sorted(values, reverse=True)


def test_cached_keeps_lifutils_errors_and_lets_bugs_through():
    calls = []

    def fails(x):
        calls.append(x)
        if x == 1:
            raise lifutils.LifutilsError(f"bad {x}")
        raise ValueError(f"bug {x}")  # not a lifutils error: a bug, never cached

    cached = F.cached(fails)
    for _ in range(3):
        with pytest.raises(lifutils.LifutilsError, match="bad 1"):
            cached(1)
        with pytest.raises(ValueError, match="bug 2"):
            cached(2)
    assert calls == [1, 2, 2, 2]


@pytest.mark.parametrize("bug", [ValueError("a plotting bug"), RuntimeError("a plotting bug"),
                                 TypeError("a plotting bug")])
def test_a_genuine_bug_fails_loudly(bug):
    """Only the lifutils family becomes "Cannot simulate these settings"."""
    slider = F.i_e_slider()
    fig, _ = F.dashboard_figure((2.0, 2.0))

    def draw(values):
        if values["i_e"] != F.I_E:
            raise bug
        return "fine"

    dash = F.Dashboard("test", {"i_e": slider}, fig, draw)
    with pytest.raises(type(bug), match="a plotting bug"):
        slider.value = 30.0
    assert dash.error_message is None


def test_a_refused_setting_is_shown_not_raised():
    dash = W.euler_explorer()
    dash.controls["v_reset"].value = -50.0
    assert dash.error_message == "v_reset must be below v_thresh (-55.0 mV), got -50.0 mV"


def test_no_pyplot_figures(dashboards):
    before = plt.get_fignums()
    W.euler_explorer().controls["i_e"].value = 21.0
    assert plt.get_fignums() == before
    assert not np.isnan(dashboards["side_by_side"].figure.dpi)


# --------------------------------------------------------------------------- prefetch (issue 26)

def test_cached_from_two_threads_computes_once():
    import threading
    import time

    calls = []

    def slow(x):
        calls.append(x)
        time.sleep(0.2)
        return x * 2

    cached = F.cached(slow)
    found = []
    threads = [threading.Thread(target=lambda: found.append(cached(3))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert found == [6, 6, 6] and calls == [3]
    assert cached.cache_info() == F.CacheInfo(hits=2, misses=1, maxsize=512, currsize=1)


def test_cached_a_waiter_runs_a_bug_itself_and_the_cache_stays_bounded():
    import threading
    import time

    calls = []
    started = threading.Event()

    def flaky(x):
        calls.append(x)
        if len(calls) == 1:
            started.set()
            time.sleep(0.2)
            raise ValueError("bug")  # not cached: the waiting caller runs it again
        return x

    cached = F.cached(flaky, maxsize=2)
    errors = []

    def first():
        try:
            cached(1)
        except ValueError as exc:
            errors.append(exc)

    t = threading.Thread(target=first)
    t.start()
    started.wait(timeout=10)
    assert cached(1) == 1  # waited for the first call, then ran it itself
    t.join(timeout=10)
    assert len(errors) == 1 and calls == [1, 1]
    for x in (2, 3, 4):
        cached(x)
    assert cached.cache_info().currsize == 2


def test_neighbours_follow_the_last_move_and_stay_on_the_slider():
    w = F.slider("I (mV/ms)", 10.0, -5.0, 30.0, 0.1, ".1f")
    w.value = 10.1
    # One step on first, rounded as the browser's slider rounds (not 10.200000000000001).
    assert F.neighbours(w, 10.0) == [10.2, 10.0]
    assert F.neighbours(w, 10.2) == [10.0, 10.2]
    w.value = 30.0
    assert F.neighbours(w, 29.9) == [29.9]
    rtol = F.rtol_choice()
    values = [v for _, v in rtol.options]
    rtol.index = 3
    assert F.neighbours(rtol, values[2]) == [values[4], values[2]]
    rtol.index = 0
    assert F.neighbours(rtol, values[1]) == [values[1]]
    assert F.neighbours(ipywidgets.Dropdown(options=["a", "b"], value="a"), "b") == []


def test_prefetch_is_off_outside_a_kernel():
    dash = W.euler_explorer()
    dash.controls["i_e"].value = 25.0
    assert dash.prefetch is False and dash.prefetcher is None


def test_prefetch_warms_the_next_step_so_the_next_key_is_a_cache_hit():
    from lifutils.widgets import larger_models as L

    dash = W.phase_plane()
    dash.prefetch = True
    slider = dash.controls["b"]
    slider.value = slider.value + slider.step
    dash.prefetcher.join(timeout=60)
    assert not dash.prefetcher.is_alive()
    dash.prefetch = False  # (a new prefetch would count a miss of its own)
    before = L.run.cache_info()
    slider.value = slider.value + slider.step  # computed by the prefetch: from the cache
    after = L.run.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 1
    assert f"b={F.readout(slider)}" in dash.status.value and dash.error_message is None


def test_prefetch_stops_when_a_control_moves_again():
    seen = []
    dash = W.euler_explorer()
    original = dash._warm

    def warm(values):
        seen.append(values["i_e"])
        dash.controls["tau_m"].value = 12.0  # a move while it prefetches: it stops
        original(values)

    dash._warm = warm
    dash.prefetch = True
    dash.controls["i_e"].value = 21.0
    first = dash.prefetcher
    first.join(timeout=60)
    # The first prefetch stopped after one setting (21.5, not 20.5 too).
    assert seen[0] == 21.5 and 20.5 not in seen[:2]
    dash.prefetcher.join(timeout=60)


def test_a_slow_hack_setting_is_announced_before_it_runs():
    seen = []
    fig, ax = F.dashboard_figure((3, 2))
    controls = {"method": F.choices("method", F.SOLVERS, "RK45"), "max_step": F.max_step_choice()}
    holder = []

    def draw(values):
        if holder:
            seen.append(holder[0].status.value)  # what the page shows while it computes
        return "drawn"

    holder.append(F.Dashboard("t", controls, fig, draw, notice=D._slow_hack))
    dash = holder[0]
    for method in D.SLOW_HACK_METHODS:
        controls["method"].value = method
        assert f"{method} crawls at the threshold" in seen[-1] and "several seconds" in seen[-1]
        assert "crawls" not in dash.status.value  # gone once drawn
    controls["method"].value = "RK23"
    assert "computing" in seen[-1] and "crawls" not in seen[-1]
    controls["max_step"].value = 0.01
    assert "max_step 0.01 ms" in seen[-1] and "a few seconds" in seen[-1]
    controls["max_step"].value = 0.1
    assert "seconds" not in seen[-1]


def test_computing_is_shown_for_a_new_setting_only():
    dash = W.euler_explorer()
    shown = []
    dash.status.observe(lambda change: shown.append(change.new), names="value")
    dash.controls["i_e"].value = 25.0  # new: "computing" first, then the status
    assert len(shown) == 2 and "computing" in shown[0] and "computing" not in shown[1]
    shown.clear()
    dash.controls["i_e"].value = 20.0  # drawn before: the status at once
    assert len(shown) == 1 and "i_e=20.00" in shown[0]


def test_an_error_in_the_prefetch_is_left_for_the_redraw():
    dash = W.euler_explorer()
    calls = []

    def warm(values):
        calls.append(values["i_e"])
        raise ValueError("a bug in a simulation")  # the redraw of that setting shows it

    dash._warm = warm
    dash.prefetch = True
    dash.controls["i_e"].value = 21.0
    dash.prefetcher.join(timeout=60)
    assert calls == [21.5]  # stopped at the first error, quietly
    dash.controls["i_e"].value = 21.5  # drawn normally (the real simulation is fine)
    assert "i_e=21.50" in dash.status.value and dash.error_message is None
    dash.prefetcher.join(timeout=60)


def test_a_slider_step_with_the_browsers_rounding_noise_still_prefetches_and_hits():
    # The browser's slider sends 10 + 1.0 as 11.000000000000002: the prefetch made for
    # the next step must start, and the next press (12.000000000000002) must find it.
    dash = W.fi_explorer(currents=(10.0, 20.0, 30.0), t_max=200.0)
    dash.prefetch = True
    slider = dash.controls["tau_m"]
    seen = []
    original = dash._warm
    dash._warm = lambda values: (seen.append(values["tau_m"]), original(values))
    slider.value = 11.000000000000002
    assert dash.prefetcher is not None
    dash.prefetcher.join(timeout=60)
    assert seen == [12.0, 10.0]
    shown = []
    dash.status.observe(lambda change: shown.append(change.new), names="value")
    slider.value = 12.000000000000002
    assert len(shown) == 1 and "computing" not in shown[0]  # prefetched: drawn at once
    assert "tau_m=12.0" in dash.status.value and dash.error_message is None
    dash.prefetcher.join(timeout=60)


def test_on_grid_takes_off_rounding_noise_only():
    w = F.slider("x", 10.0, 0.0, 40.0, 1.0, ".1f")
    for noisy, clean in ((11.000000000000002, 11.0), (19.000000000000004, 19.0),
                         (12.3, 12.3), (12.9999, 12.9999), (40.0, 40.0)):
        w.value = noisy
        assert F.on_grid(w) == clean
    fine = F.slider("y", 0.5, 0.0, 1.0, 0.05, ".2f")
    fine.value = 0.1 + 0.2  # 0.30000000000000004
    assert F.on_grid(fine) == 0.3
    tiny = F.slider("z", 1e-5, 0.0, 1e-3, 1e-5, ".1e")
    tiny.value = 3e-5 + 1e-21
    assert F.on_grid(tiny) == 3e-5
    assert F.control_values({"x": w, "y": fine}) == {"x": 40.0, "y": 0.3}

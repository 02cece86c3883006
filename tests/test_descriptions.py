"""Text alternatives: every figure says in words what it shows, built from its data.

The numbers in a description are checked against the simulators' own results
(spike counts, spike times, the largest spike-time error computed here), after a
redraw too; a notebook shows the description under each figure; a dashboard's
status line is a polite live region that carries the same description.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

import dashboards

from lifutils import (LIFParams, simulate_dvdt_hack, simulate_euler, simulate_events,
                      simulate_exact, widgets)
from lifutils.figures import accuracy as plotting_accuracy, plotting
from lifutils.figures.drawing import describe, number, spikes_phrase

P = LIFParams(i_e=20.0)
T = 100.0


def _times(result):
    return ", ".join(f"{t:.1f}" for t in result.spike_times[:6])


def test_a_trace_description_has_the_spikes_and_the_largest_error():
    euler, exact = simulate_euler(P, T), simulate_exact(P, T)
    ax = plotting.plot_trace(euler, exact=exact)
    text = describe(ax.figure)
    assert ax.figure.lifutils_description == text
    n = len(exact.spike_times)
    assert len(euler.spike_times) == n == 5
    error = np.max(np.abs(np.asarray(euler.spike_times) - np.asarray(exact.spike_times)))
    assert f"Euler: {n} spikes at {_times(euler)} ms (largest spike-time error {error:.2g} ms)" in text
    assert f"exact (dashed): {n} spikes at {_times(exact)} ms" in text
    assert f"v_thresh {P.v_thresh:g} mV" in text and f"v_reset {P.v_reset:g} mV" in text
    assert "0 to 100 ms" in text


def test_a_method_that_never_spikes_says_so_and_names_the_exact_count():
    hack, exact = simulate_dvdt_hack(P, T), simulate_exact(P, T)
    assert len(hack.spike_times) == 0
    ax = plotting.plot_raster([hack], exact=exact)
    text = describe(ax.figure)
    assert f"dv/dt hack (RK45): no spikes (the exact answer has {len(exact.spike_times)})" in text


def test_side_by_side_numbers_the_panels_and_says_the_exact_answer_once():
    runs = [simulate_euler(P, T), simulate_events(P, T)]
    exact = simulate_exact(P, T)
    text = describe(plotting.plot_side_by_side(runs, exact=exact)[0].figure)
    assert text.count("exact: 5 spikes") == 1
    assert "Panel 1 of 2: Euler: 5 spikes" in text and "Panel 2 of 2: events (RK45): 5 spikes" in text
    events_error = np.max(np.abs(np.asarray(runs[1].spike_times) - exact.spike_times))
    assert events_error < 1e-3 and "error less than 0.001 ms" in text  # solver noise: no digits


def test_the_f_i_curve_describes_the_rheobase_and_each_method_gap():
    from lifutils.analytic import firing_rate, rheobase
    currents = np.array([0.0, 20.0, 40.0])
    rates = {"euler": firing_rate(P, i_e=currents) + np.array([0.0, 1.5, -2.5])}
    text = describe(plotting_accuracy.plot_fi_curve(P, currents, rates).figure)
    assert f"rheobase {rheobase(P):.3g} nA" in text
    assert f"{float(firing_rate(P, i_e=40.0)):.3g} Hz at 40 nA" in text
    assert "Euler loop (markers): largest difference from the analytic curve 2.5 Hz" in text


def test_the_rate_errors_describe_each_method_shape_and_largest_gap():
    from lifutils.analytic import firing_rate
    currents = np.array([0.0, 20.0, 40.0])
    analytic = firing_rate(P, i_e=currents)
    rates = {"euler": analytic + np.array([0.0, 0.25, -0.95]), "events": analytic + 1e-6}
    text = describe(plotting_accuracy.plot_rate_errors(P, currents, rates).figure)
    assert text == ("Simulated minus analytic firing rate (Hz) against input current i_e (nA), "
                    "0 to 40 nA; the exact answer is the dashed zero line. Euler loop (squares): "
                    "largest difference 0.95 Hz, at 40 nA. solve_ivp + events (dots): largest "
                    "difference less than 0.001 Hz.")


def test_an_axes_drawn_by_hand_is_described_by_its_labels():
    fig, ax = plotting.new_figure()
    ax.plot([0, 1], [2, 3], label="w")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("adaptation w (nA)")
    assert describe(fig).startswith("adaptation w (nA) against time (ms)")
    assert "lines: w" in describe(fig)


def test_the_description_follows_a_dashboard_redraw():
    dash = widgets.euler_explorer()
    dash.controls["i_e"].value = 30.0
    moved = simulate_euler(LIFParams(i_e=30.0), widgets.framework.T_MAX, dt=0.1)
    exact = simulate_exact(LIFParams(i_e=30.0), widgets.framework.T_MAX)
    assert len(moved.spike_times) == len(exact.spike_times) == 10
    assert f"Euler loop: 10 spikes at {_times(moved)} and 4 more ms" in dash.description
    assert f"exact (dashed): 10 spikes at {_times(exact)} and 4 more ms" in dash.description
    (shown,) = dash.output.outputs
    assert shown["data"]["text/plain"] == dash.description  # the PNG's text alternative


@pytest.mark.parametrize("make", list(dashboards.factories(small=False).values()),
                         ids=list(dashboards.factories()))
def test_the_status_line_is_a_polite_live_region_saying_what_the_figure_shows(make):
    dash = make()
    status = dash.status.value
    assert re.match(r'<div role="status" aria-live="polite" aria-atomic="true">', status)
    hidden = re.search(r'<span class="lif-sr-only"[^>]*>(.*?)</span>', status, re.S).group(1)
    import html
    assert html.unescape(hidden) == f" Figure: {dash.description}"
    assert "spike" in dash.description or "Firing rate" in dash.description


def test_a_notebook_shows_the_description_under_the_figure():
    shell = InteractiveShell.instance()
    with capture_output() as cap:
        shell.run_cell("from lifutils import LIFParams, simulate_euler\n"
                       "from lifutils.figures.plotting import plot_raster\n"
                       "ax = plot_raster([simulate_euler(LIFParams(i_e=20.0), 100.0)])\n"
                       "ax.figure")
    image, caption = cap.outputs
    text = describe(shell.user_ns["ax"].figure)
    assert image.data["text/plain"] == text and image.data["image/png"][:4] == b"\x89PNG"
    assert caption.data["text/plain"] == f"Figure: {text}"
    assert caption.data["text/markdown"] == "*Figure: " + text.replace("_", "\\_") + "*"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.0, 1000.0, allow_nan=False), max_size=12).map(sorted))
def test_spikes_phrase_counts_and_lists_at_most_six(times):
    text = spikes_phrase("m", times, exact=times)
    if not times:
        assert text == "m: no spikes"
        return
    assert text.startswith(f"m: {len(times)} spike")
    listed = text.split(" at ")[1].split(" ms")[0]
    assert len(re.findall(r"\d+\.\d", listed)) == min(6, len(times))
    assert ("more" in listed) == (len(times) > 6)
    assert "(largest spike-time error 0 ms)" in text


@pytest.mark.parametrize("x, expected", [(0.0629, "0.063"), (6.8e-7, "less than 0.001"),
                                         (144.27, "144"), (14.27, "14"), (float("inf"), "infinite")])
def test_number(x, expected):
    assert number(x) == expected


def _package_figures():
    """One figure from each plot_* of lifutils.figures (and the gallery's), drawn small."""
    from lifutils import inputs
    from lifutils.figures.gallery import plot_pattern, plot_pattern_grid
    from lifutils.gallery import PATTERNS, solve_all
    runs = [simulate_euler(P, T), simulate_dvdt_hack(P, T), simulate_events(P, T)]
    exact = simulate_exact(P, T)
    currents = [0.0, 20.0, 40.0]
    rates = {"euler": [0.0, 55.9, 144.0], "events": [0.0, 55.8, 144.3]}
    wp = [dict(key="euler", family="Euler", setting=f"dt={dt:g} ms", nfev=n, max_error=e)
          for dt, n, e in ((0.1, 1000, 0.13), (0.01, 10000, 0.012))]
    solved = solve_all({k: PATTERNS[k] for k in [("izhikevich", "RS"), ("adex", "tonic")]},
                       rtol=1e-6, atol=1e-6)
    return {
        "trace": plotting.plot_trace(runs[0], exact=exact).figure,
        "side by side": plotting.plot_side_by_side(runs, exact=exact)[0].figure,
        "raster": plotting.plot_raster(runs, exact=exact).figure,
        "input": plotting.plot_input(LIFParams(i_e=inputs.pulse(10.0, 5.0, 20.0)), 50.0).figure,
        "convergence": plotting_accuracy.plot_convergence([0.1, 0.05], {"euler": [0.2, 0.1]}).figure,
        "f-I": plotting_accuracy.plot_fi_curve(P, currents, rates).figure,
        "rate errors": plotting_accuracy.plot_rate_errors(P, currents, rates).figure,
        "work precision": plotting_accuracy.plot_work_precision(wp).figure,
        "pattern": plot_pattern(*solved["adex", "tonic"]).figure,
        "pattern grid": plot_pattern_grid(solved, ncols=1).figure,
    }


def test_no_description_leaves_an_axis_unlabelled():
    """describe() says "y against x" for an axis without a label: no figure of the package may."""
    for name, fig in _package_figures().items():
        text = describe(fig)
        assert not re.search(r"\by against\b|\bagainst x\b", text), f"{name}: {text}"
        assert re.search(r"\b(mV|ms|nA|Hz)\b", text), f"{name} names no unit: {text}"

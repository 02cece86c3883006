"""The registry is the single source: a method registered from outside shows up everywhere.

A dummy method (the Euler loop at half the step, under its own key) is registered, and
every table, figure and dashboard that shows several methods is drawn with it; then it is
taken out again. Hostile entries are refused with a message that names the field.
"""
import dataclasses
import numpy as np
import pytest

import lifutils
from lifutils.widgets.catalogue import DASHBOARDS
from lifutils import LIFParams, LifutilsError, compare
from lifutils.figures import accuracy as plotting_accuracy, plotting
from lifutils.methods import (BUILT_IN, LINE_STYLES, MARKERS, PALETTE, REGISTRY, Method,
                              register, registry_view, unregister)

P20 = LIFParams(i_e=20.0)


def simulate_half_euler(params, t_max, *, dt=None):
    """The Euler loop at half the step, as a result of its own."""
    res = lifutils.simulate_euler(params, t_max, dt=(dt or 0.1) / 2)
    return dataclasses.replace(res, key="half_euler")


@pytest.fixture
def dummy():
    method = register(Method("half_euler", "Euler, half step", "half-step Euler",
                             simulate_half_euler, ("dt",), knob="dt", rank=25))
    try:
        yield method
    finally:
        unregister("half_euler")
    assert "half_euler" not in REGISTRY


def _index(key):
    return list(REGISTRY).index(key)


def test_registration_puts_it_in_rank_order_with_a_free_style(dummy):
    ranks = [(m.reference, m.rank) for m in REGISTRY.values()]
    assert ranks == sorted(ranks) and "half_euler" in REGISTRY
    others = [m for m in REGISTRY.values() if m.key != "half_euler"]
    reserved = {m.color for m in BUILT_IN}
    free = [c for c in PALETTE if c not in reserved and c not in {m.color for m in others}]
    assert dummy.color == free[0]
    assert dummy.marker["marker"] in MARKERS
    assert dummy.marker["marker"] not in {m.marker["marker"] for m in others}
    assert dummy.linestyle in LINE_STYLES and dummy.linestyle not in [m.linestyle for m in others]
    # the live views follow
    assert plotting.METHOD_COLORS["half_euler"] == dummy.color
    assert registry_view("label")["half_euler"] == "Euler, half step"


def test_when_colours_run_out_marker_and_line_still_differ():
    added = []
    try:
        for k in range(len(PALETTE) + 2):
            added.append(register(Method(f"extra_{k}", f"extra {k}", f"extra {k}",
                                         simulate_half_euler, ("dt",))))
        cues = [(m.marker["marker"], str(m.linestyle)) for m in REGISTRY.values()]
        colours = [m.color for m in REGISTRY.values()]
        assert len(set(colours)) < len(colours)  # the palette is used up ...
        for i, a in enumerate(REGISTRY.values()):  # ... but no two look alike
            for b in list(REGISTRY.values())[i + 1:]:
                assert (a.color, a.marker["marker"], str(a.linestyle)) != \
                    (b.color, b.marker["marker"], str(b.linestyle)), (a.key, b.key)
        assert len(cues) == len(REGISTRY)
    finally:
        for m in added:
            unregister(m.key)


def test_the_comparison_table_and_sweeps_include_it(dummy):
    rows = compare.compare_methods(P20, 100.0)
    assert [r["key"] for r in rows] == list(REGISTRY)
    mine, euler = rows[_index("half_euler")], rows[_index("euler")]
    assert mine["label"] == "Euler, half step" and mine["n_spikes"] == 5
    assert mine["nfev"] == 2000 and 0 < mine["max_error"] < euler["max_error"]
    wp = compare.work_precision(P20, 100.0, dts=(0.2, 0.1), methods=("RK45",), rtols=(1e-6,))
    assert [r["family"] for r in wp if r["key"] == "half_euler"] == ["half-step Euler"] * 2
    assert [r["nfev"] for r in wp if r["key"] == "half_euler"] == [1000, 2000]
    rates = compare.simulated_rates("half_euler", P20, [10.0, 20.0], 200.0)
    assert rates[0] == 0.0 and abs(rates[1] - lifutils.firing_rate(P20)) < 1.0


def test_every_figure_draws_it(dummy):
    rows = compare.compare_methods(P20, 100.0)
    results = [r["result"] for r in rows if not r["reference"]]
    exact = rows[-1]["result"]
    axes = plotting.plot_side_by_side(results, exact=exact)
    mine = [r.key for r in results].index("half_euler")
    assert [ax.get_title(loc="left") for ax in axes][mine] == "half-step Euler"
    trace = next(line for line in axes[mine].lines if line.get_gid() == "lif-trace")
    assert trace.get_color() == dummy.color  # (each panel's own trace is solid: its title names it)
    ax = plotting.plot_trace(results[mine])  # on shared axes, the line style tells them apart
    trace = next(line for line in ax.lines if line.get_gid() == "lif-trace")
    assert trace.get_color() == dummy.color and trace.get_linestyle() != "-"
    ax = plotting.plot_raster(results, exact=exact)
    assert "half-step Euler" in [t.get_text() for t in ax.get_yticklabels()]
    wp = compare.work_precision(P20, 100.0, dts=(0.2, 0.1), methods=("RK45", "LSODA"),
                                rtols=(1e-4, 1e-6))
    ax = plotting_accuracy.plot_work_precision(wp)
    lines = {line.get_label(): line for line in ax.lines if line.get_gid() != "lif-wp-guide"}
    assert lines["half-step Euler"].get_color() == dummy.color
    cues = [(line.get_marker(), str(line.get_linestyle()), line.get_color())
            for line in lines.values()]
    # a line per method with a knob, one per solver of each solve_ivp one: none alike
    assert len(set(cues)) == len(cues) == len({r["family"] for r in wp})
    simulated = {key: compare.simulated_rates(key, P20, [10.0, 20.0, 30.0], 200.0)
                 for key, m in REGISTRY.items() if m.knob}
    ax = plotting_accuracy.plot_fi_curve(P20, [10.0, 20.0, 30.0], simulated)
    assert "Euler, half step" in [t.get_text() for t in ax.get_legend().get_texts()]
    ax = plotting_accuracy.plot_convergence([0.2, 0.1], {"half_euler": [0.4, 0.2]})
    assert ax.get_legend().get_texts()[0].get_text() == "Euler, half step"


def test_every_dashboard_draws_it(dummy):
    from lifutils.widgets import dashboards

    dash = dashboards.side_by_side()
    assert len(dash.figure.axes) == len(REGISTRY)  # a panel per method but exact, a raster
    assert "Euler, half step" in dash.table.value
    dash.controls["dt"].value = 0.05
    assert "redraw 2" in dash.status.value and dash.error_message is None
    for name in dashboards.__all__:
        made = DASHBOARDS[name].make(quick=True)
        assert made.png, name


def test_a_new_knob_gets_a_control(dummy):
    """A method whose knob is rtol shares the event method's control; the table grows."""
    from lifutils.widgets import dashboards

    loose = register(Method("loose_events", "events, loose", "loose events",
                            lambda p, t_max, **kw: dataclasses.replace(
                                lifutils.simulate_events(p, t_max, **kw), key="loose_events"),
                            ("method", "rtol", "atol", "max_step"), knob="rtol", rank=45))
    try:
        dash = dashboards.side_by_side()
        assert {"dt", "rtol"} <= set(dash.controls)
        assert len(dash.figure.axes) == len(REGISTRY)
        assert dash.table.value.count("<tr>") == len(REGISTRY) + 1
    finally:
        unregister(loose.key)


@pytest.mark.parametrize("change, words", [
    (dict(key="euler"), "registered already"),
    (dict(key="two words"), "key must be a Python identifier"),
    (dict(label="Euler loop"), "Method.label must be new"),
    (dict(runner="simulate_euler"), "Method.runner must be callable"),
    (dict(runner=42), "Method.runner must be callable"),
    (dict(settings=("dt", "tol")), "Method.settings must come from"),
    (dict(knob="max_step", settings=("max_step",)), "Method.knob must be None or one of"),
    (dict(knob="rtol"), "Method.knob must be None or one of"),
    (dict(reference=True), "there is one reference method"),
])
def test_hostile_entries_are_refused_by_name(change, words):
    good = dict(key="fine", label="fine", name="fine", runner=simulate_half_euler,
                settings=("dt",), knob="dt")
    before = dict(REGISTRY)
    with pytest.raises(LifutilsError, match=words):
        register(Method(**{**good, **change}))
    assert REGISTRY == before


def test_register_takes_only_a_method_and_unregister_only_a_key():
    with pytest.raises(LifutilsError, match="register takes a Method"):
        register({"key": "dict"})
    with pytest.raises(LifutilsError, match="key must be one of"):
        unregister("no_such_method")


@pytest.mark.parametrize("returns, words", [
    (lambda p, t_max: lifutils.simulate_euler(p, t_max), "got a result with key 'euler'"),
    (lambda p, t_max: None, "got a NoneType"),
    (lambda p, t_max: np.zeros(3), "got a ndarray"),
])
def test_a_runner_that_lies_about_its_key_is_caught(returns, words):
    """A result that does not carry its method's key would be drawn as another method."""
    register(Method("liar", "liar", "liar", returns))
    try:
        with pytest.raises(LifutilsError, match="the runner of method 'liar' must return") as err:
            compare.run_method("liar", P20, 20.0)
        assert words in str(err.value)
    finally:
        unregister("liar")


def test_views_are_live_and_read_only():
    view = registry_view("color")
    assert list(view) == list(REGISTRY) and len(view) == len(REGISTRY)
    with pytest.raises(TypeError):
        view["euler"] = "#FFFFFF"
    assert np.all([view[k] == REGISTRY[k].color for k in REGISTRY])

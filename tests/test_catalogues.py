"""The catalogues are the single source: a dummy entry in each shows up everywhere.

One dummy per catalogue (a method, a population approach, a gallery family, a
dashboard) is added by a fixture and taken out afterwards; every place that lists
that catalogue is then read, and must list the dummy too (no test names today's
members). A reload of the modules that declare them keeps one entry per key, with
the new code (run in a child process, so that this process keeps its classes).
"""
import dataclasses
import subprocess
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import lifutils  # noqa: E402
from lifutils import LIFParams, LifutilsError, compare, gallery  # noqa: E402
from lifutils.figures import plotting  # noqa: E402
from lifutils.figures import accuracy as plotting_accuracy, gallery as plotting_gallery  # noqa: E402
from lifutils.figures import population as plotting_population  # noqa: E402
from lifutils.catalogue import Catalogue  # noqa: E402
from lifutils.methods import LABELS, REGISTRY, Method, register, spare_styles, unregister  # noqa: E402
from lifutils.populations import (APPROACHES, Approach, add_approach, measure,  # noqa: E402
                                 simulate_population_euler)
from lifutils.widgets.catalogue import DASHBOARDS, DashboardEntry  # noqa: E402

import dashboards as every_dashboard  # noqa: E402

P20 = LIFParams(i_e=20.0)
SOURCE_2004 = ("Izhikevich EM (2004) Which model to use for cortical spiking neurons? IEEE Trans "
               "Neural Netw 15:1063-1070, Fig. 1 (A)")


# --------------------------------------------------------------------------- the dummies

def simulate_dummy(params, t_max, *, dt=None):
    """The Euler loop at half the step, as a method of its own."""
    return dataclasses.replace(lifutils.simulate_euler(params, t_max, dt=(dt or 0.1) / 2),
                               key="dummy_method")


def dummy_population(params, i_e, t_max, *, dt=0.1, **options):
    """The vectorised Euler loop at half the step."""
    return simulate_population_euler(params, i_e, t_max, dt=dt / 2)


def dummy_board(**options):
    """A dashboard of its own (the Euler explorer under another key)."""
    from lifutils.widgets.dashboards import euler_explorer
    return euler_explorer(**options)


@pytest.fixture
def dummy_method():
    method = register(Method("dummy_method", "dummy, half step", "dummy", simulate_dummy,
                             ("dt",), knob="dt", rank=25))
    yield method
    unregister("dummy_method")
    assert "dummy_method" not in REGISTRY


@pytest.fixture
def dummy_approach():
    approach = add_approach(Approach("dummy_approach", "dummy Euler, half step", dummy_population))
    yield approach
    APPROACHES.remove("dummy_approach")
    assert "dummy_approach" not in APPROACHES


@pytest.fixture
def dummy_family():
    table = {"tonic": ("tonic spiking", 0.02, 0.2, -65.0, 6.0, ((0.0, 14.0), (10.0,)), 100.0)}
    family = gallery.add_family(gallery.Family(
        "dummy_family", "Izhikevich (2004)", "izhikevich", SOURCE_2004, table,
        gallery.build_izhikevich))
    yield family
    gallery.remove_family("dummy_family")
    assert "dummy_family" not in gallery.FAMILIES
    assert all(f != "dummy_family" for f, _ in gallery.PATTERNS)


@pytest.fixture
def dummy_dashboard():
    moves = dict(DASHBOARDS["euler_explorer"].moves)
    entry = DASHBOARDS.add(DashboardEntry("dummy_board", dummy_board, moves))
    yield entry
    DASHBOARDS.remove("dummy_board")
    assert "dummy_board" not in DASHBOARDS


# --------------------------------------------------------------------------- methods

def test_a_new_method_is_in_every_table_palette_and_legend(dummy_method):
    rows = compare.compare_methods(P20, 100.0)
    assert [r["key"] for r in rows] == list(REGISTRY) and "dummy_method" in REGISTRY
    mine = next(r for r in rows if r["key"] == "dummy_method")
    assert mine["label"] == LABELS["dummy_method"] and mine["n_spikes"] == 5
    assert plotting.METHOD_COLORS["dummy_method"] == dummy_method.color
    assert dummy_method.color not in {m.color for m in REGISTRY.values() if m is not dummy_method}
    assert dummy_method.color not in {colour for colour, _, _ in spare_styles(3)}
    simulated = {key: compare.simulated_rates(key, P20, [10.0, 30.0], 200.0)
                 for key, m in REGISTRY.items() if m.knob}
    ax = plotting_accuracy.plot_fi_curve(P20, [10.0, 30.0], simulated)
    assert dummy_method.label in [t.get_text() for t in ax.get_legend().get_texts()]


# --------------------------------------------------------------------------- approaches

def test_a_new_approach_is_measured_and_drawn_in_a_style_of_its_own(dummy_approach):
    assert list(APPROACHES)[-1] == "dummy_approach"
    rows = [measure(key, 10, t_max=50.0) for key in ("vector", "dummy_approach")]
    assert rows[1]["approach"] == "dummy_approach" and rows[1]["wrong_counts"] == 0
    # Euler at dt = 0.05 ms: each spike within a few steps of the closed form
    assert rows[1]["spikes"] == rows[0]["spikes"] and 0 < rows[1]["error"] < 0.2
    ax = plotting_population.plot_cost_per_spike(rows)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {APPROACHES["vector"].label, dummy_approach.label}
    looks = [a.look() for a in APPROACHES.values()]
    assert len(set(map(str, looks))) == len(looks), "two approaches look alike"
    mine = lines[dummy_approach.label]
    assert (mine.get_color(), mine.get_marker()) == dummy_approach.look()[:2]


def test_measure_refuses_an_approach_not_in_the_catalogue(dummy_approach):
    with pytest.raises(LifutilsError, match="approach must be one of .*'dummy_approach'"):
        measure("no_such_approach", 10)


# --------------------------------------------------------------------------- families

def test_a_new_family_joins_the_patterns_the_grid_and_the_phase_plane(dummy_family):
    key = ("dummy_family", "tonic")
    assert key in gallery.PATTERNS and list(gallery.PATTERNS)[-1] == key
    model = gallery.PATTERNS[key]
    assert model.source == SOURCE_2004 and model.units == dummy_family.units
    assert model.label == "tonic spiking"
    assert gallery.pattern("dummy_family", "Tonic", d=7.0).params["d"] == 7.0
    sol = model.solve()
    assert len(gallery.spike_times(sol)) > 3  # tonic spiking under a step of 14
    assert gallery.fixed_points(model, current=0.0).shape == (2, 2)  # rest and a saddle
    few = {k: gallery.PATTERNS[k] for k in (("adex", "tonic"), key)}
    fig = plotting_gallery.plot_pattern_grid(gallery.solve_all(few, rtol=1e-6, atol=1e-6))
    assert "Izhikevich (2004)" in [t.get_text() for ax in fig.axes for t in ax.texts]
    listing = {f: [n for g, n in gallery.PATTERNS if g == f] for f in gallery.FAMILIES}
    assert listing["dummy_family"] == ["tonic"]  # notebook 08's listing


def test_a_family_with_unknown_equations_is_refused():
    with pytest.raises(LifutilsError, match="Family.equations must be one of"):
        gallery.add_family(gallery.Family("odd", "odd", "hodgkin", "", {"x": ()},
                                          gallery.build_adex))
    assert "odd" not in gallery.FAMILIES


# --------------------------------------------------------------------------- dashboards

def test_a_new_dashboard_is_made_and_every_move_redraws_it(dummy_dashboard):
    assert "dummy_board" in every_dashboard.factories()
    assert every_dashboard.moves()["dummy_board"] == dict(dummy_dashboard.moves)
    import lifutils.widgets as widgets
    assert widgets.dummy_board is dummy_board  # found by its key
    dash = every_dashboard.factories()["dummy_board"]()
    assert set(dash.controls) == set(dummy_dashboard.moves)
    for control, (value, readout) in dummy_dashboard.moves.items():
        n = dash.n_redraws
        dash.controls[control].value = value
        assert dash.n_redraws == n + 1 and f"{control}={readout}" in dash.status.value


def test_every_dashboard_function_is_declared():
    """A dashboard written but not declared would go untested: none is."""
    from lifutils.widgets import dashboards, larger_models
    written = {*dashboards.__all__, "phase_plane", "kick_synchrony"}
    assert written <= set(DASHBOARDS)
    for key, entry in DASHBOARDS.items():
        assert entry.function.__name__ == key


# --------------------------------------------------------------------------- the type

def test_adding_the_same_entry_again_replaces_it_and_another_is_refused():
    first = register(Method("again", "again", "again", simulate_dummy))
    try:
        second = register(Method("again", "again, relabelled", "again", simulate_dummy))
        assert list(REGISTRY).count("again") == 1 and REGISTRY["again"] is second
        assert second.color == first.color  # its style is kept free of its old self
        with pytest.raises(LifutilsError, match="registered already"):
            register(Method("again", "other", "other", lambda p, t_max: None))
        assert REGISTRY["again"] is second
    finally:
        unregister("again")


def test_a_refused_entry_leaves_the_catalogue_as_it_was():
    def refuse(entry, others):
        raise LifutilsError("no")
    catalogue = Catalogue("thing", ())
    catalogue._check = refuse
    with pytest.raises(LifutilsError, match="no"):
        catalogue.add(Method("x", "x", "x", simulate_dummy))
    assert len(catalogue) == 0
    with pytest.raises(LifutilsError, match="key must be a Python identifier"):
        Catalogue("thing", ()).add(object())


RELOADS = textwrap.dedent("""
    import dataclasses, importlib
    import lifutils, lifutils.euler, lifutils.events, lifutils.methods, lifutils.gallery
    import lifutils.populations.population, lifutils.compare
    from lifutils.methods import REGISTRY, Method, register
    from lifutils.populations import APPROACHES
    from lifutils.gallery import FAMILIES, PATTERNS

    def mine(params, t_max, *, dt=None):
        return dataclasses.replace(lifutils.simulate_euler(params, t_max, dt=dt), key="users")

    register(Method("users", "user's", "user's", mine, ("dt",)))
    before = (list(REGISTRY), list(APPROACHES), list(FAMILIES), len(PATTERNS))
    for name in ("euler", "events", "methods", "gallery", "populations.approaches", "euler", "methods"):
        importlib.reload(importlib.import_module("lifutils." + name))
    from lifutils import euler, events, gallery, methods
    from lifutils.populations import approaches as population
    assert methods.REGISTRY is REGISTRY and population.APPROACHES is APPROACHES
    assert gallery.FAMILIES is FAMILIES and gallery.PATTERNS is PATTERNS
    assert (list(REGISTRY), list(APPROACHES), list(FAMILIES), len(PATTERNS)) == before
    assert REGISTRY["euler"].function is euler.simulate_euler
    assert REGISTRY["events"].function is events.simulate_events
    assert type(REGISTRY["euler"]) is methods.Method  # the declaration, made again
    assert REGISTRY["users"].runner is mine  # a user's method stays, once
    assert APPROACHES["vector"].runner is population._vector_event
    assert FAMILIES["adex"].builder is gallery.build_adex
    assert lifutils.compare.compare_methods(lifutils.LIFParams(i_e=20.0), 50.0)[0]["n_spikes"] > 0
    register(Method("users", "user's", "user's", mine, ("dt",)))  # a cell run again
    assert list(REGISTRY).count("users") == 1
    print("reloads ok")
""")


def test_reloading_the_declaring_modules_keeps_one_entry_per_key_with_the_new_code():
    done = subprocess.run([sys.executable, "-c", RELOADS], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "reloads ok" in done.stdout, done.stderr

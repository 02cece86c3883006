"""The phase plane: nullclines against the right-hand side, the figure, the two dashboards
of the larger models (phase_plane for notebook 08, kick_synchrony for notebook 05).

The nullclines are checked where they are defined: on the v-nullcline the model's own
rhs gives dv/dt = 0 (to rounding of its terms), on the other dw/dt = 0, and off them the
signs are those the docstrings state. Resting states are zeros of both components.
"""
import io
import math
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import traitlets  # noqa: E402
from matplotlib.image import imread  # noqa: E402

from lifutils import LifutilsError, gallery  # noqa: E402
from lifutils.figures.drawing import describe, figure_to_png  # noqa: E402
from lifutils.gallery import (PATTERNS, adex, drive, firing_pattern, fixed_points,  # noqa: E402
                              izhikevich, pattern, v_nullcline, w_nullcline)
from lifutils.figures.network import plot_volleys  # noqa: E402
from lifutils.figures.phase import plot_phase_plane  # noqa: E402
from lifutils.references import exact_delta_network, volley_lock  # noqa: E402
from lifutils.widgets import kick_synchrony, phase_plane  # noqa: E402
from lifutils.widgets import larger_models as L  # noqa: E402

EPS = np.finfo(float).eps
T_ON = 50.0  # ms: after every pattern's input switch but TC_rebound's (100 ms)


def _status(dash):
    shown = re.sub(r'<span class="lif-sr-only".*?</span>', "", dash.status.value, flags=re.S)
    return re.sub(r"<[^>]+>", "", shown).strip()


def _t_on(model):
    """A time (ms) at which the last input level is on."""
    return model.current.times[-1] + 1.0


def _grid(model):
    lo = min(model.params.get("EL", -70.0), model.y0[0]) - 20.0
    return np.linspace(lo, model.v_peak - 1.0, 301)


# --------------------------------------------------------------------------- the numerics

@pytest.mark.parametrize("key", list(PATTERNS), ids=["-".join(k) for k in PATTERNS])
def test_on_each_nullcline_its_derivative_vanishes(key):
    m = PATTERNS[key]
    t = _t_on(m)
    for v in _grid(m):
        w = float(v_nullcline(m, v))
        dv = m.rhs(t, [v, w])[0]
        # Rounding of the terms that cancel: their size times a few eps, per unit of C.
        scale = abs(w) + abs(v) * 20.0 + 200.0 + abs(drive(m))
        assert abs(dv) <= 64 * EPS * scale, (key, v, dv)
        u = float(w_nullcline(m, v))
        assert abs(m.rhs(t, [v, u])[1]) <= 64 * EPS * (abs(u) + abs(v) * 20.0), (key, v)


@pytest.mark.parametrize("key", list(PATTERNS), ids=["-".join(k) for k in PATTERNS])
def test_off_the_nullclines_the_signs_are_as_documented(key):
    m = PATTERNS[key]
    t = _t_on(m)
    for v in _grid(m)[::10]:
        w = float(v_nullcline(m, v))
        gap = 1.0 + 1e-3 * abs(w)
        assert m.rhs(t, [v, w - gap])[0] > 0 > m.rhs(t, [v, w + gap])[0]  # below: v rises
        u = float(w_nullcline(m, v))
        assert m.rhs(t, [v, u - 1.0])[1] > 0 > m.rhs(t, [v, u + 1.0])[1]  # below: w rises


@pytest.mark.parametrize("key", list(PATTERNS), ids=["-".join(k) for k in PATTERNS])
@pytest.mark.parametrize("level", ["first", "last"])
def test_fixed_points_are_zeros_of_the_rhs_and_all_of_them(key, level):
    m = PATTERNS[key]
    current = m.current.levels[0] if level == "first" else m.current.levels[-1]
    t = 0.0 if level == "first" else _t_on(m)
    rests = fixed_points(m, current=current)
    for v, w in rests:
        dv, dw = m.rhs(t, [v, w])
        assert abs(dv) < 1e-8 * (1 + abs(w)) and abs(dw) < 1e-12 * (1 + abs(w)), (v, w, dv, dw)
    # Every crossing: the sign changes of the v-nullcline minus the other, on a fine grid.
    grid = np.linspace(-150.0, m.v_peak, 200001)
    slow = w_nullcline(m, grid)
    gap = v_nullcline(m, grid, current=current) - slow
    sure = np.abs(gap) > 1e-9 * (1.0 + np.abs(slow))  # not lost in the rounding of the terms
    signs = np.sign(gap[sure])
    crossings = np.flatnonzero(signs[1:] != signs[:-1])
    assert len(rests) == len(crossings), (rests, grid[sure][crossings])
    izhikevich = gallery.FAMILIES[m.family].equations == "izhikevich"
    if level == "first" and izhikevich:  # the run starts at rest, the lowest
        assert rests[0] == pytest.approx(m.y0, abs=1e-9)
    elif level == "first" and m.params["gL"] + m.params["a"] == 0.0:
        assert len(rests) == 0  # a = -gL: the linear terms cancel, no rest at I = 0
    elif level == "first":  # AdEx starts at (EL, 0); the exponential term moves the rest a bit
        assert 0.0 < rests[0][0] - m.params["EL"] < 0.5


def test_the_input_lifts_the_v_nullcline_past_the_rest():
    m = adex("tonic")
    assert len(fixed_points(m, current=0.0)) == 2 and len(fixed_points(m)) == 0
    grid = np.linspace(-80.0, -40.0, 5)
    assert np.allclose(v_nullcline(m, grid, current=100.0) - v_nullcline(m, grid, current=0.0),
                       100.0)


def test_adex_with_gl_plus_a_at_or_below_zero():
    m = adex("delayed_regular_bursting")  # a = -10 nS = -gL: f = gL DeltaT exp + I
    assert fixed_points(m).shape == (0, 2)
    (v, w), = fixed_points(m, current=-50.0)
    assert abs(m.rhs(50.0, [v, w])[0] + (-50.0 - m.params["I"]) / m.params["C"]) < 1e-9
    m = adex("irregular")  # a = -11, gL = 12: still convex with a minimum
    assert fixed_points(m, current=0.0).shape == (2, 2)
    m = adex("tonic", a=-15.0)  # gL + a < 0: one crossing, whatever the input
    for current in (-500.0, 0.0, 500.0):
        (v, w), = fixed_points(m, current=current)
        assert abs(m.rhs(50.0, [v, w])[0] - (500.0 - current) / m.params["C"]) < 1e-9


@pytest.mark.parametrize("family, name, expected", [
    ("adex", "tonic", "tonic"), ("adex", "adapting", "adapting"),
    ("adex", "initial_burst", "initial burst"), ("adex", "regular_bursting", "bursting"),
    ("adex", "delayed_accelerating", "accelerating"), ("adex", "transient", "one spike"),
    ("izhikevich", "IB", "initial burst"), ("izhikevich", "CH", "bursting"),
    ("izhikevich", "RS", "adapting")])
def test_firing_pattern_names_the_published_patterns(family, name, expected):
    sol = pattern(family, name).solve(rtol=1e-8, atol=1e-8)
    assert firing_pattern(sol.t_events[0]) == expected


@pytest.mark.parametrize("bad", [[1.0, float("nan")], [3.0, 2.0], [[1.0, 2.0]], "abc", [1.0, 1.0]])
def test_firing_pattern_refuses_what_is_not_a_spike_train(bad):
    with pytest.raises(LifutilsError, match="spike_times must be"):
        firing_pattern(bad)


def test_izhikevich_input_override():
    m = izhikevich("RS", I=4.0)
    assert m.current.levels == (0.0, 4.0) and drive(m) == 4.0 and m.y0 == izhikevich("RS").y0
    with pytest.raises(LifutilsError, match="I must be a finite number"):
        izhikevich("RS", I=float("inf"))


@pytest.mark.parametrize("label, key", L.PATTERN_OPTIONS.items())
def test_the_dashboard_solver_keeps_every_spike(label, key):
    """SOLVER (LSODA, 1e-4) against DOP853 at 1e-9: the same spikes, within a millisecond
    (the irregular pattern is chaotic: its spike count in its first 100 ms only)."""
    chaotic = key[1] == "irregular"
    m = pattern(*key, t_end=100.0 if chaotic else L.T_END[key[0]])
    fast = m.solve(**L.SOLVER).t_events[0]
    tight = m.solve(method="DOP853", rtol=1e-9, atol=1e-9).t_events[0]
    assert len(fast) == len(tight)
    assert chaotic or len(fast) == 0 or np.max(np.abs(fast - tight)) < 1.0


# --------------------------------------------------------------------------- the figure

@pytest.mark.parametrize("family, name", [("adex", "adapting"), ("izhikevich", "CH")])
def test_the_figure_shows_resets_as_jumps_and_labels_its_axes(family, name):
    m = pattern(family, name, t_end=L.T_END[family])
    sol = m.solve(**L.SOLVER)
    fig = plot_phase_plane(m, sol)
    phase, trace = fig.axes
    unit = "(pA)" if family == "adex" else "(mV/ms)"
    assert phase.get_xlabel().endswith("(mV)") and phase.get_ylabel().endswith(unit)
    assert trace.get_xlabel() == "time (ms)" and trace.get_ylabel().endswith("(mV)")
    lines = {line.get_label(): line for line in phase.lines}
    jumps, path = lines["reset jump"], lines["trajectory"]
    assert jumps.get_linestyle() != path.get_linestyle()
    x, y = (np.asarray(a, dtype=float).reshape(-1, 3) for a in jumps.get_data())
    n = len(sol.t_events[0])
    reset_v, jump = ("Vr", "b") if family == "adex" else ("c", "d")
    assert len(x) == n
    # From the peak (the event, located to the solver's tolerance) to the reset value.
    assert np.allclose(x[:, 0], m.v_peak, atol=1e-3) and np.all(x[:, 1] == m.params[reset_v])
    assert np.allclose(y[:, 1] - y[:, 0], m.params[jump], rtol=0, atol=1e-9)
    # The trajectory breaks at each jump: no solid segment from the peak to the reset.
    assert np.isnan(np.asarray(path.get_xdata(), dtype=float)).sum() == n
    text = describe(fig)
    assert f"{n} spikes" in text and f"{n} reset jumps" in text and "nullclines" in text


def test_figure_png_reads_at_projector_size():
    m = adex("adapting", t_end=300.0)
    fig = plot_phase_plane(m, m.solve(**L.SOLVER), dpi=128)
    image = imread(io.BytesIO(figure_to_png(fig)), format="png")
    assert image.shape[0] == pytest.approx(6.4 * 128, abs=2)


def test_bad_family_refused():
    m = adex("tonic")
    from dataclasses import replace
    with pytest.raises(LifutilsError, match="model.family must be one of"):
        plot_phase_plane(replace(m, family="hodgkin"), m.solve(**L.SOLVER))


# --------------------------------------------------------------------------- phase_plane()

def test_b_turns_tonic_into_adapting_with_fewer_spikes():
    dash = phase_plane()
    assert "tonic: 30 spikes in 300 ms" in _status(dash)
    before_png, before_text = dash.png, dash.description
    counts = []
    for b in (0.0, 30.0, 60.0, 120.0):
        dash.controls["b"].value = b
        counts.append(int(re.search(r"(\d+) spikes in", _status(dash)).group(1)))
    assert counts == sorted(counts, reverse=True) and counts[-1] < counts[0] - 8
    assert _status(dash).startswith("pattern=AdEx tonic spiking") and "adapting:" in _status(dash)
    assert dash.png != before_png and dash.description != before_text
    assert "b = 120 pA" in dash.description


def test_the_reset_line_moves_with_vr_and_b():
    dash = phase_plane("adapting")
    dash.controls["Vr"].value = -50.0
    dash.controls["b"].value = 100.0
    jumps = next(line for line in dash.figure.phase.lines if line.get_label() == "reset jump")
    x, y = (np.asarray(a, dtype=float).reshape(-1, 3) for a in jumps.get_data())
    assert np.all(x[:, 1] == -50.0) and np.allclose(y[:, 1] - y[:, 0], 100.0, atol=1e-9)


def test_a_bursting_setting_is_reached_from_the_sliders():
    """Notebook 08's claims: regular bursting with Vr = -46 mV (right of the V-nullcline's
    lowest point, at VT); from Vr = -50 mV only the first burst, from -54 mV adapting."""
    m = adex("regular_bursting")
    grid = np.linspace(-70.0, -30.0, 40001)
    assert grid[np.argmin(v_nullcline(m, grid))] == pytest.approx(m.params["VT"], abs=1e-3)
    dash = phase_plane("regular_bursting")
    assert dash.controls["Vr"].value == -46.0 and "bursting:" in _status(dash)
    for v_r, word in ((-50.0, "initial burst"), (-54.0, "adapting"), (-58.0, "adapting")):
        dash.controls["Vr"].value = v_r
        assert _status(dash).split("\N{EM DASH}")[1].strip().startswith(word + ":"), v_r


def test_choosing_a_pattern_sets_the_sliders_and_redraws_once():
    dash = phase_plane()
    n = dash.n_redraws
    dash.controls["pattern"].value = "Izhikevich CH"
    assert dash.n_redraws == n + 1
    assert list(dash.controls) == ["pattern", "I", "c", "d"]
    assert tuple(dash.children[1].children) == tuple(dash.controls.values())
    assert [w.value for w in list(dash.controls.values())[1:]] == [10.0, -50.0, 2.0]
    assert "bursting: 21 spikes in 200 ms" in _status(dash)
    assert dash.figure.phase.get_ylabel() == "u, recovery variable (mV/ms)"
    dash.controls["d"].value = 6.0
    assert "d=6.00" in _status(dash) and dash.n_redraws == n + 2
    dash.controls["pattern"].value = "AdEx tonic spiking"  # back: the AdEx sliders, published
    assert list(dash.controls) == ["pattern", "I", "Vr", "b"]
    assert [w.value for w in list(dash.controls.values())[1:]] == [500.0, -58.0, 0.0]
    assert dash.figure.phase.get_ylabel() == "w, adaptation current (pA)"


def test_hostile_slider_values_clamp_or_show_a_message():
    dash = phase_plane()
    dash.controls["b"].value = 1e300  # ipywidgets clamps to the slider's range
    assert dash.controls["b"].value == 200.0 and dash.error_message is None
    dash.controls["Vr"].value = float("nan")  # the model refuses; the dashboard says so
    assert dash.error_message == "Vr must be a finite number (mV), got nan"
    assert "Traceback" not in dash.error.value
    dash.controls["Vr"].value = -60.0
    assert dash.error_message is None and dash.output in dash.figure_area.children
    with pytest.raises(traitlets.TraitError):
        dash.controls["pattern"].value = "AdEx no such pattern"
    with pytest.raises(LifutilsError, match="name must be one of"):
        phase_plane("XY")
    with pytest.raises(LifutilsError, match="family must be one of"):
        phase_plane("tonic", family="hodgkin")


def test_going_back_is_served_from_the_cache():
    dash = phase_plane("adapting")
    first = dash.png
    dash.controls["I"].value = 420.0
    hits = L.run.cache_info().hits
    dash.controls["I"].value = 500.0
    assert L.run.cache_info().hits == hits + 1 and dash.png == first


def test_izhikevich_family_start():
    dash = phase_plane("RS", family="izhikevich", size="projector")
    assert list(dash.controls) == ["pattern", "I", "c", "d"]
    assert "adapting: 5 spikes in 200 ms" in _status(dash)


# --------------------------------------------------------------------------- kick_synchrony()

def test_kicks_lock_the_four_neurons_into_volleys():
    dash = kick_synchrony()
    assert "no lasting volleys" in _status(dash)
    dash.controls["kick"].value = 2.5
    text = _status(dash)
    locked = float(re.search(r"volleys from ([\d.]+) ms", text).group(1))
    every = float(re.search(r"one every ([\d.]+) ms", text).group(1))
    assert 28.0 < locked < 31.0 and 10.5 < every < 11.0  # notebook 05: about 29 and 10.8 ms
    assert "spikes per neuron 27, 27, 27, 27" in text and "TIE" not in text
    assert "from 29.4 ms on every spike is in a volley of all 4" in dash.description


def test_a_tie_is_flagged():
    dash = kick_synchrony()
    dash.controls["kick"].value = 2.0
    assert "TIE" in _status(dash) and "a tie" in dash.description


def test_volley_lock_needs_volleys_and_refuses_bad_input():
    net = exact_delta_network(L.LIFParams(), 300.0, i_e=L.KICK_DRIVES, v0=L.KICK_V_START,
                              weights=0.75 * (1 - np.eye(4)))
    t0, _ = volley_lock(net.spike_times)  # one volley near the end is no lock
    assert math.isnan(t0)
    with pytest.raises(LifutilsError, match="spike_times must hold"):
        volley_lock([])
    with pytest.raises(LifutilsError, match=r"spike_times\[1\] must be strictly increasing"):
        volley_lock([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(LifutilsError, match="min_volleys must be an integer >= 2"):
        volley_lock([[1.0]], min_volleys=1)


def test_volley_figure_has_labelled_axes():
    fig = plot_volleys([[1.0, 5.0], [2.0, 6.0]], [18.0, 20.0], kick=1.0, t_max=10.0)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "time (ms)" and ax.get_ylabel() == "neuron (drive)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["18 nA", "20 nA"]

"""The gallery of published models (lifutils.gallery) against an independent restart loop.

The reference is written here, from the papers' equations and plain scipy: solve_ivp
(DOP853, rtol = atol = 1e-12) with a terminal event at the peak, the reset applied by
hand, a restart at every switch of the input. Every pattern through
solve_ivp_with_resets at rtol = atol = 1e-10 must give the same number of spikes and
every spike within 1e-5 ms of it; then each pattern must show its signature (bursts,
adaptation, delay ...) in its spike times, and run at solve_ivp_with_resets' default
options.
"""
import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from lifutils import LifutilsError, gallery, solve_ivp_with_resets
from lifutils.gallery import PATTERNS, StepCurrent, adex, izhikevich, pattern

TIGHT = dict(rtol=1e-10, atol=1e-10)
SPIKE_TOL = 1e-5  # ms
# The irregular pattern is chaotic: two runs that differ by solver error drift apart
# exponentially (test_irregular_is_chaotic). Its spike times are compared up to
# IRREGULAR_WINDOW ms, where two references at 1e-12 and 1e-11 still agree within a
# tenth of SPIKE_TOL; later, solver error at 1e-10 grows to 1e-4 ms and more.
IRREGULAR_WINDOW = 100.0


# --------------------------------------------------------------------------- the reference

def reference_rhs(model):
    """The paper's right-hand side, written again from the parameters (not gallery's code)."""
    p, levels, times = model.params, model.current.levels, model.current.times

    def drive(t):
        k = 0
        while k < len(times) and t >= times[k]:
            k += 1
        return levels[k]

    if gallery.FAMILIES[model.family].equations == "izhikevich":
        def rhs(t, y):
            v, u = y
            return [0.04 * v ** 2 + 5 * v + 140 - u + drive(t), p["a"] * (p["b"] * v - u)]
    else:
        def rhs(t, y):
            v, w = y
            try:
                spike = p["gL"] * p["DeltaT"] * math.exp((v - p["VT"]) / p["DeltaT"])
            except OverflowError:  # a trial step far past the peak; the solver rejects it
                spike = math.inf
            return [(p["gL"] * (p["EL"] - v) + spike - w + drive(t)) / p["C"],
                    (p["a"] * (v - p["EL"]) - w) / p["tau_w"]]
    return rhs


def reference_reset(model, y):
    p = model.params
    if gallery.FAMILIES[model.family].equations == "izhikevich":
        return [p["c"], y[1] + p["d"]]
    return [p["Vr"], y[1] + p["b"]]


def reference_spikes(model, t_end=None, rtol=1e-12, atol=1e-12):
    """Spike times (ms): solve_ivp with a terminal event, restarted by hand after each reset."""
    rhs = reference_rhs(model)
    v_peak = model.params["v_peak"]

    def peak(t, y):
        return y[0] - v_peak
    peak.terminal, peak.direction = True, 1

    t, y = model.t_span[0], list(model.y0)
    t_end = model.t_span[1] if t_end is None else t_end
    spikes = []
    for stop in [b for b in model.current.times if t < b < t_end] + [t_end]:
        while t < stop:
            with np.errstate(over="ignore", invalid="ignore"):  # scipy, on rejected trial steps
                sol = solve_ivp(rhs, (t, stop), y, method="DOP853", events=peak, rtol=rtol,
                                atol=atol)
            assert sol.status >= 0, sol.message
            if sol.status == 1:
                t = float(sol.t_events[0][0])
                spikes.append(t)
                y = reference_reset(model, sol.y_events[0][0])
            else:
                t, y = stop, list(sol.y[:, -1])
    return np.array(spikes)


@pytest.fixture(scope="module")
def runs():
    """(reference spike times, solve_ivp_with_resets' spike times at 1e-10) of every pattern."""
    return {key: (reference_spikes(m), gallery.spike_times(m.solve(**TIGHT)))
            for key, m in PATTERNS.items()}


def compared(key, ref, got):
    """The spike times to compare: all of them, or the reliable window of a chaotic pattern."""
    if key == ("adex", "irregular"):
        return ref[ref < IRREGULAR_WINDOW], got[got < IRREGULAR_WINDOW]
    return ref, got


# --------------------------------------------------------------------------- against it

@pytest.mark.parametrize("key", list(PATTERNS), ids="-".join)
def test_every_spike_on_the_reference(runs, key):
    ref, got = compared(key, *runs[key])
    assert len(ref) >= 1, "every pattern fires"
    assert len(got) == len(ref), f"{len(got)} spikes against the reference's {len(ref)}"
    assert np.max(np.abs(got - ref)) < SPIKE_TOL


def variants():
    """Eight models the papers do not list: patterns with parameters moved (seeded, 200 ms).

    The chaotic irregular pattern is left out: moved, it may stay chaotic.
    """
    rng = np.random.default_rng(2026)
    out = []
    for k in range(8):
        family = ("izhikevich", "adex")[k % 2]
        names = [n for f, n in PATTERNS if f == family and n != "irregular"]
        name = names[rng.integers(len(names))]
        p = PATTERNS[family, name].params
        if family == "izhikevich":
            moved = dict(a=p["a"] * rng.uniform(0.7, 1.3), d=p["d"] * rng.uniform(0.5, 1.5),
                         c=p["c"] + rng.uniform(-3.0, 3.0))
        else:
            moved = dict(b=p["b"] * rng.uniform(0.5, 1.5) + rng.uniform(0.0, 20.0),
                         tau_w=p["tau_w"] * rng.uniform(0.7, 1.3),
                         I=p["I"] * rng.uniform(0.9, 1.3), Vr=p["Vr"] + rng.uniform(-2.0, 2.0))
        out.append(pattern(family, name, t_end=200.0, **moved))
    return out


@pytest.mark.parametrize("model", variants(), ids=lambda m: f"{m.family}-{m.name}")
def test_variants_not_in_the_papers_agree_with_the_reference(model):
    ref, got = reference_spikes(model), gallery.spike_times(model.solve(**TIGHT))
    assert len(ref) >= 1 and len(got) == len(ref)
    assert np.max(np.abs(got - ref)) < SPIKE_TOL


def test_the_gallery_rhs_is_the_papers_equation():
    rng = np.random.default_rng(1)
    for m in PATTERNS.values():
        ours, theirs = m.rhs, reference_rhs(m)
        for _ in range(5):
            t, y = rng.uniform(*m.t_span), np.array([rng.uniform(-90, -40), rng.uniform(-20, 200)])
            assert np.allclose(ours(t, y), theirs(t, y), rtol=1e-13, atol=1e-13)


def test_irregular_is_chaotic_and_its_window_is_reliable():
    m = PATTERNS["adex", "irregular"]
    tight = reference_spikes(m)
    looser = reference_spikes(m, rtol=1e-11, atol=1e-11)
    n = min(len(tight), len(looser))
    gap = np.abs(tight[:n] - looser[:n])
    early = tight[:n] < IRREGULAR_WINDOW
    # In the window the references agree far inside SPIKE_TOL (about 3e-8 ms here) ...
    assert gap[early].max() < 0.1 * SPIKE_TOL
    # ... and after it the same solver error has grown by orders of magnitude (from
    # about 5e-10 ms at the first spikes to about 1e-5 ms): chaos.
    assert gap[~early].max() > 1e3 * gap[:3].max()


# --------------------------------------------------------------------------- signatures

def isi(runs, family, name):
    return np.diff(runs[family, name][1])


def test_rs_adapts(runs):
    intervals = isi(runs, "izhikevich", "RS")
    assert np.all(np.diff(intervals) > -0.5) and intervals[-1] > 2 * intervals[0]


def test_ib_bursts_first_then_spikes_singly(runs):
    intervals = isi(runs, "izhikevich", "IB")
    assert np.all(intervals[:2] < 5.0) and np.all(intervals[2:] > 25.0)


def test_ch_chatters_in_repeated_bursts(runs):
    intervals = isi(runs, "izhikevich", "CH")
    short, long = intervals < 8.0, intervals > 30.0
    assert np.all(short | long) and long.sum() >= 2 and short.sum() >= 3 * long.sum()


def test_fs_fires_fast_without_much_adaptation(runs):
    intervals = isi(runs, "izhikevich", "FS")
    assert intervals[-1] < 8.0 and intervals[-1] < 2 * intervals[0]


def test_lts_starts_fast_then_adapts(runs):
    intervals = isi(runs, "izhikevich", "LTS")
    assert intervals[0] < 4.0 and intervals[-1] > 3 * intervals[0]


def test_tc_fires_tonically_when_depolarised(runs):
    intervals = isi(runs, "izhikevich", "TC")
    assert intervals.max() < 2 * intervals.min() and len(intervals) > 40


def test_tc_fires_a_rebound_burst_after_hyperpolarisation(runs):
    spikes = runs["izhikevich", "TC_rebound"][1]
    release = PATTERNS["izhikevich", "TC_rebound"].breakpoints[0]
    assert spikes.min() > release and spikes[0] < release + 10.0  # nothing while held down
    assert np.all(np.diff(spikes[:3]) < 10.0) and spikes.max() < release + 70.0  # a burst, once


def test_rz_fires_near_its_subthreshold_oscillation_period(runs):
    m = PATTERNS["izhikevich", "RZ"]
    a, b = m.params["a"], m.params["b"]
    v_rest = m.y0[0]
    jacobian = np.array([[0.08 * v_rest + 5.0, -1.0], [a * b, -a]])
    period = 2 * np.pi / np.abs(np.linalg.eigvals(jacobian).imag).max()  # about 41 ms
    intervals = isi(runs, "izhikevich", "RZ")
    assert np.all(np.abs(intervals / period - 1.0) < 0.15)


def test_adex_tonic_fires_regularly(runs):
    intervals = isi(runs, "adex", "tonic")
    assert np.ptp(intervals) < 0.1 * intervals.mean()


def test_adex_adapting_intervals_increase(runs):
    intervals = isi(runs, "adex", "adapting")
    assert np.all(np.diff(intervals) > 0) and intervals[-1] > 5 * intervals[0]


def test_adex_initial_burst_then_regular(runs):
    intervals = isi(runs, "adex", "initial_burst")
    assert np.all(intervals[:2] < 10.0) and np.all(intervals[2:] > 50.0)


@pytest.mark.parametrize("name", ["regular_bursting", "delayed_regular_bursting"])
def test_adex_bursts_have_bimodal_intervals(runs, name):
    intervals = isi(runs, "adex", name)
    short, long = intervals < 10.0, intervals > 50.0
    assert np.all(short | long) and long.sum() >= 2 and short.sum() >= long.sum()


@pytest.mark.parametrize("name", ["delayed_accelerating", "delayed_regular_bursting"])
def test_adex_delayed_patterns_start_late(runs, name):
    t_on = PATTERNS["adex", name].breakpoints[0]
    tonic_latency = runs["adex", "tonic"][1][0] - t_on
    assert runs["adex", name][1][0] - t_on > 2 * tonic_latency


def test_adex_delayed_accelerating_intervals_shrink(runs):
    assert np.all(np.diff(isi(runs, "adex", "delayed_accelerating")) < 0)


def test_adex_transient_falls_silent(runs):
    spikes = runs["adex", "transient"][1]
    assert len(spikes) >= 1 and spikes.max() < 0.2 * PATTERNS["adex", "transient"].t_span[1]


def test_adex_irregular_intervals_vary(runs):
    intervals = isi(runs, "adex", "irregular")[3:]  # after the initial burst
    assert intervals.std() > 0.3 * intervals.mean()


# --------------------------------------------------------------------------- default options

@pytest.mark.parametrize("key", list(PATTERNS), ids="-".join)
def test_every_pattern_runs_at_scipys_default_options(key):
    m = PATTERNS[key]
    sol = m.solve(rtol=1e-3, atol=1e-6)
    assert sol.status == 0 and sol.t[-1] == m.t_span[1] and len(sol.t_events[0]) >= 1
    assert (sol.rtol, sol.atol) == (1e-3, 1e-6)


@pytest.mark.parametrize("key", list(PATTERNS), ids="-".join)
def test_solve_without_tolerances_gives_the_published_pattern(runs, key):
    """Model.solve() uses the gallery's own tolerances (1e-8), says so, and every pattern
    has the reference's spike count (irregular too: 27, though its later spikes drift by
    about 0.01 ms), every spike within 1e-4 ms (irregular: in its window)."""
    m = PATTERNS[key]
    sol = m.solve()
    assert (sol.rtol, sol.atol) == (gallery.RTOL, gallery.ATOL) == (1e-8, 1e-8)
    assert len(gallery.spike_times(sol)) == len(runs[key][0])  # the whole run's count
    ref, got = compared(key, runs[key][0], gallery.spike_times(sol))
    assert len(got) == len(ref) and np.max(np.abs(got - ref)) < 1e-4


def test_solve_with_spike_tol_meets_it(runs):
    m = PATTERNS["izhikevich", "CH"]
    sol = m.solve(spike_tol=0.01)
    ref = runs["izhikevich", "CH"][0]
    assert len(sol.t_events[0]) == len(ref)
    assert np.max(np.abs(sol.t_events[0] - ref)) < 0.01
    assert sol.spike_tol == 0.01 and sol.event_time_error <= 0.01


def test_solve_is_solve_ivp_with_resets_with_the_models_pieces():
    m = adex("adapting")
    by_hand = solve_ivp_with_resets(m.rhs, m.t_span, np.array(m.y0), events=m.threshold,
                                    reset=m.reset, breakpoints=m.breakpoints, **TIGHT)
    assert np.array_equal(gallery.spike_times(m.solve(**TIGHT)), by_hand.t_events[0])
    assert m.threshold.direction == 1


def test_a_shorter_span_gives_the_first_spikes():
    m = izhikevich("CH")
    full = gallery.spike_times(m.solve(**TIGHT))
    short = gallery.spike_times(m.solve(t_span=(0.0, 50.0), **TIGHT))
    assert np.array_equal(short, full[full < 50.0])


# --------------------------------------------------------------------------- the data

def test_published_parameters():
    """The tables as printed in the papers (a typo here would change a pattern)."""
    assert {k: tuple(v[1:5]) for k, v in gallery.FAMILIES["izhikevich"].table.items()} == {
        "RS": (0.02, 0.2, -65.0, 8.0), "IB": (0.02, 0.2, -55.0, 4.0),
        "CH": (0.02, 0.2, -50.0, 2.0), "FS": (0.1, 0.2, -65.0, 2.0),
        "LTS": (0.02, 0.25, -65.0, 2.0), "TC": (0.02, 0.25, -65.0, 0.05),
        "TC_rebound": (0.02, 0.25, -65.0, 0.05), "RZ": (0.1, 0.26, -65.0, 2.0)}
    order = ("C", "gL", "EL", "VT", "DeltaT", "a", "tau_w", "b", "Vr", "I")
    assert {k: tuple(p[x] for x in order) for k, (_, p) in gallery.FAMILIES["adex"].table.items()} == {
        "tonic": (200, 10, -70, -50, 2, 2, 30, 0, -58, 500),
        "adapting": (200, 12, -70, -50, 2, 2, 300, 60, -58, 500),
        "initial_burst": (130, 18, -58, -50, 2, 4, 150, 120, -50, 400),
        "regular_bursting": (200, 10, -58, -50, 2, 2, 120, 100, -46, 210),
        "delayed_accelerating": (200, 12, -70, -50, 2, -10, 300, 0, -58, 300),
        "delayed_regular_bursting": (100, 10, -65, -50, 2, -10, 90, 30, -47, 110),
        "transient": (100, 10, -65, -50, 2, 10, 90, 100, -47, 180),
        "irregular": (100, 12, -60, -50, 2, -11, 130, 30, -48, 160)}


def test_every_model_names_its_source_and_units():
    for (family, name), m in PATTERNS.items():
        assert (m.family, m.name) == (family, name)
        assert m.source == gallery.FAMILIES[family].source and m.source.strip()
        assert m.units == gallery.FAMILIES[family].units
        assert set(m.params) <= set(m.units) and m.units["v_peak"] == "mV"
        assert m.t_span[0] == 0.0 and len(m.y0) == 2


def test_izhikevich_starts_at_rest():
    for name in gallery.FAMILIES["izhikevich"].table:
        m = izhikevich(name)
        assert np.allclose(m.rhs(0.0, np.array(m.y0)), 0.0, atol=1e-12)


def test_models_are_frozen():
    m = adex("tonic")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.y0 = (0.0, 0.0)
    with pytest.raises(TypeError):
        m.params["b"] = 1.0


def test_overrides_change_the_model_and_only_it():
    m = adex("tonic", b=60.0, v_peak=-20.0)
    assert m.params["b"] == 60.0 and m.params["v_peak"] == -20.0 and m.threshold(0, [-20.0]) == 0
    assert PATTERNS["adex", "tonic"].params["b"] == 0.0
    assert np.allclose(m.reset(0.0, np.array([-20.0, 5.0]), 0), [-58.0, 65.0])


def test_names_are_forgiving_about_case_and_spaces():
    assert adex("Initial Burst").name == "initial_burst" and izhikevich("lts").name == "LTS"
    assert pattern("AdEx", "delayed-accelerating").name == "delayed_accelerating"


# --------------------------------------------------------------------------- hostile input

@pytest.mark.parametrize("call, words", [
    (lambda: izhikevich("XY"), ["name must be one of", "'RS'", "'RZ'", "'XY'"]),
    (lambda: adex("tonik"), ["name must be one of", "'tonic'", "'irregular'"]),
    (lambda: adex(None), ["name must be a string", "'adapting'"]),
    (lambda: pattern("hh", "RS"), ["family must be one of", "'izhikevich', 'adex'"]),
    (lambda: pattern(3, "RS"), ["family must be one of"]),
    (lambda: adex("tonic", tau=3.0), ["parameter 'tau'", "tau_w"]),
    (lambda: adex("tonic", C=0.0), ["C must be", "> 0 pF", "0.0"]),
    (lambda: adex("tonic", gL=-1.0), ["gL must be", "nS"]),
    (lambda: adex("tonic", DeltaT=float("nan")), ["DeltaT must be", "nan"]),
    (lambda: adex("tonic", tau_w=float("inf")), ["tau_w must be"]),
    (lambda: adex("tonic", b="60"), ["b must be a finite number (pA)"]),
    (lambda: adex("tonic", Vr=0.0), ["Vr must be < v_peak", "fires again"]),
    (lambda: adex("tonic", v_peak=-80.0), ["must be < v_peak"]),
    (lambda: adex("tonic", EL=5.0), ["v_peak must be above EL"]),
    (lambda: adex("tonic", t_end=-1.0), ["t_end must be", "> 0 ms"]),
    (lambda: adex("tonic", t_on=600.0), ["t_on must be"]),
    (lambda: izhikevich("RS", c=30.0), ["c must be < v_peak", "fires again"]),
    (lambda: izhikevich("RS", b=9.0), ["b must leave the model a resting state"]),
    (lambda: izhikevich("RZ", v_peak=-63.0), ["v_peak must be above the resting potential"]),
    (lambda: izhikevich("RS", d=True), ["d must be a finite number"]),
    (lambda: StepCurrent((0.0,), (10.0,)), ["levels must have one entry more"]),
    (lambda: StepCurrent((0.0, 1.0, 2.0), (10.0, 5.0)), ["times must be strictly increasing"]),
])
def test_bad_input_is_a_named_error(call, words):
    with pytest.raises(LifutilsError) as info:
        call()
    for word in words:
        assert word in str(info.value), (word, str(info.value))


@given(name=st.sampled_from(list(gallery.FAMILIES["adex"].table)),
       key=st.sampled_from(["C", "gL", "EL", "VT", "DeltaT", "a", "tau_w", "b", "Vr", "I",
                            "v_peak"]),
       value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(),
                       st.none(), st.text(max_size=3), st.booleans()))
def test_any_override_builds_a_model_or_says_why(name, key, value):
    try:
        m = adex(name, **{key: value})
    except LifutilsError as e:
        assert key in str(e) or "v_peak" in str(e) or "EL" in str(e)
        return
    assert math.isfinite(m.params[key]) and m.params["Vr"] < m.params["v_peak"]


def test_the_gallery_needs_no_screen():
    """Numerics only: importing lifutils.gallery loads neither matplotlib nor ipywidgets."""
    import subprocess
    import sys
    code = ("import sys, lifutils.gallery; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("make, options, error", [
    (lambda: adex("tonic", I=1e9), dict(max_resets=50), "RunawayError"),
    (lambda: izhikevich("RS", d=-1e6), dict(max_resets=50), "RunawayError"),
    (lambda: izhikevich("RS", a=1e6), dict(max_nfev=20_000), "BudgetError"),
    (lambda: adex("tonic", C=1e-9), dict(max_nfev=20_000), "BudgetError"),
])
def test_hostile_parameters_end_fast_with_a_named_error(make, options, error):
    import time
    start = time.perf_counter()
    with pytest.raises(LifutilsError) as info:
        make().solve(**options)
    assert type(info.value).__name__ == error and time.perf_counter() - start < 10.0


@pytest.mark.parametrize("overrides", [dict(v_peak=1e3), dict(DeltaT=1e-3)])
def test_a_peak_no_method_reaches_warns_where_it_stopped(overrides):
    from lifutils import SolverFailedWarning
    with pytest.warns(SolverFailedWarning, match="stopped at t = "):
        sol = adex("tonic", **overrides).solve()
    assert sol.status == -1 and len(sol.t_events[0]) == 0 and 10.0 < sol.t[-1] < 500.0


def test_models_are_values():
    assert adex("tonic") == adex("tonic") != adex("tonic", b=1.0)
    assert len({adex("tonic"), adex("tonic"), izhikevich("RS")}) == 2


def test_the_documented_tolerances(runs):
    """The module docstring: defaults 0.01 to 3 ms off (CH and LTS lose their last spike),
    rtol = atol = 1e-8 within 1e-4 ms (irregular: in its window)."""
    worst_default, worst_tight, short = 0.0, 0.0, []
    for key, m in PATTERNS.items():
        ref = runs[key][0]
        default = gallery.spike_times(m.solve(rtol=1e-3, atol=1e-6))
        closer = gallery.spike_times(m.solve(rtol=1e-8, atol=1e-8))
        ref_w, default = compared(key, ref, default)
        ref_w, closer = compared(key, ref, closer)
        if len(default) < len(ref_w):
            short.append(key[1])
        n = min(len(default), len(ref_w))
        gap = np.max(np.abs(default[:n] - ref_w[:n]))
        assert gap > 0.005, key  # "0.01 to 3 ms": every pattern visibly off
        worst_default = max(worst_default, gap)
        assert len(closer) == len(ref_w)
        worst_tight = max(worst_tight, np.max(np.abs(closer - ref_w)))
    assert 1.0 < worst_default < 5.0 and worst_tight < 1e-4
    assert short == ["CH", "LTS"]

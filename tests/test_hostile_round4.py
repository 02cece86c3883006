"""Hostile calls of a fourth round (issue 24): new attacks of the kinds the issue lists.

params that are no LIFParams at the single-neuron entry points; integers past float's
range, bools and other odd values where a number or a time is
asked for; callables and solver options that scipy would meet with a bare TypeError or
ValueError (a jac that cannot take args, OdeSolver itself, LSODA's and BDF's options);
gallery models and lists of them that lose an entry or reach a raw IndexError; registry
entries that fail only when they first run; compare_methods' keys and settings. Each call
ends in a LifutilsError that names the argument and the rule. A call that could run a
solver runs in a forked child under a time and memory limit (tests/test_adversarial.py's
``refuses``); the property test runs under an interval timer.
"""
import dataclasses
import signal
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from scipy.integrate import OdeSolver

from lifutils import (BudgetError, LIFParams, LIFResult, LifutilsError, exact_spike_times,
                      exact_voltage, first_spike_time, firing_rate, inputs, rheobase,
                      simulate_dvdt_hack, simulate_euler, simulate_events, simulate_exact,
                      solve_ivp_with_resets)
from lifutils.compare import compare_methods, run_method, simulated_rates
from lifutils.gallery import StepCurrent, adex, izhikevich, solve_all
from lifutils.methods import REGISTRY, Method, register, spare_styles, unregister
from lifutils.populations.approaches import APPROACHES, Approach, add_approach
from test_adversarial import refuses, returns
from test_hostile_numerics import lif, reset, threshold  # the LIF neuron of the attacks

HUGE = 10**400  # an int that no float holds: float(HUGE) raises OverflowError


def solve(fun=lif, t_span=(0.0, 50.0), **options):
    options.setdefault("events", threshold)
    options.setdefault("reset", reset)
    if "spike_tol" not in options:
        options.setdefault("rtol", 1e-8)
        options.setdefault("atol", 1e-8)
    return solve_ivp_with_resets(fun, t_span, [-70.0], **options)


# ---- integers past float's range, bools: named, not OverflowError ----

@pytest.mark.parametrize("call, words", [
    (lambda: solve(t_span=(0, HUGE)), r"t_span must be a pair \(t0, tf\) of numbers"),
    (lambda: solve(t_span=(False, True)), r"t_span must be a pair \(t0, tf\) of numbers, got "
                                          r"\(False, True\)"),
    (lambda: solve(t_eval=[1.0, HUGE]), r"t_eval must be a one-dimensional sequence of times"),
    (lambda: solve(breakpoints=[HUGE]), r"breakpoints must be a one-dimensional sequence of "
                                        r"finite times"),
    (lambda: solve(atol=[HUGE]), r"atol must be a finite number > 0, or 1 finite numbers"),
    (lambda: solve(dense_output=True).sol(HUGE), r"t must be a finite time"),
    (lambda: solve(dense_output=True).sol([1.0, HUGE]), r"t must be a finite time"),
    (lambda: inputs.Input(lambda t: 0.0 * t, breakpoints=[HUGE]),
     r"breakpoints must be a one-dimensional sequence of finite times \(ms\)"),
    (lambda: inputs.pulse_train(0.0, 1.0, 5.0, 10.0, HUGE),
     r"n_pulses = an integer of more than 300 digits implies inf breakpoints"),
])
def test_integers_past_floats_range_are_named(call, words):
    refuses(call, BudgetError if "implies" in words else LifutilsError, words)


# ---- solver arguments scipy would meet with a bare error ----

def test_a_jacobian_that_cannot_take_args_is_named():
    refuses(lambda: solve(lambda t, y, a: lif(t, y), args=(5.0,), method="Radau",
                          events=lambda t, y, a: threshold(t, y),
                          reset=lambda t, y, i, a: reset(t, y, i),
                          jac=lambda t, y: np.array([[-0.1]])),
            LifutilsError, r"jac must take the arguments jac\(t, y, \*args\); with args = "
                           r"\(5\.0,\) it cannot")


@pytest.mark.parametrize("method", [OdeSolver, type("NoStep", (OdeSolver,), {})])
def test_an_ode_solver_without_a_step_is_refused(method):
    refuses(lambda: solve(method=method), LifutilsError,
            r"method must be one of RK45, .* or an OdeSolver class, got <class")


@pytest.mark.parametrize("option, value, words", [
    ("min_step", -1.0, r"min_step must be a finite number >= 0, got -1\.0"),
    ("min_step", None, r"min_step must be a finite number >= 0, got None"),
    ("lband", "x", r"lband must be an integer from 0 to 0, got 'x'"),
    ("uband", -2, r"uband must be an integer from 0 to 0, got -2"),
    ("lband", HUGE, r"lband must be an integer from 0 to 0, got an integer of more than 300"),
    ("jac_sparsity", "x", r"jac_sparsity must be an \(1, 1\) array or sparse matrix"),
    ("jac_sparsity", np.ones((2, 2)), r"jac_sparsity must be an \(1, 1\) array"),
])
def test_lsoda_and_bdf_options_are_checked(option, value, words):
    method = "LSODA" if option in ("min_step", "lband", "uband") else "BDF"
    refuses(lambda: solve(method=method, **{option: value}), LifutilsError, words)


def test_checked_solver_options_still_run():
    sol = solve(method="LSODA", min_step=0.0, lband=0, uband=0)
    assert abs(sol.t_events[0][0] - 10 * np.log(4)) < 1e-5
    sol = solve(method="BDF", jac_sparsity=np.ones((1, 1)))
    assert abs(sol.t_events[0][0] - 10 * np.log(4)) < 1e-5


# ---- the gallery ----

def test_solve_all_refuses_two_models_under_one_key():
    # keyed (family, name), the second would silently replace the first
    models = [adex("tonic", t_end=20.0), adex("tonic", t_end=20.0, I=0.0)]
    refuses(lambda: solve_all(models), LifutilsError,
            r"models lists two models keyed \('adex', 'tonic'\) .* pass a mapping")
    out = solve_all({"500 pA": models[0], "0 pA": models[1]})
    assert list(out) == ["500 pA", "0 pA"]


@pytest.mark.parametrize("levels, times, words", [
    (5, (), r"levels must be a sequence of numbers, got 5"),
    (None, None, r"levels must be a sequence of numbers, got None"),
    ((0.0, 1.0), 10.0, r"times must be a sequence of numbers, got 10\.0"),
    ("ab", (), r"levels must be a sequence of numbers, got 'ab'"),
    (np.array(5.0), (), r"levels must be a sequence of numbers, got array\(5\.\)"),
])
def test_a_step_current_of_no_sequence_is_named(levels, times, words):
    with pytest.raises(LifutilsError, match=words):
        StepCurrent(levels, times)


@pytest.mark.parametrize("make", [
    lambda: dataclasses.replace(adex("tonic", t_end=20.0), y0=(-70.0,)).solve(),
    lambda: izhikevich("RS", t_end=20.0).solve(y0=[-70.0]),
    lambda: adex("tonic", t_end=20.0).solve(y0=np.zeros(3)),
])
def test_a_gallery_state_of_another_size_is_named(make):
    # the gallery's rhs reads y[0] and y[1]: one number was a bare IndexError
    refuses(make, LifutilsError, r"y0 must be the two numbers of the state \(v, u\) or \(V, w\)")


@pytest.mark.parametrize("field, value", [("family", ["adex"]), ("name", {}), ("name", None),
                                          ("description", None), ("source", 3)])
def test_a_model_whose_names_are_no_text_is_named(field, value):
    # family ["adex"] was a bare "unhashable type" in its label and in solve_all
    with pytest.raises(LifutilsError, match=rf"{field} must be text, got "):
        dataclasses.replace(adex("tonic", t_end=20.0), **{field: value})


# ---- the registry: what failed only when a method first ran ----

def dummy(p, t_max, **settings):  # never run: each entry below is refused
    raise AssertionError("a refused method ran")


@pytest.mark.parametrize("changes, words", [
    (dict(settings=None), r"Method\.settings must be a tuple of names from \['dt'"),
    (dict(settings=([1],)), r"Method\.settings must be a tuple of names"),
    (dict(options=None), r"Method\.options must be a dict of keyword arguments"),
    (dict(options=[1]), r"Method\.options must be a dict"),
    (dict(runner="lifutils.euler:simulate_euler", settings=("dt",), options={"dt": 0.1}),
     r"Method\.options and Method\.settings must not share a name: \['dt'\]"),
    (dict(color=np.array([1.0, 0.0, 0.0])), r"Method\.color must be a colour"),
    (dict(text_color=np.array([0.0, 0.0, 0.0])), r"Method\.text_color must be a colour"),
    # reference sorts the catalogue: None was a bare "'<' not supported" TypeError
    (dict(reference=None), r"Method\.reference must be True or False, got None"),
    (dict(refractory="yes"), r"Method\.refractory must be True or False, got 'yes'"),
    (dict(rank=HUGE), r"Method\.rank must be a finite number"),
    (dict(linewidth=HUGE), r"Method\.linewidth must be a finite number"),
    # matplotlib refused these only in the first figure that drew the method
    (dict(linestyle="zzz"), r"Method\.linestyle and Method\.marker must be a line style and "
                            r"marker keywords matplotlib draws"),
    (dict(linestyle=("dt",)), r"Method\.linestyle and Method\.marker must be"),
    (dict(marker={"marker": "nonsense"}), r"Method\.linestyle and Method\.marker must be"),
    (dict(marker={"a": 1}), r"Method\.linestyle and Method\.marker must be"),
    (dict(marker={1: 2}), r"Method\.linestyle and Method\.marker must be"),
])
def test_a_method_that_would_fail_when_run_is_refused_at_register(changes, words):
    method = Method("round4", "round 4", "round 4", changes.pop("runner", dummy), **changes)
    with pytest.raises(LifutilsError, match=words):
        register(method)
    assert "round4" not in REGISTRY


def test_a_runner_naming_a_missing_module_is_named_when_run():
    m = Method("missing", "missing", "missing", "lifutils_no_such_module:run")
    words = (r"'lifutils_no_such_module:run' names module 'lifutils_no_such_module', which "
             r"cannot be imported")
    with pytest.raises(LifutilsError, match=words) as err:
        m.function
    assert isinstance(err.value.__cause__, ModuleNotFoundError)


@pytest.mark.parametrize("spike_times", [None, "abc", 5.0, [[1.0, 2.0]], [1j], [np.nan],
                                         [30.0, 10.0]])
def test_a_runner_returning_spike_times_that_are_no_times_is_named(spike_times):
    # were a bare TypeError or ValueError in compare_methods, or (NaN, out of order) a
    # silently wrong first spike and error
    def runner(p, t_max):
        return LIFResult(t=np.zeros(1), v=np.zeros(1), spike_times=spike_times, nfev=0,
                         key="liar", params=p)
    register(Method("liar", "liar", "liar", runner))
    try:
        refuses(lambda: compare_methods(LIFParams(i_e=20.0), 20.0, keys=["liar"]), LifutilsError,
                r"the runner of method 'liar' must return spike_times as a one-dimensional "
                r"array of finite times \(ms\) in increasing order")
    finally:
        unregister("liar")


# ---- compare_methods, run_method, simulated_rates ----

@pytest.mark.parametrize("call, words", [
    (lambda: run_method(["exact"], LIFParams(i_e=20.0), 20.0), r"key must be one of \["),
    (lambda: compare_methods(LIFParams(i_e=20.0), 20.0, keys=5),
     r"keys must be a list of keys of REGISTRY"),
    (lambda: compare_methods(LIFParams(i_e=20.0), 20.0, keys="exact"),
     r"keys must be a list of keys of REGISTRY, such as \('euler', 'exact'\), got 'exact'"),
    (lambda: compare_methods(LIFParams(i_e=20.0), 20.0, keys=[["exact"]]),
     r"key must be one of \[.*got \['exact'\]"),
    (lambda: compare_methods(LIFParams(i_e=20.0), 20.0, step=0.1),
     r"compare_methods takes the settings \['dt', 'method', 'rtol', 'atol', 'max_step'\], "
     r"not \['step'\]"),
    (lambda: simulated_rates("events", LIFParams(), "abc"),
     r"currents must be a one-dimensional sequence of currents \(nA\), got 'abc'"),
    (lambda: simulated_rates(["events"], LIFParams(), [20.0]), r"key must be one of \["),
])
def test_comparisons_name_bad_keys_and_settings(call, words):
    refuses(call, LifutilsError, words)


# ---- inputs whose function turns bad after it was checked ----

def test_an_input_returning_text_later_is_named():
    calls = [0]

    def func(t):
        calls[0] += 1
        return np.full(np.shape(t), 2.0 if calls[0] <= 2 else "a")
    refuses(lambda: simulate_events(LIFParams(i_e=inputs.Input(func)), 50.0), LifutilsError,
            r"func of the input 'input' must return one current \(nA, a real number\) per time")


# ---- property test: odd values for every number solve_ivp_with_resets takes ----

class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


ODD = st.sampled_from([HUGE, -HUGE, True, np.True_, np.float32(1e-3), np.int64(3), np.array(2.0),
                       np.array([1.0, 2.0]), 0, -1, 1e-320, 1e308, float("nan"), float("inf"),
                       "1", ["a"], [], None, 1j, object()])
ARGUMENTS = ("t0", "tf", "y0", "t_eval", "breakpoints", "max_step", "first_step", "rtol", "atol",
             "max_nfev", "max_seconds", "max_resets", "spike_tol", "min_step", "lband")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(argument=st.sampled_from(ARGUMENTS), value=ODD,
       method=st.sampled_from(["RK45", "LSODA"]))
def test_odd_values_give_a_named_error_or_a_result(argument, value, method):
    options = dict(events=threshold, reset=reset, method=method, max_seconds=1.0)
    t_span, y0 = [0.0, 30.0], [-70.0]
    if argument in ("t0", "tf"):
        t_span[argument == "tf"] = value
    elif argument == "y0":
        y0 = value
    else:
        options[argument] = value
    if argument != "spike_tol":  # (spike_tol with rtol is an error of its own)
        options.setdefault("rtol", 1e-6)
        options.setdefault("atol", 1e-6)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, 20.0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sol = solve_ivp_with_resets(lif, tuple(t_span), y0, **options)
        assert sol.status in (0, -1)
    except Timeout:
        pytest.fail("no LifutilsError within 20 s")
    except LifutilsError:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ---- the single-neuron entry points: params that are no LIFParams ----

@pytest.mark.parametrize("call", [
    lambda p: simulate_events(p, 20.0), lambda p: simulate_euler(p, 20.0),
    lambda p: simulate_exact(p, 20.0), lambda p: simulate_dvdt_hack(p, 20.0),
    lambda p: exact_spike_times(p, 20.0), lambda p: exact_voltage(p, [1.0]),
    lambda p: first_spike_time(p), lambda p: firing_rate(p, i_e=[20.0]), lambda p: rheobase(p),
    lambda p: compare_methods(p, 20.0), lambda p: simulated_rates("events", p, [20.0]),
])
@pytest.mark.parametrize("params", [{"i_e": 20.0}, 20.0, None])
def test_params_that_are_no_lifparams_are_named(call, params):
    # were a bare AttributeError ('dict' object has no attribute 'constant_current')
    refuses(lambda: call(params), LifutilsError,
            r"params must be a LIFParams \(lifutils\.LIFParams")


# ---- population approaches: a style index or key that was a raw error or a huge list ----

def test_an_approach_of_a_huge_style_index_is_drawn_without_a_huge_list():
    # look() built spare_styles(style + 1), a list of style + 1 triples (10**9: gigabytes)
    add_approach(Approach("round4", "round 4", "lifutils.populations:exact_population",
                          style=10**9))
    try:
        look, _ = returns(lambda: APPROACHES["round4"].look())
        assert look == spare_styles(1, first=10**9)[0]
        assert spare_styles(1, first=3)[0] == spare_styles(4)[3]
    finally:
        APPROACHES.remove("round4")


@pytest.mark.parametrize("style", [["euler"], {"a": 1}, -1, True, "no_such_method"])
def test_an_approach_of_a_bad_style_is_named(style):
    with pytest.raises(LifutilsError, match=r"Approach\.style must be a method key"):
        add_approach(Approach("round4", "round 4", "lifutils.populations:exact_population",
                              style=style))


def test_an_approach_in_the_style_of_a_method_taken_out_is_named():
    register(Method("round4m", "round 4 m", "round 4 m", dummy))
    add_approach(Approach("round4", "round 4", "lifutils.populations:exact_population",
                          style="round4m"))
    try:
        unregister("round4m")
        with pytest.raises(LifutilsError, match=r"approach 'round4' is drawn in the style of "
                                                r"method 'round4m', which is no longer"):
            APPROACHES["round4"].look()
    finally:
        APPROACHES.remove("round4")
        if "round4m" in REGISTRY:
            unregister("round4m")


# ---- gallery families: one that cannot build its patterns stayed and broke the gallery ----

def _family(key="round4", **changes):
    from lifutils.gallery import NAUD_TABLE, build_adex
    from lifutils.gallery_tables import Family
    fields = dict(key=key, title="Round 4", equations="adex", source="a test",
                  table=dict(NAUD_TABLE), builder=build_adex)
    return Family(**{**fields, **changes})


@pytest.mark.parametrize("changes, words, cause", [
    (dict(table={"x": (1, 2)}), r"family 'round4' cannot build its patterns: AttributeError",
     AttributeError),
    (dict(builder=lambda family, name, **overrides: 1 / 0),
     r"family 'round4' cannot build its patterns: ZeroDivisionError", ZeroDivisionError),
    (dict(builder=lambda family, name, **overrides: None),
     r"Family\.builder must return a Model, got None for pattern 'tonic'", None),
    (dict(equations=["adex"]), r"Family\.equations must be one of 'izhikevich', 'adex'", None),
    (dict(label="{foo}"), r"Family\.label must be text with the fields \{name\} and "
                          r"\{description\} only", None),
    (dict(table={5: (1, 2)}), r"Family\.table must be keyed by pattern names \(text\)", None),
])
def test_a_family_that_cannot_build_its_patterns_is_named_and_not_kept(changes, words, cause):
    from lifutils import gallery
    families, patterns = list(gallery.FAMILIES), dict(gallery.PATTERNS)
    with pytest.raises(LifutilsError, match=words) as err:
        gallery.add_family(_family(**changes))
    assert cause is None or isinstance(err.value.__cause__, cause)  # the user's, chained
    assert list(gallery.FAMILIES) == families and dict(gallery.PATTERNS) == patterns
    # and the gallery still takes a good family (it raised the same error for every one)
    gallery.add_family(_family("round4_good"))
    try:
        assert ("round4_good", "tonic") in gallery.PATTERNS
    finally:
        gallery.remove_family("round4_good")


def test_a_method_of_its_own_style_is_drawn():
    m = register(Method("round4", "round 4", "round 4", dummy, color="#8B4513",
                        linestyle=(0, (3, 1, 1, 1)), marker={"marker": "h", "markersize": 5}))
    try:
        assert REGISTRY["round4"].linestyle == (0, (3, 1, 1, 1)) and m.marker["marker"] == "h"
    finally:
        unregister("round4")


@pytest.mark.parametrize("call, words", [
    (lambda: exact_spike_times(LIFParams(i_e=20.0), 20.0, max_spikes=HUGE), None),
    (lambda: simulate_euler(LIFParams(i_e=20.0), 20.0, max_spikes=HUGE), None),
    (lambda: exact_voltage(LIFParams(i_e=20.0), HUGE), r"t must be finite times \(ms\)"),
    (lambda: exact_voltage(LIFParams(i_e=20.0), [1.0, -HUGE]), r"t must be finite times"),
    (lambda: firing_rate(LIFParams(), i_e=[HUGE]), r"i_e must be finite currents \(nA\)"),
])
def test_integers_past_floats_range_at_the_closed_forms(call, words):
    # each was a bare OverflowError (numpy converting the int)
    if words is None:  # a cap past float's range is no cap: the spikes come out
        spikes, _ = returns(call)
        assert len(getattr(spikes, "spike_times", spikes)) == 1  # at 10 ln 4 ms
    else:
        refuses(call, LifutilsError, words)

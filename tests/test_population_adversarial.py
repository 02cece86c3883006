"""Adversarial use of the population and NEST entry points: no hang, no runaway memory, no raw error.

The attacks of issue 15 each run in a forked child under a time and memory limit
(``run_limited`` of tests/test_adversarial.py); the property tests feed random bad
values to every argument of every population entry point under an interval
timer: each call must return or raise a LifutilsError that names the argument
(or a budget), never another exception.
"""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import test_adversarial as adv
from lifutils import BudgetError, LIFParams, LifutilsError, RunawayError
from lifutils.populations.nest_bridge import nest_available, simulate_population_nest
from lifutils.populations import (POPULATION_NEURON, SpikeRecord, compare_trains,
                                 exact_population, measure, population_drives,
                                 simulate_population, simulate_population_euler)
from lifutils.references import exact_delta_network

PN = POPULATION_NEURON


# ---- the attacks of the issue, each in a child under a time and memory limit ----

@pytest.mark.parametrize("call, error, match", [
    (lambda: simulate_population(PN, population_drives(3000), 200.0), BudgetError,
     r"t_max = 200.0 implies 7.36e\+06 right-hand-side evaluations \(36818 resets, 73636 "
     r"restarts"),
    (lambda: simulate_population(PN, population_drives(3000), 200.0, max_nfev=10**8),
     BudgetError, r"t_max = 200.0 implies .* neuron-resets"),
    (lambda: simulate_population(PN, population_drives(10_000), 200.0), BudgetError,
     r"t_max = 200.0 implies"),
    (lambda: simulate_population(PN, population_drives(10_000), 10.0, events="per_neuron"),
     BudgetError, r"event-function calls"),
    (lambda: simulate_population(PN, [10.0], 1e12), BudgetError, r"t_max = 1e\+12"),
    (lambda: simulate_population_euler(PN, np.full(10**6, 20.0), 1000.0), BudgetError,
     r"neuron-steps"),
    (lambda: simulate_population_euler(PN, [20.0], 100.0, dt=1e-9), BudgetError,
     r"dt = 1e-09 implies 1e\+11 Euler steps"),
    (lambda: simulate_population_euler(PN, [20.0], 100.0, dt=1e-5), BudgetError, r"dt = 1e-05"),
    (lambda: measure("euler", 10**12), BudgetError, r"n = 1000000000000 implies"),
    (lambda: exact_delta_network(LIFParams(), 10.0, i_e=np.full(15_000, 20.0), v0=-70.0,
                                 weights=np.zeros((15_000, 15_000), dtype=np.int8)),
     BudgetError, r"bytes of a 15000 x 15000 weight matrix"),
    (lambda: exact_delta_network(LIFParams(), 10.0, i_e=np.full(40_000, 20.0), v0=-70.0,
                                 weights=np.broadcast_to(np.zeros(1), (40_000, 40_000))),
     BudgetError, r"40000 x 40000 weight matrix"),
    (lambda: simulate_population(PN, ["a"], 30), LifutilsError, r"i_e must be a non-empty 1-D"),
    (lambda: simulate_population(PN, [20 + 1j], 30), LifutilsError, r"i_e must be"),
    (lambda: simulate_population({"tau_m": 10.0}, [20.0], 30), LifutilsError,
     r"params must be a LIFParams"),
    (lambda: simulate_population(PN, [True, False], 30), LifutilsError, r"i_e must be"),
    (lambda: simulate_population(PN, [[20.0]], 30), LifutilsError, r"i_e must be"),
    (lambda: simulate_population(PN.replace(v0=-50.0), [20.0], 30), LifutilsError,
     r"params.v0 must lie below v_thresh"),
    (lambda: simulate_population(PN, [20.0], 30, events="both"), LifutilsError,
     r'events must be "vector" or "per_neuron"'),
    (lambda: simulate_population(PN, [1e300], 30), LifutilsError, r"i_e must give drives"),
    (lambda: simulate_population(PN.replace(t_ref=0.0), [1e6], 300), RunawayError,
     r"about .* spikes"),
    (lambda: exact_delta_network(LIFParams(), 10.0, i_e=["x"], v0=-70.0, weights=[[0.0]]),
     LifutilsError, r"i_e must be real numbers"),
    (lambda: exact_delta_network(LIFParams(), 10.0, i_e=[20.0, 20.0], v0=-70.0,
                                 weights=[[0.0, 1j], [0.0, 0.0]]),
     LifutilsError, r"weights must be real numbers"),
])
def test_an_attack_is_refused_at_once_with_a_named_error(call, error, match):
    adv.refuses(call, error, match)


def test_a_huge_refractory_period_in_the_euler_loop_is_computed():
    value, _ = adv.returns(lambda: simulate_population_euler(
        PN.replace(t_ref=1e300), [20.0], 100.0).counts().tolist())
    assert value == [1]


@pytest.mark.parametrize("call, error, match", [
    (lambda: simulate_population_nest(LIFParams(t_ref=2.0), [20.0], 1e12), BudgetError,
     r"neuron-steps of NEST"),
    (lambda: simulate_population_nest(LIFParams(t_ref=2.0), [20.0], 1e300), BudgetError,
     r"t_max = 1e\+300"),
    (lambda: simulate_population_nest(LIFParams(t_ref=2.0), [20.0], 100.0, resolution=1e-9),
     LifutilsError, r"resolution must be at least NEST's tic"),
    (lambda: simulate_population_nest(LIFParams(t_ref=2.0), np.full(10**6, 20.0), 100.0),
     BudgetError, r"bytes of NEST neurons"),
    (lambda: simulate_population_nest(LIFParams(t_ref=0.15), [20.0], 100.0), LifutilsError,
     r"t_ref must be a multiple of resolution = 0.1 ms"),
    (lambda: simulate_population_nest(LIFParams(t_ref=2.0), [20.0], 99.9, resolution=0.111),
     LifutilsError, r"t_ref must be a multiple of resolution = 0.111 ms"),
])
def test_a_nest_attack_is_refused_before_nest_runs(call, error, match):
    adv.refuses(call, error, match)


# ---- property tests: random bad values at every argument ----

BAD_ARRAYS = st.sampled_from([
    ["a"], [20 + 1j], [True, False], np.array([True]), [[20.0]], np.ones((2, 2)), [],
    np.array([]), [math.nan], [math.inf], [10**400, 1, 2], [1e308, -1e308], {"a": 1},
    np.array(["x", "y"]), [None], np.full(3, 20.0).view(np.int64), np.array([20.0], dtype=object),
    (20.0,), [15.0 + 1e-12], [15.0 - 1e-12], [1e300], [-1e300], [0.0], 5.0, 10**400, -10**400,
    10**12, 2**63, "vector", "nest",
])
VALUES = st.one_of(adv.BAD, BAD_ARRAYS)

ENTRY_POINTS = {
    "simulate_population": lambda **kw: simulate_population(
        **{"params": PN, "i_e": [20.0, 30.0], "t_max": 20.0, **kw}),
    "simulate_population_euler": lambda **kw: simulate_population_euler(
        **{"params": PN, "i_e": [20.0, 30.0], "t_max": 20.0, **kw}),
    "exact_population": lambda **kw: exact_population(
        **{"params": PN, "i_e": [20.0, 30.0], "t_max": 20.0, **kw}),
    "population_drives": lambda **kw: population_drives(**{"n": 4, **kw}),
    "exact_delta_network": lambda **kw: exact_delta_network(
        **{"params": LIFParams(), "t_max": 20.0, "i_e": [20.0, 18.0], "v0": -70.0,
           "weights": [[0.0, 1.0], [1.0, 0.0]], **kw}),
    "simulate_population_nest": lambda **kw: simulate_population_nest(
        **{"params": LIFParams(t_ref=2.0), "i_e": [20.0, 30.0], "t_max": 20.0, **kw}),
    "SpikeRecord": lambda **kw: SpikeRecord(
        **{"i": [0, 1], "t": [1.0, 2.0], "n": 2, "t_max": 3.0, "approach": "exact", **kw}),
}
ARGUMENTS = {
    "simulate_population": ["params", "i_e", "t_max", "events", "method", "rtol", "atol",
                            "max_step", "max_spikes", "max_nfev"],
    "simulate_population_euler": ["params", "i_e", "t_max", "dt", "max_spikes"],
    "exact_population": ["params", "i_e", "t_max", "max_spikes"],
    "population_drives": ["n"],
    "exact_delta_network": ["t_max", "i_e", "v0", "weights"],
    "simulate_population_nest": ["params", "i_e", "t_max", "v0", "resolution", "max_spikes"],
    "SpikeRecord": ["i", "t"],
}
PAIRS = [(entry, name) for entry, names in ARGUMENTS.items() for name in names
         if entry != "simulate_population_nest" or nest_available()]


@pytest.mark.parametrize("entry, name", PAIRS)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=VALUES)
def test_bad_values_give_a_named_error_or_a_result(entry, name, value):
    outcome = adv.call_within_budget(lambda: ENTRY_POINTS[entry](**{name: value}), seconds=30.0)
    if isinstance(outcome, LifutilsError):
        text = str(outcome)
        assert name in text or "budget" in text or "spikes" in text, (entry, name, value, text)
    elif isinstance(outcome, SpikeRecord):
        assert np.all(outcome.t[1:] >= outcome.t[:-1]) and np.all(np.isfinite(outcome.t))
        assert outcome.counts().sum() == outcome.n_spikes


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 30), t_max=st.floats(1.0, 150.0),
       low=st.floats(0.0, 60.0), span=st.floats(0.0, 40.0), t_ref=st.floats(0.0, 5.0))
def test_every_population_agrees_with_the_closed_form(n, t_max, low, span, t_ref):
    params = PN.replace(t_ref=t_ref)
    drive = np.linspace(low, low + span, n)
    exact = exact_population(params, drive, t_max)
    record = adv.call_within_budget(lambda: simulate_population(
        params, drive, t_max, rtol=1e-10, atol=1e-10), seconds=30.0)
    assert isinstance(record, SpikeRecord), record
    gaps = params.r_m * drive - (params.v_thresh - params.v_rest)
    if np.all(np.abs(gaps) > 1e-3):  # near the rheobase the count itself is ill-conditioned
        error, wrong = compare_trains(record, exact)
        assert wrong == 0 and error < 1e-5, (error, wrong)

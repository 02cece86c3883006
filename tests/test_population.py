"""lifutils.populations.population: one API, one record, the closed form, budgets up front.

Spike times are checked against the closed form (exact_spike_times, neuron by
neuron) and, near the rheobase, against a 40-digit computation (decimal).
"""
import inspect
from decimal import Decimal, getcontext

import numpy as np
import pytest

from lifutils import (BudgetError, LIFParams, LifutilsError, RunawayError, exact_spike_times,
                      simulate_euler, simulate_events)
from lifutils.populations.nest_bridge import simulate_population_nest
from lifutils.populations import (POPULATION_NEURON, SpikeRecord, compare_trains,
                                 exact_population, population_drives, simulate_population,
                                 simulate_population_euler)
from lifutils.references import exact_delta_network

P = POPULATION_NEURON
SIMULATORS = [simulate_population, simulate_population_euler, simulate_population_nest,
              exact_population]


# ---- one API ----

@pytest.mark.parametrize("simulate", SIMULATORS, ids=lambda f: f.__name__)
def test_every_population_simulator_takes_params_i_e_t_max_then_keywords(simulate):
    parameters = list(inspect.signature(simulate).parameters.values())
    assert [p.name for p in parameters[:3]] == ["params", "i_e", "t_max"]
    assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in parameters[:3])
    assert all(p.kind is p.KEYWORD_ONLY for p in parameters[3:-1]), parameters
    assert parameters[-1].kind is parameters[-1].VAR_KEYWORD  # refused by name, see below


@pytest.mark.parametrize("simulate", SIMULATORS, ids=lambda f: f.__name__)
def test_an_option_a_simulator_does_not_take_is_refused_by_name(simulate):
    with pytest.raises(LifutilsError, match=r"takes no argument \['t_eval'\] .* its options are"):
        simulate(P, [20.0], 10.0, t_eval=[1.0, 2.0])


def test_options_are_named_as_in_the_single_neuron_functions():
    one = set(inspect.signature(simulate_events).parameters) | \
        set(inspect.signature(simulate_euler).parameters)
    for simulate in SIMULATORS:
        options = set(list(inspect.signature(simulate).parameters)[3:-1])
        assert options - {"events", "v0", "resolution"} <= one, (simulate.__name__, options - one)


@pytest.mark.parametrize("simulate", SIMULATORS, ids=lambda f: f.__name__)
def test_every_simulator_returns_a_spike_record_on_the_closed_form(request, simulate):
    if simulate is simulate_population_nest:
        request.getfixturevalue("nest")  # NEST: skipped where missing, a failure in CI
    i_e = population_drives(20)
    kwargs = {"rtol": 1e-10, "atol": 1e-10} if simulate is simulate_population else {}
    record = simulate(P, i_e, 100.0, **kwargs)
    assert isinstance(record, SpikeRecord) and record.n == 20 and record.t_max == 100.0
    exact = [exact_spike_times(P.replace(i_e=float(i)), 100.0) for i in i_e]
    error, wrong = compare_trains(record, exact)
    tolerance = 0.5 if simulate is simulate_population_euler else 1e-6  # Euler: first order in dt
    assert error < tolerance and (wrong == 0 or simulate is simulate_population_euler)
    assert np.all(np.diff(record.t) >= 0) and record.counts().sum() == record.n_spikes > 50


# ---- the record ----

def test_a_record_is_sorted_by_time_then_neuron_and_splits_back_into_trains():
    trains = [[5.0, 1.0], [], [1.0, 3.0], [0.5]]
    rec = SpikeRecord.from_trains(trains, t_max=6.0, approach="exact")
    assert rec.t.tolist() == [0.5, 1.0, 1.0, 3.0, 5.0] and rec.i.tolist() == [3, 0, 2, 2, 0]
    assert [s.tolist() for s in rec.spike_trains()] == [[1.0, 5.0], [], [1.0, 3.0], [0.5]]
    assert rec.counts().tolist() == [2, 0, 2, 1] and rec.n_spikes == 5
    with pytest.raises(ValueError):
        rec.t[0] = 9.0  # read-only: a record does not change under its reader


@pytest.mark.parametrize("i, t, n, match", [
    ([0, 1], [1.0], 2, "one length"), ([0, 2], [1.0, 2.0], 2, "from 0 to n - 1"),
    ([-1], [1.0], 2, "from 0 to n - 1"),
])
def test_a_record_refuses_indices_it_cannot_hold(i, t, n, match):
    with pytest.raises(LifutilsError, match=match):
        SpikeRecord(i=i, t=t, n=n, t_max=3.0, approach="exact")


def test_spike_trains_of_a_large_record_are_linear_in_the_spikes():
    rng = np.random.default_rng(1)
    n, k = 200_000, 1_000_000
    rec = SpikeRecord(i=rng.integers(0, n, k), t=rng.uniform(0, 100, k), n=n, t_max=100.0,
                      approach="exact")
    trains = rec.spike_trains()  # quadratic collection would take minutes here
    assert len(trains) == n and sum(s.size for s in trains) == k
    j = int(rec.i[123])
    np.testing.assert_array_equal(trains[j], np.sort(rec.t[rec.i == j]))


# ---- values ----

def test_exact_population_is_exact_spike_times_neuron_by_neuron():
    drives = np.concatenate([population_drives(97), [15.0, 15.0 + 1e-12, 15.0 - 1e-9, 1e3]])
    for params in (P, P.replace(t_ref=0.0, v0=-56.0), P.replace(v0=-54.0)):
        trains = exact_population(params, drives, 150.0).spike_trains()
        for train, i in zip(trains, drives):
            np.testing.assert_array_equal(train, exact_spike_times(params.replace(i_e=float(i)),
                                                                   150.0))


def test_euler_population_is_simulate_euler_neuron_by_neuron():
    drives = population_drives(13)
    for params, dt in ((P, 0.1), (P.replace(t_ref=0.35), 0.05), (LIFParams(), 0.2)):
        trains = simulate_population_euler(params, drives, 120.0, dt=dt).spike_trains()
        for train, i in zip(trains, drives):
            one = simulate_euler(params.replace(i_e=float(i)), 120.0, dt=dt).spike_times
            np.testing.assert_allclose(train, one, rtol=0, atol=1e-12)


def decimal_spike_times(params, i_e, t_max, digits=40):
    """Spike times at 40 digits from the double i_e (Decimal(i_e) is exact)."""
    getcontext().prec = digits
    d = lambda x: Decimal(float(x))  # noqa: E731
    gap = d(params.r_m) * d(i_e) - (d(params.v_thresh) - d(params.v_rest))
    first = d(params.tau_m) * (1 + (d(params.v_thresh) - d(params.v_start)) / gap).ln()
    isi = d(params.t_ref) + d(params.tau_m) * (1 + (d(params.v_thresh) - d(params.v_reset)) / gap).ln()
    times, t = [], first
    while t <= d(t_max):
        times.append(t)
        t += isi
    return times


@pytest.mark.parametrize("excess", [1e-12, 1e-9, 1e-6, 1e-3, 5.0])
def test_just_above_the_rheobase_the_closed_form_matches_40_digits(excess):
    i_e = 15.0 + excess
    exact = decimal_spike_times(LIFParams(), i_e, 3000.0)
    closed = exact_spike_times(LIFParams(i_e=i_e), 3000.0)
    network = exact_delta_network(LIFParams(), 3000.0, i_e=[i_e, 20.0], v0=-70.0,
                                  weights=np.zeros((2, 2))).spike_times[0]
    population = exact_population(LIFParams(), [i_e], 3000.0).t
    for times in (closed, network, population):
        assert len(times) == len(exact) > 0
        errors = [abs(Decimal(float(a)) - b) for a, b in zip(times, exact)]
        assert max(errors) < Decimal("1e-11"), (excess, max(errors))  # was 0.018 ms at 1e-12


# ---- budgets and runaways, before any work ----

@pytest.mark.parametrize("call, error, match", [
    (lambda: simulate_population_euler(P, [20.0], 100.0, dt=1e-9), BudgetError,
     r"dt = 1e-09 implies 1e\+11 Euler steps"),
    (lambda: simulate_population_euler(P, [20.0], 100.0, dt=1e-5), BudgetError,
     r"dt = 1e-05 implies .* neuron-steps"),
    (lambda: simulate_population_euler(P, np.full(10**6, 20.0), 1000.0), BudgetError,
     r"neuron-steps for 1000000 neurons"),
    (lambda: simulate_population(P, [10.0], 1e12), BudgetError, r"t_max = 1e\+12 .*LSODA"),
    (lambda: simulate_population(P, population_drives(10_000), 10.0, events="per_neuron"),
     BudgetError, r"i_e = <10000 currents> implies .* event-function calls"),
    (lambda: simulate_population(P.replace(t_ref=0.0), [1e6], 100.0), RunawayError,
     r"about .* spikes in t_max = 100 ms"),
    (lambda: exact_population(P, [20.0], 1e9), RunawayError, r"max_spikes = 5000"),
    (lambda: simulate_population(P, [20.0], 100.0, max_spikes=10**9), BudgetError,
     r"max_spikes = 1000000000 implies"),
    (lambda: population_drives(10**12), BudgetError, r"n = 1000000000000 implies"),
])
def test_too_much_is_refused_at_once(call, error, match):
    import time
    start = time.process_time()
    with pytest.raises(error, match=match):
        call()
    assert time.process_time() - start < 5.0  # refused before the work, not during it


def test_the_euler_loop_collects_spikes_in_linear_time():
    # 200,000 neurons fire a million spikes in 100 ms: collected per neuron with a mask per
    # neuron this took minutes (quadratic); the counts match the neuron-by-neuron loop.
    drives = np.tile([20.0, 25.0, 30.0, 35.0], 50_000)
    rec = simulate_population_euler(P, drives, 100.0)
    counts = [simulate_euler(P.replace(i_e=i), 100.0).n_spikes for i in drives[:4]]
    np.testing.assert_array_equal(rec.counts(), np.tile(counts, 50_000))
    assert rec.n_spikes > 10**6 and rec.nfev == 1000 * drives.size


def test_a_huge_refractory_period_in_the_euler_loop_is_one_spike():
    rec = simulate_population_euler(P.replace(t_ref=1e300), [20.0, 30.0], 100.0)
    assert rec.counts().tolist() == [1, 1]


def test_a_long_silent_run_with_lsoda_is_cheap():
    rec = simulate_population(P, [10.0, 12.0], 1e9, method="LSODA")
    assert rec.n_spikes == 0 and rec.nfev < 10_000

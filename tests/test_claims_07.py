"""Every claim that the prose of notebook 07 makes, computed again with lifutils.

Each test names the section whose claim it checks; simulations are checked against the
closed form or the exact event-by-event reference. Timings are not asserted (they go to
benchmarks/population.py); the claim about cost is checked through what causes it, the
number of event-function calls per spike.
"""

import numpy as np
import pytest

from lifutils import LIFParams, solve_ivp_with_resets
from lifutils.populations.nest_bridge import simulate_population_nest
from lifutils.populations import (POPULATION_NEURON, compare_trains, exact_population,
                                 population_drives, simulate_population)
from lifutils.references import exact_delta_network
from notebook_exercises import teacher_solution

make_network_reset = teacher_solution("07_many_neurons", "make_network_reset")

P = POPULATION_NEURON


# =============================================================== 1. one event for the population

@pytest.fixture(scope="module")
def population():
    i_e = population_drives(50)
    return i_e, simulate_population(P, i_e, 200.0, rtol=1e-10, atol=1e-10)


def test_1_the_population_is_the_one_described():
    i_e = population_drives(50)
    assert i_e.size == 50 and P.t_ref == 2.0 and P.r_m * i_e[0] == 10.0 and P.r_m * i_e[-1] == 40.0
    assert P.replace(i_e=0.0) == LIFParams(t_ref=2.0, i_e=0.0)  # otherwise the question's neuron


def test_1_every_spike_on_the_closed_form(population):
    i_e, record = population
    error, wrong = compare_trains(record, exact_population(P, i_e, 200.0))
    assert wrong == 0 and error < 1e-6
    assert record.n_spikes == sum(len(s) for s in record.spike_trains()) == 612


def test_1_silent_below_the_rheobase_rate_rising_above(population):
    i_e, record = population
    counts = record.counts()
    below = P.r_m * i_e < 15.0
    assert np.all(counts[below] == 0) and np.all(counts[~below] > 0)
    assert np.all(np.diff(counts[~below]) >= 0)  # the rate rises with the drive


# =============================================================== 2. cost

def calls_per_spike(events, n):
    """Event-function calls per spike for n neurons over 50 ms, counted, not timed."""
    calls = [0]
    i_e = population_drives(n)

    def counted(event):
        def wrapper(t, v):
            calls[0] += 1
            return event(t, v)
        wrapper.direction = 1
        return wrapper

    def threshold(i):
        return counted(lambda t, v: v[i] - P.v_thresh) if events == "per_neuron" else None

    evs = ([threshold(i) for i in range(n)] if events == "per_neuron"
           else counted(lambda t, v: v - P.v_thresh))
    sol = solve_ivp_with_resets(lambda t, v: (-(v - P.v_rest) + P.r_m * i_e) / P.tau_m,
                                (0.0, 50.0), np.full(n, P.v_rest), events=evs,
                                reset=lambda t, v, i: np.where(np.arange(n) == i, P.v_reset, v),
                                hold=lambda t, v, i: (P.t_ref, [i]), t_eval=[],
                                rtol=1e-10, atol=1e-10)
    return calls[0] / sol.n_resets


def test_2_per_neuron_calls_per_spike_grow_with_n_the_vector_event_s_do_not():
    vector = [calls_per_spike("vector", n) for n in (10, 100)]
    per_neuron = [calls_per_spike("per_neuron", n) for n in (10, 100)]
    assert vector[1] < 1.5 * vector[0]
    assert per_neuron[1] > 5 * per_neuron[0]  # measured: about 7x for 10x the neurons


# =============================================================== 3. coupled network

@pytest.fixture(scope="module")
def network():
    """The notebook's network: 12 neurons, weights up to 2 mV, seed 7."""
    rng = np.random.default_rng(7)
    n = 12
    w = rng.uniform(0.0, 2.0, (n, n)) * (1 - np.eye(n))
    i_net, v_net = rng.uniform(16.0, 24.0, n), rng.uniform(-75.0, -60.0, n)
    q = LIFParams()

    def thresholds(t, v):
        return v - q.v_thresh
    thresholds.direction = 1
    sol = solve_ivp_with_resets(lambda t, v: (-(v - q.v_rest) + q.r_m * i_net) / q.tau_m,
                                (0.0, 300.0), v_net, events=thresholds,
                                reset=make_network_reset(w, q.v_reset),
                                rtol=1e-10, atol=1e-10)
    return w, sol, exact_delta_network(q, 300.0, i_e=i_net, v0=v_net, weights=w)


def test_3_the_network_is_the_one_described(network):
    w, _, _ = network
    assert w.shape == (12, 12) and np.all(np.diag(w) == 0) and 0 < w.max() <= 2.0


def test_3_the_vector_event_matches_the_exact_reference(network):
    _, sol, exact = network
    error, wrong = compare_trains(sol.t_events, exact.spike_times)
    assert wrong == 0 and error < 1e-6


def test_3_cascades_fire_many_neurons_at_one_instant(network):
    _, _, exact = network
    _, size = np.unique(exact.times, return_counts=True)
    assert np.sum(size > 1) == 41 and size.max() == 12


# =============================================================== 4. NEST

def test_4_nest_gives_the_same_spikes(nest, population):
    i_e, record = population
    nest_spikes = simulate_population_nest(P, i_e, 200.0)
    error, wrong = compare_trains(nest_spikes, record)
    assert wrong == 0 and error < 1e-6
    error, wrong = compare_trains(nest_spikes, exact_population(P, i_e, 200.0))
    assert wrong == 0 and error < 1e-9


# =============================================================== without NEST

def test_07_runs_top_to_bottom_without_nest_and_says_how_to_get_it(monkeypatch, capsys):
    """Every code cell, in order, with NEST hidden (the cost cell on fewer sizes, for time)."""
    import json
    import pathlib

    from lifutils.populations import nest_bridge
    monkeypatch.setattr(nest_bridge, "nest_available", lambda: False)
    path = pathlib.Path(__file__).resolve().parents[1] / "notebooks" / "07_many_neurons.ipynb"
    namespace = {}
    for cell in json.loads(path.read_text())["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code":
            continue
        if "measure(approach" in source:
            assert "(10, 30, 100, 300)" in source
            source = source.replace("(10, 30, 100, 300)", "(10, 30)")
        exec(compile(source, path.name, "exec"), namespace)
    out = capsys.readouterr().out
    assert namespace["nest_spikes"] is None
    assert nest_bridge.INSTALL_HINT in out and "conda-forge" in out
    assert "largest difference from the exact reference" in out


# =============================================================== no figure on the last bit

def test_3_no_neuron_within_a_micro_volt_of_threshold_after_any_volley(network):
    """An exact tie (a kick that leaves v_j at v_thresh to the last bit) would make the count
    depend on the processor's rounding; the notebook's network stays far from one."""
    _, _, exact = network
    assert exact.margin > 1e-6  # measured: 1.9e-3 mV


def _notebook_output(jitter_seed=None):
    """What the code cells of 07 print (the timing cell left out), with the inputs moved by a
    relative 1e-12 (each number up or down at random) when jitter_seed is given."""
    import contextlib
    import io
    import json
    import pathlib

    import matplotlib.pyplot as plt
    path = pathlib.Path(__file__).resolve().parents[1] / "notebooks" / "07_many_neurons.ipynb"
    signs = np.random.default_rng(jitter_seed)
    namespace = {"_jitter": lambda shape: 1.0 + 1e-12 * signs.choice([-1.0, 1.0], shape)}
    moved = {"i_e = population_drives(50)": "i_e = i_e * _jitter(i_e.shape)",
             "W = rng.uniform": "W, i_net, v_net = (W * _jitter(W.shape), i_net * _jitter(n_net), "
                                "v_net * _jitter(n_net))"}
    out, found = io.StringIO(), set()
    for cell in json.loads(path.read_text())["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or "measure(approach" in source or "(rows)" in source:
            continue  # the timing cell (nbval ignores its output) and its figure
        for where, change in moved.items():
            if where in source and jitter_seed is not None:
                source += "\n" + change
                found.add(where)
        with contextlib.redirect_stdout(out):
            exec(compile(source, path.name, "exec"), namespace)
        plt.close("all")
    assert jitter_seed is None or found == set(moved), found
    return out.getvalue()


def test_no_printed_figure_moves_when_the_inputs_move_by_1e_12(nest):
    printed = _notebook_output()
    assert "612 spikes" in printed and "383 spikes" in printed and "NEST: 612 spikes" in printed
    for seed in (1, 2):
        assert _notebook_output(seed) == printed

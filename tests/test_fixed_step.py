"""The one fixed-step loop (lifutils.fixed_step): the Euler results it gives are the old ones, bit for bit.

The oracle (tests/euler_oracle.py) is a copy of the three loops as they were
before lifutils.fixed_step took over their spike list, refractory hold, start
above threshold and runaway cap.
"""
import itertools

import numpy as np
import pytest

import euler_oracle as old
from lifutils import LIFParams, RunawayError, StalledError, inputs, simulate_euler
from lifutils.population import POPULATION_NEURON, population_drives, simulate_population_euler


def wavy(t):
    """A drive that rises and falls around threshold (nA), sampled at step starts."""
    return 16.0 + 9.0 * np.sin(np.asarray(t) / 3.0)


CURRENTS = {"constant": 20.0, "strong": lambda t: 300.0 + 0 * t, "callable": wavy,
            "pulse": inputs.pulse(25.0, 10.0, 60.0)}
SCALAR_CASES = list(itertools.product([0.1, 0.037, 1.0], [0.0, 2.0, 0.25], sorted(CURRENTS),
                                      [False, True], [-70.0, -50.0]))


def same_run(params, t_max, dt, interpolate, max_spikes=5000):
    """Run the new and the old loop; both results, or both errors, must be identical."""
    try:
        t, v, spikes = old.simulate_euler(params, t_max, dt, interpolate=interpolate,
                                          max_spikes=max_spikes)
    except (RunawayError, StalledError) as error:
        with pytest.raises(type(error)) as new_error:
            simulate_euler(params, t_max, dt=dt, interpolate=interpolate, max_spikes=max_spikes)
        assert str(new_error.value) == str(error)
        return None
    res = simulate_euler(params, t_max, dt=dt, interpolate=interpolate, max_spikes=max_spikes)
    assert np.array_equal(res.t, t) and np.array_equal(res.v, v, equal_nan=True)
    assert np.array_equal(res.spike_times, spikes, equal_nan=True)
    return res


@pytest.mark.parametrize("dt, t_ref, current, interpolate, v0", SCALAR_CASES)
def test_simulate_euler_is_the_old_loop_bit_for_bit(dt, t_ref, current, interpolate, v0):
    same_run(LIFParams(i_e=CURRENTS[current], t_ref=t_ref, v0=v0), 100.0, dt, interpolate)


@pytest.mark.parametrize("interpolate", [False, True])
@pytest.mark.parametrize("params, t_max, dt, max_spikes", [
    (LIFParams(i_e=20.0), 1000.0, 0.001, 5000),                # more than one chunk of steps
    (LIFParams(i_e=20.0, t_ref=3.3), 300.0, 0.0041, 5000),     # a hold across chunks
    (LIFParams(i_e=20.0, t_ref=1e300), 100.0, 0.1, 5000),      # held to the end
    (LIFParams(i_e=lambda t: 2e4 + 0 * t, v0=-40.0), 10.0, 0.5, 5000),  # spikes in one step
    (LIFParams(i_e=lambda t: 1e7 + 0 * t), 10.0, 1.0, 5000),   # runaway within steps
    (LIFParams(i_e=lambda t: np.where(np.asarray(t) < 0.5, 0.0, 1e30)), 10.0, 1.0, 5000),  # stalls
    (LIFParams(i_e=lambda t: 1e7 + 0 * t, t_ref=1e-12), 10.0, 1.0, 5000),  # a hold too short
    (LIFParams(i_e=lambda t: 40.0 + 0 * t), 100.0, 0.1, 3),    # runaway, found by the loop
    (LIFParams(i_e=lambda t: -1e305 + 0 * t), 5.0, 1.0, 5000),  # v overflows to nan
    (LIFParams(i_e=20.0, t_ref=0.2000000001), 100.0, 0.1, 5000),  # t_ref near a whole step
])
def test_edge_cases_are_the_old_loop_bit_for_bit(params, t_max, dt, max_spikes, interpolate):
    same_run(params, t_max, dt, interpolate, max_spikes)


@pytest.mark.parametrize("n", [1, 7, 500])
@pytest.mark.parametrize("dt", [0.1, 0.037, 1.0])
@pytest.mark.parametrize("t_ref", [0.0, 2.0, 0.25])
def test_population_euler_is_the_old_loop_bit_for_bit(n, dt, t_ref):
    params = POPULATION_NEURON.replace(t_ref=t_ref)
    i_e = population_drives(n, params)
    who, t, nfev = old.population_euler(params, i_e, 100.0, dt, 5000 * n)
    order = np.lexsort((who, t))
    rec = simulate_population_euler(params, i_e, 100.0, dt=dt)
    assert np.array_equal(rec.i, who[order]) and np.array_equal(rec.t, t[order])
    assert rec.nfev == nfev


def test_population_runaway_is_the_old_message():
    i_e = population_drives(50)
    with pytest.raises(RunawayError) as error:
        old.population_euler(POPULATION_NEURON, i_e, 100.0, 0.1, 40)
    with pytest.raises(RunawayError) as new_error:
        simulate_population_euler(POPULATION_NEURON, i_e, 100.0, max_spikes=40)
    assert str(new_error.value) == str(error.value)

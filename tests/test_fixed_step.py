"""The one fixed-step loop (lifutils.fixed_step): the Euler results it gives are the old ones, bit for bit.

The oracle (tests/euler_oracle.py) is a copy of the three loops as they were
before lifutils.fixed_step took over their spike list, refractory hold, start
above threshold and runaway cap. One difference is meant: the population loop
now holds by the single neuron's rule, which it missed by a step when t_ref is a
whole number of steps plus the rule's hair (1e-9 dt) to the last bit.
The last part feeds the loop's own entry points bad input and stuck steps.
"""
import itertools
import math

import numpy as np
import pytest

import euler_oracle as old
import test_adversarial as adv
from lifutils import (BudgetError, LIFParams, LifutilsError, RunawayError, StalledError, inputs,
                      simulate_euler)
from lifutils.fixed_step import SpikeList, run_neuron, run_population
from lifutils.populations import POPULATION_NEURON, population_drives, simulate_population_euler


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


@pytest.mark.parametrize("t_ref", [0.2000000001, 0.10000000010000001, 2.0, 0.25])
@pytest.mark.parametrize("i_e", [16.0, 20.0, 27.5, 40.0])
def test_a_population_of_one_holds_as_one_neuron_does(t_ref, i_e):
    # One hold rule for both loops. The only change from the old loops: at a t_ref of a
    # whole number of steps plus exactly the rule's hair (1e-9 dt), the old population
    # loop held a step more than simulate_euler did (and than the rule says).
    params = POPULATION_NEURON.replace(t_ref=t_ref)
    record = simulate_population_euler(params, [i_e], 100.0, dt=0.1)
    assert np.array_equal(record.t, simulate_euler(params.replace(i_e=i_e), 100.0).spike_times)
    _, old_times, _ = old.population_euler(params, np.array([i_e]), 100.0, 0.1, 5000)
    if t_ref in (2.0, 0.25):
        assert np.array_equal(old_times, record.t)
    elif t_ref == 0.2000000001:
        assert not np.array_equal(old_times, record.t)  # old: held 3 steps, not 2


def test_population_runaway_is_the_old_message():
    i_e = population_drives(50)
    with pytest.raises(RunawayError) as error:
        old.population_euler(POPULATION_NEURON, i_e, 100.0, 0.1, 40)
    with pytest.raises(RunawayError) as new_error:
        simulate_population_euler(POPULATION_NEURON, i_e, 100.0, max_spikes=40)
    assert str(new_error.value) == str(error.value)


# ---- hostile use of the loop's own entry points: named errors, no hang, no runaway memory ----

P = LIFParams(i_e=20.0, t_ref=2.0)


def plain_run(p, dt):
    """Forward Euler's free run, written out as a student would."""
    def free_run(v, t_from, steps, vs):
        for k, d_k in steps:
            v += (-(v - p.v_rest) + d_k) / p.tau_m * dt
            if v >= p.v_thresh:
                return k, k * dt, (k + 1) * dt
            vs.append(v)
    return free_run


def euler_step(v, free, drive=np.array([15.0, 20.0, 30.0]), dt=0.1):
    return np.where(free, v + dt * (-(v - P.v_rest) + drive) / P.tau_m, v)


def neuron(free_run, drive=(20.0,) * 100, **kw):
    return run_neuron(free_run, kw.pop("params", P), kw.pop("dt", 0.1), drive,
                      **{"max_spikes": 100, "t_max": 10.0, "on_grid": True, **kw})


def population(step=euler_step, n=3, n_steps=500, **kw):
    return run_population(step, kw.pop("params", P), n, n_steps, kw.pop("dt", 0.1),
                          **{"max_spikes": 100, "t_max": 50.0, **kw})


def stuck_at_start(v, t_from, steps, vs):
    """A step that finds a crossing where it starts, every time: no progress without a hold."""
    for k, _ in steps:
        return k, t_from, t_from


def never_moves(v, t_from, steps, vs):
    """A step that returns at once, neither stepping nor crossing."""
    return None


@pytest.mark.parametrize("call, error, match", [
    (lambda: neuron(never_moves), LifutilsError, r"stopped at step 0 of 100 without a crossing"),
    (lambda: neuron(stuck_at_start, params=P.replace(t_ref=0.0), on_grid=False), StalledError,
     r"Euler stalled at t = 0 ms"),
    (lambda: neuron(lambda v, t, steps, vs: (5, 0.0, 0.1)), LifutilsError,
     r"crossing in step 5, but the step it was on is 0"),
    (lambda: neuron(lambda v, t, steps, vs: "spike"), LifutilsError,
     r"must return None or \(k, t_start, t_spike\), got 'spike'"),
    (lambda: neuron(lambda v, t, steps, vs: vs.extend([0.0] * 101)), LifutilsError,
     r"stopped at step 101 of 100"),
    (lambda: neuron(plain_run(P, 0.1), np.broadcast_to(20.0, (10**12,))), BudgetError,
     r"1000000000000 steps> implies 1e\+12 Euler steps"),
    (lambda: neuron(plain_run(P, 0.1), "twenty"), LifutilsError, r"drive must be a 1-D array"),
    (lambda: neuron(plain_run(P, 0.1), [[20.0]]), LifutilsError, r"drive must be a 1-D array"),
    (lambda: neuron(plain_run(P, 0.1), [20 + 1j]), LifutilsError, r"drive must be a 1-D array"),
    (lambda: neuron(plain_run(P, 0.1), dt=0.0), LifutilsError, r"dt must be"),
    (lambda: neuron(plain_run(P, 0.1), dt=math.nan), LifutilsError, r"dt must be"),
    (lambda: neuron(plain_run(P, 0.1), max_spikes=0), LifutilsError, r"max_spikes must be"),
    (lambda: neuron(plain_run(P, 0.1), on_grid=np.array([])), LifutilsError, r"on_grid must be"),
    (lambda: simulate_euler(P, 10.0, interpolate=np.array([])), LifutilsError,
     r"interpolate must be True or False"),
    (lambda: neuron(plain_run(P.replace(t_ref=0.0), 0.1), [1e6] * 100, max_spikes=3), RunawayError,
     r"about 4 spikes in t_max = 10 ms, more than max_spikes = 3"),
    (lambda: population(n=10**12), BudgetError, r"n = 1000000000000 implies .* bytes of neurons"),
    (lambda: population(n_steps=10**12), BudgetError, r"n_steps = 1000000000000 implies"),
    (lambda: population(n=0), LifutilsError, r"n must be"),
    (lambda: population(n_steps=-1), LifutilsError, r"n_steps must be"),
    (lambda: population(n_steps=2.5), LifutilsError, r"n_steps must be"),
    (lambda: population(dt=-0.1), LifutilsError, r"dt must be"),
    (lambda: population(lambda v, free: v[:2]), LifutilsError,
     r"the step must return v as a writeable float array of shape \(3,\), .* at step 0"),
    (lambda: population(lambda v, free: np.broadcast_to(v, v.shape)), LifutilsError,
     r"writeable float array"),
    (lambda: population(lambda v, free: [0.0, 0.0, 0.0]), LifutilsError, r"writeable float array"),
    (lambda: population(lambda v, free: v + 1e6, max_spikes=5), RunawayError,
     r"more than max_spikes = 5"),
])
def test_the_loop_refuses_bad_input_and_stuck_steps_with_a_named_error(call, error, match):
    adv.refuses(call, error, match)


def test_a_step_stuck_at_its_start_moves_on_with_a_hold():
    # A hold ends every stall: each spike is t_ref after the last, and the run ends.
    (v, spikes), _ = adv.returns(lambda: neuron(stuck_at_start, on_grid=False))
    assert spikes == pytest.approx([0.0, 2.0, 4.0, 6.0, 8.0]) and np.all(v[1:] == P.v_reset)


def test_a_start_above_threshold_spikes_at_zero_in_both_loops():
    above = P.replace(v0=-50.0)
    v, spikes = neuron(plain_run(above, 0.1), params=above)
    assert spikes[0] == 0.0 and np.all(v[:21] == above.v_reset) and v[21] > above.v_reset
    k, who = population(params=above)
    assert k[:3].tolist() == [0, 0, 0] and who[:3].tolist() == [0, 1, 2]
    assert 0 not in who[3:] and np.all(k[3:] > 20)


def test_outputs_are_fresh_and_inputs_untouched():
    drive = np.full(100, 20.0)
    first, _ = neuron(plain_run(P, 0.1), drive)
    kept = first.copy()
    first[:] = np.nan  # the caller may scribble on what it got ...
    second, _ = neuron(plain_run(P, 0.1), drive)
    assert np.array_equal(second, kept) and np.all(drive == 20.0)  # ... and nothing else moves
    i_e = population_drives(20)
    before = i_e.copy()
    simulate_population_euler(POPULATION_NEURON, i_e, 50.0)
    assert np.array_equal(i_e, before)


def test_a_step_that_reuses_one_output_buffer_gives_the_same_spikes():
    buffer = np.empty(3)

    def in_place(v, free, drive=np.array([15.0, 20.0, 30.0])):
        new = np.multiply(0.1, -(v - P.v_rest) + drive)
        np.divide(new, P.tau_m, out=new)
        np.add(v, new, out=new)
        np.copyto(buffer, np.where(free, new, v))  # the loop resets into the buffer itself
        return buffer
    assert all(np.array_equal(a, b) for a, b in zip(population(in_place), population()))


def test_the_spike_list_counts_groups():
    spikes = SpikeList(5, t_max=1.0)
    spikes.add((3, np.arange(4)), 4)
    with pytest.raises(RunawayError, match="about 6 spikes in t_max = 1 ms"):
        spikes.add((4, np.arange(2)), 2)

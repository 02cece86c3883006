"""solve_ivp_with_resets with vector events: one event function, many thresholds.

Checked against the closed form (uncoupled neurons), against one scalar event per entry,
and against the exact event-by-event reference of a delta-coupled network.
"""
import numpy as np
import pytest

from lifutils import LIFParams, LifutilsError, exact_spike_times, solve_ivp_with_resets
from notebook_exercises import teacher_solution
from lifutils.populations import compare_trains, exact_population, population_drives
from lifutils.references import exact_delta_network

P = LIFParams()
TOL = dict(rtol=1e-10, atol=1e-10)


def lif(i_e, p=P):
    drive = p.r_m * np.asarray(i_e, dtype=float)
    return lambda t, v: (-(v - p.v_rest) + drive) / p.tau_m


def vector_threshold(p=P):
    def thresholds(t, v):
        return v - p.v_thresh
    thresholds.direction = 1
    return thresholds


def reset_to(v_reset):
    def reset(t, v, i):
        v = v.copy()
        v[i] = v_reset
        return v
    return reset


def scalar_threshold(i, p=P):
    def threshold(t, v):
        return v[i] - p.v_thresh
    threshold.direction = 1
    return threshold


@pytest.mark.parametrize("t_ref", [0.0, 2.0])
def test_population_matches_the_closed_form(t_ref):
    p = P.replace(t_ref=t_ref)
    i_e = population_drives(20)
    hold = (lambda t, v, i: (t_ref, [i])) if t_ref else None
    sol = solve_ivp_with_resets(lif(i_e), (0.0, 200.0), np.full(20, p.v_rest),
                                events=vector_threshold(), reset=reset_to(p.v_reset), hold=hold,
                                **TOL)
    assert len(sol.t_events) == len(sol.y_events) == 20
    error, wrong = compare_trains(sol.t_events, exact_population(p, i_e, 200.0))
    assert wrong == 0 and error < 1e-6
    assert sol.n_resets == sum(len(s) for s in sol.t_events) > 150


def test_event_values_are_zero_at_the_reported_times():
    """As scipy's tests do: each entry is ~0 at its own event times, in the state before reset."""
    i_e = population_drives(8)
    sol = solve_ivp_with_resets(lif(i_e), (0.0, 100.0), np.full(8, P.v_rest),
                                events=vector_threshold(), reset=reset_to(P.v_reset), **TOL)
    for i, (ts, ys) in enumerate(zip(sol.t_events, sol.y_events)):
        assert ys.shape == (len(ts), 8)
        assert np.all(np.abs(ys[:, i] - P.v_thresh) < 1e-9)


def test_same_spikes_as_one_scalar_event_per_neuron():
    i_e = np.array([16.0, 21.0, 27.5, 33.0, 39.0])
    v0 = np.array([-70.0, -62.0, -75.0, -57.0, -66.0])
    common = dict(reset=reset_to(P.v_reset), **TOL)
    vec = solve_ivp_with_resets(lif(i_e), (0.0, 150.0), v0, events=vector_threshold(), **common)
    sca = solve_ivp_with_resets(lif(i_e), (0.0, 150.0), v0,
                                events=[scalar_threshold(i) for i in range(5)], **common)
    error, wrong = compare_trains(vec.t_events, sca.t_events)
    assert wrong == 0 and error < 1e-8
    for k in range(5):
        alone = exact_spike_times(LIFParams(i_e=i_e[k], v0=v0[k]), 150.0)
        assert np.max(np.abs(vec.t_events[k] - alone)) < 1e-6


def test_the_event_function_is_called_about_as_often_whatever_its_size():
    """One call per solver step (and per root-finding iteration), not one per entry."""
    def count_calls(n):
        calls = [0]
        base = vector_threshold()

        def counted(t, v):
            calls[0] += 1
            return base(t, v)
        counted.direction = 1
        sol = solve_ivp_with_resets(lif(np.full(n, 20.0)), (0.0, 100.0),
                                    np.linspace(-70.0, -60.0, n), events=counted,
                                    reset=reset_to(P.v_reset), t_eval=[], **TOL)
        return calls[0] / sol.n_resets
    assert count_calls(100) < 1.5 * count_calls(10)


def test_flattened_indices_across_scalar_and_vector_events():
    """events = [scalar, vector of 3, scalar]: indices 0, 1-3, 4 for reset, hold and t_events."""
    i_e = np.array([20.0, 22.0, 24.0, 26.0, 28.0])
    seen = set()

    def reset(t, v, index):
        seen.add(index)
        return reset_to(P.v_reset)(t, v, index)

    def middle(t, v):
        return v[1:4] - P.v_thresh
    middle.direction = 1
    sol = solve_ivp_with_resets(lif(i_e), (0.0, 100.0), np.full(5, P.v_rest),
                                events=[scalar_threshold(0), middle, scalar_threshold(4)],
                                reset=reset, hold=lambda t, v, i: (1.0, [i]), **TOL)
    assert seen == {0, 1, 2, 3, 4} and len(sol.t_events) == 5
    p = P.replace(t_ref=1.0)
    error, wrong = compare_trains(sol.t_events, exact_population(p, i_e, 100.0))
    assert wrong == 0 and error < 1e-6


def test_direction_per_entry():
    """y = (v, target), v relaxes to target. Entry 0 fires when v rises through -55 mV
    (then v = -60, target -80: it sinks), entry 1 when v falls through -65 mV (then v = -64,
    target 0: it climbs). Crossings the other way are ignored."""
    def both(t, y):
        return np.array([y[0] + 55.0, y[0] + 65.0])
    both.direction = np.array([1.0, -1.0])

    def reset(t, y, index):
        return np.array([-60.0, -80.0]) if index == 0 else np.array([-64.0, 0.0])

    sol = solve_ivp_with_resets(lambda t, y: np.array([(y[1] - y[0]) / 10.0, 0.0]), (0.0, 60.0),
                                np.array([-70.0, 0.0]), events=both, reset=reset, **TOL)
    up, down = sol.t_events
    rise, sink = 10 * np.log(64 / 55), 10 * np.log(20 / 15)
    first = 10 * np.log(70 / 55)
    expected_up = first + (rise + sink) * np.arange(len(up))
    np.testing.assert_allclose(up, expected_up, rtol=0, atol=1e-7)
    np.testing.assert_allclose(down, expected_up[:len(down)] + sink, rtol=0, atol=1e-7)
    assert len(up) >= 3 and len(down) >= 3
    assert np.all(np.abs(sol.y_events[1][:, 0] + 65.0) < 1e-9)


def test_exact_ties_reset_together_in_order_of_index():
    sol = solve_ivp_with_resets(lif(np.full(3, 20.0)), (0.0, 20.0), np.full(3, P.v_rest),
                                events=vector_threshold(), reset=reset_to(P.v_reset), **TOL)
    times = [ts[0] for ts in sol.t_events]
    assert times[0] == times[1] == times[2]
    assert abs(times[0] - 10 * np.log(4)) < 1e-8
    # Entry 1 saw entry 0 already reset; entry 2 saw both.
    assert sol.y_events[1][0][0] == P.v_reset and sol.y_events[2][0][:2].tolist() == [-80.0, -80.0]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_delta_network_matches_the_exact_reference(seed):
    rng = np.random.default_rng(seed)
    n = 8
    w = rng.uniform(-1.0, 3.0, (n, n)) * (1 - np.eye(n))
    i_e, v0 = rng.uniform(15.0, 25.0, n), rng.uniform(-75.0, -58.0, n)
    sol = solve_ivp_with_resets(lif(i_e), (0.0, 200.0), v0, events=vector_threshold(),
                                reset=teacher_solution("07_many_neurons", "make_network_reset")(w, P.v_reset), **TOL)
    exact = exact_delta_network(P, 200.0, i_e=i_e, v0=v0, weights=w)
    error, wrong = compare_trains(sol.t_events, exact.spike_times)
    assert wrong == 0 and error < 1e-6
    _, size = np.unique(exact.times, return_counts=True)
    assert exact.times.size > 50


def test_a_cascade_at_one_instant_in_the_order_of_the_reference():
    w = np.array([[0.0, 3.0, 0.0], [1.0, 0.0, 4.0], [2.0, 0.5, 0.0]])
    i_e, v0 = np.array([20.0, 18.0, 16.0]), np.array([-70.0, -70.0, -62.0])
    sol = solve_ivp_with_resets(lif(i_e), (0.0, 60.0), v0, events=vector_threshold(),
                                reset=teacher_solution("07_many_neurons", "make_network_reset")(w, P.v_reset), **TOL)
    exact = exact_delta_network(P, 60.0, i_e=i_e, v0=v0, weights=w)
    first = [ts[0] for ts in sol.t_events]
    assert first[0] == first[1] == first[2]
    error, wrong = compare_trains(sol.t_events, exact.spike_times)
    assert wrong == 0 and error < 1e-6


# ---------------------------------------------------------------- bad input

def run(events, reset=reset_to(P.v_reset), y0=(-70.0, -65.0)):
    return solve_ivp_with_resets(lif([20.0, 25.0]), (0.0, 50.0), np.array(y0), events=events,
                                 reset=reset, **TOL)


def with_direction(func, direction=1):
    func.direction = direction
    return func


@pytest.mark.parametrize("event, words", [
    (with_direction(lambda t, v: np.stack([v, v]) - P.v_thresh), r"events\[0\].*shape \(2, 2\)"),
    (with_direction(lambda t, v: v - P.v_thresh if t == 0 else v[:1] - P.v_thresh),
     r"events\[0\].*shape \(2,\).*shape \(1,\)"),
    (with_direction(lambda t, v: v - P.v_thresh if t < 1.0 else np.array([np.nan, 0.0])),
     r"events\[0\].*NaN"),
    (with_direction(lambda t, v: v - P.v_thresh, [1.0, 1.0, 1.0]),
     r"events\[0\]\.direction.*shape \(2,\)"),
    (with_direction(lambda t, v: v - P.v_thresh, [[1.0, 1.0]]),
     r"events\[0\]\.direction.*shape \(2,\)"),
    (with_direction(lambda t, v: np.array([]), 1), r"events\[0\].*at least one entry"),
])
def test_bad_vector_events_get_a_clear_error(event, words):
    with pytest.raises(LifutilsError, match=words):
        run(event)


def test_a_reset_that_changes_the_shape_of_the_state_is_an_error():
    with pytest.raises(ValueError, match=r"reset must return a state of shape \(2,\)"):
        run(vector_threshold(), reset=lambda t, v, i: v[:1])


def test_a_vector_reset_that_stays_above_threshold_is_zeno():
    with pytest.raises(ValueError, match="Zeno"):
        run(vector_threshold(), reset=lambda t, v, i: v)


def test_an_entry_past_its_trigger_at_a_restart_is_watched_alone_as_a_scalar_event_is():
    """Neuron 1 starts above the threshold, heading higher: with direction +1 it never fires
    (no upward crossing), exactly as with one scalar event per neuron."""
    i_e, v0 = np.array([20.0, 30.0]), np.array([-70.0, -50.0])
    common = dict(reset=reset_to(P.v_reset), **TOL)
    vec = solve_ivp_with_resets(lif(i_e), (0.0, 60.0), v0, events=vector_threshold(), **common)
    sca = solve_ivp_with_resets(lif(i_e), (0.0, 60.0), v0,
                                events=[scalar_threshold(0), scalar_threshold(1)], **common)
    assert len(vec.t_events[1]) == len(sca.t_events[1]) == 0
    np.testing.assert_allclose(vec.t_events[0], sca.t_events[0], rtol=0, atol=1e-9)
    assert vec.t_events[0].size == 3


def test_a_time_entry_inside_a_vector_event_fires_like_a_scalar_time_event():
    """Entry 1 is sin(2 pi t / 10), zero at the start: a kick of 6 mV each time it rises
    through zero (t = 0, 10, 20, ...); entry 0 is the threshold."""
    def vector(t, v):
        return np.array([v[0] + 55.0, np.sin(2 * np.pi * t / 10.0)])
    vector.direction = 1

    def as_scalars():
        def threshold(t, v):
            return v[0] + 55.0

        def clock(t, v):
            return np.sin(2 * np.pi * t / 10.0)
        threshold.direction = clock.direction = 1
        return [threshold, clock]

    def reset(t, v, i):
        return np.array([P.v_reset]) if i == 0 else v + 6.0
    runs = [solve_ivp_with_resets(lif([12.0]), (0.0, 95.0), np.array([-70.0]), events=ev,
                                  reset=reset, max_step=1.0, **TOL)
            for ev in (vector, as_scalars())]
    for a, b in zip(runs[0].t_events, runs[1].t_events):
        assert a.size == b.size
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-8)
    # (scipy counts a start at zero, rising, as a crossing: t = 0 too, in both runs)
    np.testing.assert_allclose(runs[0].t_events[1], 10.0 * np.arange(0, 10), atol=1e-9)
    assert runs[0].t_events[0].size >= 2  # the kicks make it fire

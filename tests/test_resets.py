import math

import numpy as np
import pytest

from lifutils import LIFParams, exact_spike_times, exact_voltage, solve_ivp_with_resets
from lifutils import BudgetError, LifutilsError, RunawayError, SolverFailedWarning
from restart_oracle import restart_loop

TIGHT = dict(rtol=1e-10, atol=1e-10)


def lif_rhs(drive, tau=10.0, v_rest=-70.0):
    def rhs(t, y):
        return (v_rest + drive - y) / tau
    return rhs


def threshold(k, v_thresh=-55.0):
    def event(t, y):
        return y[k] - v_thresh
    event.direction = 1
    return event


def reset_to(value):
    def reset(t, y, i):
        y = y.copy()
        y[i] = value
        return y
    return reset


# ---- the adaptation model against an independent restart loop ----

TAU, TAU_W, A_JUMP = 10.0, 100.0, 5.0  # ms, ms, mV


def adaptation_rhs(t, y):
    v, w = y
    return [(-(v + 70.0) - w + 30.0) / TAU, -w / TAU_W]


def adaptation_reset(t, y, i):
    return np.array([-80.0, y[1] + A_JUMP])


def hand_written_loop(t_max):
    """The restart loop a careful student would write with plain solve_ivp."""
    return restart_loop(adaptation_rhs, [-70.0, 0.0], t_max, threshold=lambda t, y: y[0] + 55.0,
                        reset=lambda y: [-80.0, y[1] + A_JUMP], **TIGHT)


def test_adaptation_current_matches_an_independent_restart_loop():
    expected, y_end = hand_written_loop(300.0)
    sol = solve_ivp_with_resets(adaptation_rhs, (0, 300.0), [-70.0, 0.0],
                                events=threshold(0), reset=adaptation_reset, **TIGHT)
    assert sol.status == 0 and sol.success and sol.n_resets == len(expected)
    np.testing.assert_allclose(sol.t_events[0], expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(sol.y[:, -1], y_end, atol=1e-8)
    # Adaptation: intervals lengthen.
    assert np.all(np.diff(np.diff(expected)) > 0)
    # y_events holds the state just before each reset: v at threshold.
    np.testing.assert_allclose(sol.y_events[0][:, 0], -55.0, atol=1e-8)


def test_several_neurons_each_with_its_own_threshold():
    drives = np.array([16.0, 20.0, 40.0])
    thresholds = [-55.0, -52.0, -50.0]

    def rhs(t, y):
        return (-70.0 + drives - y) / 10.0

    events = [threshold(k, thresholds[k]) for k in range(3)]
    sol = solve_ivp_with_resets(rhs, (0, 200.0), [-70.0] * 3, events=events,
                                reset=reset_to(-80.0), **TIGHT)
    for k in range(3):
        p = LIFParams(i_e=drives[k], v_thresh=thresholds[k])
        np.testing.assert_allclose(sol.t_events[k], exact_spike_times(p, 200.0), atol=1e-7)
    assert sol.n_resets == sum(len(te) for te in sol.t_events)


def test_identical_neurons_fire_together():
    sol = solve_ivp_with_resets(lif_rhs(20.0), (0, 100.0), [-70.0, -70.0],
                                events=[threshold(0), threshold(1)],
                                reset=reset_to(-80.0), **TIGHT)
    exact = exact_spike_times(LIFParams(i_e=20.0), 100.0)
    np.testing.assert_allclose(sol.t_events[0], exact, atol=1e-7)
    np.testing.assert_allclose(sol.t_events[1], exact, atol=1e-7)


def test_a_reset_that_kicks_another_neuron_over_threshold_fires_it_at_once():
    def reset(t, y, i):
        y = y.copy()
        y[i] = -80.0
        if i == 0:
            y[1] += 20.0  # an excitatory synapse strong enough to make 1 fire
        return y
    # Neuron 1 gets no drive of its own and sits at -70 mV: 20 mV kicks it to -50.
    sol = solve_ivp_with_resets(lambda t, y: (np.array([-50.0, -70.0]) - y) / 10.0,
                                (0, 50.0), [-70.0, -70.0],
                                events=[threshold(0), threshold(1)], reset=reset, **TIGHT)
    np.testing.assert_allclose(sol.t_events[1], sol.t_events[0], atol=0)
    assert len(sol.t_events[0]) == 3


def test_hold_keeps_components_constant_and_releases_them():
    p = LIFParams(i_e=20.0, t_ref=3.0)
    sol = solve_ivp_with_resets(lif_rhs(20.0), (0, 100.0), [-70.0], events=threshold(0),
                                reset=reset_to(-80.0), hold=lambda t, y, i: (3.0, [0]),
                                dense_output=True, **TIGHT)
    np.testing.assert_allclose(sol.t_events[0], exact_spike_times(p, 100.0), atol=1e-7)
    t = np.linspace(0, 100, 2001)
    np.testing.assert_allclose(sol.sol(t)[0], exact_voltage(p, t), atol=1e-7)


def test_hold_on_one_component_lets_the_others_run():
    # Neuron 0 fires and is held; neuron 1 has no event crossing and just relaxes.
    sol = solve_ivp_with_resets(lambda t, y: (np.array([-50.0, -60.0]) - y) / 10.0,
                                (0, 40.0), [-70.0, -70.0], events=threshold(0),
                                reset=reset_to(-80.0), hold=lambda t, y, i: (5.0, [0]),
                                dense_output=True, **TIGHT)
    t = np.linspace(0, 40, 401)
    np.testing.assert_allclose(sol.sol(t)[1], -60.0 - 10.0 * np.exp(-t / 10.0), atol=1e-8)
    s = sol.t_events[0][0]
    inside = (t > s) & (t < s + 5.0)
    np.testing.assert_array_equal(sol.sol(t)[0][inside], -80.0)


def test_t_eval_is_honoured_across_resets():
    p = LIFParams(i_e=20.0)
    t_eval = np.linspace(0, 100, 777)
    sol = solve_ivp_with_resets(lif_rhs(20.0), (0, 100.0), [-70.0], events=threshold(0),
                                reset=reset_to(-80.0), t_eval=t_eval, **TIGHT)
    np.testing.assert_array_equal(sol.t, t_eval)
    np.testing.assert_allclose(sol.y[0], exact_voltage(p, t_eval), atol=1e-7)


def test_t_eval_point_exactly_at_a_reset_gets_the_value_after_it():
    p = LIFParams(i_e=20.0)
    first = exact_spike_times(p, 100.0)[0]
    probe = solve_ivp_with_resets(lif_rhs(20.0), (0, 100.0), [-70.0], events=threshold(0),
                                  reset=reset_to(-80.0), **TIGHT)
    t_hit = probe.t_events[0][0]  # bit for bit the solver's event time
    assert t_hit == pytest.approx(first, abs=1e-7)
    sol = solve_ivp_with_resets(lif_rhs(20.0), (0, 100.0), [-70.0], events=threshold(0),
                                reset=reset_to(-80.0), t_eval=[0.0, t_hit, 100.0], **TIGHT)
    np.testing.assert_array_equal(sol.t, [0.0, t_hit, 100.0])
    assert sol.y[0, 1] == -80.0


def test_trace_without_t_eval_has_two_points_at_each_reset():
    sol = solve_ivp_with_resets(lif_rhs(20.0), (0, 100.0), [-70.0], events=threshold(0),
                                reset=reset_to(-80.0), **TIGHT)
    for s in sol.t_events[0]:
        idx = np.flatnonzero(sol.t == s)
        assert len(idx) == 2
        assert sol.y[0, idx[0]] == pytest.approx(-55.0, abs=1e-8) and sol.y[0, idx[1]] == -80.0
    assert np.all(np.diff(sol.t) >= 0)


def test_event_values_at_reported_times_are_zero():
    # As scipy's tests do: the event function is ~0 at each reported event.
    sol = solve_ivp_with_resets(adaptation_rhs, (0, 300.0), [-70.0, 0.0],
                                events=threshold(0), reset=adaptation_reset, **TIGHT)
    g = np.array([threshold(0)(t, y) for t, y in zip(sol.t_events[0], sol.y_events[0])])
    np.testing.assert_allclose(g, 0.0, atol=1e-9)


def test_breakpoints_restart_the_solver_and_keep_the_trace_continuous():
    def rhs(t, y):
        return (-70.0 + (20.0 if t >= 30.0 else 0.0) - y) / 10.0
    sol = solve_ivp_with_resets(rhs, (0, 100.0), [-70.0], events=threshold(0),
                                reset=reset_to(-80.0), breakpoints=[30.0], **TIGHT)
    expected = 30.0 + exact_spike_times(LIFParams(i_e=20.0), 70.0)
    np.testing.assert_allclose(sol.t_events[0], expected, atol=1e-7)
    assert np.count_nonzero(sol.t == 30.0) == 1  # no duplicate at a mere restart


def test_args_are_passed_to_fun_events_and_reset():
    def rhs(t, y, drive):
        return (-70.0 + drive - y) / 10.0

    def event(t, y, drive):
        return y[0] + 55.0
    event.direction = 1
    sol = solve_ivp_with_resets(rhs, (0, 50.0), [-70.0], events=[event],
                                reset=lambda t, y, i, drive: np.array([-80.0]), args=(20.0,), **TIGHT)
    np.testing.assert_allclose(sol.t_events[0], exact_spike_times(LIFParams(i_e=20.0), 50.0), atol=1e-7)


def test_dense_output_is_right_continuous_and_matches():
    p = LIFParams(i_e=20.0)
    sol = solve_ivp_with_resets(lif_rhs(20.0), (0, 100.0), [-70.0], events=threshold(0),
                                reset=reset_to(-80.0), dense_output=True, **TIGHT)
    s = sol.t_events[0]
    np.testing.assert_allclose(sol.sol(s)[0], -80.0)
    assert sol.sol(50.0).shape == (1,)
    t = np.linspace(0, 100, 1001)
    np.testing.assert_allclose(sol.sol(t)[0], exact_voltage(p, t), atol=1e-7)


def test_nfev_adds_up_over_segments():
    sol = solve_ivp_with_resets(lif_rhs(20.0), (0, 100.0), [-70.0], events=threshold(0),
                                reset=reset_to(-80.0))
    assert sol.nfev > 6 * (sol.n_resets + 1)


# ---- guards ----

def test_zeno_reset_is_an_error():
    with pytest.raises(ValueError, match=r"reset for event 0 at t = [\d.]+ returned a state where "
                                         r"that event is still triggered.*Zeno"):
        solve_ivp_with_resets(lif_rhs(20.0), (0, 100.0), [-70.0], events=threshold(0),
                              reset=reset_to(-55.0))


def test_runaway_is_capped():
    with pytest.raises(RunawayError, match=r"more than max_resets = 50 resets before t = "):
        solve_ivp_with_resets(lif_rhs(1e4), (0, 1e4), [-70.0], events=threshold(0),
                              reset=reset_to(-80.0), max_resets=50)


def test_non_finite_derivative_stops_the_run_with_a_warning_not_a_hang():
    def rhs(t, y):
        return np.array([np.nan]) if t > 5 else (-50.0 - y) / 10.0
    with pytest.warns(SolverFailedWarning, match="fun returned a non-finite derivative"):
        sol = solve_ivp_with_resets(rhs, (0, 20.0), [-70.0], events=threshold(0),
                                    reset=reset_to(-80.0))
    assert sol.status == -1


@pytest.mark.parametrize("kwargs, message", [
    (dict(t_span=(10.0, 0.0)), r"t_span must run forward"),
    (dict(t_span=(0.0, math.inf)), r"t_span must be finite"),
    (dict(y0=[math.nan]), r"y0 must be finite"),
    (dict(y0=[[-70.0]]), r"y0 must be one-dimensional"),
    (dict(events=[]), r"events must be a callable or a non-empty list"),
    (dict(reset=None), r"reset must be a callable"),
    (dict(max_resets=-1), r"max_resets must be an integer >= 0"),
    (dict(t_eval=[5.0, 1.0]), r"t_eval must be strictly increasing"),
    (dict(t_eval=[0.0, 200.0]), r"t_eval must be within \[0, 100\], got times from 0 to 200"),
    (dict(reset=lambda t, y, i: [-80.0, 1.0]), r"reset must return a state of shape \(1,\)"),
    (dict(hold=lambda t, y, i: (-1.0, [0])), r"hold's duration must be a finite number >= 0"),
])
def test_bad_arguments_are_named(kwargs, message):
    args = dict(fun=lif_rhs(20.0), t_span=(0, 100.0), y0=[-70.0], events=threshold(0),
                reset=reset_to(-80.0))
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        solve_ivp_with_resets(args.pop("fun"), args.pop("t_span"), args.pop("y0"), **args)


def test_solver_failure_is_reported_like_scipy():
    # y' = y^2 from y = 1 blows up at t = 1: the step size collapses first.
    with pytest.warns(SolverFailedWarning, match=r"stopped at t = 0\.9999\d* of t_span \(0, 2\)"):
        sol = solve_ivp_with_resets(lambda t, y: y ** 2, (0, 2.0), [1.0],
                                    events=lambda t, y: y[0] + 10.0, reset=lambda t, y, i: y)
    assert sol.status == -1 and not sol.success
    assert sol.message.startswith(f"solver failed at t = {sol.t[-1]:.6g}: Required step size")
    assert sol.t[-1] == pytest.approx(1.0, abs=1e-3)


# ---- events on time alone: a kick at a given time, a periodic kick ----

def relax(t, y):
    return -(y + 70.0) / 10.0  # no drive: v relaxes to -70 mV


def kick(mv):
    return lambda t, y, i: y + mv


@pytest.mark.parametrize("direction", [None, 1])
def test_a_kick_at_a_given_time_fires_once(direction):
    def at_20(t, y):
        return t - 20.0
    if direction is not None:
        at_20.direction = direction
    sol = solve_ivp_with_resets(relax, (0, 50.0), [-70.0], events=at_20, reset=kick(10.0),
                                dense_output=True, **TIGHT)
    np.testing.assert_allclose(sol.t_events[0], [20.0], atol=1e-12)
    assert sol.n_resets == 1
    t = np.array([19.0, 20.0, 35.0, 50.0])
    expected = np.where(t < 20.0, -70.0, -70.0 + 10.0 * np.exp(-(t - 20.0) / 10.0))
    np.testing.assert_allclose(sol.sol(t)[0], expected, atol=1e-8)


@pytest.mark.parametrize("direction", [-1, 0])
def test_a_periodic_kick_fires_every_period(direction):
    # cos(2 pi t / 20) falls through 0 at 5, 25, 45 ... ms (and rises at 15, 35 ...).
    def clock(t, y):
        return np.cos(2 * np.pi * t / 20.0)
    clock.direction = direction
    sol = solve_ivp_with_resets(relax, (0, 100.0), [-70.0], events=clock, reset=kick(10.0),
                                **TIGHT)
    step = 20.0 if direction == -1 else 10.0
    kicks = np.arange(5.0, 100.0, step)
    np.testing.assert_allclose(sol.t_events[0], kicks, atol=1e-9)
    # Exact: each kick adds 10 mV, which then decays with tau = 10 ms.
    v_end = -70.0 + sum(10.0 * np.exp(-(100.0 - k) / 10.0) for k in kicks)
    assert sol.y[0, -1] == pytest.approx(v_end, abs=1e-7)


def test_a_time_event_and_a_threshold_together():
    # A 30 mV kick at t = 5 ms drives a silent cell over threshold at once.
    def at_5(t, y):
        return t - 5.0
    at_5.direction = 1

    def reset(t, y, i):
        return y + 30.0 if i == 0 else np.array([-80.0])
    sol = solve_ivp_with_resets(relax, (0, 30.0), [-70.0], events=[at_5, threshold(0)],
                                reset=reset, **TIGHT)
    np.testing.assert_allclose(sol.t_events[0], [5.0], atol=1e-12)
    np.testing.assert_allclose(sol.t_events[1], [5.0], atol=1e-12)  # -40 mV is past -55
    assert sol.y[0, -1] == pytest.approx(-70.0 - 10.0 * np.exp(-25.0 / 10.0), abs=1e-7)


def test_resets_that_retrigger_each_other_at_one_instant_are_refused():
    # Two events on time alone whose resets keep kicking the other one: a genuine loop.
    def a(t, y):
        return y[0] - y[1]

    def b(t, y):
        return y[1] - y[0]
    a.direction = b.direction = 1

    def swap(t, y, i):
        return y[::-1].copy() + np.array([1.0, 0.0]) if i == 0 else y[::-1].copy()
    with pytest.raises(ValueError, match="resets at the same time|Zeno"):
        solve_ivp_with_resets(lambda t, y: np.array([1.0, 0.0]), (0, 10.0), [-1.0, 0.0],
                              events=[a, b], reset=swap)


# ---- budgets ----

def test_a_tiny_max_step_is_refused_before_any_work():
    with pytest.raises(BudgetError, match=r"max_step = 1e-09 implies 6e\+11 right-hand-side "
                                          r"evaluations over t_span.*over the budget of 2e\+06"):
        solve_ivp_with_resets(lif_rhs(20.0), (0, 100.0), [-70.0], events=threshold(0),
                              reset=reset_to(-80.0), max_step=1e-9)


def test_the_evaluation_budget_stops_a_long_run_and_says_where():
    with pytest.raises(BudgetError, match=r"max_nfev = 2000 right-hand-side evaluations and had "
                                          r"reached t = [\d.e+]+ of t_span \(0, 1e\+06\)"):
        solve_ivp_with_resets(lif_rhs(20.0), (0, 1e6), [-70.0], events=threshold(0),
                              reset=reset_to(-80.0), max_nfev=2000)


def test_a_trace_over_the_memory_budget_is_refused():
    n = 100_000  # 100000 components: about 800 kB a step
    with pytest.raises(BudgetError, match=r"bytes of stored trace|memory budget"):
        solve_ivp_with_resets(lambda t, y: -y, (0, 1e4), np.ones(n),
                              events=lambda t, y: y[0] - 2.0, reset=lambda t, y, i: y,
                              max_step=0.01, max_nfev=10**9)  # the memory budget, not nfev's


def test_runaway_message_stays_short_for_a_huge_cap():
    # The message shows 1e+300, not 301 digits.
    with pytest.raises(ValueError, match=r"max_resets must be an integer >= 0, got -1e\+300"):
        solve_ivp_with_resets(lif_rhs(20.0), (0, 100.0), [-70.0], events=threshold(0),
                              reset=reset_to(-80.0), max_resets=-10**300)


def test_numpy_numbers_are_accepted_where_numbers_are():
    sol = solve_ivp_with_resets(lif_rhs(20.0), np.array([0, 50]), np.array([-70.0]),
                                events=threshold(0), reset=reset_to(-80.0),
                                max_step=np.int64(1), max_resets=np.int64(10),
                                rtol=np.float32(1e-6), atol=np.array(1e-8))
    np.testing.assert_allclose(sol.t_events[0], exact_spike_times(LIFParams(i_e=20.0), 50.0),
                               atol=1e-4)


# ---- bad callables and arguments give clear errors ----

def nan_event(t, y):
    return np.nan


def two_rows(t, y):  # a 1-D array is a vector event (tests/test_resets_vector.py); 2-D is not
    return np.array([[y[0] + 55.0, 1.0]] * 2)


@pytest.mark.parametrize("kwargs, message", [
    (dict(events=nan_event), r"events\[0\] returned nan at t = 0: an event value must be finite"),
    (dict(events=two_rows), r"events\[0\] must return one number or a 1-D array"),
    (dict(y0=[]), r"y0 must be one-dimensional and non-empty"),
    (dict(y0=[1j]), r"y0 must be an array of real numbers"),
    (dict(args=20.0), r"args must be a tuple of extra arguments"),
    (dict(breakpoints=5.0), r"breakpoints must be a one-dimensional sequence of finite times"),
    (dict(breakpoints=["a"]), r"breakpoints must be a one-dimensional sequence"),
    (dict(hold=lambda t, y, i: (1.0, [3])), r"hold's components must index the state \(0 to 0\)"),
    (dict(hold=lambda t, y, i: 1.0), r"hold must return a pair \(duration, components\)"),
    (dict(max_resets=2.5), r"max_resets must be an integer >= 0, got 2.5"),
    (dict(method="Euler"), r"method must be one of RK45, RK23, DOP853, Radau, BDF, LSODA"),
    (dict(rtol="1e-3"), r"rtol must be a number in \[2.22e-14, 1\), got '1e-3'"),
    (dict(rtol=None), r"rtol must be a number in \[2.22e-14, 1\), got None"),
    (dict(rtol=1.0), r"rtol must be a number in \[2.22e-14, 1\), got 1.0"),
    (dict(atol=math.nan), r"atol must be a finite number > 0, got nan"),
    (dict(max_step=math.nan), r"max_step must be a number > 0 \(inf for no limit\), got nan"),
    (dict(fun=lambda t, y: np.array([1.0, 2.0])), r"fun must return dy/dt as 1 real numbers"),
    (dict(fun=lambda t, y: y * 1j), r"fun must return dy/dt as 1 real numbers"),
    (dict(reset=lambda t, y, i: "low"), r"reset must return a state of 1 real numbers"),
])
def test_bad_callables_and_arguments_are_named(kwargs, message):
    args = dict(fun=lif_rhs(20.0), t_span=(0, 100.0), y0=[-70.0], events=threshold(0),
                reset=reset_to(-80.0))
    args.update(kwargs)
    with pytest.raises(LifutilsError, match=message):
        solve_ivp_with_resets(args.pop("fun"), args.pop("t_span"), args.pop("y0"), **args)


def test_an_event_that_turns_nan_later_is_an_error_not_silence():
    def event(t, y):
        return y[0] + 55.0 if t < 5.0 else math.nan
    event.direction = 1
    with pytest.raises(LifutilsError, match=r"events\[0\] returned nan at t = [\d.]+: "):
        solve_ivp_with_resets(lif_rhs(20.0), (0, 100.0), [-70.0], events=event,
                              reset=reset_to(-80.0))


# ---- numpy's overflow warnings: quiet for the whole call while check_finite watches

def _lif(t, y):
    return (-50.0 - y) / 10.0


def _peak(t, y):
    return y[0] + 55.0


_peak.direction = 1


def _overflowing_reset(t, y, i):
    return np.exp(np.array([1000.0]))  # inf, with numpy's overflow warning when shown


def test_an_overflow_in_reset_is_named_and_numpy_state_is_given_back():
    """While check_finite watches, an overflow in reset (outside the solver) is not a raw
    RuntimeWarning (the suite turns warnings into errors): the non-finite state it led to is
    named; and the caller's numpy error state is as it was, after an error too."""
    before = np.geterr()
    with pytest.raises(LifutilsError, match=r"reset returned a non-finite state array\(\[inf\]\)"):
        solve_ivp_with_resets(_lif, (0.0, 50.0), [-70.0], events=_peak,
                              reset=_overflowing_reset)
    assert np.geterr() == before
    with np.errstate(over="raise"):  # the caller's own setting, kept outside the call
        solve_ivp_with_resets(_lif, (0.0, 50.0), [-70.0], events=_peak,
                              reset=lambda t, y, i: np.array([-70.0]))
        with pytest.raises(FloatingPointError):
            np.exp(np.array([1000.0]))


def test_without_check_finite_numpy_shows_its_overflow_warning():
    with pytest.raises(RuntimeWarning, match="overflow"):
        solve_ivp_with_resets(_lif, (0.0, 50.0), [-70.0], events=_peak,
                              reset=_overflowing_reset, check_finite=False)


# ---- one scalar event takes a leaner reset path (Run._reset_one): the same as the general one

def _general_path(monkeypatch):
    """Every call of solve_ivp_with_resets in this test through Run._reset_all."""
    from lifutils.restart import loop
    init = loop.Run.__init__

    def general(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self._one_event = False
    monkeypatch.setattr(loop.Run, "__init__", general)


def _peak32(t, y):  # not a Python float: checked and converted on both paths
    return np.float32(y[0] + 55.0)


_peak32.direction = 1


def _kicked(t, y):  # a time event: a reset cannot move it (it fires once per crossing)
    return t - 12.5


_kicked.direction = 1

ONE_EVENT_CASES = {
    "threshold": dict(events=_peak, reset=lambda t, y, i: np.array([-70.0])),
    "threshold, hold": dict(events=_peak, reset=lambda t, y, i: np.array([-70.0]),
                            hold=lambda t, y, i: (2.0, [0])),
    "time event": dict(events=_kicked, reset=lambda t, y, i: y + 3.0),
    "float32 event value": dict(events=_peak32, reset=lambda t, y, i: np.array([-70.0])),
}


@pytest.mark.parametrize("case", list(ONE_EVENT_CASES))
def test_the_one_event_path_gives_what_the_general_path_gives(case, monkeypatch):
    kwargs = dict(ONE_EVENT_CASES[case], rtol=1e-8, atol=1e-8)
    lean = solve_ivp_with_resets(_lif, (0.0, 60.0), [-70.0], **kwargs)
    _general_path(monkeypatch)
    general = solve_ivp_with_resets(_lif, (0.0, 60.0), [-70.0], **kwargs)
    assert len(lean.t_events[0]) >= 1
    np.testing.assert_array_equal(lean.t_events[0], general.t_events[0])
    np.testing.assert_array_equal(lean.y, general.y)
    assert lean.nfev == general.nfev and lean.message == general.message


@pytest.mark.parametrize("general", [False, True])
def test_the_one_event_path_refuses_what_the_general_path_refuses(general, monkeypatch):
    if general:
        _general_path(monkeypatch)
    with pytest.raises(LifutilsError, match=r"reset for event 0 at t = .* still triggered .*Zeno"):
        solve_ivp_with_resets(_lif, (0.0, 60.0), [-70.0], events=_peak,
                              reset=lambda t, y, i: np.array([-50.0]), rtol=1e-6, atol=1e-9)
    with pytest.raises(LifutilsError, match=r"events\[0\] must return one real number"):
        solve_ivp_with_resets(_lif, (0.0, 60.0), [-70.0], events=_text_below_75,
                              reset=lambda t, y, i: np.array([-80.0]), rtol=1e-6, atol=1e-9)


def _text_below_75(t, y):
    """A number wherever the solver goes (from -70 mV up), text after the reset to -80 mV."""
    return "high" if y[0] < -75.0 else y[0] + 55.0


_text_below_75.direction = 1

"""solve_ivp_with_resets one step off the curated path (issue 14): what plain solve_ivp
integrates, it integrates; a failure is a warning with the partial result, never a silent
short count; callbacks that hand back reused buffers cannot corrupt the result.

The reference is the independent restart loop of ``restart_oracle`` (plain solve_ivp).
"""
import re

import numpy as np
import pytest

from lifutils import LifutilsError, SolverFailedWarning, solve_ivp_with_resets
from restart_oracle import restart_loop

# AdEx, tonic spiking (Naud et al. 2008, Table 1): C = 200 pF, gL = 10 nS, EL = -70 mV,
# VT = -50 mV, DeltaT = 2 mV, tau_w = 30 ms, a = 2 nS, b = 0, Vr = -58 mV, I = 500 pA.
# mV, ms; the peak (the threshold event) at 0 mV.


def adex_rhs(t, y):
    v, w = y
    with np.errstate(over="ignore", invalid="ignore"):  # trial steps overshoot: the solver rejects them
        dv = (-10.0 * (v + 70.0) + 20.0 * np.exp((v + 50.0) / 2.0) - w + 500.0) / 200.0
    return np.array([dv, (2.0 * (v + 70.0) - w) / 30.0])


def peak_at(v_peak):
    def event(t, y):
        return y[0] - v_peak
    event.direction = 1
    return event


def adex_reset(t, y, i):
    return np.array([-58.0, y[1]])


Y0 = np.array([-70.0, 0.0])


@pytest.fixture(autouse=True)
def quiet_trial_steps():
    """scipy's own arithmetic warns on the inf of a trial step it then rejects (plain
    solve_ivp does the same); those warnings are not what these tests are about."""
    with np.errstate(over="ignore", invalid="ignore"):
        yield


@pytest.mark.parametrize("method", ["RK45", "DOP853", "RK23", "LSODA", "Radau", "BDF"])
def test_adex_runs_at_default_options_like_plain_solve_ivp(method):
    """The exponential overflows in trial steps that the solver rejects: not an error.
    (scipy's defaults passed explicitly, as plain solve_ivp has them: no check run.)"""
    sol = solve_ivp_with_resets(adex_rhs, (0.0, 500.0), Y0, events=peak_at(0.0),
                                reset=adex_reset, method=method, rtol=1e-3, atol=1e-6)
    assert sol.status == 0 and np.isfinite(sol.y).all()
    spikes, _ = restart_loop(adex_rhs, Y0, 500.0, threshold=peak_at(0.0),
                             reset=lambda y: adex_reset(0.0, y, 0), method=method)
    # Same solver, same options: the same steps, so the same spikes to rounding.
    assert len(sol.t_events[0]) == len(spikes) >= 50
    np.testing.assert_allclose(sol.t_events[0], spikes, rtol=0, atol=1e-9)


def test_adex_at_tight_tolerance_matches_the_reference():
    ref, _ = restart_loop(adex_rhs, Y0, 500.0, threshold=peak_at(0.0),
                          reset=lambda y: adex_reset(0.0, y, 0), method="DOP853",
                          rtol=1e-12, atol=1e-12)
    sol = solve_ivp_with_resets(adex_rhs, (0.0, 500.0), Y0, events=peak_at(0.0),
                                reset=adex_reset, method="DOP853", rtol=1e-10, atol=1e-10)
    assert len(sol.t_events[0]) == len(ref) == 51
    assert np.max(np.abs(sol.t_events[0] - ref)) < 1e-5


def blow_up_at_40(t, y):
    """A LIF neuron that fires every 10 ln 2 ms, beside w' = w**2 from w(0) = 1/40: w = 1/(40 - t)
    runs away at t = 40 ms, where the steps shrink below the spacing of the doubles."""
    v, w = y
    return np.array([(-(v + 70.0) + 30.0) / 10.0, w * w])


def test_a_failed_solve_warns_where_and_why_and_keeps_the_partial_result():
    # RK23 gives up within microseconds of the singularity, after the five spikes before it
    # (at k * 10 ln 2 ms, 6.9 ms apart; the sixth would come at 41.6 ms). A few thousand
    # evaluations: no budget comes near.
    def threshold(t, y):
        return y[0] + 55.0
    threshold.direction = 1
    with pytest.warns(SolverFailedWarning) as record:
        sol = solve_ivp_with_resets(blow_up_at_40, (0.0, 100.0), [-70.0, 1.0 / 40.0],
                                    events=threshold, reset=lambda t, y, i: np.array([-70.0, y[1]]),
                                    method="RK23", rtol=1e-6, atol=1e-9)
    assert sol.status == -1 and not sol.success
    n = len(sol.t_events[0])
    assert n == 5
    np.testing.assert_allclose(sol.t_events[0], 10.0 * np.log(2.0) * np.arange(1, 6), atol=1e-3)
    t_stop = sol.t[-1]
    assert abs(t_stop - 40.0) < 1e-3
    assert t_stop > sol.t_events[0][-1]  # the right time: where the trace got to, not the restart
    text = str(record[0].message)
    assert f"stopped at t = {t_stop:.6g} of t_span (0, 100), after {n} resets" in text
    assert "RK23" in text and "Required step size" in text and "another method" in text
    assert sol.message.startswith(f"solver failed at t = {t_stop:.6g}: Required step size")


@pytest.mark.parametrize("w0", [0.0, 20.0])
def test_a_high_peak_says_that_the_exponential_overflowed(w0):
    """With the peak at 20 mV the exponential overflows on a spike's upswing and RK45 gives up.

    On which spike is up to the last bits of exp (this processor stops on the first spike from
    w0 = 0 and on the second from w0 = 20; one without AVX-512 stopped on the second from
    w0 = 0), so what is asserted is that it says so and stops on an upswing, not where.
    """
    y0 = np.array([-70.0, w0])
    with pytest.warns(SolverFailedWarning) as record:
        sol = solve_ivp_with_resets(adex_rhs, (0.0, 500.0), y0, events=peak_at(20.0),
                                    reset=adex_reset, method="RK45")
    assert sol.status == -1 and not sol.success
    t_stop, n = sol.t[-1], len(sol.t_events[0])
    text = str(record[0].message)
    assert re.search(rf"stopped at t = {re.escape(f'{t_stop:.6g}')} of t_span \(0, 500\), "
                     rf"after {n} resets: the RK45 solver failed .* fun returned a non-finite "
                     r"derivative .*lower peak", text), text
    # The partial result is a trace to the stop, finite, on the way up a spike: past VT
    # (-50 mV), where the exponential runs away, and below the peak that was never reached.
    assert np.all(np.diff(sol.t) >= 0) and np.isfinite(sol.y).all()
    assert -50.0 < sol.y[0, -1] < 20.0
    # Its spikes and its stop fall on the spikes of the same neuron with its peak at 0 mV
    # (reached within microseconds of 20 mV), to the default tolerance's error of RK45.
    spikes, _ = restart_loop(adex_rhs, y0, 500.0, threshold=peak_at(0.0),
                             reset=lambda y: adex_reset(0.0, y, 0), method="DOP853",
                             rtol=1e-10, atol=1e-10)
    assert n < len(spikes) and np.all(np.abs(sol.t_events[0] - spikes[:n]) < 0.5)
    assert abs(t_stop - spikes[n]) < 0.5  # on the upswing of the next spike, 9 ms apart


def test_a_nan_from_some_time_on_stops_fast_with_a_warning_not_a_hang():
    def rhs(t, y):
        return np.array([np.nan]) if t > 5 else (-50.0 - y) / 10.0
    with pytest.warns(SolverFailedWarning, match=r"stopped at t = 5 .*non-finite derivative "
                                                 r"array\(\[nan\]\)"):
        sol = solve_ivp_with_resets(rhs, (0, 20.0), [-70.0], events=peak_at(-55.0),
                                    reset=lambda t, y, i: np.array([-80.0]))
    assert sol.status == -1 and sol.t[-1] == pytest.approx(5.0, abs=1e-6)
    assert sol.nfev < 2000


def test_a_nan_where_a_step_starts_is_an_error_not_a_hang():
    # After the reset to -80 the derivative is NaN at the restart: the solver's first step
    # size would be NaN, and scipy's RK45 loops for ever on it.
    def rhs(t, y):
        return np.array([np.nan]) if y[0] < -75.0 else (-50.0 - y) / 10.0
    with pytest.raises(LifutilsError, match=r"non-finite derivative array\(\[nan\]\) at "
                                            r"t = 13\.\d+, and the solver's step size became NaN"):
        solve_ivp_with_resets(rhs, (0, 100.0), [-70.0], events=peak_at(-55.0),
                              reset=lambda t, y, i: np.array([-80.0]))


def test_a_nan_state_accepted_by_lsoda_is_an_error_that_names_the_derivative():
    # LSODA steps on into a NaN state that never goes away: stopped, naming the cause.
    def rhs(t, y):
        return np.array([np.nan]) if t > 5 else (-50.0 - y) / 10.0
    with pytest.raises(LifutilsError, match=r"non-finite derivative array\(\[nan\]\) at t = [56]\.\d+"
                                            r".*LSODA solver then accepted a step to a non-finite"):
        solve_ivp_with_resets(rhs, (0, 20.0), [-70.0], events=peak_at(-55.0),
                              reset=lambda t, y, i: np.array([-80.0]), method="LSODA")


def test_lsoda_event_location_failure_is_a_named_error():
    with pytest.raises(LifutilsError, match=r"could not locate an event inside the LSODA step"):
        solve_ivp_with_resets(adex_rhs, (0.0, 500.0), Y0, events=peak_at(20.0),
                              reset=adex_reset, method="LSODA")


# ---- callbacks that hand back a buffer they reuse ----

DRIVES = np.array([20.0, 26.0, 31.0])  # mV; no two neurons tie


def population_rhs(t, v):
    return (-(v + 70.0) + DRIVES) / 10.0


def test_a_reset_that_reuses_its_buffer_cannot_corrupt_the_stored_states():
    buf = np.empty(3)

    def reusing(t, v, i):
        buf[:] = v
        buf[i] = -80.0
        return buf

    def fresh(t, v, i):
        v = v.copy()
        v[i] = -80.0
        return v

    def thresholds(t, v):
        return v + 55.0
    thresholds.direction = 1
    runs = [solve_ivp_with_resets(population_rhs, (0, 60.0), np.full(3, -70.0), events=thresholds,
                                  reset=reset, rtol=1e-10, atol=1e-10) for reset in (reusing, fresh)]
    for got, want in zip(runs[0].y_events, runs[1].y_events):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(runs[0].y, runs[1].y)
    assert runs[0].y[:, -1].min() > -80.0  # the last reset did not overwrite the trace


def test_a_vector_event_that_reuses_its_buffer_still_fires_after_a_kick():
    # Neuron 1 is kicked past its threshold by neuron 0's reset: it must fire at once.
    gbuf = np.empty(2)

    def reusing(t, v):
        np.add(v, 55.0, out=gbuf)
        return gbuf

    def fresh(t, v):
        return v + 55.0
    for events in (reusing, fresh):
        events.direction = 1

    def kick(t, v, i):
        v = v.copy()
        v[i] = -80.0
        v[1 - i] += 12.0
        return v
    drives = np.array([20.0, 14.0])  # neuron 1 alone never fires (rheobase 15 mV)
    runs = [solve_ivp_with_resets(lambda t, v: (-(v + 70.0) + drives) / 10.0, (0, 40.0),
                                  np.array([-70.0, -70.0]), events=events, reset=kick,
                                  rtol=1e-10, atol=1e-10) for events in (reusing, fresh)]
    for run in runs:
        assert len(run.t_events[1]) >= 1 and run.t_events[1][0] == run.t_events[0][0]
        assert run.y[1, -1] < -55.0
    for got, want in zip(runs[0].t_events, runs[1].t_events):
        np.testing.assert_array_equal(got, want)


def _returns(kind):
    """adex_rhs, returning its derivative in the way ``kind`` names."""
    if kind == "fresh":
        return adex_rhs
    if kind == "one buffer":  # the case of issue 24: spike times drifted 9e-3 ms
        buf = np.empty(2)

        def one(t, y):
            buf[:] = adex_rhs(t, y)
            return buf
        return one
    if kind == "two buffers in turn":
        bufs, calls = [np.empty(2), np.empty(2)], [0]

        def two(t, y):
            calls[0] += 1
            buf = bufs[calls[0] % 2]
            buf[:] = adex_rhs(t, y)
            return buf
        return two
    if kind == "a row of a table":  # a view: the array does not own its data
        table = np.empty((3, 2))

        def row(t, y):
            table[1] = adex_rhs(t, y)
            return table[1]
        return row
    if kind == "a view of a column":  # reshaped, so a view of the (2, 1) buffer
        column = np.empty((2, 1))

        def view(t, y):
            column[:, 0] = adex_rhs(t, y)
            return column.reshape(2)
        return view
    if kind == "scribbled over later":  # fresh, but kept, and spoiled at the next call

        class Spoiler:
            last = None

            def __call__(self, t, y):
                if self.last is not None:
                    self.last[:] = np.nan
                self.last = adex_rhs(t, y)
                return self.last
        return Spoiler()
    raise ValueError(kind)


@pytest.mark.parametrize("method", ["RK45", "DOP853", "LSODA", "BDF"])
@pytest.mark.parametrize("kind", ["one buffer", "two buffers in turn", "a row of a table",
                                  "a view of a column", "scribbled over later"])
def test_a_fun_whose_returns_are_reused_gives_the_run_of_a_fresh_one(kind, method):
    # What the solver keeps of fun's returns is its own: the same steps, spikes and trace
    # to the last bit as with a fun that returns a new array each time. (The peak at -30 mV
    # keeps the exponential far from overflowing, so every method gets through anywhere.)
    def run(fun):
        return solve_ivp_with_resets(fun, (0.0, 150.0), Y0, events=peak_at(-30.0),
                                     reset=adex_reset, method=method, rtol=1e-6, atol=1e-6)
    mine, fresh = run(_returns(kind)), run(_returns("fresh"))
    assert len(fresh.t_events[0]) >= 3
    assert mine.nfev == fresh.nfev
    np.testing.assert_array_equal(mine.t_events[0], fresh.t_events[0])
    np.testing.assert_array_equal(mine.t, fresh.t)
    np.testing.assert_array_equal(mine.y, fresh.y)


def test_the_reused_buffer_guard_is_needed_where_it_acts():
    # Without its own copies the solver is fooled: plain solve_ivp with the spoiling fun
    # above fails or drifts (so the test above can fail), with the fresh one it matches.
    from scipy.integrate import solve_ivp
    event = peak_at(-30.0)
    event.terminal = True
    with np.errstate(invalid="ignore", over="ignore"):
        fresh = solve_ivp(adex_rhs, (0.0, 150.0), Y0, method="RK45", events=event,
                          rtol=1e-6, atol=1e-6)
        spoiled = solve_ivp(_returns("scribbled over later"), (0.0, 150.0), Y0,
                            method="RK45", events=event, rtol=1e-6, atol=1e-6)
    assert fresh.status == 1
    assert spoiled.status != 1 or abs(spoiled.t_events[0][0] - fresh.t_events[0][0]) > 1e-6


def test_a_nan_only_in_rejected_trial_steps_changes_nothing():
    # dv/dt is NaN past -54 mV, a mV above the threshold: only a trial step that overshoots
    # gets there, and the solver rejects it (its error estimate is NaN) and tries a shorter
    # one, as plain solve_ivp does. No warning, no error, the spikes of the plain loop.
    seen = [0]

    def rhs(t, y):
        if y[0] > -54.0:
            seen[0] += 1
            return np.array([np.nan])
        return (-(y + 70.0) + 20.0) / 10.0

    def threshold(t, y):
        return y[0] + 55.0
    threshold.direction = 1
    for method in ("RK45", "DOP853"):
        seen[0] = 0
        sol = solve_ivp_with_resets(rhs, (0.0, 100.0), [-70.0], events=threshold,
                                    reset=lambda t, y, i: np.array([-80.0]), method=method,
                                    rtol=1e-3, atol=1e-6)
        assert seen[0] > 0, "no trial step reached the NaN: the test tests nothing"
        assert sol.status == 0 and np.isfinite(sol.y).all()
        with np.errstate(invalid="ignore"):
            spikes, _ = restart_loop(rhs, np.array([-70.0]), 100.0, threshold=threshold,
                                     reset=lambda y: np.array([-80.0]), method=method,
                                     rtol=1e-3, atol=1e-6)
        np.testing.assert_array_equal(sol.t_events[0], spikes)
        # and they are the LIF neuron's, to the loose tolerance's error (10 ln 4 apart, after
        # the first at 10 ln 3 ... within about 0.1 ms)
        assert len(spikes) == 5


# ---- what a call keeps, and the work it may do ----

def lif_threshold():
    def event(t, y):
        return y[0] + 55.0
    event.direction = 1
    return event


def lif_run(**options):
    return solve_ivp_with_resets(lambda t, y: (-(y + 70.0) + 20.0) / 10.0, (0.0, 100.0), [-70.0],
                                 events=lif_threshold(), reset=lambda t, y, i: np.array([-80.0]),
                                 rtol=1e-10, atol=1e-10, **options)


def test_keep_y_events_false_keeps_the_spike_times_only():
    kept, dropped = lif_run(), lif_run(keep_y_events=False)
    assert dropped.y_events is None and len(kept.y_events[0]) == 5
    np.testing.assert_array_equal(kept.t_events[0], dropped.t_events[0])
    np.testing.assert_array_equal(kept.y, dropped.y)


@pytest.mark.parametrize("bad", ["no", 1, None, np.array([True, False])])
def test_keep_y_events_must_be_a_bool(bad):
    with pytest.raises(LifutilsError, match=r"keep_y_events must be True or False, got"):
        lif_run(keep_y_events=bad)


def test_the_states_kept_at_resets_count_against_the_memory_budget(monkeypatch):
    from lifutils import BudgetError, checks
    monkeypatch.setattr(checks, "MEMORY_BUDGET", 8 * 3)  # room for three states of one (and t_eval)
    grid = np.array([0.0])  # a stored trace of one point: within the budget
    with pytest.raises(BudgetError, match=r"states kept at resets \(y_events\) have reached 3 "
                                          r"resets .*keep_y_events=False"):
        lif_run(t_eval=grid)
    assert len(lif_run(t_eval=grid, keep_y_events=False).t_events[0]) == 5


def test_resets_that_come_too_fast_meet_max_nfev():
    # A reset a hair below the threshold: the neuron fires again almost at once, for ever.
    from lifutils import BudgetError
    with pytest.raises(BudgetError, match=r"after \d+ resets \(each restart of the solver counts "
                                          r"as 100 evaluations\).*reset further from the threshold"):
        solve_ivp_with_resets(lambda t, y: (-(y + 70.0) + 20.0) / 10.0, (0.0, 1000.0), [-70.0],
                              events=lif_threshold(), reset=lambda t, y, i: np.array([-55.0 - 1e-13]),
                              max_resets=10**9, max_nfev=20_000)


def test_a_one_entry_vector_event_takes_a_direction_array():
    def thresholds(t, v):
        return v + 55.0  # shape (1,): a vector event of one neuron
    thresholds.direction = np.ones(1)
    sol = solve_ivp_with_resets(lambda t, y: (-(y + 70.0) + 20.0) / 10.0, (0.0, 50.0), [-70.0],
                                events=thresholds, reset=lambda t, y, i: np.array([-80.0]),
                                rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(sol.t_events[0], [13.8629436, 31.7805383, 49.6981329], atol=1e-6)


@pytest.mark.parametrize("value", [lambda v: v >= -55.0, lambda v: bool(v[0] >= -55.0)])
def test_an_event_that_returns_true_or_false_is_refused_by_name(value):
    with pytest.raises(LifutilsError, match=r"events\[0\] returned True/False: an event must "
                                            r"return a number that crosses zero"):
        solve_ivp_with_resets(lambda t, y: (-(y + 70.0) + 20.0) / 10.0, (0.0, 50.0),
                              np.full(2, -70.0), events=lambda t, v: value(v),
                              reset=lambda t, y, i: y - 10.0)


def test_fun_is_copied_exactly_when_someone_else_may_hold_its_return():
    # The guard behind the tests above: a return that only the solver will hold is
    # passed on as it is (no copy, the overhead of benchmarks/accuracy_cost.py), any
    # other is copied.
    import itertools
    from lifutils.restart.guards import Guards, checked_rhs, counted_rhs, guarded_rhs

    class Settings:
        t0, tf, n, max_nfev, max_seconds, bytes_per_step, method_name = \
            0.0, 1.0, 2, 10**6, 10.0, 0, "RK45"
    kept = np.zeros(2)
    table = np.zeros((2, 2))
    state = np.zeros(2)
    for wrap in (counted_rhs, checked_rhs,
                 lambda *a: guarded_rhs(*a, True, None)):
        returned = []

        def fresh(t, y):
            returned.append(id(out := np.array([1.0, 2.0])))
            return out
        f = wrap(fresh, itertools.count(1), Guards(Settings()), 2)
        assert id(f(0.0, state)) == returned[-1]  # the very array fun made
        for held in (lambda t, y: kept, lambda t, y: table[0], lambda t, y: y):
            f = wrap(held, itertools.count(1), Guards(Settings()), 2)
            dy = f(0.0, state)
            assert dy is not kept and dy.base is None and dy is not state
    f = guarded_rhs(fresh, itertools.count(1), Guards(Settings()), 2, True, np.array([True, False]))
    assert f(0.0, state).tolist() == [0.0, 2.0]  # held: set to 0 in our own copy


# ---- the solvers that call our checked fun directly (restart.loop.DIRECT) ----

@pytest.mark.parametrize("method", ["RK23", "RK45", "DOP853", "LSODA", "BDF", "Radau"])
def test_without_a_reset_the_run_and_its_count_are_plain_solve_ivps(method):
    # RK23, RK45, DOP853 and LSODA call our wrapper without scipy's own two layers and count
    # evaluations on our counter: the same steps, states and nfev as plain solve_ivp.
    from scipy.integrate import solve_ivp

    def fun(t, y):
        return np.array([-y[0] + np.sin(t), 0.5 * y[0] - y[1]])

    def never(t, y):
        return y[0] - 100.0
    never.terminal, never.direction = True, 1
    plain = solve_ivp(fun, (0.0, 20.0), [0.3, -0.2], method=method, rtol=1e-6, atol=1e-9,
                      events=never)
    ours = solve_ivp_with_resets(fun, (0.0, 20.0), [0.3, -0.2], method=method, rtol=1e-6,
                                 atol=1e-9, events=never, reset=lambda t, y, i: y)
    assert ours.nfev == plain.nfev and ours.njev == plain.njev
    assert np.array_equal(ours.t, plain.t) and np.array_equal(ours.y, plain.y)


@pytest.mark.parametrize("method", ["RK23", "RK45", "DOP853", "LSODA"])
def test_the_direct_path_still_names_a_fun_that_turns_bad(method):
    calls = [0]

    def fun(t, y):
        calls[0] += 1
        if calls[0] > 40:
            return "text"  # after the solver was built: on the direct path
        return -y

    with pytest.raises(LifutilsError, match=r"fun must return dy/dt as 1 real numbers"):
        solve_ivp_with_resets(fun, (0.0, 50.0), [1.0], method=method, rtol=1e-8, atol=1e-8,
                              events=lambda t, y: y[0] - 5.0, reset=lambda t, y, i: y)
    calls[0] = 0

    def nan_later(t, y):
        calls[0] += 1
        return -y if calls[0] < 40 else np.array([np.nan])

    # A NaN derivative: the solver gives up (a SolverFailedWarning and status -1) or the
    # guard stops it first (a LifutilsError); either way the message says what fun returned.
    import warnings
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            result = solve_ivp_with_resets(nan_later, (0.0, 50.0), [1.0], method=method,
                                           rtol=1e-8, atol=1e-8, events=lambda t, y: y[0] - 5.0,
                                           reset=lambda t, y, i: y)
        except LifutilsError as exc:
            message = str(exc)
        else:
            assert result.status == -1 and not result.success
            message = " ".join(str(w.message) for w in seen if w.category is SolverFailedWarning)
    assert "non-finite derivative" in message, message


def test_an_odesolver_class_of_the_users_own_is_left_as_it_is():
    from scipy.integrate import RK45

    class Mine(RK45):
        pass

    ours = solve_ivp_with_resets(lambda t, y: -y, (0.0, 5.0), [1.0], method=Mine,
                                 events=lambda t, y: y[0] - 5.0, reset=lambda t, y, i: y,
                                 rtol=1e-6, atol=1e-9)
    plain = solve_ivp_with_resets(lambda t, y: -y, (0.0, 5.0), [1.0], method="RK45",
                                  events=lambda t, y: y[0] - 5.0, reset=lambda t, y, i: y,
                                  rtol=1e-6, atol=1e-9)
    assert ours.nfev == plain.nfev and np.array_equal(ours.y, plain.y)

"""Every number that the prose of notebooks 04, 05 and 06 states, computed again with lifutils.

Each test names the notebook and section whose claim it checks. Where a claim rests on a
simulation, the simulation is also checked against an exact answer computed another way.
"""
import math
from functools import reduce

import numpy as np
import pytest

from lifutils import (IllConditionedWarning, LIFParams, exact_spike_times, exercises, firing_rate, first_spike_time,
                      interspike_interval, rheobase, solve_ivp_with_resets)
from lifutils.compare import compare_methods, simulated_rates, work_precision
from lifutils.references import adapted_isi, adaptive_reference, exact_lif_with_current
from notebook_exercises import teacher_solution

P20 = LIFParams(i_e=20.0)
TOL = dict(rtol=1e-10, atol=1e-10)  # notebook 05's tolerances


# =============================================================== 04_side_by_side

@pytest.fixture(scope="module")
def second():
    """compare_methods over 1000 ms at 20 nA, keyed by method (section 2)."""
    return {row["key"]: row for row in compare_methods(P20, 1000.0)}


def test_04_table_spike_counts(second):
    claimed = dict(euler=56, euler_interp=56, hack=0, events=56, exact=56)
    assert {k: second[k]["n_spikes"] for k in claimed} == claimed
    assert math.isinf(second["hack"]["max_error"])  # "wrong count"


def test_04_table_first_spikes(second):
    assert f"{second['euler']['first_spike']:.4f}" == "13.8000"
    assert f"{second['euler_interp']['first_spike']:.4f}" == "13.7935"
    assert f"{second['events']['first_spike']:.4f}" == f"{second['exact']['first_spike']:.4f}" \
        == "13.8629"


def test_04_table_errors_and_costs(second):
    assert f"{second['euler']['max_error']:.2e}" == "1.03e+00"
    assert f"{second['euler_interp']['max_error']:.2e}" == "5.00e+00"
    assert f"{second['events']['max_error']:.2e}" == "1.03e-05"
    assert second["events"]["nfev"] == 5820 and second["euler"]["nfev"] == 10000
    assert second["hack"]["nfev"] == 25022
    assert second["events"]["nfev"] < second["euler"]["nfev"]


def test_04_raster_last_spikes_and_mean_intervals(second):
    named = ("euler", "euler_interp", "events", "exact")  # the methods the notebook's prose names
    last = {k: second[k]["result"].spike_times[-1] for k in named}
    mean = {k: np.mean(np.diff(second[k]["result"].spike_times)) for k in named}
    assert {k: f"{v:.3f}" for k, v in last.items()} == dict(
        euler="998.300", euler_interp="994.335", events="999.331", exact="999.331")
    assert {k: f"{v:.4f}" for k, v in mean.items()} == dict(
        euler="17.9000", euler_interp="17.8280", events="17.9176", exact="17.9176")
    assert f"{10.0 * math.log(6.0):.4f}" == "17.9176"  # "10 ln 6"
    assert round(mean["exact"] - mean["euler_interp"], 2) == 0.09  # "0.09 ms short"
    assert round(last["exact"] - last["euler_interp"]) == 5  # "5 ms ahead"
    # "whole numbers of 0.1 ms steps ... 179 steps"
    steps = np.diff(second["euler"]["result"].spike_times) / 0.1
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-6)
    assert round(mean["euler"] / 0.1) == 179


@pytest.fixture(scope="module")
def fi():
    currents = np.arange(0.0, 40.5, 4.0)
    simulated = {k: simulated_rates(k, P20, currents) for k in ("euler", "euler_interp", "events")}
    return currents, firing_rate(P20, i_e=currents), simulated


def test_04_fi_curve(fi):
    currents, analytic, simulated = fi
    assert len(currents) == 11 and currents[0] == 0.0 and currents[-1] == 40.0
    assert rheobase(P20) == 15.0
    below = currents < 15.0
    assert all(np.all(rates[below] == 0.0) for rates in simulated.values())  # "0 Hz"
    assert np.all(analytic[below] == 0.0)
    assert " ".join(f"{r:.3f}" for r in analytic[4:]) == \
        "30.693 55.811 75.237 93.228 110.564 127.532 144.270"
    diff = {k: rates - analytic for k, rates in simulated.items()}
    assert np.max(np.abs(diff["events"])) < 1e-3  # "within 0.001 Hz"
    assert np.all(diff["euler_interp"][~below] > 0)  # "too fast at every current"
    assert np.all(np.diff(diff["euler_interp"][~below]) > 0)  # "more so the faster"
    assert f"{diff['euler_interp'][4]:+.3f}" == "+0.154"
    assert f"{diff['euler_interp'][-1]:+.3f}" == "+0.723"
    assert f"{diff['euler'][9]:+.3f}" == "-0.949" and currents[9] == 36.0
    assert f"{diff['euler'][-1]:+.3f}" == "+0.658"
    assert diff["euler"][~below].min() == diff["euler"][9]  # the most negative
    assert diff["euler"][~below].max() == diff["euler"][-1]  # the most positive
    # "off by up to about 1 Hz" (summary)
    assert 0.9 < max(np.max(np.abs(diff["euler"])), np.max(np.abs(diff["euler_interp"]))) < 1.0


def test_04_fi_staircase_at_36_nA(fi):
    currents, analytic, simulated = fi
    assert f"{interspike_interval(P20.replace(i_e=36.0)):.4f}" == "7.8412"  # "about 7.84 ms"
    assert f"{1000.0 / simulated['euler'][9]:.4f}" == "7.9000"  # 79 steps of 0.1 ms
    assert round(1000.0 / simulated["euler"][9] / 0.1) == 79


@pytest.fixture(scope="module")
def wp():
    rows = work_precision(P20, 200.0, dts=(1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01),
                          rtols=(1e-3, 1e-5, 1e-7, 1e-9, 1e-11))
    return {(r["family"], r["setting"]): r for r in rows}


def test_04_work_precision_setup(wp):
    assert len(exact_spike_times(P20, 200.0)) == 11  # "200 ms at 20 nA (11 spikes)"
    assert all(r["n_spikes"] == 11 for r in wp.values())  # the table's spikes column
    assert all(math.isfinite(r["max_error"]) and r["max_error"] > 0 for r in wp.values())


def test_04_work_precision_euler_is_first_order(wp):
    errors = [wp[("Euler, interpolated", f"dt={dt:g} ms")]["max_error"] for dt in (1.0, 0.1, 0.01)]
    assert [f"{e:.3g}" for e in errors] == ["9.6", "0.965", "0.0965"]
    assert errors[0] / errors[1] == pytest.approx(10.0, rel=0.01)
    assert errors[1] / errors[2] == pytest.approx(10.0, rel=0.01)


def test_04_work_precision_events(wp):
    loose, tight = wp[("events (RK45)", "rtol=0.001")], wp[("events (RK45)", "rtol=1e-11")]
    assert (f"{loose['max_error']:.2e}", loose["nfev"]) == ("1.61e-01", 300)
    assert (f"{tight['max_error']:.2e}", tight["nfev"]) == ("6.42e-10", 3924)
    euler, rk = wp[("Euler", "dt=0.1 ms")], wp[("events (RK45)", "rtol=1e-09")]
    assert (euler["nfev"], f"{euler['max_error']:.2e}") == (2000, "2.39e-01")
    assert (rk["nfev"], f"{rk['max_error']:.2e}") == (1710, "8.48e-08")
    assert 2.5e6 < euler["max_error"] / rk["max_error"] < 3.5e6  # "about three million"


def test_04_work_precision_which_solver(wp):
    at = {rtol: {m: wp[(f"events ({m})", f"rtol={rtol:g}")]["nfev"]
                 for m in ("RK45", "DOP853", "LSODA")} for rtol in (1e-3, 1e-11)}
    tight, loose = at[1e-11], at[1e-3]
    assert (tight["RK45"], tight["DOP853"], tight["LSODA"]) == (3924, 1281, 1052)
    assert max(tight, key=tight.get) == "RK45"  # "the most expensive at tight tolerances"
    for m in ("DOP853", "LSODA"):  # "about a third of that"
        assert 0.25 < tight[m] / tight["RK45"] < 0.4
    assert min(loose, key=loose.get) == "LSODA" and loose["LSODA"] == 244


def test_04_work_precision_plain_euler_jumps(wp):
    """Bonus: "at dt = 0.5 ms it is worse than at 1 ms, and from 0.1 to 0.02 ms it hardly moves"."""
    err = {dt: wp[("Euler", f"dt={dt:g} ms")]["max_error"] for dt in (1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01)}
    assert err[0.5] > err[1.0]
    assert 0.15 < err[0.02] < err[0.05] < err[0.1] < 0.25  # hardly moves
    # "three of the points (1, 0.1 and 0.01 ms) lie near a line of slope about -0.5"
    three = [wp[("Euler", f"dt={dt:g} ms")] for dt in (1.0, 0.1, 0.01)]
    slope = np.polyfit(np.log10([r["nfev"] for r in three]), np.log10([r["max_error"] for r in three]), 1)[0]
    assert -0.6 < slope < -0.45
    line = np.polyfit(np.log10([r["nfev"] for r in three]), np.log10([r["max_error"] for r in three]), 1)
    for dt in (0.5, 0.2):  # "... but dt = 0.5 and 0.2 ms lie far above it" (more than twice)
        r = wp[("Euler", f"dt={dt:g} ms")]
        assert r["max_error"] > 2.0 * 10 ** np.polyval(line, np.log10(r["nfev"]))
    # and no straight line fits all seven
    n = np.log10([wp[("Euler", f"dt={dt:g} ms")]["nfev"] for dt in err])
    residual = np.log10(list(err.values())) - np.polyval(np.polyfit(n, np.log10(list(err.values())), 1), n)
    assert np.max(np.abs(residual)) > 0.3  # more than a factor of 2 off any straight line


def test_04_work_precision_slopes(wp):
    """Bonus: interpolated Euler on slope -1; the events steeper than slope -5 at tight rtol."""
    interp = [wp[("Euler, interpolated", f"dt={dt:g} ms")] for dt in (1.0, 0.1, 0.01)]
    slope = np.polyfit(np.log10([r["nfev"] for r in interp]), np.log10([r["max_error"] for r in interp]), 1)[0]
    assert slope == pytest.approx(-1.0, abs=0.01)
    for m in ("RK45", "DOP853", "LSODA"):
        a, b = wp[(f"events ({m})", "rtol=1e-07")], wp[(f"events ({m})", "rtol=1e-11")]
        assert np.log(b["max_error"] / a["max_error"]) / np.log(b["nfev"] / a["nfev"]) < -5.0
    tight = wp[("events (RK45)", "rtol=1e-11")]
    assert tight["max_error"] < 1e-9 and round(tight["nfev"], -2) == 3900  # "below 1e-9 ms at about 3900"
    assert round(wp[("events (RK45)", "rtol=0.001")]["max_error"], 2) == 0.16


def test_04_think_and_summary(second):
    """Think!: "about 5800 evaluations, an error about 100 000 times smaller (1e-5 ms against 1 ms)"."""
    assert round(second["events"]["nfev"], -2) == 5800 and second["euler"]["nfev"] == 10000
    ratio = second["euler"]["max_error"] / second["events"]["max_error"]
    assert 0.5e5 < ratio < 2e5
    assert round(second["euler"]["max_error"]) == 1 and round(second["euler_interp"]["max_error"]) == 5
    assert f"{10.0 * math.log(6.0):.2f}" == "17.92"


def test_04_exercise_rate():
    my_rate = teacher_solution("04_side_by_side", "my_rate")
    spikes = exact_spike_times(P20, 1000.0)
    assert f"{my_rate(spikes):.1f}" == "55.8"
    assert my_rate(spikes) == pytest.approx(firing_rate(P20), abs=1e-3)


# =============================================================== 05_larger_models

TAU_W, B = 100.0, 2.0


def threshold_event(params, index=0):
    def event(t, y):
        return y[index] - params.v_thresh
    event.direction = 1
    return event


@pytest.fixture(scope="module")
def adaptation():
    p = P20

    def rhs(t, y):
        return [(-(y[0] - p.v_rest) + p.r_m * (p.i_e - y[1])) / p.tau_m, -y[1] / TAU_W]

    sol = solve_ivp_with_resets(rhs, (0.0, 500.0), [p.v_rest, 0.0], events=threshold_event(p),
                                reset=lambda t, y, i: np.array([p.v_reset, y[1] + B]), **TOL)
    return sol, exact_lif_with_current(p, 500.0, tau_x=TAU_W, spike_jump=-B)


def test_05_adaptation(adaptation):
    sol, exact = adaptation
    spikes = sol.t_events[0]
    assert len(spikes) == 14
    assert f"{spikes[0]:.4f}" == f"{first_spike_time(P20):.4f}" == "13.8629"
    isi = np.diff(spikes)
    assert np.all(np.diff(isi) > 0) or np.all(np.diff(isi[:-3]) > 0)  # "the intervals lengthen"
    assert f"{isi[0]:.2f}" == "21.58" and f"{isi[-1]:.2f}" == "39.69"
    assert f"{adapted_isi(P20, tau_w=TAU_W, b=B):.3f}" == "39.689"
    assert f"{interspike_interval(P20):.3f}" == "17.918"
    gap = np.max(np.abs(spikes - exact.spike_times))
    assert gap < 1e-7  # "to about 1e-7 ms" (solver noise: a bound, not digits)
    # prose: "from about 21.6 ms towards the steady 39.7 ms"
    assert f"{isi[0]:.1f}" == "21.6" and f"{adapted_isi(P20, tau_w=TAU_W, b=B):.1f}" == "39.7"


@pytest.fixture(scope="module")
def synapse():
    p = LIFParams(i_e=10.0)
    tau_s, q = 5.0, 6.0
    inputs = np.arange(20.0, 100.0, 2.5)

    def rhs(t, y):
        return [(-(y[0] - p.v_rest) + p.r_m * (p.i_e + y[1])) / p.tau_m, -y[1] / tau_s, 0.0]

    def next_input(t, y):
        k = int(y[2])
        return t - inputs[k] if k < len(inputs) else -1.0
    next_input.direction = 1

    def reset(t, y, index):
        v, s, k = y
        return np.array([p.v_reset, s, k]) if index == 0 else np.array([v, s + q, k + 1])

    sol = solve_ivp_with_resets(rhs, (0.0, 150.0), [p.v_rest, 0.0, 0.0],
                                events=[threshold_event(p), next_input], reset=reset,
                                max_step=0.1, **TOL)
    exact = exact_lif_with_current(p, 150.0, tau_x=tau_s, input_times=inputs, input_jump=q)
    return p, inputs, sol, exact


def test_05_synaptic_input(synapse):
    p, inputs, sol, exact = synapse
    assert p.v_inf == -60.0 and rheobase(p) - p.i_e == 5.0  # "the 5 nA the neuron lacks"
    assert len(inputs) == 32 and inputs[-1] == 97.5
    np.testing.assert_array_equal(sol.t_events[1], inputs)  # each input exactly at its time
    assert 6.0 * 5.0 / 2.5 == 12.0  # average s: q tau_s / period
    out = sol.t_events[0]
    assert " ".join(f"{t:.3f}" for t in out) == "30.160 45.600 60.760 75.896 91.026"
    gap = np.max(np.abs(out - exact.spike_times))
    assert gap < 3e-10  # "about 1e-10 ms"
    # Silent before the train and after it has decayed.
    assert out[0] > 20.0 and out[-1] < 100.0


def test_05_synaptic_average_is_the_time_average_of_s(synapse):
    # The "average of 12 nA" of the text, measured on the exact trace over whole periods.
    p, inputs, sol, exact = synapse
    t = np.linspace(50.0, 95.0, 45 * 200 + 1)
    s = np.interp(t, exact.t, exact.x)
    assert np.mean(s) == pytest.approx(12.0, abs=0.1)


DRIVES = np.array([18.0, 20.0, 22.0, 24.0])
V_START = np.array([-70.0, -65.0, -60.0, -75.0])


def network(kick, reset_only=False):
    def rhs(t, v):
        return (-(v - P20.v_rest) + P20.r_m * DRIVES) / P20.tau_m

    def reset(t, v, index):
        v = v + kick
        v[index] = P20.v_reset
        return v
    if reset_only:
        return reset
    return solve_ivp_with_resets(rhs, (0.0, 300.0), V_START,
                                 events=[threshold_event(P20, i) for i in range(4)],
                                 reset=reset, **TOL)


def exact_network(kick, t_max=300.0, drives=DRIVES, v_start=V_START):
    """Event-driven network with closed-form times to threshold, and the same volley order.

    Between spikes each v_i relaxes exponentially towards v_inf_i; the next neuron to fire is
    the one with the earliest closed-form threshold time. At a spike the neuron is reset and
    kicks the others; neurons kicked over threshold fire at the same time, in order of index
    behind the one that set the volley off (as solve_ivp_with_resets does).

    Returns the spike trains and the margin: the smallest distance (mV) from its threshold of
    any neuron after any kick, fired or not; with a margin near rounding, whether a neuron
    joins a volley would depend on the last bit of the arithmetic.
    """
    v_inf = P20.v_rest + P20.r_m * drives
    v, t, spikes, margin = np.array(v_start, dtype=float), 0.0, [[] for _ in drives], np.inf
    while True:
        with np.errstate(divide="ignore", invalid="ignore"):
            wait = np.where(v_inf > P20.v_thresh,
                            P20.tau_m * np.log((v - v_inf) / (P20.v_thresh - v_inf)), np.inf)
        first = int(np.argmin(wait))
        if t + wait[first] > t_max:
            return [np.array(s) for s in spikes], margin
        t += wait[first]
        v = v_inf + (v - v_inf) * np.exp(-wait[first] / P20.tau_m)
        v[first] = P20.v_thresh
        pending, fired = [first], set()
        while pending:
            i = pending.pop(0)
            fired.add(i)
            spikes[i].append(t)
            v = v + kick
            v[i] = P20.v_reset
            waiting = [j for j in range(len(drives)) if j not in pending and j not in fired]
            if kick:
                margin = min([margin] + [abs(v[j] - P20.v_thresh) for j in waiting])
            pending += [j for j in waiting if v[j] >= P20.v_thresh]


KICK = 2.5  # mV: kicks of 2 mV with drives 2 nA apart land neurons exactly on the threshold


@pytest.fixture(scope="module")
def runs():
    return {kick: network(kick) for kick in (0.0, KICK)}


def test_05_network_spike_counts(runs):
    assert [len(t) for t in runs[0.0].t_events] == [13, 17, 20, 22]
    assert [len(t) for t in runs[KICK].t_events] == [27, 27, 27, 27]


def test_05_network_matches_an_independent_event_driven_simulation(runs):
    for kick, run in runs.items():
        expected, _ = exact_network(kick)
        for got, want in zip(run.t_events, expected):
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)


def test_05_network_keeps_every_kick_away_from_the_threshold():
    """No tie: every kick leaves every neuron at least 1e-6 mV from its threshold (0.03 mV
    here), while 2 mV kicks land some exactly on it (within rounding), as the text says."""
    _, margin = exact_network(KICK)
    assert margin > 1e-6 and f"{margin:.2f}" == "0.03"
    _, tied = exact_network(2.0)
    assert tied < 1e-12
    with pytest.warns(IllConditionedWarning, match=r"within rounding of its trigger"):
        network(2.0)


@pytest.mark.parametrize("relative", [1e-12, -1e-12])
def test_05_network_prints_the_same_when_the_inputs_move_by_1e_12(runs, relative):
    def printed(run):
        coupled = run.t_events
        volleys = reduce(np.intersect1d, coupled)
        locked = next(t0 for t0 in volleys if all(np.isin(t[t >= t0], volleys).all()
                                                  for t in coupled))
        steady = np.diff(volleys[volleys >= locked])
        return ([len(t) for t in coupled], f"{locked:.2f}", " ".join(f"{d:.2f}" for d in steady))
    moved = solve_ivp_with_resets(
        lambda t, v: (-(v - P20.v_rest) + P20.r_m * DRIVES * (1 + relative)) / P20.tau_m,
        (0.0, 300.0), V_START * (1 + relative),
        events=[threshold_event(P20, i) for i in range(4)],
        reset=network(KICK * (1 + relative), reset_only=True), **TOL)
    assert printed(moved) == printed(runs[KICK])


def test_05_network_uncoupled_is_the_closed_form(runs):
    alone = [exact_spike_times(LIFParams(i_e=d, v0=v0), 300.0) for d, v0 in zip(DRIVES, V_START)]
    gap = max(np.max(np.abs(t - a)) for t, a in zip(runs[0.0].t_events, alone))
    assert gap < 1e-7


def test_05_network_locks_into_volleys(runs):
    coupled = runs[KICK].t_events
    volleys = reduce(np.intersect1d, coupled)
    locked = next(t0 for t0 in volleys if all(np.isin(t[t >= t0], volleys).all() for t in coupled))
    assert f"{locked:.2f}" == "29.38" and round(locked) == 29  # "from about 29 ms on"
    steady = np.diff(volleys[volleys >= locked])
    assert " ".join(f"{d:.2f}" for d in steady) == "11.70" + " 10.80" * 23
    np.testing.assert_allclose(steady[1:], steady[-1], rtol=0, atol=1e-9)  # a steady rhythm
    assert f"{steady[-1]:.1f}" == "10.8"  # "one about every 10.8 ms"
    assert f"{interspike_interval(P20.replace(i_e=24.0)):.2f}" == "13.29"
    assert f"{interspike_interval(P20.replace(i_e=24.0)):.1f}" == "13.3"
    # The same from the independent simulation.
    exact, _ = exact_network(KICK)
    exact_volleys = reduce(np.intersect1d, exact)
    assert exact_volleys[exact_volleys >= 29.0][0] == pytest.approx(locked, abs=1e-6)


# =============================================================== 06_exercises

def test_06_warm_up_interval():
    isi = interspike_interval(exercises.REFRACTORY_NEURON)
    assert f"{isi:.4f}" == f"{2.0 + 10.0 * math.log(6.0):.4f}" == "19.9176"  # "2 + 10 ln 6"
    my_isi = teacher_solution("06_exercises", "my_isi")
    assert my_isi(exercises.REFRACTORY_NEURON) == pytest.approx(isi, abs=1e-12)


def test_06_adaptive_capstone():
    exact = adaptive_reference(P20, 300.0, tau_w=100.0, b=2.0)
    assert len(exact) == 9
    isi = np.diff(exact)
    assert f"{isi[0]:.1f}" == "21.6" and f"{isi[-1]:.1f}" == "39.6"
    got = teacher_solution("06_exercises", "my_adaptive_spike_times")(P20, 100.0, 2.0, 300.0)
    assert np.max(np.abs(got - exact)) < 1e-5  # solver noise: a bound, not digits


def test_06_missed_pulse():
    from lifutils.references import PULSE_ONSETS, pulse_reference
    p = LIFParams(i_e=14.0)
    assert p.v_thresh - p.v_inf == 1.0  # "resting 1 mV under the threshold"
    assert len(PULSE_ONSETS) == 12 and PULSE_ONSETS[0] == 10.0
    found, exact = pulse_reference(10.0)
    assert found is None and f"{exact:.2f}" == "10.10"  # "0.1 ms into the pulse"
    assert all(pulse_reference(o)[0] is None for o in PULSE_ONSETS)  # missed at 12 of 12
    caught = sum(pulse_reference(o, max_step=1.0)[0] is not None for o in PULSE_ONSETS)
    assert caught == len(PULSE_ONSETS) // 2  # "1 ms catches it at half the onsets"
    found, exact = pulse_reference(10.0, max_step=0.1)
    assert f"{found:.2f}" == f"{exact:.2f}" == "10.10"


def test_04_which_solver_at_equal_error(wp):
    """04's "Which solver": at equal rtol (1e-9) DOP853's error is about four times RK45's, so
    solvers are compared at equal error: to reach about 1e-9 ms (DOP853 and LSODA at 1e-11),
    they need roughly a third of the evaluations RK45 needs for the same error (read across
    the plot: log-log interpolation between RK45's points)."""
    err = {m: wp[(f"events ({m})", "rtol=1e-09")]["max_error"] for m in ("RK45", "DOP853")}
    assert 2.5 < err["DOP853"] / err["RK45"] < 6.0, err
    rk = sorted((wp[("events (RK45)", f"rtol={r:g}")]["max_error"],
                 wp[("events (RK45)", f"rtol={r:g}")]["nfev"]) for r in (1e-3, 1e-5, 1e-7, 1e-9, 1e-11))
    log_err = np.log([e for e, _ in rk])
    log_nfev = np.log([n for _, n in rk])
    for m in ("DOP853", "LSODA"):
        row = wp[(f"events ({m})", "rtol=1e-11")]
        assert 3e-10 < row["max_error"] < 3e-9, row  # "about 1e-9 ms"
        rk_nfev = math.exp(np.interp(math.log(row["max_error"]), log_err, log_nfev))
        assert 0.2 < row["nfev"] / rk_nfev < 0.5, (m, row["nfev"], rk_nfev)  # "roughly a third"

"""Every number that notebooks 00 to 03 state, computed again with lifutils and checked.

A failure here means the text of a notebook is no longer true: fix the notebook's prose (and
re-execute it with `make notebooks`), or find out what changed in lifutils. Values are
checked to the digits the notebooks print. The prose states evaluation counts only as ratios
and bounds ("over ten times"); the exact nfev asserted here are those printed with scipy
1.17 and may move with another scipy's step control (nbval would flag the outputs too).
"""
import json
import pathlib
import re

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from lifutils import (LIFParams, exact_spike_times, exact_voltage, first_spike_time, inputs,
                      interspike_interval, rheobase, simulate_dvdt_hack, simulate_euler,
                      simulate_events, simulate_exact, solve_ivp_with_resets)
from lifutils.compare import (compare_methods, convergence_order, euler_convergence,
                              lowest_v_after, spike_time_error)
from lifutils.dvdt_hack import HackStalledError
from lifutils.events import default_max_step
from notebook_exercises import teacher_solution

QUESTION = LIFParams()          # the question's own values: i_e = 3 nA, R = 1 MOhm
P20 = LIFParams(i_e=20.0)       # the input the notebooks use from 00 on
EXACT_100 = exact_spike_times(P20, 100.0)
LOOSE = dict(rtol=1e-3, atol=1e-6)  # solve_ivp's defaults, which the hack uses
DTS = np.array([0.4, 0.2, 0.1, 0.05, 0.025, 0.0125, 0.00625])


def close(value, printed, digits):
    """``value`` printed with ``digits`` decimals reads ``printed``."""
    return f"{value:.{digits}f}" == printed


# --------------------------------------------------------------------------- shared facts

def test_defaults_are_the_questions_values():
    assert (QUESTION.tau_m, QUESTION.v_rest, QUESTION.v_thresh, QUESTION.v_reset,
            QUESTION.i_e, QUESTION.r_m, QUESTION.t_ref) == (10.0, -70.0, -55.0, -80.0, 3.0,
                                                           1.0, 0.0), \
        "did the defaults of LIFParams change? notebooks 01 and 02 rely on them"


def test_exact_spike_train_at_20_nA():
    # 00 and 03: R*I = 20 mV, v_inf = -50 mV; first spike 13.8629 ms, then every 17.9176 ms.
    assert P20.r_m * P20.i_e == 20.0 and P20.v_inf == -50.0
    assert close(first_spike_time(P20), "13.8629", 4)
    assert close(interspike_interval(P20), "17.9176", 4)
    assert [f"{t:.4f}" for t in EXACT_100] == ["13.8629", "31.7805", "49.6981", "67.6157",
                                               "85.5333"]


# --------------------------------------------------------------------------- 00_start_here

def answer_cell_trace():
    """The answer cell of notebook 00: terminal event, reset, restart, trace kept."""
    t0, v0, t_pieces, v_pieces = 0.0, -70.0, [], []
    while t0 < 100.0:
        sol = solve_ivp(lif, (t0, 100.0), [v0], events=threshold, rtol=1e-8, atol=1e-8)
        t_pieces.append(sol.t)
        v_pieces.append(sol.y[0])
        t0, v0 = sol.t[-1], V_RESET
    return np.concatenate(t_pieces), np.concatenate(v_pieces), len(t_pieces) - 1


def test_00_answer_cell_keeps_the_trace_with_vertical_resets():
    t, v, n_spikes = answer_cell_trace()
    jumps = np.flatnonzero(np.diff(t) == 0)
    assert n_spikes == 5 and len(jumps) == 5
    assert [f"{x:.2f}" for x in t[1:][np.diff(t) == 0]] == ["13.86", "31.78", "49.70", "67.62",
                                                           "85.53"]
    assert np.max(np.abs(t[jumps] - EXACT_100)) < 1e-5
    assert np.allclose(v[jumps], V_THRESH) and np.all(v[jumps + 1] == V_RESET)
    assert t[-1] == 100.0 and np.all(v <= V_THRESH + 1e-6)


def test_00_three_methods_side_by_side_with_their_tolerances():
    rows = {r["key"]: r for r in compare_methods(P20, 100.0,
                                                   keys=("euler", "hack", "events", "exact"))}
    euler, hack, events = rows["euler"], rows["hack"], rows["events"]
    assert euler["n_spikes"] == 5 and close(euler["first_spike"], "13.8000", 4)
    assert f"{euler['max_error']:.2g}" == "0.13" and euler["nfev"] == 1000
    assert hack["n_spikes"] == 0 and hack["nfev"] == 2000
    assert events["n_spikes"] == 5 and f"{events['max_error']:.2g}" == "6.8e-07"
    assert events["nfev"] == 582 and events["max_error"] < 1e-6   # "below 1e-6 ms at 1e-8"
    loose = simulate_events(P20, 100.0, **LOOSE)   # the events row at the hack's tolerance
    error = spike_time_error(loose.spike_times, EXACT_100)
    assert loose.n_spikes == 5 and loose.nfev == 150 and f"{error:.2g}" == "0.091"
    # prose: "about 0.09 ms", "about 0.13 ms"; "13.86 ms, then one every 17.92 ms"
    assert close(first_spike_time(P20), "13.86", 2) and close(interspike_interval(P20), "17.92", 2)


def test_00_the_hacks_drops_shrink_with_the_step():
    # "its drops are the solver's error, not resets: they shrink when the steps do"
    lows = [lowest_v_after(simulate_dvdt_hack(P20, 100.0, max_step=m), first_spike_time(P20))
            for m in (np.inf, 1.0, 0.1)]
    assert lows[0] < lows[1] < lows[2] < P20.v_thresh


# --------------------------------------------------------------------------- 01_euler_loop

def test_01_question_loop_never_fires_and_settles_at_minus_67():
    # The loop exactly as the question wrote it.
    tau_m, v_rest, v_thresh, v_reset, i_e, dt, t_max = 10, -70, -55, -80, 3, 0.1, 100
    v, n_spikes = v_rest, 0
    for _ in np.arange(0, t_max, dt):
        v += (-(v - v_rest) + i_e) / tau_m * dt
        if v >= v_thresh:
            v, n_spikes = v_reset, n_spikes + 1
    assert n_spikes == 0 and close(v, "-67.00", 2)
    res = simulate_euler(QUESTION, 100.0, dt=0.1)
    assert res.n_spikes == 0 and close(res.v[-1], "-67.00", 2)
    assert float(exact_voltage(QUESTION, 1e6)) == pytest.approx(-67.0)


def test_01_v_inf_and_rheobase():
    assert close(QUESTION.v_inf, "-67.0", 1)
    assert close(rheobase(QUESTION), "15.0", 1)
    firsts = [first_spike_time(QUESTION.replace(i_e=i)) for i in (3.0, 15.0, 15.5, 20.0)]
    assert np.isinf(firsts[0]) and np.isinf(firsts[1])
    assert close(firsts[2], "34.34", 2) and close(firsts[3], "13.86", 2)


def test_01_euler_spikes_on_the_grid_early_and_drifting():
    res = simulate_euler(P20, 100.0, dt=0.1)
    assert [f"{t:.4f}" for t in res.spike_times] == ["13.8000", "31.7000", "49.6000",
                                                     "67.5000", "85.4000"]
    errors = res.spike_times - EXACT_100
    assert [f"{e:.4f}" for e in errors] == ["-0.0629", "-0.0805", "-0.0981", "-0.1157",
                                            "-0.1333"]
    # prose: "about 0.06 ms at the first, 0.13 ms at the fifth"
    assert f"{-errors[0]:.2f}" == "0.06" and f"{-errors[-1]:.2f}" == "0.13"
    assert np.all(np.diff(errors) < 0), "each spike earlier than the one before"


def test_01_time_step_moves_spikes_not_monotonically():
    found = {}
    for dt in (1.0, 0.5, 0.1, 0.01):
        res = simulate_euler(P20, 100.0, dt=dt)
        found[dt] = (f"{res.spike_times[0]:.3f}",
                     f"{spike_time_error(res.spike_times, EXACT_100):.3f}")
    assert found == {1.0: ("14.000", "0.467"), 0.5: ("14.000", "1.533"),
                     0.1: ("13.800", "0.133"), 0.01: ("13.860", "0.033")}


def test_01_first_order_convergence_in_stairs():
    errors = euler_convergence(P20, 200.0, DTS)
    assert [f"{e:.3f}" for e in errors] == ["3.439", "1.239", "0.239", "0.189", "0.189",
                                            "0.051", "0.051"]
    assert close(convergence_order(DTS, errors), "0.99", 2)
    assert [f"{r:.2f}" for r in errors[:-1] / errors[1:]] == ["2.78", "5.19", "1.26", "1.00",
                                                              "3.68", "1.00"]


def test_01_interpolation_is_smooth_but_not_more_accurate():
    res = simulate_euler(P20, 100.0, dt=0.1, interpolate=True)
    assert [f"{t:.4f}" for t in res.spike_times] == ["13.7935", "31.6215", "49.4496",
                                                     "67.2777", "85.1056"]
    assert [f"{e:.4f}" for e in res.spike_times - EXACT_100][-1] == "-0.4277"
    errors = euler_convergence(P20, 200.0, DTS, interpolate=True)
    plain = euler_convergence(P20, 200.0, DTS)
    assert [f"{e:.3f}" for e in errors] == ["3.859", "1.930", "0.965", "0.483", "0.241",
                                            "0.121", "0.060"]
    assert all(f"{r:.2f}" == "2.00" for r in errors[:-1] / errors[1:])
    assert close(convergence_order(DTS, errors), "1.00", 2)
    assert errors[2] > plain[2], "at dt = 0.1 ms the interpolated loop is the less accurate"
    # prose: "about 0.97 ms against 0.24 ms"
    assert f"{errors[2]:.2f}" == "0.97" and f"{plain[2]:.2f}" == "0.24"


# --------------------------------------------------------------------------- 02_dvdt_reset_hack

def test_02_hack_pinned_under_threshold_without_spikes():
    hack = simulate_dvdt_hack(P20, 100.0)
    assert hack.n_spikes == 0 and hack.nfev == 2000 and len(hack.t) - 1 == 134
    after = hack.v[hack.t >= first_spike_time(P20)]
    assert close(after.min(), "-60.13", 2) and close(after.max(), "-55.00", 2)
    assert after.min() > P20.v_reset + 15.0, "never near v_reset"


def test_02_hack_costs_more_than_events_at_the_same_settings():
    hack = simulate_dvdt_hack(P20, 100.0)
    events = simulate_events(P20, 100.0, **LOOSE)
    assert events.n_spikes == 5 and events.nfev == 150
    assert f"{hack.nfev / events.nfev:.1f}" == "13.3"   # "over ten times"


def test_02_dense_output_pokes_above_threshold():
    fine = simulate_dvdt_hack(P20, 100.0, t_eval=np.arange(0.0, 100.0, 0.01))
    assert fine.nfev == 2000
    assert close(fine.v.max(), "-54.86", 2) and fine.v.max() > P20.v_thresh


def test_02_smaller_steps_approach_the_threshold_not_the_reset():
    found = []
    for max_step in (np.inf, 1.0, 0.1, 0.01):
        run = simulate_dvdt_hack(P20, 100.0, max_step=max_step)
        assert run.n_spikes == 0
        found.append((run.nfev, f"{run.v[run.t >= first_spike_time(P20)].min():.2f}"))
    assert found == [(2000, "-60.13"), (1832, "-57.58"), (6728, "-56.10"), (60002, "-55.12")]
    assert round(found[-1][0] / found[0][0]) == 30   # "the bill grows about thirtyfold"


def test_02_the_two_branches_point_at_each_other():
    above = P20.v_reset - P20.v_thresh
    below = (-(P20.v_thresh - P20.v_rest) + P20.r_m * P20.i_e) / P20.tau_m
    assert (f"{above:+.1f}", f"{below:+.1f}") == ("-25.0", "+0.5")


def test_02_hack_stalls_at_tight_tolerance():
    with pytest.raises(HackStalledError, match=r"after 100004 right-hand-side evaluations \(its "
                                               r"budget, max_nfev, is 100000\) it has only "
                                               r"reached t = 17\.41 ms of 100 ms"):
        simulate_dvdt_hack(P20, 100.0, rtol=1e-6)


# --------------------------------------------------------------------------- 03_event_driven

TAU_M, V_REST, V_THRESH, V_RESET, I_E, R_M = 10.0, -70.0, -55.0, -80.0, 20.0, 1.0
TIGHT = dict(rtol=1e-8, atol=1e-8)


def lif(t, y):
    return (-(y - V_REST) + R_M * I_E) / TAU_M


def threshold(t, y):
    return y[0] - V_THRESH


threshold.terminal = True
threshold.direction = 1


def restart_loop(rhs=lif):
    """The restart loop of notebook 03, section 2: a failed run raises, no run ends it early."""
    t, v, spike_times = 0.0, V_REST, []
    while t < 100.0:
        sol = solve_ivp(rhs, (t, 100.0), [v], events=threshold, **TIGHT)
        if sol.status == -1:
            raise RuntimeError(f"solve_ivp failed at t = {sol.t[-1]:g} ms: {sol.message}")
        if sol.status == 0:
            break
        t = sol.t_events[0][0]
        spike_times.append(t)
        v = V_RESET
    return spike_times


def test_03_primer_without_an_event_v_passes_the_threshold():
    """03's primer: no event, status 0, one row per variable, v at 100 ms -50.0 mV (v_inf)."""
    sol = solve_ivp(lif, (0.0, 100.0), [V_REST], **TIGHT)
    assert sol.status == 0 and sol.y.shape == (1, len(sol.t))
    assert close(sol.y[0, -1], "-50.0", 1) and sol.y[0, -1] > V_THRESH


def test_03_primer_a_failed_run_is_status_minus_1_just_before_the_blow_up():
    """03's primer: y' = y**2 from 1 blows up at t = 1; solve_ivp stops short, status -1."""
    failed = solve_ivp(lambda t, y: y**2, (0.0, 2.0), [1.0])
    assert failed.status == -1 and not failed.success
    assert "step size" in failed.message
    assert 0.999 < failed.t[-1] < 1.0   # printed as 0.9999: short of 2, before the singularity


def test_03_restart_loop_raises_on_a_failed_run_instead_of_stopping_quietly():
    """A student who copies 03's loop gets an error, not a trace cut short."""
    with pytest.raises(RuntimeError, match=r"^solve_ivp failed at t = .* ms: Required step size"):
        restart_loop(lambda t, y: -(y - V_REST - 1.0) ** 2)   # v - v_rest - 1 = 1/(t - 1): -inf at 1 ms


def test_03_explore_answer_rtol_from_1e2_to_1e8():
    """03, "6. Explore", the answer: 5 spikes throughout; the error from about 1 ms to about
    1e-6 ms, about tenfold per tenfold in rtol; nfev from about 120 to about 600."""
    runs = {k: simulate_events(P20, 100.0, rtol=10.0 ** -k) for k in range(2, 9)}
    errors = {k: spike_time_error(r.spike_times, EXACT_100) for k, r in runs.items()}
    assert all(r.n_spikes == 5 for r in runs.values())
    assert 0.5 < errors[2] < 2.0 and 1e-7 < errors[8] < 5e-6
    assert 5.0 < np.log10(errors[2] / errors[8]) < 7.0     # six decades of rtol, about six of error
    assert 100 <= runs[2].nfev <= 150 and 500 <= runs[8].nfev <= 700


def test_03_terminal_event_stops_at_the_first_spike():
    sol = solve_ivp(lif, (0.0, 100.0), [V_REST], events=threshold, **TIGHT)
    assert sol.status == 1 and sol.message == "A termination event occurred."
    assert close(sol.t_events[0][0], "13.8629", 4) and close(sol.t[-1], "13.8629", 4)
    assert close(sol.y_events[0][0][0], "-55.0000", 4)


def test_03_the_solution_event_is_the_one_the_notebook_uses():
    my_threshold = teacher_solution("03_event_driven_solve_ivp", "my_threshold", v_thresh=V_THRESH)
    assert my_threshold.terminal is True and my_threshold.direction == 1
    assert my_threshold(0.0, np.array([-60.0])) == threshold(0.0, np.array([-60.0]))


def test_03_restart_loop_and_simulate_events_match_the_exact_times():
    loop = restart_loop()
    res = simulate_events(P20, 100.0)
    assert spike_time_error(loop, EXACT_100) < 1e-6   # "within about 1e-6 ms" (solver noise: a bound)
    assert spike_time_error(res.spike_times, EXACT_100) < 1e-6
    assert res.nfev == 582


def test_03_refractory_period():
    p_ref = LIFParams(i_e=20.0, t_ref=5.0)
    res = simulate_events(p_ref, 100.0)
    assert close(interspike_interval(P20), "17.92", 2)
    assert close(interspike_interval(p_ref), "22.92", 2)
    assert res.n_spikes == 4 and res.nfev == 472
    assert spike_time_error(res.spike_times, exact_spike_times(p_ref, 100.0)) < 1e-6


def test_03_brief_pulse_stepped_over_unless_breakpoints_or_a_cap():
    pulse = inputs.pulse(50.0, 0.15, 400.0, baseline=12.0)
    plain = lambda t: pulse(t)  # noqa: E731
    assert rheobase(LIFParams()) > 12.0, "the baseline alone is below the rheobase"
    found = []
    for current, max_step in ((plain, np.inf), (plain, 0.1), (pulse, np.inf)):
        run = simulate_events(LIFParams(i_e=current), 100.0, max_step=max_step)
        found.append((run.n_spikes, [f"{t:.2f}" for t in run.spike_times], run.nfev))
    assert found == [(0, [], 236), (1, ["50.08"], 6442), (1, ["50.08"], 1040)]
    assert default_max_step(LIFParams(i_e=plain)) == 0.1   # "caps plain functions at 0.1 ms"
    assert pulse.breakpoints == (50.0, 50.15)   # "restarts at 50 ms and at 50.15 ms"


def test_03_t_eval_drops_the_event_time():
    sol = solve_ivp(lif, (0.0, 100.0), [V_REST], events=threshold, **TIGHT,
                    t_eval=np.arange(0.0, 100.5, 0.5))
    t_event = sol.t_events[0][0]
    assert close(sol.t[-1], "13.50", 2) and close(t_event, "13.86", 2)
    assert not np.isin(t_event, sol.t)
    assert close(t_event - sol.t[-1], "0.36", 2)   # "about 0.36 ms early"


def test_03_restart_at_threshold_fires_at_once_and_above_it_never():
    t0 = restart_loop()[0]
    t = t0
    for _ in range(3):
        sol = solve_ivp(lif, (t, 100.0), [V_THRESH], events=threshold, **TIGHT)
        t = sol.t_events[0][0]
        assert f"{t - t0:.1e}" == "0.0e+00", "scipy reports the event again at the restart time"
    sol = solve_ivp(lif, (t0, 100.0), [V_THRESH + 1e-9], events=threshold, **TIGHT)
    assert len(sol.t_events[0]) == 0 and sol.y[0, -1] > V_THRESH


def test_03_reset_to_threshold_is_refused():
    with pytest.raises(ValueError, match=r"reset for event 0 at t = 13\.8629 returned a "
                                         r"state where that event is still triggered"):
        solve_ivp_with_resets(lif, (0.0, 100.0), [V_REST], events=threshold,
                              reset=lambda t, y, i: np.array([V_THRESH]), **TIGHT)
    with pytest.raises(ValueError, match=r"^v_reset must be below v_thresh"):
        LIFParams(i_e=20.0, v_reset=-55.0)


def test_03_solve_ivp_with_resets_in_one_call():
    sol = solve_ivp_with_resets(lif, (0.0, 100.0), [V_REST], events=threshold,
                                reset=lambda t, y, i: np.array([V_RESET]), **TIGHT)
    assert sol.n_resets == 5
    assert spike_time_error(sol.t_events[0], EXACT_100) < 1e-6


# --------------------------------------------------------------------------- README

def test_readme_shows_notebook_00s_answer_and_it_runs():
    root = pathlib.Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text()
    answer = re.search(r"## The answer\n.*?```python\n(.*?)```", readme, re.S).group(1)
    cells = json.loads((root / "notebooks" / "00_start_here.ipynb").read_text())["cells"]
    assert "".join(cells[1]["source"]).strip() == answer.strip(), \
        "the README's answer and notebook 00's answer cell differ"
    assert readme.index("## The answer") < readme.index("## Start"), "the answer comes first"
    scope = {}
    exec(compile(answer, "<README answer>", "exec"), scope)
    t, v = scope["t"], scope["v"]
    assert np.max(np.abs(t[1:][np.diff(t) == 0] - EXACT_100)) < 1e-5


def test_03_pulse_figure_zooms_on_the_pulse_in_an_inset():
    from lifutils.figures.plotting import plot_input
    pulse = inputs.pulse(50.0, 0.15, 400.0, baseline=12.0)
    ax = plot_input(LIFParams(i_e=pulse), 100.0, zoom=(49.8, 50.4))
    (inset,) = [child for child in ax.child_axes]
    assert inset.get_xlim() == (49.8, 50.4) and inset.get_xlabel() == "time (ms)"
    t, current = inset.lines[0].get_data()
    assert current.max() == 400.0 and current.min() == 12.0
    width = np.ptp(t[current == 400.0])   # the pulse spans many inset points
    assert 0.14 < width <= 0.15
    for bad in ((50.4, 49.8), 5.0, ("a", "b"), (np.nan, 1.0)):
        with pytest.raises(ValueError, match="zoom must be a window"):
            plot_input(LIFParams(i_e=pulse), 100.0, zoom=bad)


def test_00_the_hack_finishes_at_1e4_and_runs_out_of_budget_from_1e5():
    assert simulate_dvdt_hack(P20, 100.0, rtol=1e-4).t[-1] == 100.0
    with pytest.raises(HackStalledError, match="its budget, max_nfev"):
        simulate_dvdt_hack(P20, 100.0, rtol=1e-5)


def test_02_radau_and_bdf_do_no_better():
    """02: Radau runs out of budget even at 0.1; BDF finishes only at 0.1."""
    with pytest.raises(HackStalledError, match="its budget"):
        simulate_dvdt_hack(P20, 100.0, method="Radau", rtol=0.1, atol=0.1)
    bdf = simulate_dvdt_hack(P20, 100.0, method="BDF", rtol=0.1, atol=0.1)
    assert bdf.t[-1] == 100.0 and 25_000 < bdf.nfev < 40_000  # "some 30,000 evaluations"
    with pytest.raises(HackStalledError, match="its budget"):
        simulate_dvdt_hack(P20, 100.0, method="BDF", rtol=1e-2, atol=1e-2)


def test_guide_misconception_5_every_euler_spike_is_early_at_dt_01():
    """The grid delays detection by up to dt, but Euler's error shortens each interval more."""
    error = simulate_euler(P20, 100.0, dt=0.1).spike_times - exact_spike_times(P20, 100.0)
    assert error.size == 5 and np.all(error < 0)
    assert (f"{error[0]:.3f}", f"{error[-1]:.3f}") == ("-0.063", "-0.133")


def test_02_plain_scipy_hack_finishes_but_the_bill_explodes():
    """02's Bonus: plain solve_ivp with the question's right-hand side reaches 100 ms at every
    rtol printed, each tenfold tighter rtol costs six or more times the evaluations, and v
    stays within a few mV under the threshold after the first arrival (never near v_reset)."""
    from scipy.integrate import solve_ivp

    def question_hack(t, y, p=P20):
        if y[0] >= p.v_thresh:
            return [p.v_reset - y[0]]
        return [(-(y[0] - p.v_rest) + p.r_m * p.i_e) / p.tau_m]

    nfevs = []
    for rtol in (1e-3, 1e-4, 1e-5):
        sol = solve_ivp(question_hack, (0.0, 100.0), [P20.v_rest], rtol=rtol)
        assert sol.status == 0 and sol.t[-1] == 100.0
        lowest = sol.y[0][sol.t > 20].min()
        assert P20.v_thresh - 6.0 < lowest < P20.v_thresh  # "-60.1", "-55.5", "-55.1" mV
        nfevs.append(sol.nfev)
    assert all(later >= 6 * earlier for earlier, later in zip(nfevs, nfevs[1:])), nfevs


def test_guide_misconception_3_restart_at_the_last_grid_point():
    """docs/teaching.md, misconception 3: with a 0.5 ms t_eval, sol.t[-1] is 13.50 ms with v about
    -55.2 mV; restarting there with the state sol.y[:, -1] finds the same crossing again."""
    from scipy.integrate import solve_ivp
    grid = np.arange(0.0, 100.5, 0.5)
    sol = solve_ivp(lif, (0.0, 100.0), [V_REST], events=threshold, t_eval=grid, **TIGHT)
    assert sol.status == 1 and f"{sol.t[-1]:.2f}" == "13.50"
    assert abs(sol.y[0, -1] - (-55.2)) < 0.05
    again = solve_ivp(lif, (sol.t[-1], 100.0), sol.y[:, -1], events=threshold,
                      t_eval=grid[grid >= sol.t[-1]], **TIGHT)
    assert abs(again.t_events[0][0] - sol.t_events[0][0]) < 1e-6 and again.t[-1] == sol.t[-1]

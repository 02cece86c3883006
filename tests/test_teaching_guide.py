"""docs/teaching.md stays true: its plans add up, its dashboards and sliders exist, its numbers hold."""
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from lifutils import (LIFParams, firing_rate, rheobase, simulate_dvdt_hack, simulate_euler,
                      simulate_events, simulate_exact)
from lifutils import compare, widgets

import _scripts  # tests/ is on sys.path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
P = LIFParams(i_e=20.0)  # the guide's neuron: the question's, at 20 nA


def _section(title):
    start = GUIDE.index(title)
    end = GUIDE.find("\n#", start + len(title))
    return GUIDE[start:end if end > 0 else None]


@pytest.mark.parametrize("title, total", [("## A 50-minute lesson", 50),
                                          ("### Lab 1", 90), ("### Lab 2", 90)])
def test_each_plan_fills_its_time_without_gaps(title, total):
    spans = [(int(a), int(b)) for a, b in re.findall(r"^\| (\d+)-(\d+) \|", _section(title), re.M)]
    assert spans[0][0] == 0 and spans[-1][1] == total
    assert all(b == c for (_, b), (c, _) in zip(spans, spans[1:])), spans


def test_every_dashboard_and_slider_the_guide_names_exists():
    rows = re.findall(r"^\| (`\w+\(\)`)? ?\| .*?\| `([^`]+)`", _section("## What to project"), re.M)
    assert len(rows) >= 10
    name = None
    for dash, control in rows:
        name = dash.strip("`()") if dash else name
        kwargs = dict(currents=(10.0, 40.0), t_max=200.0) if name == "fi_explorer" else {}
        descriptions = [w.description for w in getattr(widgets, name)(**kwargs).controls.values()]
        assert control in descriptions, f"{name} has no control {control!r}: {descriptions}"


def test_the_numbers_of_what_to_project():
    low = LIFParams(i_e=14.0)
    assert rheobase(P) == 15.0 and low.v_rest + low.r_m * low.i_e == -56.0
    for simulate in (simulate_euler, simulate_dvdt_hack, simulate_events):
        assert simulate(low, 100.0).n_spikes == 0
    exact = simulate_exact(P, 100.0).spike_times
    assert np.round(exact[:3], 2).tolist() == [13.86, 31.78, 49.70]
    assert simulate_euler(P, 100.0, dt=1.0).spike_times[:3].tolist() == [14.0, 32.0, 50.0]
    with_hold = simulate_exact(LIFParams(i_e=20.0, t_ref=2.0), 100.0).spike_times
    assert with_hold[4] - exact[4] == pytest.approx(8.0)
    assert round(firing_rate(LIFParams(i_e=40.0))) == 144
    assert round(firing_rate(LIFParams(i_e=40.0, t_ref=5.0))) == 84


def test_a_smaller_max_step_makes_the_hack_worse():
    default, capped = simulate_dvdt_hack(P, 100.0), simulate_dvdt_hack(P, 100.0, max_step=0.01)
    first = simulate_exact(P, 100.0).spike_times[0]
    assert round(compare.lowest_v_after(default, first)) == -60
    assert round(compare.lowest_v_after(capped, first)) == -55
    assert default.nfev == 2000 and 55_000 < capped.nfev < 65_000  # "30 times more"


def test_rtol_and_the_event_method():
    exact = simulate_exact(P, 100.0).spike_times
    loose, tight = simulate_events(P, 100.0, rtol=1e-2), simulate_events(P, 100.0)
    assert loose.n_spikes == tight.n_spikes == 5
    assert 0.5 < compare.spike_time_error(loose.spike_times, exact) < 2.0   # about a millisecond
    assert 1e-7 < compare.spike_time_error(tight.spike_times, exact) < 5e-6  # about 1e-6 ms
    assert 500 < tight.nfev < 700 and simulate_euler(P, 100.0, dt=0.1).nfev == 1000


def test_euler_errors_do_not_halve_with_dt():
    exact = simulate_exact(P, 100.0).spike_times
    err = {dt: compare.spike_time_error(simulate_euler(P, 100.0, dt=dt).spike_times, exact)
           for dt in (1.0, 0.5)}
    assert round(err[1.0], 1) == 0.5 and round(err[0.5], 1) == 1.5


def test_t_eval_hides_the_event_time():
    """Misconception 3 and the lesson's step on 03's 4.2, with 03's 0.5 ms grid: sol.t[-1] is
    13.50 ms, v about -55.2 mV there, the event at 13.86 ms."""
    def lif(t, y):
        return (-(y - P.v_rest) + P.r_m * P.i_e) / P.tau_m

    def threshold(t, y):
        return y[0] - P.v_thresh
    threshold.terminal, threshold.direction = True, 1
    sol = solve_ivp(lif, (0.0, 100.0), [P.v_rest], events=threshold,
                    t_eval=np.arange(0.0, 100.5, 0.5), rtol=1e-8, atol=1e-8)
    assert f"{sol.t[-1]:.2f}" == "13.50" and round(sol.y[0, -1], 1) == -55.2
    assert f"{sol.t_events[0][0]:.2f}" == "13.86"


def _status(dash):
    return dash.status.value


def test_lesson_euler_step_i_e_back_to_20_then_dt_1():
    """The lesson's 9-14 step, in its order: no spikes at 14 nA; back at 20 nA with dt = 1 ms
    the status line gives the first spike at 14.000 ms."""
    dash = widgets.euler_explorer()
    dash.controls["i_e"].value = 14.0
    assert "0 spikes (exact 0)" in _status(dash)
    dash.controls["i_e"].value = 20.0
    dash.controls["dt"].value = 1.0
    assert "5 spikes (exact 5), first spike 14.000 ms" in _status(dash)


def test_the_hack_at_40_nA_still_never_spikes():
    """What to project, hack_explorer's i_e (and the lesson's pair activity): no spike at 40 nA,
    the lowest v still about -60 mV, nfev about 5 times that at 20 nA."""
    strong = simulate_dvdt_hack(LIFParams(i_e=40.0), 100.0)
    default = simulate_dvdt_hack(P, 100.0)
    first = simulate_exact(LIFParams(i_e=40.0), 100.0).spike_times[0]
    assert strong.n_spikes == 0 and round(compare.lowest_v_after(strong, first)) == -60
    assert 4.0 < strong.nfev / default.nfev < 6.5


def test_kick_synchrony_row():
    """What to project, kick_synchrony: no lasting volleys up to 1.75 mV; from 2.25 mV they lock;
    at 2.5 mV from 29.4 ms, one every 10.8 ms, the fastest alone every 13.3 ms; 2, 3 and 3.75 mV
    are ties (which way they go rests on rounding, so it is not asserted)."""
    dash = widgets.kick_synchrony()
    for kick in np.arange(0.0, 2.0, 0.25):        # every slider step up to 1.75 mV
        dash.controls["kick"].value = float(kick)
        assert "no lasting volleys" in _status(dash), kick
    ties = []
    for kick in np.arange(2.25, 4.01, 0.25):       # and every one from 2.25 mV but the ties,
        dash.controls["kick"].value = float(kick)  # where rounding decides who joins a volley
        if "TIE" in _status(dash):
            ties.append(float(kick))
        else:
            assert "volleys from" in _status(dash), kick
    assert ties == [3.0, 3.75]
    dash.controls["kick"].value = 2.5
    assert ("volleys from 29.4 ms, one every 10.8 ms (alone the fastest fires every 13.3 ms)"
            in _status(dash))
    dash.controls["kick"].value = 2.0
    assert "TIE" in _status(dash)


def test_phase_plane_row_b_lengthens_the_intervals():
    """What to project, phase_plane's b: from 0 to 60 pA the tonic pattern adapts, each reset
    jumps w up by b, intervals from 10 to 15 ms (the regular bursting row: test_phase_plane)."""
    dash = widgets.phase_plane("tonic")
    assert "tonic" in _status(dash)
    dash.controls["b"].value = 60.0
    status = _status(dash)
    assert "adapting" in status and "with w up by b = 60 pA" in status
    assert "intervals from 10 to 15 ms" in status


def test_the_lesson_projects_a_student_copy_whose_exercise_3_1_is_the_stub():
    """The lesson writes the event with the room on the student copy of 03, where exercise 3.1
    is the stub; the teacher's copy holds the solution."""
    make_student = _scripts.load("make_student", ROOT / "scripts" / "make_student.py")
    teacher = nbformat.read(ROOT / "notebooks" / "03_event_driven_solve_ivp.ipynb", as_version=4)
    student, _ = make_student.student_copy(teacher, "03")

    def exercise_3_1(nb):
        (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ex3_1"]
        return cell.source
    assert "return y[0] - v_thresh" in exercise_3_1(teacher)
    assert "raise NotImplementedError" in exercise_3_1(student)
    assert "v_thresh" not in exercise_3_1(student).split("def my_threshold")[1]


def test_units_misconception_and_projector_height():
    """Misconception 4: 3 nA times 1 MOhm in SI units is 0.003 V, a thousandth of the 3 mV the
    model needs; "Projector size": side_by_side at projector size is about 950 pixels tall."""
    assert 3e-9 * 1e6 == pytest.approx(0.003) and 3.0 * 1.0 / (3e-9 * 1e6) == pytest.approx(1000)
    fig = widgets.side_by_side(size="projector").figure
    assert 900 < fig.get_size_inches()[1] * fig.dpi < 1000


def test_events_explorer_rtol_spans_what_03_asks_to_try():
    """03, "6. Explore": "Try rtol from 1e-2 to 1e-10": the slider's two ends."""
    options = widgets.events_explorer().controls["rtol"].options
    assert options[0][1] == 1e-2 and options[-1][1] == 1e-10

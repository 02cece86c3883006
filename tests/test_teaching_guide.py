"""docs/teaching.md stays true: its plans add up, its dashboards and sliders exist, its numbers hold."""
import re
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from lifutils import (LIFParams, firing_rate, rheobase, simulate_dvdt_hack, simulate_euler,
                      simulate_events, simulate_exact)
from lifutils import compare, widgets

GUIDE = (Path(__file__).resolve().parents[1] / "docs" / "teaching.md").read_text(encoding="utf-8")
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
    def lif(t, y):
        return (-(y - P.v_rest) + P.r_m * P.i_e) / P.tau_m

    def threshold(t, y):
        return y[0] - P.v_thresh
    threshold.terminal, threshold.direction = True, 1
    sol = solve_ivp(lif, (0.0, 100.0), [P.v_rest], events=threshold,
                    t_eval=np.arange(0.0, 100.0, 0.1), rtol=1e-8, atol=1e-8)
    assert round(sol.t[-1], 6) == 13.8 and round(sol.y[0, -1], 2) == -55.03
    assert round(sol.t_events[0][0], 3) == 13.863

"""Budgets that hold in seconds: the hostile calls of issue 24 stop with a BudgetError.

Each call runs in a forked child under a time and memory limit (tests/test_adversarial.py's
``refuses``), with a small time budget (``max_seconds``) so that the suite stays quick: the
test checks the kind of error and what it says, not how long it took
(``python benchmarks/budgets.py`` prints that, at the default budget of 15 s).
"""
import numpy as np
import pytest

from lifutils import BudgetError, LifutilsError, solve_ivp_with_resets
from lifutils.restart import args as restart_args
from lifutils.gallery import adex, izhikevich
from test_adversarial import refuses

SMALL = 0.5  # s: the time budget the hostile calls get here

HOSTILE = {
    "tau_w=1e-300": lambda **kw: adex("tonic", tau_w=1e-300).solve(**kw),
    "a=1e308": lambda **kw: adex("tonic", a=1e308).solve(**kw),
    "AdEx t_end=1e7": lambda **kw: adex("tonic", t_end=1e7).solve(**kw),
    "C=1e-300": lambda **kw: adex("tonic", C=1e-300).solve(**kw),
    "gL=1e300": lambda **kw: adex("tonic", gL=1e300).solve(**kw),
    "Izhikevich t_end=1e7": lambda **kw: izhikevich("RS", t_end=1e7).solve(**kw),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_gallery_call_stops_with_its_time_budget_named(case):
    message = refuses(lambda: HOSTILE[case](max_seconds=SMALL), BudgetError,
                      r"used its time budget of max_seconds = 0\.5 s \(CPU time\) and had "
                      r"reached t = \S+ of t_span \(0, [\d.e+]+\) after \d+ resets")
    assert "raise max_seconds" in message


def test_a_million_breakpoints_are_refused_before_any_work():
    refuses(lambda: adex("tonic").solve(breakpoints=np.linspace(0, 50, 10**6)), BudgetError,
            r"breakpoints = <\d+ times inside t_span> implies [\d.e+]+ evaluations of fun "
            r"\(each breakpoint restarts the solver.*raise max_nfev = 2000000")


def test_the_default_time_budget_is_named_as_the_default(monkeypatch):
    monkeypatch.setattr(restart_args, "MAX_SECONDS", 0.2)
    monkeypatch.setattr(restart_args, "SECONDS_PER_EVALUATION", 1e-8)  # max_nfev: 0.02 s
    message = refuses(lambda: adex("tonic", tau_w=1e-300).solve(), BudgetError,
                      r"max_seconds = 0\.2 s \(CPU time, the default\)")
    assert "raise max_seconds" in message


def test_the_default_time_budget_grows_with_max_nfev():
    def settings(**kw):
        return restart_args.Settings.from_call(
            fun=lambda t, y: -y, t_span=(0, 1), y0=[1.0], events=lambda t, y: y[0] - 2,
            reset=lambda t, y, i: y, hold=None, method="RK45", t_eval=None, dense_output=False,
            args=None, breakpoints=(), max_resets=10, check_finite=True, keep_y_events=True,
            options={}, **kw)
    assert settings(max_nfev=2_000_000, max_seconds=None).max_seconds == 15.0
    assert settings(max_nfev=10, max_seconds=None).max_seconds == 15.0
    assert settings(max_nfev=10**7, max_seconds=None).max_seconds == pytest.approx(75.0)
    assert settings(max_nfev=10, max_seconds=np.inf).max_seconds == np.inf


@pytest.mark.parametrize("bad", [0, -1.0, np.nan, "15", True])
def test_a_time_budget_that_means_nothing_is_refused(bad):
    refuses(lambda: solve_ivp_with_resets(lambda t, y: -y, (0, 1), [1.0],
                                          events=lambda t, y: y[0] - 2,
                                          reset=lambda t, y, i: y, max_seconds=bad),
            LifutilsError, r"max_seconds must be a number > 0 s \(inf for no limit\)")


def test_a_normal_run_is_far_inside_the_time_budget():
    """The gallery at tight tolerances: every pattern runs with the default budgets."""
    for m in (adex("adapting"), izhikevich("CH")):
        sol = m.solve(rtol=1e-8, atol=1e-8)
        assert sol.status == 0 and len(sol.t_events[0]) > 5


@pytest.mark.parametrize("max_nfev", [10**301, 10**400, 10**1000], ids=["1e301", "1e400", "1e1000"])
def test_an_integer_max_nfev_past_float_range_is_an_endless_budget_not_an_overflow(max_nfev):
    assert restart_args.time_budget(None, max_nfev) == np.inf
    from lifutils.populations import POPULATION_NEURON, simulate_population
    record = simulate_population(POPULATION_NEURON, [20.0, 25.0], 100.0, max_nfev=max_nfev)
    fine = simulate_population(POPULATION_NEURON, [20.0, 25.0], 100.0)
    assert record.n == 2 and np.array_equal(record.t, fine.t) and len(record.t) > 0
    sol = solve_ivp_with_resets(lambda t, y: [1.0], (0.0, 3.5), [0.0],
                                events=lambda t, y: y[0] - 1.0, reset=lambda t, y, i: [0.0],
                                max_nfev=max_nfev)
    assert sol.status == 0 and np.allclose(sol.t_events[0], [1.0, 2.0, 3.0], rtol=1e-9)


#: A threshold far above what cos(t) reaches from -70: no reset in these runs.
NEVER_FIRES = dict(events=lambda t, y: y[0] - 1e3, reset=lambda t, y, i: y)


def _busy(seconds):
    """Use ``seconds`` of this thread's CPU time."""
    import time
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_a_slow_fun_meets_the_time_budget_within_an_evaluation_or_two():
    """fun takes 20 ms of CPU time a call: the budget of 0.3 s allows 15 calls; the clock is
    read at every call once they are slow, so the run stops within a few calls of that (the
    solver's first-step probes, one call past the budget); it used to read it every 64 calls:
    1.3 s, four times the budget."""
    calls = []

    def slow(t, y):
        calls.append(t)
        _busy(0.02)
        return np.cos(t) + 0.0 * y  # never settles: the steps stay short

    def run():
        try:
            solve_ivp_with_resets(slow, (0.0, 1e6), [-70.0], max_seconds=0.3, **NEVER_FIRES)
        except BudgetError as exc:
            raise BudgetError(f"{exc} [calls: {len(calls)}]") from None
    message = refuses(run, BudgetError, r"used its time budget of max_seconds = 0\.3 s")
    assert 10 <= int(message.rsplit("[calls: ", 1)[1].rstrip("]")) <= 20, message


def test_a_fun_that_waits_stops_at_ten_times_the_budget_of_wall_clock_time():
    """fun sleeps 10 ms a call (almost no CPU time): the wall-clock limit, 10 x max_seconds,
    stops it, and the message says why it may have come."""
    import time

    def sleepy(t, y):
        time.sleep(0.01)
        return np.cos(t) + 0.0 * y  # never settles: the steps stay short

    message = refuses(lambda: solve_ivp_with_resets(sleepy, (0.0, 1e6), [-70.0], max_seconds=0.2,
                                                        **NEVER_FIRES),
                      BudgetError, r"ran [\d.]+ s of wall-clock time, 10 times max_seconds = "
                                   r"0\.2 s, on less CPU time \(fun waits on sleep")
    assert "raise max_seconds" in message

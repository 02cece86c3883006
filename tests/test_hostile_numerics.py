"""Hostile calls to the numerics (issue 24): every one ends in a LifutilsError that names
the argument and the rule, or in the user's own exception, kept as it was raised; none in
a raw numpy/scipy/Python error, and none in a silently wrong number.

Named cases first (each in a forked child under a time and memory limit,
tests/test_adversarial.py's ``refuses``/``returns``), then a property test that
throws hostile callables at solve_ivp_with_resets, Model.solve, solve_all and the
registry under an interval timer.
"""
import contextlib
import dataclasses
import importlib
import signal
import traceback
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import lifutils
from lifutils import LIFParams, LifutilsError, solve_ivp_with_resets
from lifutils import methods
from lifutils.compare import compare_methods
from lifutils.gallery import adex, izhikevich, solve_all
from lifutils.methods import REGISTRY, Method, reference_key, register, unregister
from test_adversarial import refuses, returns


def lif(t, y):
    return (-(y + 70.0) + 20.0) / 10.0


def threshold(t, y):
    return y[0] + 55.0


threshold.direction = 1


def reset(t, y, i):
    return np.array([-80.0])


def solve(fun=lif, **options):
    options.setdefault("events", threshold)
    options.setdefault("reset", reset)
    return solve_ivp_with_resets(fun, (0.0, 50.0), [-70.0], **options)


def later(good, bad, after=3):
    """A callable that behaves like ``good`` for its first calls, then returns ``bad``."""
    calls = [0]

    def f(t, y, *args):
        calls[0] += 1
        return good(t, y) if calls[0] <= after else bad
    return f


# ---- raw errors become named ones ----

def nan_after_5(t, y):
    return np.array([np.nan]) if t > 5 else lif(t, y)


def test_bdf_with_a_nan_fun_is_named():
    refuses(lambda: solve(nan_after_5, method="BDF"), LifutilsError,
            r"fun returned a non-finite derivative array\(\[nan\]\) at t = \S+; the BDF "
            r"solver's Jacobian, estimated from fun by finite differences .* holds a NaN or inf")


def test_radau_with_a_nan_fun_stops_with_a_warning_that_names_it():
    status, caught = returns(lambda: solve(nan_after_5, method="Radau").status)
    assert status == -1
    assert any("SolverFailedWarning" in w and "non-finite derivative array([nan])" in w
               for w in caught), caught


@pytest.mark.parametrize("method", ["BDF", "Radau"])
def test_a_nan_jacobian_is_named(method):
    refuses(lambda: solve(method=method, jac=lambda t, y: np.array([[np.nan]])), LifutilsError,
            r"jac returned a Jacobian with NaN or inf at t = 0")
    refuses(lambda: solve(method=method, jac=np.array([[np.inf]])), LifutilsError,
            r"jac must be a callable jac\(t, y, \*args\) or a constant \(1, 1\) matrix of finite")
    refuses(lambda: solve(method=method, jac=lambda t, y: np.ones(3)), LifutilsError,
            r"jac must return the Jacobian as an \(1, 1\) matrix")


def test_a_jacobian_gets_args_as_fun_does():
    sol = solve_ivp_with_resets(lambda t, y, drive: (-(y + 70.0) + drive) / 10.0, (0.0, 50.0),
                                [-70.0], events=lambda t, y, drive: y[0] + 55.0,
                                reset=lambda t, y, i, drive: np.array([-80.0]), args=(20.0,),
                                method="BDF", jac=lambda t, y, drive: np.array([[-0.1]]),
                                rtol=1e-8, atol=1e-8)
    assert abs(sol.t_events[0][0] - 10 * np.log(4)) < 1e-5


@pytest.mark.parametrize("bad, words", [
    (np.ones(3), r"got array\(\[1\., 1\., 1\.\]\) \(shape \(3,\)\)"), ("text", r"got 'text'"),
    ([[1.0]], r"got \[\[1\.0\]\] \(shape \(1, 1\)\)"), (None, r"got None"), (1j, r"got 1j")])
def test_fun_returning_another_shape_or_type_later_is_named(bad, words):
    refuses(lambda: solve(later(lif, bad)), LifutilsError,
            r"fun must return dy/dt as 1 real numbers \(shape \(1,\)\) at every call, as it did "
            r"at the start; " + words)


def test_args_that_an_event_or_reset_cannot_take_are_named():
    fun = lambda t, y, a: lif(t, y)  # noqa: E731
    refuses(lambda: solve(fun, args=(5,), reset=lambda t, y, i, a: reset(t, y, i)), LifutilsError,
            r"events\[0\] must take the arguments event\(t, y, \*args\); with args = \(5,\)")
    refuses(lambda: solve(fun, args=(5,), events=lambda t, y, a: threshold(t, y)), LifutilsError,
            r"reset must take the arguments reset\(t, y, index, \*args\); with args = \(5,\)")
    refuses(lambda: solve(hold=lambda t, y: (1.0, [0])), LifutilsError,
            r"hold must take the arguments hold\(t, y, index\) \(no args\)")


@pytest.mark.parametrize("t", [np.ones((2, 2)), "a", np.nan, [1.0, np.inf], object()])
def test_the_dense_output_refuses_times_it_cannot_read(t):
    sol = solve(dense_output=True)
    with pytest.raises(LifutilsError, match=r"t must be a finite time or a one-dimensional array"):
        sol.sol(t)


def test_an_exception_inside_hold_stays_the_users_with_its_traceback():
    def hold(t, y, i):
        raise ValueError("my hold is broken")
    with pytest.raises(ValueError, match="my hold is broken") as err:
        solve(hold=hold)
    assert not isinstance(err.value, LifutilsError)
    assert "raise ValueError(\"my hold is broken\")" in "".join(traceback.format_tb(err.tb))
    refuses(lambda: solve(hold=lambda t, y, i: 5.0), LifutilsError,
            r"hold must return a pair \(duration, components\), got 5\.0")


def test_izhikevich_with_a_huge_b_is_named():
    refuses(lambda: izhikevich("RS", b=-1e300), LifutilsError, r"b must leave the model a resting")


@pytest.mark.parametrize("t_span", ["ab", 5, (0,), (0, np.nan), (10, 0), None])
def test_model_solve_checks_t_span(t_span):
    refuses(lambda: adex("tonic").solve(t_span=t_span), LifutilsError, r"t_span must")


@pytest.mark.parametrize("own", ["fun", "events", "reset"])
def test_model_solve_names_what_the_model_supplies(own):
    refuses(lambda: adex("tonic").solve(**{own: threshold}), LifutilsError,
            rf"{own} is the model's own .*dataclasses\.replace")


def test_model_solve_starts_from_another_y0():
    m = izhikevich("RS")
    sol = m.solve(y0=[-60.0, m.y0[1]], rtol=1e-8, atol=1e-8)
    assert sol.y[0, 0] == -60.0 and sol.status == 0


@pytest.mark.parametrize("models", [[adex("tonic")], (izhikevich("RS"),)])
def test_solve_all_takes_a_list_of_models(models):
    out = solve_all(models, t_span=(0.0, 30.0))
    assert list(out) == [(m.family, m.name) for m in models]


@pytest.mark.parametrize("models", [adex("tonic"), ["RS"], 5, "RS", {"x": 1}])
def test_solve_all_refuses_what_is_not_models(models):
    refuses(lambda: solve_all(models), LifutilsError, r"models must be a mapping \{key: Model\}")


@pytest.mark.parametrize("field, value, words", [
    ("rank", "x", r"Method\.rank must be a finite number, got 'x'"),
    ("rank", float("nan"), r"Method\.rank must be a finite number"),
    ("linewidth", None, r"Method\.linewidth must be a finite number"),
    ("color", 'red" onmouseover="alert(1)', r"Method\.color must be a colour"),
    ("color", "#12345", r"Method\.color must be a colour"),
    ("text_color", "url(javascript:1)", r"Method\.text_color must be a colour"),
    ("marker", "o", r"Method\.marker must be a dict")])
def test_a_method_with_a_bad_field_is_refused(field, value, words):
    method = Method("hostile", "hostile", "hostile", lambda p, t: None, **{field: value})
    with pytest.raises(LifutilsError, match=words):
        register(method)
    assert "hostile" not in REGISTRY


def test_a_colour_by_name_is_stored_as_hex():
    m = register(Method("named", "named", "named", lambda p, t: None, color="tab:red"))
    try:
        assert m.color == "#d62728" and REGISTRY["named"].color == "#d62728"
    finally:
        unregister("named")


def test_a_runner_returning_no_lifresult_is_named():
    class Fake:
        key = "fake"
        n_spikes = 0
    register(Method("fake", "fake", "fake", lambda p, t: Fake()))
    try:
        with pytest.raises(LifutilsError, match=r"must return a LIFResult whose key is 'fake', "
                                                r"got a Fake \(not a LIFResult\) with key 'fake'"):
            compare_methods(LIFParams(i_e=20.0), 20.0, keys=["fake"])
    finally:
        unregister("fake")


@pytest.mark.parametrize("key", [["x"], None, 5, {"a": 1}])
def test_unregister_names_a_bad_key(key):
    with pytest.raises(LifutilsError, match=r"key must be one of"):
        unregister(key)


def test_reference_key_without_a_reference_is_named():
    exact = unregister("exact")
    try:
        with pytest.raises(LifutilsError, match=r"no reference method is registered"):
            reference_key()
    finally:
        register(exact)
    assert reference_key() == "exact"


# ---- no silent corruption ----

def test_the_dense_output_is_right_continuous_at_a_reset_at_tf():
    sol = solve_ivp_with_resets(lambda t, y: -(y + 70.0) / 10.0, (0.0, 20.0), [-70.0],
                                events=lambda t, y: t - 20.0, reset=lambda t, y, i: y + 10.0,
                                dense_output=True, rtol=1e-10, atol=1e-10)
    assert sol.t_events[0].tolist() == [20.0]
    assert sol.sol(20.0)[0] == sol.y[0, -1] == -60.0
    assert sol.sol(np.array([19.999999, 20.0]))[0, 0] < -69.9


def test_the_dense_output_is_right_continuous_at_every_reset():
    sol = solve(dense_output=True, rtol=1e-10, atol=1e-10)
    assert len(sol.t_events[0]) >= 3
    after = sol.sol(sol.t_events[0])
    assert np.all(after == -80.0)
    before = sol.sol(sol.t_events[0] - 1e-9)
    assert np.all(np.abs(before + 55.0) < 1e-6)


def test_a_fun_returning_one_reused_buffer_does_not_drift():
    buffer = np.empty(1)

    def reused(t, y):
        buffer[0] = (-(y[0] + 70.0) + 20.0) / 10.0
        return buffer
    for method in ("RK45", "DOP853", "BDF"):
        mine = solve_ivp_with_resets(reused, (0.0, 200.0), [-70.0], events=threshold,
                                     reset=reset, method=method)
        fresh = solve_ivp_with_resets(lif, (0.0, 200.0), [-70.0], events=threshold,
                                      reset=reset, method=method)
        assert len(mine.t_events[0]) == len(fresh.t_events[0]) > 5
        np.testing.assert_array_equal(mine.t_events[0], fresh.t_events[0])


def test_replacing_a_gallery_models_params_changes_its_dynamics():
    m = adex("tonic")
    silent = dataclasses.replace(m, params={**m.params, "I": 0.0})
    assert silent.current.levels == (0.0, 0.0)
    assert len(silent.solve().t_events[0]) == 0
    weaker = dataclasses.replace(m, params={**m.params, "I": 300.0}).solve(rtol=1e-8, atol=1e-8)
    assert 0 < len(weaker.t_events[0]) < len(m.solve(rtol=1e-8, atol=1e-8).t_events[0])
    rs = izhikevich("RS")
    later_reset = dataclasses.replace(rs, params={**rs.params, "c": -55.0})
    assert later_reset.reset(0.0, np.array([30.0, 0.0]), 0)[0] == -55.0
    assert dataclasses.replace(rs, params={**rs.params, "v_peak": 20.0}).threshold(
        0.0, np.array([20.0, 0.0])) == 0.0


def test_a_reset_of_ones_own_survives_a_change_of_params():
    m = adex("tonic")
    mine = lambda t, y, i: np.array([-60.0, y[1]])  # noqa: E731
    changed = dataclasses.replace(dataclasses.replace(m, reset=mine), params={**m.params, "I": 400.0})
    assert changed.reset is mine


@pytest.mark.parametrize("params, words", [
    ({"a": 1.0}, r"params must be a mapping of the adex parameters"),
    (None, r"params must be a mapping"),
    ("C=1", r"params must be a mapping")])
def test_replacing_params_with_nonsense_is_named(params, words):
    with pytest.raises(LifutilsError, match=words):
        dataclasses.replace(adex("tonic"), params=params)


def test_replacing_params_is_checked_like_building():
    m = adex("tonic")
    with pytest.raises(LifutilsError, match=r"C must be a finite number > 0 pF, got -1"):
        dataclasses.replace(m, params={**m.params, "C": -1.0})
    with pytest.raises(LifutilsError, match=r"tau_w must be a finite number \(ms\), got nan"):
        dataclasses.replace(m, params={**m.params, "tau_w": float("nan")})


def test_reloading_a_module_that_registers_methods_replaces_them():
    before = {k: (m.label, m.color, m.rank) for k, m in REGISTRY.items()}
    importlib.reload(lifutils.euler)
    importlib.reload(lifutils.euler)
    assert {k: (m.label, m.color, m.rank) for k, m in REGISTRY.items()} == before
    assert REGISTRY["euler"].function is lifutils.euler.simulate_euler


def test_a_different_method_under_a_taken_key_is_still_refused():
    with pytest.raises(LifutilsError, match=r"a method with key 'euler' is registered already"):
        register(Method("euler", "another Euler", "another", lambda p, t: None))
    assert REGISTRY["euler"].label == "Euler loop"


# ---- property test: hostile callables ----

class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


@contextlib.contextmanager
def processor_deadline(seconds=20.0):
    """Raise Timeout after ``seconds`` of this process's processor time (ITIMER_PROF), or ten
    times that of wall-clock time for a call that blocks: a machine shared with other jobs
    slows the wall clock, not the work (a 0.9 s call met a 20 s wall-clock alarm on a loaded
    machine)."""
    old = {sig: signal.signal(sig, _alarm) for sig in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, 10.0 * seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in old.items():
            signal.signal(sig, handler)


BAD_RETURNS = st.sampled_from([np.ones(3), np.ones((1, 1)), "text", None, 1j, [np.nan],
                               np.array([np.inf]), object(), [], np.array(["a"]), True,
                               np.array([1], dtype=object)])


def _fun_kinds():
    return st.one_of(
        st.builds(lambda bad, after: later(lif, bad, after), BAD_RETURNS, st.integers(0, 40)),
        st.just(lambda t, y: np.array([np.nan])), st.just(nan_after_5),
        st.just(lambda t, y, extra: lif(t, y)))


def _event_kinds():
    return st.one_of(
        st.just(threshold),
        st.builds(lambda bad, after: later(threshold, bad, after), BAD_RETURNS,
                  st.integers(0, 20)),
        st.just(lambda t, y, extra: threshold(t, y)))


def _reset_kinds():
    return st.one_of(
        st.just(reset), st.sampled_from([lambda t, y, i: "x", lambda t, y, i: np.ones(2),
                                         lambda t, y, i: [np.nan], lambda t, y: y,
                                         lambda t, y, i, extra: reset(t, y, i)]))


def _is_ours(exc):
    """A LifutilsError, or the user's own exception raised inside their callable."""
    if isinstance(exc, LifutilsError):
        return True
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and frames[-1].filename == __file__


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fun=_fun_kinds(), event=_event_kinds(), reset_=_reset_kinds(),
       method=st.sampled_from(["RK45", "BDF", "Radau", "LSODA", "DOP853"]),
       args=st.sampled_from([None, (5.0,), (), ("a", "b")]),
       jac=st.sampled_from([None, lambda t, y, *a: np.array([[np.nan]]),
                            lambda t, y, *a: np.ones(2), np.array([[-0.1]])]),
       dense=st.booleans())
def test_hostile_callables_get_named_errors(fun, event, reset_, method, args, jac, dense):
    options = {} if jac is None or method in ("RK45", "DOP853") else {"jac": jac}
    try:
        with processor_deadline(20.0), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sol = solve_ivp_with_resets(fun, (0.0, 30.0), [-70.0], events=event, reset=reset_,
                                        method=method, args=args, dense_output=dense,
                                        max_seconds=5.0, **options)
            if dense and sol.sol is not None:
                sol.sol(np.linspace(0.0, 30.0, 7))
    except Timeout:
        pytest.fail("no LifutilsError within 20 s of processor time")
    except Exception as exc:  # noqa: BLE001 - the test judges every kind
        assert _is_ours(exc), "".join(traceback.format_exception(exc))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(["solve", "solve_all", "register", "unregister", "replace"]),
       value=st.one_of(st.none(), st.integers(-3, 3), st.floats(allow_nan=True), st.text(max_size=4),
                       st.lists(st.integers(), max_size=2), st.just(object()),
                       st.just({"I": 0.0}), st.just((0.0,)), st.just(np.ones((2, 2)))))
def test_hostile_values_at_the_gallery_and_registry_get_named_errors(which, value):
    m = izhikevich("RS", t_end=20.0)
    calls = {
        "solve": lambda: m.solve(t_span=value),
        # None is solve_all's default (every pattern, a legitimate run of several seconds)
        "solve_all": lambda: solve_all([] if value is None else value),
        "register": lambda: register(Method("prop", "prop", "prop", lambda p, t: None,
                                            rank=value, color=value if isinstance(value, str) else "")),
        "unregister": lambda: unregister(value),
        "replace": lambda: dataclasses.replace(m, params=value),
    }
    try:
        with processor_deadline(20.0), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            calls[which]()
    except Timeout:
        pytest.fail("no LifutilsError within 20 s of processor time")
    except LifutilsError:
        pass
    finally:
        if "prop" in REGISTRY:
            unregister("prop")


@pytest.mark.parametrize("piece", ["rhs", "threshold", "reset"])
def test_replacing_a_piece_with_none_is_refused_not_rebuilt(piece):
    with pytest.raises(LifutilsError, match=rf"{piece} must be callable, got None"):
        dataclasses.replace(adex("adapting"), **{piece: None})

"""The settings of solve_ivp_with_resets are whole when made and never change; the guards
read only what they are given."""
import dataclasses
import functools
import inspect
from types import SimpleNamespace

import numpy as np
import pytest

from lifutils import solve_ivp_with_resets
from lifutils.errors import BudgetError, LifutilsError
from lifutils.restart.args import EventLayout, Settings, _plainly_takes
from lifutils.restart.guards import Guards


def settings(**changes):
    given = dict(fun=lambda t, y: -y, t_span=(0, 5), y0=[1.0, 2.0],
                 events=lambda t, y: y[0] - 3.0, reset=lambda t, y, i: y, hold=None,
                 method="RK45", t_eval=[0.0, 1.0, 2.0], dense_output=False, args=None,
                 breakpoints=(1.5, 0.5, 1.5, 9.0), max_resets=10, max_nfev=1000,
                 max_seconds=None, check_finite=True, keep_y_events=True,
                 options={"rtol": 1e-6, "first_step": 0.1})
    return Settings.from_call(**{**given, **changes})


def test_the_settings_are_whole_when_made():
    s = settings()
    declared = {f.name for f in dataclasses.fields(Settings)}
    assert set(vars(s)) == declared  # nothing added outside the declaration
    assert (s.t0, s.tf, s.n, s.extra, s.first_step) == (0.0, 5.0, 2, (), 0.1)
    assert isinstance(s.events, tuple) and isinstance(s.layout, EventLayout)
    assert s.layout.n_entries == 1 and s.direction.tolist() == [0.0]
    assert s.y0.dtype == float and s.stops.tolist() == [0.5, 1.5]  # sorted, inside t_span
    assert "first_step" not in s.options and s.options["rtol"] == 1e-6
    assert s.max_seconds == 15.0 and not s.max_seconds_given


def test_the_settings_never_change():
    user_y0, user_options = np.array([1.0, 2.0]), {"rtol": 1e-6}
    s = settings(y0=user_y0, options=user_options)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.t0 = 1.0
    for array in (s.y0, s.t_eval, s.stops):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 7.0
    with pytest.raises(TypeError):
        s.options["rtol"] = 1.0
    user_y0[0], user_options["rtol"] = 99.0, 0.5  # the caller's objects are not the settings'
    assert s.y0.tolist() == [1.0, 2.0] and s.options["rtol"] == 1e-6


def test_a_run_leaves_its_settings_as_they_were():
    """The checked jac is made with the settings, not written into them by the run."""
    def jac(t, y):
        return -np.eye(2)
    s = settings(method="Radau", options={"jac": jac, "rtol": 1e-6})
    wrapped = s.options["jac"]
    assert wrapped is not jac and np.array_equal(wrapped(0.0, s.y0), -np.eye(2))
    sol = solve_ivp_with_resets(lambda t, y: -y, (0, 5), [1.0, 2.0], events=lambda t, y: y[0] - 3.0,
                                reset=lambda t, y, i: y, method="Radau", jac=jac, rtol=1e-6)
    assert sol.status == 0 and sol.y[:, -1] == pytest.approx(np.exp(-5.0) * np.array([1, 2]),
                                                             rel=1e-4)


def test_fun_is_called_once_before_the_settings_exist():
    calls = []

    def fun(t, y):
        calls.append(t)
        return -y
    settings(fun=fun)
    assert calls == [0.0]
    with pytest.raises(LifutilsError, match=r"fun must return dy/dt as 2 real numbers"):
        settings(fun=lambda t, y: "no")


def test_the_guards_read_only_the_settings_they_are_given():
    """Guards needs a few settings fields, nothing of the run: a namespace will do."""
    s = SimpleNamespace(t0=0.0, tf=10.0, n=1, max_nfev=100, max_seconds=60.0,
                        max_seconds_given=False, bytes_per_step=8, max_resets=2,
                        layout=SimpleNamespace(n_entries=1), method_name="RK45")
    guards = Guards(s)
    # the stride to the next look at the clock doubles while looks come quickly, to CLOCK_EVERY
    # ("quickly" made sure of: a loaded machine may pause this test between two looks)
    guards.LOOK_EVERY = float("inf")
    strides = [guards.checkpoint(k, 0.0) - k for k in range(1, 9)]
    assert strides == [min(2 ** j, Guards.CLOCK_EVERY) for j in range(1, 9)]
    with pytest.raises(BudgetError, match=r"max_nfev = 100 right-hand-side evaluations and had "
                                          r"reached t = 3\.5 of t_span \(0, 10\)"):
        guards.checkpoint(101, 3.5)
    guards.count_reset(1.0)
    guards.count_reset(2.0)
    with pytest.raises(LifutilsError, match=r"more than max_resets = 2 resets before t = 3"):
        guards.count_reset(3.0)


def _wrapped(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        return f(*args, **kwargs)
    return wrapper


SIGNATURES = [lambda t, y: 0, lambda t, y, i: 0, lambda t, y, *a: 0, lambda t, y=1: 0,
              lambda t, y, i, a=2: 0, lambda t, *, k: 0, lambda t, *, k=1: 0, lambda *a: 0,
              lambda t, y, /, i: 0, lambda: 0, lambda t, y, **kw: 0,
              _wrapped(lambda t, y: 0), np.add, max, functools.partial(lambda a, t, y: 0, 1)]


@pytest.mark.parametrize("function", SIGNATURES)
@pytest.mark.parametrize("n_args", range(5))
def test_the_quick_arity_check_never_passes_what_inspect_refuses(function, n_args):
    try:
        inspect.signature(function).bind(*range(n_args))
        fits = True
    except (TypeError, ValueError):
        fits = False
    if _plainly_takes(function, n_args):
        assert fits
    elif type(function).__name__ == "function" and not hasattr(function, "__wrapped__"):
        assert not fits  # a plain function: the quick check decides alone

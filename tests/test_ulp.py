"""The ulp mode (tests/_ulp.py, ``pytest --ulp=up|down``) does what it says, and cannot do nothing.

In a nudged session every elementary function that lifutils calls returns the neighbour of
this processor's result, lifutils' own numbers move with it, and what every library computes
exactly (0, inf, exp(0), exact powers) stays.
"""
import contextlib
import math

import numpy as np
import pytest

import _ulp
from lifutils import LIFParams, first_spike_time

# One argument (or pair) per function, away from its exact points.
NUMPY_ARGS = {"exp": (1.0,), "expm1": (0.3,), "log": (3.0,), "log1p": (0.3,),
              "power": (2.0, 0.5), "sin": (1.0,), "cos": (1.0,)}
MATH_ARGS = {"exp": (1.0,), "expm1": (0.3,), "log": (3.0,), "log1p": (0.3,),
             "pow": (2.0, 0.5), "sin": (1.0,), "cos": (1.0,)}
TOWARD = {"up": math.inf, "down": -math.inf}


def expected(value, mode):
    return value if mode == "off" else np.nextafter(value, TOWARD[mode])


@contextlib.contextmanager
def ulp(mode, session_mode):
    """This process in ulp ``mode`` for a while, then back in the session's."""
    _ulp.install(mode)
    try:
        yield
    finally:
        _ulp.install(session_mode)


def test_every_function_lifutils_may_call_is_in_the_sessions_mode(ulp_mode):
    assert set(NUMPY_ARGS) == set(_ulp.NUMPY_NAMES) and set(MATH_ARGS) == set(_ulp.MATH_NAMES)
    for name, args in NUMPY_ARGS.items():
        true = _ulp.ORIGINAL_NUMPY[name](*args)
        got = getattr(np, name)(*args)
        assert got == expected(true, ulp_mode) and type(got) is np.float64, name
        assert got != true if ulp_mode != "off" else getattr(np, name) is _ulp.ORIGINAL_NUMPY[name]
    for name, args in MATH_ARGS.items():
        true = _ulp.ORIGINAL_MATH[name](*args)
        got = getattr(math, name)(*args)
        assert got == expected(true, ulp_mode) and type(got) is float, name
        assert got != true if ulp_mode != "off" else getattr(math, name) is _ulp.ORIGINAL_MATH[name]


def test_the_nudge_reaches_lifutils(ulp_mode):
    """The closed form's first spike (tau_m log1p(...)) moves with the session's mode."""
    p = LIFParams(i_e=20.0)
    here = first_spike_time(p)
    with ulp("off", ulp_mode):
        plain = first_spike_time(p)
    with ulp("up", ulp_mode):
        up = first_spike_time(p)
    with ulp("down", ulp_mode):
        down = first_spike_time(p)
    assert down < plain < up and abs(up - down) < 1e-13 * plain
    assert here == {"off": plain, "up": up, "down": down}[ulp_mode]


@pytest.mark.parametrize("mode", ["up", "down"])
def test_the_wrapper_keeps_the_ufuncs_calling_conventions(mode, ulp_mode):
    with ulp(mode, ulp_mode):
        exp = _ulp.ORIGINAL_NUMPY["exp"]
        x = np.array([0.0, 1.0, -2.0, 1000.0, -1000.0, np.nan])
        with np.errstate(over="ignore"):
            true = exp(x)
            out = np.empty_like(x)
            assert np.exp(x, out=out) is out and np.exp(x, out=(out,)) is out
            inplace = x.copy()
            assert np.exp(inplace, out=inplace) is inplace
        for got in out, inplace:
            # exp(0) = 1, overflow to inf, underflow to 0, NaN: as every library gives them
            np.testing.assert_array_equal(got[[0, 3, 4, 5]], [1.0, np.inf, 0.0, np.nan])
            np.testing.assert_array_equal(got[1:3], np.nextafter(true[1:3], TOWARD[mode]))
        masked = np.full(2, 7.0)
        np.exp([1.0, 1.0], out=masked, where=[True, False])
        assert masked[1] == 7.0 and masked[0] == np.nextafter(math.e, TOWARD[mode])
        assert np.exp(np.float32(1.0)).dtype == np.float32 != np.exp(np.float32(1.0))
        assert np.exp(1.0 + 0j) == exp(1.0 + 0j)  # complex: left alone
        assert np.exp.nin == 1 and np.add.reduce is not None and np.exp.__name__ == "exp"
        # Exact everywhere, so exact here: powers of 0 and 1, integer powers of integers.
        assert np.power(3.0, 2.0) == 9.0 and np.power(7.5, 1.0) == 7.5 and np.power(5.0, 0) == 1
        assert np.power(10, 3) == 1000 and math.pow(10, 3) == 1000.0 and np.cos(0.0) == 1.0
        assert np.sin(np.pi / 2) == math.sin(math.pi / 2) == 1.0 and np.cos([np.pi])[0] == -1.0
        assert np.power(2.0, 0.5) != _ulp.ORIGINAL_NUMPY["power"](2.0, 0.5)
        assert np.log(1.0) == 0.0 and math.exp(-1e4) == 0.0
        with pytest.raises(OverflowError):
            math.exp(1e4)


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="ulp mode must be one of off, up, down"):
        _ulp.install("sideways")


@pytest.mark.parametrize("name", sorted(NUMPY_ARGS))
def test_watch_counts_what_a_nudge_would_move_and_moves_nothing(name, ulp_mode):
    args, math_name = NUMPY_ARGS[name], {"power": "pow"}.get(name, name)
    math_args = MATH_ARGS[math_name]
    exact = _ulp.ORIGINAL_NUMPY[name](*args)
    before = _ulp.WOULD_MOVE[0]
    with ulp(_ulp.WATCH, ulp_mode):
        assert getattr(np, name)(*args) == exact                     # a scalar
        assert getattr(np, name)(np.array(args[:1]), *args[1:])[0] == exact  # an array
        assert getattr(math, math_name)(*math_args) == \
            _ulp.ORIGINAL_MATH[math_name](*math_args)
        if name == "exp":
            assert np.exp(0.0) == 1.0 and np.exp(np.array([0.0, math.inf]))[1] == math.inf
    assert _ulp.WOULD_MOVE[0] - before == 3  # exp(0) and inf are exact everywhere: not counted


def test_the_first_pass_fails_a_listed_test_that_calls_exp(request, ulp_mode):
    """A test kept out of the ulp modes (IDENTICAL_IN_ULP_MODES) whose run would be moved by a
    nudge fails in the first pass; in a ulp pass the hook leaves the functions as they are."""
    import conftest

    class Item:  # what the hook reads of a test item
        originalname = sorted(conftest.IDENTICAL_IN_ULP_MODES)[0]
        config = request.config
    session_exp = np.exp
    hook = conftest.pytest_runtest_call(Item())
    next(hook)  # the test's call would run here
    if ulp_mode == "off":
        assert isinstance(np.exp, _ulp.NudgedUfunc) and np.exp.watch
        assert np.exp(0.0) == 1.0  # exact everywhere: fine
        assert np.exp(0.5) == _ulp.ORIGINAL_NUMPY["exp"](0.5)  # unmoved, and counted
        with pytest.raises(pytest.fail.Exception, match=r"1 results .* take it out of that list"):
            hook.send("the test's result")
    else:
        assert np.exp is session_exp
        with pytest.raises(StopIteration) as stop:
            hook.send("the test's result")
        assert stop.value.value == "the test's result"
    assert np.exp is session_exp  # the session's functions, back


def test_every_test_kept_out_of_the_ulp_modes_exists():
    """A renamed test would otherwise fall back into the ulp modes without a word (harmless,
    but the list would lie)."""
    import re
    from pathlib import Path

    import conftest
    defined = set(re.findall(r"^def (test_\w+)\(", "\n".join(
        p.read_text() for p in Path(__file__).parent.glob("test_*.py")), re.M))
    assert not conftest.IDENTICAL_IN_ULP_MODES - defined

import math
import re

import numpy as np
import pytest

from lifutils import LIFParams, LifutilsError, inputs
from lifutils.params import check_dt, check_t_max


def test_defaults_are_the_questions_values():
    p = LIFParams()
    assert (p.tau_m, p.v_rest, p.v_thresh, p.v_reset, p.i_e, p.r_m, p.t_ref, p.v0) == \
        (10.0, -70.0, -55.0, -80.0, 3.0, 1.0, 0.0, None), "did the defaults change?"
    assert p.v_start == -70.0
    assert p.v_inf == -67.0


@pytest.mark.parametrize("field, value, message", [
    ("tau_m", 0.0, "tau_m must be a finite number > 0 ms, got 0.0"),
    ("tau_m", -1.0, "tau_m must be a finite number > 0 ms, got -1.0"),
    ("tau_m", math.nan, "tau_m must be a finite number > 0 ms, got nan"),
    ("r_m", 0.0, "r_m must be a finite number > 0 MOhm, got 0.0"),
    ("r_m", math.inf, "r_m must be a finite number > 0 MOhm, got inf"),
    ("t_ref", -0.5, "t_ref must be a finite number >= 0 ms, got -0.5"),
    ("t_ref", math.nan, "t_ref must be a finite number >= 0 ms, got nan"),
    ("v_reset", -55.0, "v_reset must be below v_thresh (-55.0 mV), got -55.0 mV"),
    ("v_reset", -40.0, "v_reset must be below v_thresh"),
    ("v_thresh", math.nan, "v_thresh must be a finite number (mV), got nan"),
    ("v_rest", -math.inf, "v_rest must be a finite number (mV), got -inf"),
    ("v0", math.nan, "v0 must be a finite number (mV), got nan"),
    ("i_e", math.nan, "i_e must be a finite number (nA), got nan"),
    ("i_e", "3", "i_e must be a finite number (nA), got '3'"),
    ("i_e", 3 + 1j, "i_e must be a finite number (nA), got (3+1j)"),
    ("i_e", None, "i_e must be a finite number (nA), got None"),
    ("tau_m", True, "tau_m must be a finite number > 0 ms, got True"),
    ("tau_m", 10**400, "tau_m must be a finite number > 0 ms, got an integer of more than 300 digits"),
    ("tau_m", 1e-320, r"1 / tau_m = inf is out of the range of double precision"),
])
def test_bad_parameters_name_the_parameter_and_rule(field, value, message):
    if "\\" not in message and "|" not in message:
        message = re.escape(message)
    with pytest.raises(LifutilsError, match=message):
        LIFParams(**{field: value})


@pytest.mark.parametrize("kwargs, message", [
    (dict(r_m=1e300, i_e=1e10), r"r_m \* i_e = inf is out of the range of double precision"),
    (dict(r_m=10.0, i_e=1e308), r"r_m \* i_e = inf"),
    (dict(i_e=1e308, v_rest=1e308), r"v_inf = v_rest \+ r_m \* i_e = inf"),
    (dict(v_thresh=1e308, v_reset=-1e308), r"v_thresh - v_reset = inf"),
    (dict(v_rest=-1.7e308, tau_m=0.01), r"the largest dv/dt, \(max v - min v\) / tau_m = inf"),
])
def test_derived_quantities_that_overflow_are_refused(kwargs, message):
    with pytest.raises(LifutilsError, match=message):
        LIFParams(**kwargs)


@pytest.mark.parametrize("value", [np.float32(12.5), np.int64(12), np.array(12.5), np.float64(12.5)])
def test_numpy_numbers_and_0d_arrays_are_accepted(value):
    p = LIFParams(tau_m=value, i_e=value, t_ref=value)
    assert p.tau_m == float(value) and type(p.tau_m) is float and p.i_e == float(value)


def test_params_are_frozen_and_replace_validates():
    p = LIFParams()
    with pytest.raises(AttributeError):
        p.tau_m = 5.0
    assert p.replace(i_e=20.0).v_inf == -50.0
    with pytest.raises(ValueError, match="v_reset must be below v_thresh"):
        p.replace(v_thresh=-90.0)


def test_callable_input_must_take_arrays_and_single_times():
    with pytest.raises(LifutilsError, match="calling it on array"):
        LIFParams(i_e=lambda t: 5.0 if t > 1 else 0.0)
    with pytest.raises(LifutilsError, match=r"calling it on 0.0 raised TypeError.*not len\(t\)"):
        LIFParams(i_e=lambda t: np.full(len(t), 5.0))
    with pytest.raises(LifutilsError, match="not real numbers"):
        LIFParams(i_e=lambda t: (1 + 1j) * np.ones_like(t))
    with pytest.raises(LifutilsError, match="must return finite currents"):
        LIFParams(i_e=lambda t: np.where(np.asarray(t) > 0.5, np.nan, 1.0))


def test_a_constant_value_must_agree_with_the_function():
    def ramp(t):
        return 0.1 * np.asarray(t)
    ramp.constant_value = 2.0
    with pytest.raises(LifutilsError, match=r"i_e.constant_value = 2.0 nA disagrees with i_e\(t\)"):
        LIFParams(i_e=ramp)
    ramp.constant_value = math.nan
    with pytest.raises(LifutilsError, match=r"i_e.constant_value must be a finite number"):
        LIFParams(i_e=ramp)


def test_callable_input_must_be_vectorised():
    with pytest.raises(ValueError, match="must be vectorised"):
        LIFParams(i_e=lambda t: 5.0)
    p = LIFParams(i_e=lambda t: np.where(t > 1, 5.0, 0.0))
    assert p.constant_current is None
    np.testing.assert_array_equal(p.current([0.0, 2.0]), [0.0, 5.0])
    with pytest.raises(ValueError, match="v_inf is defined for a constant i_e only"):
        p.v_inf


def test_constant_input_object_counts_as_constant():
    assert LIFParams(i_e=inputs.constant(20.0)).v_inf == -50.0


def test_scalar_current_rejects_non_finite_values():
    p = LIFParams(i_e=lambda t: np.where(t > 5, np.nan, 1.0))
    current = p.scalar_current()
    assert current(1.0) == 1.0
    with pytest.raises(ValueError, match=r"i_e returned nan at t = 6.0 ms"):
        current(6.0)


@pytest.mark.parametrize("t_max, message", [
    (0.0, "t_max must be a finite number > 0 ms, got 0.0"), (-1.0, "t_max must be a finite number > 0"),
    (math.nan, "t_max must be a finite number > 0 ms, got nan"), (math.inf, "got inf"),
    ("100", "got '100'"), (None, "got None"),
])
def test_bad_t_max(t_max, message):
    with pytest.raises(ValueError, match=message):
        check_t_max(t_max)


@pytest.mark.parametrize("dt, message", [
    (0.0, "dt must be a finite number > 0 ms"), (-0.1, "got -0.1"), (math.nan, "got nan"),
    (200.0, r"dt must be no larger than t_max \(100.0 ms\)"),
])
def test_bad_dt(dt, message):
    with pytest.raises(ValueError, match=message):
        check_dt(dt, 100.0)

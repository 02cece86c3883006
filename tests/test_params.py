import math

import numpy as np
import pytest

from lifutils import LIFParams, inputs
from lifutils.params import check_dt, check_t_max


def test_defaults_are_the_questions_values():
    p = LIFParams()
    assert (p.tau_m, p.v_rest, p.v_thresh, p.v_reset, p.i_e, p.r_m, p.t_ref, p.v0) == \
        (10.0, -70.0, -55.0, -80.0, 3.0, 1.0, 0.0, None), "did the defaults change?"
    assert p.v_start == -70.0
    assert p.v_inf == -67.0


@pytest.mark.parametrize("field, value, message", [
    ("tau_m", 0.0, "tau_m must be > 0 ms"),
    ("tau_m", -1.0, "tau_m must be > 0 ms"),
    ("tau_m", math.nan, "tau_m must be finite"),
    ("r_m", 0.0, "r_m must be > 0 MOhm"),
    ("r_m", math.inf, "r_m must be finite"),
    ("t_ref", -0.5, "t_ref must be >= 0 ms"),
    ("t_ref", math.nan, "t_ref must be finite"),
    ("v_reset", -55.0, "v_reset must be below v_thresh (-55.0 mV)"),
    ("v_reset", -40.0, "v_reset must be below v_thresh"),
    ("v_thresh", math.nan, "v_thresh must be finite"),
    ("v_rest", -math.inf, "v_rest must be finite"),
    ("v0", math.nan, "v0 must be finite"),
    ("i_e", math.nan, "i_e must be finite"),
    ("i_e", "3", "i_e must be a finite real number"),
    ("tau_m", True, "tau_m must be a finite real number"),
])
def test_bad_parameters_name_the_parameter_and_rule(field, value, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        LIFParams(**{field: value})


def test_params_are_frozen_and_replace_validates():
    p = LIFParams()
    with pytest.raises(AttributeError):
        p.tau_m = 5.0
    assert p.replace(i_e=20.0).v_inf == -50.0
    with pytest.raises(ValueError, match="v_reset must be below v_thresh"):
        p.replace(v_thresh=-90.0)


def test_callable_input_must_be_vectorised():
    with pytest.raises(ValueError, match="calling it on"):
        LIFParams(i_e=lambda t: 5.0 if t > 1 else 0.0)
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
    (0.0, "t_max must be > 0"), (-1.0, "t_max must be > 0"),
    (math.nan, "t_max must be finite"), (math.inf, "t_max must be finite"),
])
def test_bad_t_max(t_max, message):
    with pytest.raises(ValueError, match=message):
        check_t_max(t_max)


@pytest.mark.parametrize("dt, message", [
    (0.0, "dt must be > 0"), (-0.1, "dt must be > 0"), (math.nan, "dt must be finite"),
    (200.0, r"dt must be no larger than t_max \(100.0 ms\)"),
])
def test_bad_dt(dt, message):
    with pytest.raises(ValueError, match=message):
        check_dt(dt, 100.0)

import numpy as np
import pytest

from lifutils import LifutilsError, inputs


def test_constant():
    i = inputs.constant(2.5)
    np.testing.assert_array_equal(i(np.array([0.0, 3.0, 1e6])), [2.5, 2.5, 2.5])
    assert i.breakpoints == () and i.piecewise_constant and i.constant_value == 2.5
    assert float(i(7.0)) == 2.5 and np.shape(i(7.0)) == ()


def test_step_is_right_continuous():
    i = inputs.step(10.0, 2.0, baseline=-1.0)
    np.testing.assert_array_equal(i([9.999, 10.0, 50.0]), [-1.0, 2.0, 2.0])
    assert i.breakpoints == (10.0,)


def test_pulse():
    i = inputs.pulse(t_on=10.0, duration=0.5, amplitude=30.0)
    np.testing.assert_array_equal(i([9.99, 10.0, 10.49, 10.5, 20.0]), [0, 30, 30, 0, 0])
    assert i.breakpoints == (10.0, 10.5)


def test_pulse_train():
    i = inputs.pulse_train(t_on=5.0, duration=1.0, amplitude=4.0, period=10.0, n_pulses=3)
    t = np.array([4.9, 5.0, 5.9, 6.0, 15.5, 25.5, 35.5, 45.5])
    np.testing.assert_array_equal(i(t), [0, 4, 4, 0, 4, 4, 0, 0])
    assert i.breakpoints == (5.0, 6.0, 15.0, 16.0, 25.0, 26.0)


def test_sine():
    i = inputs.sine(mean=1.0, amplitude=2.0, period=40.0)
    np.testing.assert_allclose(i([0.0, 10.0, 20.0, 30.0]), [1.0, 3.0, 1.0, -1.0], atol=1e-12)
    assert i.breakpoints == () and not i.piecewise_constant


@pytest.mark.parametrize("make, message", [
    (lambda: inputs.pulse(0.0, 0.0, 1.0), r"duration must be a finite number > 0 ms, got 0.0"),
    (lambda: inputs.pulse(0.0, 1.0, np.nan), r"amplitude must be a finite number \(nA\), got nan"),
    (lambda: inputs.pulse_train(0.0, 2.0, 1.0, period=2.0, n_pulses=3), "period must be longer than duration"),
    (lambda: inputs.pulse_train(0.0, 1.0, 1.0, period=2.0, n_pulses=0), "n_pulses must be an integer >= 1, got 0"),
    (lambda: inputs.pulse_train(0.0, 1.0, 1.0, period=2.0, n_pulses=2.5), "n_pulses must be an integer >= 1, got 2.5"),
    (lambda: inputs.pulse_train(0.0, 1.0, 1.0, period=2.0, n_pulses=10**8),
     r"n_pulses = 100000000 implies 2e\+08 breakpoints \(solver restarts\), over the budget of 1e\+06"),
    (lambda: inputs.sine(1.0, 1.0, period=0.0), "period must be a finite number > 0 ms, got 0.0"),
    (lambda: inputs.step(np.inf, 1.0), r"t_on must be a finite number \(ms\), got inf"),
    (lambda: inputs.Input(lambda t: 2.0 * np.ones_like(t), constant_value=np.nan), "constant_value must be a finite number"),
    (lambda: inputs.Input(lambda t: 2.0 * np.ones_like(t), constant_value=3.0),
     r"constant_value = 3.0 nA disagrees with func"),
    (lambda: inputs.Input(lambda t: t, breakpoints=[np.nan]), "breakpoints must be a one-dimensional"),
    (lambda: inputs.Input(5.0), "func must be a callable"),
])
def test_bad_inputs(make, message):
    with pytest.raises(LifutilsError, match=message):
        make()


def test_numpy_numbers_are_accepted():
    i = inputs.pulse_train(np.int64(0), np.float32(1.0), np.array(5.0), period=np.int64(10), n_pulses=np.int64(2))
    np.testing.assert_array_equal(i([0.5, 5.0, 10.5, 20.5]), [5.0, 0.0, 5.0, 0.0])
    assert inputs.Input(lambda t: 2.0 * np.ones_like(t), constant_value=np.float32(2.0)).constant_value == 2.0

"""Closed-form exercises: the rheobase, the first spike time and the interspike interval.

Each ``check_*`` prints one line, ``Right: ...`` or ``Not yet: ...`` with a hint,
and returns True or False; it never raises.
"""
from __future__ import annotations

import math

from ..analytic import first_spike_time, interspike_interval, rheobase
from ..params import LIFParams
from ._student import call_student
from ._verdict import TOL_MS, TOL_NA, _as_number, _near, _verdict

__all__ = ["RHEOBASE_NEURON", "FIRST_SPIKE_NEURON", "REFRACTORY_NEURON", "LOOP_T_MAX",
           "check_rheobase", "check_first_spike_time", "check_isi", "solution_rheobase",
           "solution_first_spike_time", "solution_isi"]

#: Exercise 1: the question's neuron with a membrane resistance of 2 MOhm.
RHEOBASE_NEURON = LIFParams(r_m=2.0)
#: Exercise 2: the question's neuron driven by 25 nA.
FIRST_SPIKE_NEURON = LIFParams(i_e=25.0)
#: Exercise 6.1 (and the restart loop of notebook 03): 20 nA and a 2 ms refractory period.
REFRACTORY_NEURON = LIFParams(i_e=20.0, t_ref=2.0)
#: Exercise 5: simulated time (ms).
LOOP_T_MAX = 100.0


def _answer(value, neuron, unit, exercise, name):
    """(number, problem): a value as it is, or a student's function called on ``neuron``."""
    if callable(value):
        value, problem = call_student(value, (neuron,), exercise=exercise, name=name)
        if problem:
            return None, problem
    return _as_number(value, unit, "12.5")




# --------------------------------------------------------------------------- exercise 1

def solution_rheobase(params: LIFParams = RHEOBASE_NEURON) -> float:
    """Reference solution of exercise 1: the rheobase (nA) of ``params``.

    At the rheobase the steady state ``v_rest + r_m * i_e`` just reaches
    ``v_thresh``.

    Examples
    --------
    >>> solution_rheobase(RHEOBASE_NEURON)
    7.5
    """
    return (params.v_thresh - params.v_rest) / params.r_m


def check_rheobase(value) -> bool:
    """Check exercise 1: the rheobase (nA) of :data:`RHEOBASE_NEURON` (r_m = 2 MOhm).

    ``value`` is the number, or the student's function ``f(params)``, which
    the check calls on the neuron.

    Right within :data:`TOL_NA` = 0.001 nA.

    Examples
    --------
    >>> check_rheobase(15.0)
    Not yet: 15 nA is the rheobase for r_m = 1 MOhm. Hint: this neuron has r_m = 2 MOhm; the 15 mV gap from v_rest to v_thresh must come from r_m * i_e.
    False
    """
    number, problem = _answer(value, RHEOBASE_NEURON, "nA", "1", "my_rheobase")
    if problem:
        return _verdict(False, problem)
    p = RHEOBASE_NEURON
    right = rheobase(p)
    gap = p.v_thresh - p.v_rest
    if _near(number, right, TOL_NA):
        return _verdict(True, f"the rheobase is {right:.3f} nA (within {TOL_NA:g} nA): "
                              f"(v_thresh - v_rest) / r_m = {gap:g} mV / {p.r_m:g} MOhm.")
    if _near(number, gap, TOL_NA):
        return _verdict(False, f"{number:g} nA is the rheobase for r_m = 1 MOhm. Hint: this "
                               f"neuron has r_m = {p.r_m:g} MOhm; the {gap:g} mV gap from "
                               "v_rest to v_thresh must come from r_m * i_e.")
    if _near(number, gap * p.r_m, TOL_NA):
        return _verdict(False, f"{number:g} nA: you multiplied by r_m. Hint: r_m * i_e must "
                               f"equal {gap:g} mV, so divide by r_m.")
    if number < 0 or _near(number, p.v_thresh, TOL_NA) or _near(number, p.v_rest, TOL_NA):
        return _verdict(False, f"{number:g} looks like a voltage (mV). Hint: the rheobase "
                               "is a current (nA), the i_e at which v_rest + r_m * i_e "
                               "reaches v_thresh.")
    return _verdict(False, f"{number:g} nA is not it. Hint: the neuron fires only if "
                           "v_rest + r_m * i_e > v_thresh; solve for i_e.")


# --------------------------------------------------------------------------- exercise 2

def solution_first_spike_time(params: LIFParams = FIRST_SPIKE_NEURON) -> float:
    """Reference solution of exercise 2: the first spike time (ms) from v_rest.

    Solve ``v_inf + (v_rest - v_inf) exp(-t / tau_m) = v_thresh`` for t.

    Examples
    --------
    >>> round(solution_first_spike_time(FIRST_SPIKE_NEURON), 4)  # 10 ln 2.5
    9.1629
    """
    v_inf = params.v_rest + params.r_m * params.i_e
    return params.tau_m * math.log((params.v_rest - v_inf) / (params.v_thresh - v_inf))


def check_first_spike_time(value) -> bool:
    """Check exercise 2: first spike time (ms) of :data:`FIRST_SPIKE_NEURON` (i_e = 25 nA).

    ``value`` is the number, or the student's function ``f(params)``, which
    the check calls on the neuron.

    The neuron starts at v_rest. Right within :data:`TOL_MS` = 0.001 ms.

    Examples
    --------
    >>> check_first_spike_time(9.1629)
    Right: the first spike comes at 9.1629 ms (within 0.001 ms): tau_m ln((v_rest - v_inf) / (v_thresh - v_inf)) = 10 ln 2.5.
    True
    """
    number, problem = _answer(value, FIRST_SPIKE_NEURON, "ms", "2", "my_first_spike_time")
    if problem:
        return _verdict(False, problem)
    p = FIRST_SPIKE_NEURON
    right = first_spike_time(p)
    v_inf = p.v_inf
    if _near(number, right, TOL_MS):
        ratio = (p.v_rest - v_inf) / (p.v_thresh - v_inf)
        return _verdict(True, f"the first spike comes at {right:.4f} ms (within {TOL_MS:g} ms): "
                              "tau_m ln((v_rest - v_inf) / (v_thresh - v_inf)) = "
                              f"{p.tau_m:g} ln {ratio:g}.")
    if _near(number, interspike_interval(p), TOL_MS):
        return _verdict(False, f"{number:.4f} ms is the interval between later spikes, which "
                               "start from v_reset. Hint: the first climb starts at v_rest.")
    if _near(number, first_spike_time(p.replace(i_e=20.0)), TOL_MS):
        return _verdict(False, f"{number:.4f} ms is the first spike at 20 nA. Hint: this "
                               f"neuron gets i_e = {p.i_e:g} nA, so v_inf = {v_inf:g} mV.")
    if _near(number, -right, TOL_MS):
        return _verdict(False, "right size, wrong sign. Hint: the ratio inside the logarithm "
                               "is upside down; it must be larger than 1.")
    if _near(number, 1000.0 * right, 1000.0 * TOL_MS) or _near(number, right / 1000.0, 1e-6):
        return _verdict(False, f"{number:g}: check the unit. Hint: give the time in ms.")
    return _verdict(False, f"{number:g} ms is not it. Hint: v(t) = v_inf + (v_rest - v_inf) "
                           "exp(-t / tau_m) with v_inf = v_rest + r_m * i_e; solve "
                           "v(t) = v_thresh for t.")


# --------------------------------------------------------------------------- exercise 6.1

def solution_isi(params: LIFParams = REFRACTORY_NEURON) -> float:
    """Reference solution of exercise 6.1: the interspike interval (ms) with refractory period.

    The neuron is held at v_reset for ``t_ref``, then climbs from v_reset to
    v_thresh: ``t_ref + tau_m ln((v_reset - v_inf) / (v_thresh - v_inf))``.

    Examples
    --------
    >>> round(solution_isi(REFRACTORY_NEURON), 4)  # 2 + 10 ln 6
    19.9176
    """
    v_inf = params.v_rest + params.r_m * params.i_e
    return params.t_ref + params.tau_m * math.log((params.v_reset - v_inf)
                                                  / (params.v_thresh - v_inf))


def check_isi(value) -> bool:
    """Check exercise 6.1: the interspike interval (ms) of :data:`REFRACTORY_NEURON`.

    ``value`` is the number, or the student's function ``f(params)``, which
    the check calls on the neuron.

    i_e = 20 nA, t_ref = 2 ms. Right within :data:`TOL_MS` = 0.001 ms.

    Examples
    --------
    >>> check_isi(17.9176)
    Not yet: 17.9176 ms is the interval without the refractory period. Hint: v is held at v_reset for t_ref = 2 ms before it climbs again.
    False
    >>> check_isi(solution_isi)
    Right: the interval is 19.9176 ms (within 0.001 ms): t_ref + tau_m ln((v_reset - v_inf) / (v_thresh - v_inf)) = 2 + 17.9176 ms.
    True
    """
    number, problem = _answer(value, REFRACTORY_NEURON, "ms", "6.1", "my_isi")
    if problem:
        return _verdict(False, problem)
    p = REFRACTORY_NEURON
    right = interspike_interval(p)
    climb = right - p.t_ref
    if _near(number, right, TOL_MS):
        return _verdict(True, f"the interval is {right:.4f} ms (within {TOL_MS:g} ms): "
                              f"t_ref + tau_m ln((v_reset - v_inf) / (v_thresh - v_inf)) = "
                              f"{p.t_ref:g} + {climb:.4f} ms.")
    if _near(number, climb, TOL_MS):
        return _verdict(False, f"{number:.4f} ms is the interval without the refractory "
                               f"period. Hint: v is held at v_reset for t_ref = {p.t_ref:g} ms "
                               "before it climbs again.")
    if _near(number, climb - p.t_ref, TOL_MS):
        return _verdict(False, "you subtracted t_ref. Hint: the hold at v_reset makes the "
                               "interval longer, not shorter.")
    if _near(number, first_spike_time(p), TOL_MS) or _near(number, first_spike_time(p) + p.t_ref,
                                                               TOL_MS):
        return _verdict(False, f"{number:.4f} ms uses the climb from v_rest. Hint: after a "
                               "spike v starts from v_reset, which is lower.")
    if _near(number, 1000.0 / right, 0.01):
        return _verdict(False, f"{number:g} looks like the firing rate in Hz. Hint: give the "
                               "interval in ms.")
    return _verdict(False, f"{number:g} ms is not it. Hint: t_ref plus the climb from v_reset "
                           "to v_thresh, tau_m ln((v_reset - v_inf) / (v_thresh - v_inf)).")


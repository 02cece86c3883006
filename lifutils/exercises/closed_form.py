"""Closed-form exercise 6.1: the interspike interval with a refractory period.

The check calls the student's function on several neurons (other drives,
resistances, time constants and refractory periods than the notebook's) and
compares with :func:`lifutils.interspike_interval`; it prints ``Right: ...`` or
``Not yet: ...`` with a hint and returns True or False; it never raises.
"""
from __future__ import annotations

from ..analytic import first_spike_time, interspike_interval
from ..params import LIFParams
from ._student import StudentError, judge, not_callable
from .answers import TOL_MS, as_number, near

__all__ = ["REFRACTORY_NEURON", "ISI_NEURONS", "check_isi"]

#: Exercise 6.1: 20 nA and a 2 ms refractory period (the notebook's neuron).
REFRACTORY_NEURON = LIFParams(i_e=20.0, t_ref=2.0)
#: Exercise 6.1: every neuron the student's function is asked about.
ISI_NEURONS = (REFRACTORY_NEURON,
               LIFParams(i_e=45.0, r_m=0.5, t_ref=0.5, v_reset=-75.0, tau_m=8.0),
               LIFParams(i_e=12.0, r_m=2.0, t_ref=1.5, tau_m=15.0))


def _isi_hint(number, p):
    """None if ``number`` is the interval of ``p``, else the hint."""
    right = interspike_interval(p)
    climb = right - p.t_ref
    if near(number, right, TOL_MS):
        return None
    if near(number, climb, TOL_MS):
        return (f"{number:.4f} ms is the interval without the refractory period. Hint: v is "
                f"held at v_reset for t_ref = {p.t_ref:g} ms before it climbs again.")
    if near(number, climb - p.t_ref, TOL_MS):
        return ("you subtracted t_ref. Hint: the hold at v_reset makes the interval longer, "
                "not shorter.")
    no_rm = p.replace(r_m=1.0, i_e=p.i_e)
    if p.r_m != 1.0 and no_rm.v_inf > p.v_thresh and near(number, interspike_interval(no_rm),
                                                           TOL_MS):
        return (f"this neuron has r_m = {p.r_m:g} MOhm and your interval leaves it out. Hint: "
                "v_inf = v_rest + r_m * i_e.")
    if near(number, first_spike_time(p), TOL_MS) or near(number, first_spike_time(p) + p.t_ref,
                                                           TOL_MS):
        return (f"{number:.4f} ms uses the climb from v_rest. Hint: after a spike v starts from "
                "v_reset, which is lower.")
    if near(number, -right, TOL_MS) or near(number, p.t_ref - climb, TOL_MS):
        return "the logarithm's ratio is upside down. Hint: (v_reset - v_inf) / (v_thresh - v_inf) > 1."
    if near(number, 1000.0 / right, 0.01):
        return f"{number:g} looks like the firing rate in Hz. Hint: give the interval in ms."
    if near(number, right / 1000.0, 1e-6):
        return f"{number:g} looks like seconds. Hint: give the interval in ms."
    return (f"{number:g} ms is not it. Hint: t_ref plus the climb from v_reset to v_thresh, "
            "tau_m ln((v_reset - v_inf) / (v_thresh - v_inf)).")


def _judge_isi(func):
    if not callable(func):
        raise StudentError(not_callable(func, "my_isi") + " The check asks it about "
                                                          "several neurons.")
    for k, p in enumerate(ISI_NEURONS):
        number, problem = as_number(func(p), "ms", "19.9")
        if problem:
            return False, problem
        hint = _isi_hint(number, p)
        if hint and k > 0 and "leaves it out" not in hint:
            hint = (f"right for the notebook's neuron, but {number:g} ms for one with "
                    f"i_e = {p.i_e:g} nA, r_m = {p.r_m:g} MOhm, tau_m = {p.tau_m:g} ms, t_ref = "
                    f"{p.t_ref:g} ms, v_reset = {p.v_reset:g} mV (it is "
                    f"{interspike_interval(p):.4f} ms). Hint: use params' fields, not fixed "
                    "numbers.")
        if hint:
            return False, hint
    p = REFRACTORY_NEURON
    right = interspike_interval(p)
    return True, (f"the interval is {right:.4f} ms (within {TOL_MS:g} ms): t_ref + tau_m "
                  f"ln((v_reset - v_inf) / (v_thresh - v_inf)) = {p.t_ref:g} + "
                  f"{right - p.t_ref:.4f} ms; right too for {len(ISI_NEURONS) - 1} other neurons.")


def check_isi(func, *, time_limit=None) -> bool:
    """Check exercise 6.1: ``func(params)`` returns the interspike interval (ms).

    ``func`` is called on each neuron of :data:`ISI_NEURONS` (the notebook's
    20 nA, t_ref = 2 ms neuron first) and compared with
    :func:`lifutils.interspike_interval` within :data:`TOL_MS` = 0.001 ms.

    Examples
    --------
    >>> check_isi(lambda params: 17.9176)
    Not yet: 17.9176 ms is the interval without the refractory period. Hint: v is held at v_reset for t_ref = 2 ms before it climbs again.
    False
    """
    return judge(_judge_isi, func, exercise="6.1", name="my_isi",
                 task="work out the interval yourself",
                 hint="my_isi(params) reads params' fields and returns one number in ms.",
                 time_limit=time_limit)[0]

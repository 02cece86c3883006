"""References for the capstone exercises of notebook 06 (lifutils.exercises.larger_models).

The adaptive (v, w) neuron's exact spike times, and whether solve_ivp finds the
spike of a brief pulse (with the pulse's exact spike time). Units: ms, mV, nA, MOhm.
"""
from __future__ import annotations

import math
import numpy as np

from .. import checks as check
from ..errors import LifutilsError, RunawayError
from ..params import LIFParams, check_t_max
from .currents import MAX_SPIKES, B_JUMP, TAU_W, Segment

__all__ = ["adaptive_reference", "pulse_reference", "PULSE_BASELINE", "PULSE_AMPLITUDE",
            "PULSE_WIDTH", "PULSE_ONSETS"]

def adaptive_reference(params: LIFParams, t_max, *, tau_w=TAU_W, b=B_JUMP,
                       w_to_b=False) -> np.ndarray:
    """Exact spike times (ms) of the adaptive (v, w) neuron, to about 1e-12 ms.

    ``tau_m dv/dt = -(v - v_rest) + r_m (i_e - w)``, ``tau_w dw/dt = -w``; at
    ``v = v_thresh``, v goes to ``v_reset`` and w to ``w + b``. Starts at
    ``v_start`` with w = 0. Between spikes v is a sum of two exponentials
    whose first crossing is bracketed and found with ``brentq``.

    Parameters
    ----------
    params : LIFParams
        Neuron parameters; ``i_e`` constant, ``t_ref`` 0.
    t_max : float
        Simulation length (ms), > 0.
    tau_w : float
        Adaptation time constant (ms), > 0 and different from ``tau_m``.
    b : float
        Jump of w at each spike (nA); a negative b makes w add to the input.
    w_to_b : bool
        Set w *to* b at each spike instead of adding b (a wrong reset, for
        the hints of exercise 6.2).

    Returns
    -------
    ndarray
        Spike times (ms).

    Examples
    --------
    >>> adaptive_reference(LIFParams(i_e=20.0), 100.0, tau_w=100.0, b=2.0).round(4)
    array([13.8629, 35.4452, 61.5548, 92.6149])
    """
    t_max = check_t_max(t_max)
    tau_w, b = check.positive("tau_w", tau_w, unit="ms"), check.real("b", b, unit="nA")
    if tau_w == params.tau_m:
        raise LifutilsError(f"tau_w must differ from tau_m ({params.tau_m!r} ms), got {tau_w!r}")
    if params.constant_current is None or params.t_ref != 0:
        raise LifutilsError("adaptive_reference needs a constant i_e and t_ref = 0")
    if not params.v_start < params.v_thresh:
        raise LifutilsError("adaptive_reference needs a start below v_thresh")
    t, v, w, spikes = 0.0, params.v_start, 0.0, []
    while t < t_max:
        s = Segment(params, params.v_inf, tau_w, v, -w).first_crossing(t_max - t)
        if s is None:
            break
        t = t + s
        spikes.append(t)
        if len(spikes) > MAX_SPIKES:
            raise RunawayError(f"more than {MAX_SPIKES} spikes: shorten t_max")
        w = b if w_to_b else w * math.exp(-s / tau_w) + b
        v = params.v_reset
    return np.asarray(spikes, dtype=float)


PULSE_BASELINE = 14.0   # nA: v settles at -56 mV, 1 mV under the threshold
PULSE_AMPLITUDE = 100.0  # nA, added during the pulse
PULSE_WIDTH = 0.2       # ms
PULSE_ONSETS = tuple(round(10.0 + 0.4137 * k, 4) for k in range(12))  # ms


def pulse_reference(onset, *, max_step=np.inf, width=PULSE_WIDTH, method="RK45"):
    """Does solve_ivp find the spike that a brief pulse causes? And when is it, exactly?

    The question's neuron with ``PULSE_BASELINE`` = 14 nA starts at its
    steady state, 1 mV under the threshold; from ``onset`` for ``width`` ms
    another ``PULSE_AMPLITUDE`` = 100 nA lifts v over the threshold. solve_ivp
    (default tolerances, a terminal threshold event) runs to ``onset + 10`` ms.

    Parameters
    ----------
    onset : float
        Start of the pulse (ms), > 0.
    max_step : float
        solve_ivp's ``max_step`` (ms); the default lets steps grow freely.
    width : float
        Pulse length (ms), > 0.
    method : str
        solve_ivp's method.

    Returns
    -------
    (float or None, float)
        The spike time solve_ivp found (None if it stepped over the pulse),
        and the exact one (ms), from the closed form during the pulse.

    Examples
    --------
    >>> found, exact = pulse_reference(10.0)
    >>> found is None, round(exact, 4)  # 10 ln(100/99) ms after the onset
    (True, 10.1005)
    >>> round(pulse_reference(10.0, max_step=0.1)[0], 2)
    10.1
    """
    from scipy.integrate import solve_ivp  # only this reference runs a solver

    p = LIFParams(i_e=PULSE_BASELINE)
    onset = check.positive("onset", onset, unit="ms")
    width = check.positive("width", width, unit="ms")
    v_top = p.v_inf + p.r_m * PULSE_AMPLITUDE
    climb = p.tau_m * math.log((p.v_inf - v_top) / (p.v_thresh - v_top))
    if climb > width:
        raise LifutilsError(f"width must let the pulse reach the threshold; a {width:g} ms "
                            "pulse does not")

    def rhs(t, y):
        i = p.i_e + (PULSE_AMPLITUDE if onset <= t < onset + width else 0.0)
        return (-(y - p.v_rest) + p.r_m * i) / p.tau_m

    def threshold(t, y):
        return y[0] - p.v_thresh
    threshold.terminal, threshold.direction = True, 1
    sol = solve_ivp(rhs, (0.0, onset + 10.0), [p.v_inf], events=threshold, method=method,
                    max_step=max_step)
    found = float(sol.t_events[0][0]) if sol.t_events[0].size else None
    return found, onset + climb

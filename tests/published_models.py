"""Published spiking models with resets, beyond the gallery, and an independent reference.

Each :class:`Case` is one model and one input, written here from its source:

* Izhikevich EM (2004) Which model to use for cortical spiking neurons? IEEE Trans
  Neural Netw 15:1063-1070, the features (A) to (S) of Fig. 1, with the
  parameters, initial states, inputs and durations of its script ``figure1.m``
  (izhikevich.org/publications/figure1.m). That script steps Euler at 0.25 ms;
  here the same equations are solved as ODEs (the input switches are breakpoints).
  Features G and L use 0.04 v^2 + 4.1 v + 108, and R the recovery
  du/dt = a b (v + 65), as figure1.m does.
* the quadratic integrate-and-fire neuron dv/dt = v^2 + I (Ermentrout & Kopell
  1986; Latham et al. 2000), peak 100, reset -100; and the theta neuron
  dtheta/dt = 1 - cos(theta) + (1 + cos(theta)) I (Ermentrout & Kopell 1986), a
  spike when theta passes pi, then theta - 2 pi.
* Mihalas S, Niebur E (2009) A generalized linear integrate-and-fire neural model
  produces diverse spiking behaviors. Neural Comput 21:704-718: a threshold Theta
  that moves with V, two spike-induced currents; Table 1's parameters, in ms and mV
  (G/C = 0.05/ms, b = 0.01/ms, k1 = 0.2/ms, k2 = 0.02/ms, E_L = V_r = -70 mV,
  Theta_r = -60 mV, Theta_inf = -50 mV, R1 = 0, R2 = 1), and the features' a, A1,
  A2 and I_e (V/s = mV/ms) of its Fig. 1.
* a leaky integrate-and-fire neuron driven to 1e-4 mV above its threshold (a
  grazing crossing).

The reference (:func:`reference_spikes`) is a restart loop written here with plain
scipy: solve_ivp (DOP853, rtol = atol = 1e-12) with a terminal event, the reset
applied by hand, a restart at every switch of the input; nothing of lifutils.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import solve_ivp


@dataclass(frozen=True)
class Case:
    """One model and its input: ``rhs(t, y)`` (a list), the threshold ``event(t, y)``
    (rising through 0), ``jump(y)`` (the state after a spike, a list), ``y0``,
    ``t_end`` (ms) and the input's switch times ``breakpoints`` (ms)."""
    family: str
    feature: str
    rhs: object = field(repr=False)
    event: object = field(repr=False)
    jump: object = field(repr=False)
    y0: tuple
    t_end: float
    breakpoints: tuple = ()

    @property
    def key(self):
        return f"{self.family}-{self.feature}"

    # The same model in solve_ivp_with_resets' terms (numpy arrays, a direction).
    def lifutils_args(self):
        rhs, event, jump = self.rhs, self.event, self.jump

        def fun(t, y):
            return np.array(rhs(t, y))

        def threshold(t, y):
            return event(t, y)
        threshold.direction = 1

        def reset(t, y, index):
            return np.array(jump(y))
        return dict(fun=fun, t_span=(0.0, self.t_end), y0=np.array(self.y0, dtype=float),
                    events=threshold, reset=reset,
                    breakpoints=[b for b in self.breakpoints if 0.0 < b < self.t_end])


# --------------------------------------------------------------------------- Izhikevich 2004

def _windows(level, *spans, rest=0.0):
    """An input that is ``level`` inside the open intervals ``spans`` and ``rest`` outside."""
    def drive(t):
        return level if any(a < t < b for a, b in spans) else rest
    return drive, tuple(sorted({x for span in spans for x in span}))


def _step(level, t_on):
    return (lambda t: level if t > t_on else 0.0), (t_on,)


def _izhikevich(feature, a, b, c, d, v0, t_end, input_and_switches, *, u0=None,
                linear=(5.0, 140.0), accommodation=False):
    drive, switches = input_and_switches
    k1, k0 = linear

    if accommodation:  # figure1.m, (R): du/dt = a b (v + 65)
        def rhs(t, y):
            v, u = y
            return [0.04 * v * v + k1 * v + k0 - u + drive(t), a * b * (v + 65.0)]
    else:
        def rhs(t, y):
            v, u = y
            return [0.04 * v * v + k1 * v + k0 - u + drive(t), a * (b * v - u)]

    return Case("izhikevich2004", feature, rhs, lambda t, y: y[0] - 30.0,
                lambda y: [c, y[1] + d], (v0, b * v0 if u0 is None else u0), t_end, switches)


def _ramp(t_on, slope, base=0.0):
    return (lambda t: base + slope * (t - t_on) if t > t_on else base), (t_on,)


def _accommodation_input():
    def drive(t):
        if t < 200.0:
            return t / 25.0
        if t < 300.0:
            return 0.0
        if t < 312.5:
            return (t - 300.0) / 12.5 * 4.0
        return 0.0
    return drive, (200.0, 300.0, 312.5)


def _inhibition_input():
    return (lambda t: 80.0 if (t < 50.0 or t > 250.0) else 75.0), (50.0, 250.0)


def _threshold_variability_input():
    def drive(t):
        if 10.0 < t < 15.0 or 80.0 < t < 85.0:
            return 1.0
        if 70.0 < t < 75.0:
            return -6.0
        return 0.0
    return drive, (10.0, 15.0, 70.0, 75.0, 80.0, 85.0)


IZHIKEVICH_2004 = [
    _izhikevich("A tonic spiking", 0.02, 0.2, -65, 6, -70, 100, _step(14.0, 10.0)),
    _izhikevich("B phasic spiking", 0.02, 0.25, -65, 6, -64, 200, _step(0.5, 20.0)),
    _izhikevich("C tonic bursting", 0.02, 0.2, -50, 2, -70, 220, _step(15.0, 22.0)),
    _izhikevich("D phasic bursting", 0.02, 0.25, -55, 0.05, -64, 200, _step(0.6, 20.0)),
    _izhikevich("E mixed mode", 0.02, 0.2, -55, 4, -70, 160, _step(10.0, 16.0)),
    _izhikevich("F spike frequency adaptation", 0.01, 0.2, -65, 8, -70, 85, _step(30.0, 8.5)),
    _izhikevich("G class 1 excitability", 0.02, -0.1, -55, 6, -60, 300, _ramp(30.0, 0.075),
                linear=(4.1, 108.0)),
    _izhikevich("H class 2 excitability", 0.2, 0.26, -65, 0, -64, 300,
                _ramp(30.0, 0.015, base=-0.5)),
    _izhikevich("I spike latency", 0.02, 0.2, -65, 6, -70, 100, _windows(7.04, (10.0, 13.0))),
    _izhikevich("J subthreshold oscillations", 0.05, 0.26, -60, 0, -62, 200,
                _windows(2.0, (20.0, 25.0))),
    _izhikevich("K resonator", 0.1, 0.26, -60, -1, -62, 400,
                _windows(0.65, (40.0, 44.0), (60.0, 64.0), (280.0, 284.0), (320.0, 324.0))),
    _izhikevich("L integrator", 0.02, -0.1, -55, 6, -60, 100,
                _windows(9.0, (100 / 11, 100 / 11 + 2), (100 / 11 + 5, 100 / 11 + 7),
                         (70.0, 72.0), (80.0, 82.0)), linear=(4.1, 108.0)),
    _izhikevich("M rebound spike", 0.03, 0.25, -60, 4, -64, 200, _windows(-15.0, (20.0, 25.0))),
    _izhikevich("N rebound burst", 0.03, 0.25, -52, 0, -64, 200, _windows(-15.0, (20.0, 25.0))),
    _izhikevich("O threshold variability", 0.03, 0.25, -60, 4, -64, 100,
                _threshold_variability_input()),
    _izhikevich("P bistability", 0.1, 0.26, -60, 0, -61, 300,
                _windows(1.24, (37.5, 42.5), (216.0, 221.0), rest=0.24)),
    _izhikevich("Q depolarizing after-potential", 1.0, 0.2, -60, -21, -70, 50,
                _windows(20.0, (9.0, 11.0))),
    _izhikevich("R accommodation", 0.02, 1.0, -55, 4, -65, 400, _accommodation_input(),
                u0=-16.0, accommodation=True),
    _izhikevich("S inhibition-induced spiking", -0.02, -1.0, -60, 8, -63.8, 350,
                _inhibition_input()),
]
# (T) inhibition-induced bursting (a = -0.026, b = -1, c = -45, d = -2) is left out: as an
# ODE, without figure1.m's Euler step of 0.5 ms, it fires without end once the input drops
# (more than 5000 spikes by 210 ms), which solve_ivp_with_resets stops with a RunawayError.


# --------------------------------------------------------------------------- QIF and theta

def _qif(feature, drive, t_end, peak=100.0):
    return Case("qif", feature, lambda t, y: [y[0] * y[0] + drive], lambda t, y: y[0] - peak,
                lambda y: [-peak], (-peak,), t_end)


def _theta(feature, drive, t_end):
    def rhs(t, y):
        c = math.cos(y[0])
        return [1.0 - c + (1.0 + c) * drive]
    return Case("theta", feature, rhs, lambda t, y: y[0] - math.pi,
                lambda y: [y[0] - 2.0 * math.pi], (-math.pi,), t_end)


# --------------------------------------------------------------------------- Mihalas-Niebur

def _mihalas_niebur(feature, a, a1, a2, drive, t_end):
    """V, Theta, I1, I2 (mV, mV, mV/ms, mV/ms); a in 1/ms, A1 and A2 and I_e in mV/ms."""
    g, b, k1, k2, e_l, v_r, theta_r, theta_inf = 0.05, 0.01, 0.2, 0.02, -70.0, -70.0, -60.0, -50.0

    def rhs(t, y):
        v, theta, i1, i2 = y
        return [drive + i1 + i2 - g * (v - e_l), a * (v - e_l) - b * (theta - theta_inf),
                -k1 * i1, -k2 * i2]

    def jump(y):
        return [v_r, max(theta_r, y[1]), a1, y[3] + a2]  # R1 = 0, R2 = 1

    return Case("mihalas_niebur", feature, rhs, lambda t, y: y[0] - y[1], jump,
                (e_l, theta_inf, 0.0, 0.0), t_end)


def _lif_grazing(feature, above, t_end):
    """tau dv/dt = -(v - v_rest) + R I with v_inf = v_thresh + above (mV)."""
    tau, v_rest, v_thresh, v_reset = 10.0, -70.0, -55.0, -70.0
    v_inf = v_thresh + above
    return Case("lif", feature, lambda t, y: [(v_inf - y[0]) / tau], lambda t, y: y[0] - v_thresh,
                lambda y: [v_reset], (v_rest,), t_end)


OTHERS = [
    _qif("peak 100, I = 1", 1.0, 100.0),
    _qif("near rheobase, I = 1e-4", 1e-4, 1000.0),
    _theta("I = 0.5", 0.5, 100.0),
    _theta("near rheobase, I = 1e-3", 1e-3, 500.0),
    _mihalas_niebur("tonic spiking", 0.0, 0.0, 0.0, 1.5, 200.0),
    _mihalas_niebur("class 1 near rheobase", 0.0, 0.0, 0.0, 1.0 + 1e-6, 1000.0),
    _mihalas_niebur("spike frequency adaptation", 0.005, 0.0, 0.0, 2.0, 200.0),
    _mihalas_niebur("phasic spiking", 0.005, 0.0, 0.0, 1.5, 500.0),
    _mihalas_niebur("tonic bursting", 0.005, 10.0, -0.6, 2.0, 500.0),
    _lif_grazing("grazing, 1e-4 mV above threshold", 1e-4, 1000.0),
]

CASES = {case.key: case for case in IZHIKEVICH_2004 + OTHERS}


# --------------------------------------------------------------------------- the reference

@functools.lru_cache(maxsize=None)
def reference_spikes(key, rtol=1e-12, atol=1e-12):
    """Spike times (ms) of CASES[key]: solve_ivp (DOP853) with a terminal event at the
    threshold, the reset applied by hand and a restart, and a restart at every switch."""
    case = CASES[key]

    def threshold(t, y):
        return case.event(t, y)
    threshold.terminal, threshold.direction = True, 1

    t, y, spikes = 0.0, list(case.y0), []
    for stop in [b for b in case.breakpoints if 0.0 < b < case.t_end] + [case.t_end]:
        while t < stop:
            sol = solve_ivp(case.rhs, (t, stop), y, method="DOP853", events=threshold,
                            rtol=rtol, atol=atol)
            assert sol.status >= 0, sol.message
            if sol.status == 1:
                t = float(sol.t_events[0][0])
                spikes.append(t)
                y = case.jump(list(sol.y_events[0][0]))
            else:
                t, y = stop, list(sol.y[:, -1])
    return np.array(spikes)

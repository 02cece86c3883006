"""The same LIF neurons in NEST: the hand-off to a dedicated simulator.

NEST (https://www.nest-simulator.org) is the simulator people move to when a
model outgrows solve_ivp: it runs millions of neurons, on many cores and, built
with MPI, on clusters. Its model ``iaf_psc_delta_ps`` integrates the LIF
membrane exactly between input changes and places each spike between grid
points (not on them), so for the neurons of this package it gives the exact
spike times, to about 1e-13 ms.

NEST is optional: ``pip install "lifutils[nest]"`` installs it where PyPI has a
wheel (Linux x86-64); elsewhere see :data:`INSTALL_HINT`. This module is
imported on demand (``from lifutils import nest_bridge``), never by
``import lifutils``, and imports NEST only when a simulation runs.

Units. NEST's model takes C_m in pF and I_e in pA. With ``C_m = tau_m``
(ms -> pF) its membrane resistance tau_m / C_m is 1 GOhm, so I_e in pA equals
``r_m * i_e`` in mV: the drive of our neurons, in our units (ms, mV, nA, MOhm).
NEST needs a refractory period of at least one resolution step, so these
neurons need ``t_ref >= resolution``.
"""
from __future__ import annotations

import importlib.util
import math
import os

import numpy as np

from .errors import LifutilsError
from . import _validate as check
from .params import LIFParams, check_t_max

__all__ = ["NEST_MODEL", "RESOLUTION", "INSTALL_HINT", "nest_available",
           "simulate_population_nest"]

#: The NEST neuron model that matches ours: LIF, delta synapses, precise spike times.
NEST_MODEL = "iaf_psc_delta_ps"

#: NEST's time grid (ms). Input changes must fall on it; spikes need not.
RESOLUTION = 0.1

#: What to tell a user whose Python has no NEST.
INSTALL_HINT = (
    "NEST is not installed in this Python. On Linux x86-64: pip install 'lifutils[nest]' "
    "(or pip install nest-simulator). Elsewhere: conda install -c conda-forge nest-simulator, "
    "or follow NEST's installation guide at https://nest-simulator.readthedocs.io "
    "(Installation); on a cluster, a build with MPI (NEST's HPC guide).")


def nest_available() -> bool:
    """True if the ``nest`` package (nest-simulator) can be imported here.

    Examples
    --------
    >>> isinstance(nest_available(), bool)
    True
    """
    return importlib.util.find_spec("nest") is not None


def _import_nest():
    if not nest_available():
        raise ModuleNotFoundError(INSTALL_HINT)
    os.environ.setdefault("PYNEST_QUIET", "1")  # no welcome banner on import
    import nest
    if hasattr(nest, "VerbosityLevel"):  # NEST >= 3.10
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:
        nest.set_verbosity("M_ERROR")
    return nest


def _per_neuron(name, value, default):
    """A list of per-neuron values (value, a sequence of them, or default)."""
    if value is None:
        value = default
    if isinstance(value, (list, tuple, np.ndarray)):
        values = list(np.ravel(value)) if isinstance(value, np.ndarray) else list(value)
        if not values:
            raise LifutilsError(f"{name} must hold at least one value, got an empty sequence")
        return values
    return [value]


def _on_grid(name, t, resolution):
    steps = t / resolution
    if abs(steps - round(steps)) > 1e-9 * max(1.0, steps):
        raise LifutilsError(f"{name} must be a multiple of resolution = {resolution:g} ms "
                         f"(NEST simulates and changes inputs in whole steps of its time grid), got {t!r}")
    return round(steps)


def _check_current(i, current):
    """A number (nA), or a piecewise-constant input with breakpoints."""
    if callable(current):
        if not getattr(current, "piecewise_constant", False):
            raise LifutilsError(
                f"i_e[{i}] must be a number (nA) or a piecewise-constant input from "
                "lifutils.inputs (constant, step, pulse, pulse_train): NEST's I_e stays "
                "constant between the moments the script changes it")
        return current
    return check.real(f"i_e[{i}]", current)


def simulate_population_nest(params: LIFParams, t_max, *, i_e=None, v0=None,
                             resolution=RESOLUTION) -> list:
    """Simulate uncoupled LIF neurons in NEST and return each one's spike times (ms).

    Each neuron is a NEST ``iaf_psc_delta_ps`` with the membrane of ``params``
    (``tau_m``, ``v_rest``, ``v_thresh``, ``v_reset``, ``r_m``, ``t_ref``), its own
    input current and its own starting potential.

    Parameters
    ----------
    params : LIFParams
        The neuron (ms, mV, nA, MOhm); ``t_ref`` must be at least ``resolution``.
    t_max : float
        Simulation length (ms), a multiple of ``resolution``.
    i_e : float, Input or sequence of them, optional
        Input current of each neuron (nA): numbers, or piecewise-constant inputs
        from :mod:`lifutils.inputs` whose breakpoints lie on the time grid
        (NEST's I_e is set anew at each breakpoint). Default ``params.i_e``.
    v0 : float or sequence of float, optional
        Starting potential of each neuron (mV), below ``v_thresh``. Default
        ``params.v_start``. A single value (of i_e or v0) is used for every neuron.
    resolution : float
        NEST's time step (ms), > 0. Spike times are not rounded to it.

    Returns
    -------
    list of ndarray
        ``spike_times[k]``: the spike times of neuron k (ms), in order.

    Raises
    ------
    ModuleNotFoundError
        Without NEST, with :data:`INSTALL_HINT` as the message.
    LifutilsError
        For parameters NEST cannot take, naming the parameter and the rule.

    Examples
    --------
    >>> spikes = simulate_population_nest(LIFParams(t_ref=2.0), 100.0,
    ...                                   i_e=[20.0, 30.0])
    >>> spikes[0].round(4)
    array([13.8629, 33.7805, 53.6981, 73.6157, 93.5333])
    """
    t_max = check_t_max(t_max)
    resolution = check.real("resolution", resolution)
    if not resolution > 0:
        raise LifutilsError(f"resolution must be > 0 ms, got {resolution!r}")
    if params.t_ref < resolution:
        raise LifutilsError(f"t_ref must be at least resolution = {resolution:g} ms (NEST's "
                         f"{NEST_MODEL} needs a refractory period of one step), "
                         f"got {params.t_ref!r}")
    currents = [_check_current(i, c) for i, c in
                enumerate(_per_neuron("i_e", i_e, params.i_e))]
    starts = [check.real(f"v0[{i}]", v) for i, v in
              enumerate(_per_neuron("v0", v0, params.v_start))]
    n = max(len(currents), len(starts))
    if {len(currents), len(starts)} - {1, n}:
        raise LifutilsError(f"i_e and v0 must have one value or one per neuron; got "
                         f"{len(currents)} currents and {len(starts)} starting potentials")
    currents, starts = currents * (n // len(currents)), starts * (n // len(starts))
    if max(starts) >= params.v_thresh:
        raise LifutilsError(f"v0 must lie below v_thresh = {params.v_thresh:g} mV for NEST, "
                         f"got {max(starts)!r}")
    _on_grid("t_max", t_max, resolution)
    edges = sorted({0.0, t_max} | {float(b) for c in currents if callable(c)
                                   for b in c.breakpoints if 0.0 < b < t_max})
    steps = [_on_grid("each breakpoint of i_e", b, resolution) for b in edges]

    nest = _import_nest()
    nest.ResetKernel()
    nest.resolution = resolution
    neurons = nest.Create(NEST_MODEL, n, params={
        "tau_m": params.tau_m, "C_m": params.tau_m,  # C_m = tau_m: R = 1 GOhm, pA = mV
        "E_L": params.v_rest, "V_th": params.v_thresh, "V_reset": params.v_reset,
        "t_ref": params.t_ref})
    neurons.V_m = starts
    recorder = nest.Create("spike_recorder")
    nest.Connect(neurons, recorder)
    for (a, b), (k_a, k_b) in zip(zip(edges, edges[1:]), zip(steps, steps[1:])):
        drive = [params.r_m * (float(c(a)) if callable(c) else c) for c in currents]
        if not all(math.isfinite(d) for d in drive):
            raise LifutilsError(f"i_e returned a non-finite current at t = {a:g} ms")
        neurons.I_e = drive  # pA, equal to r_m * i_e in mV
        nest.Simulate((k_b - k_a) * resolution)
    events = recorder.events
    index = np.asarray(events["senders"]) - neurons[0].global_id
    times = np.asarray(events["times"], dtype=float)
    return [np.sort(times[index == k]) for k in range(n)]

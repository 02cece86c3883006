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

Times on NEST's grid. NEST rounds every time it is given to its grid: the
resolution to its tic (0.001 ms), and ``t_ref``, ``t_max`` and the moments
an input changes to whole steps of the resolution (``t_ref = 0.15`` at
``resolution = 0.1`` becomes 0.2 ms, and every spike drifts 0.05 ms further).
So each of them must lie on that grid, or the call is refused with a
:class:`~lifutils.LifutilsError` that names it; a time within a relative 1e-9
of the grid is set exactly on it.

Budgets. A NEST neuron of this model takes about 32 kB and a recorded spike
about 400 bytes (measured), and NEST takes about 20 ns per neuron and step:
neurons, the spikes the closed form expects and the neuron-steps are checked
against :data:`lifutils.checks.MEMORY_BUDGET` (1 GB) and
:data:`MAX_NEST_NEURON_STEPS` before NEST runs. Anything NEST
itself refuses comes back as a LifutilsError naming the argument.
"""
from __future__ import annotations

import importlib.util
import math
import os

import numpy as np

from ..errors import LifutilsError, RunawayError
from .. import checks as check
from ..analytic import isi_from_gap, runaway_message, threshold_gap
from ..params import LIFParams, check_t_max
from ..spike_record import SpikeRecord, population_params, refuse_other_options, spike_cap

__all__ = ["NEST_MODEL", "RESOLUTION", "INSTALL_HINT", "nest_available",
           "simulate_population_nest"]

#: The NEST neuron model that matches ours: LIF, delta synapses, precise spike times.
NEST_MODEL = "iaf_psc_delta_ps"

#: NEST's time grid (ms). Input changes must fall on it; spikes need not.
RESOLUTION = 0.1
#: NEST's smallest time (ms): a resolution must be a whole number of tics.
TIC = 0.001
#: Bytes NEST takes per neuron of NEST_MODEL, and per recorded spike (measured: 32 kB, 380 B).
NEST_BYTES_PER_NEURON = 40_000
NEST_BYTES_PER_SPIKE = 500
#: Work budget of a NEST run in neuron-steps (about 20 s here: 15-25 ns per neuron-step);
#: a step costs as much as NEST_STEP_OVERHEAD neurons whatever n is (measured 80 ns).
MAX_NEST_NEURON_STEPS = 1_000_000_000
NEST_STEP_OVERHEAD = 4

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


def import_nest():
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
    """A list of per-neuron values (value, a 1-D sequence of them, or default)."""
    if value is None:
        value = default
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]  # a 0-d array is one number
    if isinstance(value, np.ndarray) and value.ndim > 1:
        raise LifutilsError(f"{name} must be a number or a 1-D sequence, one per neuron, "
                            f"got shape {value.shape}")
    if isinstance(value, (list, tuple, np.ndarray)):
        if not len(value):
            raise LifutilsError(f"{name} must hold at least one value, got an empty sequence")
        check.budget(name, f"<{len(value)} values>", NEST_BYTES_PER_NEURON * len(value),
                     check.MEMORY_BUDGET, what="bytes of NEST neurons",
                     advice="simulate fewer neurons")
        return list(np.ravel(value)) if isinstance(value, np.ndarray) else list(value)
    return [value]


def _on_grid(name, t, grid, what="resolution", why="NEST simulates and changes inputs in "
             "whole steps of its time grid"):
    """The number of grid steps in t; a LifutilsError naming t when it is off the grid."""
    steps = t / grid
    if not math.isfinite(steps) or abs(steps - round(steps)) > 1e-9 * max(1.0, steps):
        raise LifutilsError(f"{name} must be a multiple of {what} = {grid:g} ms ({why}), "
                            f"got {check.show(t)}")
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


def _check_resolution(resolution):
    resolution = check.real("resolution", resolution)
    if not resolution >= TIC:
        raise LifutilsError(f"resolution must be at least NEST's tic, {TIC:g} ms, "
                            f"got {check.show(resolution)}")
    return _on_grid("resolution", resolution, TIC, "NEST's tic",
                    "NEST counts time in tics") * TIC


def _spike_bound(params, currents, edges, t_max):
    """At most how many spikes (closed form at each neuron's largest current, per piece)."""
    largest = np.array([max(float(c(b)) for b in edges[:-1]) if callable(c) else c
                        for c in currents], dtype=float)
    pieces = len(edges) - 1
    with np.errstate(divide="ignore", over="ignore"):
        isi = isi_from_gap(params, threshold_gap(params, largest))
        per_neuron = pieces + np.where(np.isfinite(isi), np.floor(t_max / isi), 0.0)
    return float(np.sum(per_neuron))


def _nest_call(name, value, rule, action):
    """action(), with NEST's own exceptions (and its bad_alloc) as a LifutilsError naming name."""
    try:
        return action()
    except Exception as exc:  # NEST's errors come from its own module, NESTErrors
        if not (type(exc).__module__ == "NESTErrors" or isinstance(exc, MemoryError)):
            raise
        message = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise LifutilsError(f"{name} must be {rule}; NEST refused {check.show(value)}: "
                            f"{type(exc).__name__}: {message}") from exc


def simulate_population_nest(params: LIFParams, i_e, t_max, *, v0=None,
                             resolution=RESOLUTION, max_spikes=None, **options) -> SpikeRecord:
    """Simulate uncoupled LIF neurons in NEST and return their spikes.

    Each neuron is a NEST ``iaf_psc_delta_ps`` with the membrane of ``params``
    (``tau_m``, ``v_rest``, ``v_thresh``, ``v_reset``, ``r_m``, ``t_ref``), its own
    input current and its own starting potential.

    Parameters
    ----------
    params : LIFParams
        The neuron (ms, mV, nA, MOhm); ``t_ref`` must be a whole number (>= 1)
        of ``resolution`` steps.
    i_e : float, Input or sequence of them
        Input current of each neuron (nA): numbers, or piecewise-constant inputs
        from :mod:`lifutils.inputs` whose breakpoints lie on the time grid
        (NEST's I_e is set anew at each breakpoint); ``params.i_e`` for the
        neuron of ``params``. A single value is one neuron (or, with several
        ``v0``, every neuron's).
    t_max : float
        Simulation length (ms), a multiple of ``resolution``.
    v0 : float or sequence of float, optional
        Starting potential of each neuron (mV), below ``v_thresh``. Default
        ``params.v_start``.
    resolution : float
        NEST's time step (ms), a whole number of NEST's tics (0.001 ms).
        Spike times are not rounded to it.
    max_spikes : int or None
        Cap on the spikes of all neurons (default 5000 per neuron), checked
        against an upper bound from the closed form before NEST runs.
    **options
        None: any other keyword is refused with a LifutilsError that names it.

    Returns
    -------
    SpikeRecord
        ``approach`` "nest"; ``nfev`` None.

    Raises
    ------
    ModuleNotFoundError
        Without NEST, with :data:`INSTALL_HINT` as the message.
    LifutilsError
        For parameters NEST cannot take, or that it would round (a time off
        its grid), naming the parameter and the rule; BudgetError for a run
        over the memory or work budget.

    Examples
    --------
    >>> rec = simulate_population_nest(LIFParams(t_ref=2.0), [20.0, 30.0], 100.0)
    >>> rec.spike_trains()[0].round(4)
    array([13.8629, 33.7805, 53.6981, 73.6157, 93.5333])
    """
    refuse_other_options("simulate_population_nest", options, ("v0", "resolution", "max_spikes"))
    params, t_max = population_params(params), check_t_max(t_max)
    resolution = _check_resolution(resolution)
    t_ref = _check_t_ref(params, resolution)
    currents, starts = _check_neurons(params, i_e, v0)
    n = len(currents)
    n_steps = _on_grid("t_max", t_max, resolution)
    check.budget("t_max", t_max, float(n + NEST_STEP_OVERHEAD) * n_steps, MAX_NEST_NEURON_STEPS,
                 what=f"neuron-steps of NEST ({n} neurons, resolution {resolution:g} ms)",
                 advice="shorten t_max, use a coarser resolution or fewer neurons")
    edges = sorted({0.0, t_max} | {float(b) for c in currents if callable(c)
                                   for b in c.breakpoints if 0.0 < b < t_max})
    steps = [_on_grid("each breakpoint of i_e", b, resolution) for b in edges]
    _check_spikes(params, currents, edges, t_max, spike_cap(max_spikes, n))
    nest = import_nest()
    neurons, recorder = _build_network(nest, params, t_ref, resolution, starts)
    for a, k_a, k_b in zip(edges, steps, steps[1:]):
        drive = [params.r_m * (float(c(a)) if callable(c) else c) for c in currents]
        if not all(math.isfinite(d) for d in drive):
            raise LifutilsError(f"i_e must give finite currents; it gave a non-finite one at "
                                f"t = {a:g} ms")
        _nest_call("i_e", drive, "currents NEST accepts",
                   lambda: setattr(neurons, "I_e", drive))  # pA, equal to r_m * i_e in mV
        _nest_call("t_max", t_max, "a length NEST can simulate",
                   lambda: nest.Simulate((k_b - k_a) * resolution))
    events = recorder.events
    index = np.asarray(events["senders"], dtype=np.int64) - neurons[0].global_id
    times = np.asarray(events["times"], dtype=float)
    return SpikeRecord(i=index, t=times, n=n, t_max=t_max, approach="nest")


def _check_t_ref(params, resolution):
    """t_ref, a whole number (>= 1) of resolution steps."""
    if params.t_ref < resolution:
        raise LifutilsError(f"t_ref must be at least resolution = {resolution:g} ms (NEST's "
                            f"{NEST_MODEL} needs a refractory period of one step), "
                            f"got {check.show(params.t_ref)}")
    return _on_grid("t_ref", params.t_ref, resolution, why="NEST would round it to whole "
                    "steps, and every spike would drift") * resolution


def _check_neurons(params, i_e, v0):
    """(currents, starting potentials), one of each per neuron."""
    currents = _per_neuron("i_e", i_e, None)
    starts = _per_neuron("v0", v0, params.v_start)
    n = max(len(currents), len(starts))
    if {len(currents), len(starts)} - {1, n}:
        raise LifutilsError(f"i_e and v0 must have one value or one per neuron; got "
                            f"{len(currents)} currents and {len(starts)} starting potentials")
    currents = [_check_current(i, c) for i, c in enumerate(currents)] * (n // len(currents))
    starts = [check.real(f"v0[{i}]", v) for i, v in enumerate(starts)] * (n // len(starts))
    if max(starts) >= params.v_thresh:
        raise LifutilsError(f"v0 must lie below v_thresh = {params.v_thresh:g} mV for NEST, "
                            f"got {check.show(max(starts))}")
    return currents, starts


def _check_spikes(params, currents, edges, t_max, max_spikes):
    """Refuse, before NEST runs, more spikes than max_spikes or than the memory budget holds."""
    bound = _spike_bound(params, currents, edges, t_max)
    if bound > max_spikes:
        raise RunawayError(runaway_message(bound, max_spikes, t_max))
    check.budget("t_max", t_max, NEST_BYTES_PER_SPIKE * bound, check.MEMORY_BUDGET,
                 what=f"bytes of NEST's record of up to {bound:.3g} spikes",
                 advice="shorten t_max or simulate fewer neurons")


def _build_network(nest, params, t_ref, resolution, starts):
    """A fresh NEST kernel with the neurons (at their starting potentials) and a spike
    recorder connected to them: (neurons, recorder)."""
    nest.ResetKernel()
    _nest_call("resolution", resolution, "a time step NEST accepts",
               lambda: setattr(nest, "resolution", resolution))
    neurons = _nest_call("params", params, f"a membrane NEST's {NEST_MODEL} accepts",
                         lambda: nest.Create(NEST_MODEL, len(starts), params={
                             "tau_m": params.tau_m, "C_m": params.tau_m,  # R = 1 GOhm: pA = mV
                             "E_L": params.v_rest, "V_th": params.v_thresh,
                             "V_reset": params.v_reset, "t_ref": t_ref}))
    _nest_call("v0", starts, "potentials NEST accepts",
               lambda: setattr(neurons, "V_m", starts))
    recorder = nest.Create("spike_recorder")
    nest.Connect(neurons, recorder)
    return neurons, recorder

"""The question's Euler loop for a whole population at once (numpy), on the one fixed-step loop.

:func:`simulate_population_euler` gives :func:`lifutils.fixed_step.run_population`
its vectorised step (the question's update for every free neuron); the loop
tests the threshold, resets, holds and caps the spikes, by the rules
:func:`lifutils.simulate_euler` follows for one neuron. Importable from
:mod:`lifutils.populations.population` too.
"""
from __future__ import annotations

import math

import numpy as np

from .. import checks as check
from ..euler import DT, MAX_EULER_STEPS
from ..fixed_step import run_population
from ..params import LIFParams, check_dt, check_t_max
from ..spike_record import SpikeRecord, currents, population_params, refuse_other_options, spike_cap

__all__ = ["simulate_population_euler", "MAX_NEURON_STEPS", "STEP_OVERHEAD"]

#: Work budget of the vectorised Euler loop in neuron-steps: 6-20 s here (numpy: 6 ns per
#: neuron-step on a quiet machine, 20 ns on a busy one).
MAX_NEURON_STEPS = 1_000_000_000
#: What one step of the vectorised Euler loop costs whatever n is (8 us of numpy calls),
#: in neuron-steps: a step of n neurons counts as n + STEP_OVERHEAD.
STEP_OVERHEAD = 1000


def simulate_population_euler(params: LIFParams, i_e, t_max, *, dt=None,
                              max_spikes=None, **options) -> SpikeRecord:
    """The question's Euler loop for all neurons at once (numpy), as :func:`lifutils.simulate_euler`.

    Each step updates every v by ``dt * dv/dt``; a neuron at or above
    ``v_thresh`` after the step spikes at the end of it, is reset to ``v_reset``
    and skips the steps that start before its spike time plus ``t_ref`` (the
    rules of :mod:`lifutils.fixed_step`, the same as for one neuron).

    Parameters
    ----------
    params, i_e, t_max
        As for :func:`lifutils.populations.population.simulate_population`: the membrane of
        every neuron (v0 below v_thresh), a constant current (nA) per neuron and
        the simulated length (ms).
    dt : float or None
        Time step (ms); None: 0.1 ms, or t_max / 10 for a run shorter than 1 ms,
        as in :func:`lifutils.simulate_euler`. More than 20 million steps, or
        more than :data:`MAX_NEURON_STEPS` neuron-steps (a step costs as much
        as :data:`STEP_OVERHEAD` neurons), is refused (BudgetError).
    max_spikes : int or None
        Cap on the spikes of all neurons (default 5000 per neuron): the loop
        stops with a RunawayError beyond it.
    **options
        None: any other keyword is refused with a LifutilsError that names it.

    Returns
    -------
    SpikeRecord
        Spike times on the grid ``k * dt``; ``nfev``: neuron-steps.

    Examples
    --------
    >>> simulate_population_euler(LIFParams(t_ref=2.0), [20.0], 40.0).t.round(1)
    array([13.8, 33.7])
    """
    refuse_other_options("simulate_population_euler", options, ("dt", "max_spikes"))
    params, t_max, drive = population_params(params, below=True), check_t_max(t_max), currents(i_e)
    dt = check_dt((min(DT, t_max / 10) or t_max) if dt is None else dt, t_max)
    check.budget("dt", dt, t_max / dt, MAX_EULER_STEPS,
                 what=f"Euler steps over t_max = {t_max:g} ms",
                 advice="use a larger dt or a shorter t_max")
    n = drive.size
    check.budget("dt", dt, (n + STEP_OVERHEAD) * t_max / dt, MAX_NEURON_STEPS,
                 what=f"neuron-steps for {n} neurons (+ {STEP_OVERHEAD} per step for the loop) "
                 f"over t_max = {t_max:g} ms",
                 advice="use a larger dt, a shorter t_max or fewer neurons")
    max_spikes = spike_cap(max_spikes, n)
    n_steps = math.ceil(t_max / dt)  # len(np.arange(0, t_max, dt)), without allocating it
    while n_steps > 0 and (n_steps - 1) * dt >= t_max:
        n_steps -= 1
    p, drive = params, params.r_m * drive

    def step(v, free):  # the question's update, for the neurons that are not held
        return np.where(free, v + dt * (-(v - p.v_rest) + drive) / p.tau_m, v)

    steps, who = run_population(step, params, n, n_steps, dt, max_spikes=max_spikes, t_max=t_max)
    return SpikeRecord(i=who, t=steps * dt, n=n, t_max=t_max, approach="euler",
                       nfev=n_steps * n)

"""The one fixed-step loop of the Euler simulators: spikes, resets, holds, the start and the cap.

Every Euler simulator of lifutils steps v on the grid ``t_k = k * dt`` and
obeys the same rules, written here once:

* **threshold and reset**: v at or above ``v_thresh`` is a spike; v is set to
  ``v_reset``;
* **the refractory hold**: after a spike, v stays at ``v_reset`` until the
  spike time plus ``t_ref`` (:func:`hold_end_step` on the grid,
  :func:`resume_after` inside a step);
* **the start**: a neuron that starts at or above threshold spikes at t = 0,
  is reset and held, as in the closed form;
* **the cap**: more than ``max_spikes`` spikes is a RunawayError with
  :func:`lifutils.analytic.runaway_message` (:class:`SpikeList`);
* **no stall**: a spike no later than the point its step started from, with
  no hold to move on, is a StalledError, and a step function that neither
  reaches the end of its steps nor reports a crossing is refused.

A simulator gives only its step. The loop exists twice, because one neuron
and many are best iterated differently; the rules above are shared by both:

* :func:`run_neuron`, one neuron in Python floats (the fastest way to run a
  scalar loop in plain Python), CHUNK steps at a time. A function call per
  step would double its cost, so the step function is a *free run*: it
  advances from a time inside its first step through the steps it is given,
  appending v after each, until v reaches threshold inside a step; it
  reports that crossing ``(k, t_start, t_spike)`` and the loop does the rest
  (record, reset, hold, stall check) and hands the run back to it. The
  comparison with v_thresh that ends a free run is the one piece each step
  writes itself: it must sit in the step's own loop to cost nothing. The plain
  Euler update spikes at the end of its step (``on_grid=True``: holds end on
  a step boundary); the interpolated one places the crossing inside the step
  (``on_grid=False``: a hold may end inside a step, and the run resumes there).
* :func:`run_population`, n neurons in numpy arrays, one step at a time for
  all of them: the step function maps ``(v, free)`` to the new v, and the loop
  tests the threshold, resets and holds the neurons that fired.

Examples
--------
>>> from lifutils import LIFParams
>>> p = LIFParams(i_e=20.0, t_ref=2.0)
>>> def step(v, free):  # forward Euler for three neurons driven by 15, 20 and 30 mV
...     return np.where(free, v + 0.1 * (-(v - p.v_rest) + np.array([15.0, 20, 30])) / p.tau_m, v)
>>> k, who = run_population(step, p, 3, 500, 0.1, max_spikes=100, t_max=50.0)
>>> (k * 0.1).round(1), who
(array([ 6.9, 13.8, 18.7, 30.5, 33.7, 42.3]), array([2, 1, 2, 2, 1, 2]))
"""
from __future__ import annotations

import math
from itertools import chain, islice, repeat

import numpy as np

from . import checks as check
from .analytic import runaway_message
from .errors import LifutilsError, RunawayError, StalledError

__all__ = ["SpikeList", "first_step_at", "hold_end_step", "resume_after", "run_neuron",
           "run_population",
           "MAX_EULER_STEPS", "CHUNK", "BYTES_PER_NEURON"]

#: Refuse Euler runs longer than this many steps (a Python loop: ~0.5 s per
#: million; the trace, the drive and the times take 24 bytes a step, 480 MB here).
MAX_EULER_STEPS = 20_000_000
#: Steps per pass of :func:`run_neuron`: the Python floats it works on stay a few MB.
CHUNK = 65536
#: Bytes per neuron :func:`run_population` holds at once (v, its hold, masks, the step's
#: temporaries); the work, neurons x steps, is for its callers to budget.
BYTES_PER_NEURON = 64


class SpikeList(list):
    """Spikes as they come, refusing more than ``max_spikes`` (RunawayError).

    Each item is what the loop records (a spike time for one neuron, a step
    and the neurons that fired for a population); ``count`` is the number of
    spikes so far.

    Examples
    --------
    >>> spikes = SpikeList(2, t_max=10.0)
    >>> spikes.add(1.5); spikes.add(3.0); spikes
    [1.5, 3.0]
    >>> spikes.add(4.5)
    Traceback (most recent call last):
    ...
    lifutils.errors.RunawayError: this drive would make about 3 spikes in t_max = 10 ms, ...
    """

    def __init__(self, max_spikes, t_max):
        super().__init__()
        self.max_spikes = check.integer("max_spikes", max_spikes, minimum=1)
        self.t_max, self.count = t_max, 0

    def add(self, spike, count=1):
        """Record ``spike`` (``count`` spikes at once); RunawayError past max_spikes."""
        self.append(spike)
        self.count += count
        if self.count > self.max_spikes:
            raise RunawayError(runaway_message(self.count, self.max_spikes, self.t_max))


def first_step_at(x, dt, k_min, n_steps, *, after=False):
    """The first step k >= k_min whose start ``k * dt`` is at or after x (``after``: after x).

    Computed directly however far x lies, and at most n_steps (x beyond the
    run); k_min for a NaN x (nothing to wait for).

    Examples
    --------
    >>> first_step_at(0.5, 0.25, 0, 100), first_step_at(0.5, 0.25, 0, 100, after=True)
    (2, 3)
    """
    if x != x:
        return k_min
    if x / dt >= n_steps:
        return n_steps
    k = max(k_min, math.ceil(x / dt))
    while k * dt < x or (after and k * dt == x):  # at most a step of rounding either way
        k += 1
    while k - 1 >= k_min and ((k - 1) * dt > x or (not after and (k - 1) * dt == x)):
        k -= 1
    return k


def hold_end_step(k_spike, t_spike, t_ref, dt, n_steps):
    """The first step that integrates again after a spike on the step boundary k_spike.

    Every step that starts before ``t_spike + t_ref`` is held, less a hair
    (1e-9 dt) so that a t_ref of a whole number of steps holds exactly that
    many; at most n_steps (held to the end), however long t_ref is.

    Examples
    --------
    >>> hold_end_step(10, 1.0, 0.0, 0.1, 100), hold_end_step(10, 1.0, 0.2, 0.1, 100)
    (10, 12)
    >>> hold_end_step(10, 1.0, 1e300, 0.1, 100)
    100
    """
    if t_ref == 0:
        return k_spike
    return first_step_at(t_spike + t_ref - 1e-9 * dt, dt, k_spike, n_steps)


def resume_after(k, t_spike, t_ref, dt, n_steps, *, on_grid):
    """Where integration resumes after a spike at t_spike in step k: (step, time in it).

    On the grid, a spike ends its step and the run resumes at the start of
    :func:`hold_end_step`. Inside a step, it resumes at ``t_spike + t_ref``:
    in step k if that is before the step's end, else in the first step not
    wholly held. k = -1 is the start (a spike at t = 0). The steps from k up
    to the one returned end at v_reset.

    Examples
    --------
    >>> resume_after(4, 0.5, 0.25, 0.1, 100, on_grid=True)
    (8, 0.8)
    >>> resume_after(4, 0.43, 0.0, 0.1, 100, on_grid=False)
    (4, 0.43)
    >>> resume_after(4, 0.43, 0.25, 0.1, 100, on_grid=False)
    (6, 0.6799999999999999)
    """
    if on_grid:
        k_free = hold_end_step(k + 1, t_spike, t_ref, dt, n_steps)
        return k_free, k_free * dt
    free_at = t_spike + t_ref
    t_from = max(free_at, t_spike)
    if t_from < (k + 1) * dt:
        return k, t_from
    return first_step_at(free_at, dt, k + 2, n_steps + 1, after=True) - 1, free_at


def _checked_drive(drive, dt):
    """drive as a 1-D float array within MAX_EULER_STEPS, dt finite and > 0; refused otherwise."""
    dt = check.positive("dt", dt, unit="ms")
    try:
        array = None if isinstance(drive, (str, bytes)) else np.asarray(drive)
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim != 1 or array.dtype.kind not in "biuf":
        raise LifutilsError(f"drive must be a 1-D array of drives (mV), one per step, "
                            f"got {check.show(drive)}")
    check.budget("drive", f"<{array.size} steps>", array.size, MAX_EULER_STEPS,
                 what="Euler steps", advice="use a larger dt or a shorter t_max")
    return array.astype(float, copy=False), dt  # before any copy: a broadcast may be huge


def run_neuron(free_run, params, dt, drive, *, max_spikes, t_max, on_grid, name="Euler"):
    """Run one neuron on the grid ``k * dt`` with the rules of this module; its step is ``free_run``.

    Parameters
    ----------
    free_run : callable
        ``free_run(v, t_from, steps, vs) -> (k, t_start, t_spike) or None``:
        integrates from v at time t_from (inside the first of ``steps``, an
        iterator of (k, drive_k)), appending v after each step to the list vs,
        until v reaches threshold in a step k: then returns k, the time that
        step's integration started from and the spike time, without
        appending. None when the steps run out.
    params : LIFParams
        v0, v_thresh, v_reset and t_ref.
    dt : float
        Time step (ms), finite and > 0.
    drive : array_like, shape (n_steps,)
        ``r_m * i_e`` at each step start (mV); at most MAX_EULER_STEPS steps.
    max_spikes : int
        Cap on the spikes (RunawayError beyond it).
    t_max : float
        Simulated length (ms), for the RunawayError's message.
    on_grid : bool
        Spikes end their step, and holds end on step boundaries (plain Euler);
        else a hold may end inside a step (interpolated Euler).
    name : str
        The simulator, for the StalledError's message.

    Returns
    -------
    (ndarray, SpikeList)
        v at t = 0 and after each step (shape (n_steps + 1,)), and the spike times.

    Examples
    --------
    >>> from lifutils import LIFParams
    >>> def plain(v, t_from, steps, vs):  # forward Euler, tau_m = 10 ms, v_rest = -70 mV
    ...     for k, d_k in steps:
    ...         v += (-(v + 70.0) + d_k) / 10.0 * 1.0
    ...         if v >= -55.0:
    ...             return k, k * 1.0, (k + 1) * 1.0
    ...         vs.append(v)
    >>> v, spikes = run_neuron(plain, LIFParams(t_ref=2.0), 1.0, [20.0] * 30, max_spikes=10,
    ...                        t_max=30.0, on_grid=True)
    >>> spikes, v[12:19].round(2)  # the spike ends step 13; steps 14 and 15 are held
    ([14.0], array([-55.65, -55.08, -80.  , -80.  , -80.  , -77.  , -74.3 ]))
    """
    drive, dt = _checked_drive(drive, dt)
    on_grid, n_steps = check.flag("on_grid", on_grid), drive.size
    spikes = SpikeList(max_spikes, t_max)
    v_out = np.empty(n_steps + 1)
    v, v_reset, t_ref = params.v_start, params.v_reset, params.t_ref
    k_free, t_from = 0, 0.0  # the first step that integrates, and the time it starts from
    if v >= params.v_thresh:  # a start at or above threshold: a spike at t = 0
        spikes.add(0.0)
        v = v_reset
        k_free, t_from = resume_after(-1, 0.0, t_ref, dt, n_steps, on_grid=on_grid)
    v_out[0] = v
    for start in range(0, n_steps, CHUNK):
        chunk = drive[start:start + CHUNK].tolist()
        end, vs = start + len(chunk), []
        steps, again = enumerate(chunk, start), ()
        while start + len(vs) < end:
            k = start + len(vs)
            if k_free > k:  # held: these steps end at v_reset
                m = min(k_free, end) - k
                vs.extend(repeat(v, m))
                next(islice(steps, m, m), None)
                continue
            crossing = free_run(v, t_from, chain(again, steps) if again else steps, vs)
            k = start + len(vs)  # the step the run stopped in
            if crossing is None:
                if k != end:
                    raise LifutilsError(f"the step of {name} stopped at step {k} of {end} "
                                        f"without a crossing")
                v = vs[-1]  # where the next chunk starts from
                break
            v, k_free, t_from = _at_crossing(crossing, k, params, dt, n_steps, spikes,
                                             on_grid, name)
            if k_free == k:  # the hold ends inside step k: the run goes on from there
                again = ((k, chunk[k - start]),)
            else:  # step k ends at v_reset (and later ones, until the hold ends)
                again = ()
                vs.append(v)
        v_out[start + 1:start + 1 + len(vs)] = vs
    return v_out, spikes


def _at_crossing(crossing, k_next, params, dt, n_steps, spikes, on_grid, name):
    """Record a crossing in step k_next, reset, hold: (v, next step, the time it starts from)."""
    try:
        k, t_start, t_spike = crossing
    except (TypeError, ValueError):
        raise LifutilsError(f"the step of {name} must return None or (k, t_start, t_spike), "
                            f"got {check.show(crossing)}") from None
    if k != k_next:
        raise LifutilsError(f"the step of {name} reported a crossing in step {k}, but the "
                            f"step it was on is {k_next}")
    spikes.add(t_spike)
    if t_spike <= t_start and params.t_ref == 0:
        raise StalledError(f"{name} stalled at t = {t_start:g} ms: the drive is too strong "
                           f"for dt; use a smaller dt or add t_ref > 0")
    return (params.v_reset, *resume_after(k, t_spike, params.t_ref, dt, n_steps, on_grid=on_grid))


def run_population(step, params, n, n_steps, dt, *, max_spikes, t_max):
    """Run n neurons for n_steps steps of dt, all at once, with the rules of this module.

    Parameters
    ----------
    step : callable
        ``step(v, free) -> v``: the new v (a float array of shape (n,)) of the
        neurons that are ``free`` (a boolean mask); held ones keep their v.
    params : LIFParams
        v0 (of every neuron), v_thresh, v_reset and t_ref.
    n, n_steps : int
        Neurons (within the memory budget of lifutils) and steps (at most
        MAX_EULER_STEPS), refused before anything is allocated.
    dt : float
        Time step (ms), finite and > 0.
    max_spikes : int
        Cap on the spikes of all neurons (RunawayError beyond it).
    t_max : float
        Simulated length (ms), for the RunawayError's message.

    Returns
    -------
    (ndarray, ndarray)
        The step boundary k of each spike (its time is ``k * dt``) and the
        neuron that fired, in order of step, then neuron.
    """
    n = check.integer("n", n, minimum=1)
    n_steps = check.integer("n_steps", n_steps, minimum=0)
    dt = check.positive("dt", dt, unit="ms")
    check.budget("n_steps", n_steps, n_steps, MAX_EULER_STEPS, what="Euler steps",
                 advice="use a larger dt or a shorter t_max")
    check.budget("n", n, float(BYTES_PER_NEURON) * n, check.MEMORY_BUDGET,
                 what="bytes of neurons", advice="simulate fewer neurons")
    spikes = SpikeList(max_spikes, t_max)
    v = np.full(n, params.v_start)
    free_from = np.zeros(n, dtype=np.int64)  # first step each neuron integrates again
    fired = np.flatnonzero(v >= params.v_thresh)  # a start at or above threshold
    if fired.size:
        _fire(v, fired, 0, free_from, params, dt, n_steps, spikes)
    for k in range(n_steps):
        free = free_from <= k
        v = step(v, free)
        if type(v) is not np.ndarray or v.shape != (n,) or v.dtype.kind != "f" \
                or not v.flags.writeable:
            raise LifutilsError(f"the step must return v as a writeable float array of shape "
                                f"({n},), got {check.show(v)} at step {k}")
        fired = np.flatnonzero(free & (v >= params.v_thresh))
        if fired.size:
            _fire(v, fired, k + 1, free_from, params, dt, n_steps, spikes)
    boundary = np.repeat([k for k, _ in spikes], [who.size for _, who in spikes])
    who = np.concatenate([who for _, who in spikes]) if spikes else np.empty(0, dtype=np.int64)
    return boundary.astype(np.int64), who


def _fire(v, fired, k, free_from, params, dt, n_steps, spikes):
    """The neurons ``fired`` spike on step boundary k: record, reset (in v) and hold them."""
    spikes.add((k, fired), fired.size)
    v[fired] = params.v_reset
    free_from[fired] = hold_end_step(k, k * dt, params.t_ref, dt, n_steps)

"""The record every population simulator returns, and the checks of their common arguments.

:class:`SpikeRecord` holds who fired and when (Brian2's SpikeMonitor); the
checks refuse, naming the argument, what no population simulator takes
(:func:`population_params`, :func:`currents`, :func:`spike_cap`,
:func:`refuse_other_options`). Shared by :mod:`lifutils.populations.population`,
:mod:`lifutils.populations.euler` and :mod:`lifutils.populations.nest_bridge`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import checks as check
from .analytic import MAX_SPIKES
from .errors import LifutilsError
from .params import LIFParams

__all__ = ["SpikeRecord", "population_params", "currents", "refuse_other_options", "spike_cap",
           "BYTES_PER_SPIKE", "BYTES_PER_NEURON"]

#: Bytes a spike takes in a SpikeRecord (its index and its time) and while it is collected.
BYTES_PER_SPIKE = 32
#: Bytes per neuron the simulators hold at once (state, drive, event values, solver stages).
BYTES_PER_NEURON = 200


@dataclass(frozen=True, eq=False)
class SpikeRecord:
    """The spikes of a population: who fired (``i``) and when (``t``), in order of time.

    One record type for every way of simulating a population, as Brian2's
    SpikeMonitor: ``i[k]`` is the neuron (0 to n - 1) of the k-th spike and
    ``t[k]`` its time (ms); spikes at the same instant are in order of neuron.

    Attributes
    ----------
    i : ndarray of int, shape (n_spikes,)
        Neuron index of each spike.
    t : ndarray of float, shape (n_spikes,)
        Spike times (ms), sorted.
    n : int
        Number of neurons (some may never fire).
    t_max : float
        Simulated length (ms).
    approach : str
        Who computed it: the simulator's name for itself (``"vector"``, ...),
        or ``"exact"`` for the closed form.
    nfev : int or None
        Work done: right-hand-side evaluations of the population (solve_ivp),
        neuron-steps (Euler); None for NEST and the closed form.

    Examples
    --------
    >>> rec = SpikeRecord.from_trains([[2.0, 1.0], [], [1.0]], t_max=3.0, approach="exact")
    >>> rec.i, rec.t
    (array([0, 2, 0]), array([1., 1., 2.]))
    >>> rec.counts(), [s.tolist() for s in rec.spike_trains()]
    (array([2, 0, 1]), [[1.0, 2.0], [], [1.0]])
    """

    i: np.ndarray
    t: np.ndarray
    n: int
    t_max: float
    approach: str
    nfev: int | None = None

    def __post_init__(self):
        i, t = check.real_array(self.i), check.real_array(self.t)
        if i is None or not np.all(np.isfinite(i)) or np.any(i != np.round(i)):
            raise LifutilsError(f"i must be neuron indices (integers), got {check.show(self.i)}")
        if t is None or not np.all(np.isfinite(t)):
            raise LifutilsError(f"t must be finite spike times (ms), got {check.show(self.t)}")
        n = check.integer("n", self.n, minimum=1)
        if i.shape != t.shape or i.ndim != 1:
            raise LifutilsError(f"i and t must be 1-D arrays of one length, got shapes "
                                f"{i.shape} and {t.shape}")
        if i.size and (i.min() < 0 or i.max() >= n):
            raise LifutilsError(f"i must hold neuron indices from 0 to n - 1 = {n - 1}")
        i = i.astype(np.int64)
        object.__setattr__(self, "n", n)
        order = np.lexsort((i, t))  # by time, then by neuron
        i, t = i[order], t[order]
        i.flags.writeable = t.flags.writeable = False
        object.__setattr__(self, "i", i)
        object.__setattr__(self, "t", t)

    @classmethod
    def from_trains(cls, trains, *, t_max, approach, nfev=None) -> "SpikeRecord":
        """A record from one array of spike times (ms) per neuron."""
        trains = [np.ravel(np.asarray(s, dtype=float)) for s in trains]
        i = np.repeat(np.arange(len(trains)), [s.size for s in trains])
        t = np.concatenate(trains) if trains else np.empty(0)
        return cls(i=i, t=t, n=len(trains), t_max=float(t_max), approach=approach, nfev=nfev)

    @property
    def n_spikes(self) -> int:
        """Number of spikes of all neurons."""
        return int(self.t.size)

    def counts(self) -> np.ndarray:
        """Spikes of each neuron, shape (n,)."""
        return np.bincount(self.i, minlength=self.n)

    def spike_trains(self) -> list:
        """The spike times (ms) of each neuron: a list of n sorted arrays (linear time)."""
        order = np.argsort(self.i, kind="stable")  # stable: each train stays in time order
        edges = np.cumsum(self.counts())[:-1]
        return np.split(self.t[order], edges)


def population_params(params, *, below=False) -> LIFParams:
    """params, a LIFParams; with ``below``, one whose v0 lies below v_thresh."""
    if not isinstance(params, LIFParams):
        raise LifutilsError(f"params must be a LIFParams (lifutils.LIFParams(...)), "
                            f"got {check.show(params)}")
    if below and params.v_start >= params.v_thresh:  # every neuron would fire at t = 0
        raise LifutilsError(f"params.v0 must lie below v_thresh = {params.v_thresh:g} mV for a "
                            f"population, got {check.show(params.v_start)}")
    return params


def currents(i_e) -> np.ndarray:
    """i_e as a float array of shape (n,), finite; a LifutilsError that names i_e otherwise."""
    rule = "a non-empty 1-D array of finite currents (nA), one per neuron"
    array = None
    if not isinstance(i_e, (str, bytes)):
        array = check.real_array(i_e) if not callable(i_e) else None
    if array is None or array.dtype.kind == "b":
        raise LifutilsError(f"i_e must be {rule}, got {check.show(i_e)}")
    array = np.atleast_1d(array)
    if np.asarray(i_e).dtype.kind == "b" or array.ndim != 1 or array.size == 0 \
            or not np.all(np.isfinite(array)):
        raise LifutilsError(f"i_e must be {rule}, got {check.show(i_e)}")
    check.budget("i_e", f"<{array.size} currents>", BYTES_PER_NEURON * array.size,
                 check.MEMORY_BUDGET, what="bytes of neurons", advice="simulate fewer neurons")
    return array


def refuse_other_options(who, options, known):
    """Refuse keywords that ``who`` does not take, naming them (not Python's TypeError)."""
    if options:
        raise LifutilsError(f"{who} takes no argument {sorted(options)!r} (a SpikeRecord keeps "
                            f"spike times, no trace: for one, use solve_ivp_with_resets); its "
                            f"options are {', '.join(known)}")


def spike_cap(max_spikes, n) -> int:
    """The cap on spikes: MAX_SPIKES per neuron by default, as for one neuron; within memory."""
    if max_spikes is None:
        return min(MAX_SPIKES * n, check.MEMORY_BUDGET // BYTES_PER_SPIKE)
    max_spikes = check.integer("max_spikes", max_spikes, minimum=1)
    check.budget("max_spikes", max_spikes, float(BYTES_PER_SPIKE) * min(max_spikes, 10**300),
                 check.MEMORY_BUDGET, what="bytes of spike record", advice="lower max_spikes")
    return max_spikes


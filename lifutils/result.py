"""LIFResult: one simulated trace, whichever method made it.

Examples
--------
>>> import numpy as np
>>> res = LIFResult(t=np.array([0.0, 1.0]), v=np.array([-70.0, -69.0]),
...                 spike_times=np.empty(0), nfev=1, key="euler", params=None)
>>> res.name, res.label, res.n_spikes
('Euler', 'Euler loop', 0)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .methods import REGISTRY

if TYPE_CHECKING:
    from .params import LIFParams

__all__ = ["LIFResult"]


@dataclass(frozen=True)
class LIFResult:
    """One simulated trace.

    Attributes
    ----------
    t : ndarray
        Times (ms), non-decreasing; a reset appears as two points at the same time.
    v : ndarray
        Membrane potential (mV) at ``t``.
    spike_times : ndarray
        Spike times (ms).
    nfev : int
        Right-hand-side evaluations (Euler steps for the Euler loop; 0 for the
        closed form).
    key : str
        The method that made the trace: a key of :data:`lifutils.methods.REGISTRY`
        (``"euler"``, ``"euler_interp"``, ``"hack"``, ``"events"``, ``"exact"``).
    params : LIFParams
        The parameters simulated.
    solver : str or None
        The solve_ivp method used (``"RK45"`` ...), None for the others.
    """

    t: np.ndarray
    v: np.ndarray
    spike_times: np.ndarray
    nfev: int
    key: str
    params: LIFParams
    solver: str | None = None

    @property
    def name(self) -> str:
        """What made the trace, e.g. ``"events (RK45)"`` or ``"Euler"``: the method's name,
        with the solve_ivp method it ran when there is one."""
        return REGISTRY[self.key].result_name(self.solver)

    @property
    def label(self) -> str:
        """The method's label in tables and legends, e.g. ``"solve_ivp + events"``."""
        return REGISTRY[self.key].label

    @property
    def n_spikes(self) -> int:
        """Number of spikes."""
        return int(len(self.spike_times))

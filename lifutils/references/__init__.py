"""Exact references: what the notebooks' solve_ivp runs are checked against.

* :mod:`~lifutils.references.currents` (notebook 05): the LIF neuron with one
  extra current that decays and jumps (adaptation, a synapse), solved in closed
  form between jumps, spike times to about 1e-12 ms; :func:`adapted_isi`.
* :mod:`~lifutils.references.capstone` (notebook 06): the adaptive (v, w)
  neuron and the brief pulse of the capstone exercises.
* :mod:`~lifutils.references.network` (notebook 07): neurons coupled by delta
  synapses, event by event, cascades at one instant included.

Everything is importable from here, e.g. ``from lifutils.references import
exact_delta_network``. Units: ms, mV, nA, MOhm.
"""
from .capstone import *  # noqa: F401,F403
from .capstone import __all__ as _capstone
from .currents import *  # noqa: F401,F403
from .currents import __all__ as _currents
from .network import *  # noqa: F401,F403
from .network import __all__ as _network

__all__ = [*_currents, *_capstone, *_network]

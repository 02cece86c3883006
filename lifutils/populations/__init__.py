"""Populations of uncoupled LIF neurons: the simulators, one record, what each costs.

Owns the population simulators (:mod:`.population`: the restart loop with a
vector event, an event per neuron, the closed form, :func:`measure` and the
catalogue of approaches), the vectorised Euler loop (:mod:`.euler`) and the
bridge to NEST (:mod:`.nest_bridge`, imported on demand: NEST is optional).

May import the numerics below (:mod:`lifutils.restart`, the neuron, the
method registry), never figures or widgets.
"""
from .euler import *  # noqa: F401,F403
from .euler import __all__ as _euler
from .population import *  # noqa: F401,F403
from .population import __all__ as _population

__all__ = [*_population, *_euler]

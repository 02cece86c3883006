"""Populations of uncoupled LIF neurons: the simulators, one record, what each costs.

Owns the population simulators (:mod:`.population`: the restart loop with a
vector event, an event per neuron, the closed form), the vectorised Euler loop
(:mod:`.euler`), the catalogue of approaches and :func:`measure`, which times one
(:mod:`.approaches`), and the
bridge to NEST (:mod:`.nest_bridge`, imported on demand: NEST is optional).

May import the numerics below (:mod:`lifutils.restart`, the neuron, the
method registry), never figures or widgets.
"""
from .population import *  # noqa: F401,F403
from .population import __all__ as _population
from .approaches import *  # noqa: F401,F403
from .approaches import __all__ as _approaches

__all__ = [*_population, *_approaches]

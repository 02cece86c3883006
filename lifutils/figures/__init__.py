"""Figures: matplotlib only, one colour per method everywhere.

Owns the figure objects and their ``plot_*`` functions: traces, rasters and
inputs (:mod:`.plotting`), convergence, work-precision and f-I curves
(:mod:`.accuracy`), and one module per larger family, imported on demand by the
notebook that needs it: populations (:mod:`.population`), the model gallery
(:mod:`.gallery`), the phase plane (:mod:`.phase`) and volleys
(:mod:`.network`). Their shared building blocks are in :mod:`.drawing`.

May import the numerics below (neuron models, the method registry, the
population simulators for their records) and matplotlib, never pyplot at
import and never :mod:`lifutils.widgets`; the widgets import these.
The names re-exported here are those of :mod:`.plotting` and :mod:`.accuracy`.
"""
from .accuracy import *  # noqa: F401,F403
from .accuracy import __all__ as _accuracy
from .plotting import *  # noqa: F401,F403
from .plotting import __all__ as _plotting

__all__ = [*_plotting, *_accuracy]

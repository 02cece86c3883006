"""Automatic checks and reference solutions for the exercises of the notebooks.

Each ``check_*`` function takes a student's answer, prints a one-line verdict
(``Right: ...`` or ``Not yet: ...`` with a hint) and returns True or False. A
wrong answer, a wrong type or an exception in the student's code never raises:
it is reported in that one line.

The neurons of the exercises (units: ms, mV, nA, MOhm):

* :data:`RHEOBASE_NEURON`: the question's neuron with ``r_m = 2`` MOhm;
* :data:`FIRST_SPIKE_NEURON`: the question's neuron with ``i_e = 25`` nA;
* :data:`REFRACTORY_NEURON`: ``i_e = 20`` nA and ``t_ref = 2`` ms, simulated
  for :data:`LOOP_T_MAX` = 100 ms in the restart-loop exercise.

Examples
--------
>>> check_rheobase(7.5)
Right: the rheobase is 7.500 nA (within 0.001 nA): (v_thresh - v_rest) / r_m = 15 mV / 2 MOhm.
True
>>> check_rheobase("7.5")
Not yet: got text ('7.5'); give a number in nA, e.g. 12.5 (no quotes, no unit).
False
"""
from __future__ import annotations

from ._verdict import TOL_MS, TOL_NA
from .closed_form import *  # noqa: F401,F403
from .closed_form import __all__ as _closed_form
from .comparison import *  # noqa: F401,F403
from .comparison import __all__ as _comparison
from .euler_and_hack import *  # noqa: F401,F403
from .euler_and_hack import __all__ as _euler_and_hack
from .larger_models import *  # noqa: F401,F403
from .larger_models import __all__ as _larger_models
from .populations import *  # noqa: F401,F403
from .populations import __all__ as _populations
from .restart_loop import *  # noqa: F401,F403
from .restart_loop import __all__ as _restart_loop

__all__ = ["TOL_NA", "TOL_MS", *_closed_form, *_restart_loop, *_euler_and_hack, *_comparison,
           *_larger_models, *_populations]

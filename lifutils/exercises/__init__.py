"""Automatic checks for the exercises of the notebooks.

Each ``check_*`` function takes the student's *function*, runs it under a time
limit in a separate process that gets back only plain data (:func:`judge`: the
verdict is computed in the calling process, where the student's code cannot
reach; the checks need ``os.fork``, a POSIX system), compares what it returns with
a reference computed another way (the closed form, :mod:`lifutils.references`,
:func:`lifutils.simulate_euler`), prints one verdict, ``Right: ...`` or
``Not yet: ...`` with a hint aimed at the likely mistake, and returns True or
False. A wrong answer, a wrong type, an exception, a loop that never ends or a
number too large for a float never raises: it is reported in that paragraph.
Inside the check the student's code may not call lifutils: each exercise asks for
work the library would otherwise do. The reference solutions live in the
teacher's notebooks, not here.

:data:`POINTS` gives each exercise's points for grading with nbgrader
(``scripts/nbgrader_metadata.py``).

Examples
--------
>>> check_isi(lambda params: "19.9")
Not yet: got text ('19.9'); give a number in ms, e.g. 19.9 (no quotes, no unit).
False
"""
from __future__ import annotations

from ._student import TIME_LIMIT, judge
from .answers import TOL_MS, TOL_NA
from .closed_form import *  # noqa: F401,F403
from .closed_form import __all__ as _closed_form
from .figures import plot_attempt
from .comparison import *  # noqa: F401,F403
from .comparison import __all__ as _comparison
from .euler_and_hack import *  # noqa: F401,F403
from .euler_and_hack import __all__ as _euler_and_hack
from .gallery import *  # noqa: F401,F403
from .gallery import __all__ as _gallery
from .larger_models import *  # noqa: F401,F403
from .larger_models import __all__ as _larger_models
from .populations import *  # noqa: F401,F403
from .populations import __all__ as _populations
from .restart_loop import *  # noqa: F401,F403
from .restart_loop import __all__ as _restart_loop

#: Each exercise: (notebook, check, points for nbgrader). One home for what the notebooks,
#: the guide's counts and the grading metadata say.
EXERCISES = {
    "1.1": ("01_euler_loop", "check_euler_spike_times", 2),
    "2.1": ("02_dvdt_reset_hack", "check_hack_slopes", 2),
    "3.1": ("03_event_driven_solve_ivp", "check_event_function", 2),
    "3.2": ("03_event_driven_solve_ivp", "check_grid_loop", 2),
    "3.3": ("03_event_driven_solve_ivp", "check_threshold_events", 2),
    "4.1": ("04_side_by_side", "check_firing_rate", 2),
    "5.1": ("05_larger_models", "check_adaptation_reset", 2),
    "6.1": ("06_exercises", "check_isi", 1),
    "6.2": ("06_exercises", "check_adaptive_spike_times", 4),
    "6.3": ("06_exercises", "check_max_step", 1),
    "6.4": ("06_exercises", "check_thresholds", 2),
    "7.1": ("07_many_neurons", "check_network_reset", 2),
    "8.1": ("08_model_gallery", "check_adex_reset", 2),
}
POINTS = {number: points for number, (_, _, points) in EXERCISES.items()}

__all__ = ["TOL_NA", "TOL_MS", "TIME_LIMIT", "judge", "plot_attempt", "EXERCISES", "POINTS", *_closed_form,
           *_restart_loop, *_euler_and_hack, *_comparison, *_larger_models, *_populations, *_gallery]

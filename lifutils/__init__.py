"""lifutils: the leaky integrate-and-fire neuron with threshold and reset in solve_ivp.

Numerics (numpy and scipy only): :mod:`~lifutils.params` (``LIFParams``),
:mod:`~lifutils.result` (``LIFResult``), :mod:`~lifutils.methods` (the registry
of methods: label, runner and style of each, declared in ``methods.BUILT_IN``),
:mod:`~lifutils.catalogue` (the one catalogue type of methods, population
approaches, gallery families and dashboards), :mod:`~lifutils.inputs`,
:mod:`~lifutils.analytic`, :mod:`~lifutils.euler` (its loop: :mod:`~lifutils.fixed_step`),
:mod:`~lifutils.dvdt_hack`,
:mod:`~lifutils.restart.resets`, :mod:`~lifutils.events`, :mod:`~lifutils.compare`,
:mod:`~lifutils.tables`, :mod:`~lifutils.references` (exact references for
notebooks 05 and 07), :mod:`~lifutils.populations.population` (notebook 07; with :mod:`~lifutils.populations.euler` and
:mod:`~lifutils.spike_record`) and
:mod:`~lifutils.errors` (one family, exported here). Checks for the notebooks'
exercises live in :mod:`lifutils.exercises`; :mod:`~lifutils.stand_ins` lets a student
copy run on while an exercise is not done (imported here, so its stand-ins know the kernel). NEST, an optional extra, is
reached through :mod:`lifutils.populations.nest_bridge`, imported on demand.
Pictures and dashboards (:mod:`lifutils.figures.drawing`, :mod:`lifutils.figures.plotting`,
:mod:`lifutils.figures.population`, :mod:`lifutils.widgets`) are imported on
demand, so ``import lifutils`` needs no screen.
"""
from . import inputs
from .analytic import (exact_spike_times, exact_voltage, firing_rate, first_spike_time,
                       interspike_interval, rheobase, simulate_exact)
from .dvdt_hack import simulate_dvdt_hack
from .errors import (BudgetError, ForbiddenHelperError, HackStalledError, IllConditionedWarning,
                     LifutilsError, LifutilsWarning, RunawayError, SolverError,
                     SolverFailedWarning, StalledError, StudentError, ToleranceWarning)
from .euler import simulate_euler
from .events import simulate_events
from .params import LIFParams
from .result import LIFResult
from .restart.resets import solve_ivp_with_resets
from . import stand_ins
# The gallery of published models with resets (Izhikevich 2003; AdEx, Naud et al. 2008): notebook 08.
from . import gallery
from .gallery import adex, izhikevich

__all__ = ["LIFParams", "LIFResult", "simulate_euler", "simulate_dvdt_hack",
           "simulate_events", "simulate_exact", "exact_spike_times", "exact_voltage",
           "first_spike_time", "interspike_interval", "firing_rate", "rheobase",
           "solve_ivp_with_resets", "inputs",
           "LifutilsError", "RunawayError", "HackStalledError", "StalledError", "BudgetError",
           "SolverError", "StudentError", "ForbiddenHelperError", "LifutilsWarning",
           "IllConditionedWarning", "SolverFailedWarning", "ToleranceWarning"]
__all__ += ["gallery", "izhikevich", "adex"]

__version__ = "0.1.0"

"""The one family of lifutils errors and warnings, at the bottom of the house.

Every error that lifutils raises on purpose is a :class:`LifutilsError`, which is
a ``ValueError``: ``except ValueError`` keeps working, and ``except LifutilsError``
catches exactly what the package means to say (a dashboard catches only that, so
a genuine bug still fails loudly). Warnings are :class:`LifutilsWarning`.

Examples
--------
>>> issubclass(RunawayError, LifutilsError) and issubclass(LifutilsError, ValueError)
True
"""
from __future__ import annotations

__all__ = ["LifutilsError", "RunawayError", "HackStalledError", "StalledError",
           "BudgetError", "SolverError", "LifutilsWarning", "IllConditionedWarning",
           "SolverFailedWarning", "ToleranceWarning", "StudentError", "ForbiddenHelperError"]


class LifutilsError(ValueError):
    """Root of every error lifutils raises on purpose (a ``ValueError``)."""


class RunawayError(LifutilsError):
    """A simulation would produce more spikes or resets than its cap allows."""


class HackStalledError(LifutilsError):
    """The dv/dt hack used up its evaluation budget before reaching t_max.

    ``result`` holds the partial trace, as far as the hack got.
    """


class StalledError(LifutilsError):
    """A time-stepping loop cannot advance (for example Euler with a drive too strong for dt)."""


class BudgetError(LifutilsError):
    """The work or memory a call implies is over its budget; the message names the argument."""


class SolverError(LifutilsError):
    """scipy's solve_ivp reported a failure (its message is kept)."""


class StudentError(LifutilsError):
    """An exercise check found the student's function misbehaving; the message is the hint.

    Raised inside :mod:`lifutils.exercises` and caught by their ``judge``, which
    prints it as the verdict, so it never reaches the student as a traceback.
    """


class ForbiddenHelperError(StudentError):
    """The student's code called a lifutils function that the exercise asks the student to write.

    Inside a check, lifutils' functions refuse the student's code with this error
    ("exercise 1.1 asks you to write the loop yourself: lifutils' simulate_euler is
    not allowed here"); the check prints it as the verdict, with the line that
    called the function.
    """


class LifutilsWarning(UserWarning):
    """Root of every warning lifutils gives."""


class IllConditionedWarning(LifutilsWarning):
    """A result may be wrong because the problem is ill-conditioned at the tolerance asked for."""


class SolverFailedWarning(LifutilsWarning):
    """The solver gave up before the end of t_span; the result holds what it computed.

    As scipy's solve_ivp does, the call returns (``status = -1``) instead of raising;
    the warning says where the run stopped, why, and what to try.
    """


class ToleranceWarning(LifutilsWarning):
    """The events at the default tolerances cannot be trusted (or could not be checked).

    :func:`~lifutils.solve_ivp_with_resets` run without ``rtol`` and ``atol`` checks
    its events against a second run at tighter tolerances; the warning says what
    differs (the number of events, the largest change of an event time, the first
    event that moved) and what to pass instead (``spike_tol`` or ``rtol``/``atol``).
    """

"""Which session the judgement running now uses: the child's recording one, or the parent's replay.

It owns the one mutable global of the sandbox, :data:`current`, set by
:mod:`.child` (in the fork) and :mod:`.replay` (in the parent) and read here
only, so that a check's :func:`observe` and :func:`in_child` see the session
of the judgement that calls them. It imports nothing of lifutils.
"""
from __future__ import annotations

current = None  # the session of the judgement running now (child or parent), or None


def observe(key):
    """What the guards saw of the student's code since the last look (``"solve_ivp"``).

    Returns a dict of counts (``calls``, ``without_t_eval``, ``loose_rtol``: the
    student's calls of scipy's solve_ivp, those without ``t_eval`` and those with
    rtol above 1e-6); in the parent, the counts the child recorded.
    """
    return current.observe(key)


def in_child():
    """True while the judgement runs in the child (the parent's run decides the verdict)."""
    return bool(getattr(current, "in_child", False))

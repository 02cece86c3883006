"""Which events may fire in solve_ivp_with_resets: an event must leave its trigger
before it fires again (as Julia's callbacks do). Used by :mod:`lifutils.restart.loop`."""
from __future__ import annotations

import numpy as np

from ..errors import LifutilsError

__all__ = ["Triggers"]


class Triggers:
    """Which entries may fire, by direction: an entry must leave its trigger to fire again.

    Trigger ``k`` watches entry ``event[k]`` (an event function's value, or one
    entry of a vector event) for crossings in direction ``sign[k]`` (+1 rising,
    -1 falling); an entry with direction 0 has two triggers, one per direction.
    A disarmed trigger of a directional entry is given to the solver reversed,
    as a re-arm watcher: when the entry goes back through zero the solver stops
    there and the trigger is armed again. A disarmed half of a direction-0 entry
    is armed again when the other half fires (the entry has then crossed back).
    Everything here is done with numpy over all triggers at once, so that a
    reset costs the same whatever the number of entries.
    """

    def __init__(self, direction, layout):
        self.direction = direction
        counts = np.where(direction == 0, 2, 1)
        self.event = np.repeat(np.arange(direction.size), counts)
        self.sign = direction[self.event].astype(float)
        first = np.cumsum(counts) - counts
        both = direction == 0
        self.sign[first[both]], self.sign[first[both] + 1] = 1.0, -1.0
        self.armed = np.ones(self.event.size, dtype=bool)
        self.paired = bool(both.any())
        self.function = layout.function_of[self.event]
        self.in_vector = np.array([m is not None for m in layout.sizes], dtype=bool)[self.function]
        self.any_vector = bool(self.in_vector.any())
        self.sign0 = float(self.sign[0]) if self.sign.size else 0.0  # for after_reset_one
        self._cached = (None, None)  # (arming and grouping, what for_solver returned for it)

    def arm_at_start(self, g0):
        """A direction-0 event off zero can first cross only towards the other side."""
        g = g0[self.event]
        half = self.direction[self.event] == 0
        self.armed = np.where(half & (g != 0), self.sign * g < 0, self.armed)

    def for_solver(self, make, make_group, g):
        """The events solve_ivp gets and what each is: armed triggers and re-arm watchers,
        one scipy event each, except that those of a vector event below their trigger at the
        start (``g``: the entries' values there) share one scipy event per event function.
        The first one passed counts the solver's steps. Reused while the arming (and the
        grouping) is unchanged, as it is from one spike to the next."""
        fire = self.armed
        state = fire.tobytes()
        if not self.any_vector and state == self._cached[0]:
            return self._cached[1]
        rearm = ~fire & (self.direction[self.event] != 0)
        watch = np.where(fire, self.sign, -self.sign)
        active = fire | rearm
        grouped = active & self.in_vector
        if g is not None:
            grouped &= watch * g[self.event] < 0
        if self.any_vector:  # the grouping depends on g too
            state += grouped.tobytes()
            if state == self._cached[0]:
                return self._cached[1]
        passed, kinds = [], []
        for k in np.flatnonzero(active & ~grouped):
            kinds.append(("fire" if fire[k] else "rearm", int(k)))
            passed.append(make(int(self.event[k]), float(watch[k]), count_steps=not passed))
        functions = self.function[grouped]  # in order: one function unless first != last
        for f in (np.unique(functions) if functions.size and functions[0] != functions[-1]
                  else functions[:1]):
            ks = np.flatnonzero(grouped & (self.function == f))
            kinds.append(("group", ks))
            passed.append(make_group(int(f), ks, watch[ks], count_steps=not passed))
        self._cached = (state, (passed, kinds))
        return passed, kinds

    def after_reset(self, trigger, on_time_alone, g_before, g_after, t):
        """Arm or disarm triggers after the reset of ``trigger``'s entry (at time t)."""
        if self.event.size == 1:  # one directional entry: the same, without arrays
            self.after_reset_one(on_time_alone, float(g_after[0]), t)
            return
        i = self.event[trigger]
        mine = self.event == i
        after = self.sign * g_after[self.event]
        if on_time_alone:  # no reset can move it: it has not left its trigger
            self.armed[mine] = np.arange(self.event.size)[mine] != trigger
        else:  # (the other half of a direction-0 event has)
            if (after[trigger] >= 0 if self.direction[i] != 0 else g_after[i] == 0):
                self._still_triggered(i, g_after[i], t)
            self.armed[mine] = after[mine] < 0
        changed = g_after[self.event] != g_before[self.event]
        self.armed |= ~mine & changed & (after < 0)  # moved back before its trigger by this reset

    def after_reset_one(self, on_time_alone, value, t):
        """after_reset for one directional entry (one trigger), its value after the reset
        a float."""
        after = self.sign0 * value
        if not on_time_alone and after >= 0:
            self._still_triggered(0, value, t)
        self.armed[0] = False if on_time_alone else after < 0

    @staticmethod
    def _still_triggered(i, value, t):
        raise LifutilsError(
            f"reset for event {i} at t = {t:.6g} returned a state where that event is "
            f"still triggered (event value {value:g}): it would fire again at once "
            "(Zeno). Reset below the threshold (for a neuron: v_reset < v_thresh)")

    def crossed(self, g_start, g_after, exclude):
        """Armed triggers whose entry went from before to at/past it, other than ``exclude``
        (one trigger per entry, in order)."""
        before, after = self.sign * g_start[self.event], self.sign * g_after[self.event]
        excluded = np.zeros(self.direction.size, dtype=bool)
        excluded[exclude] = True
        ks = np.flatnonzero(self.armed & (before < 0) & (after >= 0) & ~excluded[self.event])
        if self.paired and ks.size > 1:  # a direction-0 entry has two triggers: keep the first
            ks = ks[np.concatenate([[True], self.event[ks[1:]] != self.event[ks[:-1]]])]
        return [int(k) for k in ks]

"""The approaches to a population and what each costs: :data:`APPROACHES` and :func:`measure`.

An :class:`Approach` is one way of simulating the population of
:mod:`lifutils.populations.population` (key, label, runner and style);
:data:`APPROACHES` declares the built-in ones in the order of notebook 07's cost
table and :func:`add_approach` adds one of your own. :func:`measure` runs one
and returns a row of that table, checked against the closed form.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from .. import checks as check
from ..catalogue import Catalogue, declare, is_entry, is_import_path, resolve
from ..errors import LifutilsError
from ..euler import DT
from ..methods import REGISTRY, spare_styles
from ..params import LIFParams
from .euler import simulate_population_euler
from .population import (POPULATION_NEURON, POPULATION_T_MAX, compare_trains, exact_population,
                         population_drives, simulate_population)

__all__ = ["APPROACHES", "Approach", "add_approach", "measure"]


def measure(approach, n, *, t_max=POPULATION_T_MAX, dt=DT, params: LIFParams = POPULATION_NEURON,
            **options) -> dict:
    """Simulate the population of n neurons one way and return a row of the cost table.

    Parameters
    ----------
    approach : str
        A key of :data:`APPROACHES` (see the module docstring); "nest" needs
        NEST installed.
    n : int
        Number of neurons.
    t_max : float
        Simulation length (ms).
    dt : float
        Time step of the approaches that step in time ("euler", ms).
    params : LIFParams
        The membrane of every neuron.
    **options
        Passed to the approach's runner (:func:`simulate_population`'s, with
        default rtol = atol = 1e-10).

    Returns
    -------
    dict
        ``approach``, ``n``, ``seconds`` (wall time), ``spikes`` (resets), ``nfev``
        (right-hand-side evaluations; neuron-steps for "euler"; None for
        "nest"), ``ms_per_spike`` (wall time per reset), ``cpu_ms_per_spike``
        (processor time of this process per reset, steadier than wall time on a
        busy machine), and from :func:`compare_trains` against the closed form
        ``error`` (largest spike-time difference, ms) and ``wrong_counts``
        (neurons with a spike too many or too few).

    Examples
    --------
    >>> row = measure("vector", 10, t_max=50.0)
    >>> row["spikes"], row["error"] < 1e-6, row["wrong_counts"]
    (30, True, 0)
    """
    if not isinstance(approach, str) or approach not in APPROACHES:
        raise LifutilsError(f"approach must be one of {list(APPROACHES)}, "
                            f"got {check.show(approach)}")
    entry = APPROACHES[approach]
    drive = population_drives(n, params)
    if entry.prepare is not None:
        resolve(entry.prepare)()  # e.g. NEST's first import: not the model's cost
    start, cpu_start = time.perf_counter(), time.process_time()
    record = resolve(entry.runner)(params, drive, t_max, dt=dt, **options)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    n_spikes = record.n_spikes
    error, wrong_counts = compare_trains(record, exact_population(params, drive, t_max))
    return {"approach": approach, "n": int(n), "seconds": seconds, "spikes": n_spikes,
            "nfev": record.nfev, "ms_per_spike": 1e3 * seconds / max(n_spikes, 1),
            "cpu_ms_per_spike": 1e3 * cpu_seconds / max(n_spikes, 1),
            "error": error, "wrong_counts": wrong_counts}


# ------------------------------------------------------------------ the approaches

@dataclass(frozen=True)
class Approach:
    """One way of simulating a population: what it is called, how it runs, how it looks.

    Attributes
    ----------
    key : str
        The identifier (:func:`measure`'s ``approach``, a row's ``"approach"``).
    label : str
        The display text of legends and tables.
    runner : callable or str
        ``runner(params, i_e, t_max, *, dt, **options) -> SpikeRecord`` (``dt``:
        the time step, ms, for those that step), or ``"package.module:function"``
        naming it, imported when it first runs.
    style : str, int or None
        A method's key (the approach is drawn in that method's colour, marker
        and line style), or the index of one of
        :func:`lifutils.methods.spare_styles`; None takes the first spare index
        no other approach uses.
    prepare : callable, str or None
        Called before the clock starts (NEST's first import, a second or two).
    """

    key: str
    label: str
    runner: Callable | str
    style: str | int | None = None
    prepare: Callable | str | None = None

    def look(self) -> tuple:
        """(colour, marker, line style) of its line in a figure."""
        if isinstance(self.style, str):
            if self.style not in REGISTRY:
                raise LifutilsError(f"approach {self.key!r} is drawn in the style of method "
                                    f"{self.style!r}, which is no longer registered")
            method = REGISTRY[self.style]
            return method.color, method.marker["marker"], method.linestyle
        return spare_styles(1, first=self.style)[0]  # (a huge index builds no list)


def _checked_approach(approach, others):
    """The approach, checked, with a spare style of its own when it has none."""
    if not is_entry(approach, Approach):
        raise LifutilsError(f"add_approach takes an Approach, got {check.show(approach)}")
    if not isinstance(approach.label, str) or approach.label in {a.label for a in others}:
        raise LifutilsError(f"Approach.label must be new text, got {check.show(approach.label)}")
    for name in ("runner", "prepare"):
        value = getattr(approach, name)
        if not (callable(value) or is_import_path(value) or (name == "prepare" and value is None)):
            raise LifutilsError(f"Approach.{name} must be callable (or 'package.module:function' "
                                f"text), got {check.show(value)}")
    if approach.style is None:
        taken = {a.style for a in others}
        return replace(approach, style=next(i for i in range(len(others) + 1) if i not in taken))
    style = approach.style
    if not ((isinstance(style, str) and style in REGISTRY)  # (a list is no key: unhashable)
            or (isinstance(style, int) and not isinstance(style, bool) and style >= 0)):
        raise LifutilsError(f"Approach.style must be a method key ({', '.join(REGISTRY)}), an "
                            f"index >= 0 or None, got {check.show(approach.style)}")
    return approach


def _vector_event(params, i_e, t_max, *, dt=None, **options):
    """simulate_population with one vector event, tight tolerances unless given."""
    return simulate_population(params, i_e, t_max, events="vector",
                               **{"rtol": 1e-10, "atol": 1e-10, **options})


def _event_per_neuron(params, i_e, t_max, *, dt=None, **options):
    """simulate_population with one event per neuron, tight tolerances unless given."""
    return simulate_population(params, i_e, t_max, events="per_neuron",
                               **{"rtol": 1e-10, "atol": 1e-10, **options})


def _euler_loop(params, i_e, t_max, *, dt=DT, **options):
    """The vectorised Euler loop at step dt (other options are not its)."""
    return simulate_population_euler(params, i_e, t_max, dt=dt)


def _nest(params, i_e, t_max, *, dt=None, **options):
    """NEST's iaf_psc_delta (lifutils.populations.nest_bridge)."""
    from .nest_bridge import simulate_population_nest  # NEST is optional
    return simulate_population_nest(params, i_e, t_max)


#: The approaches of :func:`measure`, in the order of the cost table. The vector event and
#: the Euler loop wear their methods' styles, the others styles no method wears, so that
#: no two lines differ by colour alone ("method", here as in scipy, is a solve_ivp method).
APPROACHES = declare(globals(), "APPROACHES", Catalogue("approach", (
    Approach("vector", "one vector event", _vector_event, style="events"),
    Approach("per_neuron", "one event per neuron", _event_per_neuron, style=1),
    Approach("euler", "Euler loop (numpy)", _euler_loop, style="euler"),
    Approach("nest", "NEST", _nest, style=0, prepare="lifutils.populations.nest_bridge:import_nest"),
), check=_checked_approach))


def add_approach(approach: Approach) -> Approach:
    """Add an approach of your own to :data:`APPROACHES` (or replace the same one, added
    again) and return it; ``APPROACHES.remove(key)`` takes it out."""
    return APPROACHES.add(approach)

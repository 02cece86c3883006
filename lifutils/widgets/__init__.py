"""ipywidgets dashboards for the LIF neuron: sliders in, a figure and numbers out.

Nothing numeric lives here. Each dashboard calls lifutils' simulators (cached
per dashboard, so moving a slider back is instant), moves the data of one
figure object of the plotting layer (the one its ``plot_*`` function draws for
a notebook: :class:`lifutils.figures.plotting.TraceFigure` ...) and shows it as a PNG.

Every dashboard is declared in :data:`~lifutils.widgets.catalogue.DASHBOARDS`
(one entry each, with the moves that test every control). Four rooms:
:mod:`~lifutils.widgets.dashboards` (the dashboards of the LIF neuron),
:mod:`~lifutils.widgets.larger_models` (the phase plane and the kicks of notebooks 08 and 05),
:mod:`~lifutils.widgets.framework` (the :class:`Dashboard` container and the
controls they share) and :mod:`~lifutils.widgets.redraw` (rendering a figure
again fast, drawing only what its figure object moves).

Every dashboard is a :class:`Dashboard` (an ``ipywidgets.VBox``) with

* ``controls``: a dict name -> widget (sliders carry their unit in their
  description, e.g. "i_e (nA)"; they redraw when released);
* ``status``: an HTML line (CSS class ``lif-status``) that lists every
  control as ``name=value``, the value as the widget shows it, then a few
  numbers, and ends with ``redraw N``;
* ``output``: an ``ipywidgets.Output`` holding the figure as an inline PNG,
  or, for settings the model refuses (``v_reset`` at or above ``v_thresh``
  ...; any :class:`~lifutils.LifutilsError`), ``error``: a short message (CSS
  class ``lif-error``) in its place;
* ``figure`` (the one matplotlib Figure, never handed to pyplot),
  ``redraw()``, ``n_redraws`` and ``png`` (the last PNG, bytes).

Units: time in ms, voltage in mV, current in nA; the phase plane of the gallery
models (:mod:`~lifutils.widgets.larger_models`) uses theirs (pA for AdEx, mV/ms for
Izhikevich).

Examples
--------
>>> dash = euler_explorer()
>>> dash.controls["i_e"].value = 25.0
>>> dash.n_redraws, "i_e=25.00" in dash.status.value, "redraw 2" in dash.status.value
(2, True, True)
"""
from . import dashboards
from .catalogue import DASHBOARDS, DashboardEntry
from .dashboards import *  # noqa: F401,F403 (every dashboard in dashboards.__all__)
from .framework import Dashboard
from .larger_models import kick_synchrony, phase_plane

#: Every dashboard declared in :data:`~lifutils.widgets.catalogue.DASHBOARDS`, by its key.
__all__ = ["Dashboard", *DASHBOARDS]


def __getattr__(name):
    """A dashboard declared in DASHBOARDS from a module of its own: found by its key."""
    if name in DASHBOARDS:
        return DASHBOARDS[name].function
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

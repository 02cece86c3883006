"""The dashboards, declared: one entry each, with the moves that test every control.

:data:`DASHBOARDS` is a :class:`lifutils.catalogue.Catalogue` of
:class:`DashboardEntry`: the dashboard's key (its function's name in
:mod:`lifutils.widgets`), the function that makes it (as
``"package.module:function"`` text, imported on first use, so that this
declaration imports no dashboard module), and ``moves``: for each control, a new
value and its readout as the browser shows it. The tests drive every control of
every entry through its move (tests/test_widgets.py), the browser tests open
each, so a new dashboard is one function and one entry here (or one
``DASHBOARDS.add(...)`` from a notebook), and no test is edited.

Examples
--------
>>> list(DASHBOARDS)[:2], sorted(DASHBOARDS["kick_synchrony"].moves)
(['euler_explorer', 'hack_explorer'], ['kick'])
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from ..catalogue import Catalogue, declare, is_entry, is_import_path, resolve
from ..errors import LifutilsError

__all__ = ["DashboardEntry", "DASHBOARDS", "MINUS"]

#: The minus sign of d3-format, which draws the slider readouts in the browser.
MINUS = "\N{MINUS SIGN}"


@dataclass(frozen=True)
class DashboardEntry:
    """One dashboard of :mod:`lifutils.widgets`.

    Attributes
    ----------
    key : str
        The identifier: its function's name (``"euler_explorer"``).
    factory : callable or str
        The function that makes it, ``factory(**options) -> Dashboard``, or
        ``"package.module:function"`` naming it.
    moves : mapping
        Control name -> (a new value, its readout as the browser shows it):
        one move per control, each of which must redraw the figure.
    quick : mapping
        Keywords that make it fast enough for a test (a smaller grid).
    """

    key: str
    factory: Callable | str
    moves: Mapping = field(default_factory=dict)
    quick: Mapping = field(default_factory=dict)

    @property
    def function(self) -> Callable:
        """The factory as a function (imported now when given as text)."""
        return resolve(self.factory)

    def make(self, *, quick=False, **options):
        """A new dashboard (``quick=True``: with the keywords of :attr:`quick`)."""
        return self.function(**{**(self.quick if quick else {}), **options})


def _checked(entry, others):
    if not is_entry(entry, DashboardEntry):
        raise LifutilsError(f"DASHBOARDS takes a DashboardEntry, got {type(entry).__name__}")
    if not (callable(entry.factory) or is_import_path(entry.factory)):
        raise LifutilsError(f"DashboardEntry.factory must be callable (or "
                            f"'package.module:function' text), got {entry.factory!r}")
    for name in ("moves", "quick"):
        if not isinstance(getattr(entry, name), Mapping):
            raise LifutilsError(f"DashboardEntry.{name} must be a mapping, got "
                                f"{getattr(entry, name)!r}")
    return replace(entry, moves=MappingProxyType(dict(entry.moves)),
                   quick=MappingProxyType(dict(entry.quick)))


#: The dashboards, in the order of :data:`lifutils.widgets.__all__`.
DASHBOARDS = declare(globals(), "DASHBOARDS", Catalogue("dashboard", (
    DashboardEntry("euler_explorer", "lifutils.widgets.dashboards:euler_explorer", {
        "i_e": (25.5, "25.50"), "dt": (0.5, "0.5"), "tau_m": (15.0, "15.0"),
        "v_reset": (-70.0, f"{MINUS}70.0")}),
    DashboardEntry("hack_explorer", "lifutils.widgets.dashboards:hack_explorer", {
        "method": ("RK23", "RK23"), "max_step": (1.0, "1"), "i_e": (25.0, "25.00")}),
    DashboardEntry("events_explorer", "lifutils.widgets.dashboards:events_explorer", {
        "i_e": (25.0, "25.00"), "t_ref": (2.0, "2.0"), "rtol": (1e-3, "1e-3"),
        "max_step": (1.0, "1")}),
    DashboardEntry("side_by_side", "lifutils.widgets.dashboards:side_by_side", {
        "i_e": (25.5, "25.50"), "tau_m": (15.0, "15.0"), "t_ref": (2.0, "2.0"),
        "v_reset": (-70.0, f"{MINUS}70.0"), "dt": (0.05, "0.05"), "rtol": (1e-3, "1e-3")}),
    DashboardEntry("fi_explorer", "lifutils.widgets.dashboards:fi_explorer", {
        "tau_m": (15.0, "15.0"), "t_ref": (2.0, "2.0"), "v_reset": (-70.0, f"{MINUS}70.0"),
        "dt": (0.5, "0.5")}, quick=dict(currents=(10.0, 20.0, 30.0), t_max=200.0)),
    # The pattern first: choosing one sets the sliders to its published values.
    DashboardEntry("phase_plane", "lifutils.widgets.larger_models:phase_plane", {
        "pattern": ("AdEx adaptation", "AdEx adaptation"), "I": (400.0, "400"),
        "Vr": (-50.0, f"{MINUS}50.0"), "b": (100.0, "100")}),
    DashboardEntry("kick_synchrony", "lifutils.widgets.larger_models:kick_synchrony", {
        "kick": (2.5, "2.50")}),
), callable_field="factory", check=_checked))

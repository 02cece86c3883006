"""Every dashboard of lifutils.widgets, from its catalogue DASHBOARDS (a new dashboard is tested
without editing the tests); quick ones by default (fi_explorer with a small grid of currents)."""
import functools

from lifutils.widgets.catalogue import DASHBOARDS


def factories(*, small=True):
    """Name -> function making the dashboard (keywords such as size= pass through)."""
    return {key: functools.partial(entry.make, quick=small) for key, entry in DASHBOARDS.items()}


def moves():
    """Name -> control -> (new value, its readout as the browser shows it), from DASHBOARDS."""
    return {key: dict(entry.moves) for key, entry in DASHBOARDS.items()}

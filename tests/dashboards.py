"""Every dashboard of lifutils.widgets, found from its ``__all__`` (a new dashboard is tested
without editing the tests); fi_explorer with a small grid of currents, for speed."""
import functools

import lifutils.widgets as widgets

SMALL_FI = dict(currents=(10.0, 20.0, 30.0), t_max=200.0)


def factories(*, small=True):
    """Name -> function making the dashboard (keywords such as size= pass through)."""
    made = {}
    for name in widgets.__all__:
        obj = getattr(widgets, name)
        if name == "Dashboard" or not callable(obj) or isinstance(obj, type):
            continue
        made[name] = functools.partial(obj, **SMALL_FI) if small and name == "fi_explorer" else obj
    return made

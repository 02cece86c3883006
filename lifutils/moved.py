"""Old module paths of the flat layout, kept for one release.

Each old module (``lifutils/plotting.py`` and so on) is three lines that hand
its names to :func:`forward`: ``from lifutils.plotting import plot_trace`` still
works and says where the name lives now, with a DeprecationWarning.
:data:`MOVED` is the whole table (CHANGELOG.md, "Layout", lists it too).
"""
from __future__ import annotations

import importlib
import warnings

__all__ = ["MOVED", "forward"]

#: Old module path -> new module path, for the paths kept for a release.
MOVED = {
    "lifutils.plotting": "lifutils.figures.plotting",
    "lifutils.plotting_accuracy": "lifutils.figures.accuracy",
    "lifutils.plotting_gallery": "lifutils.figures.gallery",
    "lifutils.plotting_population": "lifutils.figures.population",
    "lifutils.population": "lifutils.populations",
    "lifutils.nest_bridge": "lifutils.populations.nest_bridge",
    "lifutils.resets": "lifutils.restart.resets",
    "lifutils.drawing": "lifutils.figures.drawing",
}


def forward(old: str, namespace: dict) -> None:
    """Fill an old module's namespace from its new home, and warn that it moved.

    Public names are copied (``from old import *`` keeps working); any other
    attribute is looked up in the new module on access.
    """
    new = importlib.import_module(MOVED[old])
    names = getattr(new, "__all__", [n for n in vars(new) if not n.startswith("_")])
    namespace.update({name: getattr(new, name) for name in names})
    namespace["__all__"] = list(names)
    namespace["__getattr__"] = lambda name: getattr(new, name)
    warnings.warn(f"{old} moved to {MOVED[old]} (the old path goes in the next release)",
                  DeprecationWarning, stacklevel=3)

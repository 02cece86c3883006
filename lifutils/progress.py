"""A progress bar for long work in a notebook; quiet everywhere else.

:func:`track` wraps an iterable. In a Jupyter kernel it shows an ipywidgets
bar (imported only then, so the numerics stay free of widgets) that counts the
items and closes itself when the loop ends, so the saved notebook keeps no
trace of it. In a script, a test or a plain Python shell it shows nothing and
costs one ``if`` per item.

The environment variable ``LIFUTILS_PROGRESS=0`` turns the bar off in a kernel
too: ``make notebooks``, ``make test`` (nbval) and ``make student`` set it, so
that committed outputs and nbval's fresh run match cell for cell.
"""
from __future__ import annotations

import os
import sys
import time

__all__ = ["track", "progress_enabled"]

#: Show a bar only for work that has taken at least this long (s): a quick loop never flashes one.
SHOW_AFTER = 0.5


def progress_enabled() -> bool:
    """True in a Jupyter kernel with ipywidgets, unless ``LIFUTILS_PROGRESS`` is "0"."""
    if os.environ.get("LIFUTILS_PROGRESS", "").strip() in ("0", "off", "false", "no"):
        return False
    if "ipykernel" not in sys.modules:
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ipykernel brings IPython
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def track(iterable, *, total=None, description="working"):
    """Yield from ``iterable``, with a progress bar in a notebook.

    Parameters
    ----------
    iterable : iterable
        What the loop runs over.
    total : int, optional
        Its length, where ``len(iterable)`` does not tell.
    description : str
        A few words shown beside the bar ("solving 16 models").

    Examples
    --------
    >>> [x * x for x in track(range(4), description="squares")]  # no kernel here: no bar
    [0, 1, 4, 9]
    """
    if not progress_enabled():
        yield from iterable
        return
    if total is None:
        try:
            total = len(iterable)
        except TypeError:
            total = None
    bar, start = None, time.monotonic()
    try:
        for done, item in enumerate(iterable):
            if bar is None and time.monotonic() - start >= SHOW_AFTER:
                bar = _show(total, description)
            if bar is not None:
                _advance(bar, done, total)
            yield item
    finally:
        if bar is not None:
            bar.close()


def _show(total, description):
    import ipywidgets
    from IPython.display import display

    bar = ipywidgets.IntProgress(value=0, min=0, max=max(1, total or 1), description=description,
                                 style={"description_width": "initial"},
                                 layout=ipywidgets.Layout(width="60%"))
    display(bar)
    return bar


def _advance(bar, done, total):
    bar.value = min(done, bar.max)
    bar.description = bar.description.split(" (")[0] + (f" ({done} of {total})" if total else f" ({done})")

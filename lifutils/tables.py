"""Plain-text tables for the notebooks: one helper instead of f-string loops in cells.

Pure Python (numbers are formatted with format specs), so numerical results
print as aligned columns that nbval can compare.

Examples
--------
>>> print_table(["method", "spikes", "error (ms)"],
...             [["Euler loop", 5, 0.1333], ["exact", 5, None]],
...             formats=[None, "d", ".2g"])
method      spikes  error (ms)
Euler loop       5        0.13
exact            5           -
"""
from __future__ import annotations

import math
import numbers
from typing import Sequence

from .errors import LifutilsError

__all__ = ["format_table", "print_table"]

MISSING = "-"


def _cell(value, spec) -> str:
    """One cell as text: None and NaN print as '-', numbers with ``spec``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if spec and isinstance(value, numbers.Number) and not isinstance(value, bool):
        return format(value, spec)
    return str(value)


def format_table(headers: Sequence[str], rows: Sequence[Sequence], *,
                 formats: Sequence[str | None] | None = None) -> str:
    """Return ``rows`` as aligned text under ``headers``.

    Parameters
    ----------
    headers : sequence of str
        Column titles; put units in them, e.g. ``"error (ms)"``.
    rows : sequence of sequences
        One entry per column in each row. ``None`` and NaN print as ``-``.
    formats : sequence of str or None, optional
        A format spec per column (``".4f"``, ``"d"``, ``".2g"``); None prints
        the value with ``str``. Text columns are left-aligned, others right.

    Returns
    -------
    str
        The table, one line per row, without a trailing newline.

    Examples
    --------
    >>> print(format_table(["dt (ms)", "error (ms)"], [[0.1, 0.133], [0.01, 0.033]],
    ...                    formats=["g", ".3f"]))
    dt (ms)  error (ms)
        0.1       0.133
       0.01       0.033
    """
    headers = [str(h) for h in headers]
    n = len(headers)
    formats = list(formats) if formats is not None else [None] * n
    if len(formats) != n:
        raise LifutilsError(f"formats must have one entry per column ({n}), got {len(formats)}")
    rows = [list(row) for row in rows]
    for k, row in enumerate(rows):
        if len(row) != n:
            raise LifutilsError(f"rows[{k}] must have one entry per column ({n}), got {len(row)}")
    cells = [[_cell(v, spec) for v, spec in zip(row, formats)] for row in rows]
    text_column = [all(isinstance(row[j], str) or row[j] is None for row in rows) if rows else True
                   for j in range(n)]
    widths = [max([len(headers[j])] + [len(r[j]) for r in cells]) for j in range(n)]

    def line(items):
        parts = [item.ljust(w) if text else item.rjust(w)
                 for item, w, text in zip(items, widths, text_column)]
        return "  ".join(parts).rstrip()

    return "\n".join([line(headers)] + [line(r) for r in cells])


def print_table(headers: Sequence[str], rows: Sequence[Sequence], *,
                formats: Sequence[str | None] | None = None) -> None:
    """Print :func:`format_table` of the same arguments.

    Examples
    --------
    >>> print_table(["i_e (nA)", "rate (Hz)"], [[20.0, 55.811]], formats=["g", ".1f"])
    i_e (nA)  rate (Hz)
          20       55.8
    """
    print(format_table(headers, rows, formats=formats))

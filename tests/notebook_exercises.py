"""What the exercise tests share: a check's one printed line, and a notebook's solutions.

Each exercise's stub cell in a teacher notebook holds its solution between nbgrader's
``### BEGIN SOLUTION`` and ``### END SOLUTION`` markers (the student copies get the stub
from the cell's metadata); :func:`teacher_solution` runs that cell and hands back the
function, the one reference solution the tests use.
"""
import json
import pathlib
import re

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[1] / "notebooks"


def verdict(capsys, check, answer, **kwargs):
    """Run a check; return (result, printed line), and insist on exactly one line."""
    result = check(answer, **kwargs)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines  # one paragraph, one line
    assert isinstance(result, bool)
    assert lines[0].startswith("Right: " if result else "Not yet: "), lines[0]
    return result, lines[0]


def cells(name):
    """The cells of ``notebooks/<name>`` (with or without the .ipynb)."""
    path = NOTEBOOKS / (name if name.endswith(".ipynb") else f"{name}.ipynb")
    return json.loads(path.read_text())["cells"]


def source(cell):
    return "".join(cell["source"])


def teacher_solution(name, function, **names):
    """The function ``function`` as the teacher notebook ``name``'s solution cell defines it.

    The cell runs with numpy (np), math and solve_ivp, and with ``names`` (the notebook's
    own variables it reads, e.g. ``v_rest=-70.0``).
    """
    import math

    import numpy as np
    from scipy.integrate import solve_ivp

    (cell,) = [c for c in cells(name) if c["cell_type"] == "code" and "BEGIN SOLUTION" in
               source(c) and f"def {function}(" in source(c)]
    scope = dict(np=np, math=math, solve_ivp=solve_ivp, **names)
    exec(compile(source(cell), f"<{name}: {function}>", "exec"), scope)  # noqa: S102
    return scope[function]

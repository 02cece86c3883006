"""What the exercise tests share: a check's one printed line, and a notebook's stubs and solutions.

Each notebook's exercise is a stub (a code cell that raises NotImplementedError) and a
folded solution (a ``<details><summary>Solution</summary>`` markdown block with one
```python fence); the tests run both against the check from lifutils.exercises.
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


def folded_solutions(name):
    """The Python code of each folded Solution block of a notebook, in order."""
    return ["\n".join(re.findall(r"```python\n(.*?)```", source(c), re.S)) for c in cells(name)
            if c["cell_type"] == "markdown" and "<summary>Solution</summary>" in source(c)]


def stubs(name):
    """The code cells that still raise NotImplementedError (the exercise stubs), in order."""
    return [source(c) for c in cells(name)
            if c["cell_type"] == "code" and "raise NotImplementedError" in source(c)]

"""Every figure a notebook makes is shown as a picture, not as ``<Figure size ...>``.

The committed notebooks hold the outputs of one fresh top-to-bottom run (nbval checks that a fresh
run still gives them), so a figure that a fresh kernel would print as text shows here as an output
whose text/plain is ``<Figure ...>`` with no image beside it. A cell whose last line returns a
figure (``fig``, ``ax.figure``, a ``plot_*`` call) must have an image among its outputs.
"""
import pathlib
import re

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LAST_LINE_DRAWS = re.compile(r"(\.figure|\bfig|plot_\w+\(.*\)?)\s*$")


def _last_code_line(source):
    lines = [line for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return lines[-1] if lines else ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_shows_as_an_image(path):
    nb = nbformat.read(path, as_version=4)
    bare, missing = [], []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        for out in cell.outputs:
            data = out.get("data", {})
            if "<Figure size" in str(data.get("text/plain", "")) and "image/png" not in data:
                bare.append(i)
        last = _last_code_line(cell.source)
        if LAST_LINE_DRAWS.search(last) and not last.lstrip().startswith(("for ", "print(")) \
                and "=" not in last.split("(")[0] and not images:
            missing.append((i, last.strip()))
    assert not bare, f"{path.name}: cells {bare} show a figure as text (<Figure size ...>), not as a picture"
    assert not missing, f"{path.name}: cells whose last line draws show no image: {missing}"


def test_the_checker_catches_a_bare_figure(tmp_path):
    """The test above would fail on the committed 06 of before (a bare Figure's repr)."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("exercises.plot_attempt(mine, exact)")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "<Figure size 800x380 with 2 Axes>"},
                                           execution_count=1)]
    nb.cells = [cell]
    path = tmp_path / "bare.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(AssertionError, match="cells \\[0\\] show a figure as text"):
        test_every_figure_shows_as_an_image(path)

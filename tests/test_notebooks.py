"""Notebook hygiene: the committed notebooks are one fresh top-to-bottom run, lean and tidy.

(nbval, run by `make test`, re-executes them and compares the outputs.)
"""
import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXPECTED = ["00_start_here", "01_euler_loop", "02_dvdt_reset_hack", "03_event_driven_solve_ivp",
            "04_side_by_side", "05_larger_models", "06_exercises", "07_many_neurons",
            "08_model_gallery"]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def load(path):
    return json.loads(path.read_text())


def test_the_sequence_is_complete_and_nothing_else_is_there():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_come_from_one_fresh_top_to_bottom_run(path):
    cells = [c for c in load(path)["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), f"{path.name}: run it with `make notebooks`"
    for cell in cells:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"{path.name}: error output in {cell['source'][:60]}"
            assert out.get("name") != "stderr", f"{path.name}: stderr (a warning?) in {cell['source']}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_cells_are_short_and_nothing_is_empty(path):
    nb = load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        assert source.strip(), f"{path.name}: empty cell"
        if cell["cell_type"] == "code":
            # An exercise's solution region counts as the stub the students see in its place.
            stubs = "\n".join(cell["metadata"].get("lifutils", {}).get("stubs", []))
            source = re.sub(r"^[ \t]*### BEGIN SOLUTION.*?### END SOLUTION", "", source,
                            flags=re.M | re.S) + "\n" + stubs
            lines = [ln for ln in source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
            # The headline answer (tagged "answer") is whole in one cell: at most 15 lines.
            limit = 15 if "answer" in cell["metadata"].get("tags", []) else 12
            assert len(lines) <= limit, f"{path.name}: a code cell of {len(lines)} lines:\n{source}"
            assert "MPLBACKEND" not in source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_structure_objectives_setup_summary(path):
    cells = load(path)["cells"]
    first = "".join(cells[0]["source"])
    assert first.startswith("# "), f"{path.name}: no title"
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert re.search(r"objectives|you will", text, re.I), f"{path.name}: no learning objectives"
    assert re.search(r"^#+ .*summary", text, re.I | re.M), f"{path.name}: no summary section"
    assert "../shared" not in text and "QUESTION.md" not in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_widget_cells_are_tagged_for_nbval(path):
    for cell in load(path)["cells"]:
        if cell["cell_type"] != "code":
            continue
        widget_output = any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                            for o in cell["outputs"])
        if widget_output:
            assert "nbval-ignore-output" in cell["metadata"].get("tags", []), \
                f"{path.name}: widget cell without the nbval-ignore-output tag"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_links_between_notebooks_resolve(path):
    text = "\n".join("".join(c["source"]) for c in load(path)["cells"] if c["cell_type"] == "markdown")
    for target in re.findall(r"\]\(([^)#\s]+\.ipynb)", text):
        assert (path.parent / target).exists(), f"{path.name} links to missing {target}"

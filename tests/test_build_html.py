"""scripts/build_html.py (`make html`) on tiny notebooks: no browser, no kernel."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import (
    new_code_cell,
    new_markdown_cell,
    new_notebook,
    new_output,
)

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "build_html.py"


def _load_build_html():
    name = "build_html"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


build_html = _load_build_html()


def _write(path: Path, heading: str, text: str, output: str) -> None:
    nb = new_notebook(
        cells=[
            new_markdown_cell(f"# {heading}\n\n{text}"),
            new_code_cell(
                "print('hi')",
                execution_count=1,
                outputs=[new_output("stream", name="stdout", text=output)],
            ),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    nbformat.write(nb, path)


def test_build_html_renders_handouts_and_ordered_index(tmp_path, capsys):
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    out = tmp_path / "html"
    # Created out of order: the index must follow the sorted file names.
    _write(nb_dir / "02_second.ipynb", "Second: the *reset*", "Reset text here.", "output-two")
    _write(nb_dir / "01_first.ipynb", "First & foremost", "Membrane equation text.", "output-one")

    assert build_html.main([str(nb_dir), "--out", str(out)]) == 0

    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<li><a href="([^"]+)">(.*?)</a></li>', index)
    assert links == [
        ("01_first.html", "First &amp; foremost"),
        ("02_second.html", "Second: the *reset*"),
    ]
    assert "<ol>" in index and "<title>" in index

    first = (out / "01_first.html").read_text(encoding="utf-8")
    second = (out / "02_second.html").read_text(encoding="utf-8")
    assert "Membrane equation text." in first and "output-one" in first
    assert "Reset text here." in second and "output-two" in second
    assert "<title>First &amp; foremost</title>" in first

    printed = capsys.readouterr().out
    assert printed.index("01_first.ipynb") < printed.index("02_second.ipynb")
    assert str(out / "index.html") in printed

    # The notebooks themselves are not modified (no re-execution, no title).
    assert "title" not in nbformat.read(nb_dir / "01_first.ipynb", as_version=4).metadata


def test_build_html_fails_without_notebooks(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert build_html.main([str(tmp_path / "empty"), "--out", str(tmp_path / "html")]) != 0
    assert "no notebooks" in capsys.readouterr().err
    assert not (tmp_path / "html").exists()


def test_first_heading_variants():
    def nb(*sources):
        return new_notebook(cells=[new_markdown_cell(s) for s in sources])

    assert build_html.first_heading(nb("no heading", "## Sub heading ##")) == "Sub heading"
    assert build_html.first_heading(nb("Setext title\n============")) == "Setext title"
    assert build_html.first_heading(nb("```\n# not a heading\n```\n# Real")) == "Real"
    assert build_html.first_heading(nb('<h1 align="center">HTML <b>title</b></h1>')) == "HTML title"
    assert build_html.first_heading(nb("plain text")) is None


def test_dashboards_get_a_static_snapshot(tmp_path):
    """A widget view whose Output child shows a PNG gets that PNG as a folded snapshot."""
    png = "iVBORw0KGgo="
    nb = new_notebook(cells=[new_markdown_cell("# Dash"), new_code_cell("dashboard")])
    nb.cells[1].outputs = [new_output("display_data", data={
        build_html.WIDGET_VIEW: {"model_id": "box", "version_major": 2, "version_minor": 0},
        "text/plain": "VBox()"})]
    nb.metadata["widgets"] = {build_html.WIDGET_STATE: {"state": {
        "box": {"state": {"children": ["IPY_MODEL_out"]}},
        "out": {"state": {"outputs": [{"output_type": "display_data",
                                       "data": {"image/png": png}}]}},
    }, "version_major": 2, "version_minor": 0}}
    assert build_html.add_snapshots(nb) == 1
    added = nb.cells[1].outputs[1]["data"]["text/html"]
    assert "<details>" in added and f"data:image/png;base64,{png}" in added

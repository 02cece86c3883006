"""scripts/build_html.py (`make html`) on tiny notebooks: no browser, no kernel."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
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

    assert build_html.main([str(nb_dir), "--out", str(out), "--docs", str(tmp_path / "none")]) == 0

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


def _dashboard_notebook(png="iVBORw0KGgo="):
    """A notebook whose one output is a dashboard: a title, a status line and a figure."""
    nb = new_notebook(cells=[new_markdown_cell("# Dash"), new_code_cell("dashboard")])
    nb.cells[1].outputs = [new_output("display_data", data={
        build_html.WIDGET_VIEW: {"model_id": "box", "version_major": 2, "version_minor": 0},
        "text/plain": "VBox()"})]
    nb.metadata["widgets"] = {build_html.WIDGET_STATE: {"state": {
        "box": {"model_name": "VBoxModel",
                "state": {"children": ["IPY_MODEL_title", "IPY_MODEL_slider", "IPY_MODEL_out"]}},
        "title": {"model_name": "HTMLModel", "state": {"value": "<b>The title</b>"}},
        "slider": {"model_name": "FloatSliderModel", "state": {"value": 20.0}},
        "out": {"model_name": "OutputModel", "state": {"outputs": [
            {"output_type": "display_data", "data": {"image/png": png}}]}},
    }, "version_major": 2, "version_minor": 0}}
    return nb


def test_dashboards_become_static_pictures_and_the_state_goes():
    png = "iVBORw0KGgo="
    nb = _dashboard_notebook(png)
    assert build_html.static_dashboards(nb) == 1
    assert "widgets" not in nb.metadata
    (out,) = nb.cells[1].outputs
    shown = out["data"]["text/html"]
    assert set(out["data"]) == {"text/html"}
    assert shown.index("<b>The title</b>") < shown.index(f"data:image/png;base64,{png}")
    assert "static picture" in shown


def test_formulas_become_mathml_and_code_is_left_alone():
    formulas = {}
    text = ("The membrane equation\n\n$$\\tau_m \\frac{dv}{dt} = -(v - v_\\text{rest}) + R\\,I(t)$$\n\n"
            "with $v_\\infty = v_\\text{rest} + R I$; `x = \"$a$\"` and\n```\n$b$\n```\nno \\$5.")
    out = build_html.math_to_mathml(text, formulas)
    assert len(formulas) == 2
    block, inline = formulas.values()
    assert block.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">')
    assert "<mfrac>" in block and "<mtext>rest</mtext>" in block
    assert 'display="inline"' in inline and "&#x0221E;" in inline  # infinity
    assert '`x = "$a$"`' in out and "\n$b$\n" in out and "\\$5" in out
    assert "\\frac" not in out


def test_pages_load_nothing_from_a_network(tmp_path):
    """No script, stylesheet or font from a CDN: the handouts read the same offline."""
    nb_dir, out = tmp_path / "notebooks", tmp_path / "html"
    nb_dir.mkdir()
    nb = _dashboard_notebook()
    nb.cells.append(new_markdown_cell("Leak: $\\tau_m \\frac{dv}{dt} = -v$."))
    nbformat.write(nb, nb_dir / "01_dash.ipynb")
    build_html.build(nb_dir, out, log=lambda *_: None)
    page = (out / "01_dash.html").read_text(encoding="utf-8")
    assert not re.findall(r"""(?:src|href)=["']https?://""", page)
    assert not re.search(r"cdn|unpkg|mathjax|require\.js|embed-amd", page, re.I), \
        re.search(r".{80}(?:cdn|unpkg|mathjax|require\.js|embed-amd).{80}", page, re.I | re.S)
    assert "<mfrac>" in page and "lifmath" not in page
    assert "application/vnd.jupyter.widget-state+json" not in page


def test_the_teachers_guide_is_rendered_and_indexed(tmp_path):
    nb_dir, docs, out = tmp_path / "notebooks", tmp_path / "docs", tmp_path / "html"
    nb_dir.mkdir()
    docs.mkdir()
    _write(nb_dir / "01_first.ipynb", "First", "text", "out")
    (docs / "teaching.md").write_text(
        "# Teacher's guide\n\n| min | notebook |\n|---|---|\n| 10 | "
        "[01](../notebooks/01_first.ipynb) |\n\nThe leak $\\tau_m$.\n", encoding="utf-8")
    assert build_html.main([str(nb_dir), "--out", str(out), "--docs", str(docs)]) == 0
    guide = (out / "teaching.html").read_text(encoding="utf-8")
    assert "<table>" in guide and 'href="01_first.html"' in guide and "<math" in guide
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index("01_first.html") < index.index("For teachers") < index.index(
        '<a href="teaching.html">Teacher&#x27;s guide</a>')


def test_the_repository_guide_is_there_and_rendered_by_make_html():
    guide = build_html.REPO_ROOT / "docs" / "teaching.md"
    assert guide.exists()
    makefile = (build_html.REPO_ROOT / "Makefile").read_text()
    assert "scripts/build_html.py" in makefile


@pytest.mark.browser
def test_handouts_read_offline_in_chromium(tmp_path):
    """Every handout, opened from disk in Chromium with the network off: no request
    leaves the machine, every image loads, every formula is drawn."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium not found at /usr/bin/chromium (CI=true)")
        pytest.skip("Chromium not found at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    out = tmp_path / "html"
    nb_dir = tmp_path / "notebooks"
    shutil.copytree(build_html.REPO_ROOT / "notebooks", nb_dir)
    extra = new_notebook(cells=[new_markdown_cell(
        "# 99. Formulas\n\n$$\\tau_m \\frac{dv}{dt} = -(v - v_\\text{rest}) + R\\,I(t)$$\n\n"
        "and $T = \\tau_m \\ln\\frac{v_0 - v_\\infty}{v_\\text{thresh} - v_\\infty}$.")])
    nbformat.write(extra, nb_dir / "99_formulas.ipynb")
    build_html.build(nb_dir, out, log=lambda *_: None, docs_dir=build_html.REPO_ROOT / "docs")
    pages = sorted(out.glob("*.html"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium),
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            context = browser.new_context(offline=True)
            for path in pages:
                page = context.new_page()
                requests = []
                page.on("request", lambda r: requests.append(r.url))
                page.goto(path.as_uri(), wait_until="load")
                found = page.evaluate("""() => ({
                  images: [...document.images].map(i => i.complete && i.naturalWidth > 0),
                  formulas: [...document.querySelectorAll('math')].map(
                      m => m.getBoundingClientRect().height),
                  text: document.body.innerText.length})""")
                page.close()
                remote = [u for u in requests if not u.startswith(("file:", "data:"))]
                assert remote == [], f"{path.name} asks the network for {remote}"
                assert all(found["images"]), f"{path.name}: an image did not load"
                assert all(h > 5 for h in found["formulas"]), f"{path.name}: {found['formulas']}"
                assert found["text"] > 50, path.name
                if path.name == "99_formulas.html":
                    assert len(found["formulas"]) == 2
        finally:
            browser.close()

"""Handouts cannot be turned against their readers: scripts/build_html.py on a hostile notebook.

A notebook can carry anything: a student's notebook a teacher renders, a shared
notebook a student renders. Each payload below would run a script when the
handout is opened (it calls ``alert('<name>')``); the handout must run none of
them, and still show the safe content around them (text, a formula, a figure,
a dashboard's static picture).
"""

from __future__ import annotations

import base64
import importlib.util
import os
import re
import struct
import sys
import zlib
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "build_html.py"
CHROMIUM = Path("/usr/bin/chromium")


def _load_build_html():
    name = "build_html"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SCRIPT)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


build_html = _load_build_html()


def png_bytes(width: int = 8, height: int = 6) -> bytes:
    """A valid grey PNG, made here (no file, no library)."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PNG = base64.b64encode(png_bytes()).decode()

# name -> where it goes. Every payload calls alert(name) if it runs.
PAYLOADS = {
    "md-script": "markdown cell: <script>",
    "md-img-onerror": "markdown cell: <img onerror>",
    "md-iframe": "markdown cell: <iframe src=javascript:>",
    "md-svg-onload": "markdown cell: <svg onload>",
    "md-math-href": "markdown cell: MathML with href=javascript: (needs a click)",
    "md-formula": "a $formula$ with HTML in \\text{}",
    "html-script": "text/html output: <script>",
    "html-img-onerror": "text/html output: <img onerror>",
    "html-iframe": "text/html output: <iframe src=javascript:>",
    "html-object": "text/html output: <object data=javascript:>",
    "mdout-script": "text/markdown output: <script>",
    "mdout-img": "text/markdown output: <img onerror>",
    "js-output": "application/javascript output",
    "svg-script": "image/svg+xml output with <script>",
    "mermaid": "text/vnd.mermaid output closing its <pre>",
    "png-width": "image/png output whose width metadata carries onload=",
    "png-quote": "image/png output data with a quote",
    "widget-html": "saved widget HTML: <img onerror>",
    "widget-script": "saved widget HTML: <script>",
    "widget-png": "widget PNG data with a quote",
}


def hostile_notebook():
    """One notebook with every payload of PAYLOADS, and safe content beside each."""
    a = "alert('{}')".format
    md = new_markdown_cell(
        "# Hostile notebook\n\nSAFE-MARKDOWN text before the payloads.\n\n"
        f"<script>{a('md-script')}</script>\n\n"
        f"<img src=\"nope.png\" onerror=\"{a('md-img-onerror')}\" alt=\"x\">\n\n"
        f"<iframe src=\"javascript:{a('md-iframe')}\"></iframe>\n\n"
        f"<svg onload=\"{a('md-svg-onload')}\"><circle r=\"5\"/></svg>\n\n"
        f"<math><mi href=\"javascript:{a('md-math-href')}\" id=\"mathlink\">x</mi></math>\n\n"
        "SAFE-FORMULA $\\tau_m \\frac{dv}{dt} = -v$ and "
        f"$\\text{{<img src=x onerror={a('md-formula')}>}}$ end.\n\n"
        "[a javascript link](javascript:alert('md-link')) SAFE-AFTER-LINK")
    html_out = new_output("display_data", data={"text/html": (
        f"<b>SAFE-HTML</b><script>{a('html-script')}</script>"
        f"<img src=x onerror=\"{a('html-img-onerror')}\">"
        f"<iframe src=\"javascript:{a('html-iframe')}\"></iframe>"
        f"<object data=\"javascript:{a('html-object')}\"></object>"
        "<table><tr><td>SAFE-TABLE</td></tr></table>"), "text/plain": "<HTML>"})
    md_out = new_output("display_data", data={"text/markdown": (
        f"**SAFE-MDOUT** <script>{a('mdout-script')}</script> "
        f"<img src=x onerror=\"{a('mdout-img')}\">")})
    js_out = new_output("display_data", data={
        "application/javascript": a("js-output"), "text/plain": "<IPython.core.display.Javascript>"})
    svg_out = new_output("display_data", data={"image/svg+xml": (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>{a("svg-script")}'
        '</script><rect width="10" height="10"/></svg>')})
    mermaid_out = new_output("display_data", data={
        "text/vnd.mermaid": f"</pre><script>{a('mermaid')}</script><pre>", "text/plain": "graph"})
    png_out = new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure SAFE-FIG>"},
                         metadata={"image/png": {"width": f"8 onload={a('png-width')}"}})
    bad_png = new_output("display_data", data={
        "image/png": PNG[:8] + f'" onerror="{a("png-quote")}', "text/plain": "<Figure>"})
    widget_out = new_output("display_data", data={
        build_html.WIDGET_VIEW: {"model_id": "box", "version_major": 2, "version_minor": 0},
        "text/plain": "VBox()"})
    nb = new_notebook(cells=[
        md,
        new_code_cell("html", execution_count=1, outputs=[html_out, md_out]),
        new_code_cell("js", execution_count=2, outputs=[js_out, svg_out, mermaid_out]),
        new_code_cell("figure", execution_count=3, outputs=[png_out, bad_png]),
        new_code_cell("dashboard", execution_count=4, outputs=[widget_out]),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"},
                 "language_info": {"name": "python"}})
    nb.cells[1].metadata["tags"] = ['x" onmouseover="alert(1)']
    nb.metadata["widgets"] = {build_html.WIDGET_STATE: {"state": {
        "box": {"model_name": "VBoxModel", "state": {
            "_model_name": "VBoxModel",
            "children": ["IPY_MODEL_title", "IPY_MODEL_status", "IPY_MODEL_out", "IPY_MODEL_bad"]}},
        "title": {"model_name": "HTMLModel", "state": {
            "_model_name": "HTMLModel", "value": "<b>SAFE-WIDGET-TITLE</b>"
            f"<img src=x onerror=\"{a('widget-html')}\">"}},
        "status": {"model_name": "HTMLModel", "state": {
            "_model_name": "HTMLModel",
            "value": f"SAFE-WIDGET-STATUS<script>{a('widget-script')}</script>"}},
        "out": {"model_name": "OutputModel", "state": {"_model_name": "OutputModel", "outputs": [
            {"output_type": "display_data", "data": {"image/png": PNG}}]}},
        "bad": {"model_name": "OutputModel", "state": {"_model_name": "OutputModel", "outputs": [
            {"output_type": "display_data",
             "data": {"image/png": f'{PNG[:8]}" onerror="{a("widget-png")}'}}]}},
    }, "version_major": 2, "version_minor": 0}}
    return nb


@pytest.fixture
def hostile_page(tmp_path):
    nb_dir, out = tmp_path / "notebooks", tmp_path / "html"
    nb_dir.mkdir()
    nbformat.write(hostile_notebook(), nb_dir / "01_hostile.ipynb")
    build_html.build(nb_dir, out, log=lambda *_: None)
    return out / "01_hostile.html"


def test_the_hostile_handout_has_no_script_handler_or_javascript_url(hostile_page):
    """The markup itself, before any browser: nothing executable is left in the body."""
    page = hostile_page.read_text(encoding="utf-8")
    head, body = page[:page.index("<body")], page[page.index("<body"):]
    assert re.search(r"<meta content=\"default-src 'none';[^\"]*\" http-equiv=\"Content-Security-Policy\"", head)
    assert not re.search(r"<script\b", body, re.I), re.search(r".{60}<script\b.{60}", body, re.I | re.S)
    tags = re.findall(r"<[A-Za-z][^<>]*>", body)  # text is escaped: every '<' here opens a tag
    assert not [t for t in tags if re.search(r"\son[a-z]+\s*=", t, re.I)]
    assert not [t for t in tags if "javascript:" in t.lower()]
    assert not re.search(r"<(iframe|object|embed|svg)\b", body, re.I)
    for safe in ("SAFE-MARKDOWN", "SAFE-HTML", "SAFE-TABLE", "SAFE-MDOUT", "SAFE-WIDGET-TITLE",
                 "SAFE-WIDGET-STATUS", "SAFE-AFTER-LINK", "SAFE-FORMULA"):
        assert safe in body, safe
    assert "<mfrac>" in body  # the good formula, as MathML
    assert "\\text{&lt;img src=x onerror=" in body  # the bad one, as escaped TeX
    assert body.count(f"data:image/png;base64,{PNG}") == 2  # the figure and the dashboard's


def test_sanitise_keeps_mathml_and_tables_and_drops_the_rest():
    clean = build_html.sanitise_html(
        '<math display="block"><mfrac><mi>a</mi><mn>2</mn></mfrac></math>'
        '<table><tr><td style="color: red">1</td></tr></table>'
        '<a href="javascript:alert(1)">x</a><a href="#sec">ok</a>'
        '<img src="data:text/html;base64,PHNjcmlwdD4=" alt="y">'
        '<form action="https://example.org"><input name="p"></form>')
    assert '<math display="block"><mfrac><mi>a</mi><mn>2</mn></mfrac></math>' in clean
    assert "<td" in clean and "javascript" not in clean and 'href="#sec"' in clean
    assert "data:text/html" not in clean and "<form" not in clean and "<input" not in clean


def test_every_formula_of_the_notebooks_and_guide_survives_the_sanitiser():
    formulas = {}
    for path in sorted(build_html.REPO_ROOT.glob("notebooks/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                build_html.math_to_mathml(cell.source, formulas, log=lambda *_: None)
    for path in sorted(build_html.REPO_ROOT.glob("docs/*.md")):
        build_html.math_to_mathml(path.read_text(encoding="utf-8"), formulas, log=lambda *_: None)
    assert len(formulas) > 20
    tag = re.compile(r"<([a-z]+)")  # opening tags (<mspace/> comes back as <mspace></mspace>)
    for mathml in formulas.values():
        assert mathml.startswith("<math")
        assert tag.findall(build_html.sanitise_html(mathml)) == tag.findall(mathml), mathml


@pytest.mark.browser
@pytest.mark.parametrize("policy", ["with the page's CSP", "sanitiser alone (CSP removed)"])
def test_no_payload_runs_in_chromium_and_the_safe_content_shows(hostile_page, policy):
    if "alone" in policy:
        page = hostile_page.read_text(encoding="utf-8")
        page, n = re.subn(r'<meta [^>]*Content-Security-Policy[^>]*>', "", page)
        assert n == 1
        hostile_page.write_text(page, encoding="utf-8")
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium not found at /usr/bin/chromium (CI=true)")
        pytest.skip("Chromium not found at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    ran, requests = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            context = browser.new_context(offline=True)
            page = context.new_page()
            page.on("dialog", lambda d: (ran.append(d.message), d.dismiss()))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(hostile_page.as_uri(), wait_until="load")
            page.wait_for_timeout(500)  # onerror of broken images, iframes loading
            for link in page.locator("a, mi, mrow, [href]").all():
                try:  # a click on anything that could be a link
                    link.click(timeout=500, no_wait_after=True)
                except Exception:
                    pass
            page.goto(hostile_page.as_uri(), wait_until="load")
            page.wait_for_timeout(300)
            shown = page.evaluate("""() => ({
              text: document.body.innerText,
              images: [...document.images].map(i => [i.complete && i.naturalWidth > 0,
                                                     i.getAttribute('src').slice(0, 30)]),
              formulas: [...document.querySelectorAll('math')].filter(m => m.querySelector('mfrac'))
                  .map(m => m.getBoundingClientRect().height)})""")
        finally:
            browser.close()
    assert ran == [], f"scripts ran: {ran}"
    remote = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert remote == [], remote
    for safe in ("SAFE-MARKDOWN", "SAFE-HTML", "SAFE-TABLE", "SAFE-MDOUT", "SAFE-WIDGET-TITLE",
                 "SAFE-WIDGET-STATUS", "SAFE-AFTER-LINK", "SAFE-FORMULA"):
        assert safe in shown["text"], safe
    good = [ok for ok, src in shown["images"] if src.startswith("data:image/png")]
    assert good == [True, True], shown["images"]  # the figure and the dashboard picture
    assert shown["formulas"] and all(h > 5 for h in shown["formulas"]), shown["formulas"]

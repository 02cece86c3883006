"""The course book (`make book`, scripts/build_book.py): complete, linked, offline, safe, accessible.

The book is built here as `make book` builds it, from the committed notebooks
(nothing is executed), in a subprocess: once from the repository, and once
from a repository copy that was published (`make publish`) and whose only
notebook is hostile. The hostile notebook carries every payload the old
handouts were tested with and what a Jupyter Book adds (MyST directives and
roles that read, include or copy files, raw cells, a heading with markup);
each payload calls ``alert('<name>')`` if it runs, and a secret file next to
the sources must not reach the site.

The browser tests open the pages from disk in Chromium (/usr/bin/chromium),
offline: axe-core (WCAG 2.1 A and AA) on every page in the light theme, and its
colour rules again in the dark theme, the hostile page with and without its Content-Security-Policy, and a
reader who goes from one page to another and searches for "terminal event",
by keyboard.
"""
from __future__ import annotations

import base64
import doctest
import html.parser
import inspect
import os
import re
import shutil
import struct
import subprocess
import sys
import urllib.parse
import zlib
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "build_book.py"
CHROMIUM = Path("/usr/bin/chromium")
sys.path.insert(0, str(Path(__file__).parent))
import _axe  # noqa: E402

import _scripts  # noqa: E402  (tests/ is on sys.path)

_load = _scripts.load

lifbook = _load("lifbook", ROOT / "book" / "_ext" / "lifbook.py")


def _build(out: Path, stage: Path, *args: str, root: Path = ROOT) -> str:
    """Run the book build as `make book` does (a fresh process); its output."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(root / "scripts" / "build_book.py"), "--out", str(out),
         "--stage", str(stage), *args],
        capture_output=True, text=True, timeout=900, env=env, cwd=root)
    assert done.returncode == 0, f"build failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The course book, built from the repository into a temporary folder."""
    tmp = tmp_path_factory.mktemp("book")
    printed = _build(tmp / "site", tmp / "stage")
    assert re.search(r"built 9 notebooks, \d+ pages in [\d.]+ s", printed), printed
    return tmp / "site"


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


# --- What is in the book -----------------------------------------------------------
def _first_heading(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        m = re.search(r"^# (.+)$", cell.source, re.M) if cell.cell_type == "markdown" else None
        if m:
            return m.group(1)
    raise AssertionError(f"{path.name} has no title")


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _text(markup: str) -> str:
    """The text of ``markup``: tags out, entities read, typographic quotes plain, spaces one."""
    import html as html_module

    text = html_module.unescape(re.sub(r"<[^>]+>", "", markup)).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def test_every_notebook_is_a_page_in_order_with_its_outputs(book):
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 9
    index = (book / "index.html").read_text(encoding="utf-8")
    sidebar = [urllib.parse.unquote(h) for h in re.findall(
        r'<a class="reference internal" href="(notebooks/[^"#]+)"', index)]
    assert sidebar[:len(notebooks)] == [f"notebooks/{p.stem}.html" for p in notebooks]
    for path in notebooks:
        page = (book / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
        title = _first_heading(path).replace("`", "")
        assert title in _text(page), path.name
        nb = nbformat.read(path, as_version=4)
        outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
        figures = sum("image/png" in out.get("data", {}) for out in outputs)
        dashboards = sum(lifbook.WIDGET_VIEW in out.get("data", {}) for out in outputs)
        # Every figure is there, as an image with its description; each dashboard as its
        # saved picture (a static note, then its figure).
        assert page.count('<img src="data:image/png;base64,') >= figures, path.name
        assert page.count('class="lif-static-dashboard"') == dashboards, path.name
        streams = [out["text"] for out in outputs if out.get("output_type") == "stream"]
        for text in streams[:3]:  # printed numbers are shown as printed
            line = next((ln for ln in text.splitlines() if ln.strip()), "")
            assert " ".join(line.split())[:40] in _text(page), (path.name, line)
        # The page offers its notebook for download: the committed file, byte for byte.
        source = book / "_sources" / "notebooks" / f"{path.stem}.ipynb"
        assert source.read_bytes() == path.read_bytes()


def test_the_landing_page_is_the_readme_answer_and_links_the_recipe_guide_and_api(book):
    page = (book / "index.html").read_text(encoding="utf-8")
    text = _text(page)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## The answer.*?```python\n(.*?)```", readme, re.S).group(1)
    for line in code.splitlines():  # the README's ten-line answer, every line of it
        assert " ".join(line.split("#")[0].split()) in _text(page), line
    assert "terminal event" in text
    for target in ("docs/recipe.html", "docs/teaching.html", "api.html",
                   "notebooks/00_start_here.html"):
        assert f'href="{target}"' in page, target


def test_every_public_name_has_an_api_page_with_its_docstring_and_examples(book):
    import lifutils

    api = (book / "api.html").read_text(encoding="utf-8")
    for name in lifutils.__all__:
        path = book / "api" / f"lifutils.{name}.html"
        assert path.exists(), name
        page = path.read_text(encoding="utf-8")
        obj = getattr(lifutils, name)
        anchor = obj.__name__ if inspect.ismodule(obj) else f"lifutils.{name}"
        assert f'id="{anchor}"' in page or f'id="module-{anchor}"' in page, name
        assert f'href="api/lifutils.{name}.html' in api, name
        summary = (inspect.getdoc(obj) or "").split("\n\n")[0].split("\n")[0].strip()
        assert _text(summary.replace("`", ""))[:30] in _text(page), name
        if "Examples" in (obj.__doc__ or "") and not inspect.ismodule(obj):
            assert ">>>" in page.replace("&gt;&gt;&gt;", ">>>"), f"{name}: examples missing"
            assert '<p class="rubric">Examples</p>' in page, name


def test_the_recipe_and_the_guide_are_in_the_book(book):
    recipe = _text((book / "docs" / "recipe.html").read_text(encoding="utf-8"))
    assert "The four steps" in recipe and "The five pitfalls" in recipe
    assert "Print to PDF" in (book / "docs" / "recipe.html").read_text(encoding="utf-8")
    guide = (book / "docs" / "teaching.html").read_text(encoding="utf-8")
    assert 'href="../notebooks/00_start_here.html"' in guide


def _recipe_code() -> str:
    text = (ROOT / "docs" / "recipe.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_the_recipe_is_ten_lines_that_run_and_give_the_exact_spikes():
    from lifutils import LIFParams, exact_spike_times

    code = _recipe_code()
    assert len(code.strip().splitlines()) == 10
    setting = re.search(r"`(tau_m, v_rest, .*?)`", (ROOT / "docs" / "recipe.md").read_text(),
                        re.S).group(1)
    exact = exact_spike_times(LIFParams(i_e=20.0), 100.0)
    for rtol, low, high in ((1e-8, 0.0, 1e-5), (1e-3, 0.01, 0.15)):
        scope = {}
        exec("import numpy as np\nfrom scipy.integrate import solve_ivp\n"
             + " ".join(setting.split()) + "\n"
             + code.replace("rtol=1e-8, atol=1e-8", f"rtol={rtol}, atol={rtol}"), scope)
        spikes = scope["spikes"]
        assert len(spikes) == len(exact) == 5
        error = max(abs(a - b) for a, b in zip(spikes, exact))
        # "off by up to about 0.1 ms" at scipy's default rtol, the tolerance's own at 1e-8.
        assert low <= error <= high, (rtol, error)


def test_the_recipes_first_step_holds_scipy_calls_the_event_with_the_y0_list():
    """Step 1: "scipy calls it first with your y0 list as it is, where y - v_thresh fails"."""
    from scipy.integrate import solve_ivp

    def threshold(t, y):
        return y - (-55.0)
    threshold.terminal, threshold.direction = True, 1
    with pytest.raises(TypeError, match="list"):
        solve_ivp(lambda t, y: (-(y + 70.0) + 20.0) / 10.0, (0.0, 100.0), [-70.0],
                  events=threshold)
    threshold_0 = lambda t, y: y[0] + 55.0  # noqa: E731  the recipe's form works
    threshold_0.terminal, threshold_0.direction = True, 1
    sol = solve_ivp(lambda t, y: (-(y + 70.0) + 20.0) / 10.0, (0.0, 100.0), [-70.0],
                    events=threshold_0, rtol=1e-8, atol=1e-8)
    assert sol.status == 1 and abs(sol.t_events[0][0] - 10.0 * __import__("math").log(4.0)) < 1e-5


# --- Links, formulas, the network ---------------------------------------------------------
class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key) and tag in ("a", "img", "link", "script"):
                self.links.append((tag, attrs[key]))


def test_every_internal_link_resolves_and_nothing_loads_from_a_network(book):
    parsed = {}
    for page in _pages(book):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        parsed[page] = parser
    checked = 0
    for page, parser in parsed.items():
        for tag, link in parser.links:
            if link.startswith(("data:", "mailto:")):
                continue
            if re.match(r"[a-z]+:", link):
                # Leaving the book is a reader's click on a link, never a load.
                assert tag == "a" and link.startswith("https://"), (page.name, tag, link)
                continue
            target, _, fragment = link.partition("#")
            path = (page.parent / urllib.parse.unquote(target.split("?")[0])).resolve() \
                if target else page
            assert path.exists(), f"{page.relative_to(book)} links {link}: no such file"
            if fragment and path.suffix == ".html" and path in parsed:
                assert urllib.parse.unquote(fragment) in parsed[path].ids, \
                    f"{page.relative_to(book)} links {link}: no such anchor"
            checked += 1
    assert checked > 1000, checked


def test_every_page_has_the_policy_and_formulas_are_mathml(book):
    mathml = 0
    for page in _pages(book):
        text = page.read_text(encoding="utf-8")
        head = text[:text.index("<body")]
        assert head.lstrip("\n ").startswith("<!DOCTYPE html>"), page.name
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head)
        assert policy, page.name
        assert policy.group(1).startswith("default-src 'none'; script-src 'self'")
        assert "unsafe-inline" not in policy.group(1).split("style-src")[0]
        assert not re.search(r"""(?:src|href)=["'](?!data:)[^"']*(?:mathjax|unpkg|cdn|googleapis|thebe)""",
                             text, re.I), page.name
        mathml += text.count("<math ")
    assert mathml > 50, mathml


def test_every_formula_of_the_notebooks_and_docs_becomes_mathml_that_survives_the_sanitiser():
    formula = re.compile(r"\$\$(.+?)\$\$|(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])", re.S)
    found = []
    for path in sorted(ROOT.glob("notebooks/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                found += [(m.group(1) or m.group(2), path.name) for m in formula.finditer(
                    re.sub(r"`[^`]*`", "", cell.source))]
    for path in sorted(ROOT.glob("docs/*.md")):
        found += [(m.group(1) or m.group(2), path.name) for m in formula.finditer(
            re.sub(r"`[^`]*`", "", path.read_text(encoding="utf-8")))]
    assert len(found) > 20
    tag = re.compile(r"<([a-z]+)")
    for latex, where in found:
        mathml = lifbook.to_mathml(latex, "inline")
        assert mathml is not None, (where, latex)
        assert tag.findall(lifbook.sanitise_html(mathml)) == tag.findall(mathml), (where, latex)


def test_lifbook_examples_hold():
    failed, tried = doctest.testmod(lifbook, optionflags=doctest.ELLIPSIS)
    assert tried >= 5 and failed == 0


def test_sanitise_keeps_mathml_tables_and_sphinx_markup_and_drops_the_rest():
    clean = lifbook.sanitise_html(
        '<math display="block"><mfrac><mi>a</mi><mn>2</mn></mfrac></math>'
        '<table><tr><td style="color: red">1</td></tr></table>'
        '<section id="s"><dl class="py function"><dt id="lifutils.f">f</dt></dl></section>'
        '<a href="javascript:alert(1)">x</a><a href="#sec">ok</a><a href="../x.html">rel</a>'
        '<img src="data:text/html;base64,PHNjcmlwdD4=" alt="y"><img src="../_images/a.png" alt="z">'
        '<form action="https://example.org"><input name="p"></form><button>b</button>')
    assert '<math display="block"><mfrac><mi>a</mi><mn>2</mn></mfrac></math>' in clean
    assert '<dl class="py function"><dt id="lifutils.f">' in clean and '<section id="s">' in clean
    assert "<td" in clean and "javascript" not in clean and 'href="#sec"' in clean
    assert 'href="../x.html"' in clean and 'src="../_images/a.png"' in clean
    assert "data:text/html" not in clean and "<form" not in clean and "<input" not in clean
    assert "<button" not in clean


def test_dashboards_become_their_saved_picture_and_the_state_goes():
    nb = new_notebook(cells=[new_markdown_cell("# Dash"), new_code_cell("dashboard")])
    nb.cells[1].outputs = [new_output("display_data", data={
        lifbook.WIDGET_VIEW: {"model_id": "box", "version_major": 2, "version_minor": 0},
        "text/plain": "VBox()"})]
    nb.metadata["widgets"] = {lifbook.WIDGET_STATE: {"state": {
        "box": {"model_name": "VBoxModel",
                "state": {"children": ["IPY_MODEL_title", "IPY_MODEL_slider", "IPY_MODEL_out",
                                       "IPY_MODEL_box"]}},
        "title": {"model_name": "HTMLModel", "state": {"value": "<b>The title</b>"}},
        "slider": {"model_name": "FloatSliderModel", "state": {"value": 20.0}},
        "out": {"model_name": "OutputModel", "state": {"outputs": [
            {"output_type": "display_data",
             "data": {"image/png": PNG, "text/plain": "Figure: five spikes"}}]}},
    }, "version_major": 2, "version_minor": 0}}
    assert lifbook.static_dashboards(nb) == 1
    assert "widgets" not in nb.metadata
    (out,) = nb.cells[1].outputs
    shown = out["data"]["text/html"]
    assert shown.index("<b>The title</b>") < shown.index(f"data:image/png;base64,{PNG}")
    assert 'alt="Figure: five spikes"' in shown and "static picture" in shown


# --- A hostile notebook ----------------------------------------------------------------------
def png_bytes(width: int = 8, height: int = 6) -> bytes:
    """A valid grey PNG, made here (no file, no library)."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PNG = base64.b64encode(png_bytes()).decode()
SECRET = "SECRET-7f3a-never-published"
SAFE = ("SAFE-MARKDOWN", "SAFE-HTML", "SAFE-TABLE", "SAFE-MDOUT", "SAFE-WIDGET-TITLE",
        "SAFE-WIDGET-STATUS", "SAFE-AFTER-LINK", "SAFE-FORMULA", "SAFE-RAW", "SAFE-TITLE")

# name -> where it goes. Every payload calls alert(name) if it runs.
PAYLOADS = {
    "md-script": "markdown cell: <script>",
    "md-img-onerror": "markdown cell: <img onerror>",
    "md-iframe": "markdown cell: <iframe src=javascript:>",
    "md-svg-onload": "markdown cell: <svg onload>",
    "md-math-href": "markdown cell: MathML with href=javascript: (needs a click)",
    "md-formula": "a $formula$ with HTML in \\text{}",
    "md-title": "a heading with <img onerror> (the title goes to <title> and the sidebar)",
    "md-raw-directive": "a MyST {raw} html directive",
    "md-eval-rst": "a MyST {eval-rst} block with a raw html directive",
    "raw-cell": "a raw cell of HTML",
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
    "meta-mystnb": "cell metadata: myst-nb options carrying markup",
}


def hostile_notebook(secret: Path):
    """One notebook with every payload of PAYLOADS, and safe content beside each.

    ``secret``: a file outside the book's sources that directives, roles and
    image paths try to pull into the site.
    """
    a = "alert('{}')".format
    up = f"../../{secret.parent.name}/{secret.name}"  # from the staged notebooks/ folder
    md = new_markdown_cell(
        f"# Hostile SAFE-TITLE <img src=x onerror=\"{a('md-title')}\">\n\n"
        "SAFE-MARKDOWN text before the payloads.\n\n"
        f"<script>{a('md-script')}</script>\n\n"
        f"<img src=\"nope.png\" onerror=\"{a('md-img-onerror')}\" alt=\"x\">\n\n"
        f"<iframe src=\"javascript:{a('md-iframe')}\"></iframe>\n\n"
        f"<svg onload=\"{a('md-svg-onload')}\"><circle r=\"5\"/></svg>\n\n"
        f"<math><mi href=\"javascript:{a('md-math-href')}\" id=\"mathlink\">x</mi></math>\n\n"
        "SAFE-FORMULA $\\tau_m \\frac{dv}{dt} = -v$ and "
        f"$\\text{{<img src=x onerror={a('md-formula')}>}}$ end.\n\n"
        "[a javascript link](javascript:alert('md-link')) SAFE-AFTER-LINK\n\n"
        f"```{{raw}} html\n<script>{a('md-raw-directive')}</script>\n```\n\n"
        f"```{{eval-rst}}\n.. raw:: html\n\n   <script>{a('md-eval-rst')}</script>\n```\n\n"
        f"```{{include}} {secret}\n```\n\n"
        f"```{{literalinclude}} {up}\n```\n\n"
        f"Download: {{download}}`the secret <{up}>` and ![secret image]({up}) and "
        f"[a link to it]({up}).")
    raw = new_raw_cell(f"<b>SAFE-RAW</b><script>{a('raw-cell')}</script>")
    raw.metadata["format"] = "text/html"
    html_out = new_output("display_data", data={"text/html": (
        f"<b>SAFE-HTML</b><script>{a('html-script')}</script>"
        f"<img src=x onerror=\"{a('html-img-onerror')}\">"
        f"<iframe src=\"javascript:{a('html-iframe')}\"></iframe>"
        f"<object data=\"javascript:{a('html-object')}\"></object>"
        "<table><tr><td>SAFE-TABLE</td></tr></table>"), "text/plain": "<HTML>"})
    md_out = new_output("display_data", data={"text/markdown": (
        f"**SAFE-MDOUT** <script>{a('mdout-script')}</script> "
        f"<img src=x onerror=\"{a('mdout-img')}\">\n\n```{{include}} {secret}\n```")})
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
        lifbook.WIDGET_VIEW: {"model_id": "box", "version_major": 2, "version_minor": 0},
        "text/plain": "VBox()"})
    nb = new_notebook(cells=[
        md, raw,
        new_code_cell("html", execution_count=1, outputs=[html_out, md_out]),
        new_code_cell("js", execution_count=2, outputs=[js_out, svg_out, mermaid_out]),
        new_code_cell("figure", execution_count=3, outputs=[png_out, bad_png]),
        new_code_cell("dashboard", execution_count=4, outputs=[widget_out]),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"},
                 "language_info": {"name": "python"},
                 "myst": {"html_meta": {"http-equiv=refresh": f"0; url=javascript:{a('meta')}"}}})
    nb.cells[2].metadata["tags"] = ['x" onmouseover="alert(1)']
    nb.cells[4].metadata["mystnb"] = {"image": {"alt": f"\"><script>{a('meta-mystnb')}</script>"},
                                      "code_prompt_show": f"<img src=x onerror={a('meta-mystnb')}>"}
    nb.metadata["widgets"] = {lifbook.WIDGET_STATE: {"state": {
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


REPO = "ada/lif-course"
HUB = "https://hub.example.edu"


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory):
    """A copy of the repository, published (`make publish REPO=... HUB=...`), whose only
    notebook is hostile, built as a book; returns the site."""
    tmp = tmp_path_factory.mktemp("hostile")
    secret = tmp / "private" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET, encoding="utf-8")
    copy = tmp / "repo"
    for part in ("book", "docs", "scripts"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "README.md", copy / "README.md")
    (copy / "notebooks").mkdir()
    nbformat.write(hostile_notebook(secret), copy / "notebooks" / "01_hostile.ipynb", version=4)
    done = subprocess.run([sys.executable, str(copy / "scripts" / "publish.py"), REPO,
                           "--hub", HUB, "--root", str(copy)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    # The stage sits next to the secret's folder: "../../private/secret.txt" from its notebooks.
    _build(copy / "site", tmp / "stage", "--notebooks", str(copy / "notebooks"), root=copy)
    return copy / "site"


def test_the_hostile_page_has_no_script_handler_or_javascript_url(hostile_book):
    """The markup itself, before any browser: nothing executable is left in the article,
    and the secret file is nowhere in the site."""
    page = (hostile_book / "notebooks" / "01_hostile.html").read_text(encoding="utf-8")
    article = re.search(r'<article class="bd-article".*?</article>', page, re.S).group(0)
    assert not re.search(r"<script\b", article, re.I), re.search(r".{60}<script\b.{60}", article, re.S)
    tags = re.findall(r"<[A-Za-z][^<>]*>", article)  # text is escaped: every '<' opens a tag
    assert not [t for t in tags if re.search(r"\son[a-z]+\s*=", t, re.I)]
    assert not [t for t in tags if "javascript:" in t.lower()]
    assert not re.search(r"<(iframe|object|embed|svg)\b", article, re.I)
    for safe in SAFE:
        assert safe in _text(page), safe
    assert "<mfrac>" in article  # the good formula, as MathML
    assert "\\text{&lt;img src=x onerror=" in article  # the bad one, as escaped TeX
    assert article.count(f"data:image/png;base64,{PNG}") == 2  # the figure and the dashboard's
    # The page's head and title carry nothing from the notebook but text.
    head = page[:page.index("<body")]
    assert "onerror" not in head.replace("&lt;img src=x onerror", "") and "refresh" not in head
    for path in hostile_book.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path.relative_to(hostile_book)
            assert path.name != "secret.txt", path


def test_launch_buttons_appear_after_publish_and_point_there(hostile_book, book):
    page = (hostile_book / "notebooks" / "01_hostile.html").read_text(encoding="utf-8")
    links = {urllib.parse.unquote(h).replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', page)}
    path = "notebooks/01_hostile.ipynb"
    assert f"https://mybinder.org/v2/gh/{REPO}/main?urlpath=lab/tree/{path}" in links
    assert f"https://colab.research.google.com/github/{REPO}/blob/main/{path}" in links
    hub = [link for link in links if link.startswith(f"{HUB}/hub/user-redirect/git-pull?")]
    assert len(hub) == 1
    query = urllib.parse.parse_qs(hub[0].split("?", 1)[1])
    assert query == {"repo": [f"https://github.com/{REPO}"], "branch": ["main"],
                     "urlpath": [f"lab/tree/lif-course/{path}"]}
    # Before `make publish`: no launch button, no repository link, no placeholder.
    for unpublished in _pages(book):
        text = unpublished.read_text(encoding="utf-8")
        assert not re.search(r"mybinder|colab\.research|git-pull|github\.com/executablebooks"
                             r"|github\.com/owner", text), unpublished.name


# --- In the browser -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium not found at /usr/bin/chromium (CI=true)")
        pytest.skip("Chromium not found at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.parametrize("policy", ["with the page's CSP", "sanitiser alone (CSP removed)"])
def test_no_payload_runs_in_chromium_and_the_safe_content_shows(hostile_book, chromium, policy,
                                                                tmp_path):
    site = hostile_book
    if "alone" in policy:
        site = tmp_path / "site"
        shutil.copytree(hostile_book, site)
        path = site / "notebooks" / "01_hostile.html"
        page, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                          path.read_text(encoding="utf-8"))
        assert n == 1
        path.write_text(page, encoding="utf-8")
    url = (site / "notebooks" / "01_hostile.html").as_uri()
    ran, requests = [], []
    context = chromium.new_context(offline=True)
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (ran.append(d.message), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url, wait_until="load")
        page.wait_for_timeout(500)  # onerror of broken images, iframes loading
        for link in page.locator("article a, article mi, article mrow, article [href]").all():
            try:  # a click on anything in the content that could be a link
                link.click(timeout=500, no_wait_after=True)
            except Exception:
                pass
        page.goto(url, wait_until="load")
        page.wait_for_timeout(300)
        shown = page.evaluate("""() => ({
          text: document.body.innerText,
          images: [...document.querySelectorAll('article img')].map(
              i => [i.complete && i.naturalWidth > 0, i.getAttribute('src').slice(0, 30)]),
          formulas: [...document.querySelectorAll('math')].filter(m => m.querySelector('mfrac'))
              .map(m => m.getBoundingClientRect().height)})""")
    finally:
        context.close()
    assert ran == [], f"scripts ran: {ran}"
    remote = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert remote == [], remote
    for safe in SAFE:
        assert safe in shown["text"], safe
    good = [ok for ok, src in shown["images"] if src.startswith("data:image/png")]
    assert good == [True, True], shown["images"]  # the figure and the dashboard picture
    assert shown["formulas"] and all(h > 5 for h in shown["formulas"]), shown["formulas"]


# The dark scheme, once a page has switched to it: the theme follows the reader's system
# setting (prefers-color-scheme), and no CSS transition between the two is still running.
DARK_SHOWN = """() => document.documentElement.dataset.theme === 'dark'
    && document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState === 'finished')"""


@pytest.mark.browser
def test_every_page_has_no_wcag_21_aa_violation_in_light_and_dark(book, chromium):
    # The pages allow only their own scripts (Content-Security-Policy); axe is injected,
    # so the test context lets it in. Nothing on the page itself changes. Each page is
    # loaded once: every WCAG 2.1 A and AA rule in the light scheme, then the page switched
    # to the dark one as a reader's system setting switches it. That is the same DOM with
    # other CSS: there, the rules about colour (contrast, links told apart from text) are
    # the ones its verdict can differ on.
    context = chromium.new_context(offline=True, bypass_csp=True, color_scheme="light")
    found = {"light": {}, "dark": {}}
    counts = {"light": [], "dark": []}
    pages = _pages(book)
    try:
        page = context.new_page()
        for path in pages:
            page.emulate_media(color_scheme="light")
            page.goto(path.as_uri(), wait_until="load")
            for scheme in ("light", "dark"):
                if scheme == "dark":
                    page.emulate_media(color_scheme="dark")
                    page.wait_for_function(DARK_SHOWN, timeout=10_000)
                assert page.evaluate("document.documentElement.dataset.theme") == scheme
                violations = _axe.scan(page,
                                       rules=None if scheme == "light" else _axe.COLOUR_RULES)
                counts[scheme].append(_axe.count(violations))
                if violations:
                    found[scheme][str(path.relative_to(book))] = violations
    finally:
        context.close()
    for scheme in ("light", "dark"):
        print(f"\naxe-core, {scheme}: {len(pages)} pages, violations per page: "
              f"max {max(counts[scheme])}, total {sum(counts[scheme])}")
    assert len(pages) >= 9 + 27 + 4
    assert not found["light"] and not found["dark"], "\n".join(
        f"{name} ({scheme}):\n{_axe.report(v)}"
        for scheme in ("light", "dark") for name, v in found[scheme].items())


@pytest.mark.browser
def test_every_figure_has_its_description_as_alt_text(book, chromium):
    context = chromium.new_context(offline=True)
    try:
        for path in sorted((book / "notebooks").glob("*.html")):
            page = context.new_page()
            page.goto(path.as_uri(), wait_until="load")
            images = page.evaluate("""() => [...document.querySelectorAll('article img')].map(
                i => ({alt: i.getAttribute('alt') || '', ok: i.complete && i.naturalWidth > 0,
                caption: i.closest('figure')?.querySelector('figcaption')?.textContent || null}))""")
            page.close()
            nb = nbformat.read(ROOT / "notebooks" / f"{path.stem}.ipynb", as_version=4)
            assert bool(images) == any("image/png" in out.get("data", {}) for cell in nb.cells
                                       for out in cell.get("outputs", [])), path.name
            for image in images:
                assert image["ok"], path.name
                assert len(image["alt"]) > 20 and not image["alt"].startswith("<"), (path.name, image)
                if image["caption"] is not None:
                    assert image["caption"] == f"Figure: {image['alt']}"
    finally:
        context.close()


@pytest.mark.browser
def test_a_reader_moves_by_keyboard_and_searches_for_terminal_event(book, chromium):
    """Two pages and a search, offline, by keyboard: Tab to the sidebar's notebook 03,
    Enter; then the search dialog (Ctrl+K), "terminal event", Enter."""
    context = chromium.new_context(offline=True, viewport={"width": 1280, "height": 900})
    requests = []
    try:
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto((book / "index.html").as_uri(), wait_until="load")
        for _ in range(80):
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.getAttribute('href') || ''")
            if focused.endswith("notebooks/03_event_driven_solve_ivp.html"):
                break
        else:
            pytest.fail("Tab never reached notebook 03 in the sidebar")
        visible = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
            return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                   || s.boxShadow !== 'none' }""")  # the theme's focus ring is a box-shadow
        assert visible, "the focused sidebar link shows no focus outline"
        page.keyboard.press("Enter")
        page.wait_for_url("**/notebooks/03_event_driven_solve_ivp.html")
        assert "03. Event-driven" in page.title()
        page.keyboard.press("Control+k")
        # (Locators, not wait_for_function: the page's policy forbids the eval it polls with.)
        page.locator("input[name='q']:focus").wait_for(timeout=10_000)
        page.keyboard.type("terminal event")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search.html?q=terminal*")
        page.locator(".search-summary", has_text="Search finished").wait_for(timeout=60_000)
        found = page.evaluate("""() => [...document.querySelectorAll('#search-results ul.search li a')]
                                   .map(a => a.getAttribute('href'))""")
    finally:
        context.close()
    pages = {urllib.parse.unquote(h.split("#")[0].split("?")[0]) for h in found}
    assert "notebooks/03_event_driven_solve_ivp.html" in pages, pages
    assert "notebooks/00_start_here.html" in pages and "docs/recipe.html" in pages, pages
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []


# --- Launch buttons: what `make publish` writes -------------------------------------------
publish = _load("publish", ROOT / "scripts" / "publish.py")


def test_publish_writes_the_launch_buttons_between_the_markers_and_again():
    import yaml

    text = (ROOT / "book" / "_config.yml").read_text(encoding="utf-8")
    unpublished = yaml.safe_load(text)
    assert unpublished["repository"]["url"] == ""
    assert not {"binderhub_url", "colab_url", "jupyterhub_url"} & set(unpublished["launch_buttons"])
    once = publish.publish_book_config(text, "ada/lif-course", "teaching/2026", HUB + "/")
    config = yaml.safe_load(once)
    assert config["repository"] == {"url": "https://github.com/ada/lif-course",
                                    "branch": "teaching/2026", "path_to_book": ""}
    assert config["launch_buttons"]["jupyterhub_url"] == HUB
    again = publish.publish_book_config(once, "bob/x", "main", None)
    assert yaml.safe_load(again)["repository"]["url"] == "https://github.com/bob/x"
    assert "jupyterhub_url" not in yaml.safe_load(again)["launch_buttons"]
    # Only the block between the markers changes; the rest of the file stays as it was.
    outside = lambda t: t[:t.index("launch_buttons:")] + t[t.index(publish.BOOK_END):]  # noqa: E731
    assert outside(again) == outside(once) == outside(text)
    assert publish.publish_book_config(again, "ada/lif-course", "teaching/2026", HUB) == \
        publish.publish_book_config(text, "ada/lif-course", "teaching/2026", HUB)


@pytest.mark.parametrize("hub", ["http://hub.example.edu", "https://hub.example.edu/?next=x",
                                 "https://hub.example.edu\n", 'https://h"x.edu', "javascript:alert(1)",
                                 "https://hub.example.edu/a b", ""])
def test_publish_refuses_a_hub_that_is_not_a_plain_https_address(hub):
    with pytest.raises(publish.PublishError, match="HUB must be a JupyterHub's https address"):
        publish.check_hub(hub)

"""Render the notebooks and the teacher's guide to static HTML handouts (`make html`).

    .venv/bin/python scripts/build_html.py [NOTEBOOK_DIR] [--out OUT_DIR] [--docs DOCS_DIR]

Every ``NOTEBOOK_DIR/*.ipynb`` (default: the repository's ``notebooks/``),
in sorted order, becomes ``OUT_DIR/<stem>.html`` (default: ``build/html``),
rendered by nbconvert's HTMLExporter from the *committed* outputs: nothing is
re-executed. Every ``DOCS_DIR/*.md`` (default: ``docs/``, the teacher's guide)
becomes ``OUT_DIR/<stem>.html`` too. ``OUT_DIR/index.html`` links them in
order, titled by each one's first heading.

The pages load nothing from a network, so they read the same offline:

* a dashboard cannot move without a kernel, so each one is shown as a static
  picture of its saved state (its title, its status line, its figure, its
  table), and the saved widget state is not embedded (it would need the
  widget renderer from a CDN);
* formulas (``$...$``, ``$$...$$``) are converted to MathML at build time
  (latex2mathml), which browsers draw without MathJax;
* the template (``scripts/handout_template/offline.html.j2``) drops the
  require.js, MathJax and mermaid scripts of nbconvert's lab template.

Nothing in a notebook can run a script in its handout (a teacher renders a
student's notebook, a student opens a shared handout):

* markdown cells, ``text/html`` and ``text/markdown`` outputs and the saved
  widget HTML are cleaned with nh3 (the Ammonia sanitiser) to an allow-list of
  HTML and MathML tags and attributes (:func:`sanitise_html`): no
  ``<script>``, no ``on...=`` handler, no ``javascript:`` URL, no iframe;
* JavaScript and mermaid outputs are dropped (:func:`sanitise_outputs`), image
  data must be base64 and image metadata numbers, cell ids and tags plain;
* the page carries a Content-Security-Policy that allows no script at all, as
  a second wall behind the first.

A lifutils figure comes with its description (what it shows, from its data):
the handout shows it as the image's alt text, and as a caption
(:func:`figure_captions`); a dashboard's static picture takes the description
its figure had when the notebook was saved.

Exit status: 0 on success, 1 if there are no notebooks, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import binascii
import html
import re
import sys
import urllib.parse
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIR = Path(__file__).resolve().parent / "handout_template"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
INDEX_TITLE = "lifutils notebooks"
INDEX_DESCRIPTION = (
    "Threshold and reset of a leaky integrate-and-fire neuron with scipy's "
    "solve_ivp: the teaching notebooks, as static handouts."
)

# --- Sanitising -------------------------------------------------------------
# What the handouts keep of a notebook's HTML: ordinary text markup, tables,
# images (data: URLs of images only), <details>, and the MathML that
# latex2mathml writes. Everything else (script, style attributes beyond a few
# layout properties, iframe, object, svg, form, event handlers, javascript:
# URLs) is removed by nh3.
_MATHML_TAGS = {
    "math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt", "mroot",
    "msub", "msup", "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd",
    "mstyle", "mpadded", "mphantom", "menclose", "merror", "mmultiscripts", "mprescripts",
    "none", "semantics", "annotation",
}
_MATHML_ATTRIBUTES = {
    "display", "xmlns", "mathvariant", "stretchy", "fence", "separator", "form", "lspace",
    "rspace", "accent", "accentunder", "columnalign", "rowalign", "columnspacing",
    "rowspacing", "columnlines", "rowlines", "frame", "width", "height", "depth",
    "linethickness", "displaystyle", "scriptlevel", "notation", "minsize", "maxsize",
    "movablelimits", "symmetric", "largeop", "encoding",
}
_HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", "var", "wbr",
}
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "style", "role"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers", "align"},
    "th": {"colspan", "rowspan", "headers", "scope", "align"},
    "ol": {"start"},
    "details": {"open"},
    "figcaption": {"aria-hidden"},
    **{tag: _MATHML_ATTRIBUTES for tag in _MATHML_TAGS},
}
_STYLE_PROPERTIES = {
    "font-family", "font-size", "font-weight", "font-style", "color", "background-color",
    "text-align", "vertical-align", "white-space", "line-height", "padding", "padding-left",
    "padding-right", "margin", "margin-left", "border", "border-bottom", "border-top",
    "border-collapse", "width", "max-width",
}
_IMAGE_DATA_URL = re.compile(r"data:image/(?:png|jpeg|gif|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}")
# A <style> block of an output (lifutils' tables bring one) is kept only if it
# is plain CSS rules: nothing that loads (url(), @import) or escapes.
_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style\s*>", re.I | re.S)
_SAFE_CSS = re.compile(r"[\w\s.,:;#%(){}*>+~'\"!=-]*")
_UNSAFE_CSS = re.compile(r"url\s*\(|expression|behavior|binding|javascript|@|\\|<", re.I)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Keep a data: URL only as an image's source, and only of an image type."""
    if attribute in ("href", "src") and value.strip().lower().startswith("data:"):
        return value if tag == "img" and _IMAGE_DATA_URL.fullmatch(value.strip()) else None
    return value


def sanitise_html(markup: str) -> str:
    """``markup`` cleaned to what a handout may show (nh3, an allow-list).

    Examples
    --------
    >>> sanitise_html('<b onclick="alert(1)">bold</b><script>alert(2)</script>')
    '<b>bold</b>'
    >>> sanitise_html('<math><mfrac><mi>a</mi><mn>2</mn></mfrac></math>')
    '<math><mfrac><mi>a</mi><mn>2</mn></mfrac></math>'
    """
    import nh3

    styles = [block for block in _STYLE_BLOCK.findall(markup)
              if _SAFE_CSS.fullmatch(block) and not _UNSAFE_CSS.search(block)]
    clean = nh3.clean(
        markup, tags=_HTML_TAGS | _MATHML_TAGS, attributes=_ATTRIBUTES,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "svg", "template",
                            "noscript", "textarea", "select", "frameset", "noembed"},
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_attribute_filter, filter_style_properties=_STYLE_PROPERTIES,
        link_rel="noopener noreferrer")
    return "".join(f"<style>{block}</style>" for block in styles) + clean


_SCRIPT_TYPES = ("application/javascript", "text/javascript", "application/x-javascript",
                 "application/ecmascript", "text/vnd.mermaid")
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif")
_BASE64 = re.compile(r"[A-Za-z0-9+/\s]*={0,2}\s*")
_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _is_base64(data) -> bool:
    if not isinstance(data, str) or not _BASE64.fullmatch(data):
        return False
    try:
        binascii.a2b_base64(data)
    except binascii.Error:
        return False
    return True


def _image_metadata(meta) -> dict:
    """An output's metadata, reduced to the image sizes and flags nbconvert uses, each
    checked (the lab template writes them into <img> unquoted)."""
    clean = {}
    for mime, value in (meta or {}).items() if isinstance(meta, dict) else ():
        if mime not in _IMAGE_TYPES or not isinstance(value, dict):
            continue
        keep = {k: v for k, v in value.items()
                if (k in ("width", "height") and isinstance(v, (int, float))
                    and not isinstance(v, bool) and 0 < v < 100_000)
                or (k == "needs_background" and v in ("light", "dark"))
                or (k == "unconfined" and isinstance(v, bool))}
        if keep:
            clean[mime] = keep
    return clean


def figure_captions(nb) -> int:
    """Join each lifutils figure and the caption under it into one <figure>.

    In a notebook a lifutils figure is two outputs: the PNG (its text/plain is
    the figure's description) and the description as text. The handout shows
    the image with the description as its alt text, and the caption under it
    hidden from screen readers (they have just read the same words as the alt
    text). Returns how many figures were joined.
    """
    joined = 0
    for cell in nb.cells:
        outputs = cell.get("outputs", []) if cell.get("cell_type") == "code" else []
        new = []
        for out in outputs:
            caption = out.get("metadata", {}).get("lifutils", {}) if isinstance(
                out.get("metadata"), dict) else {}
            before = new[-1] if new else None
            png = before.get("data", {}).get("image/png") if before else None
            text = before.get("data", {}).get("text/plain") if before else None
            if (isinstance(caption, dict) and caption.get("caption") and _is_base64(png)
                    and isinstance(text, str)):
                png = "".join(png.split())
                new[-1] = nbformat.v4.new_output("display_data", data={"text/html": (
                    f'<figure class="lif-figure"><img src="data:image/png;base64,{png}" '
                    f'alt="{html.escape(text)}"><figcaption aria-hidden="true">Figure: '
                    f"{html.escape(text)}</figcaption></figure>"), "text/plain": text})
                joined += 1
                continue
            new.append(out)
        if outputs:
            cell["outputs"] = new
    return joined


def sanitise_outputs(nb) -> int:
    """Make the outputs and cell fields of ``nb`` safe for the lab template, in place.

    Drops JavaScript (and mermaid) outputs, images whose data is not base64,
    output metadata other than checked image sizes, cell tags and ids that are
    not plain names, non-integer execution counts. HTML and markdown are
    cleaned later, by :func:`sanitise_html` as the template's ``clean_html``.
    Returns how many outputs or parts of outputs were dropped.
    """
    dropped = 0
    for cell in nb.cells:
        if "id" in cell and not (isinstance(cell["id"], str) and _PLAIN_ID.fullmatch(cell["id"])):
            del cell["id"]
        tags = cell.get("metadata", {}).get("tags")
        if tags is not None:
            cell["metadata"]["tags"] = [t for t in tags if isinstance(t, str) and _PLAIN_ID.fullmatch(t)] \
                if isinstance(tags, list) else []
        if cell.get("cell_type") != "code":
            continue
        count = cell.get("execution_count")
        if not (count is None or (isinstance(count, int) and not isinstance(count, bool))):
            cell["execution_count"] = None
        outputs = []
        for out in cell.get("outputs", []):
            if "data" in out:
                data = out["data"]
                for mime in list(data):
                    if mime in _SCRIPT_TYPES or (mime in _IMAGE_TYPES and not _is_base64(data[mime])):
                        del data[mime]
                        dropped += 1
                if not data:
                    data["text/plain"] = "(an output the handout leaves out: a script or bad data)"
                out["metadata"] = _image_metadata(out.get("metadata"))
            if out.get("output_type") == "execute_result" and not isinstance(
                    out.get("execution_count"), (int, type(None))):
                out["execution_count"] = None
            outputs.append(out)
        cell["outputs"] = outputs
    return dropped


_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_HTML_H = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.IGNORECASE | re.DOTALL)


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def first_heading(nb) -> str | None:
    """Text of the first markdown heading in the notebook (None if none)."""
    for cell in nb.cells:
        if cell.get("cell_type") != "markdown":
            continue
        lines = _source(cell).splitlines()
        in_fence = False
        for i, line in enumerate(lines):
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            m = _ATX.match(line)
            if m and m.group(2).strip():
                return m.group(2).strip()
            if (
                i + 1 < len(lines)
                and line.strip()
                and _SETEXT.match(lines[i + 1])
                and not line.lstrip().startswith(("-", "*", "+", ">"))
            ):
                return line.strip()
            m = _HTML_H.search(line)
            if m:
                text = re.sub(r"<[^>]+>", "", m.group(1)).strip()
                if text:
                    return html.unescape(text)
    return None


def widget_info(nb) -> tuple[int, int]:
    """(number of widget views in the outputs, number of models in the state)."""
    views = sum(
        1
        for cell in nb.cells
        if cell.get("cell_type") == "code"
        for out in cell.get("outputs", [])
        if WIDGET_VIEW in out.get("data", {})
    )
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {})
    return views, len(state.get("state", {}))


def _static_parts(state: dict, model_id: str, seen=None) -> list[str]:
    """HTML of what widget ``model_id`` shows, depth first: the values of its
    HTML widgets and the PNGs of its Output widgets (controls are left out:
    each dashboard's status line lists their values)."""
    seen = set() if seen is None else seen
    if model_id in seen or model_id not in state:
        return []
    seen.add(model_id)
    entry = state[model_id]
    model = entry.get("state", {})
    name = model.get("_model_name", entry.get("model_name", ""))
    parts = []
    if name in ("HTMLModel", "HTMLMathModel") and isinstance(model.get("value"), str):
        parts.append(f"<div>{sanitise_html(model['value'])}</div>")
    outputs = model.get("outputs", [])
    for out in outputs if isinstance(outputs, list) else []:
        data = out.get("data", {}) if isinstance(out, dict) else {}
        png, text = data.get("image/png"), data.get("text/plain")
        if png and _is_base64(png):
            # The figure's description (lifutils puts it in text/plain) is the alt text.
            alt = text if isinstance(text, str) and text and not text.startswith("<") else \
                "dashboard figure"
            parts.append(f'<img alt="{html.escape(alt)}" '
                         f'src="data:image/png;base64,{html.escape("".join(png.split()))}">')
    children = model.get("children", [])
    for ref in children if isinstance(children, list) else []:
        if isinstance(ref, str) and ref.startswith("IPY_MODEL_"):
            parts += _static_parts(state, ref[len("IPY_MODEL_"):], seen)
    return parts


def static_dashboards(nb) -> int:
    """Put a static picture in place of every dashboard, and drop the widget state.

    A handout has no kernel, so a dashboard cannot recompute; embedding its
    state would also need the widget renderer from a CDN. Each widget view
    becomes its saved title, status line, figure and table as plain HTML.
    Returns how many dashboards were replaced.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    replaced = 0
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        new_outputs = []
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                new_outputs.append(out)
                continue
            parts = _static_parts(state, view.get("model_id", ""))
            note = ("The dashboard as saved (a static picture: its sliders need a running "
                    "kernel; run the notebook to move them)." if parts else
                    "A dashboard shows here when the notebook runs (no saved picture).")
            new_outputs.append(nbformat.v4.new_output("display_data", data={"text/html": (
                f'<div class="lif-static-dashboard"><p class="lif-static-note">{note}</p>'
                f'{"".join(parts)}</div>')}))
            replaced += 1
        cell["outputs"] = new_outputs
    nb.metadata.pop("widgets", None)
    return replaced


_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.DOTALL)
_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])")


def _mathml(latex: str, display: str, log) -> str:
    from latex2mathml.converter import convert

    fence = "$$" if display == "block" else "$"
    try:
        mathml = convert(latex.strip(), display=display)
    except Exception as exc:  # an unsupported command: leave the TeX as it was
        log(f"      note: formula left as TeX ({type(exc).__name__}: {exc}): {latex.strip()[:60]}")
        return html.escape(f"{fence}{latex}{fence}")
    # latex2mathml copies \text{...} through unescaped: markup in a formula is
    # not a formula. Shown as TeX, escaped.
    if any(tag.lower() not in _MATHML_TAGS for tag in _TAG_NAME.findall(mathml)):
        log(f"      note: formula left as TeX (it holds HTML): {latex.strip()[:60]}")
        return html.escape(f"{fence}{latex}{fence}")
    return mathml


def math_to_mathml(text: str, formulas: dict, log=print) -> str:
    """Markdown ``text`` with each ``$$...$$`` and ``$...$`` formula replaced by a
    placeholder; ``formulas`` maps each placeholder to its MathML.

    The placeholders go through the markdown renderer as plain words (it would
    split raw MathML into empty tags); :func:`render` puts the MathML in after.
    Code (fenced blocks, inline spans) is left alone, and so is a ``$`` that
    does not open a formula (``\\$5``, ``$ 5``).

    Examples
    --------
    >>> formulas = {}
    >>> out = math_to_mathml("Leak: $\\tau_m$, code: `a$b$`.", formulas)
    >>> out.startswith("Leak: lifmath") and "`a$b$`" in out
    True
    >>> list(formulas.values())[0][:5]
    '<math'
    """
    def store(latex, display):
        key = f"lifmath{len(formulas):05d}x"
        formulas[key] = _mathml(latex, display, log)
        return key

    def convert(chunk):
        chunk = _DISPLAY_MATH.sub(lambda m: store(m.group(1), "block"), chunk)
        return _INLINE_MATH.sub(lambda m: store(m.group(1), "inline"), chunk)

    out, prose, in_fence = [], [], False

    def flush():
        joined = "".join(prose)
        pos = 0
        for m in _CODE_SPAN.finditer(joined):
            out.append(convert(joined[pos:m.start()]) + m.group(0))
            pos = m.end()
        out.append(convert(joined[pos:]))
        prose.clear()

    for line in text.splitlines(keepends=True):
        if _FENCE.match(line):
            if not in_fence:
                flush()
            in_fence = not in_fence
            out.append(line)
        elif in_fence:
            out.append(line)
        else:
            prose.append(line)
    flush()
    return "".join(out)


_TAG = re.compile(r"<[^<>]*>")
_TAG_NAME = re.compile(r"<\s*/?\s*([A-Za-z][\w:.-]*)")
_PLACEHOLDER = re.compile(r"lifmath\d{5}x")

# Links to a notebook (from docs/: ../notebooks/NAME.ipynb) point at its handout.
_NOTEBOOK_LINK = re.compile(r"\]\((?:\.\./notebooks/)?([\w-]+)\.ipynb(?=[)#])")


def render(nb, notebook: Path, out_dir: Path, title: str) -> Path:
    """Write ``out_dir/<stem>.html`` for the notebook node ``nb`` (read from
    ``notebook``), from its saved outputs."""
    from nbconvert import HTMLExporter

    nb.metadata["title"] = title  # the page <title>; the file is not written
    static_dashboards(nb)
    figure_captions(nb)  # before sanitise_outputs, which drops the caption's metadata
    sanitise_outputs(nb)
    formulas = {}
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            text = math_to_mathml(_source(cell), formulas)
            cell["source"] = _NOTEBOOK_LINK.sub(r"](\1.html", text)

    def clean_html(markup) -> str:
        """The template's filter for markdown and HTML: formulas in, then nh3."""
        markup = markup.decode() if isinstance(markup, bytes) else str(markup)
        # A formula's placeholder inside a tag (a heading's id) becomes nothing.
        markup = _TAG.sub(lambda m: _PLACEHOLDER.sub("", m.group(0)), markup)
        markup = _PLACEHOLDER.sub(lambda m: formulas.get(m.group(0), ""), markup)
        return sanitise_html(markup)

    exporter = HTMLExporter(template_name="lab", embed_images=True, sanitize_html=True,
                            filters={"clean_html": clean_html},
                            extra_template_paths=[str(TEMPLATE_DIR)],
                            template_file="offline.html.j2")
    body, _ = exporter.from_notebook_node(
        nb,
        resources={"metadata": {"name": notebook.stem, "path": str(notebook.parent)}},
    )
    target = out_dir / f"{notebook.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def _inline_code(text: str) -> str:
    """Escape a heading for HTML, with its `code` spans as <code>."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if k % 2 else p for k, p in enumerate(parts))


def _items(entries) -> str:
    return "\n".join(
        f'    <li><a href="{html.escape(urllib.parse.quote(name))}">'
        f"{_inline_code(text)}</a></li>"
        for name, text in entries
    )


def write_index(out_dir: Path, entries: list[tuple[str, str]],
                guides: list[tuple[str, str]] = ()) -> Path:
    """entries: (handout file name, link text), in order; guides: the same, for
    the pages rendered from docs/ (listed under "For teachers")."""
    items = _items(entries)
    teachers = (f"\n  <h2>For teachers</h2>\n  <ul>\n{_items(guides)}\n  </ul>" if guides else "")
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{html.escape(INDEX_TITLE)}</title>
  <style>
    body {{ font-family: system-ui, sans-serif; max-width: 44rem; margin: 3rem auto;
           padding: 0 1rem; line-height: 1.5; color: #222; }}
    li {{ margin: 0.4rem 0; }}
  </style>
</head>
<body>
  <h1>{html.escape(INDEX_TITLE)}</h1>
  <p>{html.escape(INDEX_DESCRIPTION)}</p>
  <ol>
{items}
  </ol>{teachers}
</body>
</html>
"""
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def guide_notebook(markdown_file: Path):
    """A one-cell notebook holding a markdown page (the teacher's guide), to render
    it exactly like the handouts."""
    text = markdown_file.read_text(encoding="utf-8")
    return nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(text)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"},
                  "language_info": {"name": "python"}})


def build(notebook_dir: Path, out_dir: Path, log=print, docs_dir: Path | None = None) -> Path:
    """Render all notebooks, the markdown pages of ``docs_dir`` and the index;
    returns the index path."""
    notebooks = sorted(notebook_dir.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no notebooks found: {notebook_dir}/*.ipynb matched nothing")
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for i, notebook in enumerate(notebooks, 1):
        nb = nbformat.read(notebook, as_version=4)
        title = first_heading(nb) or notebook.stem
        views, models = widget_info(nb)
        target = render(nb, notebook, out_dir, title)
        line = f"[{i}/{len(notebooks)}] {notebook} -> {target}"
        if views:
            line += f" ({views} dashboards as static pictures)"
        log(line)
        if views and not models:
            log(
                f"      note: {notebook.name} shows {views} widget(s) but has no saved "
                f"widget state ({WIDGET_STATE} in its metadata), so the handout has no "
                "picture of them; save it from a fresh run with widget state"
            )
        entries.append((target.name, title))
    guides = []
    for page in sorted(docs_dir.glob("*.md")) if docs_dir and docs_dir.is_dir() else []:
        nb = guide_notebook(page)
        title = first_heading(nb) or page.stem
        target = render(nb, page, out_dir, title)
        log(f"[guide] {page} -> {target}")
        guides.append((target.name, title))
    index = write_index(out_dir, entries, guides)
    log(f"wrote {index}")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "notebook_dir",
        nargs="?",
        type=Path,
        default=REPO_ROOT / "notebooks",
        help="directory with the notebooks (default: notebooks/)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO_ROOT / "build" / "html",
        help="output directory (default: build/html)",
    )
    parser.add_argument(
        "--docs",
        type=Path,
        default=REPO_ROOT / "docs",
        help="directory with markdown pages to render too (default: docs/, the teacher's guide)",
    )
    args = parser.parse_args(argv)
    if not args.notebook_dir.is_dir():
        print(f"build_html: {args.notebook_dir} is not a directory", file=sys.stderr)
        return 1
    try:
        build(args.notebook_dir, args.out, docs_dir=args.docs)
    except FileNotFoundError as exc:
        print(f"build_html: {exc}; nothing to render", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

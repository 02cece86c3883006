"""lifbook: the Sphinx extension that keeps the course book offline and safe.

The book (``make book``, scripts/build_book.py) is a Jupyter Book: Sphinx,
myst-nb and sphinx-book-theme. This extension is what the handout builder
used to do that they do not:

* **Notebooks as read** (:func:`read_notebook`, myst-nb's reader for
  ``.ipynb``): each dashboard becomes its saved static picture
  (:func:`static_dashboards`; a book has no kernel, and the widget renderer
  would come from a CDN), each figure an image whose alt text is its
  description (:func:`figure_images`), scripts, SVG and bad image data are
  dropped (:func:`sanitise_outputs`), metadata is cut to what is safe, and
  MyST directives and roles in a notebook's markdown are shown as text
  (:func:`neutralise_myst`): a notebook cannot include a file, run autodoc
  or copy a file into the site.
* **Formulas as MathML** (``html_math_renderer = "mathml"``): latex2mathml
  converts every formula at build time, so no MathJax is loaded.
* **Every page's content sanitised** (:func:`sanitise_html`, nh3): the
  body, the title and the titles of the previous and next pages pass an
  allow-list of HTML and MathML (no ``<script>``, no ``on...=`` handler, no
  ``javascript:`` URL, no iframe, object or SVG).
* **A Content-Security-Policy** on every page (:func:`add_csp`): scripts
  only from the site's own files and the theme's own inline scripts (by
  their hashes), images only from the site and ``data:``, nothing from a
  network. A second wall behind the sanitiser.
* **No local file leaves the sources**: an image or download whose path
  leads outside the book's sources is dropped (:func:`drop_outside_files`).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import html
import re
from pathlib import Path

from docutils import nodes

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# --- Sanitising -------------------------------------------------------------
# What a page keeps of its content: ordinary text markup, tables, images
# (the site's own files or data: URLs of images), <details>, Sphinx's own
# structure (sections, definition lists of the API pages) and the MathML that
# latex2mathml writes. Everything else (script, iframe, object, svg, form,
# event handlers, javascript: URLs) is removed by nh3.
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
    "th", "thead", "tr", "u", "ul", "var", "wbr", "section", "aside", "nav",
}
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "style", "role", "aria-label", "aria-hidden",
          "aria-describedby", "aria-labelledby"},
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers", "align"},
    "th": {"colspan", "rowspan", "headers", "scope", "align"},
    "ol": {"start", "type"},
    "details": {"open"},
    "div": {"tabindex"},  # a wide formula scrolls: the keyboard must reach it
    **{tag: _MATHML_ATTRIBUTES for tag in _MATHML_TAGS},
}
_STYLE_PROPERTIES = {
    "font-family", "font-size", "font-weight", "font-style", "color", "background-color",
    "text-align", "vertical-align", "white-space", "line-height", "padding", "padding-left",
    "padding-right", "margin", "margin-left", "border", "border-bottom", "border-top",
    "border-collapse", "width", "max-width",
}
_IMAGE_DATA_URL = re.compile(r"data:image/(?:png|jpeg|gif);base64,[A-Za-z0-9+/]+={0,2}")
# A <style> block (lifutils' tables bring one) is kept only if it is plain CSS
# rules: nothing that loads (url(), @import) or escapes.
_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style\s*>", re.I | re.S)
_SAFE_CSS = re.compile(r"[\w\s.,:;#%(){}*>+~'\"!=-]*")
_UNSAFE_CSS = re.compile(r"url\s*\(|expression|behavior|binding|javascript|@|\\|<", re.I)
_CLEAN_CONTENT = {"script", "style", "iframe", "object", "embed", "svg", "template", "noscript",
                  "textarea", "select", "frameset", "noembed", "button", "form"}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """A data: URL only as an image's source, and only of an image type."""
    if attribute in ("href", "src") and value.strip().lower().startswith("data:"):
        return value if tag == "img" and _IMAGE_DATA_URL.fullmatch(value.strip()) else None
    return value


def sanitise_html(markup: str) -> str:
    """``markup`` cleaned to what a page may show (nh3, an allow-list).

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
        clean_content_tags=_CLEAN_CONTENT, url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_attribute_filter, filter_style_properties=_STYLE_PROPERTIES,
        link_rel="noopener noreferrer", strip_comments=True)
    return "".join(f"<style>{block}</style>" for block in styles) + clean


# --- Notebook outputs ---------------------------------------------------------
_SCRIPT_TYPES = ("application/javascript", "text/javascript", "application/x-javascript",
                 "application/ecmascript", "text/vnd.mermaid", "image/svg+xml",
                 "application/vnd.jupyter.widget-state+json")
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif")
_KEEP_TYPES = ("text/plain", "text/html", "text/markdown", "text/latex", *_IMAGE_TYPES)
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


def _image_html(mime: str, data: str, alt: str, caption: bool) -> str:
    """An <img> with the data inline and ``alt`` as its text alternative; with
    ``caption``, in a <figure> whose caption repeats it for sighted readers
    (hidden from screen readers, which have just read the alt text)."""
    img = (f'<img src="data:{mime};base64,{"".join(data.split())}" '
           f'alt="{html.escape(alt)}">')
    if not caption:
        return f'<div class="lif-image">{img}</div>'
    return (f'<figure class="lif-figure">{img}<figcaption aria-hidden="true">Figure: '
            f"{html.escape(alt)}</figcaption></figure>")


def figure_images(nb) -> int:
    """Every image output as an <img> whose alt text is its description, in place.

    A lifutils figure is two outputs: the PNG (its text/plain is the figure's
    description) and the description as text, marked
    ``metadata.lifutils.caption``; the two become one <figure>. Any other
    image keeps its text/plain as alt text. Returns how many figures were
    captioned.
    """
    joined = 0
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        new = []
        for out in cell.get("outputs", []):
            meta = out.get("metadata") if isinstance(out.get("metadata"), dict) else {}
            caption = meta.get("lifutils", {})
            before = new[-1] if new else None
            if (isinstance(caption, dict) and caption.get("caption") and before is not None
                    and before.get("lif_image")):
                mime, data, alt = before["lif_image"]
                new[-1] = _output_html(_image_html(mime, data, alt, caption=True), alt)
                joined += 1
                continue
            data = out.get("data", {}) if isinstance(out.get("data"), dict) else {}
            image = next(((m, data[m]) for m in _IMAGE_TYPES if _is_base64(data.get(m))), None)
            if image is not None:
                text = data.get("text/plain")
                alt = text if isinstance(text, str) and text.strip() else "figure"
                out = _output_html(_image_html(image[0], image[1], alt, caption=False), alt)
                out["lif_image"] = (image[0], image[1], alt)
            new.append(out)
        for out in new:
            out.pop("lif_image", None)
        cell["outputs"] = new
    return joined


def _output_html(markup: str, text: str):
    import nbformat

    return nbformat.v4.new_output("display_data", data={"text/html": markup,
                                                          "text/plain": text})


def sanitise_outputs(nb) -> int:
    """Make the outputs and fields of ``nb`` safe for myst-nb, in place.

    Keeps the output types a page can show inertly (text, HTML and markdown,
    which the page sanitiser cleans later, LaTeX, base64 images) and drops
    the rest (JavaScript, mermaid, SVG, widget views left over, anything
    unknown); output metadata goes (myst-nb reads options from it), cell
    metadata keeps only plain tags, notebook metadata only the kernel's name
    and language. Returns how many outputs or parts of outputs were dropped.
    """
    dropped = 0
    keep_meta = {}
    for key in ("kernelspec", "language_info"):
        value = nb.metadata.get(key)
        if isinstance(value, dict) and isinstance(value.get("name"), str) \
                and _PLAIN_ID.fullmatch(value["name"]):
            keep_meta[key] = {"name": value["name"]}
            if key == "kernelspec":
                keep_meta[key]["display_name"] = html.escape(str(value.get("display_name", "")))
    nb.metadata.clear()
    nb.metadata.update(keep_meta)
    for cell in nb.cells:
        if "id" in cell and not (isinstance(cell["id"], str) and _PLAIN_ID.fullmatch(cell["id"])):
            del cell["id"]
        tags = cell.get("metadata", {}).get("tags")
        tags = [t for t in tags if isinstance(t, str) and _PLAIN_ID.fullmatch(t)] \
            if isinstance(tags, list) else []
        cell["metadata"] = {"tags": tags} if tags else {}
        cell.pop("attachments", None)
        if cell.get("cell_type") != "code":
            continue
        count = cell.get("execution_count")
        if not (count is None or (isinstance(count, int) and not isinstance(count, bool))):
            cell["execution_count"] = None
        outputs = []
        for out in cell.get("outputs", []):
            if "data" in out:
                data = out["data"] if isinstance(out["data"], dict) else {}
                for mime in list(data):
                    if mime not in _KEEP_TYPES or (mime in _IMAGE_TYPES and not _is_base64(data[mime])) \
                            or not isinstance(data[mime], str):
                        del data[mime]
                        dropped += 1
                if not data:
                    data["text/plain"] = "(an output the book leaves out: a script or bad data)"
                out["data"] = data
                out["metadata"] = {}
            if out.get("output_type") == "execute_result" and not isinstance(
                    out.get("execution_count"), (int, type(None))):
                out["execution_count"] = None
            outputs.append(out)
        cell["outputs"] = outputs
    return dropped


def widget_info(nb) -> tuple[int, int]:
    """(number of widget views in the outputs, number of models in the state)."""
    views = sum(1 for cell in nb.cells if cell.get("cell_type") == "code"
                for out in cell.get("outputs", []) if WIDGET_VIEW in out.get("data", {}))
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {})
    return views, len(state.get("state", {}))


def _static_parts(state: dict, model_id: str, seen=None) -> list[str]:
    """HTML of what widget ``model_id`` shows, depth first: the values of its
    HTML widgets and the PNGs of its Output widgets (controls are left out:
    each dashboard's status line lists their values)."""
    seen = set() if seen is None else seen
    if model_id in seen or model_id not in state or not isinstance(state[model_id], dict):
        return []
    seen.add(model_id)
    entry = state[model_id]
    model = entry.get("state", {}) if isinstance(entry.get("state"), dict) else {}
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
            parts.append(_image_html("image/png", png, alt, caption=False))
    children = model.get("children", [])
    for ref in children if isinstance(children, list) else []:
        if isinstance(ref, str) and ref.startswith("IPY_MODEL_"):
            parts += _static_parts(state, ref[len("IPY_MODEL_"):], seen)
    return parts


def static_dashboards(nb) -> int:
    """Put a static picture in place of every dashboard, and drop the widget state.

    A page has no kernel, so a dashboard cannot recompute; embedding its
    state would also need the widget renderer from a CDN. Each widget view
    becomes its saved title, status line, figure and table as plain HTML.
    Returns how many dashboards were replaced.
    """
    widgets = nb.metadata.get("widgets")
    state = widgets.get(WIDGET_STATE, {}) if isinstance(widgets, dict) else {}
    state = state.get("state", {}) if isinstance(state, dict) else {}
    replaced = 0
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        new_outputs = []
        for out in cell.get("outputs", []):
            data = out.get("data", {}) if isinstance(out.get("data"), dict) else {}
            view = data.get(WIDGET_VIEW)
            if view is None:
                new_outputs.append(out)
                continue
            model_id = view.get("model_id", "") if isinstance(view, dict) else ""
            parts = _static_parts(state, model_id if isinstance(model_id, str) else "")
            note = ("The dashboard as saved (a static picture: its sliders need a running "
                    "kernel; launch the notebook to move them)." if parts else
                    "A dashboard shows here when the notebook runs (no saved picture).")
            new_outputs.append(_output_html(
                f'<div class="lif-static-dashboard"><p class="lif-static-note">{note}</p>'
                f'{"".join(parts)}</div>', "dashboard"))
            replaced += 1
        cell["outputs"] = new_outputs
    nb.metadata.pop("widgets", None)
    return replaced


# --- Notebook markdown ------------------------------------------------------------
_FENCE = re.compile(r"^(\s{0,3})(`{3,}|~{3,})\s*\{([^}\n]*)\}(.*)$")
_FENCE_ANY = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.DOTALL)
_ROLE = re.compile(r"\{([A-Za-z][\w:+.-]*)\}$")  # just before a code span: a role
_TARGET = re.compile(r"^(\s{0,3})\((\S+)\)=\s*$", re.M)


def neutralise_myst(text: str) -> str:
    """Markdown ``text`` with MyST's directives and roles shown as text.

    A notebook's markdown is Jupyter markdown: CommonMark, tables, $math$.
    In the book it would also be MyST, whose directives (``{include}``,
    ``{literalinclude}``, ``{eval-rst}``, ``{autofunction}``...) read files
    and import modules at build time and whose roles (``{download}``) copy
    files into the site; here a directive's fence becomes a plain code block
    that shows its text, and a role's braces are escaped.

    Examples
    --------
    >>> print(neutralise_myst("```{include} /etc/passwd\\n```\\nSee {download}`x.txt`."))
    ```text
    {include} /etc/passwd
    ```
    See \\{download\\}`x.txt`.
    """
    out, prose, in_fence = [], [], False

    def flush():
        joined = "".join(prose)
        pos = 0
        for m in _CODE_SPAN.finditer(joined):
            out.append(_TARGET.sub(r"\1\\(\2)=", _ROLE.sub(r"\\{\1\\}", joined[pos:m.start()]))
                       + m.group(0))
            pos = m.end()
        out.append(_TARGET.sub(r"\1\\(\2)=", joined[pos:]))
        prose.clear()

    for line in text.splitlines(keepends=True):
        directive = _FENCE.match(line)
        if directive and not in_fence:
            flush()
            indent, fence, name, rest = directive.groups()
            out.append(f"{indent}{fence}text\n{indent}{{{name}}}{rest}\n")
            in_fence = True
        elif _FENCE_ANY.match(line):
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


def read_notebook(text: str):
    """myst-nb's reader for ``.ipynb`` in the book: the notebook, made static and safe.

    Dashboards become their saved pictures, figures images with their
    descriptions as alt text, outputs and metadata are cut to what a page
    shows inertly, and MyST syntax in markdown cells is shown as text.
    """
    import nbformat

    nb = nbformat.reads(text, as_version=4)
    static_dashboards(nb)
    figure_images(nb)  # before sanitise_outputs, which drops the captions' metadata
    sanitise_outputs(nb)
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            if isinstance(out.get("data", {}).get("text/markdown"), str):
                out["data"]["text/markdown"] = neutralise_myst(out["data"]["text/markdown"])
        if cell.get("cell_type") in ("markdown", "raw"):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            # A raw cell has no format a page can show safely: it is shown as text.
            cell["source"] = neutralise_myst(source) if cell["cell_type"] == "markdown" else \
                f"```text\n{source.replace('```', '` ` `')}\n```"
            cell["cell_type"] = "markdown"
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return nb


# --- Formulas ----------------------------------------------------------------------
_TAG_NAME = re.compile(r"<\s*/?\s*([A-Za-z][\w:.-]*)")


def to_mathml(latex: str, display: str) -> str | None:
    """``latex`` as MathML (latex2mathml), or None if it cannot be converted
    or the result holds anything but MathML (``\\text{<img ...>}``).

    Examples
    --------
    >>> to_mathml("\\\\tau_m", "inline")[:5]
    '<math'
    >>> to_mathml("\\\\text{<b>x</b>}", "inline") is None
    True
    """
    from latex2mathml.converter import convert

    try:
        mathml = convert(latex.strip(), display=display)
    except Exception:  # an unsupported command: the TeX is shown instead
        return None
    if any(tag.lower() not in _MATHML_TAGS for tag in _TAG_NAME.findall(mathml)):
        return None
    return mathml


def _visit_math(self, node) -> None:
    latex = node.astext()
    mathml = to_mathml(latex, "inline")
    self.body.append(mathml if mathml else
                     f'<code class="lif-tex">{html.escape(f"${latex}$")}</code>')
    raise nodes.SkipNode


def _visit_math_block(self, node) -> None:
    from sphinx.util.math import get_node_equation_number

    latex = node.astext()
    # tabindex: a formula wider than the page scrolls, and the keyboard must reach it.
    self.body.append(self.starttag(node, "div", CLASS="math lif-math", tabindex="0"))
    if node.get("number"):
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})</span>')
    mathml = to_mathml(latex, "block")
    self.body.append(mathml if mathml else
                     f'<pre class="lif-tex">{html.escape(f"$${latex}$$")}</pre>')
    self.body.append("</div>\n")
    raise nodes.SkipNode


# --- Files -----------------------------------------------------------------------------
def drop_outside_files(app, doctree) -> None:
    """Drop every image or download whose file lies outside the book's sources.

    Sphinx copies the files of images and downloads into the site; a path
    such as ``../../../home/you/.ssh/id_rsa`` in a notebook would publish it.
    """
    from sphinx import addnodes

    for title in doctree.findall(nodes.title):  # a title goes to the sidebar and <title>
        for raw in list(title.findall(nodes.raw)):
            raw.replace_self(nodes.Text(raw.astext()))
    source = Path(app.srcdir).resolve()
    docdir = Path(app.env.doc2path(app.env.docname)).parent

    def outside(uri: str) -> bool:
        if not uri or re.match(r"(?:data|https?):", uri) or "://" in uri:
            return False
        path = (source / uri.lstrip("/")) if uri.startswith("/") else (docdir / uri)
        return not path.resolve().is_relative_to(source)

    for node in list(doctree.findall(nodes.image)):
        if outside(node.get("uri", "")):
            node.replace_self(nodes.inline(text="(an image outside the book, left out)"))
    for node in list(doctree.findall(addnodes.download_reference)):
        if outside(node.get("reftarget", "")):
            node.replace_self(nodes.inline(text=node.astext()))


# --- Pages -------------------------------------------------------------------------------
# What a page allows: its own files and data: images; scripts from its own
# files and the theme's inline scripts (by hash, added per page); no network.
CSP = ("default-src 'none'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
       "form-action 'self'; frame-src 'none'; object-src 'none'")
# The inline event handlers the theme writes (its "Print to PDF" button); no other
# handler is allowed, wherever it appears.
THEME_HANDLERS = {"window.print()"}
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)
_HANDLER = re.compile(r"<[a-z]+(?:\s[^<>]*?)?\son[a-z]+=\"([^\"]*)\"")
_ARTICLE = re.compile(r'<article class="bd-article"[^>]*>.*?</article>', re.S)


def _is_thebe(asset) -> bool:
    name = str(getattr(asset, "filename", asset) or "")
    body = str((getattr(asset, "attributes", None) or {}).get("body", ""))
    return "thebe" in name.lower() or "thebe" in body.lower()


def sanitise_page(app, pagename, templatename, context, doctree) -> None:
    """Clean what a page takes from its sources: body, titles, table of contents.

    Runs after the themes' own handlers (priority 900), on what they computed.

    Also drops Thebe (Jupyter Book loads it always; it would run code on a
    kernel from a CDN, which the book does not use).
    """
    for key in ("script_files", "css_files"):
        if isinstance(context.get(key), list):
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]
    for key in ("body", "title", "toc"):
        if isinstance(context.get(key), str):
            context[key] = sanitise_html(context[key])
    # sphinx-book-theme puts the titles' plain text into the page unescaped (the
    # print header's <h1>, the sidebar's root title): a heading `<img onerror=...>`,
    # even in a code span, would be markup there.
    for key in ("pagetitle", "root_title", "page_description"):
        if isinstance(context.get(key), str):
            context[key] = html.escape(context[key])
    for key in ("prev", "next"):
        link = context.get(key)
        if isinstance(link, dict) and isinstance(link.get("title"), str):
            link["title"] = sanitise_html(link["title"])
    for parent in context.get("parents") or []:
        if isinstance(parent, dict) and isinstance(parent.get("title"), str):
            parent["title"] = sanitise_html(parent["title"])


_TOGGLE = re.compile(r'(<a class="reference internal" href="[^"]*">(.*?)</a>\s*<details[^>]*>\s*<summary)>',
                     re.S)


def label_toggles(page: str) -> str:
    """Give each of the sidebar's fold toggles (a bare ``<summary>`` after a chapter's
    link, written by pydata-sphinx-theme) a name a screen reader can say."""
    def label(m):
        title = html.escape(html.unescape(re.sub(r"<[^>]+>", "", m.group(2))).strip())
        return f'{m.group(1)} aria-label="Show or hide the pages of {title}">'
    return _TOGGLE.sub(label, page)


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def add_csp(app, exception) -> None:
    """Label the sidebar's fold toggles (:func:`label_toggles`), and write the
    Content-Security-Policy into every page's head, with the hashes of the
    theme's inline scripts (those in the page's <head>, which holds nothing
    from the sources but the escaped title, and the search page's, which is
    the theme's template alone) and of the print button's
    ``window.print()``; a script or handler anywhere else gets none."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = label_toggles(page.read_text(encoding="utf-8"))
        chrome = _ARTICLE.sub("", text)
        # The search page is the theme's template alone (no source text): all its own.
        theme_part = chrome if page == Path(app.outdir) / "search.html" else \
            chrome[:chrome.find("</head>")]
        hashes = sorted({_sha256(script) for script in _INLINE_SCRIPT.findall(theme_part)})
        handlers = sorted({_sha256(h) for h in map(html.unescape, _HANDLER.findall(chrome))
                           if h in THEME_HANDLERS})
        hashes = "".join(f" {h}" for h in hashes + (["'unsafe-hashes'"] + handlers if handlers else []))
        meta = (f'<meta http-equiv="Content-Security-Policy" '
                f'content="{html.escape(CSP.format(hashes=hashes), quote=False)}">')
        head = text.find("<head>")
        if head < 0:
            continue
        head += len("<head>")
        page.write_text(text[:head] + "\n    " + meta + text[head:], encoding="utf-8")


def setup(app):
    app.add_html_math_renderer("mathml", (_visit_math, None), (_visit_math_block, None))
    # Before Sphinx's own collectors (priority 500) list the files to copy.
    app.connect("doctree-read", drop_outside_files, priority=100)
    app.connect("html-page-context", sanitise_page, priority=900)
    app.connect("build-finished", add_csp)
    app.add_css_file("lifbook.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}

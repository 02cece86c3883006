"""Render the notebooks to static HTML handouts (the `make html` target).

    .venv/bin/python scripts/build_html.py [NOTEBOOK_DIR] [--out OUT_DIR]

Every ``NOTEBOOK_DIR/*.ipynb`` (default: the repository's ``notebooks/``),
in sorted order, becomes ``OUT_DIR/<stem>.html`` (default: ``build/html``),
rendered by nbconvert's HTMLExporter from the *committed* outputs: nothing is
re-executed.  Widget state saved in the notebook metadata
(``application/vnd.jupyter.widget-state+json``) is embedded, so the
dashboards render in the handout, as they were when the notebook was saved
(viewing them needs network access: the widget renderer is loaded from a
CDN).  ``OUT_DIR/index.html`` links the handouts in order, titled by each
notebook's first markdown heading.

Exit status: 0 on success, 1 if there are no notebooks, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import urllib.parse
from pathlib import Path
import nbformat

REPO_ROOT = Path(__file__).resolve().parents[1]
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
INDEX_TITLE = "lifutils notebooks"
INDEX_DESCRIPTION = (
    "Threshold and reset of a leaky integrate-and-fire neuron with scipy's "
    "solve_ivp: the teaching notebooks, as static handouts."
)

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


def _widget_pngs(state: dict, model_id: str, seen=None) -> list[str]:
    """Base64 PNGs shown by Output widgets inside widget ``model_id`` (depth first)."""
    seen = set() if seen is None else seen
    if model_id in seen or model_id not in state:
        return []
    seen.add(model_id)
    model = state[model_id].get("state", {})
    pngs = [out["data"]["image/png"] for out in model.get("outputs", [])
            if "image/png" in out.get("data", {})]
    children = model.get("children", [])
    for ref in children if isinstance(children, list) else []:
        if isinstance(ref, str) and ref.startswith("IPY_MODEL_"):
            pngs += _widget_pngs(state, ref[len("IPY_MODEL_"):], seen)
    return pngs


def add_snapshots(nb) -> int:
    """After each dashboard, add its last figure as a static image.

    The embedded widget state needs the widget JavaScript (from a CDN) to show;
    without a network the dashboard's place would be empty. The snapshot, in a
    folded <details> block, lets a handout be read anywhere. Returns how many
    snapshots were added.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    added = 0
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        new_outputs = []
        for out in cell.get("outputs", []):
            new_outputs.append(out)
            view = out.get("data", {}).get(WIDGET_VIEW)
            pngs = _widget_pngs(state, view["model_id"]) if view else []
            if pngs:
                images = "".join(f'<img alt="dashboard figure" src="data:image/png;base64,{png}">'
                                 for png in pngs)
                new_outputs.append(nbformat.v4.new_output(
                    "display_data", data={"text/html": (
                        "<details><summary>Static snapshot of this dashboard, as committed "
                        "(for reading without a network; the sliders need a running "
                        f"kernel)</summary>{images}</details>")}))
                added += 1
        cell["outputs"] = new_outputs
    return added


def render(nb, notebook: Path, out_dir: Path, title: str) -> Path:
    """Write ``out_dir/<stem>.html`` for the notebook node ``nb`` (read from
    ``notebook``), from its saved outputs."""
    from nbconvert import HTMLExporter

    nb.metadata["title"] = title  # the page <title>; the file is not written
    add_snapshots(nb)
    exporter = HTMLExporter(template_name="lab", embed_images=True)
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


def write_index(out_dir: Path, entries: list[tuple[str, str]]) -> Path:
    """entries: (handout file name, link text), in order."""
    items = "\n".join(
        f'    <li><a href="{html.escape(urllib.parse.quote(name))}">'
        f"{_inline_code(text)}</a></li>"
        for name, text in entries
    )
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
  </ol>
</body>
</html>
"""
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def build(notebook_dir: Path, out_dir: Path, log=print) -> Path:
    """Render all notebooks and the index; returns the index path."""
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
        if models:
            line += f" (widget state: {models} models embedded)"
        log(line)
        if views and not models:
            log(
                f"      note: {notebook.name} shows {views} widget(s) but has no saved "
                f"widget state ({WIDGET_STATE} in its metadata), so they stay blank "
                "in the handout; save it from a fresh run with widget state"
            )
        entries.append((target.name, title))
    index = write_index(out_dir, entries)
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
    args = parser.parse_args(argv)
    if not args.notebook_dir.is_dir():
        print(f"build_html: {args.notebook_dir} is not a directory", file=sys.stderr)
        return 1
    try:
        build(args.notebook_dir, args.out)
    except FileNotFoundError as exc:
        print(f"build_html: {exc}; nothing to render", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""One-off: insert the phase-plane cells into notebook 08 and the kick widget into notebook 05.

For the lead of issue 26 (item 9): run it once, re-execute both notebooks with
scripts/execute_notebooks.py, then delete this script.

    .venv/bin/python scripts/_insert_phase_plane_cells.py notebooks/08_model_gallery.ipynb
    .venv/bin/python scripts/_insert_phase_plane_cells.py notebooks/05_larger_models.ipynb

Where the cells go: just before the notebook's ``## Summary`` heading, that is, at
the end of the last core section (08: after Exercise 8.1 and its check, as a new
numbered section, "## 4. The phase plane: what the reset does" if the last one is
3; 05: at the end of section 4, "A few coupled neurons", after the discussion of
the volleys figure). Where ``## Summary`` shares a markdown cell with text before
it (05 does), that cell is split at the heading first.

Idempotent: the inserted cells carry fixed cell ids; if the first is already in
the notebook, nothing changes. Anything unexpected (no ``## Summary`` heading, an
unknown notebook) stops the script with a message, and the notebook is left alone.
The notebook is written back as Jupyter writes it (one-space indent, UTF-8).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

SUMMARY = re.compile(r"^## Summary\s*$", re.M)
SECTION = re.compile(r"^## (\d+)\.", re.M)

THINK_08 = """## {n}. The phase plane: what the reset does

AdEx has two variables, so each moment of a run is a point $(V, w)$ in a plane, and a run is a
path through it. Two curves organise the plane: on the **V-nullcline** $dV/dt = 0$, on the
**w-nullcline** $dw/dt = 0$. Below the V-nullcline $V$ rises, above it $V$ falls. A spike runs
off to the right, to $V_\\text{{peak}}$; the reset is a jump, drawn dotted: $V$ to $V_r$ and $w$
up by $b$.

**Think!** Start from tonic spiking, where $b$ = 0. What does $b$ do to the reset line, and to
the spikes that follow?

<details><summary>Answer</summary>

With $b$ = 0 every reset lands at about the same point, so the intervals stay the same: tonic.
With $b$ > 0 each reset line slopes up: it lands $b$ higher in $w$ than it left. The larger
$w$ slows the climb back ($-w$ in $dV/dt$), and $w$ decays only between spikes, so the
landings climb spike by spike and the intervals lengthen: adaptation, and fewer spikes in
300 ms. The climb stops where one interval's decay of $w$ balances one jump $b$.

</details>"""

DASHBOARD_08 = """from lifutils.widgets import phase_plane
phase_plane("tonic")"""

TRY_08 = """Move `b` up from 0 and watch the dotted reset lines tilt and the spikes thin out. Then choose
*AdEx regular bursting*: its reset $V_r$ = -46 mV lies right of the V-nullcline's lowest point
($V_T$ = -50 mV), below the curve, so $V$ climbs again at once: a burst, until $w$ is high
enough. Move $V_r$ down: from -50 mV only the first burst is left, and from about -54 mV
single spikes that adapt (the status line names the pattern). The Izhikevich patterns work the
same way, with $c$ and $d$ for $V_r$ and $b$."""

TEXT_05 = """**Try it:** how big must the kick be for the four neurons to fire together? Move the slider
(0 to 4 mV). The raster shades the volleys, and the status line says from when all four fire
together, and how often. It flags a tie, a kick that lands a neuron exactly on its threshold
(2 mV does)."""

DASHBOARD_05 = """from lifutils.widgets import kick_synchrony
kick_synchrony()"""

#: notebook stem -> the cells to insert before "## Summary": (id, type, source).
CELLS = {
    "08_model_gallery": [("phase-plane-think", "markdown", THINK_08),
                         ("phase-plane-dashboard", "code", DASHBOARD_08),
                         ("phase-plane-try", "markdown", TRY_08)],
    "05_larger_models": [("kick-synchrony-try", "markdown", TEXT_05),
                         ("kick-synchrony-dashboard", "code", DASHBOARD_05)],
}


def _lines(text):
    """Jupyter's source form: a list of lines, each but the last with its newline."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def _cell(cell_id, kind, source):
    cell = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": _lines(source)}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _text(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def insert(path: Path) -> str:
    """Insert the cells into the notebook at ``path``; returns what it did."""
    stem = path.stem
    if stem not in CELLS:
        raise SystemExit(f"{path}: not one of {', '.join(CELLS)}; nothing done")
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    ids = {cell.get("id") for cell in cells}
    wanted = CELLS[stem]
    if wanted[0][0] in ids:
        return f"{path}: already has the cells (id {wanted[0][0]!r}); nothing done"
    clash = [cell_id for cell_id, _, _ in wanted if cell_id in ids]
    if clash:
        raise SystemExit(f"{path}: cell ids {clash} exist but not the first; fix by hand")
    where = [k for k, cell in enumerate(cells)
             if cell["cell_type"] == "markdown" and SUMMARY.search(_text(cell))]
    if len(where) != 1:
        raise SystemExit(f"{path}: expected one '## Summary' heading, found {len(where)}")
    k = where[0]
    text = _text(cells[k])
    head = SUMMARY.search(text).start()
    if text[:head].strip():  # text before the heading: split it off, keep it in place
        before = dict(cells[k], source=_lines(text[:head].rstrip("\n")))
        after = dict(cells[k], id=f"{cells[k]['id']}-summary"[:64], source=_lines(text[head:]))
        cells[k:k + 1] = [before, after]
        k += 1
    numbers = [int(m.group(1)) for cell in cells[:k] if cell["cell_type"] == "markdown"
               for m in SECTION.finditer(_text(cell))]
    n = max(numbers, default=0) + 1
    new = [_cell(cell_id, kind, source.format(n=n) if kind == "markdown" else source)
           for cell_id, kind, source in wanted]
    cells[k:k] = new
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return (f"{path}: inserted {len(new)} cells before '## Summary' (cell {k + 1} on)"
            + (f", as section {n}" if stem.startswith("08") else ""))


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if not args:
        raise SystemExit(__doc__)
    for name in args:
        print(insert(Path(name)))


if __name__ == "__main__":
    main()

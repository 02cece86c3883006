"""Student copies of the notebooks, without the solutions (the `make student` target).

    .venv/bin/python scripts/make_student.py [NOTEBOOK_DIR] [--out OUT_DIR] [--run]

Every ``NOTEBOOK_DIR/*.ipynb`` (default: the repository's ``notebooks/``) becomes
``OUT_DIR/<same name>`` (default: ``build/student``) with

* line endings made ``\\n`` (a cell saved with ``\\r\\n`` or a lone ``\\r`` is read as
  lines, as everywhere else);
* every solution region, from a line holding ``BEGIN SOLUTION`` to one holding ``END
  SOLUTION`` (nbgrader's markers, in every form nbgrader accepts: any number of ``#``,
  trailing ``###``, text around them, any indentation; here also any case), replaced
  by the exercise's stub (the cell's ``metadata.lifutils.stubs``, one per region; else
  ``raise NotImplementedError()``; ``YOUR ANSWER HERE`` in markdown);
* every ``BEGIN HIDDEN TESTS`` ... ``END HIDDEN TESTS`` region removed (the asserts
  nbgrader's autograder runs);
* an nbgrader solution cell without a region replaced whole by its stub, as nbgrader does;
* every cell tagged ``solution`` removed;
* every folded ``<details><summary>Solution</summary> ... </details>`` block cut
  out of the markdown, however the summary is written (attributes, markup such
  as ``<b>``, any case); tags inside code (fenced or inline) are not markup and
  stay (a cell left empty is removed);
* a cell's attachments that its remaining text no longer refers to dropped (an
  image shown only inside a cut block goes with it), and of each cell's metadata
  only what Jupyter and nbgrader read kept (tags, nbgrader, jupyter, editable,
  deletable, slideshow, collapsed, scrolled);
* everything else kept: the exercise stubs, the cells that check them, the
  Think! prompts with their folded ``Answer``;
* outputs, execution counts and the saved widget state cleared.

A region or block that cannot be parsed (a BEGIN without its END, a Solution
block without its closing tag) stops the build with the notebook and the cell
named. Then every copy, as written to disk, is checked for leaks in every string
it holds (sources, outputs, metadata, attachments decoded): a ``solution`` tag, a
Solution block, a solution or hidden-test marker, a line of the cut text, an
attachment no text refers to, a check run on ``solution_...``, or an output left
is a leak, reported as such (never "no leaks").

With ``--run``, each student copy is also executed in a fresh kernel, top to
bottom, on a scratch copy (the files in OUT_DIR keep their cleared outputs), and
any error fails it: the checks report an untouched stub as "not done yet", and a
later cell that needs the student's function goes on with a stand-in
(:func:`lifutils.stand_ins.yours_or_reference`, "using the reference until your
function is done"). The numbers of both lines are printed.

Exit status: 0 on success, 1 on a leak, a failed run or no notebooks, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import copy
import os
import re
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[1]
SOLUTION_TAG = "solution"
STUDENT_NOTE = ("*Student copy: the solutions are left out. Your teacher has the full "
                "notebook.*")

_DETAILS_TAG = re.compile(r"<details\b[^>]*>|</details\s*>", re.IGNORECASE)
# <summary ...> whose text, markup left out, starts with "Solution" (any case).
_SOLUTION_SUMMARY = re.compile(r"\s*<summary\b[^>]*>(?:\s|<[^>]*>)*solution\b.*?</summary\s*>",
                               re.IGNORECASE | re.DOTALL)
_CODE_SPAN = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?^ {0,3}\1[^\n]*$|`[^`\n]+`",
                        re.MULTILINE | re.DOTALL)
# nbgrader starts or ends a region at any line that holds its delimiter ("### BEGIN
# SOLUTION ###", "#BEGIN SOLUTION", "x = 1  # BEGIN SOLUTION": the whole line goes); here
# also in any case and with any spacing.
_REGION = re.compile(r"^([ \t]*).*?(BEGIN|END)[ \t]+(SOLUTION|HIDDEN[ \t]+TESTS).*$",
                     re.IGNORECASE | re.MULTILINE)
_ATTACHMENT = re.compile(r"attachment:([^\s)\"'>]+)")
#: The cell metadata a student copy keeps (what Jupyter, nbgrader and nbval read).
KEPT_METADATA = ("tags", "nbgrader", "jupyter", "editable", "deletable", "slideshow",
                 "collapsed", "scrolled")
KEPT_NB_METADATA = ("kernelspec", "language_info", "nbgrader")
TEXT_STUB = "YOUR ANSWER HERE"
_SOLUTION_CALL = re.compile(r"\bsolution_\w+")  # a call, or the function passed to a check
_STUB = re.compile(r"raise\s+NotImplementedError")
_CHECK_CALL = re.compile(r"\bcheck_\w+\s*\(")
# What a check prints for an untouched stub (older checks name the error instead).
NOT_DONE = re.compile(r"^.*(?:not done yet|not yet:.*NotImplementedError).*$",
                      re.IGNORECASE | re.MULTILINE)
# What a later cell prints while it goes on with a stand-in (lifutils.stand_ins).
USING_REFERENCE = re.compile(r"^.*using the reference until your function is done.*$",
                             re.IGNORECASE | re.MULTILINE)


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _lines(text: str) -> str:
    """``text`` with every line ending (``\\r\\n``, a lone ``\\r``) made ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _tags(cell) -> list:
    return list(cell.get("metadata", {}).get("tags", []))


def strip_solution_blocks(text: str, cut_text=None) -> tuple[str, int]:
    """Cut every ``<details><summary>Solution...</summary>...</details>`` out of ``text``.

    Nested ``<details>`` blocks inside a solution go with it; other folded
    blocks (a Think! ``Answer``) stay. Returns the new text and how many
    blocks were cut; each cut block is appended to the list ``cut_text`` if given.

    Examples
    --------
    >>> text = ("Task.\\n\\n<details><summary>Answer</summary>\\n\\nkept\\n\\n</details>\\n\\n"
    ...         "<details><summary>Solution</summary>\\n\\n```python\\nx = 1\\n```\\n\\n</details>\\n")
    >>> new, n = strip_solution_blocks(text)
    >>> n, "kept" in new, "x = 1" in new
    (1, True, False)
    """
    masked = _CODE_SPAN.sub(lambda m: "\0" * len(m.group(0)), text)  # code is not markup
    out, pos, cut = [], 0, 0
    for match in _DETAILS_TAG.finditer(masked):
        if match.start() < pos or match.group(0).startswith("</"):
            continue
        if not _SOLUTION_SUMMARY.match(masked, match.end()):
            continue
        depth, end = 0, None
        for tag in _DETAILS_TAG.finditer(masked, match.start()):
            depth += -1 if tag.group(0).startswith("</") else 1
            if depth == 0:
                end = tag.end()
                break
        if end is None:
            raise ValueError("a <details><summary>Solution</summary> block has no closing "
                             "</details>")
        out.append(text[pos:match.start()])
        if cut_text is not None:
            cut_text.append(text[match.start():end])
        pos, cut = end, cut + 1
    if not cut:
        return text, 0
    out.append(text[pos:])
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip("\n"), cut


def strip_regions(source: str, stubs=(), cut_text=None, *, text_stub=None) -> tuple[str, int]:
    """Replace each solution region (``### BEGIN SOLUTION`` ... ``### END SOLUTION``) by its stub.

    A region runs from a line holding ``BEGIN SOLUTION`` to one holding ``END
    SOLUTION``, both lines included (nbgrader's rule). ``stubs[k]`` replaces the
    k-th region (default: ``raise NotImplementedError()`` at the BEGIN line's
    indentation; ``text_stub`` instead, if given, as for markdown); ``BEGIN HIDDEN
    TESTS`` ... ``END HIDDEN TESTS`` regions are removed. Returns the new source and
    how many solution regions were replaced; each cut region is appended to the list
    ``cut_text`` if given.

    Examples
    --------
    >>> code = "def f():\\n    ### BEGIN SOLUTION ###\\n    return 42\\n    ### END SOLUTION ###"
    >>> print(strip_regions(code)[0])
    def f():
        # your code here
        raise NotImplementedError()
    """
    source = _lines(source)
    out, pos, open_at, replaced = [], 0, None, 0
    for match in _REGION.finditer(source):
        indent, edge = match.group(1), match.group(2).upper()
        kind = "SOLUTION" if match.group(3).upper() == "SOLUTION" else "HIDDEN TESTS"
        if edge == "BEGIN":
            if open_at is not None:
                raise ValueError(f"'{match.group(0).strip()}' inside another region")
            open_at = (match, kind)
            continue
        if open_at is None or open_at[1] != kind:
            raise ValueError(f"'{match.group(0).strip()}' without its BEGIN")
        begin = open_at[0]
        out.append(source[pos:begin.start()])
        if cut_text is not None:
            cut_text.append(source[begin.start():match.end()])
        if kind == "SOLUTION":
            if replaced < len(stubs):
                stub = stubs[replaced]
            elif text_stub is not None:
                stub = begin.group(1) + text_stub
            else:
                stub = f"{begin.group(1)}# your code here\n{begin.group(1)}raise NotImplementedError()"
            out.append(stub)
            replaced += 1
            pos = match.end()
        else:  # hidden tests: the line goes, with its newline
            pos = match.end() + (source[match.end():match.end() + 1] == "\n")
            if out and out[-1].endswith("\n") and pos >= len(source):
                out[-1] = out[-1][:-1]
        open_at = None
    if open_at is not None:
        raise ValueError(f"'{open_at[0].group(0).strip()}' has no END")
    out.append(source[pos:])
    return "".join(out), replaced


@dataclass
class Report:
    """What :func:`student_copy` did to one notebook."""
    tagged: int = 0          # cells tagged `solution`, removed
    untagged: list = field(default_factory=list)  # untagged checks of a solution, removed
    uses: list = field(default_factory=list)      # solution_ names used as building blocks, kept
    blocks: int = 0          # Solution blocks cut out of markdown
    regions: int = 0         # solution regions (and nbgrader solution cells) replaced by stubs
    stubs: int = 0           # code cells with `raise NotImplementedError`, kept
    checks: int = 0          # code cells calling a check_...( function, kept
    attachments: int = 0     # attachments dropped (referred to only by cut text)
    cut: list = field(default_factory=list)       # every text cut out, for the leak check


def student_copy(nb, name="notebook") -> tuple[object, Report]:
    """A copy of the notebook node ``nb`` without its solutions, outputs cleared.

    Raises ValueError naming ``name`` and the cell when a solution region or
    block cannot be parsed.
    """
    nb = copy.deepcopy(nb)
    report = Report()
    cells = []
    for number, cell in enumerate(nb.cells, 1):
        try:
            keep = _student_cell(cell, report)
        except ValueError as exc:
            first = _lines(_source(cell)).strip().splitlines()[:1] or [""]
            raise ValueError(f"{name}, cell {number} ({first[0][:40]!r}): {exc}") from None
        if keep:
            cells.append(cell)
    nb.cells = cells
    for key in [k for k in nb.metadata if k not in KEPT_NB_METADATA]:
        del nb.metadata[key]  # the saved widget state, and anything else a teacher's tools left
    if report.tagged or report.untagged or report.blocks or report.regions:
        for cell in nb.cells:  # say so under the title
            if cell.cell_type == "markdown":
                cell.source = _source(cell).rstrip("\n") + "\n\n" + STUDENT_NOTE
                break
    return nb, report


def _student_cell(cell, report) -> bool:
    """Make one cell a student's (in place); False if it goes."""
    source = _lines(_source(cell))
    if SOLUTION_TAG in _tags(cell):
        report.tagged += 1
        report.cut.append(source)
        return False
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    stubs = cell.get("metadata", {}).get("lifutils", {}).get("stubs", [])
    text_stub = None if cell.cell_type == "code" else TEXT_STUB
    if _REGION.search(source):
        source, replaced = strip_regions(source, stubs, report.cut, text_stub=text_stub)
        report.regions += replaced
    elif nbgrader.get("solution"):  # a whole-cell answer: nbgrader replaces all of it
        report.cut.append(source)
        source = TEXT_STUB if text_stub else ("\n".join(stubs) if stubs else
                                             "# your code here\nraise NotImplementedError()")
        report.regions += 1
    if cell.cell_type == "code" and _SOLUTION_CALL.search(source):
        if _CHECK_CALL.search(source):
            # An untagged check of a reference solution (the older pattern).
            report.untagged.append(source.strip().splitlines()[0][:70])
            report.cut.append(source)
            return False
        # A reference solution used as a building block by a later step
        # (the student sees its name, not its code): kept, and reported.
        report.uses.append(_SOLUTION_CALL.search(source).group(0))
    if cell.cell_type != "code":
        source, cut = strip_solution_blocks(source, report.cut)
        report.blocks += cut
        if cut and not source.strip():
            return False
    cell.source = source
    _keep_referenced_attachments(cell, report)
    cell.metadata = type(cell.metadata)({k: v for k, v in cell.get("metadata", {}).items()
                                         if k in KEPT_METADATA})
    if cell.cell_type == "code":
        cell.outputs = []
        cell.execution_count = None
        report.stubs += bool(_STUB.search(source))
        report.checks += bool(_CHECK_CALL.search(source))
    return True


def _referenced(source: str) -> set:
    return {urllib.parse.unquote(name) for name in _ATTACHMENT.findall(source)}


def _keep_referenced_attachments(cell, report):
    """Drop the attachments the cell's text does not refer to (those of a cut block)."""
    attachments = cell.get("attachments")
    if attachments is None:
        return
    named = _referenced(_source(cell))
    gone = [name for name in attachments if name not in named]
    for name in gone:
        del attachments[name]
    report.attachments += len(gone)
    if not attachments:
        del cell["attachments"]


def _strings(node, path=""):
    """(where, text) for every string in a notebook's JSON; base64 attachments and images decoded."""
    if isinstance(node, str):
        yield path, node
        if path.startswith("attachments") or "/data/" in path:
            try:
                yield path + " (decoded)", base64.b64decode(node, validate=True).decode("latin-1")
            except (binascii.Error, ValueError):
                pass
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key, path)
            yield from _strings(value, f"{path}/{key}" if path else key)
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from _strings(value, f"{path}/{k}")


def _cut_lines(cut_text, nb) -> set:
    """The lines of the cut text (10 characters or more) that no kept source holds.

    A line the given code or a stub holds as well is not the solution's alone; a
    solution line left in a source is found by its markers.
    """
    kept = "\n".join(_lines(_source(cell)) for cell in nb.cells)
    return {line.strip() for text in cut_text for line in _lines(text).split("\n")
            if len(line.strip()) >= 10 and line.strip() not in kept}


def leaks(nb, cut_text=()) -> list[str]:
    """Everything in a student notebook that should not be there (empty: clean).

    Every string the notebook holds is searched (sources, outputs, metadata,
    attachments decoded), for markers, Solution blocks and, given the texts that
    were cut (``cut_text``), for any of their lines that no kept source holds.
    """
    found = []
    cut_lines = _cut_lines(cut_text, nb)
    for k, cell in enumerate(nb.cells, 1):
        source = _source(cell)
        where = f"cell {k} ({source.strip()[:40]!r})"
        if SOLUTION_TAG in _tags(cell):
            found.append(f"{where} is tagged {SOLUTION_TAG!r}")
        if (cell.cell_type == "code" and _SOLUTION_CALL.search(source)
                and _CHECK_CALL.search(source)):
            found.append(f"{where} runs a check on a reference solution "
                         f"({_SOLUTION_CALL.search(source).group(0)}): tag it {SOLUTION_TAG!r}")
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
            found.append(f"{where} has outputs")
        named = _referenced(source)
        found += [f"{where} has an attachment its text does not show: {name!r}"
                  for name in cell.get("attachments", {}) if name not in named]
        for path, text in _strings(dict(cell)):
            text = _lines(text)
            if _SOLUTION_SUMMARY.search(text) or re.search(r"<summary[^>]*>\s*(<[^>]*>\s*)*Solution",
                                                           text, re.I):
                found.append(f"{where} has a Solution block in {path}")
            if _REGION.search(text):
                found.append(f"{where} has a solution or hidden-test marker in {path}")
            found += [f"{where} holds cut solution text in {path}: {line[:50]!r}"
                      for line in cut_lines if line in text]
    for path, text in _strings(dict(nb.metadata), "metadata"):
        if _REGION.search(text) or any(line in text for line in cut_lines):
            found.append(f"the notebook's {path} holds solution text")
    if "widgets" in nb.metadata:
        found.append("the notebook metadata holds widget state")
    return found


class RunError(RuntimeError):
    """A student copy's cell failed."""


def run(nb, path: Path) -> tuple[int, int, int]:
    """Execute a copy of ``nb`` in a fresh kernel (cwd: ``path``'s folder); any error fails it.

    Returns (code cells run, "not done yet" lines printed by the checks of the
    untouched stubs, "using the reference until your function is done" lines
    printed by the cells that went on with a stand-in). Raises :class:`RunError`
    naming the first cell that failed.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = copy.deepcopy(nb)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        for k, cell in enumerate(nb.cells, 1):
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                first = _source(cell).strip().splitlines()[:1] or [""]
                raise RunError(f"cell {k} ({first[0][:40]!r}) raised {errors[0].get('ename')}: "
                               f"{errors[0].get('evalue')}") from None
        raise RunError(str(exc).strip().splitlines()[-1]) from None
    code = [c for c in nb.cells if c.cell_type == "code"]
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for c in code for o in c.outputs)
    return len(code), len(NOT_DONE.findall(text)), len(USING_REFERENCE.findall(text))


def build(notebook_dir: Path, out_dir: Path, *, execute=False, log=print) -> int:
    """Write the student copies; returns the number of problems (0: all clean)."""
    notebooks = sorted(notebook_dir.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no notebooks found: {notebook_dir}/*.ipynb matched nothing")
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.ipynb"):  # a renamed notebook leaves no old copy behind
        stale.unlink()
    problems = 0
    for path in notebooks:
        nb, report = student_copy(nbformat.read(path, as_version=4), path.name)
        target = out_dir / path.name
        nbformat.write(nb, target)
        line = (f"{path.name}: replaced {report.regions} solution regions by stubs, removed "
                f"{report.tagged} solution cells and {report.blocks} Solution blocks; kept "
                f"{report.stubs} stubs and {report.checks} checks")
        if report.attachments:
            line += f"; dropped {report.attachments} attachments shown only in cut text"
        notes = [f"untagged solution cell removed (tag it {SOLUTION_TAG!r}): {first}"
                 for first in report.untagged]
        notes += [f"note: kept a cell that uses {name} as a building block for what follows "
                  "(its name shows, not its code)" for name in report.uses]
        found = leaks(nbformat.read(target, as_version=4), report.cut)  # what is on disk
        notes += [f"LEAK: {text}" for text in found]
        problems += len(found)
        if execute and not found:
            try:
                n_cells, not_done, stand_ins = run(nb, target)
            except Exception as exc:  # a failing cell: report it, go on with the others
                problems += 1
                summary = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()
                notes.append(f"FAILED to run: {summary[-1] if summary else type(exc).__name__}")
            else:
                line += (f"; ran clean ({n_cells} code cells, {not_done} 'not done yet' "
                         f"lines from the checks, {stand_ins} cells going on with a stand-in)")
        log("\n    ".join([line] + notes))
    verdict = ("no leaks" + (", every copy ran clean" if execute else "") if not problems
               else f"{problems} problem(s)")
    log(f"wrote {len(notebooks)} student notebooks to {out_dir}: {verdict}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook_dir", nargs="?", type=Path, default=REPO_ROOT / "notebooks",
                        help="directory with the teacher's notebooks (default: notebooks/)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "build" / "student",
                        help="output directory (default: build/student)")
    parser.add_argument("--run", action="store_true",
                        help="also run each student copy top to bottom in a fresh kernel")
    args = parser.parse_args(argv)
    if not args.notebook_dir.is_dir():
        print(f"make_student: {args.notebook_dir} is not a directory", file=sys.stderr)
        return 1
    if args.out.resolve() == args.notebook_dir.resolve():
        print("make_student: --out must differ from the notebook directory "
              "(the teacher's copies would be overwritten)", file=sys.stderr)
        return 2
    os.environ.pop("MPLBACKEND", None)  # it would hide the inline figures in the kernel
    os.environ["LIFUTILS_PROGRESS"] = "0"  # no progress bar in the saved outputs (lifutils.progress)
    try:
        problems = build(args.notebook_dir, args.out, execute=args.run)
    except (FileNotFoundError, ValueError) as exc:
        print(f"make_student: {exc}", file=sys.stderr)
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

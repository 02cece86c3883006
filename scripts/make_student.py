"""Student copies of the notebooks, without the solutions (the `make student` target).

    .venv/bin/python scripts/make_student.py [NOTEBOOK_DIR] [--out OUT_DIR] [--run]

Every ``NOTEBOOK_DIR/*.ipynb`` (default: the repository's ``notebooks/``) becomes
``OUT_DIR/<same name>`` (default: ``build/student``) with

* every solution region of a code cell, ``### BEGIN SOLUTION`` ... ``### END
  SOLUTION`` (nbgrader's markers), replaced by the exercise's stub (the cell's
  ``metadata.lifutils.stubs``, one per region; else ``raise NotImplementedError()``);
* every ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` region removed
  (the asserts nbgrader's autograder runs);
* every cell tagged ``solution`` removed;
* every folded ``<details><summary>Solution</summary> ... </details>`` block cut
  out of the markdown, however the summary is written (attributes, markup such
  as ``<b>``, any case); tags inside code (fenced or inline) are not markup and
  stay (a cell left empty is removed);
* everything else kept: the exercise stubs, the cells that check them, the
  Think! prompts with their folded ``Answer``;
* outputs, execution counts and the saved widget state cleared.

A region or block that cannot be parsed (a BEGIN without its END, a Solution
block without its closing tag) stops the build with the notebook and the cell
named. Then every copy is checked for leaks: a ``solution`` tag, a Solution
block, a solution or hidden-test marker, a check run on ``solution_...``, or an
output left is an error.

With ``--run``, each student copy is also executed in a fresh kernel, top to
bottom, on a scratch copy (the files in OUT_DIR keep their cleared outputs).
A cell that uses the student's function raises NotImplementedError while the
stub is untouched, and the cells after it may miss its results: from the first
NotImplementedError on, errors are counted as "waiting for an exercise" (the
teacher's notebook, the same cells solved, runs clean under nbval); an error
before it is a failure. The number of "not done yet" lines (the
untouched stubs, reported by their checks) is printed.

Exit status: 0 on success, 1 on a leak, a failed run or no notebooks, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sys
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
_REGION = re.compile(r"^([ \t]*)#+[ \t]*(BEGIN|END)[ \t]+(SOLUTION|HIDDEN TESTS)[ \t]*$",
                     re.IGNORECASE | re.MULTILINE)
_SOLUTION_CALL = re.compile(r"\bsolution_\w+")  # a call, or the function passed to a check
_STUB = re.compile(r"raise\s+NotImplementedError")
_CHECK_CALL = re.compile(r"\bcheck_\w+\s*\(")
# What a check prints for an untouched stub (older checks name the error instead).
NOT_DONE = re.compile(r"^.*(?:not done yet|not yet:.*NotImplementedError).*$",
                      re.IGNORECASE | re.MULTILINE)


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _tags(cell) -> list:
    return list(cell.get("metadata", {}).get("tags", []))


def strip_solution_blocks(text: str) -> tuple[str, int]:
    """Cut every ``<details><summary>Solution...</summary>...</details>`` out of ``text``.

    Nested ``<details>`` blocks inside a solution go with it; other folded
    blocks (a Think! ``Answer``) stay. Returns the new text and how many
    blocks were cut.

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
        pos, cut = end, cut + 1
    if not cut:
        return text, 0
    out.append(text[pos:])
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip("\n"), cut


def strip_regions(source: str, stubs=()) -> tuple[str, int]:
    """Replace each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region by its stub.

    ``stubs[k]`` replaces the k-th region (default: ``raise NotImplementedError()``
    at the region's indentation); ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN
    TESTS`` regions are removed. Returns the new source and how many solution
    regions were replaced.

    Examples
    --------
    >>> code = "def f():\n    ### BEGIN SOLUTION\n    return 42\n    ### END SOLUTION"
    >>> print(strip_regions(code)[0])
    def f():
        # your code here
        raise NotImplementedError()
    """
    out, pos, open_at, replaced = [], 0, None, 0
    for match in _REGION.finditer(source):
        indent, edge, kind = match.group(1), match.group(2).upper(), match.group(3).upper()
        if edge == "BEGIN":
            if open_at is not None:
                raise ValueError(f"'{match.group(0).strip()}' inside another region")
            open_at = (match, kind)
            continue
        if open_at is None or open_at[1] != kind:
            raise ValueError(f"'{match.group(0).strip()}' without its BEGIN")
        begin = open_at[0]
        out.append(source[pos:begin.start()])
        if kind == "SOLUTION":
            stub = (stubs[replaced] if replaced < len(stubs) else
                    f"{begin.group(1)}# your code here\n{begin.group(1)}raise NotImplementedError()")
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
    regions: int = 0         # BEGIN/END SOLUTION regions replaced by their stubs
    stubs: int = 0           # code cells with `raise NotImplementedError`, kept
    checks: int = 0          # code cells calling a check_...( function, kept


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
            first = _source(cell).strip().splitlines()[:1] or [""]
            raise ValueError(f"{name}, cell {number} ({first[0][:40]!r}): {exc}") from None
        if keep:
            cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    if report.tagged or report.untagged or report.blocks or report.regions:
        for cell in nb.cells:  # say so under the title
            if cell.cell_type == "markdown":
                cell.source = _source(cell).rstrip("\n") + "\n\n" + STUDENT_NOTE
                break
    return nb, report


def _student_cell(cell, report) -> bool:
    """Make one cell a student's (in place); False if it goes."""
    source = _source(cell)
    if SOLUTION_TAG in _tags(cell):
        report.tagged += 1
        return False
    if cell.cell_type == "code" and _REGION.search(source):
        stubs = cell.get("metadata", {}).get("lifutils", {}).get("stubs", [])
        source, replaced = strip_regions(source, stubs)
        report.regions += replaced
        cell.source = source
    if cell.cell_type == "code" and _SOLUTION_CALL.search(source):
        if _CHECK_CALL.search(source):
            # An untagged check of a reference solution (the older pattern).
            report.untagged.append(source.strip().splitlines()[0][:70])
            return False
        # A reference solution used as a building block by a later step
        # (the student sees its name, not its code): kept, and reported.
        report.uses.append(_SOLUTION_CALL.search(source).group(0))
    if cell.cell_type == "markdown":
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        if nbgrader.get("solution"):  # an nbgrader written answer
            cell.source = source = "YOUR ANSWER HERE"
            report.regions += 1
        source, cut = strip_solution_blocks(source)
        if cut:
            report.blocks += cut
            if not source.strip():
                return False
            cell.source = source
    if cell.cell_type == "code":
        cell.outputs = []
        cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.metadata.pop("lifutils", None)
        report.stubs += bool(_STUB.search(source))
        report.checks += bool(_CHECK_CALL.search(source))
    return True


def leaks(nb) -> list[str]:
    """Everything in a student notebook that should not be there (empty: clean)."""
    found = []
    for k, cell in enumerate(nb.cells, 1):
        source = _source(cell)
        where = f"cell {k} ({source.strip()[:40]!r})"
        if SOLUTION_TAG in _tags(cell):
            found.append(f"{where} is tagged {SOLUTION_TAG!r}")
        if _SOLUTION_SUMMARY.search(source) or re.search(r"<summary[^>]*>\s*(<[^>]*>\s*)*Solution",
                                                          source, re.I):
            found.append(f"{where} has a Solution block")
        if _REGION.search(source):
            found.append(f"{where} has a solution or hidden-test marker")
        if (cell.cell_type == "code" and _SOLUTION_CALL.search(source)
                and _CHECK_CALL.search(source)):
            found.append(f"{where} runs a check on a reference solution "
                         f"({_SOLUTION_CALL.search(source).group(0)}): tag it {SOLUTION_TAG!r}")
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
            found.append(f"{where} has outputs")
    if "widgets" in nb.metadata:
        found.append("the notebook metadata holds widget state")
    return found


class RunError(RuntimeError):
    """A student copy's cell failed with an error other than an untouched stub's."""


def run(nb, path: Path) -> tuple[int, int, int]:
    """Execute a copy of ``nb`` in a fresh kernel (cwd: ``path``'s folder).

    Returns (code cells run, "not done yet" lines printed, cells waiting for an
    exercise: those that raised NotImplementedError, from an untouched stub).
    Raises :class:`RunError` naming the first cell that failed with any other error.
    """
    from nbclient import NotebookClient

    nb = copy.deepcopy(nb)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    waiting = 0
    for k, cell in enumerate(nb.cells, 1):
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if not errors:
            continue
        if errors[0].get("ename") == "NotImplementedError" or waiting:
            waiting += 1  # an untouched stub, or a later cell that needs its result
            continue
        first = _source(cell).strip().splitlines()[:1] or [""]
        raise RunError(f"cell {k} ({first[0][:40]!r}) raised {errors[0].get('ename')}: "
                       f"{errors[0].get('evalue')}")
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for c in code for o in c.outputs)
    return len(code), len(NOT_DONE.findall(text)), waiting


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
        notes = [f"untagged solution cell removed (tag it {SOLUTION_TAG!r}): {first}"
                 for first in report.untagged]
        notes += [f"note: kept a cell that uses {name} as a building block for what follows "
                  "(its name shows, not its code)" for name in report.uses]
        found = leaks(nb)
        notes += [f"LEAK: {text}" for text in found]
        problems += len(found)
        if execute and not found:
            try:
                n_cells, not_done, waiting = run(nb, target)
            except Exception as exc:  # a failing cell: report it, go on with the others
                problems += 1
                summary = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()
                notes.append(f"FAILED to run: {summary[-1] if summary else type(exc).__name__}")
            else:
                line += (f"; ran clean ({n_cells} code cells, {not_done} 'not done yet' "
                         f"lines from the stubs, {waiting} cells waiting for an exercise)")
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

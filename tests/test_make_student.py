"""scripts/make_student.py (`make student`): the solutions go, the stubs stay, every copy runs.

The first tests use a tiny notebook written in the teaching conventions' exercise
pattern; the last ones build the student copies of the real notebooks and run
each one top to bottom in a fresh kernel.
"""

from __future__ import annotations

import base64
import binascii
import copy
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest

from lifutils import exercises
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_student.py"

import _scripts  # noqa: E402  (tests/ is on sys.path)

_load = _scripts.load

make_student = _load("make_student", SCRIPT)

THINK = ("**Think!** Will v ever reach -80 mV?\n\n<details><summary>Answer</summary>\n\n"
         "No: the solver smooths the jump.\n\n</details>")
TASK = "### Exercise 3.1: the threshold event\n\nWrite `my_threshold`; the check expects `terminal`."
STUB = ("def my_threshold(t, y):\n    # your code here\n"
        "    raise NotImplementedError(\"Exercise 3.1: write the threshold event\")")
CHECK = ("try:\n    my_threshold(0.0, [-60.0])\nexcept NotImplementedError:\n"
         "    print('Not yet: exercise 3.1 is not done yet (the stub raises NotImplementedError)')")
SOLUTION_MD = ("<details><summary>Solution</summary>\n\n```python\ndef my_threshold(t, y):\n"
               "    return y[0] + 55.0\n```\n\n</details>")
SOLUTION_CODE = "check_threshold_event(solution_threshold_event)"


def _teacher_notebook():
    solution = new_code_cell(SOLUTION_CODE, execution_count=4,
                             outputs=[new_output("stream", name="stdout", text="Right: ...")])
    solution.metadata["tags"] = ["solution"]
    nb = new_notebook(cells=[
        new_markdown_cell("# 03. Events\n\nIn this notebook you will stop the solver."),
        new_code_cell("import math", execution_count=1),
        new_markdown_cell(THINK),
        new_markdown_cell(TASK),
        new_code_cell(STUB, execution_count=2),
        new_code_cell(CHECK, execution_count=3,
                      outputs=[new_output("stream", name="stdout", text="Not yet: ...")]),
        new_markdown_cell(SOLUTION_MD),
        solution,
        new_markdown_cell("Text before.\n\n" + SOLUTION_MD + "\n\nText after."),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"},
                 "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}}})
    return nb


def test_solutions_go_stubs_checks_and_answers_stay():
    student, report = make_student.student_copy(_teacher_notebook())
    sources = [c.source for c in student.cells]
    assert STUB in sources and CHECK in sources and THINK in sources and TASK in sources
    assert SOLUTION_CODE not in sources
    text = "\n".join(sources)
    assert "<summary>Solution" not in text and "return y[0] + 55.0" not in text
    assert "Text before." in text and "Text after." in text
    assert (report.tagged, report.blocks, report.stubs, report.checks) == (1, 2, 1, 0)
    assert report.untagged == []
    # The markdown cell that held only a Solution block is gone, not left empty.
    assert all(c.source.strip() for c in student.cells)
    assert len(student.cells) == 7
    assert make_student.leaks(student) == []


def test_outputs_counts_and_widget_state_are_cleared():
    student, _ = make_student.student_copy(_teacher_notebook())
    code = [c for c in student.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    assert "widgets" not in student.metadata
    assert make_student.STUDENT_NOTE in student.cells[0].source


def test_the_teacher_notebook_is_not_modified():
    nb = _teacher_notebook()
    before = nbformat.writes(nb)
    make_student.student_copy(nb)
    assert nbformat.writes(nb) == before


def test_untagged_solution_cells_are_removed_and_reported():
    nb = _teacher_notebook()
    nb.cells[7].metadata["tags"] = []
    student, report = make_student.student_copy(nb)
    assert report.tagged == 0 and len(report.untagged) == 1
    assert SOLUTION_CODE.splitlines()[0][:70] == report.untagged[0]
    assert make_student.leaks(student) == []


def test_a_solution_used_as_a_building_block_stays_and_is_reported():
    nb = _teacher_notebook()
    nb.cells[7].metadata["tags"] = []
    use = "threshold = exercises.solution_threshold_event  # used below"
    nb.cells[7].source = use
    student, report = make_student.student_copy(nb)
    assert report.untagged == [] and report.uses == ["solution_threshold_event"]
    assert use in [c.source for c in student.cells]
    assert make_student.leaks(student) == []
    student.cells[-1:] = [new_code_cell("check_threshold_event(exercises.solution_threshold_event)")]
    (found,) = make_student.leaks(student)
    assert "runs a check on a reference solution (solution_threshold_event)" in found


def test_leaks_are_found():
    nb = _teacher_notebook()
    found = make_student.leaks(nb)
    assert any("tagged 'solution'" in f for f in found)
    assert any("Solution block" in f for f in found)
    assert any("runs a check on a reference solution (solution_threshold_event)" in f
               for f in found)
    assert any("has outputs" in f for f in found)
    assert any("widget state" in f for f in found)


@pytest.mark.parametrize("text, kept, gone", [
    ("<details><summary>Answer</summary>\n\nyes\n\n</details>", "yes", None),
    ("<DETAILS><Summary>Solution (Exercise 2)</Summary>\n\nx\n</DETAILS>\ntail", "tail", "x"),
    ("<details><summary>Solution</summary>\n<details><summary>Hint</summary>h</details>\n"
     "code\n</details>\nafter", "after", "code"),
])
def test_strip_solution_blocks(text, kept, gone):
    new, _ = make_student.strip_solution_blocks(text)
    assert kept in new
    if gone:
        assert gone not in new and "details" not in new.lower()


def test_an_unclosed_solution_block_is_an_error():
    with pytest.raises(ValueError, match="no closing"):
        make_student.strip_solution_blocks("<details><summary>Solution</summary>\n\ncode")


def test_main_writes_copies_and_refuses_to_overwrite_the_teachers(tmp_path, capsys):
    nb_dir, out = tmp_path / "notebooks", tmp_path / "student"
    nb_dir.mkdir()
    nbformat.write(_teacher_notebook(), nb_dir / "03_events.ipynb")
    (out).mkdir()
    (out / "00_renamed.ipynb").write_text("{}")
    assert make_student.main([str(nb_dir), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["03_events.ipynb"]
    assert make_student.leaks(nbformat.read(out / "03_events.ipynb", as_version=4)) == []
    printed = capsys.readouterr().out
    assert ("03_events.ipynb: replaced 0 solution regions by stubs, removed 1 solution cells and "
            "2 Solution blocks; kept 1 stubs") in printed
    assert "no leaks" in printed
    assert make_student.main([str(nb_dir), "--out", str(nb_dir)]) == 2
    assert "--out must differ" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert make_student.main([str(tmp_path / "empty"), "--out", str(out)]) == 1
    assert "no notebooks" in capsys.readouterr().err


def test_run_reports_not_done_yet_and_a_failing_cell(tmp_path):
    student, _ = make_student.student_copy(_teacher_notebook())
    assert make_student.run(student, tmp_path / "x.ipynb") == (3, 1, 0)
    student.cells.insert(1, new_code_cell("1 / 0"))
    lines = []
    nb_dir = tmp_path / "nb"
    nb_dir.mkdir()
    nbformat.write(student, nb_dir / "broken.ipynb")
    assert make_student.build(nb_dir, tmp_path / "out", execute=True, log=lines.append) == 1
    assert "FAILED to run: cell 2 ('1 / 0') raised ZeroDivisionError" in lines[0]


# --------------------------------------------------------------------------- the real notebooks

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    lines = []
    assert make_student.build(ROOT / "notebooks", out, log=lines.append) == 0, "\n".join(lines)
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_copy_has_no_solution_and_keeps_every_stub(path, student_dir):
    teacher = nbformat.read(path, as_version=4)
    student = nbformat.read(student_dir / path.name, as_version=4)
    assert make_student.leaks(student) == []
    exercises = [c for c in teacher.cells if "BEGIN SOLUTION" in c.source]
    for teacher_cell in exercises:  # each exercise's cell is there, with its stubs in place
        texts = teacher_cell.metadata["lifutils"]["stubs"]
        first = teacher_cell.source.splitlines()[0]
        (stub,) = [c for c in student.cells if c.source.startswith(first)]
        assert all(text in stub.source for text in texts)
    answers = [c.source for c in teacher.cells if "<summary>Answer</summary>" in c.source]
    assert all(a in [c.source for c in student.cells] for a in answers)


#: The notebooks whose later cells need an exercise's function: on an untouched copy each
#: goes on with a stand-in (lifutils.stand_ins), saying so once.
STAND_INS = {"03_event_driven_solve_ivp": 1, "05_larger_models": 1, "07_many_neurons": 1,
             "08_model_gallery": 1}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_copy_runs_top_to_bottom(path, student_dir, monkeypatch):
    """Run All on an untouched student copy: no cell raises (nbclient, allow_errors=False)."""
    monkeypatch.delenv("MPLBACKEND", raising=False)
    student = nbformat.read(student_dir / path.name, as_version=4)
    n_code, not_done, stand_ins = make_student.run(student, student_dir / path.name)
    assert n_code == sum(c.cell_type == "code" for c in student.cells)
    stubs = sum("raise NotImplementedError" in c.source for c in student.cells
                if c.cell_type == "code")
    # Every untouched stub is reported by its check (a check may run twice) ...
    assert not_done >= stubs
    # ... and every cell that needs an exercise's function went on with a stand-in.
    assert stand_ins == STAND_INS.get(path.stem, 0)


def test_a_failing_cell_fails_the_run_even_after_an_untouched_stub(tmp_path):
    student, _ = make_student.student_copy(_teacher_notebook())
    student.cells.append(new_code_cell("my_threshold(0.0, [-60.0])"))  # needs the stub's work
    with pytest.raises(make_student.RunError, match=r"cell \d+ \('my_threshold.*NotImplementedError"):
        make_student.run(student, tmp_path / "x.ipynb")


def _solution_lines(source):
    """The code lines (10 characters or more) of a cell's solution regions, and the others."""
    inside, lines, given = False, [], []
    for line in source.splitlines():
        if re.search(r"(BEGIN|END) SOLUTION", line):
            inside = "BEGIN" in line
            continue
        code = line.split("#")[0].strip()
        if len(code) >= 10:
            (lines if inside else given).append(code)
    return lines, given


def _solutions_and_given():
    solutions, given = {}, []
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            lines, other = _solution_lines(cell.source)
            given.extend(other)  # the given code, and the stubs students get:
            given.extend("\n".join(cell.metadata.get("lifutils", {}).get("stubs", [])).splitlines())
            if lines:
                solutions[cell.metadata["lifutils"]["exercise"]] = lines
    text = "\n".join(given)
    return solutions, {line for lines in solutions.values() for line in lines if line in text}


def test_no_exercise_is_answered_by_the_given_code():
    """Half of each solution's lines (or three) appear nowhere in the teacher's given code."""
    solutions, given = _solutions_and_given()
    assert len(solutions) == len(exercises.EXERCISES)
    for number, lines in solutions.items():
        new = [line for line in lines if line not in given]
        assert len(new) >= min(3, max(1, len(lines) / 2)), (number, [l for l in lines if l in given])


def test_no_student_copy_holds_a_line_of_any_solution(student_dir):
    solutions, given = _solutions_and_given()
    distinctive = {line for lines in solutions.values() for line in lines if line not in given}
    assert len(distinctive) >= 30
    for path in NOTEBOOKS:
        text = "\n".join(c.source for c in
                         nbformat.read(student_dir / path.name, as_version=4).cells)
        assert [line for line in distinctive if line in text] == [], path.name
    # ... and the installed package holds no reference solution either.
    assert not [name for name in dir(exercises) if name.startswith("solution")]


SUMMARIES = ['<summary class="sol">Solution</summary>', "<summary><b>Solution</b></summary>",
             "<SUMMARY>SOLUTION</SUMMARY>", "<summary>\n  <strong>solution</strong> (6.2)\n</summary>"]


@pytest.mark.parametrize("summary", SUMMARIES)
def test_a_solution_block_is_found_however_its_summary_is_written(summary):
    text = f"Before.\n\n<details>{summary}\n\n```python\nanswer = 42\n```\n\n</details>\n\nAfter."
    new, cut = make_student.strip_solution_blocks(text)
    assert cut == 1 and "answer = 42" not in new and "Before." in new and "After." in new


def test_code_about_details_is_not_markup():
    fenced = ("How to fold:\n\n```html\n<details><summary>Solution</summary>x</details>\n```\n")
    assert make_student.strip_solution_blocks(fenced) == (fenced, 0)
    inline = ("<details><summary>Solution</summary>\n\nWrite `<details>` to fold.\n\n"
              "</details>\nkept")
    new, cut = make_student.strip_solution_blocks(inline)
    assert cut == 1 and new == "kept"


def test_a_broken_region_names_the_notebook_and_the_cell():
    nb = _teacher_notebook()
    nb.cells[4].source = "def f():\n    ### BEGIN SOLUTION\n    return 1\n"
    with pytest.raises(ValueError, match=r"03_x.ipynb, cell 5 \('def f\(\):'\): .*has no END"):
        make_student.student_copy(nb, "03_x.ipynb")
    nb.cells[4].source = "x = 1"
    nb.cells[2].source = "<details><summary>Solution</summary>\n\nno end"
    with pytest.raises(ValueError, match=r"03_x.ipynb, cell 3 .*no closing"):
        make_student.student_copy(nb, "03_x.ipynb")


def test_regions_become_their_stubs_and_hidden_tests_go():
    code = ("def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n\n"
            "### BEGIN SOLUTION\nf.attr = 1\n### END SOLUTION")
    new, n = make_student.strip_regions(code, ["    raise NotImplementedError('E 1.1')", "# set f.attr"])
    assert n == 2 and new == "def f(x):\n    raise NotImplementedError('E 1.1')\n\n# set f.attr"
    check = "check(f)\n### BEGIN HIDDEN TESTS\nassert check(f)\n### END HIDDEN TESTS"
    assert make_student.strip_regions(check) == ("check(f)", 0)


# ------------------------------------------------------- every form of marker, and where text hides

SECRET = "answer_xq41 = np.sqrt(2.0) * 0.2929"   # the planted solution line
SECRET_MD = "The answer is the golden ratio, 1.6180339"
_M = "### BEGIN SOLUTION\n{s}\n### END SOLUTION"


def _exercise_cell(text, **metadata):
    cell = new_code_cell("def my_answer():\n" + text + "\n    return answer_xq41")
    cell.metadata.update(metadata)
    return cell


def _png_with(text):
    return base64.b64encode(b"\x89PNG\r\n\x1a\n" + text.encode()).decode()


# Each variant: the cells it plants (with SECRET or SECRET_MD somewhere only a solution holds).
VARIANTS = {
    "### BEGIN SOLUTION": [_exercise_cell(_M.format(s="    " + SECRET))],
    "trailing ###": [_exercise_cell("    ### BEGIN SOLUTION ###\n    " + SECRET + "\n    ### END SOLUTION ###")],
    "one #": [_exercise_cell("    # BEGIN SOLUTION\n    " + SECRET + "\n    # END SOLUTION")],
    "no space after #": [_exercise_cell("    #BEGIN SOLUTION\n    " + SECRET + "\n    #END SOLUTION")],
    "six #": [_exercise_cell("    ###### BEGIN SOLUTION\n    " + SECRET + "\n    ###### END SOLUTION")],
    "text around": [_exercise_cell("    x = 1  # BEGIN SOLUTION (part a)\n    " + SECRET
                                   + "\n    # END SOLUTION: that was it")],
    "lower case, tabs": [_exercise_cell("\t# begin\tsolution\n\t" + SECRET + "\n\t# end solution")],
    "CRLF": [_exercise_cell(_M.format(s="    " + SECRET).replace("\n", "\r\n"))],
    "lone CR": [_exercise_cell(_M.format(s="    " + SECRET).replace("\n", "\r"))],
    "two regions": [_exercise_cell("    ### BEGIN SOLUTION\n    a = 1\n    ### END SOLUTION\n"
                                   "    ### BEGIN SOLUTION\n    " + SECRET + "\n    ### END SOLUTION")],
    "hidden tests ###": [new_code_cell("right = True\n### BEGIN HIDDEN TESTS ###\nassert "
                                       + SECRET.split(" =")[0] + " != 1  # " + SECRET
                                       + "\n### END HIDDEN TESTS ###")],
    "hidden tests CRLF": [new_code_cell("right = True\r\n# BEGIN HIDDEN TESTS\r\n# " + SECRET
                                        + "\r\n# END HIDDEN TESTS")],
    "nbgrader answer cell, code": [new_code_cell(SECRET, metadata={"nbgrader": {
        "solution": True, "grade": False, "grade_id": "a", "locked": False, "schema_version": 3}})],
    "nbgrader answer cell, markdown": [new_markdown_cell(SECRET_MD, metadata={"nbgrader": {
        "solution": True, "grade": False, "grade_id": "b", "locked": False, "schema_version": 3}})],
    "markdown region": [new_markdown_cell("Explain.\n\n### BEGIN SOLUTION\n" + SECRET_MD
                                          + "\n### END SOLUTION")],
    "Solution block, CRLF": [new_markdown_cell(("Task.\n\n<details><summary>Solution</summary>\n\n"
                                                 + SECRET_MD + "\n\n</details>").replace("\n", "\r\n"))],
    "Solution block, lone CR": [new_markdown_cell(("<details>\n<summary>Solution</summary>\n\n"
                                                    "```python\n" + SECRET + "\n```\n</details>\nkept")
                                                   .replace("\n", "\r"))],
    "attachment of a cut block": [new_markdown_cell(
        "Task, with a figure: ![given](attachment:given.png)\n\n<details><summary>Solution"
        "</summary>\n\n![worked](attachment:worked%20answer.png)\n\n</details>",
        attachments={"given.png": {"image/png": _png_with("the given figure")},
                     "worked answer.png": {"image/png": _png_with(SECRET_MD)}})],
    "metadata of a cut block": [new_markdown_cell(
        "Task.\n\n<details><summary>Solution</summary>\n\nx\n\n</details>",
        metadata={"solution_notes": SECRET_MD, "tags": ["keep-me"]})],
    "metadata of a solution cell": [_exercise_cell(_M.format(s="    pass"),
                                                   lifutils={"exercise": "9.9", "notes": SECRET},
                                                   grader_notes=SECRET)],
    "outputs of a solution cell": [new_code_cell(_M.format(s=SECRET), execution_count=3, outputs=[
        new_output("stream", name="stdout", text=SECRET),
        new_output("display_data", data={"text/plain": SECRET, "image/png": _png_with(SECRET)})],
        metadata={"nbgrader": {"solution": True, "grade": False, "grade_id": "c",
                               "locked": False, "schema_version": 3}})],
    "tagged solution cell": [new_code_cell(SECRET, metadata={"tags": ["solution"]})],
}


def _every_text(path):
    """The file's text, with every base64 string in it decoded as well."""
    raw = path.read_text(encoding="utf-8")
    decoded = []
    for chunk in re.findall(r'"([A-Za-z0-9+/=]{16,})"', raw):
        try:
            decoded.append(base64.b64decode(chunk, validate=True).decode("latin-1"))
        except (binascii.Error, ValueError):
            pass
    return raw + "\n".join(decoded)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_planted_solution_leaves_no_trace_in_the_written_file(variant, tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("# 09. Planted\n\nAn exercise.")] + copy.deepcopy(VARIANTS[variant]),
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    nb_dir, out = tmp_path / "notebooks", tmp_path / "student"
    nb_dir.mkdir()
    nbformat.write(nb, nb_dir / "09_planted.ipynb")
    lines = []
    assert make_student.build(nb_dir, out, log=lines.append) == 0, "\n".join(lines)
    assert "no leaks" in lines[-1]
    text = _every_text(out / "09_planted.ipynb")
    for secret in (SECRET, SECRET_MD, "answer_xq41 != 1"):
        assert secret not in text
    assert not re.search(r"(BEGIN|END)\s+(SOLUTION|HIDDEN)|summary>Solution", text, re.I)
    student = nbformat.read(out / "09_planted.ipynb", as_version=4)
    kept = "\n".join(c.source for c in student.cells)
    assert "\r" not in kept
    if "my_answer" in "\n".join(c.source for c in VARIANTS[variant]):
        assert "raise NotImplementedError()" in kept and "return answer_xq41" in kept
    if variant == "attachment of a cut block":
        (cell,) = [c for c in student.cells if "attachments" in c]
        assert list(cell.attachments) == ["given.png"] and "the given figure" in text
    if variant == "metadata of a cut block":
        assert student.cells[1].metadata == {"tags": ["keep-me"]}
    if variant == "Solution block, lone CR":
        assert "kept" in kept


def test_what_cannot_be_stripped_is_reported_as_a_leak(tmp_path, monkeypatch):
    """A tag is kept as it is: one holding solution text is a leak, never "no leaks"."""
    cell = _exercise_cell(_M.format(s="    " + SECRET), tags=["hint: " + SECRET])
    nb = new_notebook(cells=[new_markdown_cell("# 09"), cell],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    nbformat.write(nb, nb_dir / "09_planted.ipynb")
    lines = []
    assert make_student.build(nb_dir, tmp_path / "out", log=lines.append) == 1
    assert "LEAK: cell 2" in lines[0] and "cut solution text in metadata/tags/0" in lines[0]
    assert "no leaks" not in lines[-1] and "1 problem(s)" in lines[-1]
    # And a stripper that strips nothing: every kind of leak is named.
    monkeypatch.setattr(make_student, "student_copy", lambda nb, name: (nb, make_student.Report(
        cut=[SECRET])))
    nb.cells += [new_markdown_cell("<details><summary>Solution</summary>x</details>"),
                 new_code_cell("x = 1", metadata={"tags": ["solution"]})]
    nbformat.write(nb, nb_dir / "09_planted.ipynb")
    lines.clear()
    assert make_student.build(nb_dir, tmp_path / "out", log=lines.append) == 3
    report = lines[0]
    for what in ("solution or hidden-test marker", "Solution block", "tagged 'solution'"):
        assert what in report
    assert "no leaks" not in lines[-1]

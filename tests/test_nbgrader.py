"""Grading with the real nbgrader: the teacher notebook's metadata makes a release, and
autograde scores a solved copy full marks, an untouched release zero, and a submission with
one typical wrong answer loses exactly that exercise's points. So does a submission that
forges exercise 6.1's verdict instead of answering it (junk for an answer), in each of the
three ways a student's code can reach for it: rebinding the check's helpers from inside the
student's function (in the process where the check runs it), writing a verdict into the
check's pipe and leaving, or rebinding the check itself in an earlier cell (the hidden
tests re-run the check imported afresh).

Run on notebook 06 (four exercises, every kind of check) in a course directory of its own,
with its own gradebook database, so nothing outside tmp_path is touched.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from lifutils import exercises


ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "06_exercises"
ASSIGNMENT = "capstone"
NBGRADER = [sys.executable, "-m", "nbgrader"]
WRONG_ISI = ("def my_isi(params):\n"
             "    v_inf = params.v_rest + params.r_m * params.i_e\n"
             "    return params.tau_m * np.log((params.v_reset - v_inf) / (params.v_thresh - v_inf))\n")


JUNK_ISI = "def my_isi(params):\n    return 42.0\n"
#: Each forged submission: the source of exercise 6.1's cell.
FORGED = {
    # (a) Inside the student's function, where the check runs it: rebind the comparison's
    # helpers in every lifutils module, then answer junk.
    "forge_rebinds_helpers_in_the_check": (
        "def my_isi(params):\n"
        "    import sys\n"
        "    fakes = {'near': lambda *a, **k: True, 'interspike_interval': lambda *a, **k: 42.0,\n"
        "             '_isi_hint': lambda *a, **k: None, 'as_number': lambda x, *a, **k: (42.0, None)}\n"
        "    for name, module in list(sys.modules.items()):\n"
        "        if name.split('.')[0] == 'lifutils':\n"
        "            for attr, fake in fakes.items():\n"
        "                if hasattr(module, attr):\n"
        "                    setattr(module, attr, fake)\n"
        "    return 42.0\n"),
    # (b) Find the judge's write end (the frames' locals, then every pipe open for writing),
    # write a verdict into it, leave before the judge can.
    "forge_writes_the_verdict": (
        "def my_isi(params):\n"
        "    import fcntl, os, pickle, stat, sys\n"
        "    forged = pickle.dumps((True, 'forged verdict', None, ''))\n"
        "    fds, frame = set(), sys._getframe()\n"
        "    while frame is not None:\n"
        "        fds |= {v for k, v in frame.f_locals.items() if 'write' in k and type(v) is int}\n"
        "        frame = frame.f_back\n"
        "    fds |= set(range(3, 1024))  # every descriptor it may hold\n"
        "    for fd in sorted(fds):\n"
        "        try:\n"
        "            writable = fcntl.fcntl(fd, fcntl.F_GETFL) & (os.O_WRONLY | os.O_RDWR)\n"
        "            if stat.S_ISFIFO(os.fstat(fd).st_mode) and writable:  # no kernel socket\n"
        "                os.write(fd, forged)\n"
        "        except OSError:\n"
        "            pass\n"
        "    os._exit(0)\n"),
    # (c) In the cell, before the check cell runs: the check the check cell calls, and the
    # helpers behind it, rebound in the kernel.
    "forge_rebinds_the_check_earlier": (
        JUNK_ISI + "\n"
        "import lifutils.exercises, lifutils.exercises.answers, lifutils.exercises.closed_form\n"
        "check_isi = lifutils.exercises.check_isi = lambda *a, **k: True\n"
        "lifutils.exercises.closed_form.check_isi = lambda *a, **k: True\n"
        "lifutils.exercises.answers.near = lifutils.exercises.closed_form.near = lambda *a, **k: True\n"),
}


# nbgrader runs `alembic` (its database migrations) from PATH: the venv's bin, as when it is active.
BIN = str(Path(sys.executable).parent)


def _nbgrader(course, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT), PATH=BIN + os.pathsep + os.environ["PATH"])
    env.pop("MPLBACKEND", None)
    done = subprocess.run([*NBGRADER, *args], cwd=course, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", BIN + os.pathsep + os.environ["PATH"])
        return _graded(tmp_path_factory)


def _graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    db = course / "gradebook.db"
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'lifutils'\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{db}'\n"
        "c.ExecutePreprocessor.timeout = 600\n")
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / f"{NOTEBOOK}.ipynb", source)
    _nbgrader(course, "generate_assignment", ASSIGNMENT, "--force", "--create")
    release = course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    submissions = {"solved": source / f"{NOTEBOOK}.ipynb", "untouched": release}
    for student, text in {"wrong_6_1": WRONG_ISI, **FORGED}.items():  # all solved but 6.1
        nb = nbformat.read(source / f"{NOTEBOOK}.ipynb", as_version=4)
        (stub,) = [c for c in nb.cells if c.cell_type == "code" and "def my_isi" in c.source]
        stub.source = text
        submissions[student] = nb
    for student, nb in submissions.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        if isinstance(nb, Path):
            shutil.copy(nb, folder / f"{NOTEBOOK}.ipynb")
        else:
            nbformat.write(nb, folder / f"{NOTEBOOK}.ipynb")
    _nbgrader(course, "autograde", ASSIGNMENT, "--create", "--force")
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{db}") as gradebook:
        scores = {student: gradebook.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)
                  for student in submissions}
        result = {student: (nb.score, nb.max_score,
                            {g.name: g.score for g in nb.grades})
                  for student, nb in scores.items()}
    return course, release, result


def test_the_release_has_no_solution_and_no_hidden_test(graded):
    course, release, _ = graded
    text = release.read_text()
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert "assert right" not in text and "climb = params.tau_m" not in text
    assert "_fresh_check" not in text


def test_points_come_from_the_exercises_registry(graded):
    _, _, result = graded
    points = {f"ex{n.replace('.', '_')}_check": p for n, p in exercises.POINTS.items()
              if n.startswith("6.")}
    assert result["solved"][1] == sum(points.values()) == 8
    assert set(result["solved"][2]) == set(points)


def test_scores(graded):
    _, _, result = graded
    print({student: score[:2] for student, score in result.items()})
    assert result["solved"][0] == result["solved"][1]           # full marks
    assert result["untouched"][0] == 0                           # nothing done, nothing scored
    lost = {k: v for k, v in result["wrong_6_1"][2].items() if v != result["solved"][2][k]}
    assert lost == {"ex6_1_check": 0}                            # only 6.1's point is lost
    assert result["wrong_6_1"][0] == result["solved"][0] - exercises.POINTS["6.1"]


@pytest.mark.parametrize("student", FORGED)
def test_a_forged_verdict_scores_zero_for_its_exercise(graded, student):
    _, _, result = graded
    print({student: result[student][:2]})
    lost = {k: v for k, v in result[student][2].items() if v != result["solved"][2][k]}
    assert lost == {"ex6_1_check": 0}, f"{student} forged its way to {result[student][2]}"
    assert result[student][0] == result["solved"][0] - exercises.POINTS["6.1"]


def _graded_cell(exercise):
    nb = nbformat.read(ROOT / "notebooks" / f"{NOTEBOOK}.ipynb", as_version=4)
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")
               == f"ex{exercise.replace('.', '_')}_check"]
    return cell.source


def test_the_hidden_test_grades_with_a_fresh_check_and_puts_the_kernel_s_back(monkeypatch, capsys):
    """In-process, fast: what makes the third forgery score 0, and what it leaves behind."""
    import lifutils.exercises.answers
    import lifutils.exercises.closed_form

    source = _graded_cell("6.1")
    visible = source.split("### BEGIN HIDDEN TESTS")[0]
    fake = lambda *args, **kwargs: True  # noqa: E731
    for module, name in [(exercises, "check_isi"), (lifutils.exercises.closed_form, "check_isi"),
                         (lifutils.exercises.closed_form, "near"), (lifutils.exercises.answers, "near")]:
        monkeypatch.setattr(module, name, fake)
    kernel = {name: module for name, module in sys.modules.items() if name.split(".")[0] == "lifutils"}
    scope = {"exercises": exercises, "my_isi": lambda params: 42.0}
    exec(compile(visible, "<check cell>", "exec"), scope)  # noqa: S102
    assert scope["right"] is True and capsys.readouterr().out == ""  # the visible check is forged
    with pytest.raises(AssertionError, match=r"Exercise 6\.1: Not yet"):
        exec(compile(source, "<check cell>", "exec"), scope)  # noqa: S102
    after = {name: module for name, module in sys.modules.items() if name.split(".")[0] == "lifutils"}
    assert after == kernel  # the kernel's modules, the rebound ones too, are back; none added
    assert exercises.check_isi is fake
    scope["my_isi"] = lambda p: p.t_ref + p.tau_m * np.log((p.v_reset - p.v_inf) / (p.v_thresh - p.v_inf))
    exec(compile(source, "<check cell>", "exec"), scope)  # noqa: S102
    assert scope["_fresh"] is True

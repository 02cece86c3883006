"""Grading with the real nbgrader: the teacher notebook's metadata makes a release, and
autograde scores a solved copy full marks, an untouched release zero, and a submission with
one typical wrong answer loses exactly that exercise's points.

Run on notebook 06 (four exercises, every kind of check) in a course directory of its own,
with its own gradebook database, so nothing outside tmp_path is touched.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lifutils import exercises


ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "06_exercises"
ASSIGNMENT = "capstone"
NBGRADER = [sys.executable, "-m", "nbgrader"]
WRONG_ISI = ("def my_isi(params):\n"
             "    v_inf = params.v_rest + params.r_m * params.i_e\n"
             "    return params.tau_m * np.log((params.v_reset - v_inf) / (params.v_thresh - v_inf))\n")


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
    wrong = nbformat.read(source / f"{NOTEBOOK}.ipynb", as_version=4)  # all solved but 6.1
    (stub,) = [c for c in wrong.cells if c.cell_type == "code" and "def my_isi" in c.source]
    stub.source = WRONG_ISI
    submissions = {"solved": source / f"{NOTEBOOK}.ipynb", "untouched": release, "wrong_6_1": wrong}
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

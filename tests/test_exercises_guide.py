"""The teacher's guide agrees with the notebooks: minutes, exercise counts, dashboards; and the
exercise registry (lifutils.exercises.EXERCISES) agrees with the notebooks' exercise headings."""
import re
from pathlib import Path

import pytest

from lifutils import exercises
from notebook_exercises import cells, source

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "teaching.md").read_text()
ROWS = re.findall(r"^\| \[(\d\d) [^]]*\]\(\.\./notebooks/(\w+)\.ipynb\) \|[^|]*\| (\d+) min \| (\d+)",
                  GUIDE, re.M)


def test_the_guide_lists_every_notebook():
    assert [name for _, name, _, _ in ROWS] == sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("number, name, minutes, count", ROWS, ids=[r[1] for r in ROWS])
def test_minutes_and_exercise_counts_agree(number, name, minutes, count):
    text = "\n".join(source(c) for c in cells(name) if c["cell_type"] == "markdown")
    (time_line,) = re.findall(r"\*\*Time:\*\* about (\d+) minutes", text)
    assert time_line == minutes, f"{name}: 'Time:' says {time_line} min, the guide {minutes}"
    headings = re.findall(r"^#+ Exercise (\d+\.\d+)", text, re.M)
    assert len(headings) == int(count), (name, headings)
    assert sorted(headings) == sorted(n for n, (nb, _, _) in exercises.EXERCISES.items()
                                      if nb == name)


def test_the_dashboards_the_guide_projects_are_in_their_notebooks():
    table = GUIDE[GUIDE.index("## What to project"):GUIDE.index("## Misconceptions")]
    found = re.findall(r"^\| `(\w+)\(\)` \| (\d\d), ", table, re.M)
    assert len(found) >= 5
    for dashboard, number in found:
        (path,) = (ROOT / "notebooks").glob(f"{number}_*.ipynb")
        code = "\n".join(source(c) for c in cells(path.name) if c["cell_type"] == "code")
        assert re.search(rf"\b{dashboard}\(", code), (dashboard, path.name)


def test_every_exercise_check_is_called_in_its_notebook():
    for number, (name, check, points) in exercises.EXERCISES.items():
        code = "\n".join(source(c) for c in cells(name) if c["cell_type"] == "code")
        assert f"exercises.{check}(" in code, (number, name)
        assert points >= 1


def test_the_nbgrader_metadata_follows_the_registry():
    """Each exercise: one solution cell, then its locked, autograded check with POINTS points."""
    for number, (name, check, points) in exercises.EXERCISES.items():
        grade_id = "ex" + number.replace(".", "_")
        nb = cells(name)
        at = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id"): k for k, c in enumerate(nb)}
        stub, test = nb[at[grade_id]], nb[at[grade_id + "_check"]]
        assert at[grade_id + "_check"] == at[grade_id] + 1
        assert stub["metadata"]["nbgrader"]["solution"] and not stub["metadata"]["nbgrader"]["locked"]
        assert "### BEGIN SOLUTION" in source(stub) and stub["metadata"]["lifutils"]["exercise"] == number
        meta = test["metadata"]["nbgrader"]
        assert meta["grade"] and meta["locked"] and meta["points"] == points
        assert f"right = exercises.{check}(" in source(test) and "assert right" in source(test)


def test_the_guide_states_the_total_points():
    total, count = sum(exercises.POINTS.values()), len(exercises.POINTS)
    words = {11: "eleven", 12: "twelve", 13: "thirteen"}
    assert f"{total} points over {words[count]} exercises" in GUIDE.replace("\n", " ")

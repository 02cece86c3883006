"""The progress bar: shown in a Jupyter kernel, quiet in scripts, tests and under nbval."""
import os
import pathlib
import re

import nbformat
import pytest
from nbclient import NotebookClient

from lifutils.progress import progress_enabled, track

ROOT = pathlib.Path(__file__).resolve().parents[1]
WIDGET = "application/vnd.jupyter.widget-view+json"
SLOW_LOOP = ("import time\nfrom lifutils.progress import track\n"
             "total = sum(time.sleep(0.2) or k for k in track(range(6), description='testing'))\n"
             "print(total)")


def test_outside_a_kernel_track_is_the_iterable_itself():
    assert not progress_enabled()
    assert list(track(iter([3, 1, 2]))) == [3, 1, 2]
    assert list(track((), description="nothing")) == []


def test_an_exception_in_the_loop_propagates():
    with pytest.raises(ZeroDivisionError):
        for k in track(range(3)):
            1 / (k - 1)


def _run_in_kernel(monkeypatch, setting):
    if setting is None:
        monkeypatch.delenv("LIFUTILS_PROGRESS", raising=False)
    else:
        monkeypatch.setenv("LIFUTILS_PROGRESS", setting)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SLOW_LOOP)]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return nb.cells[0].outputs


def test_a_kernel_shows_a_bar_and_the_loop_result(monkeypatch):
    outputs = _run_in_kernel(monkeypatch, None)
    bars = [o for o in outputs if WIDGET in o.get("data", {})]
    assert len(bars) == 1, outputs
    assert re.search(r"IntProgress", bars[0]["data"]["text/plain"])
    assert [o["text"] for o in outputs if o.get("name") == "stdout"] == ["15\n"]


@pytest.mark.parametrize("setting", ["0", "off"])
def test_lifutils_progress_off_keeps_a_kernel_quiet(monkeypatch, setting):
    outputs = _run_in_kernel(monkeypatch, setting)
    assert [o.get("output_type") for o in outputs] == ["stream"], outputs


def test_every_automated_notebook_run_turns_the_bar_off():
    """Committed outputs (make notebooks), nbval (make test) and the student copies (make student)
    all run with LIFUTILS_PROGRESS=0, so a fresh run matches the committed outputs."""
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"LIFUTILS_PROGRESS=0 \$\(PY\) -m pytest \$\(NBVAL\)", makefile)
    for script in ("execute_notebooks.py", "make_student.py"):
        text = (ROOT / "scripts" / script).read_text()
        assert 'os.environ["LIFUTILS_PROGRESS"] = "0"' in text, script

"""The README's answer (notebook 00's first cell) with the small changes users make.

Each variant runs in its own process under a time limit: a loop that never ends fails
the test as a hang instead of stopping the suite. Every spike must lie within 1e-6 ms
of the closed form (the snippet asks for rtol = atol = 1e-8).
"""
import json
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

from lifutils import LIFParams, exact_spike_times

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXACT = exact_spike_times(LIFParams(i_e=20.0), 100.0)  # 10 ln 4, then every 10 ln 6 + ...
CALL_END = "rtol=1e-8, atol=1e-8)"


def readme_answer():
    readme = (ROOT / "README.md").read_text()
    return re.search(r"## The answer\n.*?```python\n(.*?)```", readme, re.S).group(1)


def test_the_answer_is_the_same_in_the_readme_and_notebook_00_and_short():
    cells = json.loads((ROOT / "notebooks" / "00_start_here.ipynb").read_text())["cells"]
    answer = readme_answer()
    assert "".join(cells[1]["source"]).strip() == answer.strip()
    assert len(answer.strip().splitlines()) <= 15
    assert answer.count(CALL_END) == 1, "the variants below edit the one solve_ivp call"
    assert "sol.t[-1]" not in answer and "sol.status" in answer and "t_events" in answer


def run_variant(extra_options, timeout=60):
    """The answer with ``extra_options`` added to its solve_ivp call; its spike times."""
    code = readme_answer().replace(CALL_END, CALL_END[:-1] + ", " + extra_options + ")")
    code += "\nimport json; print(json.dumps({'spikes': [float(s) for s in spikes], " \
            "'t_last': float(t[-1]), 'finite': bool(np.isfinite(v).all())}))\n"
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the answer with {extra_options} did not end in {timeout} s (a loop for ever)")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("extra_options", [
    "t_eval=np.arange(t0, 100.0, 0.5)",      # the grid ends at 99.5, before t_max
    "t_eval=np.linspace(t0, 100.0, 7)",      # a coarse grid that includes the end
    "max_step=0.3",
    "dense_output=True",
    "method='DOP853'",
    "method='LSODA'",
    "method='Radau'",
    "method='DOP853', t_eval=np.arange(t0, 100.0, 0.25), dense_output=True",
])
def test_the_answer_ends_with_every_spike_on_the_closed_form(extra_options):
    out = run_variant(extra_options)
    spikes = np.array(out["spikes"])
    assert spikes.size == EXACT.size == 5
    assert np.max(np.abs(spikes - EXACT)) < 1e-6
    assert out["finite"] and out["t_last"] <= 100.0


def test_the_answer_as_written_stitches_the_trace_with_each_reset_as_a_jump():
    out = run_variant("")  # nothing added
    assert np.max(np.abs(np.array(out["spikes"]) - EXACT)) < 1e-6
    assert out["t_last"] == 100.0

"""lifutils.figures.gallery: the pattern grid and its panels."""
import sys

import numpy as np
import pytest

from lifutils import LifutilsError
from lifutils.figures.drawing import figure_to_png
from lifutils.gallery import PATTERNS, solve_all
from lifutils.figures.gallery import plot_pattern, plot_pattern_grid


@pytest.fixture(scope="module")
def solved():
    keys = [("izhikevich", "RS"), ("izhikevich", "TC_rebound"), ("izhikevich", "RZ"),
            ("adex", "tonic"), ("adex", "transient")]
    return solve_all({k: PATTERNS[k] for k in keys}, rtol=1e-6, atol=1e-6)


def test_one_panel_per_pattern_families_on_their_own_rows(solved):
    fig = plot_pattern_grid(solved, ncols=2)
    axes = np.array(fig.axes).reshape(3, 2)  # izhikevich: 3 panels on 2 rows, adex: 2 on 1
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in shown] == [m.label for m, _ in solved.values()]
    assert not axes[1, 1].get_visible()  # the family's row is not filled by the next family
    assert axes[2, 0].get_title(loc="left") == "tonic spiking"
    assert [t.get_text() for ax in fig.axes for t in ax.texts] == [
        "Izhikevich (2003)", "AdEx, Naud et al. (2008)"]
    assert all(ax.get_ylabel() == "v (mV)" for ax in axes[:, 0])
    assert all(ax.get_xlabel() == "time (ms)" for ax in axes[-1, :])
    assert figure_to_png(fig)[:4] == b"\x89PNG"


def test_a_panel_draws_the_trace_with_its_resets_and_the_input(solved):
    model, sol = solved["izhikevich", "TC_rebound"]
    ax = plot_pattern(model, sol)
    trace, step = ax.get_lines()
    assert np.max(trace.get_ydata()) == pytest.approx(30.0)  # drawn up to the peak ...
    assert np.min(trace.get_ydata()) < -80.0                 # ... and from the held-down rest
    y = step.get_ydata()
    assert y[0] < y[-1] and np.all((y >= -112.0) & (y <= -100.0))  # released, in its band
    assert ax.get_xlim() == model.t_span
    assert ax.get_xlabel() == "time (ms)" and ax.get_ylabel() == "v (mV)"


def test_no_pyplot(solved):
    plot_pattern_grid(solved)
    pyplot = sys.modules.get("matplotlib.pyplot")
    assert pyplot is None or not pyplot.get_fignums()


@pytest.mark.parametrize("bad, words", [({}, "at least one"), (None, "at least one")])
def test_nothing_to_draw_is_a_named_error(bad, words):
    with pytest.raises(LifutilsError, match=words):
        plot_pattern_grid(bad)


@pytest.mark.parametrize("ncols", [0, -1, 2.5, True, "4"])
def test_bad_ncols(solved, ncols):
    with pytest.raises(LifutilsError, match="ncols must be an integer >= 1"):
        plot_pattern_grid(solved, ncols=ncols)


def test_a_model_of_your_own_joins_the_grid():
    """solve_all and the grid take any mapping of models: nothing to register elsewhere."""
    from dataclasses import replace

    from lifutils.gallery import adex
    mine = replace(adex("tonic", b=60.0), family="mine", name="tonic_b60",
                   description="tonic, b = 60 pA")
    fig = plot_pattern_grid(solve_all({("mine", "tonic_b60"): mine}, rtol=1e-6, atol=1e-6))
    assert fig.axes[0].get_title(loc="left") == "tonic, b = 60 pA"
    assert [t.get_text() for t in fig.axes[0].texts] == ["mine"]

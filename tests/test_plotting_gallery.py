"""lifutils.figures.gallery: the pattern grid and its panels."""
import re
import sys

import numpy as np
import pytest

from lifutils import LifutilsError
from lifutils.figures.drawing import describe, figure_to_png
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
        "Izhikevich (2003)", "input (its shape)", "AdEx, Naud et al. (2008)"]
    assert all(ax.get_ylabel() == "v (mV)" for ax in axes[:, 0])
    # The time axis is labelled under every column of each family: below the Izhikevich
    # rows (axes[1, 0], and axes[0, 1] above the empty place), and below the AdEx row.
    labelled = [(i, j) for i in range(3) for j in range(2) if axes[i, j].get_xlabel()]
    assert labelled == [(0, 1), (1, 0), (2, 0), (2, 1)]
    assert all(axes[i, j].get_xlabel() == "time (ms)" for i, j in labelled)
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
    assert [t.get_text() for t in fig.axes[0].texts] == ["mine", "input (its shape)"]


UNLABELLED = re.compile(r"\by against\b|\bagainst x\b")  # describe()'s words for a missing label


def test_every_panel_of_the_grid_says_what_it_plots_with_units(solved):
    """Each panel names v (mV) and t (ms), its spikes and its input; no "y against x"."""
    fig = plot_pattern_grid(solved, ncols=2)
    text = describe(fig)
    assert not UNLABELLED.search(text), text
    assert text.startswith("Firing patterns, one panel per published model: membrane potential "
                           "v (mV) against time t (ms), the input current's shape as a grey step")
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert text.count("v (mV) against t (ms)") == len(shown) == len(solved)
    for ax, (model, sol) in zip(shown, solved.values()):
        n = len(sol.t_events[0])
        assert ax.lifutils_description.startswith(
            f"{model.label}: v (mV) against t (ms), {model.t_span[0]:g} to {model.t_span[1]:g} ms; ")
        assert (f"{n} spikes, the first at {sol.t_events[0][0]:.0f} ms" if n > 1
                else f"1 spike, at {sol.t_events[0][0]:.0f} ms" if n else "no spikes") \
            in ax.lifutils_description
    assert "TC_rebound: rebound burst" in text and "input steps up at 100 ms" in text
    assert "RS: regular spiking" in text and "input steps up at 10 ms" in text


def test_a_pattern_alone_says_the_quantities_in_full(solved):
    model, sol = solved["adex", "tonic"]
    text = describe(plot_pattern(model, sol).figure)
    assert text.startswith("tonic spiking: membrane potential v (mV) against time t (ms), "
                           "0 to 500 ms; ")
    assert text.endswith("; the input current (grey, its shape only) steps up at 10 ms.")
    bare = describe(plot_pattern(model, sol, show_input=False).figure)
    assert "input" not in bare and not UNLABELLED.search(bare)


def test_a_pattern_without_spikes_says_so():
    """A pattern held below threshold: the description says no spikes, not an index error."""
    from dataclasses import replace

    from lifutils.gallery import StepCurrent, adex
    quiet = adex("tonic")
    quiet = replace(quiet, current=StepCurrent((0.0, 0.0), (10.0,)))
    sol = quiet.solve(rtol=1e-6, atol=1e-6)
    assert len(sol.t_events[0]) == 0
    text = describe(plot_pattern(quiet, sol).figure)
    assert "; no spikes; " in text, text

"""lifutils.figures.drawing: the building blocks shared by the figures and their redraws."""
import numpy as np
from matplotlib.figure import Figure

from lifutils import LIFParams
from lifutils.figures.drawing import MAX_DRAWN_POINTS, PngFigure, draw_guides, fi_grid, new_axes, thin


def test_long_traces_are_thinned_keeping_extremes():
    t = np.linspace(0.0, 100.0, 200_001)
    v = np.sin(t * 7.0)
    v[123_457] = 5.0  # one sample spike that must survive
    tt, vv = thin(t, v)
    assert len(tt) <= MAX_DRAWN_POINTS + 4
    assert vv.max() == 5.0 and vv.min() == v.min()
    assert tt[0] == 0.0 and tt[-1] == 100.0 and np.all(np.diff(tt) >= 0)
    short_t, short_v = thin(t[:100], v[:100])
    assert np.array_equal(short_v, v[:100])


def test_new_axes_is_the_given_one_or_on_a_fresh_png_figure():
    given = Figure().add_subplot()
    assert new_axes(given) is given
    fresh = new_axes(None)
    assert isinstance(fresh.figure, PngFigure) and fresh.figure._repr_png_()[:4] == b"\x89PNG"


def test_guide_labels_hide_outside_the_y_limits():
    ax = Figure().add_subplot()
    draw_guides(ax, LIFParams())
    ax.set_ylim(-60.0, -50.0)  # v_thresh = -55 inside, v_reset = -80 outside
    shown = {t.get_text(): t.get_visible() for t in ax.texts}
    assert shown == {"v_thresh": True, "v_reset": False}


def test_fi_grid_holds_the_rheobase_jump():
    grid = fi_grid(LIFParams(), [0.0, 40.0])  # rheobase 15 nA
    assert grid[0] == 0.0 and grid[-1] == 40.0 and 15.0 in grid
    assert np.nextafter(15.0, np.inf) in grid

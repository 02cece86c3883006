"""Moving a figure's data (the figure objects' update) and rendering it again fast (FastPNG)."""
import io

import matplotlib.image as mimage
import numpy as np
import pytest
from matplotlib.figure import Figure

import lifutils
from lifutils import LIFParams
from lifutils.figures import plotting
from lifutils.compare import compare_methods
from lifutils.widgets import redraw

P20 = LIFParams(i_e=20.0)
T_MAX = 100.0


@pytest.fixture(scope="module")
def runs():
    return {row["key"]: row["result"] for row in compare_methods(P20, T_MAX)}


def _line(ax, gid):
    found = [a for a in ax.lines if a.get_gid() == gid]
    assert len(found) == 1, f"expected one {gid!r} line, found {len(found)}"
    return found[0]


def test_update_trace_moves_data_and_guides(runs):
    trace = plotting.TraceFigure().draw(runs["euler"], exact=runs["exact"])
    ax = trace.ax
    p = LIFParams(i_e=30.0, v_reset=-70.0)
    new, new_exact = lifutils.simulate_euler(p, T_MAX), lifutils.simulate_exact(p, T_MAX)
    assert trace.update(new, exact=new_exact) is trace
    assert np.array_equal(_line(ax, "lif-trace").get_ydata(), new.v)
    assert np.array_equal(_line(ax, "lif-exact").get_xdata(), new_exact.t)
    assert np.array_equal(_line(ax, "lif-spikes").get_xdata(), new.spike_times)
    assert _line(ax, "lif-reset").get_ydata()[0] == -70.0
    label = [t for t in ax.texts if t.get_gid() == "lif-reset-label"][0]
    assert label.get_position()[1] == -70.0


def test_update_trace_needs_what_it_updates(runs):
    trace = plotting.TraceFigure().draw(runs["euler"])
    with pytest.raises(ValueError, match="exact"):
        trace.update(runs["euler"], exact=runs["exact"])
    with pytest.raises(ValueError, match="draw one first"):
        plotting.TraceFigure(Figure().add_subplot()).update(runs["euler"])




def test_fastpng_matches_a_fresh_render_after_updates(runs):
    trace = plotting.TraceFigure().draw(runs["euler"], exact=runs["exact"])
    ax = trace.ax
    ax.figure.set_dpi(60)
    renderer = redraw.FastPNG(ax.figure, trace.moving, watched=trace.watched)
    first = renderer.render()
    for i_e, v_reset in ((30.0, -80.0), (25.0, -70.0), (10.0, -70.0)):
        p = LIFParams(i_e=i_e, v_reset=v_reset)
        trace.update(lifutils.simulate_euler(p, T_MAX), exact=lifutils.simulate_exact(p, T_MAX))
        png = renderer.render()
        assert png != first
        # Same pixels as a renderer that draws the whole figure from scratch:
        # the kept background is right, also after the reset guide moved.
        fresh = redraw.FastPNG(ax.figure, trace.moving, freeze_layout=False).render()
        assert np.array_equal(mimage.imread(io.BytesIO(png)), mimage.imread(io.BytesIO(fresh)))
    # The moving artists are still drawn by a normal savefig.
    assert all(a.get_animated() for a in renderer.artists)
    full = mimage.imread(io.BytesIO(plotting.figure_to_png(ax.figure)))
    assert full.shape == mimage.imread(io.BytesIO(png)).shape

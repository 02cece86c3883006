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
    shown = mimage.imread(io.BytesIO(png))
    # The same size; an opaque figure is sent as RGB (encode_png), savefig writes RGBA.
    assert full.shape[:2] == shown.shape[:2] and shown.shape[2] == 3 and full[..., 3].min() == 1.0


def test_encode_png_round_trips_rgb_and_rgba():
    from PIL import Image

    rng = np.random.default_rng(7)
    img = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    img[..., 3] = 255
    back = np.asarray(Image.open(io.BytesIO(redraw.encode_png(img))))
    assert back.shape == (37, 53, 3) and np.array_equal(back, img[..., :3])
    img[5, 7, 3] = 128  # one pixel not opaque: the alpha channel is kept
    for level in range(10):
        back = np.asarray(Image.open(io.BytesIO(redraw.encode_png(img, level))))
        assert back.shape == (37, 53, 4) and np.array_equal(back, img)


@pytest.mark.parametrize("bad", [np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4, 4), float),
                                 np.zeros((4, 4), np.uint8), "png"])
def test_encode_png_refuses_what_is_not_rgba_bytes(bad):
    with pytest.raises(lifutils.LifutilsError, match="rgba must be"):
        redraw.encode_png(bad)


@pytest.mark.parametrize("level", [-1, 10, 2.0, True, None])
def test_compress_level_is_zlibs(level):
    with pytest.raises(lifutils.LifutilsError, match="level must be an integer from 0 to 9"):
        redraw.FastPNG(plotting.TraceFigure().ax.figure, compress_level=level)

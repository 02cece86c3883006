"""Dashboards at projector size, and figures that read the same in a dark theme."""
import io

import pytest
from matplotlib.image import imread

from lifutils import LifutilsError
import dashboards
from lifutils.widgets import euler_explorer, hack_explorer
from lifutils.widgets.framework import SIZES

DASHBOARDS = dashboards.factories()  # every dashboard in lifutils.widgets.__all__


def _png(dash):
    return imread(io.BytesIO(dash.png), format="png")


@pytest.mark.parametrize("name", DASHBOARDS)
def test_projector_size_is_larger_in_every_dashboard(name):
    screen, projector = DASHBOARDS[name](), DASHBOARDS[name](size="projector")
    assert screen.size == "screen" and projector.size == "projector"
    assert projector.figure.dpi == SIZES["projector"] == 1.6 * SIZES["screen"]
    small, large = _png(screen).shape, _png(projector).shape
    assert large[0] == pytest.approx(1.6 * small[0], abs=2)
    assert large[1] == pytest.approx(1.6 * small[1], abs=2)
    assert "lif-projector" in projector._dom_classes
    assert "lif-projector" not in screen._dom_classes
    assert "--jp-widgets-font-size: 20px" in projector.children[0].value
    assert "--jp-widgets-font-size" not in screen.children[0].value  # (the focus outline CSS is in both)


@pytest.mark.parametrize("name", DASHBOARDS)
def test_figures_are_opaque_white_for_a_dark_theme(name):
    image = _png(DASHBOARDS[name]())
    if image.shape[2] == 4:
        assert image[..., 3].min() == 1.0, "transparent pixels would show the dark page through"
    assert image[1, 1, :3].min() == 1.0 and image[-2, -2, :3].min() == 1.0


@pytest.mark.parametrize("size", ["Projector", "large", None, 2])
def test_a_bad_size_names_the_rule(size):
    with pytest.raises(LifutilsError, match=r"size must be one of \['projector', 'screen'\]"):
        hack_explorer(size=size)


def test_refused_settings_use_the_theme_error_colour():
    dash = euler_explorer()
    dash.controls["v_reset"].value = -50.0
    assert dash.error_message
    assert "var(--jp-error-color1" in dash.error.value

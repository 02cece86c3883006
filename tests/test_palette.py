"""The method colours stay apart for colour-blind readers, and no figure relies on colour alone.

Colour vision deficiency is simulated with the Machado et al. (2009) matrices
(severity 1, dichromacy) applied to linear RGB, and colours are compared with
CIEDE2000 between their CIELAB coordinates (D65): both from colour-science
(``colour.blindness.matrix_cvd_Machado2009``, ``colour.delta_E(..., method="CIE 2000")``).
The simulation is checked against colorspacious, another implementation of the same model.
Two lines are told apart at a glance from a difference of about 15 on; 1-2 is
barely noticeable.
"""
import itertools

import numpy as np
import pytest

_PRINT_OPTIONS = np.get_printoptions()
import colour  # noqa: E402  it sets numpy's print options to legacy="1.13" on import
np.set_printoptions(**_PRINT_OPTIONS)  # which the doctests of lifutils must not see
from matplotlib.lines import Line2D

from lifutils import LIFParams, simulate_euler, simulate_exact
from lifutils.methods import LINE_STYLES, MARKERS, PALETTE, REGISTRY
from lifutils.figures.plotting import plot_trace
from lifutils.figures.accuracy import plot_work_precision

# colour-science's names for the Machado et al. (2009) deficiencies; severity 1 is dichromacy.
MACHADO_2009 = {"protanopia": "Protanomaly", "deuteranopia": "Deuteranomaly"}


def simulate(color: str, deficiency: str | None) -> np.ndarray:
    """Linear RGB of '#rrggbb' ``color`` as seen with ``deficiency`` (None: normal vision)."""
    rgb = colour.cctf_decoding(colour.notation.HEX_to_RGB(color), function="sRGB")
    if deficiency is None:
        return rgb
    matrix = colour.blindness.matrix_cvd_Machado2009(MACHADO_2009[deficiency], 1.0)
    return np.clip(matrix @ rgb, 0.0, 1.0)


def ciede2000(lab1, lab2) -> float:
    return float(colour.delta_E(np.asarray(lab1), np.asarray(lab2), method="CIE 2000"))


def difference(color1: str, color2: str, deficiency: str | None = None) -> float:
    """CIEDE2000 between two '#rrggbb' colours as seen with ``deficiency``."""
    lab1, lab2 = (colour.XYZ_to_Lab(colour.RGB_to_XYZ(simulate(c, deficiency), "sRGB"))
                  for c in (color1, color2))
    return ciede2000(lab1, lab2)


MIN_DIFFERENCE = 15.0
VISION = (None, "protanopia", "deuteranopia")
#: The methods lifutils ships; a method registered later may share a colour (the palette
#: has eight) as long as its line style and marker tell it apart.
SHIPPED = ("euler", "euler_interp", "hack", "events", "exact")


def closest_pair(deficiency, keys=SHIPPED):
    """(difference, key1, key2) of the two method colours closest for ``deficiency``."""
    return min((difference(REGISTRY[a].color, REGISTRY[b].color, deficiency), a, b)
               for a, b in itertools.combinations(keys, 2))


@pytest.mark.parametrize("lab1, lab2, expected", [
    # Sharma, Wu and Dalal (2005), test data for CIEDE2000: pairs 1, 7, 17 and 25.
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
])
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=5e-5)


def test_simulation_keeps_grey_and_merges_red_and_green_for_a_protanope():
    for deficiency in VISION[1:]:
        assert difference("#808080", "#808080", deficiency) == 0.0
        # Greys stay greys: the matrices' rows sum to 1.
        assert difference("#404040", "#c0c0c0", deficiency) == pytest.approx(
            difference("#404040", "#c0c0c0"), rel=1e-3)
    # The old pair (tab10 orange and green) is what the test must catch.
    assert difference("#ff7f0e", "#2ca02c") > 30
    assert difference("#ff7f0e", "#2ca02c", "protanopia") < 5


@pytest.mark.parametrize("deficiency", VISION, ids=lambda d: d or "normal")
def test_every_pair_of_method_colours_is_clearly_different(deficiency):
    worst, a, b = closest_pair(deficiency)
    assert worst >= MIN_DIFFERENCE, (
        f"{a} {REGISTRY[a].color} and {b} {REGISTRY[b].color}: CIEDE2000 {worst:.1f} "
        f"for {deficiency or 'normal vision'}")


@pytest.mark.parametrize("deficiency", VISION, ids=lambda d: d or "normal")
def test_the_set_in_use_is_told_apart_by_colour_or_else_by_line_and_marker(deficiency):
    """Whatever is registered (here the shipped methods plus the palette's every colour
    and more): two methods whose colours are close differ in line style and in marker."""
    from lifutils.methods import Method, register, unregister

    extra = [register(Method(f"more_{k}", f"more {k}", f"more {k}", simulate_euler, ("dt",)))
             for k in range(len(PALETTE))]
    try:
        for a, b in itertools.combinations(REGISTRY.values(), 2):
            if difference(a.color, b.color, deficiency) < MIN_DIFFERENCE:
                assert str(a.linestyle) != str(b.linestyle), (a.key, b.key)
                assert a.marker["marker"] != b.marker["marker"], (a.key, b.key)
    finally:
        for m in extra:
            unregister(m.key)


def test_the_palette_has_room_and_every_colour_shows_on_white():
    """New methods take their colours from PALETTE: each with 3:1 contrast on white
    (WCAG 2.1, 1.4.11), and more colours, line styles and markers than lifutils uses."""
    def luminance(color):
        return float(np.dot([0.2126, 0.7152, 0.0722], simulate(color, None)))
    for color in PALETTE:
        assert 1.05 / (luminance(color) + 0.05) >= 3.0, color
    assert len(set(PALETTE)) == len(PALETTE) >= 8  # Okabe-Ito's eight hues
    # past the palette, line style and marker still tell methods apart
    assert len(LINE_STYLES) >= len(PALETTE) and len(MARKERS) > len(LINE_STYLES)


def test_each_method_has_its_own_line_style_and_marker():
    styles = [m.linestyle for m in REGISTRY.values()]
    markers = [m.marker["marker"] for m in REGISTRY.values()]
    assert len({str(s) for s in styles}) == len(styles), styles
    assert len(set(markers)) == len(markers), markers


def _dashes(line):
    """A drawn line's dash pattern, as matplotlib will draw it."""
    offset, dashes = line._unscaled_dash_pattern
    return None if dashes is None else tuple(np.round(dashes, 6))


def test_traces_on_one_axes_differ_by_more_than_colour():
    p = LIFParams(i_e=20.0)
    ax = None
    for m in REGISTRY.values():
        if not m.reference:
            ax = plot_trace(m.run(p, 100.0), ax, exact=simulate_exact(p, 100.0))
    traces = [line for line in ax.lines if line.get_gid() in ("lif-trace", "lif-exact")]
    patterns = {(_dashes(line), line.get_linewidth()) for line in traces}
    assert len(patterns) == len(REGISTRY)  # every method and the exact answer


def test_work_precision_families_differ_by_more_than_colour():
    rows = [dict(key=k, family=name, setting=s, nfev=n, max_error=e)
            for k, name in (("euler", "Euler"), ("euler_interp", "Euler, interpolated"),
                            ("events", "events (RK45)"), ("events", "events (LSODA)"))
            for s, n, e in (("a", 100, 0.1), ("b", 1000, 0.01))]
    ax = plot_work_precision(rows)
    lines = [line for line in ax.lines if isinstance(line, Line2D) and line.get_label()[0] != "_"]
    cues = [(line.get_marker(), _dashes(line)) for line in lines]
    assert len(lines) == 4 and len(set(cues)) == 4, cues


def test_closest_pair_report(capsys):
    """Prints the closest pair for each kind of vision (the number the issue asks for)."""
    for deficiency in VISION:
        worst, a, b = closest_pair(deficiency)
        print(f"{deficiency or 'normal':>12}: closest {a} / {b}, CIEDE2000 {worst:.1f}")
        assert worst >= MIN_DIFFERENCE
    assert "closest" in capsys.readouterr().out


@pytest.mark.parametrize("deficiency, name", [("protanopia", "protanomaly"),
                                              ("deuteranopia", "deuteranomaly")])
def test_the_simulation_agrees_with_colorspacious(deficiency, name):
    """colour-science's Machado et al. (2009) simulation, as used here, against
    colorspacious's (severity 100), on the method colours and a grid."""
    from colorspacious import cspace_convert

    grid = [f"#{r:02X}{g:02X}{b:02X}" for r in (0, 90, 200, 255) for g in (0, 120, 255)
            for b in (0, 140, 255)]
    for colour_ in [m.color for m in REGISTRY.values()] + grid:
        rgb = np.array([int(colour_[k:k + 2], 16) / 255.0 for k in (1, 3, 5)])
        theirs = np.clip(cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": name,
                                              "severity": 100}, "sRGB1"), 0.0, 1.0)
        theirs = np.where(theirs <= 0.04045, theirs / 12.92, ((theirs + 0.055) / 1.055) ** 2.4)
        assert simulate(colour_, deficiency) == pytest.approx(theirs, abs=2e-3), colour_

"""Colour-vision deficiency simulation and colour difference, for the palette test.

* Simulation: Machado, Oliveira and Fernandes (2009), "A physiologically-based
  model for simulation of color vision deficiency", IEEE TVCG 15(6), the
  matrices for severity 1.0 (dichromacy), applied to *linear* RGB, as the paper
  prescribes: sRGB is decoded to linear light, multiplied, clipped to [0, 1].
* Difference: CIEDE2000 (CIE 142-2001; Sharma, Wu and Dalal 2005) between the
  CIELAB coordinates (D65 white) of the two colours, the formula used for "just
  noticeable" (about 1-2) and "clearly different" (about 10 and up) colours.
"""
from __future__ import annotations

import math

import numpy as np

MACHADO_2009 = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
# linear sRGB -> XYZ (D65), and the D65 white point (Y = 1)
_RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
_WHITE = _RGB_TO_XYZ @ np.ones(3)


def hex_to_linear(color: str) -> np.ndarray:
    """'#rrggbb' -> linear RGB in [0, 1] (the sRGB transfer function undone)."""
    srgb = np.array([int(color.lstrip("#")[k:k + 2], 16) / 255.0 for k in (0, 2, 4)])
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def simulate(color: str, deficiency: str | None) -> np.ndarray:
    """Linear RGB of ``color`` as seen with ``deficiency`` (None: normal vision)."""
    rgb = hex_to_linear(color)
    if deficiency is None:
        return rgb
    return np.clip(MACHADO_2009[deficiency] @ rgb, 0.0, 1.0)


def linear_to_lab(rgb: np.ndarray) -> np.ndarray:
    """Linear RGB -> CIELAB (D65)."""
    t = (_RGB_TO_XYZ @ rgb) / _WHITE
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(lab1, lab2) -> float:
    """CIEDE2000 colour difference (k_L = k_C = k_H = 1)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dlp, dcp = l2 - l1, c2p - c1p
    dh = h2p - h1p
    if c1p * c2p == 0:
        dh = 0.0
    elif dh > 180:
        dh -= 360
    elif dh < -180:
        dh += 360
    dHp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    lbp, cbp = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hbp = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hbp = (h1p + h2p) / 2
    else:
        hbp = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(hbp - 30)) + 0.24 * math.cos(math.radians(2 * hbp))
         + 0.32 * math.cos(math.radians(3 * hbp + 6)) - 0.20 * math.cos(math.radians(4 * hbp - 63)))
    s_l = 1 + 0.015 * (lbp - 50) ** 2 / math.sqrt(20 + (lbp - 50) ** 2)
    s_c = 1 + 0.045 * cbp
    s_h = 1 + 0.015 * cbp * t
    r_t = (-2 * math.sqrt(cbp ** 7 / (cbp ** 7 + 25 ** 7))
           * math.sin(math.radians(60 * math.exp(-(((hbp - 275) / 25) ** 2)))))
    return math.sqrt((dlp / s_l) ** 2 + (dcp / s_c) ** 2 + (dHp / s_h) ** 2
                     + r_t * (dcp / s_c) * (dHp / s_h))


def difference(color1: str, color2: str, deficiency: str | None = None) -> float:
    """CIEDE2000 between two '#rrggbb' colours as seen with ``deficiency``."""
    return ciede2000(linear_to_lab(simulate(color1, deficiency)),
                     linear_to_lab(simulate(color2, deficiency)))

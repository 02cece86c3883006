"""The families of the model gallery: the :class:`Family` type and the published tables.

A :class:`Family` is one paper's table of patterns, built by one builder, an
entry of :data:`lifutils.gallery.FAMILIES`. The built-in ones read
:data:`IZHIKEVICH_TABLE` (Izhikevich 2003, Fig. 2) and :data:`NAUD_TABLE` (Naud
et al. 2008, Table 1), with their sources.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Callable, Mapping

from . import checks as check
from .catalogue import is_entry, is_import_path, resolve
from .errors import LifutilsError
from .gallery_equations import EQUATIONS

__all__ = ["Family", "checked_family", "IZHIKEVICH_SOURCE", "NAUD_SOURCE", "IZHIKEVICH_TABLE",
           "NAUD_TABLE"]

IZHIKEVICH_SOURCE = ("Izhikevich EM (2003) Simple model of spiking neurons. IEEE Trans Neural "
                     "Netw 14:1569-1572, Fig. 2 (a, b, c, d)")
NAUD_SOURCE = ("Naud R, Marcille N, Clopath C, Gerstner W (2008) Firing patterns in the adaptive "
               "exponential integrate-and-fire model. Biol Cybern 99:335-347, Table 1 (as in "
               "Brian2's example frompapers/Naud_et_al_2008_adex_firing_patterns.py)")

#: Izhikevich (2003), Fig. 2 (the table of ``FAMILIES["izhikevich"]``): name -> (description, a, b, c, d, the input: (levels, switch
#: times, ms), t_end in ms). The steps (amplitude 10 from rest at 10 ms; TC's release from
#: a hyperpolarised rest; RZ's small step just past its Andronov-Hopf point at I = 0.27)
#: are our choice: the paper gives a, b, c, d, not the stimulus protocol.
IZHIKEVICH_TABLE = MappingProxyType({
    "RS": ("regular spiking", 0.02, 0.2, -65.0, 8.0, ((0.0, 10.0), (10.0,)), 200.0),
    "IB": ("intrinsically bursting", 0.02, 0.2, -55.0, 4.0, ((0.0, 10.0), (10.0,)), 200.0),
    "CH": ("chattering", 0.02, 0.2, -50.0, 2.0, ((0.0, 10.0), (10.0,)), 200.0),
    "FS": ("fast spiking", 0.1, 0.2, -65.0, 2.0, ((0.0, 10.0), (10.0,)), 200.0),
    "LTS": ("low-threshold spiking", 0.02, 0.25, -65.0, 2.0, ((0.0, 10.0), (10.0,)), 200.0),
    "TC": ("thalamo-cortical", 0.02, 0.25, -65.0, 0.05,
           ((0.0, 10.0), (10.0,)), 200.0),
    "TC_rebound": ("rebound burst", 0.02, 0.25, -65.0, 0.05,
                   ((-30.0, 0.0), (100.0,)), 200.0),
    "RZ": ("resonator", 0.1, 0.26, -65.0, 2.0, ((0.0, 0.3), (10.0,)), 200.0),
})

#: Naud et al. (2008), Table 1 (the table of ``FAMILIES["adex"]``): name -> (description,
#: parameters). The current I (pA) is
#: switched on at 10 ms (our choice, to show the rest before it) from V = EL, w = 0.
NAUD_TABLE = MappingProxyType({
    name: (description, MappingProxyType(dict(zip(
        ("C", "gL", "EL", "VT", "DeltaT", "a", "tau_w", "b", "Vr", "I"), values))))
    for name, description, values in (
        ("tonic", "tonic spiking", (200, 10, -70, -50, 2, 2, 30, 0, -58, 500)),
        ("adapting", "adaptation", (200, 12, -70, -50, 2, 2, 300, 60, -58, 500)),
        ("initial_burst", "initial burst", (130, 18, -58, -50, 2, 4, 150, 120, -50, 400)),
        ("regular_bursting", "regular bursting", (200, 10, -58, -50, 2, 2, 120, 100, -46, 210)),
        ("delayed_accelerating", "delayed accelerating",
         (200, 12, -70, -50, 2, -10, 300, 0, -58, 300)),
        ("delayed_regular_bursting", "delayed regular bursting",
         (100, 10, -65, -50, 2, -10, 90, 30, -47, 110)),
        ("transient", "transient spiking", (100, 10, -65, -50, 2, 10, 90, 100, -47, 180)),
        ("irregular", "irregular spiking", (100, 12, -60, -50, 2, -11, 130, 30, -48, 160)),
    )
})


@dataclass(frozen=True)
class Family:
    """A family of published patterns: one paper's table, built by one builder.

    Attributes
    ----------
    key : str
        The identifier: a model's ``family``, the first half of a
        :data:`PATTERNS` key.
    title : str
        The heading of its row in the pattern grid (``"Izhikevich (2003)"``).
    equations : str
        The kind of model its patterns are (``"izhikevich"`` or ``"adex"``):
        their equations, the units of their parameters, their phase plane.
    source : str
        Where its parameters come from (a model's ``source``).
    table : mapping
        Pattern name -> its published values, as ``builder`` reads them.
    builder : callable or str
        ``builder(family, name, **overrides) -> Model`` (or
        ``"package.module:function"`` naming it).
    label : str
        A pattern's label in figures, formatted with its ``name`` and
        ``description``.
    """

    key: str
    title: str
    equations: str
    source: str
    table: Mapping
    builder: Callable | str
    label: str = "{description}"

    @property
    def units(self) -> Mapping:
        """The units of its parameters (those of its equations)."""
        return EQUATIONS[self.equations].units

    def pattern_key(self, name) -> str:
        """The key of its pattern ``name`` in :attr:`table` (case, spaces and dashes do not
        matter), or a LifutilsError that lists them."""
        listing = ", ".join(map(repr, self.table))
        if not isinstance(name, str):
            raise LifutilsError(f"name must be a string naming one of the {self.title} patterns "
                                f"{listing}, got {check.show(name)}")
        for key in self.table:
            if _normal(key) == _normal(name):
                return key
        raise LifutilsError(f"name must be one of the {self.title} patterns {listing}, "
                            f"got {check.show(name)}")

    def build(self, name, **overrides):
        """The pattern ``name`` (case and spaces do not matter), parameters changed if asked."""
        return resolve(self.builder)(self, name, **overrides)

    def patterns(self) -> dict:
        """``{(family, name): Model}``: every pattern of its table, as published."""
        return {(self.key, name): self.build(name) for name in self.table}


def checked_family(family, others):
    """The family, checked (the catalogue :data:`lifutils.gallery.FAMILIES` calls it)."""
    if not is_entry(family, Family):
        raise LifutilsError(f"add_family takes a Family, got {check.show(family)}")
    if not isinstance(family.equations, str) or family.equations not in EQUATIONS:
        raise LifutilsError(f"Family.equations must be one of {', '.join(map(repr, EQUATIONS))}, "
                            f"got {check.show(family.equations)}")
    if not (callable(family.builder) or is_import_path(family.builder)):
        raise LifutilsError(f"Family.builder must be callable, got {check.show(family.builder)}")
    if not isinstance(family.table, Mapping) or not family.table:
        raise LifutilsError(f"Family.table must be a mapping name -> values with at least one "
                            f"pattern, got {check.show(family.table)}")
    for text in ("title", "source", "label"):
        if not isinstance(getattr(family, text), str):
            raise LifutilsError(f"Family.{text} must be text, got "
                                f"{check.show(getattr(family, text))}")
    try:  # Model.label formats it for every figure
        family.label.format(name="RS", description="regular spiking")
    except (KeyError, IndexError, ValueError) as exc:
        raise LifutilsError(f"Family.label must be text with the fields {{name}} and "
                            f"{{description}} only, got {family.label!r} ({exc!r})") from None
    if not all(isinstance(name, str) for name in family.table):
        raise LifutilsError(f"Family.table must be keyed by pattern names (text), got "
                            f"{check.show(list(family.table))}")
    return replace(family, table=MappingProxyType(dict(family.table)))


def _normal(name):
    return name.strip().lower().replace(" ", "_").replace("-", "_")

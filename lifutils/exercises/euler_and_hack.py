"""Exercises of notebooks 01 (the Euler loop) and 02 (the dv/dt hack)."""
from __future__ import annotations

__all__: list[str] = []

"""Exercises of notebook 04 (the methods side by side)."""
from __future__ import annotations

__all__: list[str] = []

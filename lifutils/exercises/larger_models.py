"""Exercises of notebooks 05 (larger models) and 06 (the capstone)."""
from __future__ import annotations

__all__: list[str] = []

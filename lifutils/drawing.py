"""Moved to :mod:`lifutils.figures.drawing`; this path is kept for one release (see :mod:`lifutils.moved`)."""
from .moved import forward

forward(__name__, globals())

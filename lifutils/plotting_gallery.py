"""Moved to :mod:`lifutils.figures.gallery`; this path is kept for one release (see :mod:`lifutils.moved`)."""
from .moved import forward

forward(__name__, globals())

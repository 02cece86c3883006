"""Collection rules for the whole tree.

The old module paths of the flat layout (:mod:`lifutils.moved`) warn when
imported, and pytest turns warnings into errors: the doctest run skips them.
tests/test_layout.py imports each one and checks its warning.
"""
from lifutils.moved import MOVED

collect_ignore = [old.replace(".", "/") + ".py" for old in MOVED]

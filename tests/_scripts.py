"""Load a script or extension that is not a package module (scripts/, book/_ext/) once per
test session, under a name of its own, so that tests can call its functions."""
import importlib.util
import sys


def load(name, path):
    """The module at ``path``, imported once as ``name``."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]

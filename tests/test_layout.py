"""The layout: subpackages that own their parts, old paths that warn for a release."""
import importlib
import pathlib
import subprocess
import sys

import pytest

import lifutils
from lifutils.moved import MOVED

ROOT = pathlib.Path(lifutils.__file__).parent


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_path_forwards_to_the_new_one_and_says_where(old):
    code = (f"import warnings, importlib\n"
            f"warnings.simplefilter('always')\n"
            f"with warnings.catch_warnings(record=True) as caught:\n"
            f"    warnings.simplefilter('always')\n"
            f"    old = importlib.import_module({old!r})\n"
            f"new = importlib.import_module({MOVED[old]!r})\n"
            f"assert old.__all__ and all(getattr(old, n) is getattr(new, n) for n in old.__all__)\n"
            f"print(sorted({{str(w.message) for w in caught if w.category is DeprecationWarning}}))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    expected = [f"{old} moved to {MOVED[old]} (the old path goes in the next release)"]
    assert done.stdout.strip() == repr(expected)


def test_an_old_path_warns_again_when_reloaded():
    with pytest.warns(DeprecationWarning, match="lifutils.population moved"):
        old = importlib.reload(importlib.import_module("lifutils.population"))
    assert old.simulate_population is lifutils.populations.simulate_population
    assert old.POPULATION_NEURON.t_ref == 2.0


@pytest.mark.parametrize("package", ["restart", "figures", "populations"])
def test_each_subpackage_says_what_it_owns_and_may_import(package):
    module = importlib.import_module(f"lifutils.{package}")
    assert "May import" in module.__doc__ or "imports" in module.__doc__
    for name in module.__all__:
        assert hasattr(module, name), f"lifutils.{package}.__all__ names {name}, which is missing"


def test_no_module_of_the_old_flat_prefixes_is_left_but_the_forwarders():
    flat = {p.stem for p in ROOT.glob("*.py")}
    prefixed = {n for n in flat if n.startswith(("restart_", "plotting", "population"))}
    assert prefixed <= {old.split(".", 1)[1] for old in MOVED}


def test_numerics_never_import_figures_or_widgets():
    for package in ("restart", "populations"):
        for path in (ROOT / package).glob("*.py"):
            text = path.read_text()
            assert "figures" not in text.split('"""', 2)[-1], path
            assert "widgets" not in text.split('"""', 2)[-1], path

"""The documentation matches the code: public functions have examples, the README's commands exist.

The examples themselves run under ``pytest --doctest-modules`` (configured in pyproject.toml).
"""
import pathlib
import re


ROOT = pathlib.Path(__file__).resolve().parents[1]
# Docstring examples run once, under pytest --doctest-modules (see pyproject.toml).
NUMERIC_MODULES = ["params", "result", "methods", "inputs", "analytic", "euler", "dvdt_hack",
                   "resets", "events", "compare", "references/__init__", "references/currents",
                   "references/capstone", "references/network", "errors", "tables", "population"]


def test_every_public_function_has_units_and_an_example():
    import lifutils
    for name in lifutils.__all__:
        obj = getattr(lifutils, name)
        if name == "inputs" or (isinstance(obj, type) and issubclass(obj, Warning | Exception)):
            continue  # a module, and the error family (documented as a whole in lifutils.errors)
        doc = obj.__doc__ or ""
        assert "Examples" in doc or name in ("LIFResult",), f"{name} has no Examples section"


def test_numeric_modules_import_only_numpy_and_scipy():
    allowed = {"numpy", "scipy", "__future__", "dataclasses", "math", "numbers", "typing", "time",
               "warnings",
               "functools", "importlib", "collections"}
    for name in NUMERIC_MODULES:
        source = (ROOT / "lifutils" / f"{name}.py").read_text()
        for match in re.finditer(r"^(?:from ([\w.]+) import|import ([\w.]+))", source, re.M):
            module = match.group(1) or match.group(2)
            assert module.split(".")[0] in allowed or module.startswith("."), (name, module)


def test_readme_make_targets_exist():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for target in set(re.findall(r"^\s*make (\w+)", readme, re.M)):
        assert re.search(rf"^{target}:", makefile, re.M), f"README names `make {target}`"
    assert readme.index("make lab") < readme.index("make test") < readme.index("conda env create")


def test_readme_names_only_functions_that_exist():
    import lifutils
    readme = (ROOT / "README.md").read_text()
    for name in set(re.findall(r"`(?:lifutils\.)?(simulate_\w+|solve_ivp_with_resets|\w+_spike_times)", readme)):
        assert hasattr(lifutils, name), f"README names {name}, which lifutils does not have"


def test_readme_public_api_is_lifutils_all():
    """The Public API block of the README imports exactly what ``lifutils.__all__`` exports."""
    import lifutils
    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index("### Public API"):]
    block = block[block.index("from lifutils import ("):block.index(")", block.index("from lifutils import ("))]
    named = set(re.findall(r"\b[A-Za-z_]\w*\b", block.split("(", 1)[1]))
    assert named == set(lifutils.__all__), (named ^ set(lifutils.__all__))

"""environment.yml (conda / Binder) and pyproject.toml name the same packages and bounds.

environment.yml is the run-time set only: pyproject's dependencies and its `lab`
extra. The `test` extra (pytest, playwright, ...) must stay out of it, so Binder
does not build test tools into every student's environment.
"""
import pathlib
import re

try:
    import tomllib
except ImportError:  # Python 3.10: tomli, the package tomllib was made from
    import tomli as tomllib
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]


def conda_requirements():
    """The dependencies of environment.yml: {name: bound}, and its pip section."""
    reqs, pip_section = {}, []
    for item in yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]:
        if isinstance(item, dict):
            pip_section += item["pip"]
            continue
        name, bound = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", item).groups()
        reqs[name.lower()] = bound.replace(" ", "")
    return reqs, pip_section


def pyproject_requirements():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = data["project"]
    reqs = {}
    for group in ("dependencies", "lab", "test"):
        listed = project[group] if group == "dependencies" else project["optional-dependencies"][group]
        reqs[group] = {}
        for req in listed:
            name, bound = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", req).groups()
            reqs[group][name.lower()] = bound.replace(" ", "")
    return reqs, project["requires-python"]


def test_same_packages_and_bounds():
    conda, pip_section = conda_requirements()
    py, requires_python = pyproject_requirements()
    assert conda.pop("python") == requires_python
    assert conda.pop("pip") == ""
    assert conda == py["dependencies"] | py["lab"]


def test_run_time_set_is_lean():
    conda, _ = conda_requirements()
    py, _ = pyproject_requirements()
    assert sorted(py["dependencies"]) == ["ipywidgets", "matplotlib", "numpy", "scipy"]
    assert sorted(py["lab"]) == ["jupyterlab", "nbval"]
    assert sorted(set(conda) - {"python", "pip"}) == [
        "ipywidgets", "jupyterlab", "matplotlib", "nbval", "numpy", "scipy"]
    assert not set(conda) & set(py["test"]), "a test tool is in environment.yml (Binder)"


def test_environment_installs_lifutils_itself():
    _, pip_section = conda_requirements()
    assert pip_section == ["-e ."]

"""environment.yml (conda / Binder) and pyproject.toml name the same packages and bounds."""
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
    for req in project["dependencies"] + project["optional-dependencies"]["test"]:
        name, bound = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", req).groups()
        reqs[name.lower()] = bound.replace(" ", "")
    return reqs, project["requires-python"]


def test_same_packages_and_bounds():
    conda, pip_section = conda_requirements()
    py, requires_python = pyproject_requirements()
    assert conda.pop("python") == requires_python
    assert conda.pop("pip") == ""
    assert conda == py


def test_environment_installs_lifutils_itself():
    _, pip_section = conda_requirements()
    assert pip_section == ["-e ."]

"""environment.yml (conda / Binder) and pyproject.toml name the same packages and bounds."""
import pathlib
import re

try:
    import tomllib
except ImportError:  # Python 3.10: the TOML reader that pip itself ships
    from pip._vendor import tomli as tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def conda_requirements():
    """Parse the dependency list of environment.yml without a YAML library."""
    reqs, pip_section = {}, []
    in_deps = in_pip = False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        if in_deps and re.match(r"^\S", line):
            in_deps = False
        if not in_deps or not line.strip() or line.strip().startswith("#"):
            continue
        item = line.strip()[2:].strip()
        if item == "pip:":
            in_pip = True
            continue
        if in_pip and line.startswith("      - "):
            pip_section.append(item)
            continue
        in_pip = False
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

"""scripts/publish.py (`make publish REPO=owner/name`), run on copies of the README and notebooks."""

from __future__ import annotations

import ast
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "publish.py"

INSTALL_CELL = '''\
# Set-up: where lifutils is missing (Colab, a bare kernel) install it; elsewhere this does nothing.
import importlib.util, subprocess, sys
LIFUTILS_SOURCE = None  # set by `make publish REPO=owner/name`; see the README
if importlib.util.find_spec("lifutils") is None:
    if LIFUTILS_SOURCE is None:
        raise ModuleNotFoundError("lifutils is not installed: run `pip install -e .` in the repository")
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", LIFUTILS_SOURCE])'''


def _load():
    if "publish" not in sys.modules:
        spec = importlib.util.spec_from_file_location("publish", SCRIPT)
        module = importlib.util.module_from_spec(spec)
        sys.modules["publish"] = module
        spec.loader.exec_module(module)
    return sys.modules["publish"]


publish = _load()


def _source_value(cell_source: str):
    """The value the install cell gives LIFUTILS_SOURCE (parsed, not run)."""
    for node in ast.walk(ast.parse(cell_source)):
        if isinstance(node, ast.Assign) and node.targets[0].id == "LIFUTILS_SOURCE":
            return ast.literal_eval(node.value)
    raise AssertionError("no LIFUTILS_SOURCE assignment")


@pytest.fixture
def copy(tmp_path):
    """The repository's README and notebooks, plus one notebook with the install cell."""
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    nb = new_notebook(cells=[new_markdown_cell("# 99. Test"), new_code_cell(INSTALL_CELL),
                             new_code_cell("print('LIFUTILS_SOURCE = None')")])
    nbformat.write(nb, tmp_path / "notebooks" / "99_install_cell.ipynb")
    return tmp_path


def test_the_readme_links_to_no_repository_before_publishing():
    readme = (ROOT / "README.md").read_text()
    assert "lifutils/lifutils" not in readme
    assert "mybinder.org/v2" not in readme and "colab.research.google.com/github" not in readme
    assert publish.START in readme and publish.END in readme


def test_publish_writes_links_and_install_cells(copy):
    assert subprocess.run([sys.executable, str(SCRIPT), "ada/lif-course", "--root", str(copy)],
                          capture_output=True, text=True, check=True).returncode == 0
    readme = (copy / "README.md").read_text()
    assert ("https://mybinder.org/v2/gh/ada/lif-course/main?urlpath=lab/tree/"
            "notebooks/00_start_here.ipynb") in readme
    assert ("https://colab.research.google.com/github/ada/lif-course/blob/main/"
            "notebooks/00_start_here.ipynb") in readme
    nb = nbformat.read(copy / "notebooks" / "99_install_cell.ipynb", as_version=4)
    assert _source_value(nb.cells[1].source) == "git+https://github.com/ada/lif-course"
    assert nb.cells[2].source == "print('LIFUTILS_SOURCE = None')"  # only the install line
    # Every real notebook: unchanged, except its install line if it has one.
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        before, after = path.read_text(), (copy / "notebooks" / path.name).read_text()
        assert after == before.replace(
            '"LIFUTILS_SOURCE = None', '"LIFUTILS_SOURCE = \\"git+https://github.com/ada/lif-course\\"')
        nbformat.validate(nbformat.reads(after, as_version=4))


def test_publishing_again_replaces_the_links(copy):
    publish.publish(copy, "ada/lif-course", log=lambda *_: None)
    publish.publish(copy, "bob/lif.fork", branch="teaching", log=lambda *_: None)
    readme = (copy / "README.md").read_text()
    assert "ada/lif-course" not in readme
    assert readme.count("mybinder.org/v2/gh/bob/lif.fork/teaching?") == 1
    block = readme[readme.index(publish.START):readme.index(publish.END)]
    assert block.count("](https://mybinder.org/v2/") == 1
    assert block.count("](https://colab.research.google.com/github/") == 1
    nb = nbformat.read(copy / "notebooks" / "99_install_cell.ipynb", as_version=4)
    assert _source_value(nb.cells[1].source) == "git+https://github.com/bob/lif.fork"


@pytest.mark.parametrize("repo", ["", "lifutils", "a/b/c", "-ada/x", "ada/x.git", "ada/..",
                                  "ada/x y", "ada/x;rm -rf", "https://github.com/ada/x",
                                  "a" * 40 + "/x"])
def test_bad_repo_names_are_refused(repo, copy):
    before = (copy / "README.md").read_text()
    done = subprocess.run([sys.executable, str(SCRIPT), "--root", str(copy), "--", repo],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "REPO must be a GitHub repository as owner/name" in done.stderr
    assert repr(repo) in done.stderr
    assert (copy / "README.md").read_text() == before


def test_a_readme_without_markers_is_refused(copy):
    (copy / "README.md").write_text("# no markers\n")
    with pytest.raises(publish.PublishError, match="no <!-- launch-links -->"):
        publish.publish(copy, "ada/lif-course", log=lambda *_: None)


def test_make_publish_passes_repo_to_the_script():
    done = subprocess.run(["make", "-s", "-C", str(ROOT), "-n", "publish", "REPO=ada/x"],
                          capture_output=True, text=True, check=True)
    assert 'scripts/publish.py -- "ada/x"' in done.stdout

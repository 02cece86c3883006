"""scripts/publish.py (`make publish REPO=owner/name`), run on copies of the README and notebooks."""

from __future__ import annotations

import ast
import hashlib
import _scripts  # tests/ is on sys.path
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings, strategies as st
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
    return _scripts.load("publish", SCRIPT)


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


def _snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root``, by relative path, with the hash of its bytes."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def repo_copy(tmp_path):
    """A temporary copy of what `make publish` touches: the Makefile, the script, the
    README and the notebooks; plus an empty directory the payloads aim at."""
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    for name in ("Makefile", "README.md", "scripts/publish.py"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    (tmp_path / "target").mkdir()
    return root


# Each payload tries to create the file MARK; the shell forms, make's own `$(shell ...)`,
# `$$` (make's escape for `$`), trailing newlines and quotes of either kind. (A leading
# newline is not here: make strips leading blanks from `VAR=value` before anything
# sees it; the script's own test below refuses one.)
HOSTILE = [
    'x"; touch MARK; echo "',
    "x'; touch MARK; echo '",
    "`touch MARK`",
    "a/`touch MARK`",
    "$(touch MARK)",
    "a/$(touch MARK)",
    "$$(touch MARK)",
    "$(shell touch MARK)",
    "a/b$(shell touch MARK)",
    "a/b; touch MARK",
    "a/b && touch MARK",
    "a/b | touch MARK",
    "a/b\ntouch MARK",
    "a/b\n",
    "a/b\n\n",
    "a/b\r",
    "a/b ",
    "a/b\ttouch MARK",
]


def _make_publish(root: Path, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "REPO", "BRANCH")}
    return subprocess.run(["make", "-s", "-C", str(root), "publish", f"PYTHON={sys.executable}",
                           *(f"{k}={v}" for k, v in variables.items())],
                          capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.parametrize("payload", HOSTILE)
@pytest.mark.parametrize("variable", ["REPO", "BRANCH"])
def test_make_publish_runs_nothing_from_hostile_repo_or_branch(payload, variable, repo_copy):
    mark = repo_copy.parent / "target" / "pwned"
    value = payload.replace("MARK", str(mark))
    before = _snapshot(repo_copy.parent)
    variables = {"REPO": value} if variable == "REPO" else {"REPO": "ada/lif-course", "BRANCH": value}
    done = _make_publish(repo_copy, **variables)
    assert not mark.exists(), done
    assert _snapshot(repo_copy.parent) == before, "a refused publish changed a file"
    assert done.returncode != 0
    rule = "REPO must be a GitHub repository" if variable == "REPO" else "BRANCH must be a git branch"
    assert f"publish: {rule}" in done.stderr
    assert repr(value) in done.stderr  # the value as received: nothing expanded on the way
    assert "Traceback" not in done.stderr


def test_make_publish_writes_the_links(repo_copy):
    done = _make_publish(repo_copy, REPO="ada/lif-course", BRANCH="teaching/2026")
    assert done.returncode == 0, done.stderr
    readme = (repo_copy / "README.md").read_text()
    assert "https://mybinder.org/v2/gh/ada/lif-course/teaching/2026?urlpath=" in readme
    done = _make_publish(repo_copy, REPO="bob/x")  # BRANCH unset: main
    assert done.returncode == 0, done.stderr
    readme = (repo_copy / "README.md").read_text()
    assert "https://colab.research.google.com/github/bob/x/blob/main/notebooks/" in readme
    assert "ada/lif-course" not in readme


def test_make_publish_without_repo_is_refused(repo_copy):
    before = _snapshot(repo_copy)
    done = _make_publish(repo_copy)
    assert done.returncode != 0 and "REPO must be a GitHub repository" in done.stderr
    assert _snapshot(repo_copy) == before


def test_a_branch_git_allows_is_written_percent_encoded_and_runs_nothing(repo_copy):
    """`;`, `$`, `{`, `(`, `#` and non-ASCII letters are legal in a git branch name:
    the branch is accepted, no shell reads it, and the links carry it encoded."""
    mark = repo_copy.parent / "target" / "pwned"
    branch = f"x;touch${{IFS}}{mark}#(é)"
    done = _make_publish(repo_copy, REPO="ada/lif-course", BRANCH=branch)
    assert done.returncode == 0, done.stderr
    assert not mark.exists()
    readme = (repo_copy / "README.md").read_text()
    encoded = "x%3Btouch%24%7BIFS%7D" + str(mark) + "%23%28%C3%A9%29"
    assert f"/v2/gh/ada/lif-course/{encoded}?urlpath=" in readme
    block = readme[readme.index(publish.START):readme.index(publish.END)]
    # two badges, two links, and no parenthesis of the branch that would close one early
    assert block.count("](https://") == 4 and block.count(")") == 4


@pytest.mark.parametrize("repo", ["a/b\n", "a/b\n\n", "a\n/b", "\na/b", "ada/lif-course\r"])
def test_a_trailing_newline_is_refused_by_the_script(repo, copy):
    before = _snapshot(copy)
    done = subprocess.run([sys.executable, str(SCRIPT), "--root", str(copy), "--", repo],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "REPO must be" in done.stderr, done.stderr
    assert _snapshot(copy) == before


@pytest.mark.parametrize("branch", ["main\n", "main\r\n", "a b", "..", "a..b", "-x", "HEAD",
                                    "a.lock", "a/.b", "a//b", "/a", "a/", "a.", "a@{1}", "a~1",
                                    "a^", "a:b", "a?", "a*", "a[b", "a\\b", "\x7f", ""])
def test_bad_branches_are_refused_and_change_nothing(branch, copy):
    before = _snapshot(copy)
    done = subprocess.run([sys.executable, str(SCRIPT), "ada/lif-course", "--root", str(copy),
                           f"--branch={branch}"], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "BRANCH must be a git branch name" in done.stderr and repr(branch) in done.stderr
    assert _snapshot(copy) == before


def test_a_broken_notebook_stops_everything_before_any_write(copy):
    (copy / "notebooks" / "50_broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    before = _snapshot(copy)
    done = subprocess.run([sys.executable, str(SCRIPT), "ada/lif-course", "--root", str(copy)],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "notebooks/50_broken.ipynb is not a valid notebook file" in done.stderr
    assert "Traceback" not in done.stderr and "JSONDecodeError" not in done.stderr
    assert _snapshot(copy) == before  # the README, read and rewritten first, is not written


def test_a_notebook_linked_outside_the_repository_is_refused_and_nothing_written(copy, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "victim.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(INSTALL_CELL)]), outside)
    victim = outside.read_bytes()
    (copy / "notebooks" / "60_link.ipynb").symlink_to(outside)
    before = _snapshot(copy)
    done = subprocess.run([sys.executable, str(SCRIPT), "ada/lif-course", "--root", str(copy)],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "notebooks/60_link.ipynb is a link to" in done.stderr and "outside the" in done.stderr
    assert outside.read_bytes() == victim and _snapshot(copy) == before


def test_a_notebook_linked_inside_the_repository_is_published(copy):
    (copy / "shared").mkdir()
    target = copy / "shared" / "install.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(INSTALL_CELL)]), target)
    (copy / "notebooks" / "61_inside.ipynb").symlink_to(target)
    done = subprocess.run([sys.executable, str(SCRIPT), "ada/lif-course", "--root", str(copy)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "git+https://github.com/ada/lif-course" in target.read_text(encoding="utf-8")


_REF_CHARS = list("ab./-@{}~^:?*[\\ HEADlock#é;$") + ["\n", "\t", "\r", "\x7f", "\x01"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_REF_CHARS), max_size=8))
def test_branch_rules_are_gits(tmp_path_factory, branch):
    """branch_problem agrees with `git check-ref-format --branch` (run outside any repository)."""
    cwd = tmp_path_factory.getbasetemp()
    git = subprocess.run(["git", "check-ref-format", "--branch", branch], cwd=cwd,
                         capture_output=True, text=True, timeout=10,
                         env={**os.environ, "GIT_CEILING_DIRECTORIES": str(cwd.parent)})
    assert (publish.branch_problem(branch) is None) == (git.returncode == 0), (branch, git.stderr)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ09-._/") + ["\n", " ", "$", "`", '"']),
               max_size=12))
def test_repo_rule_never_admits_a_character_outside_githubs(repo):
    try:
        publish.check_repo(repo)
    except publish.PublishError:
        return
    owner, name = repo.split("/")
    assert 1 <= len(owner) <= 39 and owner[0] != "-" and owner[-1] != "-" and "--" not in owner
    assert set(owner) <= set("aZ09-") and set(name) <= set("aZ09-._")
    assert name not in (".", "..") and not name.endswith(".git")

"""Point the launch links at the published repository (the `make publish` target).

    python3 scripts/publish.py OWNER/NAME [--branch main] [--hub URL] [--root DIR]
    make publish REPO=OWNER/NAME [BRANCH=main] [HUB=https://hub.example.edu]

Run once by whoever publishes the repository on GitHub as OWNER/NAME. It

* writes the README's launch links (a Binder badge and link, a Colab link)
  between the ``<!-- launch-links -->`` and ``<!-- /launch-links -->``
  markers, replacing whatever was there;
* sets the install cell of every notebook, the line
  ``LIFUTILS_SOURCE = None``, to
  ``LIFUTILS_SOURCE = "git+https://github.com/OWNER/NAME"``, so that a
  notebook opened where lifutils is missing (Colab, a bare kernel) installs it
  from there;
* writes the book's launch buttons (``make book``: Binder and Colab, and a
  JupyterHub with ``--hub``/``HUB=``, opened through nbgitpuller) between the
  ``# launch-buttons`` and ``# /launch-buttons`` markers of
  ``book/_config.yml``. Running it again with another name rewrites all three.

OWNER/NAME must follow GitHub's rules and the branch git's branch-name rules
(``git check-ref-format --branch``), exactly: no trailing newline, no space,
nothing a shell or a link would read as syntax. Every file is read and
rewritten in memory first; only if all of them can be is any written, so a
refusal changes nothing. ``make publish`` hands REPO and BRANCH over in the
environment (``--from-env``), never through a shell command line.

Files are edited as text, so nothing else in them changes. Standard library
only: it runs without the project's virtual environment.

Exit status: 0 on success, 2 on a bad OWNER/NAME or branch, a README without
markers, or a file that cannot be read or rewritten.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.parse
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- launch-links -->", "<!-- /launch-links -->"
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
# `make publish` passes REPO and BRANCH in these (the Makefile's publish recipe).
ENV_REPO, ENV_BRANCH = "LIFUTILS_PUBLISH_REPO", "LIFUTILS_PUBLISH_BRANCH"
ENV_HUB = "LIFUTILS_PUBLISH_HUB"
BOOK_CONFIG = "book/_config.yml"
BOOK_START, BOOK_END = "# launch-buttons", "# /launch-buttons"
# A hub's address: https, a host name, an optional port and path; nothing a link or
# YAML would read as syntax (no query, fragment, quote or space).
_HUB = re.compile(r"https://[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::[0-9]{1,5})?"
                  r"(?:/[A-Za-z0-9._~-]+)*/?", re.ASCII)
# GitHub: an owner is 1 to 39 ASCII letters, digits and single inner hyphens;
# a repository name 1 to 100 letters, digits, '.', '_', '-', not '.', '..' or
# ending in '.git'. Matched with re.fullmatch (a `$` would also match before a
# trailing newline).
_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
_NAME = r"[A-Za-z0-9._-]{1,100}"
_REPO = re.compile(rf"({_OWNER})/({_NAME})", re.ASCII)
# git check-ref-format, for refs/heads/<branch>: no ASCII control character,
# space, ~ ^ : ? * [ \ ; no '..' nor '@{'; no empty component (no leading,
# trailing or doubled '/'); no component that starts with '.' or ends with
# '.lock'; not ending in '.'. `--branch` adds: not starting with '-', not 'HEAD'.
_BRANCH_BAD_CHAR = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")
# The install cell's line, as a JSON string in the .ipynb file: unpublished
# (None) or published before (a git+https URL, its quotes escaped as \").
_SOURCE_LINE = re.compile(
    r'^(\s*")LIFUTILS_SOURCE = (?:None|\\"git\+https://github\.com/[^"\\]*\\")', re.M)


class PublishError(ValueError):
    """A bad argument or a file that cannot be rewritten."""


def check_repo(repo: str) -> str:
    """``repo`` if it is a valid GitHub ``owner/name``, else PublishError naming the rule.

    Examples
    --------
    >>> check_repo("ada/lif-course")
    'ada/lif-course'
    >>> try:
    ...     check_repo("ada/lif-course\\n")
    ... except PublishError as exc:
    ...     print(str(exc)[-22:])
    got 'ada/lif-course\\n'
    """
    match = _REPO.fullmatch(repo) if isinstance(repo, str) else None
    if not match or match.group(2) in (".", "..") or match.group(2).lower().endswith(".git"):
        raise PublishError(
            f"REPO must be a GitHub repository as owner/name (owner: letters, digits and "
            f"single inner hyphens, at most 39; name: letters, digits, '.', '_', '-', no "
            f"'.git'), e.g. make publish REPO=ada/lif-course; got {repo!r}")
    return repo


def branch_problem(branch: str) -> str | None:
    """The git rule ``branch`` breaks (None if it is a valid branch name).

    The rules of ``git check-ref-format --branch``; tests/test_publish.py
    checks this against git itself.

    Examples
    --------
    >>> branch_problem("teaching/2026") is None
    True
    >>> branch_problem("main\\n")
    'no control characters, spaces or any of ~ ^ : ? * [ \\\\'
    """
    if not isinstance(branch, str) or not branch:
        return "not empty"
    if _BRANCH_BAD_CHAR.search(branch):
        return "no control characters, spaces or any of ~ ^ : ? * [ \\"
    if ".." in branch or "@{" in branch:
        return "no '..' and no '@{'"
    if branch.startswith("-") or branch == "HEAD":
        return "not starting with '-' and not 'HEAD'"
    if branch.endswith("."):
        return "not ending in '.'"
    for part in branch.split("/"):
        if not part:
            return "no leading, trailing or doubled '/'"
        if part.startswith(".") or part.endswith(".lock"):
            return "no '/'-separated part starting with '.' or ending in '.lock'"
    return None


def check_branch(branch: str) -> str:
    """``branch`` if git accepts it as a branch name, else PublishError naming the rule."""
    problem = branch_problem(branch)
    if problem:
        raise PublishError(f"BRANCH must be a git branch name ({problem}); got {branch!r}")
    return branch


def check_hub(hub: str) -> str:
    """``hub`` without its trailing slash if it is an https address of a JupyterHub,
    else PublishError naming the rule.

    Examples
    --------
    >>> check_hub("https://hub.example.edu/")
    'https://hub.example.edu'
    """
    if not isinstance(hub, str) or not _HUB.fullmatch(hub):
        raise PublishError(f"HUB must be a JupyterHub's https address (https://host[:port][/path], "
                           f"no query, quote or space), e.g. HUB=https://hub.example.edu; got {hub!r}")
    return hub.rstrip("/")


def book_launch_config(repo: str, branch: str = "main", hub: str | None = None) -> str:
    """The YAML of the book's launch buttons for ``repo`` (and a JupyterHub at ``hub``).

    Every value is a JSON string, which YAML reads as the same string.
    """
    buttons = {"binderhub_url": "https://mybinder.org",
               "colab_url": "https://colab.research.google.com"}
    if hub:
        buttons["jupyterhub_url"] = check_hub(hub)
    lines = ["launch_buttons:", '  notebook_interface: "jupyterlab"']
    lines += [f"  {key}: {json.dumps(value)}" for key, value in buttons.items()]
    lines += ["repository:", f"  url: {json.dumps('https://github.com/' + check_repo(repo))}",
              f"  branch: {json.dumps(check_branch(branch))}", '  path_to_book: ""']
    return "\n".join(lines)


def publish_book_config(text: str, repo: str, branch: str = "main", hub: str | None = None) -> str:
    """The book's ``_config.yml`` ``text`` with the launch buttons for ``repo`` between its
    markers (the marker lines themselves are kept)."""
    start, end = text.find(BOOK_START + ":"), text.find(BOOK_END)
    if start < 0 or end < start:
        raise PublishError(f"{BOOK_CONFIG} has no '{BOOK_START}: ...' ... '{BOOK_END}' lines to "
                           "write the launch buttons between")
    comment_end = text.find("\n", start)
    while text.startswith("\n#", comment_end) and comment_end < end - 1:
        comment_end = text.find("\n", comment_end + 1)  # the marker's comment lines stay
    return f"{text[:comment_end + 1]}{book_launch_config(repo, branch, hub)}\n{text[end:]}"


def launch_links(repo: str, branch: str = "main") -> str:
    """The README's launch links (markdown) for ``repo``, notebook 00 first.

    The branch is percent-encoded in the links (git allows ``#``, ``(`` and
    non-ASCII letters in a branch name; a link must not).
    """
    ref = urllib.parse.quote(branch, safe="/")
    binder = f"https://mybinder.org/v2/gh/{repo}/{ref}?urlpath=lab/tree/{FIRST_NOTEBOOK}"
    colab = f"https://colab.research.google.com/github/{repo}/blob/{ref}/{FIRST_NOTEBOOK}"
    return (f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder})\n"
            f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab})")


def publish_readme(text: str, repo: str, branch: str = "main") -> str:
    """The README ``text`` with the launch links for ``repo`` between the markers."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise PublishError(f"README.md has no {START} ... {END} markers to write the links between")
    return f"{text[:start]}{START}\n{launch_links(repo, branch)}\n{text[end:]}"


def publish_notebook(raw: str, repo: str, name: str = "notebook") -> tuple[str, int]:
    """The .ipynb file text ``raw`` with its install line pointing at ``repo``.

    Returns the new text and how many lines were set (0 if the notebook has
    no install cell). PublishError if ``raw``, or the result, is not JSON.
    """
    try:
        json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PublishError(f"{name} is not a valid notebook file (not JSON: {exc})") from None
    source = f'LIFUTILS_SOURCE = \\"git+https://github.com/{check_repo(repo)}\\"'
    new, count = _SOURCE_LINE.subn(lambda m: m.group(1) + source, raw)
    if count:
        try:
            json.loads(new)
        except json.JSONDecodeError as exc:  # pragma: no cover - the repo check forbids it
            raise PublishError(f"{name}: the rewritten install line is not JSON ({exc})") from None
    return new, count


def _inside(path: Path, root: Path) -> Path:
    """``path``, if it (after symlinks) is a file inside ``root``; else PublishError: a
    symlinked notebook or README that points outside the repository is not rewritten."""
    real, home = path.resolve(), root.resolve()
    if not real.is_relative_to(home):
        raise PublishError(f"{path.relative_to(root)} is a link to {real}, outside the "
                           f"repository {home}: publish rewrites files of the repository only "
                           "(replace the link by the file itself)")
    return path


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PublishError(f"cannot read {path}: {exc}") from None


def publish(root: Path, repo: str, branch: str = "main", log=print, hub: str | None = None) -> None:
    """Rewrite ``root``/README.md, ``root``/notebooks/*.ipynb and the book's launch
    buttons for ``repo`` (and the JupyterHub at ``hub``).

    Checks the arguments and computes every file's new text before writing
    any, so a PublishError leaves all files as they were. A file that is a
    symbolic link to somewhere outside ``root`` is refused (PublishError):
    publishing rewrites this repository only.
    """
    check_repo(repo)
    check_branch(branch)
    if hub:
        check_hub(hub)
    readme = _inside(root / "README.md", root)
    writes = {readme: publish_readme(_read(readme), repo, branch)}
    book_config = _inside(root / BOOK_CONFIG, root) if (root / BOOK_CONFIG).exists() else None
    if book_config is not None:
        writes[book_config] = publish_book_config(_read(book_config), repo, branch, hub)
    paths = [_inside(path, root) for path in sorted((root / "notebooks").glob("*.ipynb"))]
    missing = []
    for path in paths:
        new, count = publish_notebook(_read(path), repo, name=f"notebooks/{path.name}")
        if count:
            writes[path] = new
        else:
            missing.append(path.name)
    for path, text in writes.items():
        path.write_text(text, encoding="utf-8")
    log(f"README.md: Binder and Colab links now point at {repo} ({branch})")
    if book_config in writes:
        log(f"{BOOK_CONFIG}: the book's launch buttons (Binder, Colab"
            f"{', JupyterHub at ' + hub.rstrip('/') if hub else ''}) now open {repo} ({branch})")
    log(f"notebooks: {len(paths) - len(missing)} of {len(paths)} install cells now install "
        f"git+https://github.com/{repo}")
    if missing:
        log(f"  without an install cell (`LIFUTILS_SOURCE = None` line): {', '.join(missing)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", nargs="?", default="", help="the GitHub repository, owner/name")
    parser.add_argument("--branch", default="main", help="branch the links open (default: main)")
    parser.add_argument("--hub", default="",
                        help="a JupyterHub's https address, for the book's JupyterHub button")
    parser.add_argument("--root", type=Path, default=REPO_ROOT,
                        help="the repository to rewrite (default: this one)")
    parser.add_argument("--from-env", action="store_true",
                        help=f"read the repository, branch and hub from ${ENV_REPO}, "
                             f"${ENV_BRANCH} and ${ENV_HUB} (how `make publish` passes them; "
                             "an empty branch means main, an empty hub none)")
    args = parser.parse_args(argv)
    repo, branch, hub = args.repo, args.branch, args.hub
    if args.from_env:
        if args.repo:
            parser.error("give the repository either as an argument or with --from-env, not both")
        repo = os.environ.get(ENV_REPO, "")
        branch = os.environ.get(ENV_BRANCH, "") or "main"
        hub = os.environ.get(ENV_HUB, "")
    try:
        publish(args.root, repo, branch, hub=hub or None)
    except PublishError as exc:
        print(f"publish: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

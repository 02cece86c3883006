"""Point the launch links at the published repository (the `make publish` target).

    python3 scripts/publish.py OWNER/NAME [--branch main] [--root DIR]

Run once by whoever publishes the repository on GitHub as OWNER/NAME. It

* writes the README's launch links (a Binder badge and link, a Colab link)
  between the ``<!-- launch-links -->`` and ``<!-- /launch-links -->``
  markers, replacing whatever was there;
* sets the install cell of every notebook, the line
  ``LIFUTILS_SOURCE = None``, to
  ``LIFUTILS_SOURCE = "git+https://github.com/OWNER/NAME"``, so that a
  notebook opened where lifutils is missing (Colab, a bare kernel) installs it
  from there. Running it again with another name rewrites both.

Files are edited as text, so nothing else in them changes. Standard library
only: it runs without the project's virtual environment.

Exit status: 0 on success, 2 on a bad OWNER/NAME or a README without markers.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- launch-links -->", "<!-- /launch-links -->"
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
_NAME = r"[A-Za-z0-9._-]{1,100}"
_REPO = re.compile(rf"^({_OWNER})/({_NAME})$")
_BRANCH = re.compile(r"^[A-Za-z0-9._/-]{1,100}$")
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
    """
    match = _REPO.match(repo or "")
    if not match or match.group(2) in (".", "..") or match.group(2).endswith(".git"):
        raise PublishError(
            f"REPO must be a GitHub repository as owner/name (owner: letters, digits and "
            f"single inner hyphens, at most 39; name: letters, digits, '.', '_', '-', no "
            f"'.git'), e.g. make publish REPO=ada/lif-course; got {repo!r}")
    return repo


def launch_links(repo: str, branch: str = "main") -> str:
    """The README's launch links (markdown) for ``repo``, notebook 00 first."""
    binder = f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/{FIRST_NOTEBOOK}"
    colab = f"https://colab.research.google.com/github/{repo}/blob/{branch}/{FIRST_NOTEBOOK}"
    return (f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder})\n"
            f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab})")


def publish_readme(text: str, repo: str, branch: str = "main") -> str:
    """The README ``text`` with the launch links for ``repo`` between the markers."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise PublishError(f"README.md has no {START} ... {END} markers to write the links between")
    return f"{text[:start]}{START}\n{launch_links(repo, branch)}\n{text[end:]}"


def publish_notebook(raw: str, repo: str) -> tuple[str, int]:
    """The .ipynb file text ``raw`` with its install line pointing at ``repo``.

    Returns the new text and how many lines were set (0 if the notebook has
    no install cell).
    """
    source = f'LIFUTILS_SOURCE = \\"git+https://github.com/{repo}\\"'
    new, count = _SOURCE_LINE.subn(lambda m: m.group(1) + source, raw)
    if count:
        json.loads(new)  # still a valid notebook file
    return new, count


def publish(root: Path, repo: str, branch: str = "main", log=print) -> None:
    """Rewrite ``root``/README.md and ``root``/notebooks/*.ipynb for ``repo``."""
    check_repo(repo)
    if not _BRANCH.match(branch) or ".." in branch:
        raise PublishError(f"branch must be a plain git branch name, got {branch!r}")
    readme = root / "README.md"
    readme.write_text(publish_readme(readme.read_text(encoding="utf-8"), repo, branch),
                      encoding="utf-8")
    log(f"README.md: Binder and Colab links now point at {repo} ({branch})")
    missing = []
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        new, count = publish_notebook(path.read_text(encoding="utf-8"), repo)
        if count:
            path.write_text(new, encoding="utf-8")
        else:
            missing.append(path.name)
    total = len(list((root / "notebooks").glob("*.ipynb")))
    log(f"notebooks: {total - len(missing)} of {total} install cells now install "
        f"git+https://github.com/{repo}")
    if missing:
        log(f"  without an install cell (`LIFUTILS_SOURCE = None` line): {', '.join(missing)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", nargs="?", default="", help="the GitHub repository, owner/name")
    parser.add_argument("--branch", default="main", help="branch the links open (default: main)")
    parser.add_argument("--root", type=Path, default=REPO_ROOT,
                        help="the repository to rewrite (default: this one)")
    args = parser.parse_args(argv)
    try:
        publish(args.root, args.repo, args.branch)
    except PublishError as exc:
        print(f"publish: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

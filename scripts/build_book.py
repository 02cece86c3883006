"""Build the course as a book (`make book`): a Jupyter Book site in build/book/.

    .venv/bin/python scripts/build_book.py [--notebooks DIR] [--out OUT_DIR]

The book (Jupyter Book 1: Sphinx, myst-nb, sphinx-book-theme; the ``docs``
extra) has the notebooks in order with their committed outputs (nothing is
executed), the teacher's guide and the recipe (``docs/``), the README's
question and answer as its landing page, and an API reference with a page
for every name in ``lifutils.__all__``, from its docstring. Its sources are
``book/`` (``_config.yml``, ``_toc.yml``, the landing and API pages, the
``lifbook`` extension); this script stages them with the notebooks and the
guide in ``build/book_src/`` (the site's layout mirrors the repository's,
so launch buttons open ``notebooks/NAME.ipynb``) and runs Sphinx into
``OUT_DIR`` (default ``build/book``). Open ``OUT_DIR/index.html``.

Offline and safe (book/_ext/lifbook.py): no network at build or reading
time, formulas as MathML, every page's content sanitised and a
Content-Security-Policy on every page, so a book built from a student's
notebook is safe to open.

``--notebooks DIR`` builds the book from another folder of notebooks (all
``DIR/*.ipynb`` in sorted order take the place of the course's); without it
the notebooks are the ones ``book/_toc.yml`` lists, which must be exactly
``notebooks/*.ipynb``.

Exit status: 0 on success, 1 if the build fails (for the course's own
notebooks a Sphinx warning is a failure), 2 on bad usage.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BOOK = REPO_ROOT / "book"
STAGE = REPO_ROOT / "build" / "book_src"
README_START, README_END = "<!-- /launch-links -->", "\n## Start"


class BookError(RuntimeError):
    """A book that cannot be built as asked, with the reason."""


def readme_answer(readme: Path) -> str:
    """The README's question and answer: from its launch links to its "Start" section."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise BookError(f"{readme} has no '{README_START}' ... '{README_END.strip()}' to "
                        "take the landing page from")
    return text[start + len(README_START):end].strip() + "\n"


def api_names() -> list[str]:
    """The public names of lifutils, in the order of its ``__all__``."""
    sys.path.insert(0, str(REPO_ROOT))
    import lifutils

    return list(lifutils.__all__)


def api_page(name: str) -> str:
    """The reST source of the API page of ``lifutils.<name>``: autodoc of the object
    (a module with its members, a class with its members and bases)."""
    import inspect

    import lifutils

    obj = getattr(lifutils, name)
    if inspect.ismodule(obj):
        directive = f".. automodule:: {obj.__name__}\n   :members:\n   :member-order: bysource"
    elif inspect.isclass(obj) and issubclass(obj, BaseException):
        directive = f".. autoexception:: {name}\n   :show-inheritance:"
    elif inspect.isclass(obj):
        directive = f".. autoclass:: {name}\n   :members:\n   :show-inheritance:"
    else:
        directive = f".. autofunction:: {name}"
    title = f"lifutils.{name}"
    return f"{title}\n{'=' * len(title)}\n\n.. currentmodule:: lifutils\n\n{directive}\n"


def course_notebooks(toc: dict) -> list[str]:
    """The notebook files the table of contents lists (``notebooks/NAME``)."""
    return [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]
            if chapter["file"].startswith("notebooks/")]


def stage(notebook_dir: Path | None, stage_dir: Path) -> list[str]:
    """Copy the book's sources into ``stage_dir``; returns the notebook pages."""
    import yaml

    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    shutil.copytree(BOOK, stage_dir, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))
    listed = course_notebooks(toc)
    if notebook_dir is None:
        found = sorted(f"notebooks/{p.stem}" for p in (REPO_ROOT / "notebooks").glob("*.ipynb"))
        if sorted(listed) != found:
            raise BookError(
                "book/_toc.yml must list every notebooks/*.ipynb and nothing else; missing: "
                f"{sorted(set(found) - set(listed))}, not found: {sorted(set(listed) - set(found))}")
        notebook_dir = REPO_ROOT / "notebooks"
        pages = listed
    else:
        pages = [f"notebooks/{p.stem}" for p in sorted(notebook_dir.glob("*.ipynb"))]
        if not pages:
            raise BookError(f"no notebooks found: {notebook_dir}/*.ipynb matched nothing")
        toc["parts"][0]["chapters"] = [{"file": page} for page in pages]
    (stage_dir / "notebooks").mkdir()
    for page in pages:
        shutil.copy2(notebook_dir / f"{Path(page).name}.ipynb", stage_dir / f"{page}.ipynb")
    shutil.copytree(REPO_ROOT / "docs", stage_dir / "docs",
                    ignore=shutil.ignore_patterns("*.pyc", "__pycache__"))
    intro = (BOOK / "index.md").read_text(encoding="utf-8")
    (stage_dir / "index.md").write_text(
        intro.replace("{{ readme_answer }}", readme_answer(REPO_ROOT / "README.md")),
        encoding="utf-8")
    names = api_names()
    api = (BOOK / "api.md").read_text(encoding="utf-8")
    (stage_dir / "api.md").write_text(
        api.replace("{{ api_names }}", "\n".join(f"   {name}" for name in names)),
        encoding="utf-8")
    (stage_dir / "api").mkdir()
    for name in names:
        (stage_dir / "api" / f"lifutils.{name}.rst").write_text(api_page(name), encoding="utf-8")
    api_chapter = next(chapter for part in toc["parts"] for chapter in part["chapters"]
                       if chapter["file"] == "api")
    api_chapter["sections"] = [{"file": f"api/lifutils.{name}"} for name in names]
    (stage_dir / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    return pages


def build(out_dir: Path, notebook_dir: Path | None = None, stage_dir: Path = STAGE,
          log=print) -> Path:
    """Build the book into ``out_dir``; returns its ``index.html``."""
    from jupyter_book.sphinx import build_sphinx

    started = time.perf_counter()
    pages = stage(notebook_dir, stage_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    sys.path.insert(0, str(REPO_ROOT))  # autodoc imports this checkout's lifutils
    # myst-nb writes copies of the notebooks next to the site; they go afterwards.
    scratch = out_dir.resolve().parent / "jupyter_execute"
    scratch_existed = scratch.exists()
    overrides = {"external_toc_path": str(stage_dir / "_toc.yml"), "latex_individualpages": False}
    if notebook_dir is not None:
        # Other notebooks: the guide's and the recipe's links to the course's notebooks
        # have no target (they show as text), and a notebook's oddities (a code block in
        # a language Pygments does not know) are its own: warnings, not failures.
        overrides["suppress_warnings"] = ["myst.header", "myst.xref_missing"]
    result = build_sphinx(stage_dir, out_dir, path_config=str(stage_dir / "_config.yml"),
                          doctreedir=stage_dir / ".doctrees", freshenv=True, force_all=True,
                          noconfig=True, warningiserror=notebook_dir is None, quiet=True,
                          confoverrides=overrides)
    if not scratch_existed:
        shutil.rmtree(scratch, ignore_errors=True)
    if result != 0:
        raise BookError(f"Sphinx failed ({result}); its messages are above")
    index = out_dir / "index.html"
    count = sum("_static" not in page.parts for page in out_dir.rglob("*.html"))
    log(f"built {len(pages)} notebooks, {count} pages in {time.perf_counter() - started:.1f} s: "
        f"{index}")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", type=Path, default=None,
                        help="build from DIR/*.ipynb instead of the course's notebooks")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "build" / "book",
                        help="output directory (default: build/book)")
    parser.add_argument("--stage", type=Path, default=STAGE,
                        help="where the sources are staged (default: build/book_src)")
    args = parser.parse_args(argv)
    if args.notebooks is not None and not args.notebooks.is_dir():
        print(f"build_book: {args.notebooks} is not a directory", file=sys.stderr)
        return 2
    try:
        build(args.out, args.notebooks, args.stage)
    except BookError as exc:
        print(f"build_book: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

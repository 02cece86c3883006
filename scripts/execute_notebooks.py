"""Re-execute the notebooks in place, each in a fresh kernel, top to bottom.

Used by `make notebooks`. Outputs, execution counts (1, 2, 3, ... in order) and
the widget state are stored in the files, ready to commit. Prints one line per
notebook with its run time.

    .venv/bin/python scripts/execute_notebooks.py [notebooks/01_euler_loop.ipynb ...]
"""
import os
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]


def execute(path: pathlib.Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=False,
                            store_widget_state=True, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:  # no per-cell timestamps: they only make diffs noisy
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv):
    os.environ.pop("MPLBACKEND", None)  # it would hide the inline figures in the kernel
    os.environ["LIFUTILS_PROGRESS"] = "0"  # no progress bar in the saved outputs (lifutils.progress)
    paths = [pathlib.Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        sys.exit("no notebooks found in notebooks/")
    total = 0.0
    for path in paths:
        print(f"executing {path.name} ...", end=" ", flush=True)
        seconds = execute(path)
        total += seconds
        print(f"{seconds:.1f} s", flush=True)
    print(f"{len(paths)} notebooks in {total:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])

"""Keypress to redrawn dashboard in JupyterLab with headless Chromium: a table per dashboard.

Runs tests/test_browser_latency.py (JupyterLab from pytest-jupyter, Debian's Chromium
at /usr/bin/chromium, Playwright): one notebook with every dashboard, an arrow key pressed
on one slider of each (the phase plane: its input ``I`` and its reset jump ``b``) PRESSES
times, each press timed inside the page from its ``keydown`` to the new figure on the
screen and the status line updated. Every value is new to the dashboard (a cold cache).
Prints the table (median, 95th percentile, largest, ms) with the load average, before
and after: on a shared machine the times only mean something next to it. Issue 26's
goal: at most 100 ms median on a 2-core machine.

Run:  .venv/bin/python benchmarks/browser_latency.py [--presses 12] [--only side_by_side,phase_plane]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "build" / "browser_latency.txt"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presses", type=int, default=12, help="presses per slider (12)")
    parser.add_argument("--only", default="", help="comma-separated dashboards to measure "
                        "(default: every one)")
    args = parser.parse_args(argv)
    if args.presses < 1:
        parser.error("--presses must be at least 1")
    env = dict(os.environ, LIF_LATENCY_PRESSES=str(args.presses), LIF_LATENCY_ONLY=args.only)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    print(f"load average (1, 5, 15 min) before: {'%.2f %.2f %.2f' % os.getloadavg()} "
          f"on {os.cpu_count()} CPUs")
    REPORT.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "no:xdist", "tests/test_browser_latency.py"],
                          cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode != 0 or not REPORT.exists():
        print(done.stdout[-6000:], done.stderr[-3000:], sep="\n")
        sys.exit(f"the browser measurement failed (pytest exit code {done.returncode})")
    print(REPORT.read_text(encoding="utf-8"), end="")
    print(f"load average (1, 5, 15 min) after: {'%.2f %.2f %.2f' % os.getloadavg()}")


if __name__ == "__main__":
    main()

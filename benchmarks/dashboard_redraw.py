"""Redraw time of every dashboard when the simulation is cached: the figure's part alone.

What is measured
----------------
A teacher drags a slider back and forth over values already visited: every
dashboard caches its runs, so what is left of a redraw is moving the figure's
data to the cached results, rendering the PNG (blitting: the background kept,
the moving artists drawn again) and updating the status line. For each
dashboard the script visits a handful of slider values once (filling the
cache), then times ``N_ROUNDS`` passes over the same values, and prints the
median and 95th percentile of one assignment ``slider.value = x`` (ms, wall
time), and the median of the CPU time this process spent on it (less moved by
other work on a shared machine), with the machine's load average.

Run:  .venv/bin/python benchmarks/dashboard_redraw.py [--rounds N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

N_ROUNDS = 8

#: dashboard -> (factory keywords, control, values visited)
CASES = {
    "euler_explorer": ({}, "i_e", (18.0, 22.0, 26.0, 30.0, 34.0)),
    "hack_explorer": ({}, "i_e", (18.0, 22.0, 26.0, 30.0)),
    "events_explorer": ({}, "i_e", (18.0, 22.0, 26.0, 30.0, 34.0)),
    "side_by_side": ({}, "i_e", (18.0, 22.0, 26.0, 30.0, 34.0)),
    "fi_explorer": (dict(currents=(0.0, 10.0, 20.0, 30.0, 40.0), t_max=200.0), "tau_m",
                    (8.0, 12.0, 16.0, 20.0)),
    "phase_plane": ({}, "b", (10.0, 20.0, 40.0, 60.0)),
    "kick_synchrony": ({}, "kick", (0.5, 1.0, 1.5, 2.5, 3.0)),
}


def time_dashboard(name, rounds=N_ROUNDS):
    """Wall and CPU times (s) of cached redraws of dashboard ``name``."""
    from lifutils import widgets

    kwargs, control, values = CASES[name]
    dash = getattr(widgets, name)(**kwargs)
    widget = dash.controls[control]
    for value in values:  # fill the cache
        widget.value = value
    wall, cpu = [], []
    for _ in range(rounds):
        for value in (*values[1:], values[0]):
            start, start_cpu = time.perf_counter(), time.process_time()
            widget.value = value
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    assert dash.n_redraws == 1 + len(values) * (rounds + 1), "a move did not redraw"
    return np.array(wall), np.array(cpu)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=N_ROUNDS)
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f}; cached redraws, {args.rounds} rounds")
    print(f"{'dashboard':<16} {'median (ms)':>12} {'95% (ms)':>10} {'CPU median (ms)':>16}")
    for name in CASES:
        wall, cpu = (1e3 * t for t in time_dashboard(name, args.rounds))
        print(f"{name:<16} {statistics.median(wall):12.1f} {np.percentile(wall, 95):10.1f} "
              f"{statistics.median(cpu):16.1f}")


if __name__ == "__main__":
    main()

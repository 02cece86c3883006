"""Redraw latency of the side-by-side dashboard against the plain interact pattern.

What is measured
----------------
The wall time of one assignment ``slider.value = new_i_e``, from the moment the
value changes until every observer has returned, that is, until the new figure
exists as PNG bytes that are ready to go to the browser. Two dashboards are
measured in one process, alternately for each value, with the same i_e values:

* plain: the pattern most tutorials use, an ``ipywidgets.interactive`` on a
  function that reruns one ``simulate_euler`` and draws a brand-new pyplot
  figure (``plt.figure``, ``plt.plot``, ``plt.show``);
* dashboard: ``lifutils.widgets.side_by_side()``: every method of the registry
  (Euler, interpolated Euler, the dv/dt hack, events) against the exact answer,
  a panel each, the raster and the spike-time table.

Both run under matplotlib's inline backend, in an IPython ``InteractiveShell``
created here (no kernel and no browser). The plain pattern's ``plt.show``
goes through IPython's display machinery, which renders the figure to PNG with
the inline backend's formatter (``bbox_inches="tight"``, as in Jupyter). The
dashboard renders its figure with ``lifutils.widgets.redraw.FastPNG`` and puts the PNG
into its ``Output`` widget. The script checks that each redraw really produced
a new PNG in both cases (it records the published bundles). Not measured: sending
the PNG to the browser and drawing it, the same in both cases apart from the
PNG's size, which is printed.

Every value is new to the dashboard (its cache is cold: a fresh dashboard per
sweep). Two sweeps: 20 slider steps through the firing regime (20.5 to 30 nA),
and 20 values across the whole slider (1 to 39 nA; below the 15 nA rheobase
the hack and the events are cheap, above 30 nA the hack gets slower).

The machine's load average is printed: the medians only mean something
relative to each other when other work shares the CPU.

The dashboards of notebooks 05 and 08 (``phase_plane``, ``kick_synchrony``) are
measured the same way, without the plain pattern: sweeps of one slider each, every
value new to a fresh dashboard, median, 95th percentile and largest
(``--only larger_models`` measures just these). Then once more one slider step at a time
with the dashboards' prefetch on (as in a kernel), each move after the prefetch of the
previous one has finished: an arrow key at a teacher's pace. The CPU time there is this
thread's and the prefetch's together, so only the wall time is the redraw's.

Run:  .venv/bin/python benchmarks/widget_latency.py [--only side_by_side|larger_models]
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import time

import numpy as np


def _setup_shell():
    """An IPython shell with the inline backend, its display output recorded."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    import matplotlib

    matplotlib.use("module://matplotlib_inline.backend_inline")
    import matplotlib.pyplot as plt  # noqa: F401  (loads the backend: hooks into the shell)

    published = []

    def publish(data, metadata=None, **kwargs):  # no frontend: keep what would be sent
        published.append(data)

    shell.display_pub.publish = publish
    return shell, published


def plain_interact():
    """The tutorial pattern: interact reruns one Euler loop and draws a new pyplot figure."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from lifutils import LIFParams, simulate_euler

    def lif_euler(i_e=20.0, dt=0.1):
        res = simulate_euler(LIFParams(i_e=i_e), 100.0, dt=dt)
        plt.figure()
        plt.plot(res.t, res.v)
        plt.xlabel("time (ms)")
        plt.ylabel("v (mV)")
        plt.show()

    slider = widgets.FloatSlider(value=20.0, min=0.0, max=40.0, step=0.5,
                                 description="i_e (nA)", continuous_update=False)
    return widgets.interactive(lif_euler, i_e=slider, dt=widgets.fixed(0.1)), slider


def _quiet():
    """Swallow what display() prints to the terminal when there is no frontend."""
    stack = contextlib.ExitStack()
    stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
    stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
    return stack


def measure(values, published):
    """Latencies (s) of the plain pattern and of side_by_side for each value."""
    from lifutils.widgets import side_by_side

    with _quiet():
        plain, plain_slider = plain_interact()
        dash = side_by_side()
    plain_times, dash_times, plain_png, dash_png = [], [], [], []
    for value in values:
        n_before = len(published)
        with _quiet():
            start = time.perf_counter()
            plain_slider.value = value
            plain_times.append(time.perf_counter() - start)
        pngs = [d["image/png"] for d in published[n_before:] if "image/png" in d]
        if len(pngs) != 1:
            raise RuntimeError(f"plain pattern published {len(pngs)} PNGs for i_e={value}")
        plain_png.append(len(pngs[0]))

        before = dash.png
        start = time.perf_counter()
        dash.controls["i_e"].value = value
        dash_times.append(time.perf_counter() - start)
        shown = dash.output.outputs[0]["data"]["image/png"]
        if dash.png == before or dash.error_message is not None or not shown:
            raise RuntimeError(f"side_by_side did not show a new figure for i_e={value}")
        dash_png.append(len(shown))
    return (np.array(plain_times), np.array(dash_times), np.median(plain_png),
            np.median(dash_png), dash)


def render_only(dash, repeats=10):
    """Median time (s) to render the dashboard's figure: FastPNG against display(fig)."""
    from IPython.core.pylabtools import print_figure

    def median_time(func):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    return (median_time(dash.renderer.render),
            median_time(lambda: print_figure(dash.figure, "png", bbox_inches="tight")))


#: The dashboards of notebooks 05 and 08: (name, pattern or None, control, values). Each sweep
#: starts from a fresh dashboard (a cold cache): every value is solved, none is served
#: from the cache. The phase plane solves with lifutils.widgets.larger_models.SOLVER.
LARGER_SWEEPS = (
    ("phase_plane", "tonic", "b", [5.0 * k for k in range(1, 21)]),
    ("phase_plane", "adapting", "I", [300.0 + 20.0 * k for k in range(20)]),
    ("phase_plane", "regular_bursting", "Vr", [-60.0 + 1.0 * k for k in range(20)]),
    ("kick_synchrony", None, "kick", [0.25 + 0.25 * k for k in range(15)]),
)


def larger_models_latency():
    """Latencies (ms) of a slider move on the phase plane and on kick_synchrony: one row
    per sweep (median, 95th percentile, largest), and one for all phase-plane moves."""
    from lifutils.widgets import kick_synchrony, phase_plane
    from lifutils.widgets.larger_models import SOLVER, T_END

    print(f"phase_plane: every run solved with {SOLVER} over {T_END} ms; cached per setting")
    header = (f"{'dashboard':<16} {'pattern':<18} {'control':<8} {'n':>3} {'p50':>8} {'p95':>8} "
              f"{'max':>8} {'cpu p50':>8} {'cpu p95':>8} {'PNG kB':>7}")
    print("redraw latency after moving a slider (ms), cold cache; wall time, and the CPU time "
          "of this process (what the wall time would be with a core to itself)")
    print(header)
    print("-" * len(header))
    every = []
    for name, pattern, control, values in LARGER_SWEEPS:
        dash = phase_plane(pattern) if name == "phase_plane" else kick_synchrony()
        times, cpu, sizes = [], [], []
        for value in values:
            before = dash.png
            start, start_cpu = time.perf_counter(), time.process_time()
            dash.controls[control].value = value
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            if dash.error_message is not None or dash.png == before:
                raise RuntimeError(f"{name} did not show a new figure for {control}={value}")
            sizes.append(len(dash.png))
        times, cpu = 1e3 * np.array(times), 1e3 * np.array(cpu)
        if name == "phase_plane":
            every += list(zip(times, cpu))
        print(f"{name:<16} {pattern or '':<18} {control:<8} {len(times):3d} "
              f"{np.median(times):8.1f} {np.percentile(times, 95):8.1f} {times.max():8.1f} "
              f"{np.median(cpu):8.1f} {np.percentile(cpu, 95):8.1f} "
              f"{np.median(sizes) / 1e3:7.0f}")
    wall, cpu = np.array(every).T
    print(f"{'phase_plane':<16} {'(all sweeps)':<18} {'':<8} {len(wall):3d} "
          f"{np.median(wall):8.1f} {np.percentile(wall, 95):8.1f} {wall.max():8.1f} "
          f"{np.median(cpu):8.1f} {np.percentile(cpu, 95):8.1f}")
    print()
    print("the same moves one slider step at a time, each after the dashboard's prefetch (as in a "
          "kernel) has computed the next step: what an arrow key costs at a teacher's pace")
    print(header)
    print("-" * len(header))
    warm_all = []
    for name, pattern, control, values in LARGER_SWEEPS:
        times, cpu, sizes = _prefetched_steps(name, pattern, control, len(values))
        warm_all += list(zip(times, cpu))
        print(f"{name:<16} {pattern or '':<18} {control:<8} {len(times):3d} "
              f"{np.median(times):8.1f} {np.percentile(times, 95):8.1f} {times.max():8.1f} "
              f"{np.median(cpu):8.1f} {np.percentile(cpu, 95):8.1f} "
              f"{np.median(sizes) / 1e3:7.0f}")


def _prefetched_steps(name, pattern, control, n):
    """Wall and CPU times (ms) and PNG sizes of ``n`` one-step moves of ``control``, each
    once the prefetch of the previous move has finished (after a first move, not counted,
    that nothing could prefetch)."""
    from lifutils.widgets import kick_synchrony, phase_plane
    from lifutils.widgets.framework import neighbours

    dash = phase_plane(pattern) if name == "phase_plane" else kick_synchrony()
    dash.prefetch = True
    widget = dash.controls[control]
    times, cpu, sizes, old = [], [], [], None
    for k in range(n + 1):
        if dash.prefetcher is not None:
            dash.prefetcher.join()
        new = neighbours(widget, old)[0]
        old = widget.value
        start, start_cpu = time.perf_counter(), time.process_time()
        widget.value = new
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if dash.error_message is not None:
            raise RuntimeError(f"{name} shows an error for {control}={new}")
        sizes.append(len(dash.png))
    times, cpu, sizes = times[1:], cpu[1:], sizes[1:]
    if dash.prefetcher is not None:
        dash.prefetcher.join()
    return 1e3 * np.array(times), 1e3 * np.array(cpu), sizes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["side_by_side", "larger_models"],
                        help="measure one part only (default: both)")
    args = parser.parse_args(argv)
    shell, published = _setup_shell()
    if args.only != "side_by_side":
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"load average (1 min) before: {load:.2f} on {os.cpu_count()} CPUs")
        larger_models_latency()
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"load average (1 min) after: {load:.2f}")
        print()
        if args.only == "larger_models":
            return
    from lifutils.methods import REGISTRY  # after the shell is set up, as the imports above

    sweeps = {
        "20.5..30 nA, step 0.5": [20.5 + 0.5 * k for k in range(20)],
        "1..39 nA, step 2": [1.0 + 2.0 * k for k in range(20)],
    }
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average (1 min) before: {load:.2f} on {os.cpu_count()} CPUs; "
          f"python {sys.version.split()[0]}")
    print()
    header = f"{'what':<46} {'i_e values':<22} {'median':>8} {'p90':>8} {'PNG kB':>7}"
    print("redraw latency after moving the i_e slider (ms)")
    print(header)
    print("-" * len(header))
    last = None
    for name, values in sweeps.items():
        plain, dash, plain_png, dash_png, last = measure(values, published)
        for what, times, size in (("plain interact: Euler + new pyplot figure", plain, plain_png),
                                  (f"side_by_side(): {len(REGISTRY) - 1} methods + exact, table",
                                   dash, dash_png)):
            print(f"{what:<46} {name:<22} {1e3 * np.median(times):8.1f} "
                  f"{1e3 * np.percentile(times, 90):8.1f} {size * 3 / 4 / 1e3:7.0f}")
        ratio = np.median(dash) / np.median(plain)
        print(f"{'ratio of medians side_by_side / plain':<46} {name:<22} {ratio:8.2f}")
        print()
    fast, full = render_only(last)
    print("rendering the side_by_side figure alone (ms, median of 10):")
    print(f"  FastPNG (background kept, data redrawn)   {1e3 * fast:7.1f}")
    print(f"  display(fig) path (print_figure, tight)   {1e3 * full:7.1f}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average (1 min) after: {load:.2f}")


if __name__ == "__main__":
    main()

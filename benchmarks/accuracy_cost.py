"""Accuracy and cost of every method against the closed form.

    python benchmarks/accuracy_cost.py [--repeats N] [--t-max MS]

For R*I = 20 mV over 1000 ms (56 spikes), prints one row per method and
setting: the largest spike-time error against the closed form (ms), the
right-hand-side evaluations (Euler: steps), and the median wall time over
repeated runs. A second table puts `simulate_events` next to a bare,
hand-written solve_ivp restart loop at the same settings, run alternately in
the same process, to measure what the general machinery costs. A third table
does the same for `solve_ivp_with_resets` itself, with its default checks, on
one LIF neuron and on the two-variable AdEx model (tonic spiking, Naud et al.
2008) whose exponential overflows in rejected trial steps. A fourth table
(``--overhead-only``) times solve_ivp_with_resets against a plain restart loop
written here with scipy alone, on the LIF neuron and on gallery models
(Izhikevich, AdEx), at scipy's default tolerances passed explicitly
(rtol = 1e-3, atol = 1e-6) and at tight ones, runs interleaved, the least CPU
time of 7 (target: 1.15x) and the median of each run's ratio to the plain run just
before it, then what the defaults add when no tolerance is
passed (the check of the defaults, a second run), in a table of its own.

Numbers are printed, not asserted: timings depend on the machine.
"""
import argparse
import statistics
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

from lifutils import (LIFParams, exact_spike_times, simulate_events, simulate_exact,
                      solve_ivp_with_resets)
from lifutils.compare import spike_time_error, work_precision

PARAMS = LIFParams(i_e=20.0)  # R*I = 20 mV
RTOLS = [10.0 ** -k for k in range(3, 11)]


def median_time(run, repeats):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def lif_model(params=PARAMS, t_max=1000.0):
    """One LIF neuron as (rhs, threshold, reset, y0, t_max) for a restart loop."""
    drive, tau_m = params.v_inf, params.tau_m

    def rhs(t, v):
        return (drive - v) / tau_m

    def threshold(t, v):
        return v[0] - params.v_thresh
    return rhs, threshold, (lambda y: np.array([params.v_reset])), np.array([params.v_start]), t_max


def adex_model():
    """AdEx, tonic spiking (Naud et al. 2008, Table 1), peak at 0 mV: (rhs, ...) as above."""
    def rhs(t, y):
        v, w = y
        return np.array([(-10.0 * (v + 70.0) + 20.0 * np.exp((v + 50.0) / 2.0) - w + 500.0) / 200.0,
                         (2.0 * (v + 70.0) - w) / 30.0])

    def threshold(t, y):
        return y[0]
    return rhs, threshold, (lambda y: np.array([-58.0, y[1]])), np.array([-70.0, 0.0]), 500.0


def bare_general_loop(model, method, rtol):
    """The restart loop a careful user writes by hand with plain solve_ivp (atol = rtol);
    its spike times."""
    rhs, threshold, reset, y, t_max = model

    def event(t, y):
        return threshold(t, y)
    event.terminal, event.direction = True, 1
    t, spikes, ts, ys = 0.0, [], [], []
    while t < t_max:
        sol = solve_ivp(rhs, (t, t_max), y, method=method, rtol=rtol, atol=rtol, events=event)
        ts.append(sol.t)
        ys.append(sol.y)
        if sol.status != 1:
            break
        t = sol.t_events[0][0]
        spikes.append(t)
        y = reset(sol.y_events[0][0])
    return np.array(spikes)


def general_tool_rows(repeats):
    """solve_ivp_with_resets (default checks on) against the bare loop, alternated; the
    least CPU time of the runs (the machine's other load only ever adds)."""
    print("\nsolve_ivp_with_resets against a bare restart loop for the same model (same settings, "
          "alternated)\n")
    header = (f"{'model':<6} {'method':<8} {'rtol':<8} {'bare cpu ms':>11} {'lifutils ms':>12} "
              f"{'ratio':>7} {'spikes':>7} {'same spikes':>12}")
    print(header)
    print("-" * len(header))
    worst = 0.0
    with np.errstate(over="ignore", invalid="ignore"):  # AdEx's rejected trial steps overflow
        for name, model in (("LIF", lif_model()), ("AdEx", adex_model())):
            rhs, threshold, reset, y0, t_max = model
            threshold.direction = 1
            for method, rtol in (("RK45", 1e-6), ("RK45", 1e-9), ("DOP853", 1e-9), ("DOP853", 1e-12)):
                bare_t, ours_t = [], []
                for _ in range(max(repeats, 5)):  # CPU time, the least of the runs: the
                    start = time.process_time()  # cost itself, not what else the machine does
                    spikes_bare = bare_general_loop(model, method, rtol)
                    bare_t.append(time.process_time() - start)
                    start = time.process_time()
                    ours = solve_ivp_with_resets(rhs, (0.0, t_max), y0, events=threshold,
                                                 reset=lambda t, y, i: reset(y), method=method,
                                                 rtol=rtol, atol=rtol)
                    ours_t.append(time.process_time() - start)
                b, o = min(bare_t), min(ours_t)
                same = len(spikes_bare) == len(ours.t_events[0]) and \
                    np.allclose(spikes_bare, ours.t_events[0], rtol=0, atol=1e-9)
                worst = max(worst, o / b)
                print(f"{name:<6} {method:<8} {rtol:<8.0e} {b * 1e3:>11.2f} {o * 1e3:>12.2f} "
                      f"{o / b:>7.2f} {len(spikes_bare):>7d} {str(same):>12}", flush=True)
    print(f"\nlargest cost ratio solve_ivp_with_resets / bare loop: {worst:.2f} (target <= 1.15)")
    return worst


def plain_restart_loop(rhs, threshold, reset, y0, t_span, breakpoints, **options):
    """A restart loop with scipy alone, as a user writes it: restart at each spike and at each
    breakpoint of the input; the trace is kept, as solve_ivp_with_resets keeps it. Returns
    the spike times."""
    def event(t, y):
        return threshold(t, y)
    event.terminal, event.direction = True, 1
    t, y = float(t_span[0]), np.asarray(y0, dtype=float)
    spikes, ts, ys = [], [], []
    for stop in [b for b in breakpoints if t_span[0] < b < t_span[1]] + [float(t_span[1])]:
        while t < stop:
            sol = solve_ivp(rhs, (t, stop), y, events=event, **options)
            ts.append(sol.t)
            ys.append(sol.y)
            if sol.status == 1:
                t = float(sol.t_events[0][0])
                spikes.append(t)
                y = reset(t, sol.y_events[0][0], 0)
            elif sol.status == 0:
                t, y = stop, sol.y[:, -1]
            else:
                return np.array(spikes)
    np.concatenate(ts), np.concatenate(ys, axis=1)
    return np.array(spikes)


def overhead_models():
    """(name, rhs, threshold, reset, y0, t_span, breakpoints) for the overhead table."""
    from lifutils.gallery import adex, izhikevich
    rhs, threshold, reset, y0, t_max = lif_model()
    threshold.direction = 1
    models = [("LIF", rhs, threshold, lambda t, y, i: reset(y), y0, (0.0, t_max), ())]
    for m in (izhikevich("RS"), izhikevich("CH"), adex("tonic"), adex("adapting")):
        models.append((f"{m.family[:4]} {m.name}", m.rhs, m.threshold, m.reset,
                       np.array(m.y0), m.t_span, m.breakpoints))
    return models


def guard_seconds():
    """What the guard against a reused buffer costs per evaluation (s): the least time of
    the test solve_ivp_with_resets makes on each of fun's returns (the array owns its data
    and nothing else holds it: then the solver keeps it without a copy)."""
    import timeit
    from lifutils.restart.guards import EXCLUSIVE, getrefcount

    def fresh():
        dy = np.zeros(2)
        return dy.base is not None or getrefcount(dy) > EXCLUSIVE

    def bare():
        dy = np.zeros(2)
        return dy
    number = 20000
    best = [min(timeit.Timer(f, timer=time.process_time).repeat(number=number, repeat=9)) / number
            for f in (fresh, bare)]
    return max(best[0] - best[1], 0.0)


def overhead_rows(runs=7):
    """solve_ivp_with_resets against the plain loop above, same model and settings, runs
    interleaved; the least CPU time of ``runs`` each (the machine's other load only adds)."""
    import os
    print("\nsolve_ivp_with_resets against a plain scipy restart loop (same settings, interleaved, "
          f"least CPU time of {runs}; load average {os.getloadavg()[0]:.1f})\n")
    # What guarding fun's returns against a reused buffer costs: the evaluations times the
    # least time of one test (a return that someone else may hold is copied: none here).
    guard_s = guard_seconds()
    header = (f"{'model':<16} {'method':<7} {'rtol/atol':<13} {'plain ms':>9} {'lifutils ms':>12} "
              f"{'ratio':>6} {'pairs':>6} {'guard ms':>9} {'spikes':>7} {'same spikes':>12}")
    print(header)
    print("-" * len(header))
    worst = 0.0
    settings = [("RK45", 1e-3, 1e-6), ("RK45", 1e-8, 1e-8), ("DOP853", 1e-8, 1e-8),
                ("LSODA", 1e-3, 1e-6)]
    for name, rhs, threshold, reset, y0, t_span, breakpoints in overhead_models():
        for method, rtol, atol in settings:
            options = dict(method=method, rtol=rtol, atol=atol)
            plain_t, ours_t = [], []
            for _ in range(runs):
                start = time.process_time()
                with np.errstate(over="ignore", invalid="ignore"):
                    spikes_plain = plain_restart_loop(rhs, threshold, reset, y0, t_span,
                                                      breakpoints, **options)
                plain_t.append(time.process_time() - start)
                start = time.process_time()
                ours = solve_ivp_with_resets(rhs, t_span, y0, events=threshold, reset=reset,
                                             breakpoints=breakpoints, **options)
                ours_t.append(time.process_time() - start)
            p, o = min(plain_t), min(ours_t)
            # Each run of ours against the plain run just before it (the same state of the
            # machine): the median of these ratios, less moved by a burst of other work.
            pairs = statistics.median(b / a for a, b in zip(plain_t, ours_t))
            spikes = ours.t_events[0]
            same = len(spikes_plain) == len(spikes) and \
                np.allclose(spikes_plain, spikes, rtol=0, atol=1e-9)
            worst = max(worst, o / p)
            print(f"{name:<16} {method:<7} {f'{rtol:.0e}/{atol:.0e}':<13} {p * 1e3:>9.2f} "
                  f"{o * 1e3:>12.2f} {o / p:>6.2f} {pairs:>6.2f} {ours.nfev * guard_s * 1e3:>9.2f} "
                  f"{len(spikes):>7d} {str(same):>12}", flush=True)
    print(f"\nlargest cost ratio solve_ivp_with_resets / plain loop: {worst:.2f} (target <= 1.15); "
          f"ratio: of the least CPU times; pairs: the median of the ratios of each run to the "
          f"plain run just before it; guard ms: the share of the lifutils time spent guarding fun's returns against a "
          f"reused buffer ({guard_s * 1e9:.0f} ns each)")
    default_rows(runs)
    return worst


def default_rows(runs=7):
    """What the defaults add when no tolerance is passed: solve_ivp_with_resets without
    rtol/atol (a second run at rtol = 1e-6, atol = 1e-9 checks the defaults) against the
    same call with rtol = 1e-3, atol = 1e-6 passed; interleaved, least CPU time."""
    print("\nwhat the defaults add when no tolerance is passed (RK45; the check of the "
          "defaults is a second run at rtol=1e-6, atol=1e-9): solve_ivp_with_resets without "
          "rtol/atol against the same call with rtol=1e-3, atol=1e-6 passed\n")
    header = f"{'model':<16} {'passed ms':>10} {'none ms':>9} {'ratio':>6} {'event_time_error ms':>20}"
    print(header)
    print("-" * len(header))
    import warnings
    for name, rhs, threshold, reset, y0, t_span, breakpoints in overhead_models():
        given = dict(events=threshold, reset=reset, breakpoints=breakpoints)
        passed_t, none_t = [], []
        for _ in range(runs):
            start = time.process_time()
            solve_ivp_with_resets(rhs, t_span, y0, rtol=1e-3, atol=1e-6, **given)
            passed_t.append(time.process_time() - start)
            start = time.process_time()
            with warnings.catch_warnings():  # a ToleranceWarning is the point of the check
                warnings.simplefilter("ignore")
                checked = solve_ivp_with_resets(rhs, t_span, y0, **given)
            none_t.append(time.process_time() - start)
        p, o = min(passed_t), min(none_t)
        print(f"{name:<16} {p * 1e3:>10.2f} {o * 1e3:>9.2f} {o / p:>6.2f} "
              f"{checked.event_time_error:>20.3g}", flush=True)


def row(r):
    """One table row from a work_precision row; a wrong spike count shows as inf error."""
    return (f"{r['family']:<22} {r['setting']:<14} {r['n_spikes']:>6d} {r['max_error']:>12.3e} "
            f"{r['nfev']:>10d} {r['seconds'] * 1e3:>11.2f}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5, help="runs per row (median is shown)")
    ap.add_argument("--t-max", type=float, default=1000.0, help="simulated time (ms)")
    ap.add_argument("--general-only", action="store_true",
                    help="only the table of solve_ivp_with_resets against a bare loop")
    ap.add_argument("--overhead-only", action="store_true",
                    help="only the table of solve_ivp_with_resets against a plain scipy loop "
                    "(LIF, Izhikevich, AdEx)")
    ap.add_argument("--runs", type=int, default=7,
                    help="interleaved runs per row of the overhead table (least CPU time)")
    args = ap.parse_args(argv)
    t_max, repeats = args.t_max, args.repeats
    if args.overhead_only:
        overhead_rows(args.runs)
        return 0
    if args.general_only:
        general_tool_rows(repeats)
        return 0
    exact = exact_spike_times(PARAMS, t_max)
    print(f"R*I = 20 mV, t_max = {t_max:g} ms, {len(exact)} spikes; median of {repeats} runs")
    print("events rows use atol = rtol (mV); a wrong spike count shows as error inf\n")
    header = (f"{'method':<22} {'setting':<14} {'spikes':>6} {'max error ms':>12} "
              f"{'rhs evals':>10} {'wall ms':>11}")
    print(header)
    print("-" * len(header))
    # The same sweep as notebook 04 (lifutils.compare.work_precision), one family
    # at a time so that rows appear as they are measured.
    families = [dict(dts=(1.0, 0.1, 0.01, 0.001), methods=())]
    families += [dict(dts=(), methods=(method,), rtols=RTOLS) for method in ("RK45", "DOP853", "LSODA")]
    for family in families:
        for r in work_precision(PARAMS, t_max, repeats=repeats, atol_ratio=1.0, **family):
            print(row(r), flush=True)
    res, sec = median_time(lambda: simulate_exact(PARAMS, t_max), repeats)
    print(row(dict(family="exact", setting="closed form", n_spikes=res.n_spikes,
                   max_error=spike_time_error(res.spike_times, exact), nfev=0, seconds=sec)))

    print("\nsimulate_events against a bare hand-written restart loop (same settings, alternated)\n")
    header = f"{'method':<8} {'rtol':<8} {'bare ms':>9} {'lifutils ms':>12} {'ratio':>7} {'same spikes':>12}"
    print(header)
    print("-" * len(header))
    worst = 0.0
    for method in ("RK45", "DOP853", "LSODA"):
        for rtol in (1e-3, 1e-6, 1e-9):
            bare_t, ours_t = [], []
            for _ in range(max(repeats, 5)):
                start = time.perf_counter()
                spikes_bare = bare_general_loop(lif_model(PARAMS, t_max), method, rtol)
                bare_t.append(time.perf_counter() - start)
                start = time.perf_counter()
                ours = simulate_events(PARAMS, t_max, method=method, rtol=rtol, atol=rtol)
                ours_t.append(time.perf_counter() - start)
            b, o = statistics.median(bare_t), statistics.median(ours_t)
            same = np.array_equal(spikes_bare, ours.spike_times)
            worst = max(worst, o / b)
            print(f"{method:<8} {rtol:<8.0e} {b * 1e3:>9.2f} {o * 1e3:>12.2f} {o / b:>7.2f} {str(same):>12}",
                  flush=True)
    print(f"\nlargest cost ratio simulate_events / bare loop: {worst:.2f} (target <= 1.2)")
    general_tool_rows(repeats)
    overhead_rows(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

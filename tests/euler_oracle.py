"""The Euler loops as they were before the one fixed-step loop (issue 16), kept as an oracle.

``lifutils.fixed_step`` now owns the spike list, the refractory hold, the start
above threshold and the runaway cap for every Euler loop; these are the three
loops that each wrote those rules themselves, copied from lifutils before the
change (only the names differ), so that tests/test_fixed_step.py can check,
bit for bit, that the refactoring changed no spike time and no trace.
"""
import math

import numpy as np

from lifutils.analytic import runaway_message
from lifutils.errors import RunawayError, StalledError

CHUNK = 65536


class SpikeList(list):
    def __init__(self, max_spikes, t_max):
        super().__init__()
        self.max_spikes, self.t_max = max_spikes, t_max

    def add(self, t):
        self.append(t)
        if len(self) > self.max_spikes:
            raise RunawayError(runaway_message(len(self), self.max_spikes, self.t_max))


def held_steps(k_spike, t_spike, t_ref, dt, n_steps):
    if t_ref == 0:
        return k_spike
    free_at = t_spike + t_ref - 1e-9 * dt
    if free_at / dt >= n_steps:
        return n_steps
    k = max(k_spike, math.ceil(free_at / dt))
    while k * dt < free_at:
        k += 1
    while k - 1 >= k_spike and (k - 1) * dt >= free_at:
        k -= 1
    return k


def euler_plain(p, dt, drive, v_out, spikes):
    tau_m, v_rest, v_thresh, v_reset = p.tau_m, p.v_rest, p.v_thresh, p.v_reset
    n_steps = len(drive)
    v = p.v_start
    held_until = -1
    if v >= v_thresh:
        spikes.add(0.0)
        v = v_reset
        held_until = held_steps(0, 0.0, p.t_ref, dt, n_steps)
    v_out[0] = v
    for start in range(0, n_steps, CHUNK):
        chunk = drive[start:start + CHUNK].tolist()
        vs = []
        for k, d_k in enumerate(chunk, start):
            if k < held_until:
                vs.append(v)
                continue
            dv_dt = (-(v - v_rest) + d_k) / tau_m
            v += dv_dt * dt
            if v >= v_thresh:
                v = v_reset
                spikes.add((k + 1) * dt)
                held_until = held_steps(k + 1, (k + 1) * dt, p.t_ref, dt, n_steps)
            vs.append(v)
        v_out[start + 1:start + 1 + len(vs)] = vs
    return spikes


def euler_interpolated(p, dt, drive, v_out, spikes):
    tau_m, v_rest, v_thresh, v_reset, t_ref = p.tau_m, p.v_rest, p.v_thresh, p.v_reset, p.t_ref
    n_steps = len(drive)
    v = p.v_start
    free_at = -np.inf
    if v >= v_thresh:
        spikes.add(0.0)
        v = v_reset
        free_at = t_ref
    v_out[0] = v
    for start in range(0, n_steps, CHUNK):
        chunk = drive[start:start + CHUNK].tolist()
        vs = []
        for k, d_k in enumerate(chunk, start):
            t_end = (k + 1) * dt
            t_now = k * dt
            if free_at > t_now:
                t_now = min(free_at, t_end)
            while t_now < t_end:
                h = t_end - t_now
                v_new = v + h * (-(v - v_rest) + d_k) / tau_m
                if v_new < v_thresh:
                    v = v_new
                    break
                t_cross = t_now + h * (v_thresh - v) / (v_new - v)
                spikes.add(t_cross)
                v = v_reset
                free_at = t_cross + t_ref
                if t_cross <= t_now and t_ref == 0:
                    raise StalledError(
                        f"Euler with interpolation stalled at t = {t_now:g} ms: the drive "
                        "is too strong for dt; use a smaller dt or add t_ref > 0"
                    )
                t_now = min(max(free_at, t_cross), t_end)
            vs.append(v)
        v_out[start + 1:start + 1 + len(vs)] = vs
    return spikes


def simulate_euler(params, t_max, dt, *, interpolate=False, max_spikes=5000):
    """(t, v, spike times) of the old simulate_euler, after its argument checks."""
    n_steps = len(np.arange(0, t_max, dt))
    t = np.arange(n_steps + 1) * dt
    drive = params.r_m * params.current(t[:-1])
    v = np.empty(n_steps + 1)
    loop = euler_interpolated if interpolate else euler_plain
    spikes = loop(params, dt, drive, v, SpikeList(max_spikes, t_max))
    return t, v, np.asarray(spikes, dtype=float)


def population_euler(p, drive, t_max, dt, max_spikes):
    """(neuron indices, spike steps) of the old simulate_population_euler, in loop order."""
    n = drive.size
    n_steps = math.ceil(t_max / dt)
    while n_steps > 0 and (n_steps - 1) * dt >= t_max:
        n_steps -= 1
    v = np.full(n, p.v_start)
    free_from = np.zeros(n, dtype=np.int64)
    held = p.t_ref / dt - 1e-9
    held_steps_ = n_steps + 1 if not held < n_steps + 1 else max(math.ceil(held), 0)
    steps, who, total = [], [], 0
    drive = p.r_m * drive
    for k in range(n_steps):
        free = free_from <= k
        v = np.where(free, v + dt * (-(v - p.v_rest) + drive) / p.tau_m, v)
        fired = np.flatnonzero(free & (v >= p.v_thresh))
        if fired.size:
            total += fired.size
            if total > max_spikes:
                raise RunawayError(runaway_message(total, max_spikes, t_max))
            v[fired] = p.v_reset
            free_from[fired] = k + 1 + held_steps_
            steps.append(np.full(fired.size, k + 1))
            who.append(fired)
    steps = np.concatenate(steps) if steps else np.empty(0, dtype=np.int64)
    who = np.concatenate(who) if who else np.empty(0, dtype=np.int64)
    return who, steps * dt, n_steps * n

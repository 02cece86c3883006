"""The one independent restart loop the tests compare lifutils against.

It is the loop a careful student writes with plain ``solve_ivp`` (notebook 03):
integrate to the threshold event, record the spike, reset the state, restart
``t_ref`` later. It shares no code with lifutils, so it can catch lifutils out.
"""
import numpy as np
from scipy.integrate import solve_ivp


def restart_loop(rhs, y0, t_max, *, threshold, reset, t_ref=0.0, **solve_ivp_options):
    """Spike times (ms) and the final state of a threshold-and-reset model.

    Parameters
    ----------
    rhs : callable
        ``rhs(t, y)``, as for solve_ivp.
    y0 : array_like
        State at t = 0.
    t_max : float
        End time (ms).
    threshold : callable
        ``threshold(t, y)``: a spike when it crosses zero upwards.
    reset : callable
        ``reset(y) -> new state`` from the state at the spike.
    t_ref : float
        The restart comes this long after the spike, from the reset state.
    **solve_ivp_options
        rtol, atol, method ... for every solve_ivp call.

    Returns
    -------
    spikes : ndarray
    y_end : ndarray
        The state at the end of the last integration.
    """
    def event(t, y):
        return threshold(t, y)
    event.terminal, event.direction = True, 1
    t, y, spikes = 0.0, np.asarray(y0, dtype=float), []
    y_end = y
    while t < t_max:
        sol = solve_ivp(rhs, (t, t_max), y, events=event, **solve_ivp_options)
        y_end = sol.y[:, -1]
        if sol.status != 1:
            break
        spikes.append(sol.t_events[0][0])
        t, y = spikes[-1] + t_ref, np.asarray(reset(sol.y_events[0][0]), dtype=float)
    return np.array(spikes), y_end

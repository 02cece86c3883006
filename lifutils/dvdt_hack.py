"""The question's attempt: a "reset" written into dv/dt. It is meant to fail.

Kept faithful on purpose; see :func:`simulate_dvdt_hack` for what goes wrong.
"""
from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from . import checks as check
from .errors import HackStalledError, LifutilsError, SolverError
from .methods import SOLVE_IVP_METHODS
from .params import LIFParams, check_params, check_t_max
from .result import LIFResult

__all__ = ["simulate_dvdt_hack", "HackStalledError", "MAX_NFEV"]


#: Stop the hack after this many right-hand-side evaluations (about 1 s with RK45).
MAX_NFEV = 100_000


#: solve_ivp's own defaults, as in the question (it gave no options).
HACK_RTOL, HACK_ATOL = 1e-3, 1e-6


def simulate_dvdt_hack(params: LIFParams, t_max, *, method="RK45", rtol=HACK_RTOL,
                       atol=HACK_ATOL, max_step=np.inf, t_eval=None, max_nfev=MAX_NFEV,
                       **unknown) -> LIFResult:
    """Run the question's right-hand side, "reset" included, through solve_ivp.

    The right-hand side is the asker's::

        dv_dt = (v_reset - y) if y >= v_thresh else (-(y - v_rest) + i_e) / tau_m

    (with ``r_m * i_e`` so the units work for any r_m). It does not reset, and
    this function does not fix it. What goes wrong:

    * A right-hand side can only set the *rate* of change: v moves
      continuously, so it can never jump to v_reset.
    * The "reset" branch is a relaxation towards v_reset at rate 1/ms, but it
      switches off as soon as v dips below v_thresh, where the leak term
      pushes v back up. The two branches point at each other, so v is pinned at
      threshold, chattering around it, and never goes near v_reset.
    * The right-hand side is discontinuous at v_thresh. An adaptive solver's
      error estimate fails at every step that straddles it, so it shrinks the
      step again and again: thousands of evaluations for a flat line.
    * Between steps, the dense output and plotting interpolate across the
      switch, drawing wiggles that are not in the model.

    * At tight tolerances (rtol = 1e-6, or Radau and BDF at any setting) the
      steps become so small that the solver crawls: after ``max_nfev``
      evaluations it has covered only a few ms. Rather than seem to hang, the
      function then stops at its next accepted step with
      :class:`HackStalledError`, which says how far it got; its ``result``
      attribute holds the trace up to there.

    There are no spikes: ``spike_times`` is empty, because nothing in this model
    ever resets.

    Parameters
    ----------
    params : LIFParams
        Neuron parameters (ms, mV, nA, MOhm); ``t_ref`` is ignored, as in the question.
    t_max : float
        Simulation length (ms), > 0.
    method : str
        Any solve_ivp method ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA").
    rtol, atol, max_step : float or None
        The same options as :func:`~lifutils.simulate_events`, checked alike
        (rtol in [2.2e-14, 1), atol > 0 mV, max_step > 0 ms or inf), so you can
        check that no setting rescues it. Defaults (also for None): solve_ivp's
        own (1e-3, 1e-6, no cap), as in the question.
    t_eval : array_like, optional
        Strictly increasing times (ms) within [0, t_max] at which to store v.
    max_nfev : int
        Budget of right-hand-side evaluations; default 100000 (about 1 s with
        RK45, 3 to 5 s with Radau or BDF).

    Returns
    -------
    LIFResult
        ``t``, ``v`` at the solver's steps, ``nfev`` from solve_ivp,
        ``spike_times`` empty.

    Raises
    ------
    HackStalledError
        When the budget runs out before t_max (``.result``: the partial trace).

    Examples
    --------
    >>> res = simulate_dvdt_hack(LIFParams(i_e=20.0), 100.0)
    >>> bool(res.v[res.t > 20].min() > -61.0)  # never near v_reset = -80 mV
    True
    >>> res.spike_times.size, res.nfev
    (0, 2000)
    """
    params = check_params(params)
    t_max, rtol, atol, max_step, t_eval, max_nfev = _check_arguments(
        t_max, method, rtol, atol, max_step, t_eval, max_nfev, unknown)
    budget = _Budget(_question_rhs(params), max_nfev, t_max)
    sol = solve_ivp(budget.rhs, (0.0, t_max), [params.v_start], method=method, t_eval=t_eval,
                    rtol=rtol, atol=atol, max_step=max_step, events=budget)
    if sol.status < 0:
        raise SolverError(f"solve_ivp failed on the dv/dt hack: {sol.message}")
    result = LIFResult(t=sol.t, v=sol.y[0], spike_times=np.empty(0), nfev=int(sol.nfev),
                       key="hack", solver=method, params=params)
    if sol.status == 1:
        error = HackStalledError(budget.stalled(float(sol.t[-1])))
        error.result = result  # the trace up to where it stopped
        raise error
    return result


def _question_rhs(params: LIFParams):
    """The question's right-hand side, "reset" branch included, as the asker wrote it."""
    tau_m, v_rest, v_thresh, v_reset, r_m = (params.tau_m, params.v_rest, params.v_thresh,
                                             params.v_reset, params.r_m)
    current = params.scalar_current()  # raises on NaN/inf input instead of looping

    def lif(t, y):
        i_e = current(t)
        dv_dt = (v_reset - y) if y[0] >= v_thresh else (-(y - v_rest) + r_m * i_e) / tau_m
        return dv_dt
    return lif


def _check_arguments(t_max, method, rtol, atol, max_step, t_eval, max_nfev, unknown):
    """The options of simulate_dvdt_hack, checked as simulate_events checks them:
    (t_max, rtol, atol, max_step, t_eval, max_nfev)."""
    t_max = check_t_max(t_max)
    if unknown:
        raise LifutilsError(f"simulate_dvdt_hack takes method, rtol, atol, max_step, t_eval and "
                            f"max_nfev; got {sorted(unknown)} (the hack has no events: "
                            "simulate_events is the version with them)")
    if not isinstance(method, str) or method not in SOLVE_IVP_METHODS:
        raise LifutilsError(f"method must be one of {', '.join(SOLVE_IVP_METHODS)}, got {check.show(method)}")
    rtol, atol, max_step = check.solver_options(  # None: the default, as in simulate_events
        HACK_RTOL if rtol is None else rtol, HACK_ATOL if atol is None else atol,
        np.inf if max_step is None else max_step)
    if t_eval is not None:
        t_eval = check.times("t_eval", t_eval, low=0.0, high=t_max)
        if not t_eval.size:
            raise LifutilsError("t_eval must hold at least one time, got an empty sequence")
    max_nfev = check.integer("max_nfev", max_nfev, minimum=1)
    # Every solver step costs at least one evaluation: more steps than max_nfev
    # cannot finish, so say so before starting (a tiny max_step would never end).
    # Steps, not evaluations (as solve_ivp_with_resets counts): a run that gets
    # part of the way stops at its budget with the partial trace, which the
    # dashboard shows as STALLED (DOP853 at max_step = 0.01 ms).
    check.budget("max_step", max_step, t_max / max_step, max_nfev, what="solver steps",
                 advice="raise max_step or max_nfev, or shorten t_max")
    return t_max, rtol, atol, max_step, t_eval, max_nfev


class _Budget:
    """The hack's budget of evaluations. ``rhs`` is the question's right-hand side,
    counted; the object itself is the terminal event that checks the budget at each
    accepted step, so that a stalled run stops cleanly and keeps the trace it has:
    positive while evaluations remain, then a root between the last two accepted steps."""

    terminal, direction = True, -1

    def __init__(self, lif, max_nfev, t_max):
        self.lif, self.max_nfev, self.t_max = lif, max_nfev, t_max
        self.nfev, self.last_t, self.stop_at = 0, 0.0, None

    def rhs(self, t, y):
        self.nfev += 1
        if self.nfev > 2 * self.max_nfev:  # not even one more step accepted: give up here
            raise HackStalledError(self.stalled(t))
        return self.lif(t, y)

    def __call__(self, t, y):
        if self.stop_at is None:
            if self.nfev <= self.max_nfev or t <= self.last_t:
                self.last_t = max(self.last_t, t)
                return 1.0
            self.stop_at = 0.5 * (self.last_t + t)
        return self.stop_at - t

    def stalled(self, t_reached):
        """The message of the HackStalledError: how far the run got."""
        return (f"the dv/dt hack stalled: after {self.nfev} right-hand-side evaluations (its "
                f"budget, max_nfev, is {self.max_nfev}) it has only reached t = "
                f"{t_reached:.4g} ms of {self.t_max:g} ms. The right-hand side "
                "jumps at v_thresh, so the adaptive solver keeps shrinking its steps there "
                "(part of why the hack fails); loosen rtol/atol or raise max_nfev to see more")

"""Shared test settings, and the processor-independence mode (``--ulp``).

``pytest --ulp=up`` (or ``down``; or ``LIFUTILS_ULP=up`` in the environment) runs the session
with numpy's and math's elementary functions nudged one ulp (tests/_ulp.py says which), as
another processor may round them; ``make test`` runs the tests marked ``numerics`` that way in
both directions. A test is marked ``numerics`` unless its file is in NOT_NUMERICS or its name in
NOT_NUMERICS_TESTS below: a new test is checked in all three modes until someone says that
no number it asserts rests on an elementary function.
"""
import os

import pytest
from hypothesis import settings

import _ulp

# Property tests: enough examples to find edge cases, deterministic in CI.
settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "default")

# Test files whose results do not rest on an elementary function: documents, files, HTML,
# the browser, notebooks under a kernel (which the nudge does not reach), colours, widgets'
# plumbing. Everything else (the numerics, the claims of the notebooks, lifutils' docstring
# examples) is marked ``numerics`` and runs in the three ulp modes.
NOT_NUMERICS = frozenset({
    "test_accessibility.py", "test_browser.py", "test_browser_classroom.py", "test_browser_latency.py",
    "test_build_html.py", "test_contrast.py", "test_descriptions.py", "test_docs.py",
    "test_environment.py", "test_exercises_guide.py", "test_handout_security.py",
    "test_make_student.py", "test_nbgrader.py", "test_notebooks.py", "test_palette.py",
    "test_publish.py", "test_teaching_guide.py",
    # the book's pages, links and axe checks; the checks' processes and limits; the progress
    # bar in a kernel; committed figures; budgets and hostile calls that ask for a named error
    "test_book.py", "test_exercises_exploits.py", "test_progress.py", "test_figures_shown.py",
    "test_budgets.py", "test_hostile_numerics.py", "test_hostile_round4.py",
    # the README's answer runs in a fresh interpreter (not nudged), held to 1e-6 ms of the
    # closed form, a bound no last bit of the closed form's own log comes near
    "test_headline_answer.py",
    # artists that do not pile up over redraws, figure sizes at the projector, import paths:
    # they assert counts of objects, pixels and modules, none a number computed with exp or log
    "test_figure_objects.py", "test_projector.py", "test_layout.py",
})
# Tests that throw hostile arguments at lifutils and ask for a named error or a well-formed
# result, not for numbers: a third of the numerics' time, and nothing a last bit could change.
NOT_NUMERICS_TESTS = frozenset({
    "test_bad_values_give_a_named_error_or_a_result",  # test_adversarial, test_population_adversarial
    "test_hostile_answers_get_one_paragraph",           # test_exercises_hostile
    # a fresh interpreter imports lifutils and looks at what it loaded (nothing is nudged there)
    "test_import_has_no_side_effects",                   # test_plotting
    "test_the_gallery_needs_no_screen",                  # test_gallery
    "test_import_lifutils_does_not_import_nest",         # test_nest_bridge
})
# Tests that call no nudged function whose result a nudge would move (measured with
# --ulp=up: the dv/dt hack's solver runs and budgets, the LIF's linear flow under events):
# in the ulp modes they would compute exactly what they compute in the first pass, at a
# cost (30 s of the 230 s of one ulp pass). The first pass watches them (tests/_ulp.py's
# "watch" mode, pytest_runtest_call below) and fails one that starts to call such a
# function: it then belongs in the ulp modes again.
IDENTICAL_IN_ULP_MODES = frozenset({
    "test_02_radau_and_bdf_do_no_better",                # test_claims_00_03 (14 s)
    "test_02_plain_scipy_hack_finishes_but_the_bill_explodes",
    "test_00_the_hack_finishes_at_1e4_and_runs_out_of_budget_from_1e5",
    "test_02_hack_stalls_at_tight_tolerance",
    "test_hack_at_tight_settings_stops_with_a_message_instead_of_crawling",  # test_dvdt_hack
    "test_runaway_time_varying_drive_stops_at_the_cap_quickly",  # test_events
    "test_brief_pulse_is_not_stepped_over",
    "test_2_per_neuron_calls_per_spike_grow_with_n_the_vector_event_s_do_not",  # test_claims_07
})
# Under pytest-xdist (`--dist loadgroup`, as `make test` runs it) each test goes to whichever
# worker is free, except these files, each of which goes whole to one worker:
# - the browser tests (one group: JupyterLab and Chromium one at a time, whatever the number
#   of workers);
# - files whose module-scoped fixtures cost seconds to minutes (the book and the hostile book,
#   nbgrader's autograde, the student copies, the gallery's runs, the measured figures, the
#   dashboards, the network), which would otherwise be built once on every worker.
# `make test` adds --no-loadscope-reorder: the groups go out in file order, so the book and the
# browser tests, early in it, start first and on different workers, and single tests fill the
# end. (xdist's own xdist_group marks do not group under pytest 9: xdist 3.8 renames
# ``item._nodeid``, which pytest 9 no longer reads; hence the scheduler below.)
GROUPS = {"test_browser.py": "browser", "test_browser_classroom.py": "browser",
          "test_browser_latency.py": "browser",
          **{name: name for name in ("test_book.py", "test_nbgrader.py", "test_make_student.py",
                                     "test_gallery.py", "test_contrast.py", "test_widgets.py",
                                     "test_claims_07.py")}}


def pytest_addoption(parser):
    parser.addoption(
        "--ulp", default=os.environ.get("LIFUTILS_ULP", "off"),
        help="nudge numpy's and math's exp, expm1, log, log1p, power, sin and cos one ulp: "
             "'up' (toward +inf), 'down' (toward -inf) or 'off' (default; env LIFUTILS_ULP)")


def pytest_configure(config):
    mode = config.getoption("--ulp")
    if mode not in _ulp.MODES:
        raise pytest.UsageError(f"--ulp (or LIFUTILS_ULP) must be one of {', '.join(_ulp.MODES)}, "
                                f"not {mode!r}")
    _ulp.install(mode)


def pytest_unconfigure(config):
    _ulp.install("off")


def pytest_report_header(config):
    return [_ulp.describe(config.getoption("--ulp")), _ulp.numpy_dispatch()]


def pytest_collection_modifyitems(config, items):
    for item in items:
        name, test = item.path.name, getattr(item, "originalname", None)
        if name not in NOT_NUMERICS and test not in NOT_NUMERICS_TESTS \
                and test not in IDENTICAL_IN_ULP_MODES:
            item.add_marker(pytest.mark.numerics)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """The first pass watches the tests of IDENTICAL_IN_ULP_MODES: a result that a nudge
    would move fails the test (it must run in the ulp modes again)."""
    if getattr(item, "originalname", None) not in IDENTICAL_IN_ULP_MODES \
            or item.config.getoption("--ulp") != "off":
        return (yield)
    before = _ulp.WOULD_MOVE[0]
    _ulp.install(_ulp.WATCH)
    try:
        result = yield
    finally:
        _ulp.install("off")
    moved = _ulp.WOULD_MOVE[0] - before
    if moved:
        pytest.fail(f"{item.originalname} is in IDENTICAL_IN_ULP_MODES (tests/conftest.py), but "
                    f"{moved} results of numpy's or math's elementary functions in it are ones "
                    "another processor may round differently: take it out of that list, so that "
                    "the ulp modes run it", pytrace=False)
    return result


def group_of(nodeid):
    """The xdist work unit of a test: its file's group in GROUPS, or the test alone."""
    return GROUPS.get(nodeid.split("::", 1)[0].rsplit("/", 1)[-1], nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup`: xdist's scheduling by work unit, with the units of ``group_of``."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return group_of(nodeid)

    return GroupScheduling(config, log)


@pytest.fixture
def ulp_mode(request):
    """The ulp mode of this session: 'off', 'up' or 'down'."""
    return request.config.getoption("--ulp")


@pytest.fixture
def nest():
    """Skip a NEST test where NEST is missing, except in CI (CI=true), where it must be there."""
    from lifutils.populations.nest_bridge import INSTALL_HINT, nest_available
    if not nest_available():
        if os.environ.get("CI") == "true":
            pytest.fail("NEST is missing in CI: `make test` must install lifutils[nest]. "
                        + INSTALL_HINT)
        pytest.skip(INSTALL_HINT)

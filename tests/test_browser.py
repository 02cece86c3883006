"""Browser test: run every notebook in a real JupyterLab, in headless Chromium.

For each ``notebooks/*.ipynb`` (a temporary *copy* is served, so the
committed notebooks are never modified) the test

* opens the notebook in JupyterLab and waits for the kernel
  ("Python 3 (ipykernel) | Idle" in the status bar),
* clears the committed outputs and runs Run -> Run All Cells,
* waits until every code cell has run and asserts that no output is an error,
* saves a screenshot of the whole notebook to
  ``build/screenshots/<stem>.png``,
* for every dashboard (``.lif-dashboard``) moves the first slider one step and
  checks that the dashboard redraws (``.lif-status`` reports a new
  ``redraw N`` and the new value, and the figure changes); screenshot in
  ``build/screenshots/<stem>__dashboard<k>.png``;
* works every dashboard from the keyboard alone: from its first control, Tab
  reaches each control in turn, each shows a visible focus, an arrow key
  changes it, and the figure and the status line (a polite live region)
  follow;
* runs axe-core (WCAG 2.1 A and AA) over the page: no violation in our
  content (the notebook's rendered markdown and outputs, the dashboards),
  except the upstream ones listed in UPSTREAM_IN_OUR_CONTENT, and none in
  JupyterLab's own interface but those listed in JUPYTERLAB_OWN, each with its
  upstream issue.

Needs Chromium at /usr/bin/chromium and the Playwright Python package.
Without them the test is skipped (it fails instead when CI=true).

Environment:
    LIF_BROWSER_NOTEBOOKS  directory with the notebooks to test
                           (default: the repository's notebooks/)

Run:  .venv/bin/python -m pytest -p no:cacheprovider tests/test_browser.py -v
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = Path(
    os.environ.get("LIF_BROWSER_NOTEBOOKS") or REPO_ROOT / "notebooks"
).resolve()
SCREENSHOT_DIR = REPO_ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOTEBOOK_TIMEOUT = 240.0  # seconds, whole notebook (run + dashboards + keyboard + axe)
REDRAW_TIMEOUT = 30.0  # seconds, one dashboard redraw
VIEWPORT = {"width": 1280, "height": 900}
MAX_SCREENSHOT_HEIGHT = 16000  # Chromium cannot capture much taller images


# Collected at import time so every notebook is its own test.
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
NOTEBOOK_PARAMS = [pytest.param(nb, id=nb.stem) for nb in NOTEBOOKS] or [
    pytest.param(None, id="no-notebooks")
]


# The JavaScript run inside the page: questions about JupyterLab's DOM, in one
# file, loaded into every page (window.lifTest) before JupyterLab starts.
CHECKS_JS = Path(__file__).with_name("browser_checks.js")
JS_STATE = "() => lifTest.state()"
JS_KERNEL_READY = "([n]) => lifTest.kernelReady(n)"
JS_RUN_FINISHED = "([nonEmpty]) => lifTest.runFinished(nonEmpty)"
JS_CLEARED = "([nCode]) => lifTest.cleared(nCode)"
JS_WIDGETS_READY = "() => lifTest.widgetsReady()"
JS_REDRAWN = "([dash, oldReadout, oldN]) => lifTest.redrawn(dash, oldReadout, oldN)"
JS_FIGURE_CHANGED = "([dash, oldSrc]) => lifTest.figureChanged(dash, oldSrc)"
JS_NOTEBOOK_HEIGHT = "() => lifTest.notebookHeight()"
JS_FOCUSED = "d => lifTest.focused(d)"
JS_STATUS = "d => lifTest.statusOf(d)"
JS_KEY_REDRAWN = "([d, n, src]) => lifTest.keyRedrawn(d, n, src)"

sys.path.insert(0, str(Path(__file__).parent))
import _axe  # noqa: E402
# JupyterLab from pytest-jupyter's fixtures: `jupyterlab` and the jp_* it builds on.
from _jupyterlab_server import *  # noqa: E402,F403

# The server runs in this process: warnings of jupyter_server and its extensions are
# reported, not raised inside the server (the suite's filterwarnings = error is for lifutils).
pytestmark = pytest.mark.filterwarnings("default")

# axe-core findings that are not ours to fix, each with its upstream issue. Inside our
# content (rule id -> (CSS selector the node matches, why, upstream issue)):
UPSTREAM_IN_OUR_CONTENT = {
    "image-alt": (".jp-RenderedImage img",
                  "JupyterLab draws an image/png output as an <img> without alt text (rendermime "
                  "renderImage); lifutils puts the figure's description in the output's "
                  "text/plain and as a caption under the figure",
                  "https://github.com/jupyter/enhancement-proposals/issues/120"),
    "aria-input-field-name": (".noUi-handle",
                              "ipywidgets' sliders (noUiSlider) give the handle role=slider but no "
                              "accessible name; the visible label is not tied to it",
                              "https://github.com/leongersen/noUiSlider/issues/1223"),
}
# In JupyterLab's own interface (rule id -> why, upstream issue); measured with
# JupyterLab 4 and these notebooks: see the report of issue 18.
JUPYTERLAB_OWN = {
    "aria-allowed-attr": ("aria-pressed on the toolbars' plain <jp-button>s (Upload Files, "
                          "Toggle File Filter, Enable Debugger ...)",
                          "https://github.com/jupyterlab/jupyterlab/issues/16891"),
    "aria-input-field-name": ("the code cells' CodeMirror editors (.cm-content, role=textbox) "
                              "carry no label",
                              "https://github.com/jupyterlab/jupyterlab/issues/10347"),
    "aria-required-children": ("the notebook's cell list has role=feed without article children",
                               "https://github.com/jupyterlab/jupyterlab/issues/14765"),
    "button-name": ("the collapse button beside a markdown heading (.jp-collapseHeadingButton) "
                    "has no text; no upstream issue found yet, the button came with "
                    "https://github.com/jupyterlab/jupyterlab/pull/10260: to be filed",
                    "https://github.com/jupyterlab/jupyterlab/pull/10260"),
    "scrollable-region-focusable": ("a code cell's CodeMirror scroller (.cm-scroller, "
                                    "tabindex=-1) when a line is wider than the cell; with "
                                    "the editor's unnamed textbox, part of",
                                    "https://github.com/jupyterlab/jupyterlab/issues/10347"),
}


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------


def _unavailable(reason: str) -> None:
    how = (
        "To run the browser test install Chromium "
        "(`sudo apt-get install chromium`), or run `.ci/run` as root, which "
        "installs it when it is missing."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true, so this is an error). {how}", pytrace=False)
    pytest.skip(f"{reason}. {how}")


@pytest.fixture
def browser(request):
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _unavailable(
            f"the Playwright Python package is not importable ({exc}); it is a "
            "dev dependency of the project (install the venv with the dev extras)"
        )
    # The server first, Playwright after it and closed before it: pytest-jupyter sets the
    # server up and tears it down with run_until_complete on this thread, which asyncio
    # refuses while Playwright's synchronous API is active (its loop counts as running).
    request.getfixturevalue("lab_server")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def lab_server(jp_root_dir, jupyterlab):
    """JupyterLab (a fresh one per notebook) serving a temporary copy of the notebooks."""
    shutil.copytree(
        NOTEBOOK_DIR,
        jp_root_dir / "notebooks",
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
    )
    return jupyterlab


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


class Deadline:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def ms(self, cap: float | None = None) -> float:
        left = max(self.end - time.monotonic(), 0.5)
        if cap is not None:
            left = min(left, cap)
        return left * 1000


def _state(page) -> dict:
    try:
        return page.evaluate(JS_STATE)
    except Exception as exc:  # page crashed/closed: still report something
        return {"error": repr(exc)}


def _describe(page, server=None, console=None) -> str:
    s = _state(page)
    parts = [
        f"status bar: {s.get('statusText', '').strip()!r}".replace("\\n", " | "),
        f"kernel: {s.get('kernel')}",
        f"input prompts: {s.get('prompts')}",
    ]
    if s.get("dialogs"):
        parts.append(f"open dialogs: {s['dialogs']}")
    if s.get("errors"):
        parts.append("error outputs:\n" + _format_errors(s["errors"]))
    log = _log_console(page)
    if log:
        parts.append("JupyterLab log console (errors raised in widget callbacks):\n" + log)
    if console:
        parts.append("browser console (last 20):\n  " + "\n  ".join(console[-20:]))
    if server is not None:
        parts.append("server log (tail):\n" + _tail(server.log(), 3000))
    return "\n".join(parts)


def _log_console(page) -> str:
    """Text of JupyterLab's log console, if it has messages (best effort).

    Exceptions raised by widget callbacks outside an Output widget end up
    there, not in the notebook.
    """
    try:
        item = page.locator(".jp-LogConsoleStatusItem")
        if not item.count() or not item.first.is_visible():
            return ""
        item.first.click(timeout=3000)
        panel = page.locator(".jp-LogConsolePanel")
        panel.first.wait_for(state="visible", timeout=3000)
        page.wait_for_timeout(300)
        text = panel.first.inner_text(timeout=3000).strip()
        return text[-4000:]
    except Exception:  # diagnostics only: never hide the real failure
        return ""


def _tail(text: str, n: int) -> str:
    return text if len(text) <= n else "...\n" + text[-n:].split("\n", 1)[-1]


def _format_errors(errors: list[dict]) -> str:
    return "\n".join(f"--- {e['where']} ---\n{e['text'].strip()}" for e in errors)


def _wait(page, what, js: str, arg, timeout_ms: float, server, console) -> None:
    """Wait until ``js(arg)`` is true in the page; fail with a report if not.

    ``what`` is a string or a callable returning one (called on failure).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(js, arg=arg, timeout=timeout_ms, polling=100)
    except PlaywrightTimeout:
        if callable(what):
            what = what()
        pytest.fail(
            f"timed out after {timeout_ms / 1000:.0f} s waiting for {what}.\n"
            + _describe(page, server, console),
            pytrace=False,
        )


def _menu(page, menu: str, command: str) -> None:
    """Click a main-menu entry, e.g. Run -> Run All Cells."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{menu}$")).click()
    item = page.locator(f'.lm-Menu-item[data-command="{command}"]')
    item.wait_for(state="visible", timeout=10_000)
    item.click()


def _screenshot_notebook(page, path: Path) -> None:
    """Screenshot the whole notebook: grow the viewport to its height."""
    path.parent.mkdir(parents=True, exist_ok=True)
    extra = page.evaluate(JS_NOTEBOOK_HEIGHT) or 0
    height = int(min(VIEWPORT["height"] + extra, MAX_SCREENSHOT_HEIGHT))
    try:
        if height > VIEWPORT["height"]:
            page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
            page.wait_for_timeout(300)  # let Lumino lay out the bigger window
            page.evaluate(JS_NOTEBOOK_HEIGHT)  # and scroll to the top again
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(VIEWPORT)


def _code_cells(notebook: Path) -> list[bool]:
    """For each code cell: does it have code (empty cells are not run)?"""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    out = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else src
            out.append(bool(src.strip()))
    return out


def _redraw_count(text: str) -> int:
    found = re.findall(r"redraw\s+(\d+)", text)
    return int(found[-1]) if found else -1


# ---------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("notebook", NOTEBOOK_PARAMS)
def test_notebook_in_jupyterlab(notebook, request):
    if notebook is None:
        pytest.fail(
            f"no notebooks found: {NOTEBOOK_DIR}/*.ipynb matched nothing "
            "(set LIF_BROWSER_NOTEBOOKS to test another directory)",
            pytrace=False,
        )
    browser = request.getfixturevalue("browser")
    server = request.getfixturevalue("lab_server")

    deadline = Deadline(NOTEBOOK_TIMEOUT)
    t0 = time.monotonic()
    timings: list[str] = []

    def lap(what: str) -> None:
        timings.append(f"{what} {time.monotonic() - t0:.1f}s")

    served = server.root_dir / "notebooks" / notebook.name
    non_empty = _code_cells(served)
    console: list[str] = []

    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(path=CHECKS_JS)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("console", lambda m: console.append(f"[{m.type}] {m.text[:300]}"))
        page.on("pageerror", lambda e: console.append(f"[pageerror] {e}"))

        # A fresh workspace per notebook: nothing else gets restored/opened.
        workspace = f"lif-{notebook.stem}-{os.getpid()}-{time.monotonic_ns()}"
        page.goto(
            server.url(f"lab/workspaces/{workspace}/tree/notebooks/{notebook.name}"),
            timeout=deadline.ms(60),
        )

        # 1. Wait for the kernel: the status bar, not the execution indicator
        #    (the latter can read idle while the kernel is still starting).
        _wait(
            page,
            "the notebook and its kernel ('Python 3 (ipykernel) | Idle' in the status bar)",
            JS_KERNEL_READY,
            [len(non_empty)],
            deadline.ms(),
            server,
            console,
        )

        # 2. Clear the committed outputs, so what we check below comes from
        #    this run (prompts go back to [ ]:), then Run -> Run All Cells.
        lap("kernel idle")
        _menu(page, "Edit", "editmenu:clear-all")
        _wait(page, "the outputs to be cleared", JS_CLEARED, [len(non_empty)],
              deadline.ms(30), server, console)
        lap("cleared")
        _menu(page, "Run", "runmenu:run-all")
        _wait(
            page,
            "all cells to finish (no [*] prompts left, kernel idle)",
            JS_RUN_FINISHED,
            [non_empty],
            deadline.ms(),
            server,
            console,
        )
        lap("ran")
        _wait(
            page,
            "the widgets to render (each .lif-dashboard with a .lif-status "
            "reading '... redraw N')",
            JS_WIDGETS_READY,
            None,
            deadline.ms(60),
            server,
            console,
        )

        state = _state(page)
        errors = state["errors"]
        not_run = [
            f"code cell {i + 1} ({p or 'no prompt'})"
            for i, (p, code) in enumerate(zip(state["prompts"], non_empty))
            if code and not re.fullmatch(r"\[\d+\]:", p)
        ]
        lap("widgets")
        _screenshot_notebook(page, SCREENSHOT_DIR / f"{notebook.stem}.png")
        lap("screenshot")
        assert not errors, (
            f"{notebook.name}: {len(errors)} error output(s) after Run All Cells:\n"
            + _format_errors(errors)
        )
        assert not not_run, (
            f"{notebook.name}: cells did not run: {', '.join(not_run)}\n"
            + _describe(page, server, console)
        )

        # 3. Dashboards: move the first slider one step, expect a redraw.
        dashboards = page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .lif-dashboard"
            ":not(.lif-dashboard .lif-dashboard)"
        )
        for k in range(dashboards.count()):
            _check_dashboard(
                page, dashboards.nth(k), k + 1, notebook, deadline, server, console
            )
            lap(f"dashboard {k + 1}")
            _keyboard_pass(page, dashboards.nth(k), k + 1, notebook, deadline, server, console)
            lap(f"keyboard {k + 1}")

        # 4. axe-core, WCAG 2.1 A and AA, with every output and dashboard shown.
        _check_axe(page, notebook)
        lap("axe")
    finally:
        try:
            context.close()
        finally:
            print(f"{notebook.name}: " + ", ".join(timings))


def _check_dashboard(page, dash, k, notebook, deadline, server, console) -> None:
    label = f"{notebook.name}, dashboard {k}"
    dash.scroll_into_view_if_needed()
    slider = dash.locator(".widget-slider").first
    assert slider.count(), f"{label}: no slider (.widget-slider) in the dashboard"
    handle = slider.locator(".noUi-handle").first
    readout = slider.locator(".widget-readout").first
    status = dash.locator(".lif-status").first
    assert status.count(), f"{label}: no status line (.lif-status) in the dashboard"
    error = dash.locator(".lif-error")
    assert not error.count(), (
        f"{label}: shows an error instead of a figure before any change: "
        f"{error.first.inner_text()!r}"
    )
    img = dash.locator(".widget-output img").first
    assert img.count(), f"{label}: no figure (<img> in an Output widget) in the dashboard"

    old_src = img.get_attribute("src")
    old_readout = readout.text_content().strip()
    old_status = status.inner_text().strip()
    old_n = _redraw_count(old_status)
    assert old_n >= 0, f"{label}: status {old_status!r} has no 'redraw N'"

    now = float(handle.get_attribute("aria-valuenow"))
    vmax = float(handle.get_attribute("aria-valuemax"))
    vertical = handle.get_attribute("aria-orientation") == "vertical"
    up, down = ("ArrowUp", "ArrowDown") if vertical else ("ArrowRight", "ArrowLeft")
    key = down if now >= vmax else up
    handle.focus()
    handle.press(key)

    dash_handle = dash.element_handle()
    _wait(
        page,
        lambda: (
            f"{label} to redraw after pressing {key} on the first slider: expected "
            f"the readout to change and the status to show the new value and a "
            f"'redraw N' with N > {old_n}. Before: readout {old_readout!r}, status "
            f"{old_status!r}; now: readout {readout.text_content().strip()!r}, "
            f"status {status.inner_text().strip()!r}"
        ),
        JS_REDRAWN,
        [dash_handle, old_readout, old_n],
        deadline.ms(REDRAW_TIMEOUT),
        server,
        console,
    )
    _wait(page, f"{label}: the figure to change", JS_FIGURE_CHANGED,
          [dash_handle, old_src], deadline.ms(10), server, console)

    path = SCREENSHOT_DIR / f"{notebook.stem}__dashboard{k}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    dash.screenshot(path=str(path))

    new_readout = readout.text_content().strip()
    new_status = status.inner_text().strip()
    change = f"moving the first slider {old_readout} -> {new_readout}"
    errors = _state(page)["errors"]
    assert not errors, f"{label}: error output after {change}:\n" + _format_errors(errors)
    assert not error.count(), (
        f"{label}: {change} shows an error instead of a figure: "
        f"{error.first.inner_text()!r}"
    )
    assert _redraw_count(new_status) > old_n and f"={new_readout}" in new_status, (
        f"{label}: after {change} the status reads {new_status!r} "
        f"(before: {old_status!r})"
    )
    assert img.count(), f"{label}: no figure after {change}"
    new_src = img.get_attribute("src")
    assert new_src and new_src != old_src, f"{label}: the figure did not change after {change}"


def _keyboard_pass(page, dash, k, notebook, deadline, server, console) -> None:
    """Work dashboard ``k`` from the keyboard alone: Tab to each control, an arrow key
    changes it, the figure and the status line follow, the focus is visible."""
    label = f"{notebook.name}, dashboard {k} (keyboard)"
    dash.scroll_into_view_if_needed()
    n_controls = dash.evaluate("d => lifTest.controlCount(d)")
    assert n_controls, f"{label}: no controls"
    dash_handle = dash.element_handle()
    dash.locator(".noUi-handle, select").first.focus()
    visited = {}
    for _ in range(4 * n_controls + 4):
        f = dash.evaluate(JS_FOCUSED)
        if not f["inside"]:
            break
        if f["kind"] and f["index"] not in visited:
            assert f["visible"], f"{label}: {f['label']!r} shows no focus ({f['tag']})"
            before = dash.evaluate(JS_STATUS)
            if f["kind"] == "slider":
                key = "ArrowLeft" if f["atEnd"] else "ArrowRight"
            else:
                key = "ArrowUp" if f["atEnd"] else "ArrowDown"
            page.keyboard.press(key)
            _wait(page, lambda: f"{label}: a redraw after {key} on {f['label']!r} "
                                f"(status: {dash.evaluate(JS_STATUS)['text']!r})",
                  JS_KEY_REDRAWN, [dash_handle, before["n"], before["src"]],
                  deadline.ms(REDRAW_TIMEOUT), server, console)
            now, status = dash.evaluate(JS_FOCUSED), dash.evaluate(JS_STATUS)
            assert now["index"] == f["index"], f"{label}: the focus left {f['label']!r}"
            assert now["value"] != f["value"], f"{label}: {key} did not change {f['label']!r}"
            assert f"={now['value']}" in status["text"], (
                f"{label}: the status does not say {f['label']}={now['value']}: {status['text']!r}")
            assert status["live"] == "polite", f"{label}: the status line is not a live region"
            visited[f["index"]] = (f["label"], f["value"], now["value"])
        page.keyboard.press("Tab")
    assert len(visited) == n_controls, (
        f"{label}: Tab reached {len(visited)} of {n_controls} controls: {visited}")
    print(f"{label}: " + "; ".join(f"{lab.strip()} {a} -> {b}" for lab, a, b in visited.values()))


def _check_axe(page, notebook) -> None:
    """axe-core on the whole page; our content must be clean but for the listed upstream
    findings, and JupyterLab's own findings must be among the listed ones."""
    violations = _axe.scan(page)
    ours, theirs = _axe.split_ours(page, violations)
    unexplained = []
    for v in ours:
        known = UPSTREAM_IN_OUR_CONTENT.get(v["id"])
        nodes = v["nodes"]
        if known is not None:
            selector = known[0]
            matches = page.evaluate(
                "([ts, sel]) => ts.map(t => { const c = Array.isArray(t) ? t[t.length - 1] : t;"
                " const e = document.querySelector(c); return !!(e && e.matches(sel)); })",
                [[n["target"] for n in nodes], selector])
            nodes = [n for n, m in zip(nodes, matches) if not m]
        if nodes:
            unexplained.append({**v, "nodes": nodes})
    print(f"{notebook.name}: axe-core WCAG 2.1 AA: {_axe.count(ours)} in our content ("
          + ", ".join(f"{v['id']}: {len(v['nodes'])}" for v in ours) + "), "
          f"{_axe.count(theirs)} in JupyterLab's own ("
          + ", ".join(f"{v['id']}: {len(v['nodes'])}" for v in theirs) + ")")
    assert not unexplained, (f"{notebook.name}: axe-core violations in our content:\n"
                             + _axe.report(unexplained))
    new = [v for v in theirs if v["id"] not in JUPYTERLAB_OWN]
    assert not new, (f"{notebook.name}: axe-core violations in JupyterLab not yet listed in "
                     f"JUPYTERLAB_OWN (find or file the upstream issue):\n" + _axe.report(new))

"""Browser test for the classroom: a dashboard in JupyterLab's dark theme, and at projector size.

Runs one small notebook in a real JupyterLab (dark theme) in headless Chromium:
``hack_explorer()``, ``hack_explorer(size="projector")`` and ``side_by_side()``. Checks that the status
line reads well on the dark background (WCAG contrast ratio at least 4.5), that
the figure is an opaque white picture (its axes and labels stay black on white),
and that the projector size really is larger (figure 1.6 times the pixels,
control text 20 px instead of 13 px). Screenshots, to look at:

* ``build/screenshots/classroom_dark_theme.png`` (the screen-size dashboard)
* ``build/screenshots/classroom_projector.png`` (the projector-size dashboard)
* ``build/screenshots/classroom_side_by_side_dark.png`` (every method, dark theme)

Needs Chromium at /usr/bin/chromium and the Playwright Python package (skipped
without them, a failure when CI=true), like tests/test_browser.py.
"""

from __future__ import annotations

import base64
import io
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

REPO_ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT_DIR = REPO_ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHECKS_JS = Path(__file__).with_name("browser_checks.js")
DARK = {"@jupyterlab/apputils-extension/themes.jupyterlab-settings": {"theme": "JupyterLab Dark"}}
CELLS = ["from lifutils.widgets import hack_explorer, side_by_side",
         "hack_explorer()",
         'hack_explorer(size="projector")',
         "side_by_side()"]

sys.path.insert(0, str(Path(__file__).parent))
# JupyterLab from pytest-jupyter's fixtures: `jupyterlab` and the jp_* it builds on.
from _jupyterlab_server import *  # noqa: E402,F403

# The server runs in this process: warnings of jupyter_server and its extensions are
# reported, not raised inside the server (the suite's filterwarnings = error is for lifutils).
pytestmark = pytest.mark.filterwarnings("default")


@pytest.fixture
def lab_settings():
    """JupyterLab starts in its dark theme."""
    return DARK


def _contrast(fg, bg) -> float:
    """WCAG 2 contrast ratio of two CSS rgb() colours."""
    def luminance(css):
        r, g, b = (float(x) / 255 for x in css[css.index("(") + 1:css.index(")")].split(",")[:3])
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


JS_DASHBOARDS = """() => [...document.querySelectorAll('.jp-NotebookPanel .lif-dashboard')].map(d => {
  const img = d.querySelector('img');
  const status = d.querySelector('.lif-status');
  const label = d.querySelector('.widget-label');
  let bg = 'rgba(0, 0, 0, 0)', el = status;
  while (el && /rgba\\(0, 0, 0, 0\\)|transparent/.test(bg)) {
    bg = getComputedStyle(el).backgroundColor; el = el.parentElement;
  }
  return {projector: d.classList.contains('lif-projector'),
          width: img ? img.naturalWidth : 0, src: img ? img.src : '',
          status: status ? status.innerText : '', color: getComputedStyle(status).color,
          background: bg, labelSize: parseFloat(getComputedStyle(label).fontSize),
          themeLight: document.body.dataset.jpThemeLight};
})"""


@pytest.mark.browser
def test_dashboard_in_dark_theme_and_at_projector_size(request):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM} (CI=true)")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from matplotlib.image import imread
    from playwright.sync_api import sync_playwright

    # The server (its settings: the dark theme) before Playwright, which is closed before
    # the server's teardown (see the browser fixture of tests/test_browser.py).
    server = request.getfixturevalue("jupyterlab")
    nb = new_notebook(cells=[new_code_cell(c) for c in CELLS],
                      metadata={"kernelspec": {"name": "python3",
                                               "display_name": "Python 3 (ipykernel)",
                                               "language": "python"}})
    nbformat.write(nb, server.root_dir / "classroom.ipynb")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            found = _run(browser, server)
        finally:
            browser.close()
    screen, projector, every_method = found
    assert screen["themeLight"] == "false", "JupyterLab did not start in the dark theme"
    assert not screen["projector"] and projector["projector"]
    # Readable on the dark background: the status line's text against what is behind it.
    for dash in found:
        assert _contrast(dash["color"], dash["background"]) >= 4.5, dash
    # The figure is an opaque white picture, axes and labels black on white.
    png = imread(io.BytesIO(base64.b64decode(screen["src"].split(",", 1)[1])), format="png")
    assert png.shape[2] == 3 or png[..., 3].min() == 1.0, "the figure has transparent pixels"
    assert png[2, 2, :3].min() == 1.0, "the figure's background is not white"
    # Projector size: 1.6 times the pixels, and larger control text.
    assert projector["width"] == pytest.approx(1.6 * screen["width"], abs=2)
    assert projector["labelSize"] >= 1.5 * screen["labelSize"]
    assert "redraw 1" in projector["status"]


def _run(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1500})
    context.add_init_script(path=str(CHECKS_JS))
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(server.url("lab/workspaces/lif-classroom/tree/classroom.ipynb"))
        page.wait_for_function("([n]) => lifTest.kernelReady(n)", arg=[len(CELLS)],
                               timeout=90_000, polling=200)
        page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
        page.wait_for_function("([ne]) => lifTest.runFinished(ne)", arg=[[True] * len(CELLS)],
                               timeout=120_000, polling=200)
        page.wait_for_function("() => lifTest.widgetsReady()", timeout=60_000, polling=200)
        page.wait_for_timeout(500)
        found = page.evaluate(JS_DASHBOARDS)
        assert len(found) == 3, found
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        dashboards = page.locator(".jp-NotebookPanel .lif-dashboard")
        for k, name in enumerate(("classroom_dark_theme", "classroom_projector",
                                  "classroom_side_by_side_dark")):
            dashboards.nth(k).scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            dashboards.nth(k).screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"))
        return found
    finally:
        context.close()

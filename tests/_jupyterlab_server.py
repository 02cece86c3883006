"""A throw-away JupyterLab for the browser tests, from pytest-jupyter's fixtures.

pytest-jupyter (``pytest_jupyter.jupyter_server``) builds a Jupyter server in the
test process for each test: its own HOME, runtime, config and data directories
under the test's ``tmp_path`` (``jp_environ``), a random token, a free port, and
at the end every kernel shut down (``jp_server_cleanup``). Here it serves
JupyterLab (the ``jupyterlab`` server extension) with its user settings and
workspaces under ``tmp_path`` too, and serves ``jp_root_dir``, into which a test
puts *copies* of the notebooks, so running cells and autosave never touch the
committed ones.

pytest-jupyter runs the server on an asyncio loop that only turns while a test
awaits; the browser tests use Playwright's synchronous API, which would block
it. So the ``jupyterlab`` fixture turns that loop on a thread of its own while
the test runs, and stops it (after shutting the kernels down) before
pytest-jupyter's own teardown runs on it again.

A test module takes the fixtures with ``from _jupyterlab_server import *``
(they stay local to that module: pytest-jupyter's autouse fixtures do not reach
the rest of the suite) and may override ``lab_settings``.
"""
from __future__ import annotations

import io
import json
import logging
import secrets
import shutil
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from pytest_jupyter.jupyter_server import *  # noqa: F403  the jp_* fixtures
from traitlets.config import Config

REPO_ROOT = Path(__file__).resolve().parents[1]
SETTINGS_SRC = REPO_ROOT / "scripts" / "jupyterlab_settings"

# Test-only user settings, layered on top of scripts/jupyterlab_settings.
# windowingMode "none": keep every cell attached to the DOM, so the test can
# see every prompt/output and the screenshot shows the whole notebook.
# autoStartDefaultKernel: a notebook without kernel metadata starts the
# default kernel instead of opening a "Select Kernel" dialog.
TEST_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
        "autoStartDefaultKernel": True,
    },
}


@pytest.fixture
def lab_settings() -> dict:
    """More JupyterLab user settings for a module ({relative path: values})."""
    return {}


@pytest.fixture
def jp_base_url():
    return "/"


@pytest.fixture
def jp_env_jupyter_path():
    """The environment's own share/jupyter, where the installed labextensions (ipywidgets')
    live: the server sees the installation a student has, with temporary user directories."""
    return Path(sys.prefix, "share", "jupyter")


@pytest.fixture
def jp_env_config_path():
    """The environment's etc/jupyter: the server extensions installed with it."""
    return Path(sys.prefix, "etc", "jupyter")


@pytest.fixture
def jp_server_config(tmp_path, lab_settings):
    settings = tmp_path / "lab" / "settings"
    if SETTINGS_SRC.is_dir():
        shutil.copytree(SETTINGS_SRC, settings, dirs_exist_ok=True)
    for rel, values in (TEST_SETTINGS | lab_settings).items():
        target = settings / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values, indent=2) + "\n")
    return Config({
        "ServerApp": {"jpserver_extensions": {"jupyterlab": True}},
        "IdentityProvider": {"token": secrets.token_hex(24)},
        "LabApp": {"user_settings_dir": str(settings),
                   "workspaces_dir": str(tmp_path / "lab" / "workspaces"),
                   "news_url": None},
    })


class Lab:
    """The running JupyterLab: where it serves, and its log."""

    def __init__(self, app, port: int, log: io.StringIO):
        self.app = app
        self.root_dir = Path(app.root_dir)
        self.base_url = f"http://127.0.0.1:{port}"
        self.token = app.identity_provider.token
        self._log = log

    def url(self, path: str = "") -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def log(self) -> str:
        return self._log.getvalue() or "(no server log)"


@pytest.fixture
def jupyterlab(jp_serverapp, http_server, jp_http_port, jp_asyncio_loop, tmp_path, monkeypatch):
    """JupyterLab serving ``jp_root_dir`` while the test runs; no kernel outlives it."""
    # Kernels start with this environment: IPython and matplotlib keep their files here.
    for name, sub in (("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "mpl")):
        (tmp_path / "lab" / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(tmp_path / "lab" / sub))
    jp_serverapp.log_level = logging.INFO  # pytest-jupyter's DEBUG would swamp a failure report
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("[%(levelname)s %(asctime)s] %(message)s"))
    jp_serverapp.log.addHandler(handler)
    before = {p.pid for p in psutil.Process().children()}

    loop = jp_asyncio_loop
    thread = threading.Thread(target=loop.run_forever, name="jupyterlab", daemon=True)
    thread.start()
    try:
        yield Lab(jp_serverapp, jp_http_port, log)
    finally:
        # ServerApp.stop(): on the server's loop, shut every kernel and extension down, close
        # the sessions' database (a sqlite connection serves only the thread that opened it),
        # then stop the loop, so pytest-jupyter's teardown can run it here again.
        jp_serverapp.stop()
        thread.join(timeout=60)
        jp_serverapp.log.removeHandler(handler)
        assert not thread.is_alive(), "the server's event loop did not stop"
        left = _new_children(before)
        assert not left, f"processes the JupyterLab server started still run: {left}"


def _new_children(before: set[int], timeout: float = 10.0) -> list[str]:
    """This process's children not in ``before`` that still run after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        alive = []
        for child in psutil.Process().children():
            if child.pid in before:
                continue
            try:
                if child.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{child.pid} {' '.join(child.cmdline())[:120]}")
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)

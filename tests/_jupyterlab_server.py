"""Start and stop a throw-away JupyterLab server for the browser test.

Nothing here touches the repository: the server gets its own runtime,
config, workspaces, settings and IPython directories under a temporary
directory, and it serves a directory chosen by the caller (the browser test
serves a *copy* of ``notebooks/``, so running cells and autosave never
modify the committed notebooks).

Used by ``tests/test_browser.py``; usable on its own for debugging::

    .venv/bin/python tests/_jupyterlab_server.py /tmp/some/dir
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

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


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLabServer:
    """A JupyterLab server on 127.0.0.1:<free port> with a random token."""

    def __init__(self, root_dir: Path, work_dir: Path, python: str = sys.executable):
        self.root_dir = Path(root_dir)
        self.work_dir = Path(work_dir)
        self.python = python
        self.token = secrets.token_hex(24)
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self.log_path = self.work_dir / "jupyterlab.log"
        self._log_file = None
        self._known: dict[int, psutil.Process] = {}  # the server's descendants, ever seen

    # -- environment -----------------------------------------------------
    def _prepare_dirs(self) -> dict[str, str]:
        dirs = {}
        for name in ("runtime", "config", "data", "workspaces", "ipython", "mpl", "settings"):
            d = self.work_dir / name
            d.mkdir(parents=True, exist_ok=True)
            dirs[name] = str(d)
        settings = self.work_dir / "settings"
        if SETTINGS_SRC.is_dir():
            shutil.copytree(SETTINGS_SRC, settings, dirs_exist_ok=True)
        for rel, values in TEST_SETTINGS.items():
            target = settings / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values, indent=2) + "\n")
        return dirs

    def _env(self, dirs: dict[str, str]) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            JUPYTER_RUNTIME_DIR=dirs["runtime"],
            JUPYTER_CONFIG_DIR=dirs["config"],
            JUPYTER_DATA_DIR=dirs["data"],
            JUPYTERLAB_SETTINGS_DIR=dirs["settings"],
            JUPYTERLAB_WORKSPACES_DIR=dirs["workspaces"],
            IPYTHONDIR=dirs["ipython"],
            MPLCONFIGDIR=dirs["mpl"],
            PYTHONUNBUFFERED="1",
        )
        # Kernels run with cwd = the served copy of notebooks/; make sure
        # `import lifutils` resolves to this checkout even if it was not
        # installed (it normally is, editable, in the venv).
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p
        )
        env.pop("JUPYTER_TOKEN", None)
        return env

    def command(self) -> list[str]:
        cmd = [
            self.python, "-m", "jupyter", "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--LabApp.workspaces_dir={self.work_dir / 'workspaces'}",
            f"--LabApp.user_settings_dir={self.work_dir / 'settings'}",
            "--ServerApp.open_browser=False",
            "--LabApp.news_url=None",
            # Safety net should the test runner die without stopping us
            # (SIGKILL): with no kernels and no requests for 15 minutes the
            # server exits by itself.
            "--ServerApp.shutdown_no_activity_timeout=900",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    # -- life cycle ------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "") -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"

    def start(self, timeout: float = 90.0, attempts: int = 3) -> None:
        dirs = self._prepare_dirs()
        env = self._env(dirs)
        last_error = None
        for _ in range(attempts):
            self.port = free_port()
            self._log_file = open(self.log_path, "ab")
            self.proc = subprocess.Popen(
                self.command(),
                cwd=str(self.root_dir),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=self._log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: killpg() on stop
            )
            try:
                self._wait_ready(timeout)
                return
            except ServerError as exc:
                last_error = exc
                port_taken = "already in use" in self.log() or "Address already" in self.log()
                self.stop()
                if not port_taken:
                    break
        raise last_error  # type: ignore[misc]

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        status_url = self.url("api/status")
        last = "no answer yet"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError(
                    f"JupyterLab exited with code {self.proc.returncode} before it "
                    f"answered on {self.base_url}.\n--- server log ---\n{self.log()}"
                )
            try:
                with urllib.request.urlopen(status_url, timeout=5) as resp:
                    if resp.status == 200:
                        json.load(resp)
                        return
                    last = f"HTTP {resp.status}"
            except (urllib.error.URLError, OSError, ValueError) as exc:
                last = repr(exc)
            time.sleep(0.25)
        raise ServerError(
            f"JupyterLab did not answer {self.base_url}/api/status within "
            f"{timeout:.0f} s (last: {last}).\n--- server log ---\n{self.log()}"
        )

    def _api(self, method: str, path: str, timeout: float = 10.0):
        req = urllib.request.Request(self.url(path), method=method)
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Shut down every kernel (frees CPU between notebooks)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(urllib.error.URLError, OSError, ValueError):
            for kernel in self._api("GET", "api/kernels") or []:
                self._remember_pids()
                with contextlib.suppress(urllib.error.URLError, OSError):
                    self._api("DELETE", f"api/kernels/{kernel['id']}", timeout=30)

    def _remember_pids(self) -> None:
        """Note the server's descendants (kernels live in their own sessions)."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(psutil.NoSuchProcess):
                for child in psutil.Process(self.proc.pid).children(recursive=True):
                    self._known.setdefault(child.pid, child)

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the server and everything it started; idempotent."""
        proc = self.proc
        try:
            if proc is not None:
                self._remember_pids()
                if proc.poll() is None:
                    # Polite first: the server shuts its kernels down itself.
                    with contextlib.suppress(urllib.error.URLError, OSError, ValueError):
                        self._api("POST", "api/shutdown", timeout=5)
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(timeout=timeout)
                if proc.poll() is None:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(proc.pid, signal.SIGTERM)
                    try:
                        proc.wait(timeout=timeout)
                    except subprocess.TimeoutExpired:
                        with contextlib.suppress(ProcessLookupError, PermissionError):
                            os.killpg(proc.pid, signal.SIGKILL)
                        proc.wait(timeout=timeout)
                else:
                    # Server is gone; anything left in its group goes too.
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(proc.pid, signal.SIGKILL)
            # Kernels live in their own sessions (jupyter_client setsid()s
            # them), so killpg() does not reach them: kill survivors by pid.
            for child in _running(self._known.values()):
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    child.kill()
        finally:
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None

    def leftovers(self) -> list[int]:
        """Pids of the server and its (former) children that still run."""
        procs = list(self._known.values())
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(psutil.NoSuchProcess):
                procs.append(psutil.Process(self.proc.pid))
        psutil.wait_procs(_running(procs), timeout=5)
        return sorted(p.pid for p in _running(procs))


def _running(procs) -> list[psutil.Process]:
    """The processes that still run: not exited, not a zombie, pid not reused
    (``is_running`` compares the creation time psutil noted)."""
    alive = []
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
    return alive


if __name__ == "__main__":  # manual debugging helper
    import tempfile

    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    with tempfile.TemporaryDirectory(prefix="lif-lab-") as tmp:
        server = JupyterLabServer(root, Path(tmp))
        server.start()
        print(server.url("lab"), flush=True)
        try:
            while server.proc.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()

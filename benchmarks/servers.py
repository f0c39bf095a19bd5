"""Start a server in a child process on a free port, wait until it is healthy, stop it.

Used by the benchmarks and by the tests that need a real server (browser, load correctness), so
both run the app the way `make run` does: `python serve.py`.

    with ServerProcess(log_dir) as server:              # KetaCheck (server:app)
        ...server.url, server.pid...
    ServerProcess(log_dir, app="benchmarks.bare.server:app")   # the bare one-question page
    ServerProcess(log_dir, streamlit_run="server.py")          # `streamlit run`, for comparison
    ServerProcess(log_dir, options={"runner.postScriptGC": "true"})  # any Streamlit config option
    ServerProcess(log_dir, port=server.port).start()   # the same address again, after server.kill()
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Self, TypeVar

from deploy.cluster import free_port, stop_process

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60.0


class PortTaken(RuntimeError):
    pass


Started = TypeVar("Started")


def on_a_free_port(start_once: Callable[[], Started], move_to: Callable[[int], None], attempts: int = 3) -> Started:
    """`start_once()`; when the port chosen for it was taken before the child bound it (PortTaken:
    free when picked, but any process's outgoing connection may take it meanwhile), `move_to` a
    new free port and start again."""
    attempt = 1
    while True:
        try:
            return start_once()
        except PortTaken:
            if attempt == attempts:
                raise
        attempt += 1
        move_to(free_port())


class ServerProcess:
    def __init__(self, log_dir: Path, *, app: str = "server:app", streamlit_run: str | None = None,
                 options: dict[str, str] | None = None, name: str = "server", port: int | None = None,
                 serve_args: list[str] | None = None) -> None:
        options = options or {}
        if streamlit_run:
            self.args = [sys.executable, "-m", "streamlit", "run", streamlit_run, "--server.headless", "true"]
            self.args += [arg for k, v in options.items() for arg in (f"--{k}", v)]
            self.port_args = ["--server.port"]
        else:
            self.args = [sys.executable, "serve.py", "--app", app]
            self.args += [arg for k, v in options.items() for arg in ("--set", f"{k}={v}")]
            self.args += serve_args or []  # serve.py's own flags (--gc-threshold 0)
            self.port_args = ["--port"]
        self.log_dir, self.name = log_dir, name
        self.port_chosen_here = port is None
        log_dir.mkdir(parents=True, exist_ok=True)
        self._on_port(port or free_port())
        self.proc: subprocess.Popen | None = None
        self.cwd = ROOT  # the code it runs (benchmarks/ab.py points it at another commit's)

    def _on_port(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.cmd = [*self.args, *self.port_args, str(port)]
        self.stdout_path = self.log_dir / f"{self.name}-{port}.out"
        self.stderr_path = self.log_dir / f"{self.name}-{port}.err"

    @property
    def pid(self) -> int:
        assert self.proc is not None, "not started"
        return self.proc.pid

    def start(self, timeout: float = START_TIMEOUT_S) -> Self:
        if not self.port_chosen_here:  # the caller's port is kept (the same address after a kill)
            return self._start(timeout)
        return on_a_free_port(lambda: self._start(timeout), self._on_port)

    def _start(self, timeout: float) -> Self:
        # Output goes to files so a full pipe never blocks the server.
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(self.cmd, cwd=self.cwd, stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                if "address already in use" in self.output().lower():
                    raise PortTaken(f"port {self.port} was taken before the server could bind it")
                raise RuntimeError(f"the server exited with code {self.proc.returncode} "
                                   f"before it was healthy:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as response:
                    if response.read().decode().strip() == "ok":
                        return self
            except OSError:
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"the server at {self.url} was not healthy after {timeout:.0f} s:\n{self.output()}")

    def output(self) -> str:
        parts = []
        for label, path in (("stderr", self.stderr_path), ("stdout", self.stdout_path)):
            text = path.read_text(errors="replace").strip() if path.exists() else ""
            parts.append(f"--- server {label} ---\n{text or '(empty)'}")
        return "\n".join(parts)

    def kill(self) -> None:
        """kill -9: the server dies mid-whatever, as in a crash (nothing is flushed or closed)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        stop_process(self.proc)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

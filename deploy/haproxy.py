"""HAProxy for `make cluster`: start it (master-worker), talk to its runtime API, move a replica to
another port, and reload its configuration only once the new one has been checked.

A reload (`SIGUSR2` to the master) starts new workers on the new configuration while the old ones
finish their connections; a configuration HAProxy refuses is never loaded, so the running one stays.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

BACKEND = "ketacheck"
# Debian installs it in /usr/sbin, which is not on every user's PATH.
HAPROXY_PATHS = ("/usr/sbin/haproxy", "/sbin/haproxy")
PORT_IN_USE = "another program is using that port"


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or next((p for p in HAPROXY_PATHS if os.path.exists(p)), None)
    if found is None:
        raise SystemExit("make cluster needs HAProxy: run 'sudo apt-get install haproxy' (or 'make haproxy').")
    return found


def stop_process(proc: subprocess.Popen | None, timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `timeout` (nothing if it is not running)."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def runtime_command(sock: str | Path, line: str) -> str:
    """One command on HAProxy's runtime API (the stats socket)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(str(sock))
        s.sendall(line.encode() + b"\n")
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


def backend_stats(sock: str | Path) -> dict[str, dict[str, str]]:
    """`show stat` for the backend's servers, by server name (status, scur = open connections, ...)."""
    text = runtime_command(sock, "show stat").lstrip("# ")
    lines = [line for line in text.splitlines() if line]
    header = lines[0].split(",")
    rows = (dict(zip(header, line.split(","))) for line in lines[1:])
    return {r["svname"]: r for r in rows if r["pxname"] == BACKEND and r["svname"] not in ("BACKEND", "FRONTEND")}


def servers_section(ports: dict[str, int]) -> str:
    return f"backend {BACKEND}\n" + "".join(f"    server {name} 127.0.0.1:{port} cookie {name}\n"
                                            for name, port in ports.items())


class HAProxy:
    def __init__(self, run_dir: Path, bind: str, ports: dict[str, int], config: Path, preexec=None) -> None:
        self.run_dir = run_dir
        self.bind = bind
        self.socket = run_dir / "haproxy.sock"
        self.log = run_dir / "haproxy.log"
        self.servers_cfg = run_dir / "servers.cfg"
        self.ports = dict(ports)
        self._write_servers()
        # HAProxy needs none of the app's environment, and never the cookie secret.
        self.env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
                    "KC_BIND": bind, "KC_RUN_DIR": str(run_dir)}
        self.config = config
        self.preexec = preexec
        self.proc: subprocess.Popen | None = None

    def _cmd(self) -> list[str]:
        return [haproxy_binary(), "-W", "-db", "-f", str(self.config), "-f", str(self.servers_cfg)]

    def _write_servers(self) -> None:
        tmp = self.servers_cfg.with_suffix(".tmp")
        tmp.write_text(servers_section(self.ports))
        tmp.replace(self.servers_cfg)

    def check_config(self) -> str | None:
        """HAProxy's own check of the configuration as it is on disk now: None when it is good,
        else what HAProxy says is wrong."""
        out = subprocess.run([*self._cmd(), "-c"], env=self.env, capture_output=True, text=True, check=False)
        if out.returncode == 0:
            return None
        problems = [line for line in (out.stdout + out.stderr).splitlines() if "[ALERT]" in line or "[WARNING]" in line]
        return "\n".join(problems or (out.stdout + out.stderr).splitlines()[-5:])

    def port_taken(self) -> str:
        return (f"HAProxy cannot listen on {self.bind}: {PORT_IN_USE}. Stop it, or choose another port "
                "(make cluster PORT=8502).")

    def check_port(self) -> None:
        """Before any replica starts: when another program has the public port, say so at once."""
        host, _, port = self.bind.rpartition(":")
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as HAProxy: a closed port's TIME_WAIT is free
            try:
                s.bind((host, int(port)))
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise RuntimeError(self.port_taken()) from None
                # any other address (IPv6, a name) is left for HAProxy itself to judge

    def start(self) -> None:
        problem = self.check_config()
        if problem:
            raise RuntimeError(f"HAProxy refused its configuration:\n{problem}")
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self._cmd(), env=self.env, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, preexec_fn=self.preexec)
        self._wait_ready(lambda: True, "HAProxy's runtime socket did not open within 20 s")

    def _wait_ready(self, loaded, message: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = self.log.read_text(errors="replace")[-3000:]
                why = f"HAProxy exited with code {self.proc.returncode}:"
                if "cannot bind socket" in log:  # free at check_port, taken while the replicas started
                    why = self.port_taken()
                raise RuntimeError(f"{why}\n{log}")
            if loaded() and self.socket.exists():
                try:
                    self.stats()
                    return
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError(message)

    def reload(self) -> str | None:
        """Load the configuration again (deploy/haproxy.cfg may have been edited). Checked first: a
        configuration HAProxy refuses is not loaded and the running one stays. Returns the problem,
        or None when the new configuration is running."""
        problem = self.check_config()
        if problem:
            return problem
        loaded = self.log.read_text(errors="replace").count("Loading success")
        self.proc.send_signal(signal.SIGUSR2)  # the master starts new workers; old ones finish their connections
        self._wait_ready(lambda: self.log.read_text(errors="replace").count("Loading success") > loaded,
                         "HAProxy did not finish reloading within 20 s")
        return None

    def set_port(self, name: str, port: int, live: bool = True) -> None:
        """Send the replica's new connections to another port (its old process keeps the
        connections it has), and keep that in the servers file for the next reload."""
        self.ports[name] = port
        self._write_servers()
        if live:
            self.command(f"set server {BACKEND}/{name} addr 127.0.0.1 port {port}")

    def command(self, line: str) -> str:
        return runtime_command(self.socket, line)

    def stats(self) -> dict[str, dict[str, str]]:
        return backend_stats(self.socket)

    def status(self, name: str) -> str:
        return self.stats()[name]["status"]

    def stop(self) -> None:
        stop_process(self.proc)

"""`make cluster`: N KetaCheck processes behind HAProxy on one port, on one machine.

    python -m deploy.cluster [--replicas N] [--port 8501] [--address 127.0.0.1] [--set option=value ...]

One Streamlit process runs one script at a time, so one process uses one core; this starts one
`python serve.py` per core (or `--replicas N`) on free loopback ports, and Debian's HAProxy in front
of them with deploy/haproxy.cfg: sticky by cookie, health-checked, re-dispatching when a replica dies.

- Every replica gets the same `server.cookieSecret`, made fresh for this start and handed to the
  replicas in their environment (STREAMLIT_SERVER_COOKIE_SECRET): never written to a file, never
  on a command line (which any user can read in `ps`).
- A replica that dies is started again on its port after a second; meanwhile HAProxy sends its
  people to the others, where their tabs bring their answers back (ketacheck/ui/tab_copy.py).
- `kill -HUP <this pid>` restarts every replica, one at a time, without dropping a check: HAProxy
  stops sending new people to it (drain), the people on it finish (or `--drain-timeout` passes),
  then it is stopped, started and put back in service before the next one.
- Ctrl+C (or SIGTERM) stops HAProxy first, then every replica, and removes the run directory.

The run directory (private to this user) holds HAProxy's servers file, its runtime socket, the logs
(HAProxy's: status and timing only; each replica's) and cluster.json (ports, pids and cookie
values, for tests and operators; no secret).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
BACKEND = "ketacheck"
START_TIMEOUT_S = 60.0


def _die_with_parent() -> None:
    """In the child, before exec: if the launcher dies (even by kill -9), the kernel ends this child,
    so no replica or HAProxy outlives it holding a port."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port(address: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except OSError:
        return False


@dataclass
class Replica:
    name: str  # also its stickiness cookie value: r1, r2, ...
    port: int
    log: Path
    options: list[str] = field(default_factory=list)
    proc: subprocess.Popen | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, env: dict[str, str]) -> None:
        cmd = [sys.executable, "serve.py", "--address", "127.0.0.1", "--port", str(self.port)]
        cmd += [arg for opt in self.options for arg in ("--set", opt)]
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        self.starts += 1

    def wait_healthy(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"replica {self.name} exited with code {self.proc.returncode} before it was "
                                   f"healthy; its log:\n{self.log.read_text(errors='replace')[-3000:]}")
            if healthy(self.url):
                return
            time.sleep(0.2)
        raise RuntimeError(f"replica {self.name} was not healthy after {timeout:.0f} s (log: {self.log})")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM: uvicorn closes its connections and exits; SIGKILL after `timeout`."""
        stop_process(self.proc, timeout)


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


class HAProxy:
    def __init__(self, run_dir: Path, bind: str, replicas: list[Replica]) -> None:
        self.run_dir = run_dir
        self.bind = bind
        self.socket = run_dir / "haproxy.sock"
        self.log = run_dir / "haproxy.log"
        self.servers_cfg = run_dir / "servers.cfg"
        self.servers_cfg.write_text(f"backend {BACKEND}\n" + "".join(
            f"    server {r.name} 127.0.0.1:{r.port} cookie {r.name}\n" for r in replicas))
        # HAProxy needs none of the app's environment, and never the cookie secret.
        self.env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
                    "KC_BIND": bind, "KC_RUN_DIR": str(run_dir)}
        self.cmd = [haproxy_binary(), "-db", "-f", str(HAPROXY_CFG), "-f", str(self.servers_cfg)]
        self.proc: subprocess.Popen | None = None

    def check_config(self) -> None:
        out = subprocess.run([*self.cmd, "-c"], env=self.env, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"HAProxy refused its configuration:\n{out.stdout}{out.stderr}")

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.cmd, env=self.env, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"HAProxy exited with code {self.proc.returncode}:\n{self.log.read_text()}")
            if self.socket.exists():
                try:
                    self.stats()
                    return
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError("HAProxy's runtime socket did not open within 20 s")

    def command(self, line: str) -> str:
        return runtime_command(self.socket, line)

    def stats(self) -> dict[str, dict[str, str]]:
        return backend_stats(self.socket)

    def wait_status(self, name: str, wanted: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.stats()[name]["status"].startswith(wanted):
                return
            time.sleep(0.2)
        raise RuntimeError(f"HAProxy did not see replica {name} {wanted} within {timeout:.0f} s")

    def stop(self) -> None:
        stop_process(self.proc)


# Debian installs it in /usr/sbin, which is not on every user's PATH.
HAPROXY_PATHS = ("/usr/sbin/haproxy", "/sbin/haproxy")


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or next((p for p in HAPROXY_PATHS if os.path.exists(p)), None)
    if found is None:
        raise SystemExit("make cluster needs HAProxy: run 'sudo apt-get install haproxy' (or 'make haproxy').")
    return found


class Stop(Exception):
    """Ctrl+C or SIGTERM."""


class Cluster:
    def __init__(self, replicas: int, bind_address: str, port: int, run_dir: Path, options: list[str],
                 drain_timeout: float, respawn: bool) -> None:
        self.run_dir = run_dir
        self.drain_timeout = drain_timeout
        self.respawn = respawn
        self.url = f"http://{bind_address}:{port}"
        self.replicas = [Replica(f"r{i}", free_port(), run_dir / f"r{i}.log", options) for i in range(1, replicas + 1)]
        self.env = dict(os.environ, STREAMLIT_SERVER_COOKIE_SECRET=secrets.token_urlsafe(32))
        self.haproxy = HAProxy(run_dir, f"{bind_address}:{port}", self.replicas)
        self.roll_requested = False

    def say(self, text: str) -> None:
        print(f"[cluster] {text}", flush=True)

    def write_state(self) -> None:
        state = {"url": self.url, "haproxy_pid": self.haproxy.proc.pid if self.haproxy.proc else None,
                 "socket": str(self.haproxy.socket), "haproxy_log": str(self.haproxy.log), "launcher_pid": os.getpid(),
                 "replicas": [{"name": r.name, "cookie": r.name, "port": r.port, "url": r.url,
                               "pid": r.proc.pid if r.proc else None, "starts": r.starts, "log": str(r.log)}
                              for r in self.replicas]}
        tmp = self.run_dir / "cluster.json.tmp"
        tmp.write_text(json.dumps(state, indent=1))
        tmp.replace(self.run_dir / "cluster.json")

    def start(self) -> None:
        self.haproxy.check_config()
        for r in self.replicas:  # all at once: start-up is mostly imports, one core each
            r.start(self.env)
        for r in self.replicas:
            r.wait_healthy()
        self.haproxy.start()
        for r in self.replicas:
            self.haproxy.wait_status(r.name, "UP")
        self.write_state()
        self.say(f"{len(self.replicas)} replicas: " + ", ".join(f"{r.name} on {r.url}" for r in self.replicas))
        self.say(f"logs and state in {self.run_dir}; `kill -HUP {os.getpid()}` restarts the replicas one by one")
        print(f"KetaCheck is running at {self.url} ({len(self.replicas)} replicas behind HAProxy; "
              "Ctrl+C stops them all)", flush=True)

    def restart(self, r: Replica, *, drain: bool) -> None:
        """Take one replica out of service (draining it first), start it again, put it back."""
        if drain and r.alive():
            self.haproxy.command(f"set server {BACKEND}/{r.name} state drain")
            started = time.monotonic()
            while time.monotonic() - started < self.drain_timeout:
                if int(self.haproxy.stats()[r.name]["scur"] or 0) == 0:
                    break
                time.sleep(0.2)
            left = int(self.haproxy.stats()[r.name]["scur"] or 0)
            self.say(f"{r.name} drained in {time.monotonic() - started:.1f} s"
                     + (f" ({left} connections still open: their tabs reconnect to another replica)" if left else ""))
        self.haproxy.command(f"set server {BACKEND}/{r.name} state maint")
        r.stop()
        r.start(self.env)
        r.wait_healthy()
        self.haproxy.command(f"set server {BACKEND}/{r.name} state ready")
        self.haproxy.wait_status(r.name, "UP")
        self.write_state()
        self.say(f"{r.name} restarted (pid {r.proc.pid}) and back in service")

    def roll(self) -> None:
        self.say("rolling restart: one replica at a time")
        for r in self.replicas:
            self.restart(r, drain=True)
        self.say("rolling restart done")

    def watch(self) -> None:
        """Until Ctrl+C: restart replicas that died, roll on SIGHUP, stop if HAProxy dies."""
        while True:
            if self.haproxy.proc.poll() is not None:
                raise RuntimeError(f"HAProxy exited with code {self.haproxy.proc.returncode} (log: {self.haproxy.log})")
            for r in self.replicas:
                if r.proc is not None and r.proc.poll() is not None:
                    code = r.proc.returncode
                    how = f"signal {-code}" if code < 0 else f"code {code}"
                    if not self.respawn:
                        self.say(f"{r.name} died ({how}); HAProxy sends its people to the others")
                        r.proc = None
                        self.write_state()
                        continue
                    self.say(f"{r.name} died ({how}); HAProxy sends its people to the others; starting it again")
                    time.sleep(1)
                    self.restart(r, drain=False)
            if self.roll_requested:
                self.roll_requested = False
                self.roll()
            time.sleep(0.5)

    def stop(self) -> None:
        self.haproxy.stop()
        for r in self.replicas:
            if r.alive():
                r.proc.terminate()
        for r in self.replicas:
            r.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m deploy.cluster", description=__doc__.split("\n\n")[0])
    ap.add_argument("--replicas", type=int, default=os.cpu_count() or 1, help="default: one per core")
    ap.add_argument("--port", type=int, default=8501, help="the one public port (HAProxy's)")
    ap.add_argument("--address", default="127.0.0.1", help="where HAProxy listens")
    ap.add_argument("--run-dir", type=Path, default=None, help="default: a new private temporary directory, "
                    "removed on exit")
    ap.add_argument("--drain-timeout", type=float, default=60.0,
                    help="seconds a rolling restart waits for a replica's people to finish")
    ap.add_argument("--no-respawn", dest="respawn", action="store_false", help="leave a dead replica dead")
    ap.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE",
                    help="a Streamlit option for every replica, as serve.py takes it")
    args = ap.parse_args(argv)
    if args.replicas < 1:
        ap.error("--replicas must be at least 1")
    haproxy_binary()

    own_dir = args.run_dir is None
    run_dir = Path(tempfile.mkdtemp(prefix="ketacheck-cluster-")) if own_dir else args.run_dir
    run_dir.mkdir(parents=True, exist_ok=True)
    run_dir.chmod(0o700)
    cluster = Cluster(args.replicas, args.address, args.port, run_dir, args.set, args.drain_timeout, args.respawn)

    def on_stop(signum: int, frame: object) -> None:
        raise Stop()

    def on_hup(signum: int, frame: object) -> None:
        cluster.roll_requested = True

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    signal.signal(signal.SIGHUP, on_hup)
    code = 0
    try:
        cluster.start()
        cluster.watch()
    except Stop:
        pass
    except RuntimeError as exc:
        print(f"[cluster] {exc}", file=sys.stderr, flush=True)
        code = 1
    finally:
        # A second Ctrl+C while stopping must not leave anything behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        cluster.say("stopping HAProxy and the replicas")
        cluster.stop()
        if own_dir:
            shutil.rmtree(run_dir, ignore_errors=True)
        cluster.say("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())

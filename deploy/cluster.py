"""`make cluster`: N KetaCheck processes behind HAProxy on one port, on one machine.

    python -m deploy.cluster [--replicas N] [--port 8501] [--address 127.0.0.1] [--set option=value ...]

One Streamlit process runs one script at a time, so one process uses one core; this starts one
`python serve.py` per core (or `--replicas N`) on free loopback ports, and Debian's HAProxy in front
of them with deploy/haproxy.cfg: sticky by cookie, health-checked, re-dispatching when a replica dies.

- Every replica gets the same `server.cookieSecret`, made fresh for this start and handed to the
  replicas in their environment (STREAMLIT_SERVER_COOKIE_SECRET): never written to a file, never
  on a command line (which any user can read in `ps`).
- A replica that dies is started again on its port after a second; meanwhile HAProxy sends its
  people to the others, where their tabs bring their answers back (ketacheck/ui/tab_copy.py). One
  that cannot start (its port taken, a crash at start-up) is said so and tried again with back-off
  (1, 2, 4 ... 30 s; on a new port after the first failure or when its port is taken) while the
  others keep serving: no replica's trouble stops the cluster.
- `kill -HUP <this pid>` reloads HAProxy's configuration (checked first: one HAProxy refuses is
  not loaded, and the running one stays), then restarts every replica, one at a time: a new
  process starts beside the old one, and once it is healthy HAProxy sends the replica's new
  connections to it (the same cookie, so a tab stays on "its" replica); the old process keeps its
  open connections until they close or `--drain-timeout` passes, then stops, and those tabs
  reconnect to the new process once, bringing their answers. If the new process cannot start,
  the old one simply goes on serving.
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

from deploy.haproxy import BACKEND, HAPROXY_PATHS, HAProxy, backend_stats, haproxy_binary, runtime_command, stop_process

ROOT = Path(__file__).resolve().parent.parent
HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
START_TIMEOUT_S = 60.0
__all__ = ["BACKEND", "HAPROXY_PATHS", "backend_stats", "haproxy_binary", "runtime_command", "stop_process"]


def _die_with_parent() -> None:
    """In the child, before exec: if the launcher dies (even by kill -9), the kernel ends this child,
    so no replica or HAProxy outlives it holding a port."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port(address: str = "127.0.0.1", avoid: frozenset[int] = frozenset()) -> int:
    """A port nothing listens on now, none of `avoid` (ports promised to a process not yet started:
    the kernel does not know them, and HAProxy cannot bind the public port if a replica took it)."""
    while True:
        with socket.socket() as s:
            s.bind((address, 0))
            port = s.getsockname()[1]
        if port not in avoid:
            return port


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except OSError:
        return False


def backoff(failures: int) -> float:
    """Seconds before the next try after `failures` failed starts in a row: 1, 2, 4, ... 30."""
    return float(min(30, 2 ** max(0, failures - 1)))


def open_connections(port: int) -> int:
    """Established TCP connections to a local port (the kernel's own table: no tool needed)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 3 and fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                count += 1
    return count


@dataclass
class Replica:
    """One replica: a name (its stickiness cookie value: r1, r2, ...) and the process serving it now."""

    name: str
    port: int
    log: Path
    options: list[str] = field(default_factory=list)
    proc: subprocess.Popen | None = None
    starts: int = 0
    state: str = "waiting"  # starting -> serving; waiting (to be started at retry_at); stopped
    failures: int = 0  # failed starts in a row
    retry_at: float = 0.0
    started_at: float = 0.0
    log_from: int = 0  # where this start's output begins in the log

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def spawn(self, port: int, env: dict[str, str]) -> subprocess.Popen:
        cmd = [sys.executable, "serve.py", "--address", "127.0.0.1", "--port", str(port)]
        cmd += [arg for opt in self.options for arg in ("--set", opt)]
        self.log_from = self.log.stat().st_size if self.log.exists() else 0
        with open(self.log, "ab") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        self.started_at = time.monotonic()
        return proc

    def start(self, env: dict[str, str]) -> None:
        self.proc = self.spawn(self.port, env)
        self.starts += 1
        self.state = "starting"

    def output(self) -> str:
        """What this start has printed so far."""
        with open(self.log, "rb") as f:
            f.seek(self.log_from)
            return f.read().decode(errors="replace")

    def why_not(self, proc: subprocess.Popen) -> str:
        """Why a start failed, in a line: the port taken, or the exit code and the last log line."""
        text = self.output()
        if "address already in use" in text.lower():
            return "its port was taken"
        code = proc.poll()
        last = next((line.strip() for line in reversed(text.splitlines()) if line.strip()), "")
        how = f"exited with code {code}" if code is not None else f"not healthy after {START_TIMEOUT_S:.0f} s"
        return how + (f": {last[:200]}" if last else "")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM: uvicorn closes its connections and exits; SIGKILL after `timeout`."""
        stop_process(self.proc, timeout)


class Stop(Exception):
    """Ctrl+C or SIGTERM."""


class Cluster:
    def __init__(self, replicas: int, bind_address: str, port: int, run_dir: Path, options: list[str],
                 drain_timeout: float, respawn: bool, haproxy_config: Path = HAPROXY_CFG) -> None:
        self.run_dir = run_dir
        self.drain_timeout = drain_timeout
        self.respawn = respawn
        self.url = f"http://{bind_address}:{port}"
        self.public_port = port
        self.replicas: list[Replica] = []
        for i in range(1, replicas + 1):
            self.replicas.append(Replica(f"r{i}", self.replica_port(), run_dir / f"r{i}.log", options))
        self.env = dict(os.environ, STREAMLIT_SERVER_COOKIE_SECRET=secrets.token_urlsafe(32))
        self.haproxy = HAProxy(run_dir, f"{bind_address}:{port}", {r.name: r.port for r in self.replicas},
                               haproxy_config, preexec=_die_with_parent)
        self.roll_requested = False

    def say(self, text: str) -> None:
        print(f"[cluster] {text}", flush=True)

    def replica_port(self) -> int:
        """A free port that is neither HAProxy's public one nor another replica's (some are not bound yet)."""
        return free_port(avoid=frozenset({self.public_port, *(r.port for r in self.replicas)}))

    def write_state(self) -> None:
        state = {"url": self.url, "haproxy_pid": self.haproxy.proc.pid if self.haproxy.proc else None,
                 "socket": str(self.haproxy.socket), "haproxy_log": str(self.haproxy.log), "launcher_pid": os.getpid(),
                 "replicas": [{"name": r.name, "cookie": r.name, "port": r.port, "url": r.url,
                               "pid": r.proc.pid if r.alive() else None, "starts": r.starts, "state": r.state,
                               "failures": r.failures, "log": str(r.log)}
                              for r in self.replicas]}
        tmp = self.run_dir / "cluster.json.tmp"
        tmp.write_text(json.dumps(state, indent=1))
        tmp.replace(self.run_dir / "cluster.json")

    def _haproxy_up(self) -> bool:
        return self.haproxy.proc is not None and self.haproxy.proc.poll() is None

    def _server_state(self, r: Replica, state: str) -> None:
        if self._haproxy_up():
            self.haproxy.command(f"set server {BACKEND}/{r.name} state {state}")

    # -- keeping every replica running, whatever one of them does

    def tend(self, skip: Replica | None = None) -> None:
        """One look at every replica (but `skip`): restart the dead, put back the healthy, retry the
        failed with back-off. Never waits and never raises for a replica: the others keep serving."""
        now = time.monotonic()
        for r in self.replicas:
            if r is skip:
                continue
            if r.state == "serving" and not r.alive():
                code = r.proc.returncode
                how = f"signal {-code}" if code < 0 else f"code {code}"
                self._server_state(r, "maint")
                if not self.respawn:
                    self.say(f"{r.name} died ({how}); HAProxy sends its people to the others")
                    r.state = "stopped"
                else:
                    self.say(f"{r.name} died ({how}); HAProxy sends its people to the others; starting it again")
                    r.state, r.retry_at = "waiting", now + 1
                self.write_state()
            elif r.state == "starting":
                if not r.alive() or now - r.started_at > START_TIMEOUT_S:
                    self._failed(r, r.why_not(r.proc))
                    stop_process(r.proc)
                elif healthy(r.url):
                    self._serving(r)
            elif r.state == "waiting" and now >= r.retry_at:
                r.start(self.env)
                self.write_state()

    def _failed(self, r: Replica, why: str) -> None:
        r.failures += 1
        delay = backoff(r.failures)
        moved = ""
        if why == "its port was taken" or r.failures >= 2:
            r.port = self.replica_port()  # whatever holds the old port, a new one is free
            moved = f" on port {r.port}"
        self.say(f"{r.name} could not start ({why}); the others keep serving; trying again{moved} in {delay:.0f} s")
        r.state, r.retry_at = "waiting", time.monotonic() + delay
        self._server_state(r, "maint")
        self.write_state()

    def _serving(self, r: Replica) -> None:
        if self.haproxy.ports.get(r.name) != r.port:
            self.haproxy.set_port(r.name, r.port, live=self._haproxy_up())
        self._server_state(r, "ready")
        r.state, r.failures = "serving", 0
        self.write_state()
        if r.starts > 1:
            self.say(f"{r.name} restarted (pid {r.proc.pid}) and back in service")

    def start(self) -> None:
        """Every replica, then HAProxy once at least one serves (the others go on trying)."""
        problem = self.haproxy.check_config()
        if problem:
            raise RuntimeError(f"HAProxy refused its configuration:\n{problem}")
        self.haproxy.check_port()
        for r in self.replicas:  # all at once: start-up is mostly imports, one core each
            r.start(self.env)
        while any(r.state == "starting" for r in self.replicas):
            self.tend()
            time.sleep(0.2)
        serving = [r for r in self.replicas if r.state == "serving"]
        if not serving:
            first = self.replicas[0]
            raise RuntimeError(f"no replica could start; {first.name}'s log:\n"
                               f"{first.log.read_text(errors='replace')[-3000:]}")
        self.haproxy.start()
        for r in self.replicas:
            if r.state != "serving":
                self._server_state(r, "maint")
        self.write_state()
        self.say(f"{len(serving)} of {len(self.replicas)} replicas serving: "
                 + ", ".join(f"{r.name} on {r.url}" for r in serving))
        self.say(f"logs and state in {self.run_dir}; `kill -HUP {os.getpid()}` reloads HAProxy's configuration "
                 "and restarts the replicas one by one")
        print(f"KetaCheck is running at {self.url} ({len(self.replicas)} replicas behind HAProxy; "
              "Ctrl+C stops them all)", flush=True)

    # -- a rolling restart: each replica handed over to a new process, its tabs moving once

    def _wait(self, done, timeout: float, skip: Replica) -> bool:
        """Until done() or `timeout` s, tending the other replicas meanwhile."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if done():
                return True
            self.tend(skip=skip)
            time.sleep(0.2)
        return done()

    def handover(self, r: Replica, attempts: int = 3) -> bool:
        """A new process for `r` on a new port; once it is healthy HAProxy sends every new
        connection of `r` there (its cookie, so its tabs, stay `r`), the old process keeps its open
        connections up to the drain timeout, then stops and its tabs reconnect to the new one,
        bringing their answers (the tab's copy). If the new process cannot start, the old one goes
        on serving. False when it could not be done."""
        if r.state != "serving":
            self.say(f"{r.name} is not running now; the launcher is starting it already")
            return True
        for attempt in range(1, attempts + 1):
            port = self.replica_port()
            successor = r.spawn(port, self.env)
            up = self._wait(lambda: successor.poll() is not None or healthy(f"http://127.0.0.1:{port}"),
                            START_TIMEOUT_S, skip=r)
            if up and successor.poll() is None:
                break
            why = r.why_not(successor)
            stop_process(successor)
            delay = backoff(attempt)
            self.say(f"{r.name}'s new process could not start ({why}); {r.name} keeps serving on the one it has"
                     + (f"; trying again in {delay:.0f} s" if attempt < attempts else ""))
            if attempt == attempts:
                return False
            self._wait(lambda: False, delay, skip=r)
        old, old_port = r.proc, r.port
        r.proc, r.port, r.starts = successor, port, r.starts + 1
        self.haproxy.set_port(r.name, port)
        self.write_state()
        started = time.monotonic()
        self._wait(lambda: open_connections(old_port) == 0, self.drain_timeout, skip=r)
        left = open_connections(old_port)
        stop_process(old)
        self.say(f"{r.name} drained in {time.monotonic() - started:.1f} s"
                 + (f" ({left} open connections moved to its new process; their tabs bring their answers)"
                    if left else ""))
        self.say(f"{r.name} restarted (pid {r.proc.pid}) and back in service")
        return True

    def roll(self) -> None:
        problem = self.haproxy.reload()
        if problem:
            self.say("HAProxy's configuration was not reloaded: it has problems, so HAProxy keeps the one it "
                     f"runs:\n{problem}")
        else:
            self.say("HAProxy reloaded its configuration")
        self.say("rolling restart: one replica at a time")
        for r in self.replicas:
            if not self.handover(r):
                self.say(f"rolling restart stopped at {r.name}: every replica keeps the process it has")
                return
        self.say("rolling restart done")

    def watch(self) -> None:
        """Until Ctrl+C: tend the replicas, roll on SIGHUP, stop if HAProxy dies."""
        while True:
            if not self._haproxy_up():
                raise RuntimeError(f"HAProxy exited with code {self.haproxy.proc.returncode} (log: {self.haproxy.log})")
            self.tend()
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
    ap.add_argument("--drain-timeout", type=float, default=10.0,
                    help="in a rolling restart, how long a replica's old process keeps its open connections "
                    "(a download or an import under way) once new ones go to its new process")
    ap.add_argument("--haproxy-config", type=Path, default=HAPROXY_CFG, help="default: deploy/haproxy.cfg")
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
    cluster = Cluster(args.replicas, args.address, args.port, run_dir, args.set, args.drain_timeout, args.respawn,
                      args.haproxy_config.resolve())

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

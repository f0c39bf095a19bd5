"""One bad replica, or a bad edit to HAProxy's configuration, never stops `make cluster`: a replica
whose port is taken is said so and tried again (on a new port) while the other serves every
request, and a configuration HAProxy refuses is not loaded at `kill -HUP`, the running one staying;
a good one is loaded. A public port another program holds is named before any replica starts, and no
replica is ever given the public port."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

import deploy.cluster
from benchmarks.cluster import ClusterProcess
from benchmarks.servers import ServerProcess
from conftest import ROOT
from deploy.cluster import Cluster, backoff


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("haproxy") / "haproxy.cfg"
    shutil.copy(ROOT / "deploy" / "haproxy.cfg", path)
    return path


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, config: Path) -> Iterator[ClusterProcess]:
    with ClusterProcess(tmp_path_factory.mktemp("faults"), replicas=2, drain_timeout=2,
                        haproxy_config=config) as running:
        yield running


def get(cluster: ClusterProcess, path: str = "/_stcore/health", cookie: str | None = None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", cluster.port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": "localhost", **({"Cookie": f"kc_replica={cookie}"} if cookie else {})})
        response = conn.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


def serves_until(cluster: ClusterProcess, done, timeout: float = 90.0) -> int:
    """Requests through the cluster (as a tab of the troubled replica) until done(): every one must
    be answered. Returns how many were."""
    answered = 0
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, cluster.output()
        assert get(cluster, cookie="r1")[0] == 200
        answered += 1
        time.sleep(0.1)
    return answered


def test_back_off_grows_to_half_a_minute():
    assert [backoff(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def listening_socket(port: int = 0) -> socket.socket:
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", port))
    squatter.listen()
    return squatter


def test_a_public_port_in_use_is_named_before_any_replica_starts(tmp_path: Path):
    with listening_socket() as squatter:
        port = squatter.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "deploy.cluster", "--replicas", "2", "--port", str(port),
                              "--run-dir", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=60,
                             check=False)
    assert run.returncode == 1
    assert (f"HAProxy cannot listen on 127.0.0.1:{port}: another program is using that port. "
            "Stop it, or choose another port (make cluster PORT=8502).") in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert not list(tmp_path.glob("r*.log"))  # no replica was started only to be stopped


def test_a_public_port_taken_while_the_replicas_start_is_named_too(tmp_path: Path):
    """HAProxy binds the public port only once a replica serves; another program may take it meanwhile."""
    port = deploy.cluster.free_port()
    launcher = subprocess.Popen([sys.executable, "-m", "deploy.cluster", "--replicas", "1", "--port", str(port),
                                 "--run-dir", str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "r1.log").exists():  # the port was checked, and the replica is starting
            assert time.monotonic() < deadline and launcher.poll() is None
            time.sleep(0.01)
        with listening_socket(port):
            out = launcher.communicate(timeout=90)[0]
    finally:
        launcher.kill()
    assert launcher.returncode == 1
    assert f"HAProxy cannot listen on 127.0.0.1:{port}: another program is using that port." in out
    assert "cannot bind socket" in out  # and HAProxy's own words below it
    assert "Traceback" not in out


def test_no_replica_is_given_the_public_port_even_when_the_kernel_offers_it(tmp_path: Path, monkeypatch):
    """The public port is free until HAProxy binds it, after the replicas start, so the kernel may
    offer it (or a port promised to another replica) for a replica: both are refused."""
    public = 40001
    offers = iter([public, 40002, public, 40002, 40003, 40004, 40002, 40005])

    class Kernel:  # what socket.bind(0) hands out, in order
        def __enter__(self):
            self.port = next(offers)
            return self

        def __exit__(self, *exc):
            return False

        def bind(self, address):
            pass

        def getsockname(self):
            return ("127.0.0.1", self.port)

    monkeypatch.setattr(deploy.cluster, "socket", SimpleNamespace(socket=Kernel))
    cluster = Cluster(3, "127.0.0.1", public, tmp_path, [], drain_timeout=1, respawn=True)
    assert [r.port for r in cluster.replicas] == [40002, 40003, 40004]
    assert cluster.replica_port() == 40005  # a replica's new port (a restart, a hand-over) too


def test_a_port_taken_between_choosing_and_binding_is_chosen_again(tmp_path: Path):
    """The test servers and clusters choose a free port, then start; another process may take it
    in between. They start on another port rather than fail the run."""
    server = ServerProcess(tmp_path / "server")
    cluster = ClusterProcess(tmp_path / "cluster", replicas=1)
    with listening_socket() as a, listening_socket() as b:
        server._on_port(a.getsockname()[1])
        cluster._on_port(b.getsockname()[1])
        with server, cluster:
            assert server.port != a.getsockname()[1] and cluster.port != b.getsockname()[1]
            assert get(cluster)[0] == 200
            assert deploy.cluster.healthy(server.url)


def test_a_replica_whose_port_is_taken_is_retried_while_the_other_serves(cluster: ClusterProcess):
    victim = cluster.replica("r1")
    os.kill(victim["pid"], signal.SIGKILL)
    # Take its port the moment the kernel frees it (the launcher waits a second before restarting).
    squatter = socket.socket()
    squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    deadline = time.monotonic() + 10
    while True:
        try:
            squatter.bind(("127.0.0.1", victim["port"]))
            break
        except OSError:
            assert time.monotonic() < deadline, "the killed replica kept its port"
            time.sleep(0.01)
    squatter.listen()
    squatter.settimeout(0.2)
    stop = threading.Event()

    def squat() -> None:  # another program on the port: it takes connections and drops them
        while not stop.is_set():
            try:
                squatter.accept()[0].close()
            except OSError:
                continue

    thread = threading.Thread(target=squat, daemon=True)
    thread.start()
    try:
        answered = serves_until(cluster, lambda: "r1 could not start (its port was taken)" in cluster.output())
        answered += serves_until(cluster, lambda: "r1 restarted" in cluster.output())
        assert answered > 5
        back = cluster.replica("r1")
        assert back["port"] != victim["port"] and back["pid"] not in (None, victim["pid"])
        serves_until(cluster, lambda: cluster.server_stats()["r1"]["status"] == "UP")
        assert cluster.proc.poll() is None  # the launcher never stopped
        assert cluster.replica("r2")["pid"] in cluster.pids()
    finally:
        stop.set()
        thread.join()
        squatter.close()


def test_a_broken_configuration_is_refused_at_reload_and_a_good_one_loaded(cluster: ClusterProcess, config: Path):
    good = config.read_text()
    config.write_text(good + "\nfrontend broken\n    bind-this-is-not-a-keyword\n")
    cluster.roll()
    out = cluster.output()
    assert "HAProxy's configuration was not reloaded: it has problems, so HAProxy keeps the one it runs" in out
    assert "bind-this-is-not-a-keyword" in out  # HAProxy's own words about what is wrong
    status, headers = get(cluster, "/")
    assert status == 200 and "x-reloaded" not in headers
    # A good edit is loaded (here: one more response header), and the cluster still serves.
    config.write_text(good.replace("    default_backend ketacheck\n",
                                   "    default_backend ketacheck\n    http-response set-header X-Reloaded yes\n"))
    cluster.roll()
    assert "HAProxy reloaded its configuration" in cluster.output()
    status, headers = get(cluster, "/")
    assert status == 200 and headers.get("x-reloaded") == "yes"


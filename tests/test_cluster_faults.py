"""One bad replica, or a bad edit to HAProxy's configuration, never stops `make cluster`: a replica
whose port is taken is said so and tried again (on a new port) while the other serves every
request, and a configuration HAProxy refuses is not loaded at `kill -HUP`, the running one staying;
a good one is loaded."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.cluster import ClusterProcess
from conftest import ROOT
from deploy.cluster import backoff


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


"""The deployment, as an operator meets it: `make cluster` (HAProxy in front of replicas) serves the
app with the same headers and the same refusals as one server, keeps each person on one replica,
logs no path, answer or address, shares one cookie secret that is nowhere on disk, moves people off
a dead replica, restarts every replica under load without losing a check, and stops everything on
Ctrl+C. The container image holds what the app needs, and the Kubernetes manifests validate against
the API's schemas and pass the policy check, offline."""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import kubernetes_validate
import pytest
import websockets
import yaml

from benchmarks import loadgen, protocol
from benchmarks.cluster import ClusterProcess, rolling_restart_under_load
from benchmarks.servers import free_port
from conftest import ROOT
from helpers import raw_response

DEPLOY = ROOT / "deploy"
BASE = DEPLOY / "k8s" / "base"
COOKIE = "kc_replica"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterProcess]:
    with ClusterProcess(tmp_path_factory.mktemp("cluster"), replicas=2, drain_timeout=45) as running:
        yield running


def get(url: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, list[str]], bytes]:
    """One request; headers by lower-case name, every value kept (Set-Cookie comes more than once)."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        out: dict[str, list[str]] = {}
        for k, v in response.getheaders():
            out.setdefault(k.lower(), []).append(v)
        return response.status, out, response.read()
    finally:
        conn.close()


def replica_cookie(headers: dict[str, list[str]]) -> str | None:
    for value in headers.get("set-cookie", []):
        if value.startswith(COOKIE + "="):
            return value
    return None


# ------------------------------------------------------------------ one port, every core


PATHS = ["/", "/check", "/_stcore/health", "/manifest.webmanifest", "/sw.js", "/offline.html"]


@pytest.mark.parametrize("path", PATHS)
def test_through_haproxy_every_header_is_the_apps_own(cluster: ClusterProcess, path: str):
    direct = cluster.state()["replicas"][0]["url"]
    status, through, body = get(cluster.url, path, {"Host": "localhost"})
    d_status, straight, d_body = get(direct, path, {"Host": "localhost"})
    assert (status, body) == (d_status, d_body)
    assert status == 200
    # Nothing added or removed but the stickiness cookie (the date and Streamlit's own XSRF token
    # differ from one response to the next).
    volatile = {"date", "set-cookie"}
    assert {k: v for k, v in through.items() if k not in volatile} == {k: v for k, v in straight.items() if k not in volatile}
    def names(h: dict[str, list[str]]) -> list[str]:
        return sorted(c.split("=", 1)[0] for c in h.get("set-cookie", []) if not c.startswith(COOKIE + "="))
    assert names(through) == names(straight)
    assert "no-referrer" in through["referrer-policy"] and "default-src 'self'" in through["content-security-policy"][0]


def test_the_stickiness_cookie_names_a_replica_and_nothing_else(cluster: ClusterProcess):
    names = {r["name"] for r in cluster.state()["replicas"]}
    seen = set()
    for _ in range(6):  # new visitors are spread over the replicas
        _, headers, _ = get(cluster.url, "/", {"Host": "localhost"})
        cookie = replica_cookie(headers)
        assert cookie is not None
        value, *attributes = [p.strip() for p in cookie.split(";")]
        assert value.split("=", 1)[1] in names
        assert {a.lower() for a in attributes} == {"path=/", "httponly", "samesite=lax"}
        seen.add(value.split("=", 1)[1])
    assert seen == names
    # A returning tab keeps its replica: no new cookie, however often it asks.
    for name in names:
        for _ in range(4):
            status, headers, _ = get(cluster.url, "/", {"Host": "localhost", "Cookie": f"{COOKIE}={name}"})
            assert status == 200 and replica_cookie(headers) is None


def test_the_app_still_refuses_foreign_hosts_and_foreign_websockets(cluster: ClusterProcess):
    status, _, _ = get(cluster.url, "/", {"Host": "evil.example"})
    assert status == 421  # HAProxy passes Host on unchanged, so the app's host check still works

    async def upgrade(origin: str) -> int:
        try:
            async with websockets.connect(cluster.url.replace("http", "ws") + "/_stcore/stream",
                                          additional_headers={"Origin": origin}, open_timeout=10):
                return 101
        except websockets.InvalidStatus as exc:
            return exc.response.status_code

    assert asyncio.run(upgrade("https://evil.example")) == 403
    assert asyncio.run(upgrade(cluster.url)) == 101


def test_haproxys_log_holds_status_and_timing_only(cluster: ClusterProcess):
    marker = "answer-crav-urges-4"
    for path in (f"/?{marker}=1", f"/check?x={marker}", f"/{marker}"):
        get(cluster.url, path, {"Host": "localhost", "User-Agent": marker, "Referer": f"http://localhost/{marker}"})
    person = loadgen.run(cluster.url, 1, audience="self")  # a whole check over the WebSocket
    assert not person.errors
    time.sleep(0.5)
    log = cluster.haproxy_log()
    assert marker not in log
    # when, replica, status, wait/connect/response/active ms, bytes, how it ended: nothing else.
    line = re.compile(r"\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d\.\d{3} (r\d+|<NOSRV>) -?\d+ (-?\d+/){3}-?\d+ \d+ \S\S")
    events = ("Server ketacheck/", "Proxy ", "backend ", "[ALERT]", "[WARNING]", "[NOTICE]")  # HAProxy's own news
    requests = [entry for entry in log.splitlines() if not entry.startswith(events)]
    assert len(requests) >= 4
    for entry in requests:
        assert line.fullmatch(entry), entry


def test_every_replica_shares_one_cookie_secret_kept_off_disk_and_out_of_ps(cluster: ClusterProcess):
    def environ(pid: int) -> dict[str, str]:
        raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        return dict(item.decode(errors="replace").split("=", 1) for item in raw if b"=" in item)

    replicas = cluster.state()["replicas"]
    secrets = {environ(r["pid"]).get("STREAMLIT_SERVER_COOKIE_SECRET") for r in replicas}
    assert len(secrets) == 1 and None not in secrets
    (secret,) = secrets
    assert len(secret) >= 32
    assert "STREAMLIT_SERVER_COOKIE_SECRET" not in environ(cluster.state()["haproxy_pid"])
    for pid in cluster.pids():
        assert secret not in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    for path in cluster.run_dir.iterdir():
        if path.is_file():
            assert secret not in path.read_text(errors="replace"), path
    assert secret not in cluster.output()


def test_a_replica_killed_mid_traffic_loses_no_request_and_comes_back(cluster: ClusterProcess):
    victim = cluster.replica("r1")
    os.kill(victim["pid"], signal.SIGKILL)
    # At once, before HAProxy's health check has noticed: a tab that belonged to r1 is re-dispatched.
    status, headers, _ = get(cluster.url, "/", {"Host": "localhost", "Cookie": f"{COOKIE}=r1"})
    assert status == 200
    assert replica_cookie(headers).startswith(f"{COOKIE}=r2;")
    for _ in range(10):
        assert get(cluster.url, "/_stcore/health", {"Host": "localhost"})[0] == 200
    # The launcher starts it again, and HAProxy puts it back in service.
    cluster.wait_for_output("r1 restarted", timeout=60)
    back = cluster.replica("r1")
    assert back["pid"] != victim["pid"] and back["port"] == victim["port"] and back["starts"] == 2
    deadline = time.monotonic() + 20
    while cluster.server_stats()["r1"]["status"] != "UP":
        assert time.monotonic() < deadline, cluster.server_stats()["r1"]["status"]
        time.sleep(0.2)


def test_haproxys_own_error_page_carries_the_same_refusals(cluster: ClusterProcess):
    names = [r["name"] for r in cluster.state()["replicas"]]
    for name in names:
        cluster.haproxy(f"set server ketacheck/{name} state maint")
    try:
        status, headers, _ = get(cluster.url, "/", {"Host": "localhost"})
        assert status == 503  # HAProxy's page: no replica in service
        assert headers["referrer-policy"] == ["no-referrer"]
        assert "default-src 'none'" in headers["content-security-policy"][0]
        assert headers["x-content-type-options"] == ["nosniff"] and headers["x-frame-options"] == ["DENY"]
    finally:
        for name in names:
            cluster.haproxy(f"set server ketacheck/{name} state ready")
    deadline = time.monotonic() + 20
    while any(s["status"] != "UP" for s in cluster.server_stats().values()):
        assert time.monotonic() < deadline, cluster.server_stats()
        time.sleep(0.2)


def test_haproxys_own_400_and_408_are_its_fixed_text_echoing_nothing(cluster: ClusterProcess):
    # README: HAProxy 2.6 sends these from its HTTP/1 layer before any rule (or errorfile) applies,
    # so they cannot carry the app's headers; what keeps them harmless is that they are fixed text:
    # no script, nothing of the request in them, and the connection closed.
    probe = b"<script>alert(1)</script>"
    for data, status in ((b"GET /" + probe + b" HTTP/1.1\r\nHost: localhost\r\nno colon " + probe + b"\r\n\r\n",
                          b"400"),
                         (b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Probe: " + probe + b"\r\n", b"408")):
        response = raw_response(cluster.port, data)  # the 408: once `timeout http-request` (10 s) passes
        head, _, body = response.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 " + status), head[:80]
        assert b"connection: close" in head.lower()
        assert b"script" not in response.lower() and b"alert" not in response
        assert body.startswith(b"<html><body><h1>" + status)
        assert b"set-cookie" not in head.lower()


def test_a_rolling_restart_under_30_people_loses_no_check(cluster: ClusterProcess):
    result = rolling_restart_under_load(cluster, people=30)
    assert result["errors"] == 0, result["error_samples"]
    assert result["mismatches"] == 0
    assert result["restarted"] == ["r1", "r2"]
    assert result["finished"] == result["people"] > 30  # people kept arriving and finishing throughout
    drained = re.findall(r"(r\d) drained in [\d.]+ s(.*)", cluster.output())
    assert [name for name, _ in drained][-2:] == ["r1", "r2"]
    assert all(rest.strip() == "" for _, rest in drained[-2:])  # no connection was cut


def test_ctrl_c_stops_haproxy_and_every_replica(tmp_path: Path):
    cluster = ClusterProcess(tmp_path, replicas=2).start()
    pids = cluster.pids()
    assert len(pids) == 3
    assert cluster.interrupt() == 0
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower(), pid
    with pytest.raises(OSError):
        get(cluster.url, "/_stcore/health")
    assert "stopped" in cluster.output()


def test_without_haproxy_the_cluster_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from deploy import cluster as launcher
    from deploy import haproxy

    monkeypatch.setenv("PATH", str(tmp_path))  # no haproxy on this PATH
    monkeypatch.setattr(haproxy, "HAPROXY_PATHS", ())
    with pytest.raises(SystemExit, match=r"apt-get install haproxy"):
        launcher.main(["--replicas", "1"])


# ------------------------------------------------------------------ the container image


def dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text()


def test_the_image_installs_the_hashed_lock_and_runs_as_a_non_root_user_with_a_health_check():
    text = dockerfile()
    assert re.search(r"pip install --require-hashes .*-r requirements\.lock", text)
    # The base image's own wheel goes (not in the lock); its pip and setuptools are the lock's.
    assert re.search(r"-r requirements\.lock \\\n\s+&& python -m pip uninstall --yes wheel\n", text)
    assert {"pip", "setuptools"} <= set(re.findall(r"^([a-z0-9-]+)==", (ROOT / "requirements.lock").read_text(), re.M))
    user = re.findall(r"^USER\s+(\S+)", text, flags=re.M)
    assert user and user[-1].split(":")[0] not in ("root", "0")
    health = re.search(r"^HEALTHCHECK .*\n?.*CMD \[\"python\".*?/_stcore/health", text, flags=re.M)
    assert health and "curl" not in text.split("HEALTHCHECK", 1)[1]
    assert "HOME=/tmp" in text  # the one writable place on a read-only root filesystem


def test_the_image_holds_everything_the_app_needs(tmp_path: Path):
    """The app, started from a folder holding only what the Dockerfile copies (and what its
    .dockerignore lets through), serves a person the start page."""
    app = tmp_path / "app"
    allowed = [line[1:].rstrip("/") for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
               if line.startswith("!")]
    for line in re.findall(r"^COPY (?!--from)(.+)$", dockerfile(), flags=re.M):
        *sources, _ = line.split()
        for source in sources:
            source = source.rstrip("/")
            assert any(source == a or a.startswith(source + "/") for a in allowed), f"{source} is not in the build context"
            src = ROOT / source
            (app / source).parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, app / source)
    env = dict(os.environ, HOME=str(tmp_path / "home"), PYTHONDONTWRITEBYTECODE="1")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "serve.py", "--port", str(port)], cwd=app, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        protocol.wait_healthy(f"http://127.0.0.1:{port}", timeout=60)

        async def start_page() -> tuple[str, list[str]]:
            async with protocol.StreamlitSession(f"http://127.0.0.1:{port}") as tab:
                await tab.rerun()
                return tab.page_name, tab.problems

        assert asyncio.run(start_page()) == ("Start", [])
    finally:
        proc.terminate()
        proc.wait(timeout=20)


# ------------------------------------------------------------------ Kubernetes


def kustomization() -> dict:
    return yaml.safe_load((BASE / "kustomization.yaml").read_text())


def manifests() -> dict[str, list[dict]]:
    return {name: list(yaml.safe_load_all((BASE / name).read_text())) for name in kustomization()["resources"]}


def test_the_kustomization_lists_every_manifest():
    listed = kustomization()["resources"]
    present = sorted(p.name for p in BASE.glob("*.yaml") if p.name != "kustomization.yaml")
    assert sorted(listed) == present
    kinds = {doc["kind"] for docs in manifests().values() for doc in docs}
    assert kinds == {"Namespace", "Deployment", "Service", "Ingress", "PodDisruptionBudget",
                     "HorizontalPodAutoscaler", "NetworkPolicy"}


def test_every_manifest_validates_against_the_kubernetes_schemas():
    version = kubernetes_validate.latest_version()
    for docs in manifests().values():
        for doc in docs:
            kubernetes_validate.validate(doc, version, strict=True)  # raises with the path of the problem
    # And the validator does catch a mistake (a misspelt field), so passing means something.
    broken = manifests()["deployment.yaml"][0]
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGett"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, version, strict=True)


def test_the_pods_run_locked_down_and_stop_gracefully():
    (deployment,) = manifests()["deployment.yaml"]
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    sc = container["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get_ = container[probe]["httpGet"]
        assert get_["path"] == "/_stcore/health"
        assert {"name": "Host", "value": "localhost"} in get_["httpHeaders"]  # a host the app answers for
    assert "localhost" in next(a for a in container["args"] if a.startswith("server.allowedHosts="))
    assert container["resources"]["requests"]["cpu"] and container["resources"]["limits"]["memory"]
    assert container["lifecycle"]["preStop"]["exec"]["command"][0] == "sleep"
    pre_stop = int(container["lifecycle"]["preStop"]["exec"]["command"][1])
    assert pod["terminationGracePeriodSeconds"] > pre_stop
    (secret_env,) = [e for e in container["env"] if e["name"] == "STREAMLIT_SERVER_COOKIE_SECRET"]
    assert set(secret_env) == {"name", "valueFrom"}  # a reference to a Secret, never a value
    assert not any(doc["kind"] == "Secret" for docs in manifests().values() for doc in docs)


def test_the_ingress_keeps_a_tab_on_one_pod_and_its_websocket_open():
    (ingress,) = manifests()["ingress.yaml"]
    a = ingress["metadata"]["annotations"]
    p = "nginx.ingress.kubernetes.io/"
    assert a[p + "affinity"] == "cookie" and a[p + "session-cookie-samesite"] == "Lax"
    assert int(a[p + "proxy-read-timeout"]) >= 3600 and int(a[p + "proxy-send-timeout"]) >= 3600
    assert a[p + "enable-access-log"] == "false"
    (hpa,) = manifests()["horizontalpodautoscaler.yaml"]
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu" and hpa["spec"]["minReplicas"] >= 2


def test_the_policy_check_passes_with_every_exception_explained():
    checkov = ROOT / ".venv-policy" / "bin" / "checkov"
    if not checkov.exists():
        pytest.fail("checkov is not installed: `make test` installs it into .venv-policy from requirements-policy.lock",
                    pytrace=False)
    out = subprocess.run([str(checkov), "--config-file", str(DEPLOY / "checkov.yaml"), "-o", "json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    reports = yaml.safe_load(out.stdout)  # JSON is YAML
    reports = reports if isinstance(reports, list) else [reports]
    summary = {r["check_type"]: r["summary"] for r in reports}
    assert set(summary) == {"kubernetes", "dockerfile"}, out.stdout[:2000] + out.stderr[-2000:]
    failed = [f"{c['check_id']} {c['check_name']} ({c['file_path']})"
              for r in reports for c in r["results"]["failed_checks"]]
    assert failed == [] and out.returncode == 0
    assert summary["kubernetes"]["resource_count"] >= 7 and summary["dockerfile"]["resource_count"] == 1
    assert all(s["parsing_errors"] == 0 for s in summary.values())
    # Each skipped check has its reason right above it.
    lines = (DEPLOY / "checkov.yaml").read_text().splitlines()
    skips = [i for i, line in enumerate(lines) if re.match(r"\s+- CKV", line)]
    assert skips
    for i in skips:
        check = lines[i].split("- ")[1].strip()
        assert lines[i - 1].strip().startswith("#") and any(check in line for line in lines[max(0, i - 6):i]), check
    text = (DEPLOY / "checkov.yaml").read_text()
    assert re.search(r"skip-download:\s*true", text)  # never calls out


def test_the_policy_checker_is_locked_with_hashes():
    lock = (ROOT / "requirements-policy.lock").read_text()
    entries = [e for e in re.split(r"\n(?=[A-Za-z0-9])", lock) if re.match(r"^[A-Za-z0-9][\w.-]*==", e)]
    assert len(entries) > 20
    assert all("--hash=sha256:" in e for e in entries)
    wanted = re.search(r"^checkov==(\S+)", (ROOT / "requirements-policy.txt").read_text(), flags=re.M).group(1)
    assert f"checkov=={wanted} " in lock


def test_the_image_has_the_fonts_the_chinese_printout_embeds():
    # The packages the image installs are the ones that own the files pdf.py reads (asked of dpkg on
    # this Debian machine, where `make test` installs the same packages).
    from ketacheck.export import pdf
    installed = re.search(r"apt-get install --yes --no-install-recommends ([^\\\n]+)", dockerfile())
    assert installed, "the image installs no Debian packages"
    wanted = set(installed.group(1).split())
    files = [pdf.CJK_DIR / "NotoSansCJK-Regular.ttc", pdf.CJK_DIR / "NotoSansCJK-Bold.ttc"]
    owners = subprocess.run(["dpkg", "-S", *map(str, files)], capture_output=True, text=True, check=True).stdout
    assert {line.split(":")[0] for line in owners.splitlines()} <= wanted

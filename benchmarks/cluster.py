"""KetaCheck behind HAProxy (`make cluster`, deploy/cluster.py): start it for tests and benchmarks,
restart it one replica at a time under load, and measure it against one process.

    with ClusterProcess(log_dir, replicas=2) as cluster:     # what `make cluster REPLICAS=2` starts
        cluster.url, cluster.state()["replicas"], cluster.roll(), cluster.haproxy("show stat")

`measure()` is the `make bench` section "cluster": in one run, one process direct, one process
behind HAProxy (HAProxy's own cost) and N processes behind HAProxy (N = cores), each at 50 and 200
people with no pause, answer round trips and the CPU of every server process (the replicas' sum,
HAProxy's apart).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Self

from benchmarks import loadgen
from benchmarks.servers import ROOT, PortTaken, ServerProcess, free_port, on_a_free_port
from deploy.cluster import backend_stats, runtime_command
from deploy.haproxy import PORT_IN_USE

START_TIMEOUT_S = 120.0
READY_LINE = "KetaCheck is running at"


class ClusterProcess:
    """`python -m deploy.cluster` in a child process, on a free port, with its run directory in
    `log_dir` (cluster.json, haproxy.log, r<N>.log, the runtime socket)."""

    def __init__(self, log_dir: Path, *, replicas: int = 2, drain_timeout: float = 60.0, respawn: bool = True,
                 name: str = "cluster", haproxy_config: Path | None = None) -> None:
        self.log_dir, self.name = log_dir, name
        self.args = ["--replicas", str(replicas), "--drain-timeout", str(drain_timeout)]
        if not respawn:
            self.args.append("--no-respawn")
        if haproxy_config is not None:
            self.args += ["--haproxy-config", str(haproxy_config)]
        log_dir.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None
        self._on_port(free_port())

    def _on_port(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.run_dir = self.log_dir / f"{self.name}-{port}"
        self.stdout_path = self.log_dir / f"{self.name}-{port}.out"
        self.cmd = [sys.executable, "-m", "deploy.cluster", "--port", str(port), "--run-dir", str(self.run_dir),
                    *self.args]

    def start(self, timeout: float = START_TIMEOUT_S) -> Self:
        return on_a_free_port(lambda: self._start(timeout), self._on_port)

    def _start(self, timeout: float) -> Self:
        with open(self.stdout_path, "wb") as out:
            self.proc = subprocess.Popen(self.cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        try:
            self.wait_for_output(READY_LINE, timeout=timeout)
        except RuntimeError as exc:
            if PORT_IN_USE in self.output():  # taken before HAProxy bound it, after the replicas started
                raise PortTaken(f"port {self.port} was taken before HAProxy could bind it") from exc
            raise
        return self

    def output(self) -> str:
        return self.stdout_path.read_text(errors="replace") if self.stdout_path.exists() else ""

    def wait_for_output(self, text: str, count: int = 1, timeout: float = 60.0) -> None:
        """Until the launcher has printed `text` `count` times (it says what it does, line by line)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.output().count(text) >= count:
                return
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"the cluster exited with code {self.proc.returncode}:\n{self.output()}")
            time.sleep(0.2)
        raise RuntimeError(f"the cluster did not say {text!r} within {timeout:.0f} s:\n{self.output()}")

    def state(self) -> dict[str, Any]:
        return json.loads((self.run_dir / "cluster.json").read_text())

    def replica(self, name: str) -> dict[str, Any]:
        return next(r for r in self.state()["replicas"] if r["name"] == name)

    def pids(self) -> list[int]:
        """HAProxy's and every replica's."""
        s = self.state()
        return [s["haproxy_pid"], *(r["pid"] for r in s["replicas"] if r["pid"])]

    def haproxy(self, command: str) -> str:
        """One command on HAProxy's runtime API."""
        return runtime_command(self.state()["socket"], command)

    def server_stats(self) -> dict[str, dict[str, str]]:
        return backend_stats(self.state()["socket"])

    def haproxy_log(self) -> str:
        return (self.run_dir / "haproxy.log").read_text(errors="replace")

    def roll(self, timeout: float = 180.0) -> None:
        """`kill -HUP`: reload HAProxy's configuration, restart every replica one at a time (each
        handed over to a new process); returns when done."""
        done = self.output().count("rolling restart done")
        os.kill(self.proc.pid, signal.SIGHUP)
        self.wait_for_output("rolling restart done", count=done + 1, timeout=timeout)

    def interrupt(self, timeout: float = 30.0) -> int:
        """Ctrl+C: the launcher's exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.interrupt()


# ------------------------------------------------------------------------- a rolling restart under load


async def _people_until(url: str, slots: int, done: asyncio.Event, think: tuple[float, float],
                        seed: int) -> list[loadgen.PersonResult]:
    """`slots` people at a time doing whole checks, a new person taking each finished one's place,
    until `done` is set (the people on the app then finish their checks)."""
    content = loadgen.load_content()
    results: list[loadgen.PersonResult] = []
    next_index = 0

    async def slot() -> None:
        nonlocal next_index
        while not done.is_set():
            i = next_index
            next_index += 1
            person = loadgen.plan_people(i + 1, seed=seed)[i]
            results.append(await loadgen.run_person(url, person, content, timeout=60, think=think))

    await asyncio.gather(*(slot() for _ in range(slots)))
    return results


def rolling_restart_under_load(cluster: ClusterProcess, people: int = 30, think: tuple[float, float] = (0.1, 0.3),
                               warm_s: float = 3.0, seed: int = 15) -> dict[str, Any]:
    """`people` at a time on the cluster while every replica is drained and restarted in turn."""
    async def run() -> dict[str, Any]:
        done = asyncio.Event()
        load = asyncio.create_task(_people_until(cluster.url, people, done, think, seed))
        await asyncio.sleep(warm_s)
        before = {r["name"]: r["pid"] for r in cluster.state()["replicas"]}
        started = time.monotonic()
        await asyncio.to_thread(cluster.roll)
        roll_s = time.monotonic() - started
        done.set()
        results = await load
        after = {r["name"]: r["pid"] for r in cluster.state()["replicas"]}
        answers = [t for r in results for t in r.answer_rtts]
        return {
            "people_at_once": people,
            "people": len(results),
            "finished": sum(r.finished for r in results),
            "errors": sum(r.failed for r in results),
            "mismatches": sum(r.mismatch for r in results),
            "error_samples": [f"#{r.index}: {r.error or '; '.join(r.problems) or 'did not finish'}"
                              for r in results if r.failed][:10],
            "restarted": sorted(name for name in before if before[name] != after[name]),
            "roll_s": round(roll_s, 1),
            "answer_rtt_ms": loadgen.percentiles(answers),
            "tiers_shown": sorted({r.shown_tier for r in results if r.shown_tier}),
        }
    return asyncio.run(run())


# ------------------------------------------------------------------------- the benchmark


def _load(url: str, people: int, pids: dict[str, int], seed: int) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        samplers = {name: loadgen.ProcSampler(pid) for name, pid in pids.items()}
        for s in samplers.values():
            s.start()
        report = await loadgen.run_load(url, loadgen.plan_people(people, seed=seed), content=loadgen.load_content(),
                                        timeout=120)
        cpu = {name: await s.stop() for name, s in samplers.items()}
        summary = report.summary()
        replicas = [v for name, v in cpu.items() if name != "haproxy"]
        return {
            "people": people, "finished": summary["finished"], "errors": summary["errors"],
            "mismatches": summary["mismatches"], "wall_s": summary["wall_s"],
            "answer_rtt_ms": summary["answer_rtt_ms"], "reruns": summary["reruns"],
            "replica_cpu_s": round(sum(v["cpu_seconds"] for v in replicas), 2),
            "replica_cores_busy": round(sum(v["cpu_cores_busy"] for v in replicas), 2),
            "haproxy_cpu_s": cpu["haproxy"]["cpu_seconds"] if "haproxy" in cpu else None,
            "cpu_ms_per_rerun": round(1000 * sum(v["cpu_seconds"] for v in replicas) / summary["reruns"], 2)
            if summary["reruns"] else None,
            "rss_mb_peak": [v["rss_mb_peak"] for v in replicas],
            "error_samples": summary["error_samples"], "mismatch_samples": summary["mismatch_samples"],
        }
    return asyncio.run(run())


def measure(logs: Path, crowds: tuple[int, ...] = (50, 200), replicas: int | None = None,
            roll: bool = True, *, warm_people: int = 6, roll_people: int = 30,
            roll_think: tuple[float, float] = (0.1, 0.3)) -> dict[str, Any]:
    """Each setup warmed (every page loaded in every replica: `warm_people` per replica), then each
    crowd, no pause; then a rolling restart under `roll_people` at once."""
    n = replicas or os.cpu_count() or 2
    out: dict[str, Any] = {"replicas": n, "runs": {}}

    def run_all(label: str, url: str, pids: dict[str, int]) -> None:
        asyncio.run(loadgen.run_load(url, loadgen.plan_people(warm_people * max(1, len(pids) - 1), seed=99),
                                     content=loadgen.load_content()))
        out["runs"][label] = {f"{people} people": _load(url, people, pids, seed=people) for people in crowds}

    with ServerProcess(logs, name="direct") as server:
        run_all("1 process, direct", server.url, {"r1": server.pid})
    with ClusterProcess(logs, replicas=1, name="cluster-1") as cluster:
        s = cluster.state()
        run_all("1 process behind HAProxy", cluster.url, {"haproxy": s["haproxy_pid"], "r1": s["replicas"][0]["pid"]})
    with ClusterProcess(logs, replicas=n, name=f"cluster-{n}") as cluster:
        s = cluster.state()
        run_all(f"{n} processes behind HAProxy", cluster.url,
                {"haproxy": s["haproxy_pid"], **{r["name"]: r["pid"] for r in s["replicas"]}})
        if roll:
            out["rolling_restart"] = rolling_restart_under_load(cluster, people=roll_people, think=roll_think)
    return out


def table(res: dict[str, Any]) -> list[str]:
    lines = ["## One process against several behind HAProxy (`make cluster`), no pause between clicks", "",
             ("| Setup | People | answer ms p50 / p95 / p99 | errors (wrong tier) | replicas' CPU s (cores busy) | "
              "HAProxy CPU s | CPU ms per click | RSS peak MB per replica |"),
             "|---|---|---|---|---|---|---|---|"]
    for setup, crowds in res["runs"].items():
        for crowd, r in crowds.items():
            a = r["answer_rtt_ms"]
            lines.append(f"| {setup} | {crowd.split()[0]} | {a['p50']} / {a['p95']} / {a['p99']} | {r['errors']} "
                         f"({r['mismatches']}) | {r['replica_cpu_s']} ({r['replica_cores_busy']}) | "
                         f"{r['haproxy_cpu_s'] if r['haproxy_cpu_s'] is not None else '-'} | {r['cpu_ms_per_rerun']} | "
                         f"{' + '.join(str(m) for m in r['rss_mb_peak'])} |")
    lines.append("")
    if "rolling_restart" in res:
        r = res["rolling_restart"]
        a = r["answer_rtt_ms"]
        lines += ["## Rolling restart under load (every replica drained and restarted in turn)", "",
                  "| people at once | people | errors | wrong tier | replicas restarted | restart took s | answer ms p50 / p95 / p99 |",
                  "|---|---|---|---|---|---|---|",
                  (f"| {r['people_at_once']} | {r['people']} | {r['errors']} | {r['mismatches']} | "
                   f"{', '.join(r['restarted'])} | {r['roll_s']} | {a['p50']} / {a['p95']} / {a['p99']} |"), ""]
    return lines


if __name__ == "__main__":
    import tempfile

    result = measure(Path(tempfile.mkdtemp(prefix="kc-cluster-")),
                     crowds=tuple(int(c) for c in sys.argv[1].split(",")) if len(sys.argv) > 1 else (50, 200))
    print(json.dumps(result, indent=1))
    print("\n".join(table(result)))

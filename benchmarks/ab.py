"""Before and after, in one run: the same crowd against one server per commit, taking turns.

    python -m benchmarks.ab aa7a034 cc0a3a7 HEAD          # 50 people, no pause, 3 rounds
    python -m benchmarks.ab --people 20 --rounds 2 --this-server-py aa7a034 HEAD

Each commit is unpacked (`git archive`) into a temporary folder that shares this checkout's .venv;
all servers, and a bare page's, start together and are warmed with 6 people, then each round runs
the same people against each server in turn, so every version meets the same machine (on a shared
2-core machine that matters more than anything else). `--this-server-py` puts this checkout's
server.py into each (commits before 2efc935 start Streamlit's legacy pages mode on the load
generator's first visit to /start, and every simulated person fails). How issue 23's click-cost
levers were measured (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import loadgen
from benchmarks.servers import ROOT, ServerProcess


def unpack(commit: str, into: Path, server_py: bool) -> Path:
    folder = into / commit
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    (folder / ".venv").symlink_to(ROOT / ".venv")
    if server_py:
        shutil.copy(ROOT / "server.py", folder / "server.py")
    return folder


def load(server: ServerProcess, people: int, bare: bool, seed: int = 1) -> dict[str, Any]:
    report = asyncio.run(loadgen.run_load(server.url, loadgen.plan_people(people, seed=seed),
                                          content=loadgen.load_content(), think=(0.0, 0.0), server_pid=server.pid,
                                          bare=bare, timeout=120))
    s = report.summary()
    return {k: s[k] for k in ("people", "finished", "errors", "mismatches", "answers", "answer_rtt_ms", "cpu_ms_per_rerun")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.ab", description=__doc__.split("\n\n")[0])
    ap.add_argument("commits", nargs="+")
    ap.add_argument("--people", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--this-server-py", action="store_true", help="use this checkout's server.py in every version")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kc-ab-"))
    folders = {c: unpack(c, work / "code", args.this_server_py) for c in args.commits}
    servers: dict[str, ServerProcess] = {"bare": ServerProcess(work / "logs", app="benchmarks.bare.server:app", name="bare")}
    for commit, folder in folders.items():
        server = ServerProcess(work / "logs", name=commit)
        server.cwd = folder  # that version's serve.py, server.py and content
        servers[commit] = server
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in servers}
    try:
        for server in servers.values():
            server.start()
        for name, server in servers.items():
            load(server, 6, name == "bare", seed=99)
        for n in range(args.rounds):
            for name, server in servers.items():
                run = load(server, args.people, name == "bare")
                runs[name].append(run)
                print(f"round {n + 1} {name}: answer p50 {run['answer_rtt_ms']['p50']} p95 {run['answer_rtt_ms']['p95']} ms, "
                      f"CPU {run['cpu_ms_per_rerun']} ms per click, {run['errors']} errors, {run['mismatches']} wrong",
                      file=sys.stderr, flush=True)
    finally:
        for server in servers.values():
            server.stop()
    bare = runs["bare"]
    print("| Version | answer ms p50 | answer ms p95 | server CPU ms per click | p95 / bare | CPU / bare | errors |")
    print("|---|---|---|---|---|---|---|")
    b95 = statistics.mean(r["answer_rtt_ms"]["p95"] for r in bare)
    bcpu = statistics.mean(r["cpu_ms_per_rerun"] for r in bare)
    for name, rs in runs.items():
        p50 = statistics.mean(r["answer_rtt_ms"]["p50"] for r in rs)
        p95 = statistics.mean(r["answer_rtt_ms"]["p95"] for r in rs)
        cpu = statistics.mean(r["cpu_ms_per_rerun"] for r in rs)
        ratios = ("", "") if name == "bare" else (f"{p95 / b95:.2f}", f"{cpu / bcpu:.2f}")
        print(f"| {name} | {p50:.0f} | {p95:.0f} | {cpu:.2f} | {ratios[0]} | {ratios[1]} | "
              f"{sum(r['errors'] + r['mismatches'] for r in rs)} |")
    (work / "ab.json").write_text(json.dumps(runs, indent=1))
    print(f"\n(every run in {work / 'ab.json'})")
    failed = any(r["errors"] or r["mismatches"] or r["finished"] != r["people"] for rs in runs.values() for r in rs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Server memory per session: idle (page open, nothing chosen) and active (halfway through a check).

For each count N (100 and 500): a fresh server, warmed up by three whole checks so every page and
library is loaded; its RSS then is the baseline. N sessions open the first page and stay connected
(idle); then each of them answers the start page and half the questions (active). RSS is read
from /proc after each step has settled; per session = (RSS - baseline) / N.
The same for the bare page, where "active" is the same number of answers.
"""

from __future__ import annotations

import asyncio
import random
import resource
import time
from pathlib import Path
from typing import Any

from benchmarks import loadgen
from benchmarks.protocol import StreamlitSession
from benchmarks.servers import ServerProcess

SETTLE_S = 3.0
ACTIVE_ANSWERS = 18  # about half of a check
CONNECT_BATCH = 25  # sessions opened at once (a crowd arriving, not a single burst)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def raise_open_files_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard), hard))


async def _activate(session: StreamlitSession, bare: bool, rng: random.Random) -> None:
    if bare:
        for _ in range(ACTIVE_ANSWERS):
            await session.click(f"answer_q_{rng.randrange(loadgen.BARE_OPTIONS)}")
        return
    await session.click(f"pick_audience_{rng.choice(loadgen.AUDIENCES)}")
    await session.click(f"pick_prescribed_{rng.choice((False, True))}")
    await session.click("start_check")
    for _ in range(ACTIVE_ANSWERS):
        options = [k for k in loadgen.controls(session) if k.startswith("answer_")]
        if not options:
            break
        # Safe answers only: a red flag reruns the whole page, which is not what is measured here.
        await loadgen.tap(session, options[0])


async def _measure(url: str, pid: int, n: int, bare: bool, settle_s: float) -> dict[str, Any]:
    rng = random.Random(n)
    sessions = [StreamlitSession(url, timeout=120) for _ in range(n)]

    async def open_one(s: StreamlitSession) -> None:
        await s.connect()
        await s.rerun()

    try:
        for i in range(0, n, CONNECT_BATCH):
            await asyncio.gather(*(open_one(s) for s in sessions[i:i + CONNECT_BATCH]))
        await asyncio.sleep(settle_s)
        idle = rss_mb(pid)
        for i in range(0, n, CONNECT_BATCH):
            await asyncio.gather(*(_activate(s, bare, rng) for s in sessions[i:i + CONNECT_BATCH]))
        await asyncio.sleep(settle_s)
        active = rss_mb(pid)
        problems = [p for s in sessions for p in s.problems]
    finally:
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    return {"idle_mb": idle, "active_mb": active, "problems": problems[:5]}


def measure(log_dir: Path, n: int, *, bare: bool, warm_people: int = 3, settle_s: float = SETTLE_S) -> dict[str, Any]:
    raise_open_files_limit(4 * n + 256)
    app = "benchmarks.bare.server:app" if bare else "server:app"
    with ServerProcess(log_dir, app=app, name="bare" if bare else "ketacheck") as server:
        warm = loadgen.plan_people(warm_people, seed=7)
        asyncio.run(loadgen.run_load(server.url, warm, content=loadgen.load_content(), bare=bare))
        time.sleep(settle_s)
        base = rss_mb(server.pid)
        got = asyncio.run(_measure(server.url, server.pid, n, bare, settle_s))
    return {
        "sessions": n,
        "baseline_mb": round(base, 1),
        "idle_mb": round(got["idle_mb"], 1),
        "active_mb": round(got["active_mb"], 1),
        "per_idle_session_mb": round((got["idle_mb"] - base) / n, 3),
        "per_active_session_mb": round((got["active_mb"] - base) / n, 3),
        "problems": got["problems"],
    }


if __name__ == "__main__":
    import json
    import sys
    import tempfile

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    logs = Path(tempfile.mkdtemp(prefix="kc-mem-"))
    for bare in (True, False):
        print(json.dumps({"bare" if bare else "ketacheck": measure(logs, count, bare=bare)}))

"""A long run at steady load: does the server's memory keep growing?

`slots` people are on the app at any moment; each does a whole check with a pause before every
click, and when one finishes a new person takes the slot (new session, new answers), so sessions
keep arriving, finishing and expiring (`server.disconnectedSessionTTL`, 120 s) for the whole run.
RSS and CPU are sampled every few seconds. After a warm-up quarter, a least-squares line through
RSS gives the growth in MB per minute; the run also counts errors and tier mismatches.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from benchmarks import loadgen
from benchmarks.memory import rss_mb
from benchmarks.servers import ServerProcess

SAMPLE_S = 5.0
THINK = (0.5, 1.5)
SESSION_TTL_S = 120  # Streamlit's server.disconnectedSessionTTL, which the full run keeps


def slope_per_min(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) points, in MB per minute."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(t for t, _ in points) / n
    my = sum(v for _, v in points) / n
    den = sum((t - mx) ** 2 for t, _ in points)
    return 60 * sum((t - mx) * (v - my) for t, v in points) / den if den else 0.0


async def _soak(url: str, pid: int, minutes: float, slots: int, think: tuple[float, float],
                sample_s: float) -> dict[str, Any]:
    content = loadgen.load_content()
    deadline = time.monotonic() + minutes * 60
    start = time.monotonic()
    results: list[loadgen.PersonResult] = []
    samples: list[tuple[float, float]] = []
    cpu = loadgen.ProcSampler(pid)
    next_index = 0

    async def slot() -> None:
        nonlocal next_index
        while time.monotonic() < deadline:
            i = next_index
            next_index += 1
            person = loadgen.plan_people(i + 1, seed=2026)[i]
            results.append(await loadgen.run_person(url, person, content, timeout=60, think=think))

    async def sample() -> None:
        while time.monotonic() < deadline:
            samples.append((time.monotonic() - start, rss_mb(pid)))
            await asyncio.sleep(sample_s)

    cpu.start()
    await asyncio.gather(sample(), *(slot() for _ in range(slots)))
    server = await cpu.stop()
    warm = minutes * 60 / 4
    # (A run too short to sample after its warm-up, such as a smoke test's, uses its last sample.)
    steady = [(t, v) for t, v in samples if t >= warm] or samples[-1:]
    quarter = max(1, len(steady) // 3)
    reruns = sum(r.reruns for r in results)
    return {
        "minutes": minutes,
        "slots": slots,
        "people": len(results),
        "finished": sum(r.finished for r in results),
        "errors": sum(r.failed for r in results),
        "mismatches": sum(r.mismatch for r in results),
        "error_samples": [f"#{r.index}: {r.error or '; '.join(r.problems) or 'did not finish'}"
                          for r in results if r.failed][:10],
        "mismatch_samples": [f"#{r.index}: shown {r.shown_tier!r}, engine {r.expected_tier!r}"
                             for r in results if r.mismatch][:10],
        "answers": sum(len(r.answer_rtts) for r in results),
        "answer_rtt_ms": loadgen.percentiles([t for r in results for t in r.answer_rtts]),
        "cpu_ms_per_rerun": round(1000 * server["cpu_seconds"] / reruns, 2) if reruns else None,
        "rss_mb_start": round(samples[0][1], 1),
        "rss_mb_after_warmup": round(sum(v for _, v in steady[:quarter]) / quarter, 1),
        "rss_mb_end": round(sum(v for _, v in steady[-quarter:]) / quarter, 1),
        "rss_mb_peak": round(max(v for _, v in samples), 1),
        "growth_mb_per_min": round(slope_per_min(steady), 3),
        "rss_series": [(round(t), round(v, 1)) for t, v in samples[:: max(1, int(60 / sample_s))]],
    }


def run(log_dir: Path, minutes: float = 20, slots: int = 30, *, think: tuple[float, float] = THINK,
        sample_s: float = SAMPLE_S, session_ttl_s: int = SESSION_TTL_S, warm_people: int = 6) -> dict[str, Any]:
    """`session_ttl_s` other than Streamlit's 120 s is for a short try (the benchmark smoke test):
    the server then drops closed sessions sooner, so the last reading need not wait two minutes."""
    options = {} if session_ttl_s == SESSION_TTL_S else {"server.disconnectedSessionTTL": str(session_ttl_s)}
    with ServerProcess(log_dir, name="soak", options=options) as server:
        # Warm first (every page and library loaded), so growth is not the imports.
        asyncio.run(loadgen.run_load(server.url, loadgen.plan_people(warm_people, seed=99),
                                     content=loadgen.load_content()))
        out = asyncio.run(_soak(server.url, server.pid, minutes, slots, think, sample_s))
        # Every session closed; once the reconnect TTL has passed they are all dropped.
        time.sleep(session_ttl_s + 5)
        out["rss_mb_after_sessions_expired"] = round(rss_mb(server.pid), 1)
    return out


if __name__ == "__main__":
    import json
    import sys
    import tempfile

    print(json.dumps(run(Path(tempfile.mkdtemp(prefix="kc-soak-")), float(sys.argv[1]) if len(sys.argv) > 1 else 20),
                     indent=1))

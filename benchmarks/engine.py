"""The engine alone, without Streamlit: loading the content and scoring a full check.

- Content load: in a fresh process each time (what a server pays once at start), and the cost of
  every later `loader.load()` call in the same process (what every script run pays).
- Scoring: the longest check there is (every audience and prescribed choice; the one with the
  most questions), every question answered at its highest level except red flags (a
  multiple-choice question: every option but the red flags and "None of these"), so every sign,
  domain and instrument is computed. Timed many times in one process.
- The `score` command as a person runs it (`python -m ketacheck score FILE`, that same check), wall
  time of the whole process: with an empty content cache (it loads and validates, then stores the
  content) and with a warm one (ketacheck/content_cache.py), each in a temporary cache folder.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.servers import ROOT

COLD_RUNS = 5
SCORE_RUNS = 5000

_COLD = """
import json, time
t0 = time.perf_counter()
from ketacheck import loader
t1 = time.perf_counter()
loader.load()
t2 = time.perf_counter()
for _ in range(1000):
    loader.load()
t3 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "load_ms": (t2 - t1) * 1e3, "again_us": (t3 - t2) * 1e3,
                  "parses": loader._load.cache_info().misses}))
"""


def full_answers(content: Any) -> tuple[str, bool, dict[str, int | tuple[int, ...]]]:
    """The longest flow, all answered at the highest non-red-flag level.

    A multiple-choice item (`Item.multiple`) takes a tuple of values, as `submission.parse` wants
    it: every option that raises no red flag, so its level (the highest, or the sum up to `scale`)
    and its signs are at their most. The exclusive "None of these" cannot be combined with
    another option, so it is the answer only where nothing else is left."""
    audience, prescribed = max(((a, p) for a in ("self", "other", "intake") for p in (False, True)),
                               key=lambda ap: len(content.flow(*ap)))
    answers: dict[str, int | tuple[int, ...]] = {}
    for item in content.flow(audience, prescribed):
        safe = [o for o in item.options if not o.red_flag] or item.options
        if item.multiple:
            chosen = [o.value for o in safe if not o.exclusive] or [o.value for o in safe if o.exclusive][:1]
            answers[item.id] = tuple(chosen)
        else:
            answers[item.id] = max(safe, key=lambda o: o.level).value
    return audience, prescribed, answers


def score_command_ms(answers: Path, cache: Path, runs: int, cold: bool) -> float:
    """Median wall ms of `python -m ketacheck score answers`, each in a fresh process; cold empties
    the cache folder before each run, warm fills it once first."""
    env = {**os.environ, "KETACHECK_CACHE_DIR": str(cache)}

    def once() -> float:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ketacheck", "score", str(answers)], cwd=ROOT, env=env,
                       stdout=subprocess.DEVNULL, check=True)
        return (time.perf_counter() - t) * 1e3

    if not cold:
        once()
    times = []
    for _ in range(runs):
        if cold:
            for entry in cache.glob("*"):
                entry.unlink()
        times.append(once())
    return round(statistics.median(times), 1)


def run(cold_runs: int = COLD_RUNS, score_runs: int = SCORE_RUNS) -> dict[str, Any]:
    cold = []
    for _ in range(cold_runs):
        out = subprocess.run([sys.executable, "-c", _COLD], cwd=ROOT, capture_output=True, text=True, check=True)
        cold.append(json.loads(out.stdout))

    from ketacheck import loader, scoring, submission

    content = loader.load()
    audience, prescribed, answers = full_answers(content)
    sub = submission.parse({"audience": audience, "region": "US", "prescribed": prescribed,
                            "sex": "female", "answers": answers}, content)
    result = scoring.score(sub, content)
    times = []
    for _ in range(score_runs):
        t = time.perf_counter()
        scoring.score(sub, content)
        times.append(time.perf_counter() - t)
    times.sort()

    with tempfile.TemporaryDirectory(prefix="ketacheck-bench-") as tmp:
        check_file = Path(tmp) / "check.json"  # the same check, as the command reads it
        as_lists = {k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()}
        check_file.write_text(json.dumps({"audience": audience, "region": "US", "prescribed": prescribed,
                                          "sex": "female", "answers": as_lists}))
        cache = Path(tmp) / "cache"
        command_cold = score_command_ms(check_file, cache, cold_runs, cold=True)
        command_warm = score_command_ms(check_file, cache, cold_runs, cold=False)
    return {
        "content_import_ms": round(statistics.median(c["import_ms"] for c in cold), 1),
        "content_load_ms": round(statistics.median(c["load_ms"] for c in cold), 1),
        "content_load_again_us": round(statistics.median(c["again_us"] for c in cold), 2),
        "content_parses_per_process": max(c["parses"] for c in cold),
        "score_check": f"{audience}, prescribed={prescribed}, {len(answers)} answers, tier {result.tier_label!r}",
        "score_ms_p50": round(1e3 * times[len(times) // 2], 3),
        "score_ms_p99": round(1e3 * times[int(len(times) * 0.99)], 3),
        "score_ms_max": round(1e3 * times[-1], 3),
        "score_command_ms_cold": command_cold,
        "score_command_ms_warm": command_warm,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=1))

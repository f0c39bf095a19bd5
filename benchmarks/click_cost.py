"""Where a click's server CPU goes, by kind of click: one person at a time, so each click's CPU is its own.

    python -m benchmarks.click_cost              # 40 KetaCheck people and 40 bare-page people
    python -m benchmarks.click_cost --people 10

The crowd runs (`benchmarks.loadgen`, `benchmarks.ab`) give CPU per click as the server's whole CPU
over every click: a KetaCheck person's opening of the app, start-page picks and result page are in
it, a bare-page person has none of those. Here the server's CPU (utime + stime from /proc, which
counts every thread, ended ones too) is read before and after each click of people taking turns, so
each kind of click gets its own mean: opening the app, a navigation tap, an answer, and the answer
that leads to the result page. /proc counts in 10 ms ticks; over hundreds of clicks the mean is
still sound (the tick falls at a random point of each click), a single click's number is not.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import loadgen
from benchmarks.servers import ServerProcess

PEOPLE = 40
TICK = os.sysconf("SC_CLK_TCK")


def meter(pid: int) -> loadgen.Meter:
    def cpu_seconds() -> float:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    return cpu_seconds


async def _people(server: ServerProcess, people: int, bare: bool, content: Any,
                  problems: list[str]) -> dict[str, list[float]]:
    by_kind: dict[str, list[float]] = {}
    for person in loadgen.plan_people(people, seed=7):
        if bare:
            res = await loadgen.run_bare_person(server.url, person, meter=meter(server.pid))
        else:
            res = await loadgen.run_person(server.url, person, content, meter=meter(server.pid))
        if res.failed or (not bare and res.mismatch):  # a failed person's clicks would not be a check's
            problems.append(f"{'bare' if bare else 'ketacheck'} person {person.index}: "
                            f"{(res.error or res.problems or 'unfinished') if res.failed else 'wrong level'}")
            continue
        for kind, values in res.cpu_s.items():
            by_kind.setdefault(kind, []).extend(values)
    return by_kind


def measure(people: int = PEOPLE, log_dir: Path | None = None) -> dict[str, Any]:
    """{"bare": {kind: {...}}, "ketacheck": {kind: {...}}}: clicks, mean CPU ms, share of all CPU;
    `problems` names anyone who failed or saw a wrong level (make bench then exits 1)."""
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="kc-click-"))
    content = loadgen.load_content()
    problems: list[str] = []
    out: dict[str, Any] = {"people": people, "problems": problems}
    for name, app in (("bare", "benchmarks.bare.server:app"), ("ketacheck", "server:app")):
        with ServerProcess(log_dir, app=app, name=name) as server:
            asyncio.run(_people(server, 3, name == "bare", content, problems))  # warm: imports, caches
            kinds = asyncio.run(_people(server, people, name == "bare", content, problems))
        if not kinds:
            continue
        total = sum(sum(v) for v in kinds.values()) or 1e-9  # a tiny smoke run can fall between ticks
        clicks = sum(len(v) for v in kinds.values())
        out[name] = {
            "all clicks": {"clicks": clicks, "cpu_ms_mean": round(1e3 * total / clicks, 2), "share": 1.0},
            **{kind: {"clicks": len(v), "cpu_ms_mean": round(1e3 * statistics.fmean(v), 2),
                      "share": round(sum(v) / total, 3)} for kind, v in kinds.items()},
        }
    return out


def table(report: dict[str, Any]) -> list[str]:
    bare_answer = report["bare"]["answer"]["cpu_ms_mean"]
    lines = ["## Server CPU by kind of click, one person at a time", "",
             f"{report['people']} people on each page, in turn; the server's CPU from /proc before and after each click.",
             "", "| Page | kind of click | clicks | CPU ms per click (mean) | share of the page's CPU | / a bare answer |",
             "|---|---|---|---|---|---|"]
    for page in ("bare", "ketacheck"):
        for kind, row in report[page].items():
            lines.append(f"| {page} | {kind} | {row['clicks']} | {row['cpu_ms_mean']} | {100 * row['share']:.0f}% | "
                         f"{row['cpu_ms_mean'] / bare_answer:.2f} |")
    return [*lines, ""]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.click_cost", description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=PEOPLE)
    args = ap.parse_args(argv)
    report = measure(args.people)
    print("\n".join(table(report)))
    print("\n".join(report["problems"]), file=sys.stderr)
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())

"""Where a click's server CPU goes, by kind of click: one person at a time, so each click's CPU is its own.

    python -m benchmarks.click_cost              # 40 KetaCheck people and 40 bare-page people
    python -m benchmarks.click_cost --people 10
    python -m benchmarks.click_cost --people 60 dfa7753 HEAD   # each commit's KetaCheck, taking turns

The crowd runs (`benchmarks.loadgen`, `benchmarks.ab`) give CPU per click as the server's whole CPU
over every click: a KetaCheck person's opening of the app, start-page picks and result page are in
it, a bare-page person has none of those. Here the server's CPU (utime + stime from /proc, which
counts every thread, ended ones too) is read before and after each click of people taking turns, so
each kind of click gets its own mean: opening the app, a navigation tap, an answer, and the answer
that leads to the result page. /proc counts in 10 ms ticks; over hundreds of clicks the mean is
still sound (the tick falls at a random point of each click), a single click's number is not.

The pages take turns person by person (the same person on each page, then the next), so a machine
that speeds up or slows down during the run (it does: benchmarks/RESULTS.md, ninth look) meets
every page alike. Given commits, each is unpacked into a temporary folder (as `benchmarks.ab`
does) and served beside the bare page, to compare versions.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import ab, loadgen
from benchmarks.servers import ServerProcess

PEOPLE = 40
TICK = os.sysconf("SC_CLK_TCK")


def meter(pid: int) -> loadgen.Meter:
    def cpu_seconds() -> float:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    return cpu_seconds


async def _person(name: str, server: ServerProcess, person: loadgen.Person, content: Any,
                  problems: list[str], into: dict[str, list[float]], first_screen: bool = False) -> None:
    bare = name == "bare"
    meter_ = meter(server.pid)
    if bare:
        res = await loadgen.run_bare_person(server.url, person, meter=meter_)
    else:
        res = await loadgen.run_person(server.url, person, content, meter=meter_, first_screen=first_screen)
    if res.failed or (not bare and res.mismatch):  # a failed person's clicks would not be a check's
        problems.append(f"{name} person {person.index}: "
                        f"{(res.error or res.problems or 'unfinished') if res.failed else 'wrong level'}")
        return
    for kind, values in res.cpu_s.items():
        into.setdefault(kind, []).extend(values)


def measure(people: int = PEOPLE, log_dir: Path | None = None, commits: tuple[str, ...] = (),
            first_screen: bool = False) -> dict[str, Any]:
    """{"pages": [...], "bare": {kind: {...}}, <page>: {kind: {...}}}: clicks, mean CPU ms, share of all
    CPU, for the bare page and KetaCheck (this checkout's, or each commit's); `problems` names anyone
    who failed or saw a wrong level (make bench then exits 1). `first_screen`: KetaCheck's people
    arrive from the static first screen (`loadgen.run_person`)."""
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="kc-click-"))
    content = loadgen.load_content()
    problems: list[str] = []
    servers = {"bare": ServerProcess(log_dir, app="benchmarks.bare.server:app", name="bare")}
    for commit in commits or ("ketacheck",):
        servers[commit] = ServerProcess(log_dir, name=commit)
        if commits:
            servers[commit].cwd = ab.unpack(commit, log_dir / "code", server_py=False)
    kinds: dict[str, dict[str, list[float]]] = {name: {} for name in servers}

    async def turns() -> None:
        for name, server in servers.items():  # warm: imports, caches
            for person in loadgen.plan_people(3, seed=99):
                await _person(name, server, person, content, problems, {})
        for person in loadgen.plan_people(people, seed=7):
            for name, server in servers.items():
                await _person(name, server, person, content, problems, kinds[name], first_screen)

    with contextlib.ExitStack() as stack:
        for server in servers.values():
            stack.enter_context(server)
        asyncio.run(turns())
    out: dict[str, Any] = {"people": people, "problems": problems, "pages": list(servers)}
    for name, by_kind in kinds.items():
        if not by_kind:
            continue
        total = sum(sum(v) for v in by_kind.values()) or 1e-9  # a tiny smoke run can fall between ticks
        clicks = sum(len(v) for v in by_kind.values())
        out[name] = {
            "all clicks": {"clicks": clicks, "cpu_ms_mean": round(1e3 * total / clicks, 2), "share": 1.0},
            **{kind: {"clicks": len(v), "cpu_ms_mean": round(1e3 * statistics.fmean(v), 2),
                      "share": round(sum(v) / total, 3)} for kind, v in by_kind.items()},
        }
    return out


def table(report: dict[str, Any]) -> list[str]:
    bare_answer = report["bare"]["answer"]["cpu_ms_mean"]
    lines = ["## Server CPU by kind of click, one person at a time", "",
             f"{report['people']} people on each page, taking turns; the server's CPU from /proc before and after each click.",
             "", "| Page | kind of click | clicks | CPU ms per click (mean) | share of the page's CPU | / a bare answer |",
             "|---|---|---|---|---|---|"]
    for page in report["pages"]:
        for kind, row in report.get(page, {}).items():
            lines.append(f"| {page} | {kind} | {row['clicks']} | {row['cpu_ms_mean']} | {100 * row['share']:.0f}% | "
                         f"{row['cpu_ms_mean'] / bare_answer:.2f} |")
    return [*lines, ""]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.click_cost", description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=PEOPLE)
    ap.add_argument("--first-screen", action="store_true",
                    help="KetaCheck's people arrive from the static first screen / with their choices made")
    ap.add_argument("commits", nargs="*", help="commits whose KetaCheck to measure (default: this checkout's)")
    args = ap.parse_args(argv)
    report = measure(args.people, commits=tuple(args.commits), first_screen=args.first_screen)
    print("\n".join(table(report)))
    print("\n".join(report["problems"]), file=sys.stderr)
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())

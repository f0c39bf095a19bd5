"""Every `make bench` section, run small: a section that crashes, whose simulated people fail or see
a wrong level, or whose report loses its shape fails `make test`, not the next person who runs the
45-minute benchmark (issue 23: the engine section had crashed, unnoticed, since multiple-choice
questions arrived).

Each section runs at `benchmarks.__main__.SMOKE` size: the same code as `make bench`, on the same
real servers (`python serve.py`, `streamlit run`, HAProxy in front of replicas, Debian's Chromium),
a few seconds of tiny load each. The numbers mean nothing at this size and nothing here checks how
fast anything was: only that each number is there, is a real number, and is above zero where it
cannot be anything else, and that nobody failed.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import benchmarks.__main__ as bench
from benchmarks import click_cost, first_load, lighthouse, loadgen
from ketacheck.loader import Content

SIZE = bench.SMOKE


def positive(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_people_run(run: dict[str, Any], people: int, *, think: bool = False) -> None:
    """One load run (latency, levers): everyone finished, right level, timings and server numbers."""
    assert run["people"] == people
    assert run["finished"] == people and run["errors"] == 0, run["error_samples"]
    assert run["mismatches"] == 0, run["mismatch_samples"]
    assert run["answers"] >= people  # every check has at least one question
    assert run["answer_rtt_ms"]["n"] == run["answers"]
    assert all(positive(run["answer_rtt_ms"][k]) for k in ("p50", "p95", "p99", "max", "mean"))
    # Server CPU comes from /proc in clock ticks; a whole check takes many of them.
    assert positive(run["cpu_ms_per_rerun"]) and positive(run["rss_mb_peak"]) and positive(run["wall_s"])


def check_engine(report: dict[str, Any], content: Content) -> None:
    for key in ("content_import_ms", "content_load_ms", "content_load_again_us",
                "score_ms_p50", "score_ms_p99", "score_ms_max", "score_command_ms_cold", "score_command_ms_warm"):
        assert positive(report[key]), key
    assert report["score_ms_p50"] <= report["score_ms_p99"] <= report["score_ms_max"]
    assert report["content_parses_per_process"] == 1
    # The check it scored reached a level the content has.
    assert any(repr(label) in report["score_check"] for label in loadgen.level_labels(content)), report["score_check"]


def check_latency(report: dict[str, Any], content: Content) -> None:
    assert list(report) == [f"{SIZE.crowd} people, no pause",
                            f"{SIZE.crowd} people, no pause, from the first screen",
                            f"{SIZE.crowd} people reading {SIZE.reading[0]:g}-{SIZE.reading[1]:g} s",
                            f"{SIZE.big_crowd} people, no pause", "1 person at a time"]
    for name, pair in report.items():
        people = SIZE.one_at_a_time if name == "1 person at a time" else int(name.split()[0])
        runs = list(pair.get("rounds", {}).values()) or [pair]
        for run in runs:
            for page in ("bare", "ketacheck"):
                check_people_run(run[page], people)
        # The crowds with the p95 target run round after round; the pages shown are the median rounds.
        rounds = SIZE.crowd_rounds if name.startswith(f"{SIZE.crowd} people, no pause") else \
            SIZE.reading_rounds if name.startswith(f"{SIZE.crowd} people reading") else 1
        assert len(runs) == rounds, name
        for page in ("bare", "ketacheck"):
            assert pair[page] in [run[page] for run in runs]
        assert pair["p95_ratio"] == round(pair["ketacheck"]["answer_rtt_ms"]["p95"] / pair["bare"]["answer_rtt_ms"]["p95"], 2)
        # Every answer is counted once, in one of two parts: each person's answer that opened the
        # result page (one each), and the others.
        for run in runs:
            kc = run["ketacheck"]
            assert kc["to_result_rtt_ms"]["n"] == kc["finished"] == people
            assert kc["to_result_rtt_ms"]["n"] + kc["other_answer_rtt_ms"]["n"] == kc["answer_rtt_ms"]["n"]
            assert kc["to_result_rtt_ms"]["max"] <= kc["answer_rtt_ms"]["max"]
        assert positive(pair["cpu_ratio"])
    assert [pair["target"] for pair in report.values()] == ["ratio", "ratio", "ratio", "no errors", None]
    # From the first screen only an intake taps the app's start page, and only its Start (the same
    # people, seeds and all).
    via_start, via_first = (report[f"{SIZE.crowd} people, no pause{how}"]["ketacheck"]["nav_rtt_ms"]["n"]
                            for how in ("", ", from the first screen"))
    assert via_first < via_start


def check_levers(report: dict[str, Any], content: Content) -> None:
    assert len(report) == 5
    for name, run in report.items():
        people = SIZE.one_at_a_time if "1 person at a time" in name else int(name.rsplit(", ", 1)[1].split()[0])
        check_people_run(run, people)


def check_cluster(report: dict[str, Any], content: Content) -> None:
    replicas = os.cpu_count() or 2
    assert report["replicas"] == replicas
    setups = {"1 process, direct": 1, "1 process behind HAProxy": 1, f"{replicas} processes behind HAProxy": replicas}
    assert list(report["runs"]) == list(setups)
    for setup, crowds in report["runs"].items():
        assert list(crowds) == [f"{n} people" for n in SIZE.cluster_crowds]
        for crowd, run in crowds.items():
            assert run["finished"] == run["people"] == int(crowd.split()[0]), run["error_samples"]
            assert run["errors"] == 0 and run["mismatches"] == 0, (run["error_samples"], run["mismatch_samples"])
            assert positive(run["replica_cpu_s"]) and positive(run["cpu_ms_per_rerun"])
            assert all(positive(run["answer_rtt_ms"][k]) for k in ("p50", "p95", "p99"))
            assert len(run["rss_mb_peak"]) == setups[setup] and all(positive(m) for m in run["rss_mb_peak"])
            if "HAProxy" in setup:  # a few people's worth of HAProxy can round to 0.0 CPU seconds
                assert finite(run["haproxy_cpu_s"]) and run["haproxy_cpu_s"] >= 0
            else:
                assert run["haproxy_cpu_s"] is None
    roll = report["rolling_restart"]
    assert roll["restarted"] == [f"r{i}" for i in range(1, replicas + 1)]
    assert roll["people_at_once"] == SIZE.roll_people and roll["people"] >= SIZE.roll_people
    assert roll["finished"] == roll["people"] and roll["errors"] == 0, roll["error_samples"]
    assert roll["mismatches"] == 0
    assert positive(roll["roll_s"]) and positive(roll["answer_rtt_ms"]["p50"])
    assert roll["tiers_shown"] and set(roll["tiers_shown"]) <= loadgen.level_labels(content)


def check_memory(report: dict[str, Any], content: Content) -> None:
    assert list(report) == [f"{n} sessions" for n in SIZE.memory_sessions]
    for name, pair in report.items():
        for page in ("bare", "ketacheck"):
            r = pair[page]
            assert r["sessions"] == int(name.split()[0])
            assert r["problems"] == []
            assert all(positive(r[k]) for k in ("baseline_mb", "idle_mb", "active_mb"))
            # Per session is a difference of RSS readings: with five sessions it can be noise below 0.
            assert finite(r["per_idle_session_mb"]) and finite(r["per_active_session_mb"])


def check_first_load(report: dict[str, Any], content: Content) -> None:
    assert list(report) == list(first_load.APPS)
    for app, links in report.items():
        assert list(links) == [name for name, _ in SIZE.first_load_links]
        for link, visits in links.items():
            for kind in ("cold", "repeat"):
                v = visits[kind]
                numbers = ("first_question_ms", "kb_to_question", "kb_settled")
                assert all(positive(v[k]) for k in numbers), (app, link, v)
                assert v["kb_to_question"] <= v["kb_settled"]
                assert isinstance(v["sw_controlled"], bool)
    # Only KetaCheck as `make run` serves it installs its service worker (the bare page and plain
    # `streamlit run` have none), and its repeat visit is served under it.
    assert all(v["repeat"]["sw_controlled"] for v in report["ketacheck"].values())
    assert not any(v["repeat"]["sw_controlled"] for app in list(report)[1:] for v in report[app].values())


def check_soak(report: dict[str, Any], content: Content) -> None:
    assert report["minutes"] == SIZE.soak_minutes and report["slots"] == SIZE.soak_slots
    assert report["people"] >= SIZE.soak_slots and report["finished"] == report["people"]
    assert report["errors"] == 0, report["error_samples"]
    assert report["mismatches"] == 0, report["mismatch_samples"]
    assert report["answers"] >= report["people"] and positive(report["cpu_ms_per_rerun"])
    assert all(positive(report["answer_rtt_ms"][k]) for k in ("p50", "p95", "p99"))
    for key in ("rss_mb_start", "rss_mb_after_warmup", "rss_mb_end", "rss_mb_peak", "rss_mb_after_sessions_expired"):
        assert positive(report[key]), key
    assert finite(report["growth_mb_per_min"])
    assert report["rss_series"] and all(finite(t) and positive(mb) for t, mb in report["rss_series"])


def check_lighthouse(report: dict[str, Any], content: Content) -> None:
    assert report["lighthouse"] == json.loads((Path(lighthouse.ROOT) / "package.json").read_text())[
        "devDependencies"]["lighthouse"]  # the pinned one ran
    assert report["runs"] == SIZE.lighthouse_runs and list(report["pages"]) == list(lighthouse.PAGES)
    for name, page in report["pages"].items():
        scores = [page[c] for c in lighthouse.CATEGORIES]
        assert all(isinstance(v, int) and 0 <= v <= 100 for v in scores), (name, scores)
        assert len(page["performance_all"]) == SIZE.lighthouse_runs
        assert all(positive(page[k]) for k in ("fcp_ms", "lcp_ms", "si_ms", "kib", "requests")), (name, page)
        assert finite(page["tbt_ms"]) and finite(page["cls"]) and page["lcp_ms"] >= page["fcp_ms"]
        assert page["settings"].startswith("mobile, simulate")  # Lighthouse's own defaults, not ours
    # The first screen is static: none of Streamlit's bundle runs on it, so it is a fraction of
    # the app's own start page's bytes even with the bundle prefetched (not a timing: bytes).
    pages = report["pages"]
    assert pages["KetaCheck first screen /"]["kib"] < pages["KetaCheck start page /start (Streamlit)"]["kib"]
    start = report["start_to_question"]
    assert start["rounds"] == SIZE.start_rounds and list(start["links"]) == [n for n, _ in SIZE.start_links]
    for link, times in start["links"].items():
        assert set(times) == {"cold_ms", "cold_at_once_ms", "warm_ms"}
        assert all(positive(v) for v in times.values()), (link, times)


def check_clicks(report: dict[str, Any], content: Content) -> None:
    assert report["people"] == SIZE.click_people and report["problems"] == []
    assert set(report["bare"]) == {"all clicks", "open", "answer"}
    assert set(report["ketacheck"]) == {"all clicks", "open", "nav", "answer", "answer, to the result"}
    people = SIZE.click_people
    assert report["bare"]["answer"]["clicks"] == people * loadgen.BARE_ANSWERS
    assert report["ketacheck"]["open"]["clicks"] == report["ketacheck"]["answer, to the result"]["clicks"] == people
    assert report["ketacheck"]["nav"]["clicks"] >= 3 * people  # who, prescribed, Start at least
    for page in ("bare", "ketacheck"):
        rows = report[page]
        assert rows["all clicks"]["clicks"] == sum(r["clicks"] for k, r in rows.items() if k != "all clicks")
        # /proc counts 10 ms ticks: a few clicks may all fall between two, so >= 0, not > 0.
        assert all(finite(r["cpu_ms_mean"]) and r["cpu_ms_mean"] >= 0 for r in rows.values())


CHECKS: dict[str, Callable[[dict[str, Any], Content], None]] = {
    "clicks": check_clicks, "lighthouse": check_lighthouse, "engine": check_engine, "latency": check_latency, "levers": check_levers, "cluster": check_cluster,
    "memory": check_memory, "first_load": check_first_load, "soak": check_soak,
}


def test_click_cost_compares_commits_taking_turns(tmp_path: Path):
    """`python -m benchmarks.click_cost A B`: each commit's KetaCheck, unpacked and served beside the
    bare page, measured person by person in turn (how the ninth look in RESULTS.md compared versions)."""
    report = click_cost.measure(1, tmp_path, commits=("HEAD",))
    assert report["pages"] == ["bare", "HEAD"] and report["problems"] == []
    assert set(report["HEAD"]) == {"all clicks", "open", "nav", "answer", "answer, to the result"}
    assert report["HEAD"]["open"]["clicks"] == 1
    assert any(line.startswith("| HEAD | answer |") for line in click_cost.table(report))


def test_every_bench_section_has_a_smoke_check():
    assert set(CHECKS) == set(bench.SECTIONS) == set(bench.RUNNERS)


@pytest.mark.parametrize("section", bench.SECTIONS)
def test_each_section_runs_small_and_reports_its_shape(section: str, tmp_path: Path, content: Content):
    report = bench.RUNNERS[section](tmp_path, SIZE)
    json.dumps(report)  # latest.json must be able to hold it
    CHECKS[section](report, content)
    res = {"machine": bench.machine(), section: report}
    assert bench.failures(res) == []
    table = bench.table(res)  # the table reads every key it prints
    assert table.count("\n## ") >= 1 and "None" not in table.split("\n## ", 1)[1], table


def test_a_failed_person_or_a_wrong_level_anywhere_fails_the_bench():
    ok = {"people": 2, "finished": 2, "errors": 0, "mismatches": 0}
    assert bench.failures({"latency": {"x": {"bare": ok, "ketacheck": ok}}}) == []
    for bad in ({"errors": 1, "error_samples": ["#0: ProtocolError: the result page shows no level"]},
                {"mismatches": 1}, {"finished": 1}):
        found = bench.failures({"cluster": {"runs": {"direct": {"2 people": ok | bad}}}})
        assert len(found) == 1 and found[0].startswith("cluster / runs / direct / 2 people"), found
    assert bench.failures({"memory": {"5 sessions": {"ketacheck": {"problems": ["exception on Check"]}}}})


def test_the_command_runs_a_smoke_section_and_writes_its_results_where_asked(tmp_path: Path):
    assert bench.main(["--smoke", "--only", "engine", "--out", str(tmp_path)]) == 0
    res = json.loads((tmp_path / "latest.json").read_text())
    assert res["size"] == "smoke" and set(res) == {"machine", "quick", "size", "engine"}
    assert "## Engine alone" in (tmp_path / "latest.md").read_text()


TRACE_FAILED = "lighthouse on http://x/: Something went wrong with recording the trace (NO_NAVSTART)"
REFUSED = "lighthouse failed on http://x/ (1): net::ERR_CONNECTION_REFUSED"


@pytest.mark.parametrize(("errors", "result", "runs"), [
    ([TRACE_FAILED, TRACE_FAILED], {"performance": 100}, 3),  # Lighthouse's own trace: run again
    ([TRACE_FAILED] * 3, "NO_NAVSTART", 3),  # the same every time: the bench stops
    ([REFUSED], "REFUSED", 1),  # anything else stops it at once
])
def test_lighthouse_runs_again_only_when_its_own_trace_failed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                               errors: list[str], result: Any, runs: int):
    # A trace Lighthouse could not record (NO_NAVSTART, seen in CI) says nothing about the page.
    left = list(errors)
    calls: list[str] = []

    def once(url: str, out: Path) -> dict[str, Any]:
        calls.append(url)
        if left:
            raise RuntimeError(left.pop(0))
        return {"performance": 100}

    monkeypatch.setattr(lighthouse, "_run_lighthouse_once", once)
    if isinstance(result, dict):
        assert lighthouse.run_lighthouse("http://x/", tmp_path / "r.json") == result
    else:
        with pytest.raises(RuntimeError, match=result):
            lighthouse.run_lighthouse("http://x/", tmp_path / "r.json")
    assert len(calls) == runs

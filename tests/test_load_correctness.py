"""Thirty people at once on the real server, over Streamlit's own WebSocket protocol
(`benchmarks/loadgen.py`): every one finishes a whole check by clicking, sees the tier the engine
gives for their own answers (answers never cross sessions), and the server lets go of every
session after they leave.

How "lets go" is checked without any debug route: the server is started with a short
`server.disconnectedSessionTTL`; after it has passed, each person's session id is offered back the
way the browser reconnects (3rd Sec-WebSocket-Protocol entry). A session the server still holds,
active or stored for reconnect, would be resumed under the same id; a dropped one yields a new id.
A control first shows that a just-closed session *is* resumed, so the check can see a held session.

The server is started as `make run` starts it (`python serve.py`, the project's
`.streamlit/config.toml`), only with the short session TTL. Answers are clicked inside the check
page's fragment exactly as the browser sends them (with the fragment's id), so fragment reruns,
and the safety fragment a red-flag answer reruns beside the question, are both exercised.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks import loadgen, protocol
from benchmarks.servers import ServerProcess
from ketacheck import loader, scoring, submission

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 30
SESSION_TTL_S = 3
START_TIMEOUT_S = 45


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = ServerProcess(tmp_path_factory.mktemp("load"), options={
        "server.disconnectedSessionTTL": str(SESSION_TTL_S),
    })
    try:
        server.start(timeout=START_TIMEOUT_S)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server.url
    finally:
        server.stop()


def test_thirty_people_at_once_each_see_the_tier_of_their_own_answers(server_url: str) -> None:
    content = loader.load()
    people = loadgen.plan_people(PEOPLE, audience="mix", prescribed="mix", seed=20260517)
    assert {(p.audience, p.prescribed) for p in people} == {
        (a, rx) for a in ("self", "other", "intake") for rx in (False, True)
    }

    report = asyncio.run(loadgen.run_load(server_url, people, content=content, timeout=30))
    summary = report.summary()
    print(report.text())

    assert not report.errors, summary["error_samples"]
    assert summary["finished"] == PEOPLE
    assert not report.mismatches, summary["mismatch_samples"]
    for result in report.results:
        assert result.shown_tier == result.expected_tier
        # Each person answered exactly their stage: the core (intake: the core and every module).
        sub = submission.parse({"audience": result.audience, "prescribed": result.prescribed,
                                "answers": result.answers}, content)
        stage = content.flow(result.audience, result.prescribed) if result.audience == "intake" \
            else content.core(result.audience, result.prescribed)
        asked = {i.id for i in stage if scoring.visible(i, sub.answers, content)}
        assert set(result.answers) == asked, f"#{result.index} answered {sorted(set(result.answers) ^ asked)} wrongly"
    # Everyone answered differently, so a crossed answer would change someone's tier or answers.
    assert summary["distinct_answer_sets"] == PEOPLE
    assert len({r.session_id for r in report.results}) == PEOPLE
    assert len(summary["tiers_shown"]) >= 3, summary["tiers_shown"]

    # Cleanup, control first: a session closed a moment ago is still held (kept for reconnect) ...
    async def close_one() -> str:
        async with protocol.StreamlitSession(server_url) as s:
            await s.rerun()
            assert s.session_id
            return s.session_id

    control = asyncio.run(close_one())
    assert asyncio.run(protocol.session_still_held(server_url, control)), "the reconnect probe cannot see held sessions"

    # ... and once the TTL has passed, none of the 30 (nor the control) is held any more.
    time.sleep(SESSION_TTL_S + 1.5)

    async def probe_all() -> list[bool]:
        ids = [r.session_id for r in report.results] + [control]
        return list(await asyncio.gather(*(protocol.session_still_held(server_url, sid) for sid in ids)))

    held = asyncio.run(probe_all())
    assert not any(held), f"{sum(held)} sessions still held after the TTL"


def test_a_red_flag_answer_brings_the_help_in_the_same_single_run_and_leaves_the_rest_of_the_page(
        server_url: str) -> None:
    """The emergency panel replaces the crisis line at the top the moment a red flag is answered,
    and goes when it is taken back, each in one run of the question and the page's safety fragment
    (it was a whole-page run, the slowest kind of answer); the quick exit and page links stay."""
    content = loader.load()
    item = content.core("self", False)[0]
    flagged = next(o for o in item.options if o.red_flag and not o.exclusive)
    flags = scoring.score(submission.parse({"audience": "self", "prescribed": False,
                                            "answers": {item.id: [flagged.value]}}, content), content).red_flags
    emergency = any(f.urgency == "emergency" for f in flags)

    async def go() -> None:
        tab = protocol.StreamlitSession(server_url, timeout=30)
        tab.url_path = "start"
        try:
            await tab.connect()
            await tab.rerun()
            for key in ("pick_audience_self", "pick_prescribed_False", "start_check"):
                await tab.click(key)
            assert tab.page_name == "Check" and f"answer_{item.id}_{flagged.value}" in tab.buttons()
            assert tab.keyed_block("crisis_line") and not tab.keyed_block("emergency_panel")

            stats = await tab.click(f"answer_{item.id}_{flagged.value}")  # ticked: a red flag
            assert len(stats.fragments) == 2  # the question and the safety fragment, not the whole page
            assert tab.keyed_block("emergency_panel") and not tab.keyed_block("crisis_line")
            assert ("h2", "Get help now" if emergency else "Get help today") in tab.headings()
            assert "quick_exit" in tab.buttons() and tab.elements_in("page_links")
            assert tab.buttons()[f"answer_{item.id}_{flagged.value}"].type == "primary"  # shown as chosen

            stats = await tab.click(f"answer_{item.id}_{flagged.value}")  # taken back
            assert len(stats.fragments) == 2
            assert tab.keyed_block("crisis_line") and not tab.keyed_block("emergency_panel")
            assert "quick_exit" in tab.buttons() and tab.elements_in("page_links")
        finally:
            await tab.close()

    asyncio.run(go())

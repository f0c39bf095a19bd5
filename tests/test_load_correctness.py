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
page's fragment exactly as the browser sends them (the question element's events, with the
fragment's id: `loadgen.tap`), so fragment reruns, and the safety fragment a red-flag answer reruns
beside the question, are both exercised.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
            key = f"answer_{item.id}_{flagged.value}"
            assert tab.page_name == "Check" and key in loadgen.controls(tab)
            assert tab.keyed_block("crisis_line") and not tab.keyed_block("emergency_panel")
            assert not _chosen(tab, key)

            stats = await loadgen.tap(tab, key)  # ticked: a red flag
            assert len(stats.fragments) == 2  # the question and the safety fragment, not the whole page
            assert tab.keyed_block("emergency_panel") and not tab.keyed_block("crisis_line")
            assert ("h2", "Get help now" if emergency else "Get help today") in tab.headings()
            assert "quick_exit" in tab.buttons() and tab.elements_in("page_links")
            assert _chosen(tab, key)  # shown as chosen

            stats = await loadgen.tap(tab, key)  # taken back
            assert len(stats.fragments) == 2
            assert tab.keyed_block("crisis_line") and not tab.keyed_block("emergency_panel")
            assert "quick_exit" in tab.buttons() and tab.elements_in("page_links")
            assert not _chosen(tab, key)
        finally:
            await tab.close()

    asyncio.run(go())


def _chosen(tab: protocol.StreamlitSession, key: str) -> bool:
    """The question's answer with that key is shown as chosen."""
    data = loadgen.question_data(tab)
    assert data is not None, "no question on screen"
    option = next((o for o in data["options"] if o["key"] == key), None)
    assert option is not None, f"no answer {key!r} on screen"
    return option["chosen"]


def _screen(tab: protocol.StreamlitSession) -> list[tuple]:
    """What the person sees of the buttons, headings and the question element, in page order: a
    button's key, label, kind, on or off; the question's data (its words, progress, answers and
    which are chosen, its controls and which are on). Not the copy of the check it hands to the
    tab's storage: that is sent only when it changed, so a second run rightly carries none."""
    out: list[tuple] = []
    for path in sorted(tab.elements):
        element = tab.elements[path]
        kind = element.WhichOneof("type")
        if kind == "button":
            b = element.button
            out.append((protocol.user_key(b.id), b.label, b.type, b.disabled, b.help))
        elif kind == "heading":
            out.append(("heading", element.heading.body))
        elif kind == "bidi_component" and protocol.user_key(element.bidi_component.id) == loadgen.QUESTION_VIEW:
            data = json.loads(element.bidi_component.bytes)
            data.pop("copy")
            out.append((loadgen.QUESTION_VIEW, json.dumps(data, sort_keys=True)))
    return out


def test_after_every_kind_of_tap_the_page_is_what_a_whole_page_run_draws(server_url: str) -> None:
    """An answer reruns the question's fragment alone, or with the safety fragment above it
    (question.py), and leaves the rest of the page as it was. Whatever the tap (an answer, a tick
    and its take-back, Back, Next over an answered question, a change of answer in a review,
    "Review my answers" at the end of the questions, "Clear my answers"), the page the browser then
    shows must be exactly what a run of the whole page draws: a stale part (Next still off, Back on
    at the first question, the old question still up after Clear) would show here."""
    content = loader.load()
    core = content.core("self", False)
    multiple = next(i for i in core[1:] if i.multiple)  # one reached after a few answers

    async def go() -> None:
        tab = protocol.StreamlitSession(server_url, timeout=30)
        tab.url_path = "start"
        checked: list[str] = []

        async def tap(key: str) -> None:
            await loadgen.tap(tab, key)
            seen = _screen(tab)
            await tab.rerun()  # the same session's whole page, drawn afresh
            assert _screen(tab) == seen, f"after {key!r} the page differs from a whole-page run"
            checked.append(key)

        def current() -> str:
            data = loadgen.question_data(tab)
            assert data is not None, "no question on screen"
            items = {_item_of(k) for k in loadgen.controls(tab) if k.startswith("answer_")}
            assert items == {data["item"]}, items
            return data["item"]

        try:
            await tab.connect()
            await tab.rerun()
            for key in ("pick_audience_self", "pick_prescribed_False", "start_check"):
                await tab.click(key)
            assert tab.page_name == "Check"
            await tap(f"answer_{current()}_0")  # the first answer: Back comes on, Clear appears
            await tap(f"answer_{current()}_1")
            await tap("nav_back")
            await tap("nav_back")  # the first question again: Back off, Next on (it is answered)
            await tap("nav_next")
            await tap("nav_next")  # past the answered ones, to the first unanswered: Next off
            while current() != multiple.id:
                await tap(f"answer_{current()}_0")
            option = next(o for o in multiple.options if not o.exclusive and not o.red_flag)
            await tap(f"answer_{multiple.id}_{option.value}")  # ticked: Continue comes on
            await tap(f"answer_{multiple.id}_{option.value}")  # taken back: Continue off again
            await tap(f"answer_{multiple.id}_{option.value}")
            await tap("nav_next")
            await tap("nav_back")  # back to the ticked question in a review
            while tab.page_name == "Check" and "see_result" not in tab.buttons():
                item = content.items[current()]
                if item.multiple:
                    none = next(o for o in item.options if o.exclusive)
                    await tap(f"answer_{item.id}_{none.value}")
                else:
                    await tap(f"answer_{item.id}_{min(o.value for o in item.options if not o.red_flag)}")
            assert tab.page_name == "Result"
            # Back to the check: the end of the questions, then "Review my answers" (Back, Next return).
            await _show(tab, "Check")
            await tap("review")
            await tap("nav_next")
            await tap("clear_answers")  # the whole check goes: no question is left to answer
            assert loadgen.question_data(tab) is None
            assert not [k for k in loadgen.controls(tab) if k.startswith("answer_")]
        finally:
            await tab.close()
        # The last answer goes to the result by itself; every tap on the way was checked.
        assert len(checked) >= len(core), checked

    asyncio.run(go())


def test_a_double_tap_over_the_wire_answers_once(server_url: str) -> None:
    """The browser sends a second tap before the new question is drawn: it names the question just
    answered, and the server drops it (the next question is not answered with it, the answered one
    not changed), and a value no question offers is dropped too, in the fragment as sent."""
    content = loader.load()
    first, second = content.core("self", False)[:2]
    assert first.multiple and not second.multiple
    none = next(o for o in first.options if o.exclusive)

    async def go() -> None:
        tab = protocol.StreamlitSession(server_url, timeout=30)
        tab.url_path = "start"
        try:
            await tab.connect()
            await tab.rerun()
            for key in ("pick_audience_self", "pick_prescribed_False", "start_check"):
                await tab.click(key)
            await loadgen.tap(tab, f"answer_{first.id}_{none.value}")
            data = loadgen.question_data(tab)
            assert data["item"] == second.id and not [o for o in data["options"] if o["chosen"]]
            seen = _screen(tab)
            for value in [o.value for o in second.options] + [none.value]:  # the second tap, on the old screen
                await tab.component_event(loadgen.QUESTION_VIEW, "answer", {"item": first.id, "value": value})
                assert _screen(tab) == seen, value
            await tab.component_event(loadgen.QUESTION_VIEW, "answer",
                                      {"item": second.id, "value": max(o.value for o in second.options) + 1})
            assert _screen(tab) == seen
            await tab.rerun()  # the whole page agrees: nothing was stored
            assert _screen(tab) == seen
            await loadgen.tap(tab, "nav_back")  # the first question keeps its one answer
            assert [o["key"] for o in loadgen.question_data(tab)["options"] if o["chosen"]] == [
                f"answer_{first.id}_{none.value}"]
        finally:
            await tab.close()

    asyncio.run(go())


def _item_of(key: str) -> str:
    return loadgen.parse_answer_key(key)[0]


def test_people_who_start_on_the_first_screen_reach_the_check_with_their_choices(server_url: str) -> None:
    """The way people now arrive (the load generator's `first_screen`): the static first screen, then
    the check, or for an intake the start page with its modules, whose new session takes the choices
    from the tab copy (one event from tab_copy.js). No choice tapped again in the app (an intake taps
    Start only), the region and sex as chosen, an intake's every module asked, and each sees the
    level of their own answers."""
    content = loader.load()
    people = loadgen.plan_people(9, audience="mix", prescribed="mix", seed=11)
    assert {p.audience for p in people} == {"self", "other", "intake"}
    report = asyncio.run(loadgen.run_load(server_url, people, content=content, timeout=30, first_screen=True))
    assert not report.errors and not report.mismatches, report.summary()["error_samples"]
    for result in report.results:
        assert result.finished and result.shown_tier == result.expected_tier
        assert len(result.nav_rtts) == (1 if result.audience == "intake" else 0)  # Start, nothing else
        assert result.region == content.region_for_locale(result.locale)
        modules = tuple(m.id for m in content.modules_for(result.audience, result.prescribed)) \
            if result.audience == "intake" else ()
        asked = content.flow(result.audience, result.prescribed, modules)
        assert set(result.answers) == {i.id for i in asked if scoring.visible(i, submission.parse({
            "audience": result.audience, "prescribed": result.prescribed,
            "answers": result.answers}, content).answers, content)}


async def _from_first_screen(server_url: str, person: loadgen.Person, content: Any) -> protocol.StreamlitSession:
    """A tab the first screen opened, as the load generator's people arrive: the check, or for an
    intake the start page, its choices back from the tab copy (the caller closes it)."""
    tab = protocol.StreamlitSession(server_url, locale=person.locale, timeout=30)
    res = loadgen.PersonResult(person.index, person.audience, person.prescribed, person.sex or "unspecified", person.locale)
    await loadgen._from_first_screen(tab, res, person, content, meter=None)
    return tab


async def _show(tab: protocol.StreamlitSession, page: str) -> None:
    """Go to `page` ("Check", "Result") by its page link, as a tap on it does."""
    tab.page_script_hash = next(h for h, p in tab.pages.items() if p.page_name.startswith(page))
    await tab.rerun()


async def _left_at_once(tab: protocol.StreamlitSession, tap: protocol.RunStats, key: str) -> None:
    """The tap on `key` sent its new page and its first run's start and end, nothing of the page it
    left: no element or block before the switch, and as many messages as a run of the new page by
    itself, give or take that bookkeeping. Whether the first run's start (two status changes, the
    new session, the page config, the page list and its early end: 6) reaches the browser before
    the switch depends on when the event loop flushes."""
    whole = await tab.rerun()  # the same page, drawn by a run of its own
    assert tap.runs == 2 and tap.superseded == 0 and tap.messages - whole.messages <= 6, (
        key, tap.runs, tap.superseded, tap.messages, whole.messages)


def test_an_intakes_start_opens_the_check_without_drawing_the_start_page_again(server_url: str) -> None:
    """An intake arrives on the start page with every module on (from the first screen) and taps
    Start: the run that tap starts goes to the check before drawing anything, so the tap sends one
    check page and that run's own start and end, not the start page's choices again (36 messages
    before, 27 now, for a 23-message check page), and the check opens at its first question."""
    content = loader.load()
    person = next(p for p in loadgen.plan_people(50, seed=11) if p.audience == "intake")

    async def main() -> None:
        tab = await _from_first_screen(server_url, person, content)
        try:
            assert tab.page_name == "Start" and "start_check" in tab.buttons()
            start = await tab.click("start_check")
            assert tab.page_name == "Check"
            shown = loadgen.question_data(tab)
            assert shown is not None and shown["item"] == content.core("intake", person.prescribed)[0].id
            await _left_at_once(tab, start, "start_check")
        finally:
            await tab.close()

    asyncio.run(main())


def test_a_tap_that_leaves_the_result_page_opens_its_page_without_drawing_the_result_again(server_url: str) -> None:
    """"See all help for this result" and a deeper module are taps on the result page, the app's
    costliest: the run each starts opens where it leads before the result is drawn again, so the tap
    sends that page and the run's own start and end, nothing of the result. Help shows the help, and
    the module opens at its first question."""
    content = loader.load()
    person = next(p for p in loadgen.plan_people(50, seed=11) if p.audience == "self" and not p.prescribed)
    sds = [i.id for i in content.flow("self", False, ("sds",)) if content.module_of[i.id] == "sds"]

    async def main() -> None:
        tab = await _from_first_screen(server_url, person, content)
        try:
            while tab.page_name == "Check":
                data = loadgen.question_data(tab)
                item = content.items[data["item"]]
                option = next(o for o in item.options if not o.red_flag and not (item.multiple and not o.exclusive))
                await loadgen.tap(tab, f"answer_{item.id}_{option.value}")
            assert tab.page_name == "Result" and {"to_help", "module_sds"} <= set(tab.buttons())
            for key, page in (("to_help", "Help"), ("module_sds", "Check")):
                tap = await tab.click(key)
                assert tab.page_name == page, (key, tab.page_name)
                if key == "to_help":
                    words = " ".join(protocol.text_of(e) or "" for e in tab.elements.values())
                    assert "If you need help now" in words, words
                else:
                    assert loadgen.question_data(tab)["item"] == sds[0]
                await _left_at_once(tab, tap, key)
                await _show(tab, "Result")
        finally:
            await tab.close()

    asyncio.run(main())


def test_the_check_opened_from_the_first_screen_is_drawn_once_in_the_persons_language(server_url: str) -> None:
    """The first screen's choices come to the check's new session as one event from the tab: the
    check is drawn once, already in the chosen language with the first question (not drawn in
    English, dropped, and drawn again); a copy made under other content is refused in that same
    run, saying why. While the copy is on its way the page shows what keeps the person safe (the
    quick exit, the emergency number) and that the check is opening; the page links and the
    language switch come with the check."""
    content = loader.load(language="es")
    mexico = next(r for r in content.regions["MX"].resources if r.type == "emergency")

    async def open_check(copy: dict) -> protocol.StreamlitSession:
        tab = protocol.StreamlitSession(server_url, timeout=30, locale="es-MX")
        tab.url_path = "check"
        await tab.connect()
        await tab.rerun()
        waiting = " ".join(protocol.text_of(e) or "" for e in tab.elements.values())
        assert "quick_exit" in tab.buttons() and mexico.phone in waiting, waiting
        assert "Abriendo la revisión" in waiting, waiting  # in the browser's language, as before
        assert tab.keyed_block("page_links") is None and "language_switch" not in tab.widgets("selectbox")
        stats = await tab.component_event("tab_copy", "restore", json.dumps(copy))
        assert stats.runs == 1, f"{stats.runs} runs to open the check"
        assert "quick_exit" in tab.buttons() and tab.keyed_block("page_links") is not None
        assert "language_switch" in tab.widgets("selectbox"), "no language switch on the check"
        return tab

    async def main() -> None:
        choices = {"audience": "self", "prescribed": False, "region": "MX", "sex": "unspecified", "answers": {},
                   "plan": [], "modules": [], "current": None, "finished": False, "content": content.version,
                   "language": "es"}
        tab = await open_check(choices)
        shown = loadgen.question_data(tab)
        first = content.core("self", False)[0]
        assert shown is not None and shown["item"] == first.id
        assert shown["progress_text"].startswith("Comprobación básica: pregunta 1 de")
        await tab.close()
        tab = await open_check({**choices, "content": "another version"})
        assert loadgen.question_data(tab) is None
        words = " ".join(protocol.text_of(e) or "" for e in tab.elements.values())
        assert "could not be used" in words or "no se pudieron usar" in words, words
        await tab.close()

    asyncio.run(main())

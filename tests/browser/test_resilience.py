"""A check survives the server dying (kill -9) and coming back: the same tab returns to the same
question with its answers and says so, and help stays on screen while it is down. Leaving leaves
nothing behind in the browser, and a refused import never shows the file before it (nor its error
the good file after it)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from benchmarks.servers import ServerProcess
from ketacheck import export, scoring, submission
from ketacheck.loader import Content
from ketacheck.web.pwa import QUICK_EXIT_URL

from .conftest import (
    PHONE,
    PROGRESS,
    answer,
    button,
    click_to,
    current_question,
    go_to,
    mixed_answers,
    start_check,
    wait_for_app,
)
from .test_safety import route_exit_to_a_stub

KEPT = "() => sessionStorage.getItem('ketacheck.check')"


def test_a_crash_mid_check_brings_the_same_tab_back_with_its_answers(
        browser: Browser, server_factory: Callable[[], ServerProcess], content: Content):
    first = server_factory()
    second: ServerProcess | None = None
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        start_check(page, first.url, content, audience="self", region="UK")
        for _ in range(6):
            item = current_question(page, content)
            answer(page, item, mixed_answers(item))
        click_to(page, "result_so_far", first.url, "/result")
        main = page.get_by_test_id("stMain")
        before_level = main.locator("h1").first.inner_text()
        before_basis = main.get_by_text("Based on ").first.inner_text()
        go_to(page, "Check")
        question = current_question(page, content)
        progress = page.locator(PROGRESS).inner_text()
        kept = json.loads(page.evaluate(KEPT))
        assert len(kept["answers"]) == 6 and kept["current"] == question.id

        first.kill()  # kill -9, mid-check
        banner = page.locator(".kc-offline")
        banner.wait_for(timeout=20_000)
        # While it is down: help on screen, not Streamlit's "Are you connected to the internet?".
        text = banner.inner_text()
        assert "Your answers are kept in this tab" in text
        assert banner.locator("a[href='tel:999']").count() == 1 and banner.locator("a[href='tel:116123']").count() == 1
        assert banner.locator("a[href='/offline.html']").is_visible()
        assert banner.get_by_role("button", name="Leave this site quickly").is_visible()
        page.wait_for_timeout(3000)
        assert page.locator('[role="dialog"]').count() == 0

        second = ServerProcess(first.stdout_path.parent, port=first.port, name="restarted").start()
        page.get_by_text("We reconnected; your answers are still here.").first.wait_for(timeout=60_000)
        wait_for_app(page)
        assert banner.count() == 0
        assert current_question(page, content).id == question.id
        assert page.locator(PROGRESS).inner_text() == progress
        go_to(page, "Result")
        assert main.locator("h1").first.inner_text() == before_level
        assert main.get_by_text("Based on ").first.inner_text() == before_basis
        doc = {k: kept[k] for k in ("audience", "prescribed", "region", "sex", "answers")}
        assert scoring.score(submission.parse(doc, content), content).tier_label == before_level
    finally:
        context.close()
        if second is not None:
            second.stop()


DROPPED = "The answers kept in this tab could not be used"


@pytest.mark.parametrize("tamper", [
    lambda c: json.dumps(c | {"answers": {**c["answers"], "crav.urges": "<script>alert(1)</script>"}}),
    lambda c: "[" * 1000,  # used to raise RecursionError on every page load, for good
    lambda c: json.dumps(c | {"content": "0123456789ab"}),  # made under other content (a rolling upgrade)
    lambda c: json.dumps(c | {"pad": "x" * 600_000}),  # larger than any message the server takes
], ids=["tampered", "nested", "other-content", "oversized"])
def test_a_copy_that_does_not_check_out_is_dropped_with_a_message_and_the_tab_works(
        page: Page, server: str, content: Content, tamper):
    start_check(page, server, content, audience="self")
    answer(page, current_question(page, content), [0])
    page.wait_for_function("() => (JSON.parse(sessionStorage.getItem('ketacheck.check')) || {answers: {}}).answers['safety.now']")
    bad = tamper(json.loads(page.evaluate(KEPT)))
    # Changed where the app cannot write over it (the offline card is a page of the same origin,
    # so the same tab's storage), then the app opened again.
    page.goto(server + "/offline.html")
    page.evaluate("(text) => sessionStorage.setItem('ketacheck.check', text)", bad)
    page.goto(server + "/start")
    main = page.get_by_test_id("stMain")
    main.get_by_text(DROPPED).wait_for()
    wait_for_app(page)
    assert page.get_by_text("We reconnected").count() == 0
    assert button(page, "pick_audience_self").is_visible()  # the start, with nothing chosen
    assert button(page, "clear_answers").count() == 0  # and nothing restored
    page.wait_for_function("() => sessionStorage.getItem('ketacheck.check') === null")  # dropped
    # The tab works: after a reload there is nothing to drop, and the check starts.
    page.reload()
    wait_for_app(page)
    assert main.get_by_text(DROPPED).count() == 0
    start_check(page, server, content, audience="self")
    assert current_question(page, content) is not None


def test_a_copy_claiming_to_be_finished_after_one_answer_comes_back_at_its_question(
        page: Page, server: str, content: Content):
    # Issue 21: a forged "finished": true made the page say "You have answered every question".
    start_check(page, server, content, audience="self")
    answer(page, current_question(page, content), [0])
    page.wait_for_function("() => (JSON.parse(sessionStorage.getItem('ketacheck.check')) || {answers: {}}).answers['safety.now']")
    copy = json.loads(page.evaluate(KEPT))
    question = copy["current"]
    assert copy["finished"] is False and len(copy["answers"]) == 1
    page.goto(server + "/offline.html")
    page.evaluate("(text) => sessionStorage.setItem('ketacheck.check', text)", json.dumps(copy | {"finished": True}))
    page.goto(server + "/check")  # the app (/ is the static first screen)
    main = page.get_by_test_id("stMain")
    main.get_by_text("We reconnected; your answers are still here.").first.wait_for()
    wait_for_app(page)
    go_to(page, "Check")
    assert main.get_by_text("You have answered every question").count() == 0
    assert current_question(page, content).id == question  # the next question, as before
    page.wait_for_function("() => JSON.parse(sessionStorage.getItem('ketacheck.check')).finished === false")


def test_a_reload_keeps_the_answers(page: Page, server: str, content: Content):
    start_check(page, server, content, audience="other")
    for _ in range(3):
        item = current_question(page, content)
        answer(page, item, mixed_answers(item))
    question = current_question(page, content).id
    page.reload()
    page.get_by_text("We reconnected; your answers are still here.").first.wait_for()
    wait_for_app(page)
    assert current_question(page, content).id == question
    page.wait_for_timeout(1500)  # long enough to read: it stays until the check moves on
    assert page.locator(".st-key-announce_restored").get_by_text("We reconnected").is_visible()


# ------------------------------------------------------------------ leaving leaves nothing

STORAGE = """async () => ({
  local: Object.keys(localStorage), session: Object.keys(sessionStorage),
  caches: 'caches' in window ? await caches.keys() : [],
  workers: navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0,
})"""


@pytest.mark.parametrize("how", ["button", "shift"])
def test_leaving_leaves_no_page_to_go_back_to_and_nothing_stored(
        browser: Browser, server: str, content: Content, how: str):
    context: BrowserContext = browser.new_context(**PHONE)
    route_exit_to_a_stub(context)
    page = context.new_page()
    try:
        start_check(page, server, content, audience="self")
        answer(page, current_question(page, content), [0])
        for title in ("Result", "Help", "Learn", "Check"):  # page changes that used to add history
            go_to(page, title)
        assert page.evaluate("() => history.length") == 2  # about:blank, then the one KetaCheck entry
        page.evaluate("() => navigator.serviceWorker && navigator.serviceWorker.ready")
        before = page.evaluate(STORAGE)
        assert before["session"] == ["ketacheck.check"] and before["local"]  # there was something to clear
        if how == "button":
            button(page, "quick_exit").click()
        else:
            page.get_by_test_id("stMain").focus()
            for _ in range(3):
                page.keyboard.press("Shift")
        page.wait_for_url(QUICK_EXIT_URL)
        page.go_back()
        page.wait_for_load_state()
        assert not page.url.startswith(server), f"Back returned to KetaCheck: {page.url}"
        assert not [c for c in context.cookies(server)], context.cookies(server)
        # What the site's origin still holds, read from its static help card (no scripts of ours run there).
        probe = context.new_page()
        probe.goto(server + "/offline.html")
        left = probe.evaluate(STORAGE)
        assert left == {"local": [], "session": [], "caches": [], "workers": 0}, left
    finally:
        context.close()


# ------------------------------------------------------------------ a refused import


def test_a_refused_file_clears_the_earlier_summary(page: Page, server: str, content: Content):
    sub = submission.parse({"audience": "intake", "answers": {"crav.urges": 4, "esc.frequency": 3}}, content)
    valid = json.dumps(export.to_json(sub, scoring.score(sub, content), content)).encode()
    start_check(page, server, content, audience="intake")
    go_to(page, "Clinician")
    uploader = page.locator(".st-key-import_file input[type=file]")
    summary = page.locator(".st-key-imported")
    for name, mime, data in (("photo.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"0" * 100),
                             ("big.json", "application/json", b"{" + b" " * 1_200_000 + b"}"),
                             ("huge.json", "application/json", b"{" + b" " * 5_000_000 + b"}")):
        uploader.set_input_files(files=[{"name": "brought.json", "mimeType": "application/json", "buffer": valid}])
        wait_for_app(page)
        summary.wait_for()
        assert "Showing the file 'brought.json'" in summary.inner_text()
        uploader.set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
        wait_for_app(page)
        page.wait_for_timeout(300)
        assert summary.count() == 0 or not summary.is_visible(), name
        page.get_by_test_id("stMain").get_by_text("Every answer").wait_for(state="hidden")


def test_a_good_file_after_a_refused_one_shows_its_summary_and_drops_the_old_error(
        page: Page, server: str, content: Content):
    # Issue 21: the uploader kept "File must be 4.0MB or smaller." on screen under the next, good
    # file, and the page's own guard then hid that good file's summary.
    sub = submission.parse({"audience": "intake", "answers": {"crav.urges": 4, "esc.frequency": 3}}, content)
    valid = json.dumps(export.to_json(sub, scoring.score(sub, content), content)).encode()
    huge = b"{" + b" " * 5_000_000 + b"}"
    start_check(page, server, content, audience="intake")
    go_to(page, "Clinician")
    uploader = page.locator(".st-key-import_file input[type=file]")
    chips = page.locator(".st-key-import_file [data-testid='stFileChip']")
    error = page.locator(".st-key-import_file").get_by_text("File must be 4.0MB or smaller.")
    summary = page.locator(".st-key-imported")
    for refused, good in (("huge.json", "brought.json"), ("huge-again.json", "second.json")):
        uploader.set_input_files(files=[{"name": refused, "mimeType": "application/json", "buffer": huge}])
        error.wait_for()  # refused in the browser, with the reason
        assert summary.count() == 0 or not summary.is_visible(), refused
        uploader.set_input_files(files=[{"name": good, "mimeType": "application/json", "buffer": valid}])
        wait_for_app(page)
        summary.get_by_text(f"Showing the file '{good}', not this session.").wait_for()  # visible
        error.wait_for(state="detached")
        assert chips.count() == 1 and good in chips.first.inner_text(), chips.all_inner_texts()
        assert summary.get_by_role("heading", name="Every answer").is_visible()


@pytest.mark.parametrize("code", [["crav.urges:3"], 3], ids=["list", "number"])
def test_a_fhir_file_with_a_malformed_code_gets_a_problem_line_and_the_page_keeps_its_buttons(
        page: Page, server: str, content: Content, code):
    # Issue 21: a valueCoding.code that is a list or a number made the clinician page lose its
    # Finish and Clear buttons (a traceback ended the page's run).
    sub = submission.parse({"audience": "intake", "answers": {"crav.urges": 3}}, content)
    doc = export.fhir_questionnaire_response(sub, scoring.score(sub, content), content)
    for item in doc["item"]:
        if item["linkId"] == "crav.urges":
            item["answer"][0]["valueCoding"]["code"] = code
    start_check(page, server, content, audience="intake")
    answer(page, current_question(page, content), [0])  # this session has answers to clear
    go_to(page, "Clinician")
    page.locator(".st-key-import_file input[type=file]").set_input_files(
        files=[{"name": "brought.json", "mimeType": "application/json", "buffer": json.dumps(doc).encode()}])
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    main.get_by_text(f"item 'crav.urges': valueCoding.code must be text (got {json.dumps(code)})").wait_for()
    assert main.get_by_text("cannot be read").first.is_visible()
    assert page.get_by_test_id("stException").count() == 0
    assert page.locator(".st-key-imported").count() == 0  # nothing from the file is shown
    for key in ("finish_clear", "clear_answers", "quick_exit"):
        assert button(page, key).is_visible(), key
    click_to(page, "finish_clear", server, "/start")  # and Finish and clear still works
    assert button(page, "pick_audience_self").is_visible()
    page.wait_for_function("() => sessionStorage.getItem('ketacheck.check') === null")

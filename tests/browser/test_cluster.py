"""A replica's death loses no check: on a phone, through `make cluster` (HAProxy, two replicas), the
replica holding the person's session is killed mid-check; the tab moves to the other replica, says
it reconnected, and the person finishes with the same answers and the same result as someone who
was never interrupted. A rolling restart (`kill -HUP`) moves an open tab once, to the same replica
name's new process, and the check goes on; Leave expires every cookie."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from benchmarks.cluster import ClusterProcess
from ketacheck import scoring, submission
from ketacheck.loader import Content

from .conftest import (PHONE, PROGRESS, answer, complete_check, current_question, mixed_answers, start_check,
                       wait_for_app)

COOKIE = "kc_replica"
KEPT = "() => sessionStorage.getItem('ketacheck.check')"
RECONNECTED = "We reconnected; your answers are still here."


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterProcess]:
    # Draining waits as long as `make cluster` does by default (10 s) for a tab to leave on its own.
    with ClusterProcess(tmp_path_factory.mktemp("cluster"), replicas=2, drain_timeout=10) as running:
        yield running


def replica_of(context: BrowserContext, url: str) -> str:
    (value,) = [c["value"] for c in context.cookies(url) if c["name"] == COOKIE]
    return value


def result_tier(page: Page) -> str:
    return page.get_by_test_id("stMain").locator("h1").first.inner_text()


def test_the_replica_holding_a_check_dies_and_the_person_finishes_on_the_other(
        browser: Browser, cluster: ClusterProcess, content: Content):
    # The reference: the same person, never interrupted.
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        start_check(page, cluster.url, content, audience="self", region="UK")
        reference = complete_check(page, content)
        reference_tier = result_tier(page)
    finally:
        context.close()

    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        start_check(page, cluster.url, content, audience="self", region="UK")
        answers = {}
        for _ in range(6):
            item = current_question(page, content)
            answers[item.id] = mixed_answers(item)
            answer(page, item, answers[item.id])
        question = current_question(page, content)
        progress = page.locator(PROGRESS).inner_text()

        holder = replica_of(context, cluster.url)
        other = next(r["name"] for r in cluster.state()["replicas"] if r["name"] != holder)
        os.kill(cluster.replica(holder)["pid"], signal.SIGKILL)  # mid-check, no warning

        told = page.get_by_test_id("stMain").get_by_text(RECONNECTED).first
        told.wait_for(timeout=60_000)  # the person is told
        wait_for_app(page)
        assert told.is_visible()  # and it stays long enough to read
        assert replica_of(context, cluster.url) == other  # HAProxy moved the tab
        assert current_question(page, content).id == question.id  # the same question
        assert page.locator(PROGRESS).inner_text() == progress
        assert json.loads(page.evaluate(KEPT))["answers"].keys() == answers.keys()

        complete_check(page, content, answers=answers)
        assert replica_of(context, cluster.url) == other  # and stayed there
        assert answers == reference
        assert result_tier(page) == reference_tier
        # The engine agrees, from the tab's own copy of the finished check.
        kept = json.loads(page.evaluate(KEPT))
        doc = {k: kept[k] for k in ("audience", "prescribed", "region", "sex", "answers")}
        assert scoring.score(submission.parse(doc, content), content).tier_label == reference_tier
    finally:
        context.close()
    assert f"{holder} died (signal 9)" in cluster.output()


def test_leave_expires_every_cookie_the_httponly_one_too(browser: Browser, cluster: ClusterProcess, content: Content):
    from .conftest import button
    from .test_safety import route_exit_to_a_stub
    from ketacheck.web.pwa import QUICK_EXIT_URL

    context = browser.new_context(**PHONE)
    route_exit_to_a_stub(context)
    try:
        page = context.new_page()
        start_check(page, cluster.url, content, audience="self")
        answer(page, current_question(page, content), [0])
        before = {c["name"]: c for c in context.cookies(cluster.url)}
        assert before[COOKIE]["httpOnly"]  # out of reach of the page's scripts
        button(page, "quick_exit").click()
        page.wait_for_url(QUICK_EXIT_URL)
        assert context.cookies(cluster.url) == []
    finally:
        context.close()


def test_a_rolling_restart_moves_an_open_tab_once_and_the_check_goes_on(
        browser: Browser, cluster: ClusterProcess, content: Content):
    # README, "Reload and rolling restart": the connection drops once, the same question comes back
    # with "We reconnected", the tab keeps its replica (its new process) and never moves back and forth.
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        served: list = []  # the tab's WebSockets that a server answered (a refused attempt gets no frame)

        def on_socket(ws) -> None:
            if ws.url.endswith("/_stcore/stream"):
                ws.on("framereceived", lambda _frame: ws in served or served.append(ws))
        page.on("websocket", on_socket)
        start_check(page, cluster.url, content, audience="self", region="UK")
        answers = {}
        for _ in range(4):
            item = current_question(page, content)
            answers[item.id] = mixed_answers(item)
            answer(page, item, answers[item.id])
        question = current_question(page, content).id
        holder = replica_of(context, cluster.url)
        assert len(served) == 1
        before = {r["name"]: r["pid"] for r in cluster.state()["replicas"]}

        cluster.roll()  # every replica handed to a new process, one at a time

        after = {r["name"]: r["pid"] for r in cluster.state()["replicas"]}
        assert all(after[name] != before[name] for name in before), (before, after)
        page.get_by_test_id("stMain").get_by_text(RECONNECTED).first.wait_for(timeout=60_000)
        wait_for_app(page)
        assert current_question(page, content).id == question
        assert replica_of(context, cluster.url) == holder  # the same replica name, its new process
        assert len(served) == 2, [ws.url for ws in served]  # moved once, not back and forth
        complete_check(page, content, answers=answers)
        assert len(served) == 2 and replica_of(context, cluster.url) == holder
        kept = json.loads(page.evaluate(KEPT))
        assert {k: kept["answers"][k] for k in answers} == answers
    finally:
        context.close()
    assert f"{holder} drained in" in cluster.output() and "rolling restart done" in cluster.output()

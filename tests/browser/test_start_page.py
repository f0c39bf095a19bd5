"""The first screen, `/`: a static page (ketacheck/web/start_page.py) that shows the region's
emergency and crisis numbers before any script runs, takes the choices, and opens the check with
them; its quick exit leaves like the app's."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from benchmarks.servers import ServerProcess
from ketacheck import referral
from ketacheck.loader import Content
from ketacheck.web.pwa import QUICK_EXIT_URL

from .conftest import (
    CSP_LISTENER,
    FIRST_QUESTION,
    PHONE,
    PROGRESS,
    answer,
    arrive,
    button,
    by_key,
    choose_on_first_screen,
    choose_region,
    click,
    current_question,
    go_to,
    mixed_answers,
    open_first_screen,
    region_shown,
    start_check,
    wait_for_app,
)
from .test_privacy import KNOWN_VIOLATION
from .test_safety import route_exit_to_a_stub

KEPT = "() => JSON.parse(sessionStorage.getItem('ketacheck.check'))"


def first_contacts(content: Content, region: str) -> tuple[Any, Any]:
    resources = content.regions[region].resources
    return (next(r for r in resources if r.type == "emergency"), next(r for r in resources if r.type == "crisis"))


def fetch(url: str, data: bytes | None = None, language: str = "en-US") -> str:
    request = urllib.request.Request(url, data=data, headers={"Accept": "text/html", "Accept-Language": language})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        return response.read().decode("utf-8")


def shown_region_blocks(html: str) -> dict[str, str]:
    """The region blocks a browser shows without scripts (those without `hidden`), by region."""
    return {m[0]: m[2] for m in re.findall(r'<div data-region="([A-Z]+)"( hidden)?>(.*?)</div>', html) if not m[1]}


@pytest.mark.parametrize(("language", "region"), [("en-GB,en;q=0.8", "UK"), ("en-AU", "AU"), ("fr-CA", "CA"),
                                                  ("de-DE", "INTL")])
def test_the_html_itself_shows_the_guessed_regions_emergency_and_crisis_numbers(
        server: str, content: Content, language: str, region: str):
    html = fetch(server + "/", language=language)
    shown = shown_region_blocks(html)
    assert list(shown) == [region], shown  # one region's numbers, the one the browser's language suggests
    emergency, crisis = first_contacts(content, region)
    assert f'href="{referral.tel_link(emergency.phone)}"' in shown[region] and emergency.phone in shown[region]
    assert crisis.name in shown[region]
    assert f'<option value="{region}" selected>' in html
    assert "<script>" not in html  # nothing inline runs; the numbers need no script at all


def test_without_scripts_a_person_reads_the_numbers_and_picks_another_region(browser: Browser, server: str,
                                                                             content: Content):
    context = browser.new_context(**{**PHONE, "locale": "en-GB"}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + "/")
        emergency, crisis = first_contacts(content, "UK")
        numbers = page.locator(".kc-numbers")
        assert f"Call {emergency.phone}" in numbers.inner_text()
        assert crisis.name in numbers.inner_text()
        page.select_option("#kc-region", "NZ")
        page.get_by_role("button", name="Show the numbers for this region").click()
        page.wait_for_load_state()
        emergency, crisis = first_contacts(content, "NZ")
        assert f"Call {emergency.phone}" in numbers.inner_text() and crisis.name in numbers.inner_text()
        assert "999" not in numbers.inner_text()
        assert page.locator("#kc-region").input_value() == "NZ"
        assert page.get_by_role("link", name="Emergency and crisis numbers for every region").is_visible()
        assert page.get_by_role("link", name="Leave this site quickly").get_attribute("href") == QUICK_EXIT_URL
    finally:
        context.close()


def test_the_apps_own_start_page_updates_its_top_at_once_and_keeps_the_choices_in_the_tab(
        page: Page, server: str, content: Content):
    # Its choices rerun only themselves (a fragment, issue 23); the page's top still follows them at
    # once: a loved one's own page link, and the region's numbers (choose_region waits for those).
    page.goto(server + "/start")
    arrive(page, server, "/start")
    for_you = page.locator(".st-key-page_links").get_by_role("link", name="For you", exact=True)
    assert for_you.count() == 0
    click(page, "pick_audience_other")
    for_you.wait_for()
    click(page, "pick_prescribed_False")
    choose_region(page, content, "IE")
    # The choices went into the tab's copy as they were made: a reload brings them back.
    page.wait_for_function("() => (JSON.parse(sessionStorage.getItem('ketacheck.check')) || {}).region === 'IE'")
    page.reload()
    arrive(page, server, "/start")
    page.wait_for_selector(".st-key-pick_prescribed_False [data-testid='stBaseButton-primary']")
    assert by_key(page, "pick_audience_other").locator("[data-testid='stBaseButton-primary']").count() == 1
    assert region_shown(page, content) == "IE" and for_you.is_visible()
    assert button(page, "start_check").is_enabled()


def test_choosing_a_region_shows_its_numbers_at_once(page: Page, server: str, content: Content):
    open_first_screen(page, server)
    for region in ("AU", "IE", "US"):
        page.select_option("#kc-region", region)
        emergency, _ = first_contacts(content, region)
        block = page.locator(f"[data-region={region}]")
        assert block.is_visible() and f"Call {emergency.phone}" in block.inner_text()
        assert page.locator("[data-region]:visible").count() == 1


@pytest.mark.parametrize(("audience", "prescribed", "region"), [("self", True, "UK"), ("other", "dont_know", "AU")])
def test_start_opens_the_first_question_with_the_choices_made(page: Page, server: str, content: Content,
                                                              audience: str, prescribed: Any, region: str):
    page.context.add_init_script(CSP_LISTENER)
    open_first_screen(page, server)
    assert page.locator("#kc-start").inner_text() == "Start the check"
    choose_on_first_screen(page, audience, prescribed, region)
    questions = len(content.core(audience, prescribed is True))
    assert page.locator("#kc-start").inner_text().startswith(f"Start: {questions} questions")
    page.locator("#kc-start").click()
    arrive(page, server, "/check")
    page.wait_for_selector(FIRST_QUESTION)
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    assert f"question 1 of {questions}" in page.locator(PROGRESS).inner_text()
    first = current_question(page, content)
    assert first.id == "safety.now"
    assert first.text.for_audience(audience) in main.inner_text()  # worded for this audience
    emergency, _ = first_contacts(content, region)
    assert main.locator(f".st-key-crisis_line a[href='{referral.tel_link(emergency.phone)}']").count() == 1
    assert "We reconnected" not in main.inner_text()  # nothing was lost, so nothing to announce
    assert "First, choose" not in main.inner_text()
    kept = page.evaluate(KEPT)  # the app's own copy now: the choices, as the app holds them
    assert (kept["audience"], kept["prescribed"], kept["region"]) == (audience, prescribed, region)
    # Only the one known, harmless refusal (protobuf's WebAssembly probe: see test_privacy.py).
    assert [v for v in page.evaluate("() => window.__cspViolations") if not KNOWN_VIOLATION.match(v)] == []


def test_intake_goes_on_to_the_modules_with_every_module_on(page: Page, server: str, content: Content):
    open_first_screen(page, server)
    choose_on_first_screen(page, "intake", False)
    assert page.locator("#kc-start").inner_text() == "Next: the modules for this pre-screen"
    page.locator("#kc-start").click()
    arrive(page, server, "/start")
    page.locator(".st-key-start_check button:not([disabled])").wait_for()
    assert by_key(page, "pick_audience_intake").locator("button[kind='primary']").count() == 1
    for module in content.modules_for("intake", False):
        assert by_key(page, f"module_on_{module.id}").locator("input[type=checkbox]").is_checked()


def test_back_on_the_first_screen_the_check_continues_where_it_was(page: Page, server: str, content: Content):
    start_check(page, server, content, audience="self", region="IE")
    for _ in range(2):
        item = current_question(page, content)
        answer(page, item, mixed_answers(item))
    at = current_question(page, content).id
    page.goto(server + "/offline.html")  # the offline card's "Try KetaCheck again" leads to /
    page.get_by_role("link", name="Try KetaCheck again").click()
    page.wait_for_function("() => document.getElementById('kc-start').textContent === 'Continue the check'")
    assert page.locator("input[name=audience][value=self]").is_checked()
    assert page.locator("#kc-region").input_value() == "IE"
    page.locator("#kc-start").click()
    arrive(page, server, "/check")
    page.wait_for_selector(FIRST_QUESTION)
    wait_for_app(page)
    assert current_question(page, content).id == at
    assert "question 3 of" in page.locator(PROGRESS).inner_text()


def test_the_first_screen_asks_nothing_of_other_sites_and_runs_no_streamlit(page: Page, server: str):
    requests: list[tuple[str, str]] = []
    page.on("request", lambda r: requests.append((r.url, r.resource_type)))
    open_first_screen(page, server)
    page.wait_for_load_state("networkidle")
    assert all(url.startswith(server) for url, _ in requests), [u for u, _ in requests if not u.startswith(server)]
    # Streamlit's bundle is fetched ahead (so the check opens fast) but not run on this page.
    fetched = {url.removeprefix(server) for url, kind in requests}
    assert any(re.fullmatch(r"/static/js/index\.[\w-]+\.js", path) for path in fetched), sorted(fetched)
    assert page.evaluate("() => document.querySelector('[data-testid=stApp]') === null")
    assert not any("/_stcore/" in url for url, _ in requests)  # no session opened


def test_quick_exit_on_the_first_screen_leaves_and_forgets(page: Page, context: BrowserContext, server: str,
                                                           content: Content):
    route_exit_to_a_stub(context)
    open_first_screen(page, server)
    page.evaluate("() => sessionStorage.setItem('ketacheck.check', '{}')")  # as if a check had begun here
    assert page.locator("a:visible").first.inner_text() == "Leave this site quickly"  # first on the page
    with page.expect_request(lambda r: r.url == server + "/leave" and r.method == "POST"):
        page.get_by_role("link", name="Leave this site quickly").click()
    page.wait_for_url(QUICK_EXIT_URL)
    assert page.title() == "Weather"
    page.go_back()
    page.wait_for_load_state()
    if page.url.startswith(server):
        assert page.evaluate(KEPT) is None


def test_shift_three_times_leaves_the_first_screen(page: Page, context: BrowserContext, server: str):
    route_exit_to_a_stub(context)
    open_first_screen(page, server)
    choose_on_first_screen(page, "self", False)
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(QUICK_EXIT_URL)
    assert page.title() == "Weather"


def test_on_a_server_nobody_has_visited_yet_the_check_is_the_whole_app(
        page: Page, server_factory: Callable[[], ServerProcess], content: Content):
    """Everyone now arrives at /check, never at the app's root page. Streamlit starts a process with
    a pages/ folder in its legacy mode, where such a deep link runs the page file alone (tabs named
    "result", no page list) until a root visit runs app.py; the server turns that mode off."""
    fresh = server_factory()
    start_check(page, fresh.url, content, audience="self")
    go_to(page, "Result")
    assert page.title() == "Result — KetaCheck"
    go_to(page, "Help")
    assert page.title() == "Help — KetaCheck"

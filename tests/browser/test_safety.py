"""Safety features as a person meets them on a phone: emergency help the moment a red flag is
answered, and a quick exit that leaves no way back to the answers."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route

from ketacheck import referral
from ketacheck.loader import Content
from ketacheck.web.pwa import QUICK_EXIT_URL

from .conftest import (
    PHONE,
    PROGRESS,
    SCROLL_SETTLED,
    answer,
    button,
    by_key,
    chosen,
    current_question,
    go_to,
    mixed_answers,
    open_app,
    start_check,
    wait_for_app,
)

# An answer button, the question element's or (as it was) a Streamlit one.
ANY_ANSWER = "[class*='st-key-answer_'], button[data-key^='answer_']"
SMALL_PHONE = {**PHONE, "viewport": {"width": 320, "height": 568}}
MAIN_SCROLL = "() => document.querySelector('[data-testid=stMain]').scrollTop"
# Where elements sit on the page (not in the viewport), measured together in one go.
PAGE_TOPS = """(selectors) => {
  const main = document.querySelector('[data-testid="stMain"]');
  return selectors.map(s => document.querySelector(s).getBoundingClientRect().top + main.scrollTop);
}"""


@pytest.mark.parametrize(("region", "number"), [("US", "911"), ("UK", "999")])
def test_yes_to_the_first_safety_question_shows_emergency_help_at_once(
        page: Page, server: str, content: Content, region: str, number: str):
    emergency = next(r for r in content.regions[region].resources if r.type == "emergency")
    assert emergency.phone == number  # the content agrees with what everyone in that region knows

    start_check(page, server, content, audience="self", region=region)
    panel = by_key(page, "emergency_panel")
    first = current_question(page, content)
    assert first.id == "safety.now"  # "Right now, is any of this happening?" comes first
    assert panel.count() == 0, "no emergency panel before any red flag"

    button(page, "answer_safety.now_2").click()  # breathing is very slow: one tap, no Continue needed
    panel.wait_for()
    wait_for_app(page)
    # Still mid-check: the question is on screen with the answer ticked, the check not finished.
    assert current_question(page, content).id == "safety.now"
    assert chosen(page, "answer_safety.now_2").count() == 1
    # At the top of the page, under the quick exit and crisis line, above the progress bar and the
    # question. (Whether it is in view after the tap: test_emergency_help_is_in_view_after_scrolling...)
    exit_top, panel_top, progress_top = page.evaluate(PAGE_TOPS, [
        ".st-key-quick_exit", ".st-key-emergency_panel", PROGRESS])
    assert exit_top < panel_top < progress_top, (exit_top, panel_top, progress_top)
    assert panel_top < PHONE["viewport"]["height"] / 2, panel_top
    assert panel.get_by_role("heading", name="Get help now").is_visible()
    # Its first, most prominent action calls the region's emergency number.
    call = panel.locator("a[href^='tel:']").first
    assert call.get_attribute("href") == referral.tel_link(emergency.phone) == f"tel:{number}"
    assert call.is_visible() and number in call.inner_text()
    assert call.bounding_box()["height"] >= 44


def test_emergency_help_is_in_view_after_scrolling_down_to_answer_yes(browser: Browser, server: str,
                                                                       content: Content):
    """On a small phone the answers sit below the fold, so the person scrolls down to tap "Yes".
    The panel then appears at the top of the page: it must be brought into view, not left above it."""
    context = browser.new_context(**SMALL_PHONE)
    page = context.new_page()
    try:
        start_check(page, server, content, audience="self", region="UK")
        assert current_question(page, content).id == "safety.now"
        yes = button(page, "answer_safety.now_9")  # thoughts of ending my life, now: far down the list
        yes.scroll_into_view_if_needed()  # what the person does with a thumb
        page.evaluate(SCROLL_SETTLED)
        scrolled = page.evaluate(MAIN_SCROLL)
        assert scrolled > 0, "on this screen the answers should be below the fold"
        yes.click()
        panel = by_key(page, "emergency_panel")
        panel.wait_for()
        page.wait_for_timeout(300)  # let any scrolling settle
        height = SMALL_PHONE["viewport"]["height"]
        heading = panel.get_by_role("heading", name="Get help now").bounding_box()
        call = panel.locator("a[href^='tel:']").first.bounding_box()
        where = (f"panel heading at y={heading['y']:.0f}, call button at y={call['y']:.0f} "
                 f"(viewport 0..{height}; stMain scrollTop before the tap {scrolled:.0f}, "
                 f"after {page.evaluate(MAIN_SCROLL):.0f})")
        assert 0 <= heading["y"] < height, where
        assert 0 <= call["y"] and call["y"] + call["height"] <= height, where
    finally:
        context.close()


def route_exit_to_a_stub(context: BrowserContext) -> None:
    """The quick exit's weather page, served locally so nothing leaves the machine."""
    def fulfill(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body="<html><title>Weather</title><p>Weather</p></html>")

    context.route(QUICK_EXIT_URL + "*", fulfill)


def answer_a_few(page: Page, server: str, content: Content) -> None:
    start_check(page, server, content, audience="self")
    for _ in range(3):
        item = current_question(page, content)
        answer(page, item, mixed_answers(item))
    assert "question 4 of 15" in page.locator(PROGRESS).inner_text()


def assert_back_does_not_show_the_answers(page: Page, server: str) -> None:
    page.go_back()
    page.wait_for_load_state()
    if not page.url.startswith(server):
        return  # Back did not lead into KetaCheck at all
    if page.url == server + "/":  # the static first screen: nothing chosen, nothing to continue
        page.wait_for_function("() => document.getElementById('kc-start').hasAttribute('aria-disabled')")
        assert page.locator("input:checked").count() == 0
        assert page.locator("#kc-start").inner_text() == "Start the check"
        return
    wait_for_app(page)
    assert page.evaluate("() => document.documentElement.style.visibility") != "hidden"
    # A fresh start page: nothing chosen, nothing to continue, no question on screen.
    assert page.url == server + "/start", page.url
    assert button(page, "start_check").inner_text() == "Start the check"
    assert button(page, "start_check").is_disabled()
    assert page.locator("[class*='st-key-pick_audience_'] button[kind='primary']").count() == 0
    assert page.locator(ANY_ANSWER).count() == 0
    # And the check itself has nothing either (same session, in-app navigation).
    go_to(page, "Check")
    assert "First, choose who this check is for." in page.get_by_test_id("stMain").inner_text()
    assert page.locator(ANY_ANSWER).count() == 0


def test_quick_exit_button_leaves_and_back_shows_no_answers(page: Page, context: BrowserContext,
                                                             server: str, content: Content):
    route_exit_to_a_stub(context)
    answer_a_few(page, server, content)
    button(page, "quick_exit").click()
    page.wait_for_url(QUICK_EXIT_URL)
    assert page.title() == "Weather"
    assert_back_does_not_show_the_answers(page, server)


def test_pressing_shift_three_times_leaves(page: Page, context: BrowserContext, server: str, content: Content):
    route_exit_to_a_stub(context)
    answer_a_few(page, server, content)
    page.get_by_test_id("stMain").focus()
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(QUICK_EXIT_URL)
    assert page.title() == "Weather"
    assert_back_does_not_show_the_answers(page, server)


EXIT_IN_VIEW = """() => {
  const exit = [...document.querySelectorAll('.st-key-quick_exit button')].find(b => b.checkVisibility());
  const r = exit.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  const question = document.querySelector('.kc-question h1, [data-testid="stMain"] h1');
  const q = question ? question.getBoundingClientRect() : null;
  return {
    top: Math.round(r.top), bottom: Math.round(r.bottom), height: window.innerHeight,
    tappable: !!(hit && hit.closest('.st-key-quick_exit')),
    questionTop: q ? Math.round(q.top) : null,
  };
}"""


def test_quick_exit_stays_in_view_through_a_whole_check(page: Page, server: str, content: Content):
    """GOV.UK's exit-this-page rule: the way out is on screen whatever the person has scrolled to,
    and it covers nothing they are reading."""
    start_check(page, server, content, audience="self")
    problems = []
    for _ in range(len(content.items) + 5):
        if page.url.endswith("/result"):
            break
        page.evaluate(SCROLL_SETTLED)
        item = current_question(page, content)
        m = page.evaluate(EXIT_IN_VIEW)
        if not (0 <= m["top"] and m["bottom"] <= m["height"] and m["tappable"]):
            problems.append(f"{item.id}: exit button at y={m['top']}..{m['bottom']} "
                            f"(viewport 0..{m['height']}, tappable={m['tappable']})")
        elif m["questionTop"] is not None and m["questionTop"] < m["bottom"] and m["questionTop"] >= m["top"]:
            problems.append(f"{item.id}: the question (y={m['questionTop']}) is under the exit button")
        answer(page, item, mixed_answers(item))
    assert problems == [], f"{len(problems)} question(s):\n" + "\n".join(problems)


def test_quick_exit_is_the_first_thing_on_every_page(page: Page, server: str):
    """Findable in a hurry: the first control on the page, full width, visible without scrolling."""
    for path in ("/start", "/check", "/result", "/help", "/learn"):
        open_app(page, server + path)
        exit_button = button(page, "quick_exit")
        assert exit_button.inner_text() == "Leave this site quickly", path
        box = exit_button.bounding_box()
        assert box is not None and box["y"] < 200 and box["width"] >= PHONE["viewport"]["width"] * 0.8, (path, box)
        first_button = page.get_by_test_id("stMain").locator("button:visible").first
        assert first_button.inner_text() == "Leave this site quickly", path

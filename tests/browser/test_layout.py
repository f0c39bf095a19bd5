"""Phone layout: every control a person taps is at least 44x44 CSS px, and nothing scrolls sideways
on the narrowest common phone (320 px)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page

from ketacheck.loader import Content

from .conftest import (
    CURRENT_ANSWERS,
    PHONE,
    answer,
    arrive,
    button,
    by_key,
    click,
    click_to,
    current_question,
    go_to,
    mixed_answers,
    open_app,
    start_check,
    wait_for_app,
)

MIN_TARGET = 44  # CSS px: WCAG 2.5.5 / Apple HIG; Material asks for 48


# Each key's visible buttons: the question element's (`button[data-key]`) and Streamlit's (`.st-key-`).
SIZES = """(keys) => keys.map(key => {
  const cls = 'st-key-' + key.replace(/[^a-zA-Z0-9_-]/g, '-');
  const buttons = [...document.querySelectorAll('button[data-key]')].filter(b => b.dataset.key === key)
    .concat([...document.querySelectorAll('.' + cls + ' button')]).filter(b => b.checkVisibility());
  if (buttons.length !== 1) return [key, buttons.length, 0, 0];
  const r = buttons[0].getBoundingClientRect();
  return [key, 1, r.width, r.height];
})"""


def too_small(page: Page, *keys: str) -> list[str]:
    """'<key>: WxH' for each key whose visible button is under MIN_TARGET either way (one round trip)."""
    small = []
    for (_key, count, width, height), key in zip(page.evaluate(SIZES, list(keys)), keys, strict=True):
        assert count == 1, f"{key}: expected one visible button, found {count}"
        if width < MIN_TARGET or height < MIN_TARGET:
            small.append(f"{key}: {width:.0f}x{height:.0f}")
    return small


def answer_keys(page: Page, item) -> list[str]:
    """Every answer button of the question on screen, "Don't know" included where offered."""
    values = [m[1] for m in page.evaluate(CURRENT_ANSWERS) if m[0] == item.id]
    return [f"answer_{item.id}_{v}" for v in values]


def test_touch_targets_are_at_least_44_px(page: Page, server: str, content: Content):
    small: list[str] = []
    open_app(page, server + "/start")
    small += too_small(page, "quick_exit", *(f"pick_audience_{a}" for a in ("self", "other", "intake")))
    click(page, "pick_audience_self")
    small += too_small(page, "pick_prescribed_False", "pick_prescribed_True",
                       *(f"pick_sex_{sex}" for sex in ("female", "male", "unspecified")))
    click(page, "pick_prescribed_False")
    small += too_small(page, "start_check")
    click_to(page, "start_check", server, "/check")

    # Every question of the core: each answer, Back and Next/Continue, and the quick exit.
    seen = 0
    for _ in range(len(content.items) + 5):
        if page.url.endswith("/result"):
            break
        item = current_question(page, content)
        small += too_small(page, *answer_keys(page, item), "nav_back", "nav_next", "quick_exit")
        answer(page, item, mixed_answers(item))
        seen += 1
    assert seen == 15
    assert small == [], f"touch targets under {MIN_TARGET}x{MIN_TARGET} CSS px: {small}"


def test_every_page_link_is_labelled_one_tap_and_44_px(page: Page, server: str, content: Content):
    """Help and Learn (and the rest) are a row of labelled links on every page: no folded menu to
    open first, nothing to close after choosing."""
    start_check(page, server, content, audience="other")
    page.evaluate("() => { window.kcSameDocument = true; }")
    here = "Check"
    for title in ("Result", "Help", "For you", "Learn", "Check"):
        links = page.locator(".st-key-page_links a")
        assert [links.nth(n).inner_text() for n in range(links.count())] == ["Check", "Result", "Help", "For you", "Learn"]
        for n in range(links.count()):
            box = links.nth(n).bounding_box()
            assert box["height"] >= MIN_TARGET and box["width"] >= MIN_TARGET, (links.nth(n).inner_text(), box)
            assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["viewport"]["width"], box
        # The page one is on is said (aria-current), and no link opens a new tab.
        page.wait_for_function("(here) => document.querySelector('.st-key-page_links a[aria-current=\"page\"]')"
                               "?.textContent === here", arg=here)
        assert page.locator(".st-key-page_links a[target]").count() == 0
        go_to(page, title)  # one tap, and the page is there
        here = title
        # In the same tab and session: the page changed without loading again.
        assert page.evaluate("() => window.kcSameDocument === true"), title
    assert page.get_by_test_id("stExpandSidebarButton").count() == 0  # no menu button at all


BOXES = """(selector) => [...document.querySelectorAll(selector)].filter(e => e.checkVisibility())
  .map(e => { const r = e.getBoundingClientRect(), name = e.getAttribute('aria-label') || e.textContent.trim();
              return [name, Math.round(r.width), Math.round(r.height)]; })"""


def test_crisis_numbers_and_the_file_pickers_buttons_are_44_px(page: Page, server: str, content: Content):
    start_check(page, server, content, audience="intake", region="UK")
    numbers = page.evaluate(BOXES, ".st-key-crisis_line a[href^='tel:']")
    assert [n[0] for n in numbers] == ["999", "116 123"]
    go_to(page, "Clinician")
    page.locator(".st-key-import_file input[type=file]").set_input_files(
        files=[{"name": "brought.json", "mimeType": "application/json", "buffer": b"{}"}])
    wait_for_app(page)
    picker = page.evaluate(BOXES, ".st-key-import_file button")
    assert {n[0] for n in picker} >= {"Remove brought.json", "Add files"}, picker
    small = [n for n in numbers + picker if n[1] < MIN_TARGET or n[2] < MIN_TARGET]
    assert small == [], f"under {MIN_TARGET}x{MIN_TARGET} CSS px: {small}"


# --- no sideways scrolling at 320 px -------------------------------------------------------------

NARROW = {**PHONE, "viewport": {"width": 320, "height": 640}}

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const main = document.querySelector('[data-testid="stMain"]');
  const wide = [...document.querySelectorAll('[data-testid="stMain"] *')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > width + 1; })
    .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= width + 1)
    .slice(0, 5)
    .map(e => `${e.tagName.toLowerCase()}${e.dataset.testid ? '[' + e.dataset.testid + ']' : ''}`
      + ` right=${Math.round(e.getBoundingClientRect().right)}`);
  return {
    width, page: document.documentElement.scrollWidth,
    main: main ? main.scrollWidth : 0, mainClient: main ? main.clientWidth : 0, wide,
  };
}"""


def overflow(page: Page, name: str) -> list[str]:
    m: dict[str, Any] = page.evaluate(OVERFLOW)
    problems = []
    if m["page"] > 320:
        problems.append(f"{name}: document scrollWidth {m['page']} > 320 (widest: {m['wide']})")
    if m["main"] > m["mainClient"]:
        problems.append(f"{name}: stMain scrollWidth {m['main']} > clientWidth {m['mainClient']} (widest: {m['wide']})")
    return problems


def test_nothing_scrolls_sideways_at_320_px(browser: Browser, server: str, content: Content):
    context = browser.new_context(**NARROW)
    page = context.new_page()
    problems: list[str] = []
    try:
        open_app(page, server + "/start")
        click(page, "pick_audience_self")  # shows every start-page control
        problems += overflow(page, "start")

        start_check(page, server, content, audience="intake", prescribed=False)
        problems += overflow(page, "question")
        button(page, "answer_safety.now_2").click()
        by_key(page, "emergency_panel").wait_for()
        wait_for_app(page)
        problems += overflow(page, "question with the emergency panel")
        button(page, "answer_safety.now_2").click()  # untick: the panel goes
        by_key(page, "emergency_panel").wait_for(state="detached")

        # The longest question wordings and five-option questions come later in the check.
        for _ in range(len(content.items) + 5):
            if page.url.endswith("/result"):
                break
            item = current_question(page, content)
            problems += overflow(page, f"question {item.id}")
            answer(page, item, mixed_answers(item))
        arrive(page, server, "/result")
        problems += overflow(page, "result")

        go_to(page, "Clinician")
        problems += overflow(page, "clinician summary")
        rows = page.locator(".st-key-answer_rows [data-testid='stMarkdownContainer']")
        assert rows.count() >= 30
        for n in range(rows.count()):  # every row whole on screen width: question, answer and level
            box = rows.nth(n).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 320, (n, box)
            assert "level" in rows.nth(n).inner_text() or "not counted" in rows.nth(n).inner_text()

        go_to(page, "Help")
        problems += overflow(page, "help")
        go_to(page, "Learn")
        problems += overflow(page, "learn")
    finally:
        context.close()
    assert problems == [], "\n".join(problems)

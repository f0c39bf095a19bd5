"""Phone layout: every control a person taps is at least 44x44 CSS px, and nothing scrolls sideways
on the narrowest common phone (320 px)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page

from ketacheck.loader import Content

from .conftest import (
    PHONE,
    answer,
    by_key,
    click,
    click_to,
    current_question,
    go_to,
    key_class,
    mixed_answers,
    open_app,
    start_check,
)

MIN_TARGET = 44  # CSS px: WCAG 2.5.5 / Apple HIG; Material asks for 48


SIZES = """(classes) => classes.map(cls => {
  const buttons = [...document.querySelectorAll('.' + cls + ' button')].filter(b => b.checkVisibility());
  if (buttons.length !== 1) return [cls, buttons.length, 0, 0];
  const r = buttons[0].getBoundingClientRect();
  return [cls, 1, r.width, r.height];
})"""


def too_small(page: Page, *keys: str) -> list[str]:
    """'<key>: WxH' for each key whose visible button is under MIN_TARGET either way (one round trip)."""
    small = []
    for (cls, count, width, height), key in zip(page.evaluate(SIZES, [key_class(k) for k in keys]), keys, strict=True):
        assert count == 1, f"{key} ({cls}): expected one visible button, found {count}"
        if width < MIN_TARGET or height < MIN_TARGET:
            small.append(f"{key}: {width:.0f}x{height:.0f}")
    return small


def test_touch_targets_are_at_least_44_px(page: Page, server: str, content: Content):
    small: list[str] = []
    open_app(page, server + "/")
    small += too_small(page, "quick_exit", *(f"pick_audience_{a}" for a in ("self", "other", "intake")),
                       "pick_prescribed_False", "pick_prescribed_True")
    click(page, "pick_audience_self")
    small += too_small(page, *(f"pick_sex_{sex}" for sex in ("female", "male", "unspecified")), "start_check")
    click_to(page, "start_check", server, "/check")

    # Every question of a whole check: each answer, Back and Next/Skip, and the quick exit.
    seen = 0
    for _ in range(len(content.items) + 5):
        if by_key(page, "see_result").count():
            break
        item = current_question(page, content)
        small += too_small(page, *(f"answer_{item.id}_{o.value}" for o in item.options),
                           "nav_back", "nav_next", "quick_exit")
        answer(page, item, mixed_answers(item))
        seen += 1
    assert seen >= 40
    small += too_small(page, "see_result")
    assert small == [], f"touch targets under {MIN_TARGET}x{MIN_TARGET} CSS px: {small}"


def test_phone_navigation_menu_is_a_comfortable_touch_target(page: Page, server: str):
    """On a phone, Help and Learn are reached through Streamlit's menu button and its links."""
    open_app(page, server + "/")
    menu = page.get_by_test_id("stExpandSidebarButton")
    assert menu.is_visible()
    small = []
    box = menu.bounding_box()
    if box["width"] < MIN_TARGET or box["height"] < MIN_TARGET:
        small.append(f"menu button: {box['width']:.0f}x{box['height']:.0f}")
    menu.click()
    links = page.get_by_test_id("stSidebarNavLink")
    links.first.wait_for()
    page.wait_for_function(  # the menu slides in
        "() => document.querySelector('[data-testid=stSidebarNavLink]').getBoundingClientRect().x >= 0")
    for n in range(links.count()):
        box = links.nth(n).bounding_box()
        if box["height"] < MIN_TARGET:
            small.append(f"{links.nth(n).inner_text().split()[-1]} link: {box['width']:.0f}x{box['height']:.0f}")
    assert small == [], f"navigation targets under {MIN_TARGET} CSS px: {small}"


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
        open_app(page, server + "/")
        click(page, "pick_audience_self")  # shows every start-page control
        problems += overflow(page, "start")

        start_check(page, server, content, audience="self")
        problems += overflow(page, "question")
        first = current_question(page, content)
        answer(page, first, next(o.value for o in first.options if o.level == 1))
        answer(page, content.items["safety.unresponsive"], 1)
        by_key(page, "emergency_panel").wait_for()
        problems += overflow(page, "question with the emergency panel")

        # The longest question wordings and five-option questions come later in the check.
        for _ in range(len(content.items) + 5):
            if by_key(page, "see_result").count():
                break
            item = current_question(page, content)
            problems += overflow(page, f"question {item.id}")
            answer(page, item, mixed_answers(item))
        click_to(page, "see_result", server, "/result")
        problems += overflow(page, "result")

        click_to(page, "to_help", server, "/help")
        problems += overflow(page, "help")
        go_to(page, "Learn")
        problems += overflow(page, "learn")
    finally:
        context.close()
    assert problems == [], "\n".join(problems)

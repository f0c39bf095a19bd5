"""Keyboard only: a whole check for someone you care about (the shortest flow), from the start
page to the result, with Tab, Shift+Tab, the arrow keys, Enter and Space. No mouse, no touch.
The key presses it takes are counted and recorded in the README."""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from ketacheck import scoring, submission
from ketacheck.loader import Content

from .conftest import (
    ANSWERED,
    DESKTOP,
    FIND_CONTROL,
    arrive,
    button,
    by_key,
    chosen,
    current_question,
    key_class,
    region_shown,
    wait_for_app,
)

# Counts every pointer event, so the test can prove none happened.
POINTER_COUNTER = """
window.__pointerEvents = 0;
for (const type of ['pointerdown', 'mousedown', 'touchstart']) {
  document.addEventListener(type, () => { window.__pointerEvents += 1; }, true);
}
"""

# The key of the control with focus: the question element's `data-key`, else the Streamlit
# widget's `st-key-` class (its key with other characters turned into '-').
FOCUSED_KEY = """() => {
  const el = document.activeElement;
  if (el && el.dataset && el.dataset.key) return el.dataset.key;
  const box = el && el.closest('[class*="st-key-"]');
  return box ? box.className.match(/\\bst-key-(\\S+)/)[1] : null;
}"""


def focused_on(page: Page, key: str) -> bool:
    return page.evaluate(FOCUSED_KEY) in (key, key_class(key)[len("st-key-"):])

# -1: the target comes before the focused element in the document; 1: after; 0: not found.
DIRECTION = """(key) => {
  const target = (""" + FIND_CONTROL + """)(key);
  if (!target) return 0;
  const from = document.activeElement || document.body;
  if (from === document.body) return 1;
  return from.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING ? -1 : 1;
}"""


def tab_to(page: Page, key: str, limit: int = 60) -> int:
    """Move focus with Tab (or Shift+Tab, if the target is above) until it is on `key`'s button."""
    for presses in range(limit):
        if focused_on(page, key):
            return presses
        direction = page.evaluate(DIRECTION, key)
        assert direction != 0, f"{key}: no such button on the page"
        page.keyboard.press("Shift+Tab" if direction < 0 else "Tab")
    raise AssertionError(f"{key}: not reached with {limit} Tab presses; focus is on {page.evaluate(FOCUSED_KEY)}")


IN_GROUP = """(key) => {
  const target = (""" + FIND_CONTROL + """)(key);
  const group = target && target.closest('[role="radiogroup"]');
  return !!(group && group.contains(document.activeElement));
}"""


def focus_answer(page: Page, key: str) -> int:
    """Focus an answer as a keyboard user does: a radio by tabbing into its group (one tab stop,
    on the chosen answer or the first) then arrow keys; a checkbox or button by Tab alone.
    Returns the keys pressed."""
    role = button(page, key).get_attribute("role")
    if role != "radio":
        return tab_to(page, key)
    presses = 0
    for _ in range(60):
        if page.evaluate(IN_GROUP, key):
            break
        direction = page.evaluate(DIRECTION, key)
        page.keyboard.press("Shift+Tab" if direction < 0 else "Tab")
        presses += 1
    else:
        raise AssertionError(f"{key}: its radiogroup was never reached with Tab")
    for _ in range(12):
        if focused_on(page, key):
            return presses
        page.keyboard.press("ArrowDown")
        presses += 1
    raise AssertionError(f"{key}: not reached with the arrow keys")


def press_on(page: Page, key: str, with_key: str = "Enter") -> None:
    focus_answer(page, key)
    focused = page.evaluate("() => document.activeElement.tagName")
    assert focused == "BUTTON", f"{key}: focus is on a {focused}"
    page.keyboard.press(with_key)


# Key presses from opening the app to the first result (README, "Keyboard"). It was 112 before
# focus moved to each new question and page heading (issue 13), 99 before the language switch on
# every page (issue 22) added one stop on the way.
KEY_PRESSES = 100


def test_a_whole_check_with_the_keyboard_only(browser: Browser, server: str, content: Content):
    context = browser.new_context(**DESKTOP)  # a keyboard user on a computer: no touch, no mouse
    context.add_init_script(POINTER_COUNTER)
    page = context.new_page()
    presses = []
    press = page.keyboard.press
    page.keyboard.press = lambda key, **kw: (presses.append(key), press(key, **kw))[1]
    try:
        page.goto(server + "/start")
        wait_for_app(page)
        region = region_shown(page, content)

        press_on(page, "pick_audience_other", "Enter")
        wait_for_app(page)
        assert by_key(page, "pick_audience_other").locator("button[aria-checked='true']").count() == 1
        press_on(page, "pick_prescribed_False", " ")
        wait_for_app(page)
        press_on(page, "start_check", "Enter")
        arrive(page, server, "/check")

        answers: dict = {}
        for n in range(len(content.items) + 5):
            if page.url.endswith("/result"):
                break
            item = current_question(page, content)
            options = [o for o in item.options if not o.red_flag]
            option = options[n % len(options)]
            if item.multiple and not option.exclusive:
                press_on(page, f"answer_{item.id}_{option.value}", " ")  # tick with Space
                chosen(page, f"answer_{item.id}_{option.value}").wait_for()
                key = "nav_next"  # then Continue
                value = [option.value]
            else:
                key = f"answer_{item.id}_{option.value}"
                value = [option.value] if item.multiple else option.value
            press_on(page, key, "Enter" if n % 2 else " ")
            # Moved on: the answer is gone and the next question (or the result) is there. (Waiting
            # only for the answer to go read an empty screen between two runs on a busy machine.)
            page.wait_for_function(ANSWERED, arg=f"answer_{item.id}_{option.value}")
            answers[item.id] = value
        shown = {i.id for i in content.core("other", False)}
        assert set(answers) == shown, "every core question was answered, by keyboard"

        arrive(page, server, "/result")  # the result comes by itself after the last answer
        assert len(presses) <= KEY_PRESSES, f"{len(presses)} key presses from opening to the result"
        expected = scoring.score(submission.parse(
            {"audience": "other", "region": region, "prescribed": False, "sex": "unspecified", "answers": answers},
            content), content)
        # The level is the page's first heading (no red flag was answered, so no emergency panel above it).
        heading = page.locator("[data-testid='stMain']").locator("h1, h2, h3").first
        assert heading.inner_text().strip() == expected.tier_label
        # Keyboard focus is visible: the focused button draws an outline or a ring.
        tab_to(page, "to_help")
        ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
            return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; }""")
        assert ring, "the focused button shows no focus indicator"
        assert page.evaluate("() => window.__pointerEvents") == 0
    finally:
        context.close()

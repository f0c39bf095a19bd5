"""The check v2 flow as a person meets it in Chromium: the core, then the first result, for every
audience on a phone and on a desktop, in few taps, with the progress line in view after every
answer; a result after two answers that says what is missing; "Don't know" for a loved one; a
module after the first result. (A reload keeps the answers: tests/browser/test_resilience.py.)"""

from __future__ import annotations


import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from ketacheck import scoring, submission
from ketacheck.loader import Content

from .conftest import (
    DESKTOP,
    PHONE,
    PROGRESS,
    answer,
    arrive,
    button,
    click,
    click_to,
    current_question,
    no_red_flag_else,
    start_check,
    wait_for_app,
)

# The sticky quick exit, and what must be fully in view below it after an answer: the progress line
# (with its "Core check: question n of N"), any section intro and the question itself.
IN_VIEW = """() => {
  const bar = document.querySelector('.st-key-quick_exit').getBoundingClientRect().bottom;
  const parts = [...document.querySelectorAll('.kc-question .kc-progress, .kc-question .kc-intro,'
    + ' .kc-question .kc-caption, .kc-question h1')];
  return { bar: Math.round(bar), height: innerHeight,
           parts: parts.map(p => { const r = p.getBoundingClientRect();
                                   return [p.tagName, Math.round(r.top), Math.round(r.bottom)]; }) };
}"""

# Taps from opening the app to the first result, with no red flag and the least concerning answers:
# audience, prescribed, Start, then one tap per question (the result follows the last answer by
# itself; intake answers every module, and "Never" to the first alcohol question skips the other
# two). Intake taps once more: from the first screen to its modules on the app's start page, then
# Start there (and, not prescribed, one question more since the FRAMES result, issue 21). Recorded
# in the README.
TAPS = {("self", False): 18, ("self", True): 16, ("other", False): 18, ("other", True): 16,
        ("intake", False): 37, ("intake", True): 35}


def core_taps(page: Page, server: str, content: Content, audience: str, prescribed: bool,
              check_view: bool) -> tuple[int, dict, list[str], str]:
    """Start to first result with the lowest answers; (taps, answers, view problems, region)."""
    region = start_check(page, server, content, audience=audience, prescribed=prescribed)
    taps, answers, problems = (4 if audience == "intake" else 3), {}, []
    while not page.url.endswith("/result"):
        if check_view:
            try:  # the scroll that brings the question into view runs after the render
                page.wait_for_function(f"() => ({IN_VIEW})().parts.every(p => p[1] >= ({IN_VIEW})().bar"
                                       f" && p[2] <= innerHeight)", timeout=3000)
            except PlaywrightTimeoutError:
                m = page.evaluate(IN_VIEW)
                problems.append(f"{current_question(page, content).id}: {m['parts']}, sticky bar ends at "
                                f"{m['bar']}, viewport {m['height']}")
        item = current_question(page, content)
        value = no_red_flag_else(lambda i: 0)(item)
        taps += answer(page, item, value)
        answers[item.id] = value
    arrive(page, server, "/result")
    return taps, answers, problems, region


@pytest.mark.parametrize(("audience", "prescribed"), list(TAPS))
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_core_then_first_result_in_few_taps_with_the_question_in_view(
        browser: Browser, server: str, content: Content, audience: str, prescribed: bool, screen: str):
    context = browser.new_context(**(PHONE if screen == "phone" else DESKTOP))
    page = context.new_page()
    try:
        taps, answers, problems, region = core_taps(page, server, content, audience, prescribed, check_view=True)
        assert problems == [], "\n".join(problems)
        assert taps == TAPS[audience, prescribed]
        if audience != "intake":
            assert taps <= 20
        doc = {"audience": audience, "prescribed": prescribed, "region": region, "answers": answers}
        expected = scoring.score(submission.parse(doc, content), content)
        heading = page.get_by_test_id("stMain").locator("h1").first
        assert heading.inner_text() == expected.tier_label == "Few warning signs"
        main = page.get_by_test_id("stMain").inner_text()
        # The level's advice, that it is not a diagnosis, and all help one tap away.
        assert expected.tier_explanation.split(".")[0] in main and "not a diagnosis" in main
        assert "See all help for this result" in main
        if prescribed:
            assert "follow" in main and "treatment plan" in main  # prescriber advice, not misuse
    finally:
        context.close()


def test_two_answers_give_no_level_name_what_is_missing_and_lead_back(page: Page, server: str, content: Content):
    start_check(page, server, content, audience="self", region="UK")
    answer(page, current_question(page, content), [0])
    answer(page, current_question(page, content), 3)  # weekly
    click_to(page, "result_so_far", server, "/result")
    main = page.get_by_test_id("stMain").inner_text()
    assert page.get_by_test_id("stMain").locator("h1").first.inner_text() == "Not enough answers yet"
    assert "nothing yet about tolerance, cravings, mixing, control and daily life, harms" in main
    assert 'Not answered yet (13), never counted as "no"' in main
    assert "Few warning signs" not in main and "few of the warning signs" not in main
    click_to(page, "to_missing", server, "/check")
    assert current_question(page, content).id == "esc.more_than_before"


def test_a_loved_one_can_say_dont_know_and_is_told_it_is_not_no(page: Page, server: str, content: Content):
    start_check(page, server, content, audience="other", region="UK")
    for _ in range(20):
        if page.url.endswith("/result"):
            break
        item = current_question(page, content)
        group = page.locator(f".kc-answers[role={'group' if item.multiple else 'radiogroup'}]")
        labels = group.locator("button").all_inner_texts()
        assert labels[-1].strip() == "Don't know"
        answer(page, item, [0] if item.id == "safety.now" else "dont_know")
    arrive(page, server, "/result")
    main = page.get_by_test_id("stMain").inner_text()
    assert "Not enough answers yet" in main and "14 answered \"Don't know\"" in main
    assert "it is a sign of how much is hard to see from outside" in main


def test_a_module_after_the_first_result_updates_it(page: Page, server: str, content: Content):
    start_check(page, server, content, audience="self", region="US")
    while not page.url.endswith("/result"):
        item = current_question(page, content)
        answer(page, item, no_red_flag_else(lambda i: 0)(item))
    arrive(page, server, "/result")
    assert "Standard questionnaires" not in page.get_by_test_id("stMain").inner_text()
    click_to(page, "module_sds", server, "/check")
    assert "Dependence (SDS): question 1 of 5" in page.locator(PROGRESS).inner_text()
    while not page.url.endswith("/result"):
        item = current_question(page, content)
        answer(page, item, 2)
    arrive(page, server, "/result")
    page.get_by_text("Standard questionnaires (1)", exact=True).click()
    page.get_by_text("Score 10 of 15. No cut-off is validated for ketamine", exact=False).wait_for()
    assert "done, included above." in page.get_by_test_id("stMain").inner_text()


# ------------------------------------------------------------------ answers as assistive technology sees them

GROUP = """() => {
  const group = document.querySelector('.kc-answers');
  const name = document.getElementById(group.getAttribute('aria-labelledby'));
  return { role: group.getAttribute('role'), name: name && name.textContent,
           options: [...group.querySelectorAll('button')].map(b => [b.getAttribute('role'),
             b.getAttribute('aria-checked'), b.tabIndex, getComputedStyle(b, '::before').content]) };
}"""


def test_answers_are_a_named_radiogroup_or_group_with_checked_state(page: Page, server: str, content: Content):
    start_check(page, server, content, audience="self")
    many = page.evaluate(GROUP)
    assert many["role"] == "group" and many["name"] == current_question(page, content).text.self_
    assert {o[0] for o in many["options"]} == {"checkbox"} and {o[1] for o in many["options"]} == {"false"}
    button(page, "answer_safety.now_0").click()  # "None of these"
    page.wait_for_function("() => document.querySelector('.kc-answers[role=radiogroup]')")
    wait_for_app(page)
    one = page.evaluate(GROUP)
    assert one["role"] == "radiogroup" and one["name"].startswith("In the past 3 months, how often")
    assert {o[0] for o in one["options"]} == {"radio"}
    assert [o[2] for o in one["options"]] == [0, -1, -1, -1, -1]  # one tab stop: the first (none chosen)
    # Back to it: the chosen answer is checked, the only tab stop, and marked by more than colour.
    item = current_question(page, content)
    answer(page, item, 3)
    click(page, "nav_back")
    one = page.evaluate(GROUP)
    assert [o[1] for o in one["options"]] == ["false", "false", "false", "true", "false"]
    assert [o[2] for o in one["options"]] == [-1, -1, -1, 0, -1]
    assert '"●"' in one["options"][3][3] and '"○"' in one["options"][0][3]
    # Arrow keys move between answers.
    button(page, "answer_esc.frequency_3").focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.textContent.trim()").endswith("3 or more days a week, or daily")


def test_the_chosen_answer_shows_in_forced_colours(browser: Browser, server: str, content: Content):
    context = browser.new_context(**PHONE, forced_colors="active")
    page = context.new_page()
    try:
        start_check(page, server, content, audience="self")
        answer(page, current_question(page, content), [0])
        answer(page, current_question(page, content), 2)
        click(page, "nav_back")
        styles = page.evaluate("""() => [...document.querySelectorAll('.kc-answers[role=radiogroup] button')]
            .map(b => [b.getAttribute('aria-checked'), getComputedStyle(b).outlineStyle])""")
        assert [s for s in styles if s[0] == "true"] == [["true", "solid"]]
        assert all(style == "none" for checked, style in styles if checked == "false")
    finally:
        context.close()

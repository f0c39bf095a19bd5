"""The result's first screen on a 390 x 844 phone, for people from the persona table: the level and
what it rests on, the first step, help that matches the urgency, and nothing in the way of it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from playwright.sync_api import Page

from ketacheck import referral, scoring, submission
from ketacheck.loader import Content
from ketacheck.model import DONT_KNOW, Item
from ketacheck.wording import basis_line

from helpers import rest_value, value_for

from .conftest import PHONE, complete_check, open_app, start_check

PERSONAS = {p["id"]: p for p in yaml.safe_load(
    (Path(__file__).parent.parent / "personas.yaml").read_text(encoding="utf-8"))["personas"]}
HEIGHT = PHONE["viewport"]["height"]
# Set KETACHECK_SHOTS to a folder to keep each first screen as a picture, to look at.
SHOTS = os.environ.get("KETACHECK_SHOTS")
# Where an element's top and bottom are on the page (not the viewport), and the page's full height.
BOX = """(sel) => { const main = document.querySelector('[data-testid="stMain"]');
  const e = document.querySelector(sel); if (!e) return null; const r = e.getBoundingClientRect();
  return {top: r.top + main.scrollTop, bottom: r.bottom + main.scrollTop}; }"""
PANEL_IN_VIEW = """() => { const exit = document.querySelector('.st-key-quick_exit').getBoundingClientRect();
  const r = document.querySelector('.st-key-emergency_panel').getBoundingClientRect();
  return r.top >= exit.bottom - 1 && r.top < window.innerHeight / 2; }"""
PAGE_HEIGHT = "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
# The first link or button inside the main area after the quick exit: what a person taps first.
FIRST_HELP = """() => [...document.querySelectorAll('[data-testid="stMain"] a[href], [data-testid="stMain"] button')]
  .filter(e => !e.closest('.st-key-quick_exit') && !e.closest('.st-key-page_links') && e.offsetParent !== null)
  .map(e => ({text: e.innerText.trim(), href: e.getAttribute('href') || ''}))[0]"""


def chooser(persona: dict, content: Content) -> Callable[[Item], Any]:
    """The persona's own answers where the table gives one, its `answer_rest` rule elsewhere."""
    given = {k: value_for(content.items[k], v) for k, v in persona["answers"].items()}

    def choose(item: Item) -> Any:
        if item.id in given:
            return given[item.id]
        return rest_value(item, persona.get("answer_rest", "lowest"))
    return choose


def check_as(page: Page, server: str, content: Content, persona_id: str) -> tuple[dict, scoring.Result]:
    """Answer the whole check as the persona does, on the phone; returns the persona and what the
    engine makes of exactly those answers (the page must show the same)."""
    persona = PERSONAS[persona_id]
    region = persona.get("region", "UK")
    start_check(page, server, content, audience=persona["audience"], prescribed=persona.get("prescribed", False),
                region=region)
    answers = complete_check(page, content, chooser(persona, content))
    doc = {"audience": persona["audience"], "prescribed": persona.get("prescribed", False), "region": region,
           "sex": "unspecified", "answers": answers}
    result = scoring.score(submission.parse(doc, content), content)
    assert result.tier == persona["expect"], (persona_id, result.tier)  # the premise of each test
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"result-{persona_id}.png"))
    return persona, result


def box(page: Page, selector: str) -> dict:
    found = page.evaluate(BOX, selector)
    assert found is not None, f"{selector} is not on the page"
    return found


@pytest.mark.parametrize("persona_id", ["tried_once_or_twice", "weekend_alcohol_often_more"])
def test_first_screen_holds_the_level_its_basis_and_the_first_step(page: Page, server: str, content: Content,
                                                                    persona_id: str):
    persona, result = check_as(page, server, content, persona_id)
    level = page.locator(".st-key-result_level")
    assert level.locator("h1").inner_text().strip() == result.tier_label
    text = level.inner_text()
    assert basis_line(content, result) in text and "This is not a diagnosis." in text
    # The basis names the published measure: criteria met of those asked.
    assert f"{result.criteria.met} of {result.criteria.total} signs of a use problem" in text
    # The first step is on the first screen, below the level: the most important line of feedback
    # (for the weekend drinker, the mixing warning) or the level's advice.
    first_important = next((f for f in result.feedback if f.important), None)
    if first_important is not None:
        assert "alcohol" in first_important.text.lower() or persona_id != "weekend_alcohol_often_more"
        selector = f".st-key-feedback_first_{first_important.id}"
        assert first_important.text.split(".")[0] in page.locator(selector).inner_text()
        assert box(page, selector)["top"] < HEIGHT
    assert box(page, ".st-key-result_level")["bottom"] < HEIGHT
    main = page.get_by_test_id("stMain").inner_text()
    assert "residential" not in main.lower()  # no specialist script for one or two criteria


def test_a_calm_result_fits_three_screens_before_anything_is_opened(page: Page, server: str, content: Content):
    check_as(page, server, content, "tried_once_or_twice")
    height = page.evaluate(PAGE_HEIGHT)
    assert height <= 3 * HEIGHT, f"the result is {height} px tall on an {HEIGHT} px screen"


def test_a_same_day_flag_leads_with_same_day_help_and_keeps_the_emergency_number_for_worse(
        page: Page, server: str, content: Content):
    persona, result = check_as(page, server, content, "blood_in_urine_recent")
    assert [f.urgency for f in result.red_flags] == ["same_day"]
    panel = page.locator(".st-key-emergency_panel")
    assert panel.locator("h2").first.inner_text().strip() == "Get help today"
    first_contact = result.red_flags[0].contacts[0]
    assert first_contact.type != "emergency"
    first = page.evaluate(FIRST_HELP)
    assert first_contact.name in first["text"], first
    emergency = next(r for r in content.regions[persona["region"]].resources if r.type == "emergency")
    worse = panel.get_by_role("link", name=f"If it gets worse, call {emergency.phone}: {emergency.name}")
    assert worse.count() == 1


def test_in_danger_now_shows_help_first_and_no_go_deeper_offers(page: Page, server: str, content: Content):
    persona, result = check_as(page, server, content, "suicidal_thoughts_now")
    assert result.in_danger_now and result.red_flags[0].urgency == "emergency"
    emergency = next(r for r in content.regions["UK"].resources if r.type == "emergency")
    first = page.evaluate(FIRST_HELP)
    assert first["href"] == referral.tel_link(emergency.phone), first
    panel, level = box(page, ".st-key-emergency_panel"), box(page, ".st-key-result_level")
    assert panel["top"] < level["top"] and panel["top"] < HEIGHT
    main = page.get_by_test_id("stMain")
    assert main.get_by_role("heading", name="Go deeper").count() == 0
    assert main.locator("[class*='st-key-module_']").count() == 0


def test_a_red_flag_answered_early_still_opens_the_result_at_the_emergency_panel(
        page: Page, server: str, content: Content):
    """Every answer at its worst, red flags first. The panel came into view when the first flag was
    answered; later questions came into view below it, scrolling it away. The result page must
    open at the panel, under the quick exit, not where the check page was scrolled to."""
    start_check(page, server, content, audience="self", region="UK")

    def worst(item: Item) -> Any:
        flagged = [o for o in item.options if o.red_flag]
        top = flagged[0] if flagged else max((o for o in item.options if not o.exclusive), key=lambda o: o.level)
        return [top.value] if item.multiple else top.value

    complete_check(page, content, worst)
    assert page.locator(".st-key-emergency_panel").count() == 1
    page.wait_for_function(PANEL_IN_VIEW, timeout=5000)


def test_a_loved_one_can_answer_dont_know_to_prescribed_and_the_result_says_how_it_was_read(
        page: Page, server: str, content: Content):
    open_app(page, server + "/start")
    page.locator(".st-key-pick_audience_other button").click()
    dont_know = page.locator(f".st-key-pick_prescribed_{DONT_KNOW} button")
    dont_know.wait_for()
    assert dont_know.inner_text().strip() == content.dont_know.label
    persona, result = check_as(page, server, content, "parent_dont_know_prescribed")
    assert result.prescribed_known is False and result.criteria.met == persona["criteria"]
    # Why tolerance counted is said under "Why am I seeing this?", in the engine's own words.
    page.get_by_text("Why am I seeing this?", exact=True).click()
    reason = next(r for r in result.reasons if "did not know whether" in r)
    page.get_by_test_id("stMain").get_by_text(reason.split(",")[0], exact=False).wait_for()

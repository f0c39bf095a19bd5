"""axe-core finds nothing on the pages a person goes through (the static first screen, the app's
start page, a question, a question with the emergency panel, the result, help, learn), on a phone
and on a desktop screen.

axe is injected with `page.evaluate` (a `<script>` tag would be blocked by the app's CSP)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import axe_playwright_python
import pytest
from playwright.sync_api import Browser, Page

from ketacheck.loader import Content

from .conftest import (
    DESKTOP,
    PHONE,
    button,
    choose_on_first_screen,
    click_to,
    complete_check,
    go_to,
    no_red_flag_else,
    open_first_screen,
    start_check,
    wait_for_app,
)

AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
PAGES = ["first screen", "first screen, choices made", "start", "question", "emergency", "result", "help", "learn"]

RUN_AXE = """async () => {
  const results = await axe.run(document, { resultTypes: ['violations'] });
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({ target: n.target.join(' '), html: n.html.slice(0, 160), summary: n.failureSummary })),
  }));
}"""


def axe(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS)
    return page.evaluate(RUN_AXE)


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s)")
        for node in v["nodes"][:4]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}\n      {node['html']}\n      {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def axe_report(request: pytest.FixtureRequest, browser: Browser, server: str,
               content: Content) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """One walk through the app per screen size, axe run on each page on the way."""
    context = browser.new_context(**VIEWPORTS[request.param])
    page = context.new_page()
    report: dict[str, list[dict[str, Any]]] = {}
    try:
        open_first_screen(page, server)
        report["first screen"] = axe(page)
        choose_on_first_screen(page, "other", "dont_know")  # the loved one's "Don't know" shows
        report["first screen, choices made"] = axe(page)

        page.goto(server + "/start")
        wait_for_app(page)
        report["start"] = axe(page)

        start_check(page, server, content, audience="self")
        report["question"] = axe(page)

        button(page, "answer_safety.now_2").click()  # red flag: the emergency panel shows
        page.locator(".st-key-emergency_panel").wait_for()
        wait_for_app(page)
        report["emergency"] = axe(page)
        button(page, "answer_safety.now_2").click()  # untick, then a whole check without red flags
        page.locator(".st-key-emergency_panel").wait_for(state="detached")

        complete_check(page, content, no_red_flag_else(lambda item: item.max_level))
        report["result"] = axe(page)

        click_to(page, "to_help", server, "/help")
        report["help"] = axe(page)

        go_to(page, "Learn")
        report["learn"] = axe(page)
        yield report
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations(axe_report: dict[str, list[dict[str, Any]]], name: str):
    violations = axe_report[name]
    assert violations == [], f"axe-core on the {name} page:\n{describe(violations)}"

"""The result a person sees after a whole check on a phone is the engine's result for the same
answers: the level, the reasons, "not a diagnosis", and charts that actually render."""

from __future__ import annotations

import re

from ketacheck import charts, scoring, submission
from ketacheck.loader import Content

from .conftest import PHONE, RecordedCheck


def engine_result(record: RecordedCheck, content: Content) -> scoring.Result:
    doc = {"audience": "self", "region": record.region, "prescribed": False, "sex": "unspecified",
           "answers": record.answers}
    return scoring.score(submission.parse(doc, content), content)


def plain(markdown: str) -> str:
    return re.sub(r"[*_`]", "", markdown)


def test_result_shows_the_engines_level_and_not_a_diagnosis(recorded_check: RecordedCheck, content: Content):
    page = recorded_check.page
    assert page is not None
    expected = engine_result(recorded_check, content)
    # The level is the page's first heading (no red flag was answered, so no emergency panel above it).
    heading = page.locator("[data-testid='stMain']").locator("h1, h2, h3").first
    assert heading.inner_text().strip() == expected.tier_label
    assert heading.is_visible()
    assert "This is not a diagnosis." in page.locator("[data-testid='stMain']").inner_text()
    # The reasons are folded under "Why am I seeing this?", below the level: one tap opens them.
    why = page.get_by_test_id("stExpander").filter(has_text="Why am I seeing this?")
    assert heading.bounding_box()["y"] < why.bounding_box()["y"]
    why.locator("summary").click()  # drawn once opened: wait for the last reason's bullet
    why.locator("li").nth(len(expected.reasons) - 1).wait_for()
    text = why.inner_text()
    for reason in expected.reasons:
        assert plain(reason) in text, reason


def test_result_charts_render_and_fit_the_phone(recorded_check: RecordedCheck, content: Content):
    page = recorded_check.page
    assert page is not None
    expected = charts.all_charts(engine_result(recorded_check, content), content)
    # Folded under "The answers in pictures" since the FRAMES result page: one tap opens them.
    pictures = page.get_by_test_id("stExpander").filter(has_text="The answers in pictures")
    if pictures.locator("details[open]").count() == 0:
        pictures.locator("summary").click()
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    plots = page.locator(".js-plotly-plot")
    assert plots.count() == len(expected) >= 2
    width = PHONE["viewport"]["width"]
    for n in range(plots.count()):
        plot = plots.nth(n)
        plot.scroll_into_view_if_needed()
        box = plot.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100, (n, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (n, box)
        # Drawn, not just a placeholder: plotly's SVG with at least one trace in it.
        assert plot.locator(".main-svg").count() >= 1
        assert plot.locator(".plot .trace, .plot path, .barlayer .point").count() >= 1, n
    for chart in expected:
        assert page.get_by_text(chart.title, exact=True).count() >= 1, chart.title


def test_the_warning_signs_and_the_files_are_there_once_their_section_is_opened(
        recorded_check: RecordedCheck, content: Content):
    """Drawn only while open (they were half the result page's server time): one tap on a title
    brings each sign with its strength and its source, or the five files."""
    page = recorded_check.page
    assert page is not None
    expected = engine_result(recorded_check, content)
    assert expected.signs  # the recorded check shows some
    signs = page.get_by_test_id("stExpander").filter(has_text="Warning signs in the answers")
    signs.locator("summary").click()
    for match in expected.signs:
        signs.get_by_text(f"{match.name}: strength {round(match.strength * 100)}%").wait_for()
    assert signs.get_by_text("Source:").count() == len(expected.signs)
    files = page.get_by_test_id("stExpander").filter(has_text="Take it with you")
    files.locator("summary").click()
    files.get_by_test_id("stDownloadButton").nth(4).wait_for()
    assert files.get_by_test_id("stDownloadButton").count() == 5

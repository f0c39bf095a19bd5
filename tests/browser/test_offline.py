"""Offline and server down: the installed app still opens, on a page with every region's emergency
numbers that says the check itself needs a connection."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page

from benchmarks.servers import ServerProcess
from ketacheck import referral
from ketacheck.loader import Content

from .conftest import PHONE, open_first_screen


def wait_until_controlled(page: Page) -> None:
    """The worker installed (offline page cached) and controlling this page."""
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        page.reload()
        page.wait_for_load_state()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def assert_offline_help(page: Page, content: Content) -> None:
    """What a person sees: the help card, not a browser error, with every region's numbers."""
    assert page.locator("h1").inner_text() == "Emergency and crisis numbers"
    text = page.locator("body").inner_text()
    assert "needs a connection" in text
    assert "If someone is unresponsive" in text
    links = page.locator("a[href^='tel:']")
    hrefs = set(links.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    for region in content.regions.values():
        section = page.locator("section").filter(has=page.locator(f"h2#{region.id}"))
        assert section.locator("h2").inner_text() == region.name
        emergency = [r for r in region.resources if r.type == "emergency"]
        assert emergency, region.id
        for res in referral.emergency_contacts(content, region.id):
            if res.phone:
                assert res.phone in section.inner_text(), (region.id, res.name, res.phone)
                assert section.locator(f"a[href='{referral.tel_link(res.phone)}']").count() == 1, (region.id, res.phone)
        assert referral.tel_link(emergency[0].phone) in hrefs


def test_offline_the_app_opens_on_the_emergency_numbers_page(page: Page, server: str, content: Content):
    open_first_screen(page, server)
    wait_until_controlled(page)

    page.context.set_offline(True)
    try:
        page.reload()
        assert_offline_help(page, content)
        # A deep link (an installed app reopening on the check) falls back the same way.
        page.goto(server + "/check")
        assert_offline_help(page, content)
    finally:
        page.context.set_offline(False)


def test_server_down_the_app_still_opens_on_the_emergency_numbers_page(
        browser: Browser, server_factory: Callable[[], ServerProcess], content: Content):
    own = server_factory()  # its own server, so stopping it does not touch the shared one
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        open_first_screen(page, own.url)
        wait_until_controlled(page)

        own.stop()
        assert own.proc is not None and own.proc.poll() is not None, "the server should be stopped"

        page.reload()
        assert_offline_help(page, content)
        page.goto(own.url + "/result")
        assert_offline_help(page, content)
        # The help card's own links still work: 'Try KetaCheck again' leads back to the same card.
        page.get_by_role("link", name="Try KetaCheck again").click()
        page.wait_for_load_state()
        assert_offline_help(page, content)
    finally:
        context.close()


def test_offline_page_is_reachable_online_too(page: Page, server: str, content: Content):
    """The shell links to it before any script runs ("In danger now?"), so it must work online."""
    response = page.goto(server + "/offline.html")
    assert response is not None and response.status == 200
    assert_offline_help(page, content)

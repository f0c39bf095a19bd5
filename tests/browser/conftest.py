"""Browser tests: the real server (as `make run` starts it) driven by Debian's Chromium through
Playwright, the way a person meets KetaCheck on a phone.

- `server`: one server for all browser tests (only the server-down test starts its own).
- `browser`: one Chromium for all browser tests; `context` / `page`: fresh per test, phone-sized.
  Package-scoped, not session-scoped: sync Playwright keeps an asyncio loop running while it is
  open, and the tests collected after this package call `asyncio.run()`.
- `wait_for_app(page)`: Streamlit's own `wait_for_app_run` (e2e_playwright/conftest.py).
- `complete_check(page, content, choose)`: answers every question by clicking, returns the answers.

Chromium is never downloaded: it must be at /usr/bin/chromium (`make chromium` installs it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from benchmarks import first_load
from benchmarks.servers import ServerProcess
from ketacheck import referral
from ketacheck.loader import Content
from ketacheck.model import Item

ROOT = Path(__file__).resolve().parents[2]
# The same Chromium, flags and phone as the first-load benchmark.
CHROMIUM = Path(first_load.CHROMIUM)
CHROMIUM_ARGS = first_load.CHROMIUM_ARGS
PHONE = first_load.PHONE
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}, "locale": "en-US"}


# --- the server ----------------------------------------------------------------------------------

@pytest.fixture(scope="package")
def server_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], ServerProcess]]:
    """Starts servers on demand (as `make run` does, on free ports) and stops every one of them
    when the browser tests are done."""
    started: list[ServerProcess] = []

    def start() -> ServerProcess:
        server = ServerProcess(tmp_path_factory.mktemp("server-logs"))
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="package")
def server(server_factory: Callable[[], ServerProcess]) -> str:
    """Base URL of the server all browser tests share, e.g. http://127.0.0.1:54321."""
    return server_factory().url


# --- the browser ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable. Missing: fail loudly (never skip, never download)."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with 'sudo apt-get install chromium' "
                    "(or 'make chromium'); the browser tests never download one.", pytrace=False)
    return str(CHROMIUM)


@pytest.fixture(scope="package")
def pw() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(pw: Playwright, chromium: str) -> Iterator[Browser]:
    browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture()
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(**PHONE)
    yield context
    context.close()


@pytest.fixture()
def page(context: BrowserContext) -> Page:
    return context.new_page()


# --- helpers -------------------------------------------------------------------------------------

def key_class(key: str) -> str:
    """Streamlit's CSS class for a widget key: `.st-key-<key>`, other characters turned into '-'."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key)


def by_key(page: Page, key: str) -> Locator:
    return page.locator("." + key_class(key))


def button(page: Page, key: str) -> Locator:
    """The visible button with this key: one of the question element's (`button[data-key=...]`,
    drawn by ketacheck/ui/assets/question.js: answers, Back, Next, "Stop here", Clear) or of
    `st.button(key=...)` everywhere else. (A Streamlit button with `help=` also renders a hidden twin.)"""
    return page.locator(f".{key_class(key)} button:visible, button[data-key={quoted(key)}]")


def quoted(text: str) -> str:
    """A CSS string: `text` in double quotes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def chosen(page: Page, key: str) -> Locator:
    """The button with this key if it is the chosen answer or choice (checked, as assistive
    technology is told: the question element's answers and /assist.js's start-page choices)."""
    return page.locator(f".{key_class(key)} button[aria-checked='true'], button[data-key={quoted(key)}][aria-checked='true']")


# In the page: the visible control with this key (the question element's or a Streamlit widget's).
FIND_CONTROL = """(key) => [...document.querySelectorAll('button[data-key]')].find(b => b.dataset.key === key)
  || [...document.querySelectorAll('.st-key-' + key.replace(/[^a-zA-Z0-9_-]/g, '-') + ' button')]
       .find(b => b.checkVisibility())"""

# The question on screen: its block, progress line and answer group (assets/question.js).
QUESTION = ".kc-question"
PROGRESS = ".kc-progress"
ANSWER_BUTTONS = ".kc-answers button[data-key^='answer_']"


def wait_for_app(page: Page, initial_wait: int = 210) -> None:
    """Streamlit's `wait_for_app_run`: connected, the script not running, no skeleton left."""
    if initial_wait:
        page.wait_for_timeout(initial_wait)
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"], [data-stale=\"true\"]')")


# What shows once each page has really arrived (after `st.switch_page` the URL changes before the
# new page's elements do, and the script state can read 'notRunning' in between).
READY = {
    "/start": ".st-key-pick_audience_self",  # the app's own start page (`/` is the static first screen)
    "/check": ".kc-progress, .st-key-see_result, [data-testid='stAlertContainer']",
    "/result": ".st-key-result_level, .st-key-start_from_result",  # the charts are folded away now
    "/help": "h1#help",
    "/learn": "h1#learn",
    "/family": "h1",
    "/clinician": "h1#clinician-summary",
}


def arrive(page: Page, server: str, path: str) -> None:
    """Wait until the app is on `path` with that page drawn and the script finished."""
    page.wait_for_url(server + path)
    page.wait_for_selector(READY[path])
    wait_for_app(page)


def click_to(page: Page, key: str, server: str, path: str) -> None:
    """Click a button that switches page, and wait for the new page."""
    button(page, key).click()
    arrive(page, server, path)


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


def click(page: Page, key: str) -> None:
    button(page, key).click()
    wait_for_app(page)


PATHS = {"Check": "/check", "Result": "/result", "Help": "/help", "Learn": "/learn", "For you": "/family",
         "Clinician": "/clinician"}


def go_to(page: Page, title: str) -> None:
    """In-app navigation (same session): one tap on the labelled link row every page has."""
    page.locator(".st-key-page_links").get_by_role("link", name=title, exact=True).click()
    server = re.match(r"https?://[^/]+", page.url).group(0)
    arrive(page, server, PATHS[title])


SCROLL_SETTLED = """() => new Promise(resolve => {
  const main = document.querySelector('[data-testid="stMain"]');
  let last = -1, still = 0;
  const tick = () => {
    still = main.scrollTop === last ? still + 1 : 0;
    last = main.scrollTop;
    if (still >= 5) resolve(); else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})"""


def choose_region(page: Page, content: Content, region: str, key: str = "start_region") -> None:
    """Pick a region in the selectbox (a react-aria combobox): type its name, open the list, tap the
    option. (Tapping the arrow first can scroll the page, and the list closes when the page scrolls.)"""
    name = content.regions[region].name
    box = by_key(page, key)
    field = box.locator("input")
    option = page.get_by_role("option", name=name, exact=True)
    field.scroll_into_view_if_needed()
    page.evaluate(SCROLL_SETTLED)
    for _ in range(3):
        field.fill(name)
        page.keyboard.press("ArrowDown")
        try:
            option.wait_for(timeout=3000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")  # the list closed (a late scroll): try again
    option.click()
    wait_for_app(page)
    assert box.locator("input").input_value() == name
    # The app took it: the crisis line at the top now has this region's emergency number.
    emergency = next(r for r in content.regions[region].resources if r.type == "emergency")
    page.get_by_test_id("stMain").locator(f"a[href='{referral.tel_link(emergency.phone)}']").first.wait_for()


def region_shown(page: Page, content: Content, key: str = "start_region") -> str:
    name = by_key(page, key).locator("input").input_value()
    return next(r.id for r in content.regions.values() if r.name == name)


CURRENT_ANSWERS = """() => [...document.querySelectorAll(".kc-answers button[data-key^='answer_']")]
    .map(b => (b.dataset.key.match(/^answer_(.+)_(\\d+|dont_know)$/) || []).slice(1))
    .filter(m => m.length)"""


def current_question(page: Page, content: Content) -> Item:
    """The question on screen, read from its answer buttons' keys (`answer_<item id>_<value>`)."""
    shown_ids = {m[0] for m in page.evaluate(CURRENT_ANSWERS)}
    assert len(shown_ids) == 1, f"expected one question on screen, found answer keys for {shown_ids}"
    (shown,) = shown_ids
    assert shown in content.items, shown
    return content.items[shown]


# Moved on: the answer's button is gone, and the next question (or the result page) is there.
ANSWERED = ("(key) => document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning'"
            " && ![...document.querySelectorAll('button[data-key]')].some(b => b.dataset.key === key)"
            " && (!!document.querySelector(\".kc-answers button[data-key^='answer_']\")"
            " || location.pathname.endsWith('/result'))")


def answer(page: Page, item: Item, value: Any) -> int:
    """Answer the question on screen and wait until the app has moved on (its buttons are gone):
    one tap for a single answer, "Don't know" or "None of these"; for several answers (a list) a
    tap on each, then Continue. Returns the number of taps."""
    if isinstance(value, list) and not (len(value) == 1 and item.option(value[0]).exclusive):
        for v in value:
            button(page, f"answer_{item.id}_{v}").click()
            chosen(page, f"answer_{item.id}_{v}").wait_for()
        button(page, "nav_next").click()
        taps = len(value) + 1
    else:
        button(page, f"answer_{item.id}_{value[0] if isinstance(value, list) else value}").click()
        taps = 1
    last = value[-1] if isinstance(value, list) else value
    page.wait_for_function(ANSWERED, arg=f"answer_{item.id}_{last}")
    return taps


def no_red_flag_else(level: Callable[[Item], int]) -> Callable[[Item], Any]:
    """A chooser: no red flag anywhere ("None of these" / "No"), `level(item)` (capped) elsewhere;
    a multiple-choice answer is a list."""
    def choose(item: Item) -> Any:
        safe = [o for o in item.options if not o.red_flag]
        wanted = 0 if item.red_flags else level(item)
        option = max((o for o in safe if o.level <= wanted), key=lambda o: o.level)
        return [option.value] if item.multiple else option.value
    return choose


def mixed_answers(item: Item) -> Any:
    """Deterministic, varied answers (not all low, not all high), never a red flag."""
    return no_red_flag_else(lambda i: sum(map(ord, i.id)) % (i.max_level + 1))(item)


def on_result(page: Page) -> bool:
    return page.url.endswith("/result")


def complete_check(page: Page, content: Content, choose: Callable[[Item], Any] = mixed_answers,
                   answers: dict[str, Any] | None = None) -> dict[str, Any]:
    """From a question page, answer every question until the result arrives (it comes by itself
    after the last one). Returns every answer given (added to `answers` if passed), by item id."""
    answers = {} if answers is None else answers
    for _ in range(len(content.items) + 5):
        if on_result(page):
            server = re.match(r"https?://[^/]+", page.url).group(0)
            arrive(page, server, "/result")
            return answers
        item = current_question(page, content)
        value = choose(item)
        answer(page, item, value)
        answers[item.id] = value
    raise AssertionError(f"the check never finished; answered {list(answers)}")


FIRST_QUESTION = ANSWER_BUTTONS


def open_first_screen(page: Page, url: str) -> None:
    """The static first screen at `/` (ketacheck/web/start_page.py), its script run."""
    page.goto(url + "/")
    page.wait_for_function("() => document.getElementById('kc-start').hasAttribute('aria-disabled')")


def choose_on_first_screen(page: Page, audience: str, prescribed: bool | str, region: str | None = None) -> str:
    """Tap the choices on the first screen; returns the region it shows (by default the guessed one)."""
    page.locator(f"input[name=audience][value={audience}]").check()
    page.locator(f"input[name=prescribed][value={str(prescribed).lower()}]").check()
    if region:
        page.select_option("#kc-region", region)
    return page.locator("#kc-region").input_value()


def start_check(page: Page, url: str, content: Content, audience: str = "self", prescribed: bool | str = False,
                region: str | None = None) -> str:
    """First screen → audience → prescribed (→ region) → Start → the first question (intake: via the
    app's start page, where the modules are). Returns the region the first screen showed (by
    default the one guessed from the browser's language)."""
    open_first_screen(page, url)
    shown = choose_on_first_screen(page, audience, prescribed, region)
    page.locator("#kc-start").click()
    if audience == "intake":
        arrive(page, url, "/start")
        page.locator(".st-key-start_check button:not([disabled])").wait_for()
        click_to(page, "start_check", url, "/check")
    else:
        arrive(page, url, "/check")
    page.wait_for_selector(FIRST_QUESTION)
    wait_for_app(page)
    assert page.evaluate(CURRENT_ANSWERS), "the first question did not show"
    return shown


# --- one full check, recorded, shared by the privacy and result tests ---------------------------

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}`
    + ` at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.disposition} ${e.sample} on ${location.pathname}`);
});
"""


class RecordedCheck:
    """Everything a full check did on the wire and in the console, from the start page to the result."""

    def __init__(self) -> None:
        self.requests: list[str] = []  # every HTTP(S) request, the page's and the service worker's
        self.websockets: list[str] = []
        self.console: list[str] = []
        self.csp_violations: list[str] = []
        self.answers: dict[str, Any] = {}
        self.region = ""
        self.page: Page | None = None


@pytest.fixture(scope="package")
def recorded_check(browser: Browser, server: str, content: Content) -> Iterator[RecordedCheck]:
    """A person on a phone: start page, 'Myself', not prescribed, every question, the result."""
    record = RecordedCheck()
    context = browser.new_context(**PHONE)
    context.add_init_script(CSP_LISTENER)
    context.on("request", lambda request: record.requests.append(request.url))
    page = context.new_page()
    page.on("websocket", lambda ws: record.websockets.append(ws.url))
    page.on("console", lambda msg: record.console.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda error: record.console.append(f"pageerror: {error}"))
    try:
        record.region = start_check(page, server, content, audience="self", prescribed=False)
        complete_check(page, content, answers=record.answers)
        record.csp_violations = page.evaluate("() => window.__cspViolations")
        record.page = page
        yield record
    finally:
        context.close()

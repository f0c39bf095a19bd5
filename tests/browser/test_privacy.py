"""Private: a whole check (phone, start page to result) talks only to KetaCheck's own server, breaks
no Content-Security-Policy, and never puts an answer in a URL."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ketacheck.loader import Content

from .conftest import RecordedCheck

# Streamlit's protobuf bundle embeds long.js, which tries to compile a tiny WebAssembly helper inside
# try/catch and falls back to plain JavaScript when `script-src` has no 'wasm-unsafe-eval'. The
# browser reports that as a violation event (not a console message); nothing the person sees changes.
KNOWN_VIOLATION = re.compile(r"^script-src blocked wasm-eval at \S+/static/js/protobuf\.[\w-]+\.js:")


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_every_request_goes_to_the_apps_own_origin(recorded_check: RecordedCheck, server: str):
    assert len(recorded_check.requests) > 20, "the recording missed the page's requests"
    elsewhere = sorted({url for url in recorded_check.requests if origin(url) != server})
    assert elsewhere == [], f"requests left the app's origin: {elsewhere}"


def test_the_only_websocket_is_the_apps_own(recorded_check: RecordedCheck, server: str):
    own = server.replace("http://", "ws://", 1)
    assert recorded_check.websockets, "no websocket was seen"
    assert {origin(url) for url in recorded_check.websockets} == {own}
    assert {urlsplit(url).path for url in recorded_check.websockets} == {"/_stcore/stream"}


def test_no_content_security_policy_errors(recorded_check: RecordedCheck):
    csp = [m for m in recorded_check.console
           if "content security policy" in m.lower() or "refused to" in m.lower()]
    assert csp == []
    unexpected = [v for v in recorded_check.csp_violations if not KNOWN_VIOLATION.match(v)]
    assert unexpected == []


def test_no_script_errors_in_the_console(recorded_check: RecordedCheck):
    assert [m for m in recorded_check.console if m.startswith("pageerror")] == []


def test_answers_never_appear_in_a_url(recorded_check: RecordedCheck, content: Content):
    answers = recorded_check.answers
    assert len(answers) == 15  # the whole core was answered
    urls = recorded_check.requests + recorded_check.websockets
    with_query = sorted({url for url in urls if urlsplit(url).query})
    assert with_query == [], f"requests carrying a query string: {with_query}"
    # Nor in a path: no item id, in any spelling, is part of any URL.
    spellings = {s for item_id in answers for s in (item_id, item_id.replace(".", "-"), item_id.replace(".", "_"))}
    leaked = sorted({url for url in urls for s in spellings if s in url})
    assert leaked == [], leaked
    assert recorded_check.page is not None
    assert "?" not in recorded_check.page.url and "#" not in recorded_check.page.url

"""What the server sends, over real HTTP: security headers on every response, the HTML shell on
every page (even when the browser accepts gzip), robots.txt, and no metrics endpoint."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest

from ketacheck.web.pwa import QUICK_EXIT_URL

BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate, br",
}
HTML_PAGES = ["/", "/start", "/check", "/result", "/help", "/learn"]
APP_PAGES = HTML_PAGES[1:]  # Streamlit's index.html, rewritten (`/` is the static first screen)


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


class Page(HTMLParser):
    """The tags that matter, and the text inside <div id="root"> (the server-rendered shell)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.root_depth = 0
        self.root_text: list[str] = []
        self.root_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append((tag, values))
        if self.root_depth:
            if tag not in ("br", "img", "meta", "link", "input"):
                self.root_depth += 1
            if tag == "a":
                self.root_links.append(values.get("href", ""))
        elif tag == "div" and values.get("id") == "root":
            self.root_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.root_depth:
            self.root_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.root_depth:
            self.root_text.append(data)

    def find(self, tag: str, **attrs: str) -> dict[str, str] | None:
        return next((a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())), None)


def parse(body: bytes) -> Page:
    page = Page()
    page.feed(body.decode("utf-8"))
    return page


@pytest.fixture(scope="module")
def static_js(server: str) -> str:
    """A script Streamlit's index.html loads (its hashed bundle)."""
    _, _, body = get(server + "/check", BROWSER_HEADERS)
    sources = [a["src"] for t, a in parse(body).tags if t == "script" and "static/js/" in a.get("src", "")]
    assert sources, "no /static/js/ script in the HTML"
    return urljoin(server + "/", sources[0]).removeprefix(server)


def assert_security_headers(headers: dict[str, str], what: str) -> None:
    csp = headers.get("content-security-policy", "")
    assert csp, f"{what}: no Content-Security-Policy"
    assert not re.search(r"https?:", csp), f"{what}: the CSP names an origin: {csp}"
    assert "frame-ancestors 'none'" in csp, what
    assert "default-src 'self'" in csp, what
    assert headers.get("referrer-policy") == "no-referrer", what
    assert headers.get("x-content-type-options") == "nosniff", what
    permissions = headers.get("permissions-policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions, f"{what}: Permissions-Policy lacks {feature}: {permissions!r}"


@pytest.mark.parametrize("path", ["/", "/check", "STATIC_JS", "/app.webmanifest", "/sw.js", "/offline.html",
                                  "/icons/icon-192.png", "/robots.txt", "/_stcore/health", "/_stcore/metrics"])
def test_security_headers_on_every_response(server: str, static_js: str, path: str):
    path = static_js if path == "STATIC_JS" else path
    for headers in (BROWSER_HEADERS, {}):
        status, response_headers, _ = get(server + path, headers)
        assert status in (200, 404), (path, status)
        assert_security_headers(response_headers, f"{path} (Accept: {headers.get('Accept', 'none')})")


def test_static_bundle_is_served_as_javascript(server: str, static_js: str):
    status, headers, body = get(server + static_js, BROWSER_HEADERS)
    assert status == 200 and body
    assert headers["content-type"].split(";")[0] in ("text/javascript", "application/javascript")


@pytest.mark.parametrize("path", APP_PAGES)
def test_every_page_arrives_as_our_shell_even_when_gzip_is_accepted(server: str, path: str):
    status, headers, body = get(server + path, BROWSER_HEADERS)
    assert status == 200 and headers["content-type"].startswith("text/html")
    # The gzip trap: a compressed page would have slipped past the rewrite.
    assert headers.get("content-encoding", "identity") == "identity", headers.get("content-encoding")
    assert int(headers["content-length"]) == len(body)
    assert b"<!doctype html>" in body[:2000].lower()
    page = parse(body)
    assert page.find("html", lang="en") is not None, "<html lang=\"en\"> missing"
    manifest = page.find("link", rel="manifest")
    assert manifest and manifest["href"] == "/app.webmanifest"
    theme = page.find("meta", name="theme-color")
    assert theme and re.fullmatch(r"#[0-9A-Fa-f]{6}", theme["content"])
    touch_icon = page.find("link", rel="apple-touch-icon")
    assert touch_icon and touch_icon["href"].startswith("/icons/")
    description = page.find("meta", name="description")
    assert description and "ketamine" in description["content"] and "Not a diagnosis" in description["content"]
    assert page.find("script", src="/pwa.js") is not None
    # The shell people see before any script runs: the name and the way to crisis numbers.
    shell = " ".join(" ".join(page.root_text).split())
    assert "KetaCheck" in shell, shell
    assert "/offline.html" in page.root_links, page.root_links
    assert b"<title>KetaCheck</title>" in body


def test_the_first_screen_arrives_compressed_whole_and_with_the_pwa_tags(server: str):
    import gzip

    status, headers, body = get(server + "/", BROWSER_HEADERS)
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert headers.get("content-encoding") == "gzip" and int(headers["content-length"]) == len(body)
    assert "accept-encoding" in headers.get("vary", "").lower()
    html = gzip.decompress(body)
    assert len(body) < 8 * 1024  # a phone on a slow network gets it in one or two round trips
    page = parse(html)
    assert page.find("html", lang="en") is not None
    assert page.find("link", rel="manifest")["href"] == "/app.webmanifest"
    assert page.find("script", src="/pwa.js") is not None and page.find("script", src="/start.js") is not None
    assert page.find("meta", name="referrer")["content"] == "no-referrer"
    # No web fonts, no other origin: every link and source is this site's own (or a phone number).
    for _, attrs in page.tags:
        for name in ("href", "src"):
            value = attrs.get(name) or ""
            assert not value.startswith(("http:", "https:", "//")) or value == QUICK_EXIT_URL, value
    assert b"@font-face" not in html and b"woff" not in html
    status, headers, plain = get(server + "/", {"Accept": "text/html"})
    assert headers.get("content-encoding", "identity") == "identity" and gzip.decompress(body) == plain


def test_robots_txt_is_plain_text(server: str):
    status, headers, body = get(server + "/robots.txt", BROWSER_HEADERS)
    assert status == 200
    assert headers["content-type"].startswith("text/plain")
    assert body.startswith(b"User-agent:") and b"<html" not in body.lower()


def test_metrics_endpoint_is_not_served(server: str):
    for path in ("/_stcore/metrics", "/_stcore/metrics/"):
        status, _, body = get(server + path, {"Accept": "*/*"})
        assert status == 404, (path, status)
        assert b"session" not in body

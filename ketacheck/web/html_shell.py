"""The HTML every page starts as: our name, language, PWA tags and a crisis link that show before
any script runs.

Streamlit serves one index.html for `/` and every deep link (`/check`, `/result`, ...). This pure
ASGI middleware rewrites it on the way out. The gzip trap: Streamlit compresses deep links when the
browser accepts gzip, so the middleware removes `accept-encoding` from HTML requests first; otherwise
the rewrite would silently find nothing to replace.
"""

from __future__ import annotations

from html import escape

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ketacheck.translations import N_


LANG = "en"
NAME = "KetaCheck"
DESCRIPTION = N_(
    "A private check on ketamine use for yourself, someone you care about, or a clinic intake. "
    "Not a diagnosis; nothing you answer is stored."
)
THEME_COLOR = "#1F5F8B"

HEAD_TAGS = f"""
    <meta name="description" content="{escape(DESCRIPTION)}" />
    <meta name="theme-color" content="{THEME_COLOR}" />
    <meta name="referrer" content="no-referrer" />
    <link rel="manifest" href="/app.webmanifest" />
    <link rel="icon" type="image/svg+xml" href="/icons/icon.svg" />
    <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
    <meta name="apple-mobile-web-app-title" content="{NAME}" />
    <link rel="stylesheet" href="/kc.css" />
    <script src="/pwa.js" defer></script>
    <script src="/assist.js" defer></script>
"""

# Inside #root, so React replaces it when the app renders; until then it is what people see.
SHELL = f"""<div class="kc-shell">
      <p class="kc-shell-name">{NAME}</p>
      <p>Loading a private check on ketamine use…</p>
      <p><a href="/offline.html">In danger now? Emergency and crisis numbers</a></p>
    </div>"""

# The app's styles (static/chrome.css) at the end of <body>: after the <style> tags Streamlit's
# emotion adds to <head>, so on equal specificity ours win, as they did when each run sent them.
BODY_TAGS = """
    <link rel="stylesheet" href="/chrome.css" />
"""

NOSCRIPT = f"""<noscript>
      <p>{NAME} needs JavaScript to run the check.</p>
      <p><a href="/offline.html">Emergency and crisis numbers for every region</a> work without it.</p>
    </noscript>"""


def rewrite(html: str) -> str:
    """Streamlit's index.html, made ours. Each replacement targets one known spot; any other HTML
    (our own offline page) passes unchanged."""
    if '<div id="root"></div>' not in html:
        return html
    html = html.replace('<html lang="en">', f'<html lang="{LANG}">', 1)
    html = html.replace("<title>Streamlit</title>", f"<title>{NAME}</title>", 1)
    html = html.replace('<link rel="service-desc" href="./_stcore/agent/openapi.json" />', "", 1)
    html = html.replace("</head>", HEAD_TAGS + "  </head>", 1)
    html = html.replace('<div id="root"></div>', f'<div id="root">{SHELL}</div>', 1)
    html = html.replace("</body>", BODY_TAGS + "  </body>", 1)
    start, end = html.find("<noscript>"), html.find("</noscript>")
    if start != -1 and end != -1:
        html = html[:start] + NOSCRIPT + html[end + len("</noscript>"):]
    return html


class HtmlShellMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # `/` is the static first screen (start_page.py), compressed by its own route.
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] == "/" or not _accepts_html(scope):
            await self.app(scope, receive, send)
            return
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]}
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                if not _is_html(message):
                    await send(message)
                return
            if start is None or not _is_html(start):
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = rewrite(b"".join(chunks).decode("utf-8")).encode("utf-8")
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered)


def _accepts_html(scope: Scope) -> bool:
    accept = next((v for k, v in scope["headers"] if k.lower() == b"accept"), b"")
    return b"text/html" in accept


def _is_html(start: Message) -> bool:
    """A whole HTML page: 200 only (a 206 Range reply is a slice whose Content-Range must still
    match its bytes), not already encoded."""
    ctype = next((v for k, v in start.get("headers", []) if k.lower() == b"content-type"), b"")
    encoding = next((v for k, v in start.get("headers", []) if k.lower() == b"content-encoding"), b"")
    return start.get("status", 200) == 200 and ctype.startswith(b"text/html") and not encoding

"""Security headers on every HTTP response, and the metrics endpoint kept on the machine.

Pure ASGI middleware (Starlette's BaseHTTPMiddleware has known streaming bugs).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import logging
import re
from pathlib import Path

from h11 import LocalProtocolError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)


def inline_script_hashes(index_html: str) -> list[str]:
    """CSP hashes of the inline scripts in Streamlit's index.html (only `prerenderReady` today)."""
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", index_html, flags=re.DOTALL)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts]


def content_security_policy(index_html: str) -> str:
    # No external origin anywhere: fonts, icons and scripts are all served by this server.
    script_src = " ".join(["'self'", *inline_script_hashes(index_html)])
    return "; ".join([
        "default-src 'self'",
        f"script-src {script_src}",
        "style-src 'self' 'unsafe-inline'",  # emotion (CSS-in-JS) injects <style> tags
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "manifest-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def streamlit_index_html() -> str:
    """Streamlit's bundled index.html, found without importing Streamlit."""
    spec = importlib.util.find_spec("streamlit")
    assert spec and spec.origin, "streamlit is not installed"
    return (Path(spec.origin).parent / "static" / "index.html").read_text(encoding="utf-8")


def security_headers(index_html: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", content_security_policy(index_html).encode()),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]


class SecurityHeadersMiddleware:
    """Adds the headers to every response, and answers 404 for Streamlit's unauthenticated
    /_stcore/metrics (nothing here needs it, and behind a proxy every request looks local)."""

    def __init__(self, app: ASGIApp, index_html: str | None = None) -> None:
        self.app = app
        self.headers = security_headers(index_html or streamlit_index_html())
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and "websocket.http.response" in scope.get("extensions", {}):
            await self.app(scope, receive, self._refusals_with_headers(send))
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].rstrip("/").endswith("/_stcore/metrics"):
            await _not_found(scope, receive, send, self.headers)
            return

        answered = False

        async def send_with_headers(message: Message) -> None:
            nonlocal answered
            if answered:
                return
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                message = {**message, "headers": kept + self.headers}
            try:
                await send(message)
            except LocalProtocolError:
                # The server has already answered this request itself (uvicorn replies 400 to a
                # malformed body, such as a broken chunked POST, while the app is running): there is
                # nothing left to send, and no reason for a 57-line traceback in the log.
                answered = True
                logger.info("dropped a response to a request the server had already refused (%s)", scope["path"][:80])

        await self.app(scope, receive, send_with_headers)


    def _refusals_with_headers(self, send: Send) -> Send:
        """A WebSocket refused before the upgrade (another site's page, Streamlit's own checks) is
        an HTTP 403 that uvicorn would send bare: send it here, with the headers (ASGI's
        websocket.http.response extension)."""
        state = {"upgraded": False, "answered": False}

        async def send_ws(message: Message) -> None:
            if state["answered"]:
                return
            if message["type"] == "websocket.accept":
                state["upgraded"] = True
            elif message["type"] == "websocket.close" and not state["upgraded"]:
                state["answered"] = True
                await send({"type": "websocket.http.response.start", "status": 403,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"0"),
                                        *self.headers]})
                await send({"type": "websocket.http.response.body", "body": b""})
                return
            elif message["type"] == "websocket.http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                message = {**message, "headers": kept + self.headers}
            await send(message)

        return send_ws


async def _not_found(scope: Scope, receive: Receive, send: Send, headers: list[tuple[bytes, bytes]]) -> None:
    body = b"Not found\n"
    await send({
        "type": "http.response.start",
        "status": 404,
        "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()), *headers],
    })
    await send({"type": "http.response.body", "body": body})

"""Gzip for Streamlit's script bundles.

Streamlit serves `/static/*` (2.7 MB of hashed, immutable JavaScript and CSS) uncompressed and leaves
compression to a proxy; on a phone that is most of the first load. The bundles never change under a
given name, so each is compressed once and kept (a few hundred KB in all).
"""

from __future__ import annotations

import gzip

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMPRESSIBLE = (b"javascript", b"text/css", b"json", b"svg", b"text/plain")
MIN_BYTES = 1024
MAX_ENTRIES = 1024


class StaticGzipMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cache: dict[str, tuple[Message, bytes]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (scope["type"] == "http" and scope["method"] == "GET" and scope["path"].startswith("/static/")
                and _accepts_gzip(scope)):
            await self.app(scope, receive, send)
            return
        cached = self.cache.get(scope["path"])
        if cached:
            await _send(send, *cached)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def collect(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, collect)
        body = b"".join(chunks)
        headers = dict(start.get("headers", []))
        if start.get("status") != 200 or b"content-encoding" in headers or len(body) < MIN_BYTES or not any(
            kind in headers.get(b"content-type", b"") for kind in COMPRESSIBLE
        ):
            await _send(send, start, body)
            return
        packed = gzip.compress(body, compresslevel=6, mtime=0)
        kept = [(k, v) for k, v in start["headers"] if k.lower() not in (b"content-length", b"vary")]
        start = {**start, "headers": [*kept, (b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding"),
                                      (b"content-length", str(len(packed)).encode())]}
        if b"immutable" in headers.get(b"cache-control", b"") and len(self.cache) < MAX_ENTRIES:
            self.cache[scope["path"]] = (start, packed)
        await _send(send, start, packed)


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding value allows gzip (RFC 9110 section 12.5.3): listed with a
    quality above 0, or covered by `*`. "x-gzip" is another name, and q=0 means "not this"."""
    qualities: dict[str, float] = {}
    for part in header.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name:
            qualities[name.lower()] = q
    if "gzip" in qualities:
        return qualities["gzip"] > 0
    return qualities.get("*", 0.0) > 0


def _accepts_gzip(scope: Scope) -> bool:
    values = [v.decode("latin-1") for k, v in scope["headers"] if k.lower() == b"accept-encoding"]
    return accepts_gzip(", ".join(values))


async def _send(send: Send, start: Message, body: bytes) -> None:
    await send(start)
    await send({"type": "http.response.body", "body": body})

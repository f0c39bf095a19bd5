"""Refuse what another site, or an unknown host name, sends before Streamlit sees it.

Streamlit 1.67 checks a cross-origin WebSocket upgrade by looking up the server's public IP address:
a blocking HTTP request to a third party, on the event loop, repeated on every attempt when it
fails. Any web page a person visits could make their browser try, stalling the server and making it
call out. So a WebSocket upgrade whose `Origin` is not this server's own is refused here, and so is
any request whose `Host` is not in `server.allowedHosts` (which also stops DNS rebinding).

`server.allowedHosts` is Streamlit's own option, so one setting serves both; a deployment behind a
proxy adds its public host name (`--set server.allowedHosts='["ketacheck.example"]'`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send


def host_name(host: str | None) -> str | None:
    """The name in a Host header ('example.org:8501' -> 'example.org'); None if it is not one."""
    if not host:
        return None
    try:
        parts = urlsplit(f"//{host}")
        _ = parts.port  # a port that is not a number in range is not a host
    except ValueError:
        return None
    if parts.hostname is None or parts.username or parts.password or parts.path or parts.query or parts.fragment:
        return None
    return parts.hostname.rstrip(".")


def host_allowed(host: str | None, allowed: Sequence[str]) -> bool:
    """Whether a Host header names a host this server answers for (`*` and `*.domain` patterns)."""
    name = host_name(host)
    if name is None:
        return False
    for pattern in (p.strip().lower().rstrip(".") for p in allowed):
        if pattern == "*" or name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:])):
            return True
    return False


def same_origin(origin: str | None, host: str | None) -> bool:
    """A WebSocket from this server's own pages (or from a client that sends no Origin at all,
    which browsers always do)."""
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == (host or "").lower()


def _header(scope: Scope, name: bytes) -> str | None:
    value = next((v for k, v in scope.get("headers", []) if k.lower() == name), None)
    return value.decode("latin-1") if value is not None else None


class OriginGuard:
    """Pure ASGI: checked before any other middleware or Streamlit runs."""

    def __init__(self, app: ASGIApp, allowed_hosts: Callable[[], Sequence[str]]) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts  # read per request: `--set` may change the option after import

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host")
        allowed = self.allowed_hosts()
        if allowed and not host_allowed(host, allowed):
            await _refuse(scope, send, 421, b"This server does not answer for that host name.\n")
            return
        if scope["type"] == "websocket" and not same_origin(_header(scope, b"origin"), host):
            await _refuse(scope, send, 403, b"")
            return
        await self.app(scope, receive, send)


async def _refuse(scope: Scope, send: Send, status: int, body: bytes) -> None:
    if scope["type"] == "websocket":
        # Closing before accepting: the server answers the upgrade with HTTP 403.
        await send({"type": "websocket.close", "code": 1008})
        return
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})

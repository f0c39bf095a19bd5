"""Uploads only where the app asked for one: the import page's own uploader, one file at a time.

Streamlit 1.67 keeps every `PUT /_stcore/upload_file/<session>/<file id>` in memory for any file
id at all, so a stranger with a session could fill the server's memory with files no page asked
for. Here a file is taken only when:

- the session is on the page that draws the uploader (`open_for` / `close_for`, called by the
  pages), and
- its file id is the one Streamlit issued to that session's uploader (the browser asks for an
  upload URL over the WebSocket first; `get_upload_urls` below), and
- it is within the size limit (Streamlit's own check: Content-Length before the body is read, then
  a cap while it streams).

A session holds at most one file: a new one replaces it, and it goes when the session leaves the
page or ends. Everything else is refused before its body is read.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from contextlib import asynccontextmanager
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec, UploadFileUrlInfo

# /_stcore/upload_file/<session id>/<file id> (under any base path)
_UPLOAD_PATH = re.compile(r"/_stcore/upload_file/([^/]+)/([^/]+)/?$")


class UploadPolicy:
    """Which session may upload now, and the one file id its uploader was given. Thread-safe: pages
    run in script threads, uploads and URL requests on the event loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, str | None] = {}  # session id -> the file id issued to it (None: none yet)
        self.manager: MemoryUploadedFileManager | None = None  # set by `install`

    def open_for(self, session_id: str) -> None:
        """The session's page draws the uploader (this run)."""
        with self._lock:
            self._open.setdefault(session_id, None)

    def close_for(self, session_id: str) -> None:
        """The session is on a page without the uploader: no more uploads, and its file goes."""
        with self._lock:
            was_open = self._open.pop(session_id, "closed") != "closed"
        if was_open and self.manager is not None:
            MemoryUploadedFileManager.remove_session_files(self.manager, session_id)

    def forget(self, session_id: str) -> None:
        with self._lock:
            self._open.pop(session_id, None)

    def issue(self, session_id: str, file_id: str) -> bool:
        """Record the one file id this session's uploader may send; False when it may send none."""
        with self._lock:
            if session_id not in self._open:
                return False
            self._open[session_id] = file_id
            return True

    def expects(self, session_id: str, file_id: str) -> bool:
        with self._lock:
            return session_id in self._open and self._open[session_id] == file_id


POLICY = UploadPolicy()


class GuardedUploads(MemoryUploadedFileManager):
    """Streamlit's in-memory upload store, taking only what POLICY expects, one file per session."""

    policy = POLICY

    def get_upload_urls(self, session_id: str, file_names: Sequence[str]) -> list[UploadFileUrlInfo]:
        # One file at a time (the uploader takes one): a URL for the first name only, and none at
        # all for a session whose page has no uploader.
        urls = super().get_upload_urls(session_id, list(file_names)[:1])
        if not urls or not self.policy.issue(session_id, urls[0].file_id):
            return []
        return urls

    def add_file(self, session_id: str, file: UploadedFileRec) -> None:
        if not self.policy.expects(session_id, file.file_id):
            return  # refused by UploadGuard before the body was read; this is the last line
        super().remove_session_files(session_id)  # a new file replaces the one before
        super().add_file(session_id, file)

    def remove_session_files(self, session_id: str) -> None:
        """The session ended."""
        super().remove_session_files(session_id)
        self.policy.forget(session_id)


def install(manager: Any, policy: UploadPolicy = POLICY) -> None:
    """Make the runtime's upload store a GuardedUploads. The runtime builds its store privately,
    so its class is swapped (it holds no state of its own beyond Streamlit's)."""
    if type(manager) is not MemoryUploadedFileManager:
        raise RuntimeError(f"unexpected upload store {type(manager).__name__}: check ketacheck/web/uploads.py "
                           "against this Streamlit version")
    manager.__class__ = GuardedUploads
    policy.manager = manager


@asynccontextmanager
async def lifespan(app: Any):
    """st.App lifespan: runs once the runtime (and its upload store) exists, before any request."""
    from streamlit import runtime

    install(runtime.get_instance().uploaded_file_mgr)
    yield


class UploadGuard:
    """Pure ASGI: refuses an upload the policy does not expect before Streamlit reads its body."""

    def __init__(self, app: ASGIApp, policy: UploadPolicy = POLICY) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "PUT":
            await self.app(scope, receive, send)
            return
        match = _UPLOAD_PATH.search(scope["path"])
        if match is None:
            await self.app(scope, receive, send)
            return
        session_id, file_id = match.groups()
        if not self.policy.expects(session_id, file_id):
            await _refuse(send, 403, b"No upload was asked for here.\n")
            return
        await self.app(scope, receive, send)


async def _refuse(send: Send, status: int, body: bytes) -> None:
    # `connection: close`: the body that was not read must not be taken for the next request.
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})

"""No stranger can fill the server's memory (probed from outside, on the real server as `make run`
starts it): uploads are taken only for the file id the import page's own uploader was given, one
file per session, and a WebSocket message larger than any browser sends closes the connection
before it is read. Memory is measured as the server's resident set, against generous bounds."""

from __future__ import annotations

import asyncio
import http.client
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.loadgen import StreamlitSession
from benchmarks.servers import ServerProcess
from serve import MAX_CLIENT_MESSAGE_BYTES

MB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with ServerProcess(tmp_path_factory.mktemp("limits")) as running:
        yield running


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def xsrf_cookie(server: ServerProcess) -> str:
    """The token a browser has: Streamlit sets it on every page load."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", "/_stcore/health")
        response = conn.getresponse()
        response.read()
        cookie = next(v for k, v in response.getheaders() if k.lower() == "set-cookie" and "_streamlit_xsrf=" in v)
    finally:
        conn.close()
    return cookie.split(";", 1)[0].split("=", 1)[1]


def put_file(server: ServerProcess, path: str, data: bytes, token: str) -> int:
    """A PUT as Streamlit's frontend sends it (multipart, with the XSRF token), so only the app's
    own rules can refuse it."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.json\"\r\n"
            f"Content-Type: application/json\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("PUT", path, body=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": token,
            "Cookie": f"_streamlit_xsrf={token}", "Host": f"127.0.0.1:{server.port}"})
        response = conn.getresponse()
        response.read()
        return response.status
    except (ConnectionResetError, BrokenPipeError):
        return 0  # refused before the whole body was sent
    finally:
        conn.close()


async def upload_url(tab: StreamlitSession) -> list[str]:
    """What the browser's uploader does first: ask the session for an upload URL."""
    back = BackMsg()
    back.file_urls_request.request_id = "r1"
    back.file_urls_request.session_id = tab.session_id
    back.file_urls_request.file_names.extend(["brought.json", "second.json"])
    await tab._ws.send(back.SerializeToString())
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await asyncio.wait_for(tab._ws.recv(), 30))
        if msg.WhichOneof("type") == "file_urls_response":
            return [f.upload_url for f in msg.file_urls_response.file_urls]


async def go_to_page(tab: StreamlitSession, title: str) -> None:
    tab.page_script_hash = next(h for h, p in tab.pages.items() if p.page_name.startswith(title))
    await tab.rerun()
    assert tab.page_name == title


def test_thirty_4_mb_uploads_to_made_up_file_ids_are_refused_and_memory_stays_put(server):
    token = xsrf_cookie(server)

    async def session_id() -> str:
        tab = StreamlitSession(server.url)
        await tab.connect()
        await tab.rerun()
        return tab, tab.session_id

    async def run() -> tuple[list[int], float, float]:
        tab, sid = await session_id()
        try:
            before = rss_mb(server.pid)
            statuses = [await asyncio.to_thread(put_file, server, f"/_stcore/upload_file/{sid}/{uuid.uuid4()}",
                                                b"x" * (4 * MB - 1024), token) for _ in range(30)]
            after = rss_mb(server.pid)
            # A small one is read whole, so its answer always arrives: refused.
            small = await asyncio.to_thread(put_file, server, f"/_stcore/upload_file/{sid}/{uuid.uuid4()}", b"{}", token)
            return statuses + [small], before, after
        finally:
            await tab.close()

    statuses, before, after = asyncio.run(run())
    # Refused: 403, or cut off while the body was still coming (the refusal closes the connection
    # without reading it). Never 204.
    assert set(statuses) <= {403, 0}, statuses
    assert statuses[-1] == 403
    assert after - before < 20, (before, after)  # 120 MB sent; Streamlit alone kept all of it


def test_only_the_import_pages_uploader_gets_an_upload_url_and_it_takes_one_file(server):
    token = xsrf_cookie(server)

    async def run() -> None:
        tab = StreamlitSession(server.url)
        await tab.connect()
        try:
            await tab.rerun()
            assert await upload_url(tab) == []  # the start page has no uploader
            await tab.click("pick_audience_intake")
            await tab.click("pick_prescribed_False")
            await go_to_page(tab, "Clinician")
            urls = await upload_url(tab)
            assert len(urls) == 1  # one file at a time, however many the client asks for
            status = await asyncio.to_thread(put_file, server, urls[0], b'{"answers": {}}', token)
            assert status == 204
            # Another id on the same session, even on the import page, is refused.
            sid = tab.session_id
            assert await asyncio.to_thread(put_file, server, f"/_stcore/upload_file/{sid}/{uuid.uuid4()}",
                                           b"{}", token) == 403
            # A new URL replaces the old one: the first id is no longer taken.
            newer = await upload_url(tab)
            assert await asyncio.to_thread(put_file, server, urls[0], b"{}", token) == 403
            # Leaving the page closes it: even the issued id is refused now.
            await go_to_page(tab, "Help")
            assert await asyncio.to_thread(put_file, server, newer[0], b"{}", token) == 403
        finally:
            await tab.close()

    asyncio.run(run())


def test_a_30_mb_websocket_message_closes_the_connection_without_growth(server):
    url = server.url.replace("http://", "ws://") + "/_stcore/stream"

    async def run() -> tuple[int | None, float, float]:
        before = rss_mb(server.pid)
        code = None
        async with websockets.connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=10,
                                      ping_interval=None, close_timeout=5) as ws:
            try:
                await ws.send(b"\0" * (30 * MB))
                await asyncio.wait_for(ws.recv(), 30)
                await asyncio.wait_for(ws.wait_closed(), 30)
            except websockets.ConnectionClosed:
                pass
            await asyncio.wait_for(ws.wait_closed(), 30)
            code = ws.close_code
        return code, before, rss_mb(server.pid)

    code, before, after = asyncio.run(run())
    assert code == 1009  # "message too big"
    assert after - before < 20, (before, after)
    # A message a real client sends still goes through: a whole page run.
    async def page() -> str:
        async with StreamlitSession(server.url) as tab:
            await tab.rerun()
            return tab.page_name
    assert asyncio.run(page()) == "Start"
    assert MAX_CLIENT_MESSAGE_BYTES <= 1 * MB

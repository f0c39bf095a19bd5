"""Probes from outside against the real server (as `make run` starts it): another site cannot stall
it or make it call out, unknown host names are refused, Range and gzip requests get what they
asked for, a malformed request leaves no traceback, and hostile files get a short, safe answer."""

from __future__ import annotations

import asyncio
import gzip
import http.client
import io
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets
from streamlit.testing.v1 import AppTest

from benchmarks.servers import ServerProcess
from ketacheck import cli, export, loader, submission
from ketacheck.web.compression import accepts_gzip
from ketacheck.web.origin import host_allowed, same_origin
from conftest import ROOT
from helpers import raw_response


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with ServerProcess(tmp_path_factory.mktemp("hardening")) as running:
        yield running


def request(server: ServerProcess, method: str, path: str, headers: dict[str, str] | None = None,
            body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def health_seconds(server: ServerProcess) -> float:
    started = time.perf_counter()
    status, _, body = request(server, "GET", "/_stcore/health")
    assert (status, body) == (200, b"ok")
    return time.perf_counter() - started


# ------------------------------------------------------------------ another site, another host


async def _upgrade(url: str, origin: str | None) -> int:
    headers = {"Origin": origin} if origin else {}
    try:
        async with websockets.connect(url, additional_headers=headers, open_timeout=10):
            return 101
    except websockets.InvalidStatus as exc:
        return exc.response.status_code


def test_twenty_foreign_origin_upgrades_at_once_are_refused_and_do_not_stall_the_server(server):
    """Streamlit's own cross-origin check looks up the server's public IP (a blocking call to a third
    party): 24 attempts took /_stcore/health from 4.5 ms to 5 s. They never reach it now."""
    url = server.url.replace("http://", "ws://") + "/_stcore/stream"
    quiet = min(health_seconds(server) for _ in range(3))

    async def attack() -> tuple[list[int], float]:
        attempts = [asyncio.create_task(_upgrade(url, "https://evil.example")) for _ in range(20)]
        await asyncio.sleep(0)
        during = await asyncio.to_thread(health_seconds, server)
        return list(await asyncio.gather(*attempts)), during

    statuses, during = asyncio.run(attack())
    assert statuses == [403] * 20
    # A generous bound: the stall this prevents was seconds, and a refused upgrade costs microseconds.
    assert during < max(1.0, 20 * quiet), (quiet, during)
    # The app's own pages still connect.
    assert asyncio.run(_upgrade(url, server.url)) == 101
    assert asyncio.run(_upgrade(url, None)) == 101  # non-browser clients (the load generator) send no Origin


def test_a_request_for_another_host_name_is_refused(server):
    status, headers, body = request(server, "GET", "/", headers={"Host": "evil.example"})
    assert status == 421 and b"does not answer for that host name" in body
    assert headers["referrer-policy"] == "no-referrer"  # refusals carry the security headers too
    assert request(server, "GET", "/", headers={"Host": f"localhost:{server.port}"})[0] == 200


def test_origin_and_host_rules():
    allowed = ["localhost", "127.0.0.1", "::1", "*.ketacheck.example"]
    assert host_allowed("127.0.0.1:8501", allowed) and host_allowed("[::1]:8501", allowed)
    assert host_allowed("LOCALHOST", allowed) and host_allowed("a.ketacheck.example", allowed)
    for bad in ("evil.example", "127.0.0.1.evil.example", "localhost:99999", "user@localhost", "", None,
                "localhost/path", "ketacheck.example"):
        assert not host_allowed(bad, allowed), bad
    assert same_origin("http://127.0.0.1:8501", "127.0.0.1:8501") and same_origin(None, "x")
    assert not same_origin("http://127.0.0.1:8502", "127.0.0.1:8501")
    assert not same_origin("null", "127.0.0.1:8501")


def test_the_server_never_looks_up_its_public_address(tmp_path):
    import server as _server  # noqa: F401 - importing it installs the guard
    from streamlit import net_util

    assert net_util.get_external_ip() is None


# ------------------------------------------------------------------ protocol details


def test_a_range_request_gets_the_bytes_it_asked_for(server):
    # /check: Streamlit's page, rewritten into our shell (`/` is the static first screen).
    whole_status, _, whole = request(server, "GET", "/check", headers={"Accept": "text/html"})
    assert whole_status == 200 and b"<title>KetaCheck</title>" in whole  # a whole page is still ours
    for asked in ("bytes=0-", "bytes=10-7000", "bytes=0-99"):
        status, headers, part = request(server, "GET", "/check", headers={"Accept": "text/html", "Range": asked})
        assert status == 206, asked
        start, end = map(int, headers["content-range"].split()[1].split("/")[0].split("-"))
        # The slice is the one its header names (the shell does not rewrite a slice).
        assert len(part) == end - start + 1 == int(headers["content-length"]), asked
        assert b"<title>KetaCheck</title>" not in part, asked


@pytest.mark.parametrize(("accept", "gzipped"), [("gzip", True), ("gzip;q=0", False), ("x-gzip", False),
                                                 ("br, gzip;q=0.5", True), ("*", True), ("gzip;q=0, *", False)])
def test_gzip_only_when_the_browser_accepts_it(server, accept, gzipped):
    page = request(server, "GET", "/check")[2].decode()
    script = page.split('src="', 2)[1].split('"', 1)[0]  # Streamlit's main bundle
    status, headers, body = request(server, "GET", "/" + script.lstrip("./"), headers={"Accept-Encoding": accept})
    assert status == 200 and (headers.get("content-encoding") == "gzip") == gzipped
    if gzipped:
        assert gzip.decompress(body)
    assert accepts_gzip(accept) == gzipped


def test_a_malformed_chunked_post_is_refused_without_a_traceback(server):
    for path in ("/", "/_stcore/upload_file/x/y", "/_stcore/health"):
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
            s.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nTransfer-Encoding: chunked\r\n"
                      "Content-Type: application/json\r\n\r\nZZZ\r\nnot a chunk\r\n".encode())
            assert s.recv(64).startswith(b"HTTP/1.1 400")
    time.sleep(0.5)
    assert "Traceback" not in server.output()
    assert health_seconds(server) < 5


# ------------------------------------------------------------------ hostile files


def short_keys(n: int) -> list[str]:
    digits = "abcdefghijklmnopqrstuvwxyz0123456789"
    return [digits[i // 1296 % 36] + digits[i // 36 % 36] + digits[i % 36] for i in range(n)]


def test_a_file_with_26000_problems_gets_a_short_list_with_a_count():
    doc = {"schema_version": 2, "kind": "ketacheck.answers", "audience": "self", "answers": {},
           **{key: 1 for key in short_keys(26_000)}}
    data = json.dumps(doc, separators=(",", ":")).encode()
    assert len(data) < submission.MAX_INPUT_BYTES  # under the size limit: every key is a problem
    started = time.perf_counter()
    with pytest.raises(submission.InputError) as err:
        export.load_import(data, loader.load())
    took = time.perf_counter() - started
    problems = err.value.problems
    assert len(problems) == submission.MAX_PROBLEMS_SHOWN + 1
    assert problems[-1] == f"... and {26_000 - submission.MAX_PROBLEMS_SHOWN:,} more problems"
    assert took < 5  # (its speed is measured in benchmarks; this only catches a runaway)


def test_the_clinician_page_shows_a_capped_list_for_a_file_with_thousands_of_problems():
    answers = {f"nope.{n}": 1 for n in range(8_000)}
    data = json.dumps({"schema_version": 2, "kind": "ketacheck.answers", "audience": "self", "answers": answers}).encode()
    assert len(data) < submission.MAX_INPUT_BYTES
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.button(key="pick_audience_intake").click().run()
    at.button(key="pick_prescribed_False").click().run()
    at.switch_page("pages/clinician.py").run()
    at.file_uploader(key="import_file").upload("many.json", data, "application/json").run()
    lines = [t.value for t in at.text]
    assert len(lines) == submission.MAX_PROBLEMS_SHOWN + 1
    assert lines[-1] == f"... and {8_000 - submission.MAX_PROBLEMS_SHOWN:,} more problems"


def test_terminal_escape_sequences_never_reach_the_terminal(tmp_path: Path):
    hostile = {"schema_version": 2, "kind": "ketacheck.answers", "audience": "self",
               "answers": {"\x1b]0;owned\x07\x1b[2J": 10**9, "crav.urges": 1}}
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(hostile))
    for argv in (["score", str(path)], ["export", "--format", "html", str(path), "-o", "-"]):
        out, err = io.StringIO(), io.StringIO()
        code = cli.main(argv, stdin=io.StringIO(""), out=out, err=err)
        assert code == 2
        for text in (out.getvalue(), err.getvalue()):
            assert "\x1b" not in text and "\x07" not in text
        assert "\\x1b" in err.getvalue() or "\\u001b" in err.getvalue()
    assert cli.safe("a\x1b[2Jb\x9bc\tok\n") == "a\\x1b[2Jb\\x9bc\tok\n"


def test_leave_asks_the_browser_to_forget_everything_but_only_from_this_site(server):
    own = {"Origin": server.url, "Host": f"127.0.0.1:{server.port}", "Cookie": "kc_replica=r1; _streamlit_xsrf=abc"}
    status, headers, _ = request(server, "POST", "/leave", headers=own)
    assert status == 204
    assert headers["clear-site-data"] == '"cache", "cookies", "storage"'
    assert headers["referrer-policy"] == "no-referrer"
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)  # every Set-Cookie, not the last
    try:
        conn.request("POST", "/leave", headers=own)
        response = conn.getresponse()
        expired = sorted(v.split("=", 1)[0] for k, v in response.getheaders() if k.lower() == "set-cookie"
                         and "max-age=0" in v.lower())
    finally:
        conn.close()
    assert expired == ["_streamlit_xsrf", "kc_replica"]
    for origin in ("https://evil.example", None):
        status, headers, _ = request(server, "POST", "/leave", headers={"Host": f"127.0.0.1:{server.port}",
                                                                         **({"Origin": origin} if origin else {})})
        assert status == 403 and "clear-site-data" not in headers


def assert_refusal_headers(response: bytes, status: bytes) -> None:
    head = response.split(b"\r\n\r\n", 1)[0].lower()
    assert head.startswith(b"http/1.1 " + status), head[:80]
    for header in (b"content-security-policy: ", b"referrer-policy: no-referrer", b"x-content-type-options: nosniff",
                   b"x-frame-options: deny"):
        assert header in head, (header, head)


def test_uvicorns_own_refusals_carry_the_security_headers(server):
    # A request uvicorn cannot parse is answered by uvicorn itself, before any middleware.
    assert_refusal_headers(raw_response(server.port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n"),
                           b"400")
    # A WebSocket from another site's page is refused before the upgrade.
    upgrade = (f"GET /_stcore/stream HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
               "Origin: https://evil.example\r\n\r\n").encode()
    assert_refusal_headers(raw_response(server.port, upgrade), b"403")

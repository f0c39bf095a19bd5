"""A TCP proxy between the browser and the server that counts every byte on the wire, and can
slow the link down to a phone's mobile connection.

Counting here, not in the browser, sees everything: HTTP, the WebSocket, and what the service
worker fetches on the page's behalf (which the page's own network log does not show).

Shaping (optional) is shared by all connections, like one radio link: each chunk waits for the
link to be free at `down_kbps` / `up_kbps`, and a chunk that turns a connection's direction (a
request after a response, a response after a request) waits `rtt_ms` / 2 more.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Link:
    down_kbps: float | None = None
    up_kbps: float | None = None
    rtt_ms: float = 0.0
    _free_at: dict[str, float] = field(default_factory=lambda: {"down": 0.0, "up": 0.0})

    async def carry(self, direction: str, nbytes: int, turn: bool) -> None:
        kbps = self.down_kbps if direction == "down" else self.up_kbps
        now = time.monotonic()
        wait = self.rtt_ms / 2000 if turn else 0.0
        if kbps:
            start = max(now, self._free_at[direction])
            self._free_at[direction] = start + nbytes * 8 / (kbps * 1000)
            wait += self._free_at[direction] - now
        if wait > 0:
            await asyncio.sleep(wait)


class CountingProxy:
    """Listens on 127.0.0.1:<port> and forwards to `upstream_port`; runs in its own thread."""

    def __init__(self, upstream_port: int, link: Link | None = None) -> None:
        self.upstream_port = upstream_port
        self.link = link or Link()
        self.down = 0  # bytes server -> browser
        self.up = 0  # bytes browser -> server
        self.connections = 0
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def reset(self) -> None:
        self.down = self.up = self.connections = 0

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, direction: str,
                    last: list[str]) -> None:
        try:
            while data := await reader.read(65536):
                turn = last[0] != direction
                last[0] = direction
                await self.link.carry(direction, len(data), turn)
                if direction == "down":
                    self.down += len(data)
                else:
                    self.up += len(data)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            client_w.close()
            return
        last = [""]  # the direction this connection carried last
        try:
            await asyncio.gather(self._pipe(client_r, server_w, "up", last),
                                 self._pipe(server_r, client_w, "down", last))
        except asyncio.CancelledError:
            pass  # the proxy is stopping

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stopping.wait()
        # asyncio.run() then cancels the connections still open.

    def start(self) -> CountingProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
            self._thread.join(10)

"""One browser tab's side of Streamlit's WebSocket protocol, for the load generator
(`benchmarks/loadgen.py`), the memory benchmark and the tests that drive the real server.

    async with StreamlitSession("http://127.0.0.1:8501") as tab:
        await tab.rerun()                      # the first page
        await tab.click("pick_audience_self")  # a button, by its key

How the protocol works (Streamlit 1.67; all of it read from the installed source):

- Connect: `ws[s]://host/_stcore/stream`, binary protobuf frames only. The browser repurposes
  `Sec-WebSocket-Protocol` as `["streamlit", <xsrf token>, <previous session id>]`
  (`starlette_websocket._parse_subprotocols`). The XSRF token only gates the signed auth cookie, so
  an anonymous client needs neither it nor the `_streamlit_xsrf` cookie. Origin is optional; when
  sent it must equal the Host (same-origin) or be in `server.corsAllowedOrigins`. The third entry
  resumes a disconnected session kept for `server.disconnectedSessionTTL` seconds.
- Nothing happens until the client sends `BackMsg.rerun_script` (a `ClientState`): the first one has
  an empty `page_script_hash` (the server picks the default page). The server answers with
  `new_session` (carries `initialize.session_id` and the run's `page_script_hash`), `navigation`
  (the page list and the page actually shown), `delta`s (elements; `metadata.delta_path` is the
  position in the tree) and finally `script_finished`.
- `st.switch_page` (or `st.rerun`) inside a run ends that run with `script_finished =
  FINISHED_EARLY_FOR_RERUN`, then a new `new_session` starts the next run on the new page; only
  `FINISHED_SUCCESSFULLY` ends the round trip. Elements of the interrupted run are stale.
- The frontend keeps `currentPageScriptHash` from the last `new_session`/`navigation` message and
  sends it in every later `ClientState`; if it sent an old hash, the click would rerun the old page.
- Widget ids are `$$ID-<md5>-<user key>` (`elements/lib/utils.py`), so a key maps to an id by
  reading the elements of the last run. A click is `WidgetState(id, trigger_value=True)`, sent once;
  the server runs the button's `on_click` and resets the trigger after the run. Value widgets (here
  only the region selectbox) register their value on mount without a rerun and are resent with
  every rerun; values of widgets no longer on screen are dropped (`WidgetStateManager.removeInactive`).
- Messages of `global.minCachedMessageSize` (10 KB) or more are `metadata.cacheable`; a client that
  lists their hashes in `cached_message_hashes` gets a small `ref_hash` message instead. This client
  keeps that cache like the browser does (without the age-based pruning).
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

STREAM_PATH = "/_stcore/stream"
ID_PREFIX = "$$ID-"


class ProtocolError(Exception):
    """The server did not behave as a browser would expect (or the app showed an error)."""


def user_key(widget_id: str) -> str | None:
    """The user key inside a widget id `$$ID-<md5>-<key>` (None for widgets without a key)."""
    if not widget_id.startswith(ID_PREFIX):
        return None
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] != "None" else None


@dataclass
class RunStats:
    seconds: float  # BackMsg sent -> script_finished(FINISHED_SUCCESSFULLY) received
    messages: int
    bytes: int
    runs: int  # script runs in this round trip (2 when the run called st.switch_page)
    fragments: tuple[str, ...] = ()  # the fragments the last run ran; empty when it ran the whole page
    # Elements and blocks that reached the browser from a run that then switched page (the frontend
    # drops them when the next run starts): what a tap that leaves a page drew of that page.
    superseded: int = 0


# ------------------------------------------------------------------------------------ one session


TEXT_ELEMENTS = ("heading", "markdown", "text", "alert")  # elements whose `body` is words on the page


def text_of(element: Any) -> str | None:
    """The words an element shows (a heading, markdown or caption, plain text, an alert), else None."""
    kind = element.WhichOneof("type")
    return getattr(element, kind).body if kind in TEXT_ELEMENTS else None


class StreamlitSession:
    """One browser tab's worth of protocol: connect, rerun with widget states, read the element tree."""

    def __init__(self, base_url: str, *, locale: str = "en-US", timezone: str = "UTC",
                 timeout: float = 60.0, send_origin: bool = True, message_cache: bool = True) -> None:
        parts = urlsplit(base_url)
        scheme = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}[parts.scheme]
        self.base_path = parts.path.rstrip("/")
        self.ws_url = f"{scheme}://{parts.netloc}{self.base_path}{STREAM_PATH}"
        self.origin = f"{'https' if scheme == 'wss' else 'http'}://{parts.netloc}"
        self.locale = locale
        self.timezone = timezone
        self.timeout = timeout
        self.send_origin = send_origin
        self.message_cache = message_cache

        self.session_id: str | None = None
        self.page_script_hash = ""
        self.url_path = ""  # the browser URL's page path ("" on the default page)
        self.pages: dict[str, Any] = {}  # page_script_hash -> AppPage, from the last `navigation`
        self.elements: dict[tuple[int, ...], Any] = {}  # delta_path -> Element, after the last run
        # delta_path -> the block's user key (None without one): containers, columns, expanders. An
        # element inside a block has the block's path as its prefix.
        self.blocks: dict[tuple[int, ...], str | None] = {}
        self.fragment_of: dict[tuple[int, ...], str] = {}  # delta_path -> id of the fragment drawing it
        self.widget_values: dict[str, WidgetState] = {}  # value widgets currently on screen
        self.problems: list[str] = []  # exceptions and error alerts the app showed
        self.messages = 0
        self.bytes = 0
        self._cache: dict[str, ForwardMsg] = {}
        self._ws: ClientConnection | None = None

    # -- connection

    async def connect(self, existing_session_id: str | None = None) -> None:
        subprotocols = ["streamlit"]
        if existing_session_id:
            # The 2nd entry is the XSRF token slot; any token works for an anonymous session.
            subprotocols += ["xsrf-unused", existing_session_id]
        self._ws = await connect(
            self.ws_url,
            subprotocols=subprotocols,  # type: ignore[arg-type]
            origin=self.origin if self.send_origin else None,  # type: ignore[arg-type]
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,  # the browser sends no WebSocket pings
            close_timeout=5,
        )

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- reruns

    def _client_state_msg(self, trigger_id: str | None, fragment_id: str = "",
                          extra: WidgetState | None = None) -> BackMsg:
        back = BackMsg()
        cs = back.rerun_script
        cs.query_string = ""
        cs.page_script_hash = self.page_script_hash
        # Until the server names the page, the one asked for by its URL path ("" the default).
        cs.page_name = "" if self.page_script_hash else self.url_path
        cs.fragment_id = fragment_id
        for state in self.widget_values.values():
            if state.id != trigger_id:
                cs.widget_states.widgets.add().CopyFrom(state)
        if trigger_id:
            trigger = cs.widget_states.widgets.add()
            trigger.id = trigger_id
            trigger.trigger_value = True
        if extra is not None:
            cs.widget_states.widgets.add().CopyFrom(extra)
        if self.message_cache:
            cs.cached_message_hashes.extend(self._cache)
        ci = cs.context_info
        ci.timezone = self.timezone
        ci.timezone_offset = 0
        ci.locale = self.locale
        ci.url = f"{self.origin}{self.base_path}/{self.url_path}"
        ci.is_embedded = False
        ci.color_scheme = "light"
        return back

    async def rerun(self, trigger_id: str | None = None, fragment_id: str = "",
                    extra: WidgetState | None = None) -> RunStats:
        """Send one rerun_script and read until the run (and any switch_page follow-up) finishes.

        With `fragment_id` (a click on a widget inside an `st.fragment`, as the browser sends it)
        the server reruns only that fragment, and only its elements are replaced."""
        if self._ws is None:
            raise ProtocolError("not connected")
        payload = self._client_state_msg(trigger_id, fragment_id, extra).SerializeToString()
        start = time.perf_counter()
        deadline = start + self.timeout
        await self._ws.send(payload)
        pending: dict[tuple[int, ...], Any] = {}
        blocks: dict[tuple[int, ...], str | None] = {}
        fragments: dict[tuple[int, ...], str] = {}
        fragment_run = False
        ran: set[str] = set()
        messages = nbytes = runs = deltas = superseded = 0
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise ProtocolError(f"no script_finished within {self.timeout:g} s")
            try:
                raw = await asyncio.wait_for(self._ws.recv(), remaining)
            except TimeoutError:
                raise ProtocolError(f"no script_finished within {self.timeout:g} s") from None
            messages += 1
            nbytes += len(raw)
            msg = self._resolve(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                runs += 1
                superseded += deltas if runs > 1 else 0
                deltas = 0
                pending, blocks, fragments = {}, {}, {}  # elements of an interrupted run are stale
                self.session_id = msg.new_session.initialize.session_id
                self.page_script_hash = msg.new_session.page_script_hash
            elif kind == "navigation":
                nav = msg.navigation
                self.pages = {p.page_script_hash: p for p in nav.app_pages}
                self.page_script_hash = nav.page_script_hash
                page = self.pages.get(nav.page_script_hash)
                self.url_path = "" if page is None or page.is_default else page.url_pathname
            elif kind == "delta":
                deltas += 1
                self._on_delta(msg, pending, blocks, fragments)
            elif kind == "page_not_found":
                self.problems.append(f"page not found: {msg.page_not_found.page_name!r}")
            elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
                exc = msg.session_event.script_compilation_exception
                self.problems.append(f"script compilation error: {exc.type}: {exc.message}")
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.switch_page / st.rerun: the next run follows
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    self.problems.append("script finished with a compile error")
                fragment_run = status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
                # A click can rerun more than its own fragment (st.rerun by key from a callback: an
                # answer that changes a red flag reruns the safety fragment too); the run names them.
                ran = set(msg.metadata.run.fragment_ids) or {fragment_id}
                break
        elapsed = time.perf_counter() - start
        self.messages += messages
        self.bytes += nbytes
        if fragment_run:
            # Like the frontend: elements the rerun fragments drew before are replaced, the rest stay.
            keep = {p: e for p, e in self.elements.items() if self.fragment_of.get(p) not in ran}
            keep_blocks = {p: k for p, k in self.blocks.items() if self.fragment_of.get(p) not in ran}
            pending = {**keep, **pending}
            blocks = {**keep_blocks, **blocks}
            fragments = {**{p: f for p, f in self.fragment_of.items() if p in keep or p in keep_blocks}, **fragments}
        self.elements = dict(sorted(pending.items()))
        self.blocks = dict(sorted(blocks.items()))
        self.fragment_of = fragments
        self._settle_widgets()
        return RunStats(elapsed, messages, nbytes, runs, tuple(sorted(ran)) if fragment_run else (), superseded)

    def _resolve(self, raw: bytes) -> ForwardMsg:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                raise ProtocolError(f"server referenced a message this client never cached ({msg.ref_hash})")
            full = ForwardMsg()
            full.CopyFrom(cached)
            full.metadata.CopyFrom(msg.metadata)  # the reference carries this message's position
            return full
        if self.message_cache and msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = msg
        return msg

    def _on_delta(self, msg: ForwardMsg, pending: dict[tuple[int, ...], Any], blocks: dict[tuple[int, ...], str | None],
                  fragments: dict[tuple[int, ...], str]) -> None:
        delta = msg.delta
        path = tuple(msg.metadata.delta_path)
        kind = delta.WhichOneof("type")
        if kind == "add_block":
            # Only where it is and its key (a keyed st.container is `st-key-<key>` in the browser):
            # enough to find the elements inside it.
            blocks[path] = user_key(delta.add_block.id)
            if delta.fragment_id:
                fragments[path] = delta.fragment_id
            return
        if kind != "new_element":
            return  # transient elements (toasts, spinners)
        element = delta.new_element
        pending[path] = element
        if delta.fragment_id:
            fragments[path] = delta.fragment_id
        kind = element.WhichOneof("type")
        if kind == "exception":
            exc = element.exception
            self.problems.append(f"exception on {self.page_name}: {exc.type}: {exc.message}")
        elif kind == "alert" and element.alert.format == element.alert.ERROR:
            self.problems.append(f"error shown on {self.page_name}: {element.alert.body[:200]}")

    def _settle_widgets(self) -> None:
        """Register values of newly mounted value widgets and forget widgets no longer shown."""
        active: set[str] = set()
        for element in self.elements.values():
            kind = element.WhichOneof("type")
            body = getattr(element, kind)
            if "id" not in body.DESCRIPTOR.fields_by_name or not body.id:
                continue
            active.add(body.id)
            if kind == "selectbox":
                # The frontend stores a selectbox's value (its formatted option) on mount.
                if body.set_value:
                    value: str | None = body.raw_value
                elif body.id in self.widget_values:
                    continue
                elif body.HasField("default") and body.default < len(body.options):
                    value = body.options[body.default]
                else:
                    value = None
                if value is not None:
                    self.widget_values[body.id] = WidgetState(id=body.id, string_value=value)
            # Buttons only send a trigger when clicked; other value widgets are not used by KetaCheck.
        for wid in list(self.widget_values):
            if wid not in active:
                del self.widget_values[wid]

    # -- reading the page

    @property
    def page_name(self) -> str:
        """The page's own name: its st.Page title without the app's ("Check — KetaCheck" -> "Check")."""
        page = self.pages.get(self.page_script_hash)
        return page.page_name.split(" — ")[0] if page is not None else "?"

    def widgets(self, kind: str) -> dict[str, Any]:
        """Widgets of one element type on the current page, by user key."""
        out = {}
        for element in self.elements.values():
            if element.WhichOneof("type") == kind:
                body = getattr(element, kind)
                key = user_key(body.id)
                if key is not None:
                    out[key] = body
        return out

    def buttons(self) -> dict[str, Any]:
        return self.widgets("button")

    def headings(self) -> list[tuple[str, str]]:
        return [(e.heading.tag, e.heading.body) for e in self.elements.values() if e.WhichOneof("type") == "heading"]

    def keyed_block(self, key: str) -> tuple[int, ...] | None:
        """Where the block (an `st.container(key=...)`, say) with this user key is, if it is shown."""
        return next((path for path, k in self.blocks.items() if k == key), None)

    def elements_in(self, key: str) -> list[Any]:
        """The elements inside the block with this user key (at any depth), in page order."""
        where = self.keyed_block(key)
        if where is None:
            return []
        return [e for path, e in self.elements.items() if path[:len(where)] == where and len(path) > len(where)]

    async def component_event(self, key: str, event: str, value: Any) -> RunStats:
        """What a components-v2 element's `setTriggerValue(event, value)` sends: one JSON list of
        events under the component's trigger id (`$$STREAMLIT_INTERNAL_KEY_<id>__events`, Streamlit
        1.67's bidi_component/main.py), once."""
        component = self.widgets("bidi_component").get(key)
        if component is None:
            raise ProtocolError(f"no component {key!r} on page {self.page_name}")
        path = next(p for p, e in self.elements.items()
                    if e.WhichOneof("type") == "bidi_component" and e.bidi_component.id == component.id)
        event_state = WidgetState(id=f"$$STREAMLIT_INTERNAL_KEY_{component.id}__events",
                                  json_trigger_value=json.dumps([{"event": event, "value": value}]))
        return await self.rerun(fragment_id=self.fragment_of.get(path, ""), extra=event_state)

    async def click(self, key: str) -> RunStats:
        button = self.buttons().get(key)
        if button is None:
            raise ProtocolError(f"no button {key!r} on page {self.page_name}")
        if button.disabled:
            raise ProtocolError(f"button {key!r} is disabled on page {self.page_name}")
        path = next(p for p, e in self.elements.items() if e.WhichOneof("type") == "button" and e.button.id == button.id)
        return await self.rerun(trigger_id=button.id, fragment_id=self.fragment_of.get(path, ""))



def wait_healthy(base_url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base_url.rstrip("/") + "/_stcore/health", timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{base_url} is not healthy after {timeout:g} s")
        time.sleep(0.2)


async def session_still_held(base_url: str, session_id: str, timeout: float = 30.0) -> bool:
    """Whether the server still holds `session_id` (active, or stored for reconnect).

    Reconnects the way the browser does after a network drop (the old id as the third
    Sec-WebSocket-Protocol entry). The server resumes that session if it still has it, and the
    first run's `new_session` carries the same id; a session it has dropped yields a new id.
    The probe's own new session is disconnected at once (and then expires like any other).
    """
    probe = StreamlitSession(base_url, timeout=timeout)
    await probe.connect(existing_session_id=session_id)
    try:
        await probe.rerun()
        return probe.session_id == session_id
    finally:
        await probe.close()

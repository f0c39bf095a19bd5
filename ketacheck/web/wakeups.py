"""Hand a run's elements to the event loop in batches, not one wake-up each.

Streamlit 1.67's script thread passes every element (and every run event) to the event loop with
its own `loop.call_soon_threadsafe`, and each call writes a byte to the loop's self-pipe to wake it.
py-spy under 40 people put that wake-up at 12% of the server's samples, and an answer screen has
about 20 elements (benchmarks/RESULTS.md, "Speed v2, a fourth look"). Here each session keeps a
queue: the first callback of a burst wakes the loop once, and the loop then runs everything queued
by the time it gets there, in order. Nothing changes in what is sent or in its order.

`install()` replaces the private `AppSession._call_soon_on_event_loop` (Streamlit is pinned; the
install refuses a Streamlit without it rather than silently doing nothing). serve.py calls it.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable
from typing import Any

_LOGGER = logging.getLogger(__name__)
_ATTRIBUTE = "_ketacheck_wakeups"


class Wakeups:
    """One session's callbacks waiting for its event loop, and whether a drain is already due."""

    def __init__(self, loop: Any) -> None:
        self.loop = loop
        self.queue: collections.deque[Callable[[], None]] = collections.deque()
        self.due = False
        self.lock = threading.Lock()

    def call_soon(self, callback: Callable[[], None]) -> None:
        """From any thread: queue `callback`, waking the loop only if no drain is due yet."""
        self.queue.append(callback)
        with self.lock:
            if self.due:
                return
            self.due = True
        try:
            self.loop.call_soon_threadsafe(self.drain)
        except RuntimeError:
            # As Streamlit does: events after the loop closed (shutdown, test teardown) are dropped.
            if not self.loop.is_closed():
                raise
            # Let the next callback try (and drop) again, rather than pile up behind a drain that
            # will never run.
            with self.lock:
                self.due = False
            self.queue.clear()
            _LOGGER.debug("Dropped event-loop callbacks: the loop is closed")

    def drain(self) -> None:
        """On the loop: run every queued callback in order. The flag is cleared first, so a callback
        queued while this runs is either run here or wakes the loop again; never left waiting."""
        with self.lock:
            self.due = False
        while self.queue:
            callback = self.queue.popleft()
            try:
                callback()
            except Exception:
                # Each callback used to be its own loop handle, whose failure the loop logged while
                # the rest still ran; keep that.
                _LOGGER.exception("An event-loop callback failed")


def _call_soon_on_event_loop(session: Any, callback: Callable[[], None]) -> None:
    # dict.setdefault is atomic, so two threads cannot give one session two queues.
    wakeups = session.__dict__.get(_ATTRIBUTE) or session.__dict__.setdefault(
        _ATTRIBUTE, Wakeups(session._event_loop))
    wakeups.call_soon(callback)


def install() -> None:
    """Make every AppSession hand its callbacks over in batches (idempotent)."""
    from streamlit.runtime.app_session import AppSession

    if not callable(getattr(AppSession, "_call_soon_on_event_loop", None)):
        raise RuntimeError("this Streamlit has no AppSession._call_soon_on_event_loop; "
                           "ketacheck/web/wakeups.py was written for Streamlit 1.67")
    AppSession._call_soon_on_event_loop = _call_soon_on_event_loop

"""The question screen as one components-v2 element (drawn by `assets/question.js`).

An answer's run used to send a dozen Streamlit widgets (progress, words, 4-10 answer buttons, Back,
Next, "Stop here", Clear, the tab's copy), each built, registered, handed to the event loop and
written to the socket; one element carrying the same data as JSON costs the server about what a
bare page's answer does (benchmarks/RESULTS.md, issue 23).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

import streamlit as st

from ketacheck.ui import components

KEY = "question_view"
EVENTS = ("answer", "toggle", "back", "next", "stop", "clear")


def _event(name: str, item_id: str, handler: Callable[[Any], None]) -> Callable[[], None]:
    """The callback for one kind of event: it runs the handler with the event's value, if the event
    was tapped on this question. Anything else (a tap that arrived after the screen moved on, or
    an event this screen never sends) changes nothing."""
    def run() -> None:
        values = st.session_state.get(KEY)
        # By item, not attribute: the values are a dict, and `.clear` is its method.
        event = values.get(name) if isinstance(values, Mapping) else None
        if isinstance(event, dict) and event.get("item") == item_id:
            handler(event.get("value"))
    return run


def mount(data: dict[str, Any], handlers: dict[str, Callable[[Any], None]], item_id: str) -> None:
    components.mount("question", data, KEY,
                     **{f"on_{name}_change": _event(name, item_id, handlers[name]) for name in EVENTS})

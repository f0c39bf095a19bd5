"""A copy of the check kept in the person's own browser tab, so a server restart, the loss of one
replica or a reload costs them nothing.

The copy lives in the tab's sessionStorage (never a cookie, never the URL, never the server's
disk). Each run sends the check to the tab; a new, empty session gets the tab's copy back once,
checks it like any answer file, and says so. Clear, Finish and Leave wipe the copy too.

The component's JavaScript is a file served from our own origin (`assets/tab_copy.js`): an inline
component would be loaded from a `blob:` URL, which the Content-Security-Policy rightly refuses.
Streamlit finds file-backed assets for installed packages through their manifest; KetaCheck is not
installed, so it registers the same manifest itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.components.v2.get_bidi_component_manager import get_bidi_component_manager
from streamlit.components.v2.manifest_scanner import ComponentConfig, ComponentManifest

from ketacheck import loader, submission
from ketacheck.loader import Content

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # ketacheck/
NAME = "ketacheck.tab_copy"
FORGET = "_forget_tab_copy"  # set by Clear and Finish: the next run wipes the tab's copy
RESTORED = "_restored"  # set when a copy came back: the page says so until the check moves on
FIELDS = ("audience", "prescribed", "region", "sex", "answers", "plan", "modules", "current", "finished", "language")
# A copy from before languages existed has no "language": it is still taken back, in English.
OPTIONAL = {"language"}
MAX_BYTES = 64 * 1024  # a whole check is about 2 KB


def _renderer():
    """Registered once per server process (the manager lives in the runtime)."""
    manager = get_bidi_component_manager()
    if manager.get(NAME) is None or manager.get_component_asset_root(NAME) is None:
        manifest = ComponentManifest(name="ketacheck", version="2",
                                     components=[ComponentConfig(name="tab_copy", asset_dir="ui/assets")])
        manager.register_from_manifest(manifest, PACKAGE_ROOT)
    return st.components.v2.component(NAME, js="tab_copy.js")


def to_json(state: dict[str, Any]) -> dict[str, Any] | None:
    """What the tab keeps: the context and answers (lists, as in an answer file), where the person
    was, and which modules they chose. Nothing before a choice is made."""
    if not state["answers"] and state["audience"] is None:
        return None
    copy = {k: state[k] for k in FIELDS}
    copy["answers"] = {k: list(v) if isinstance(v, tuple) else v for k, v in state["answers"].items()}
    return copy


def from_json(text: Any, content: Content) -> dict[str, Any] | None:
    """The tab's copy back as state, checked like any answer file (it is input from the browser);
    None when anything about it is wrong."""
    if not isinstance(text, str) or len(text) > MAX_BYTES:
        return None
    try:
        raw = json.loads(text)
    except ValueError:
        return None
    if not isinstance(raw, dict) or not set(FIELDS) - OPTIONAL <= set(raw) <= set(FIELDS) \
            or raw["audience"] not in ("self", "other", "intake"):
        return None
    if not isinstance(raw["finished"], bool):
        return None
    try:
        sub = submission.parse({k: raw[k] for k in ("audience", "prescribed", "region", "sex", "answers", "plan")},
                               content)
    except submission.InputError:
        return None
    modules = raw["modules"]
    if not isinstance(modules, list) or not set(modules) <= set(content.modules) - {"core"}:
        return None
    current = raw["current"]
    if current is not None and current not in content.items:
        return None
    language = raw.get("language", "en")
    if language not in loader.languages(content.directory):
        return None
    return {
        "audience": sub.audience, "prescribed": sub.prescribed_answer, "region": sub.region, "sex": sub.sex,
        "answers": dict(sub.answers), "plan": list(sub.plan), "modules": list(dict.fromkeys(modules)), "current": current,
        "finished": raw["finished"], "language": language,
    }


def keep(state: dict[str, Any], content: Content) -> None:
    """At the top of every page: send the check to the tab, or, in a new and empty session, take
    the tab's copy back. This one also offers the copy when the connection returns, so it must sit
    outside any fragment: a fragment's rerun means nothing to a new session."""
    forget = st.session_state.pop(FORGET, False)
    fresh = not state["answers"] and state["audience"] is None
    result = _renderer()(
        data={"check": None if forget else to_json(state), "forget": forget, "fresh": fresh, "offer": True},
        key="tab_copy",
        on_restore_change=lambda: None,
    )
    kept = getattr(result, "restore", None)
    if kept and fresh:
        restored = from_json(kept, content)
        if restored is None:
            st.session_state[FORGET] = True  # a copy that does not check out is dropped, not used:
            st.rerun()  # the next run tells the tab to forget it
        state.update(restored)
        st.session_state[RESTORED] = _where(state)
        st.rerun()


def update(state: dict[str, Any]) -> None:
    """Inside the question fragment, whose reruns do not reach the page's `keep`: send the
    answers as they change (and forget them after Clear)."""
    forget = st.session_state.pop(FORGET, False)
    _renderer()(data={"check": None if forget else to_json(state), "forget": forget, "fresh": False,
                      "offer": False}, key="tab_copy_answers")


def _where(state: dict[str, Any]) -> str:
    return repr((state["answers"], state.get("current")))


def said_restored(state: dict[str, Any]) -> bool:
    """True while the check is where the restored copy left it. Not just once: the run after a
    restore is often followed at once by another (a component reporting back), which would take
    the message away within 100 ms, before anyone could read it."""
    if RESTORED in st.session_state and st.session_state[RESTORED] == _where(state):
        return True
    st.session_state.pop(RESTORED, None)
    return False


"""A copy of the check kept in the person's own browser tab, so a server restart, the loss of one
replica or a reload costs them nothing.

The copy lives in the tab's sessionStorage (never a cookie, never the URL, never the server's
disk). A run that changed the check sends it to the tab; a new, empty session (after a restart, or
opened by the static first screen with the choices in the copy) gets the tab's copy back once,
checks it like any answer file (the import's limits and answer checks, and the content version it
was made under), and says so; a copy that does not check out is dropped, and the page says why.
Clear, Finish and Leave wipe the copy too.

Its JavaScript is `assets/tab_copy.js` (`ketacheck/ui/components.py`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from ketacheck import loader, submission
from ketacheck.export import read_json
from ketacheck.loader import Content
from ketacheck.model import DONT_KNOW
from ketacheck.submission import InputError
from ketacheck.ui import components
from ketacheck.ui import state as app_state
from ketacheck.ui.i18n import N_

KEY = "tab_copy"  # the page's instance (the question fragment's is "tab_copy_answers")
FORGET = "_forget_tab_copy"  # set by Clear and Finish: the next run wipes the tab's copy
RESTORED = "_restored"  # set when a copy came back: the page says so until the check moves on
DROPPED = "_dropped_copy"  # why a copy was not used: the page says so until the person begins again
SENT = "_sent_tab_copy"  # the copy last sent to the tab (JSON), so an unchanged one is not sent again
TAKEN = "_tab_answer_taken"  # the tab's answer was taken by its callback, before this run
NO_COPY = "_no_tab_copy"  # the tab said it keeps no copy (only asked by a page that waits for one)
FIELDS = ("audience", "prescribed", "region", "sex", "answers", "plan", "modules", "current", "finished", "language")
VERSION = "content"  # the content version a copy was made under (loader.Content.version)
MAX_BYTES = 64 * 1024  # a whole check is about 2 KB
# Why a copy was dropped, in the words the page shows (in the person's language, by chrome.page):
# never the details, which quote what the copy holds. The reasons from_json gives are for tests.
UNUSABLE = N_("it did not check out (it may have been changed, or it is not KetaCheck's)")
# During a rolling upgrade a tab made under the old content can meet the new: its option values
# may mean something else now, so it is not used.
STALE = N_("it was made under an earlier version of KetaCheck's questions, whose answers may now mean something else")


def _mount(data: dict[str, Any], key: str, **callbacks: Any) -> Any:
    return components.mount("tab_copy", data, key, **callbacks)


def to_json(state: dict[str, Any], content: Content) -> dict[str, Any] | None:
    """What the tab keeps: the context and answers (lists, as in an answer file), where the person
    was, which modules they chose, and the content version it was made under. Nothing before a
    choice is made."""
    if not state["answers"] and state["audience"] is None:
        return None
    copy = {k: state[k] for k in FIELDS}
    copy["answers"] = {k: list(v) if isinstance(v, tuple) else v for k, v in state["answers"].items()}
    copy[VERSION] = content.version
    return copy


def from_json(text: Any, content: Content) -> dict[str, Any]:
    """The tab's copy back as state, checked like an answer file (it is input from the browser: the
    same limits, then the same answer checks), and made under this content. Raises InputError with
    the reason, for the person, when anything about it is wrong."""
    if not isinstance(text, str) or not text:
        raise InputError(["it is not a copy of a check"])
    try:
        raw = read_json(text, limit=MAX_BYTES)
    except InputError as exc:
        raise InputError([f"it could not be read ({exc.problems[0]})"]) from None
    if not isinstance(raw, dict) or set(raw) != {*FIELDS, VERSION}:
        raise InputError(["it is not a copy of a check"])
    if raw[VERSION] != content.version:
        raise InputError([STALE])
    audience = raw["audience"]
    if audience not in ("self", "other", "intake"):
        raise InputError(["it names no one the check is for"])
    # True or False; a loved one may not know (issue 20's "dont_know"), which is scored as not prescribed.
    if raw["prescribed"] not in (True, False) and not (audience == "other" and raw["prescribed"] == DONT_KNOW):
        raise InputError(["it does not say whether the ketamine is prescribed"])
    if not isinstance(raw["finished"], bool):
        raise InputError(["it is not a copy of a check"])
    sub = submission.parse({k: raw[k] for k in ("audience", "prescribed", "region", "sex", "answers", "plan")},
                           content)
    modules = raw["modules"]
    if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules) \
            or not set(modules) <= set(content.modules) - {"core"}:
        raise InputError(["it names modules this check does not have"])
    current = raw["current"]
    if current is not None and (not isinstance(current, str) or current not in content.items):
        raise InputError(["it names a question this check does not have"])
    if raw["language"] not in loader.languages(content.directory):
        raise InputError(["it names a language this check does not have"])
    state = {
        "audience": sub.audience, "prescribed": sub.prescribed_answer, "region": sub.region, "sex": sub.sex,
        "answers": dict(sub.answers), "plan": list(sub.plan), "modules": list(dict.fromkeys(modules)),
        "current": current, "finished": False, "language": raw["language"],
    }
    # "Finished" is what the answers say, not what the copy claims: the end of the questions says
    # "You have answered every question".
    state["finished"] = raw["finished"] and all(
        i.id in state["answers"] or i.optional for i in app_state.visible_flow(state, content))
    return state


def _outgoing(state: dict[str, Any], content: Content, forget: bool) -> dict[str, Any] | None:
    """The copy to send, or None when the tab already holds it: most runs change nothing in it (a
    page opened, a fold unfolded), and sending it every time cost every click its serialising
    and its bytes. Forgetting resets what the tab is known to hold."""
    if forget:
        st.session_state.pop(SENT, None)
        return None
    copy = to_json(state, content)
    text = None if copy is None else json.dumps(copy, sort_keys=True)
    if text is None or text == st.session_state.get(SENT):
        return None
    st.session_state[SENT] = text
    return copy


def keep(state: dict[str, Any], content: Content, *, awaited: bool = False) -> None:
    """At the top of every page: send the check to the tab, or, in a new and empty session, take
    the tab's copy back. This one also offers the copy when the connection returns, so it must sit
    outside any fragment: a fragment's rerun means nothing to a new session. A page that waits for
    the copy (`awaited`: the check, which the first screen opens with the choices in the copy) is
    also told when the tab has none (see `coming`)."""
    forget = st.session_state.pop(FORGET, False)
    fresh = _fresh(state)
    taken = st.session_state.pop(TAKEN, False)
    result = _mount(
        {"check": _outgoing(state, content, forget), "forget": forget, "fresh": fresh,
         "offer": True, "report": awaited and fresh, "max": MAX_BYTES},
        key=KEY,
        on_restore_change=_answered("restore", state, content),
        on_none_change=_answered("none", state, content),
    )
    # A session that had not run before the tab answered (a new one, after a restart) registered
    # no callback: its first run takes the answer here, then draws the page again with it.
    if taken:
        return
    if getattr(result, "none", None) and fresh:
        st.session_state[NO_COPY] = True
        st.rerun()
    kept = getattr(result, "restore", None)
    if kept and fresh:
        _take_back(state, content, kept)
        st.rerun()


def _fresh(state: dict[str, Any]) -> bool:
    return not state["answers"] and state["audience"] is None


def _answered(event: str, state: dict[str, Any], content: Content) -> Callable[[], None]:
    """The tab's answer ("restore" with its copy, or "none"), taken in a callback: it runs before the
    page draws anything, so the page is drawn once, with the check back (or the reason it is not),
    not drawn, dropped and drawn again (an opening run 11.4 -> 9.2 ms, benchmarks/RESULTS.md)."""
    def run() -> None:
        values = st.session_state.get(KEY)
        value = values.get(event) if isinstance(values, Mapping) else None
        if not value or not _fresh(state):
            return
        st.session_state[TAKEN] = True  # so this run's keep() does not take it a second time
        if event == "none":
            st.session_state[NO_COPY] = True
        else:
            _take_back(state, content, value)
    return run


def _take_back(state: dict[str, Any], content: Content, kept: Any) -> None:
    """The tab's copy into the empty check; or, if it does not check out, dropped, and the person is
    told why (the next run tells the tab to forget it, so a reload starts clean)."""
    try:
        restored = from_json(kept, content)
    except InputError as exc:
        st.session_state[FORGET] = True
        # In fixed words: the details quote what the copy holds, which is not ours to render.
        st.session_state[DROPPED] = STALE if exc.problems == [STALE] else UNUSABLE
        return
    state.update(restored)
    if state["answers"]:  # choices alone (from the first screen) are no reconnection to announce
        st.session_state[RESTORED] = _where(state)


def coming(state: dict[str, Any]) -> bool:
    """True while a new, empty session may still get the tab's copy back: the tab has neither
    given one, nor said it has none, nor had one dropped."""
    return _fresh(state) and NO_COPY not in st.session_state and DROPPED not in st.session_state


def said_dropped(state: dict[str, Any]) -> str | None:
    """Why the tab's copy was not used, while the check is still empty (the person has not begun
    again yet)."""
    if state["answers"] or state["audience"] is not None:
        st.session_state.pop(DROPPED, None)
        return None
    return st.session_state.get(DROPPED)


def update(state: dict[str, Any], content: Content) -> None:
    """Inside the question fragment, whose reruns do not reach the page's `keep`: send the
    answers as they change (and forget them after Clear)."""
    forget = st.session_state.pop(FORGET, False)
    _mount({"check": _outgoing(state, content, forget), "forget": forget, "fresh": False,
            "offer": False, "max": MAX_BYTES}, key="tab_copy_answers")


def outgoing(state: dict[str, Any], content: Content) -> dict[str, Any]:
    """What `update` sends, for an element that carries the copy itself (the question's, so an
    answer's run sends one element, not two)."""
    forget = st.session_state.pop(FORGET, False)
    return {"check": _outgoing(state, content, forget), "forget": forget}


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


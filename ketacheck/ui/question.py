"""One question on screen: large answer buttons, progress, Back / Skip / Next."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ketacheck.loader import Content
from ketacheck.model import Item
from ketacheck.ui import state as app_state

INTROS = {
    "safety": "First, a few safety questions. If any of these is happening now, call for help straight away.",
    "audit_c": "A few standard questions about alcohol (AUDIT-C), because alcohol and ketamine are a risky mix.",
    "sds": "Five standard questions about control (Severity of Dependence Scale). Think about {timeframe}.",
    "dsm5_k": "Ten yes-or-no questions based on DSM-5. Think about {timeframe}.",
}


# Set by an answer that adds or takes away a red flag: the emergency panel sits above the
# question, outside its fragment, so the whole page must run again.
RERUN_PAGE = "_rerun_page"


def _answer(state: dict[str, Any], item_id: str, value: int, content: Content) -> None:
    item = content.items[item_id]
    before = state["answers"].get(item_id)
    state["answers"][item_id] = value
    if item.red_flag and any(o.red_flag for o in item.options if o.value in (before, value)):
        st.session_state[RERUN_PAGE] = True
    _move(state, content, +1)


def _move(state: dict[str, Any], content: Content, step: int) -> None:
    flow = app_state.visible_flow(state, content)
    ids = [i.id for i in flow]
    here = ids.index(state["current"]) if state["current"] in ids else 0
    target = here + step
    if target >= len(ids):
        state["finished"] = True
        state["current"] = ids[-1] if ids else None
    else:
        state["current"] = ids[max(0, target)]


def current_item(state: dict[str, Any], content: Content) -> Item | None:
    flow = app_state.visible_flow(state, content)
    if not flow:
        return None
    ids = [i.id for i in flow]
    if state["current"] not in ids:
        # First visit, or an earlier answer hid this question: resume at the first unanswered one.
        state["current"] = next((i for i in ids if i not in state["answers"]), ids[0])
    return content.items[state["current"]]


def group_of(item: Item, content: Content) -> str:
    return content.instrument_of.get(item.id) or item.domain


@st.fragment
def screen(state: dict[str, Any], content: Content) -> None:
    """The part of the check page an answer changes: the question, or the end of the questions.

    A fragment, so an answer reruns only this, not the page's safety chrome and scoring: server
    CPU per click 6.6 -> 4.3 ms with 50 people (benchmarks/RESULTS.md). The whole page runs again
    when the emergency panel above must change."""
    if st.session_state.pop(RERUN_PAGE, False):
        st.rerun(scope="app")
    if state["finished"]:
        st.success("You have reached the end of the questions.")
        if st.button("See my result", type="primary", width="stretch", key="see_result"):
            st.switch_page("pages/result.py")
        if st.button("Review my answers", width="stretch", key="review"):
            state["finished"] = False
            st.rerun(scope="fragment")
        return
    show(state, content)
    if state["answers"] and st.button("Stop here and see my result so far", type="tertiary", key="result_so_far"):
        st.switch_page("pages/result.py")


def show(state: dict[str, Any], content: Content) -> None:
    item = current_item(state, content)
    if item is None:
        st.info("There are no questions for this choice.")
        return
    flow = app_state.visible_flow(state, content)
    position = [i.id for i in flow].index(item.id)
    answered = sum(1 for i in flow if i.id in state["answers"])
    st.progress(answered / len(flow), text=f"Question {position + 1} of {len(flow)}")

    group = group_of(item, content)
    first_of_group = position == 0 or group_of(flow[position - 1], content) != group
    if first_of_group and group in INTROS:
        instrument = content.instruments.get(group)
        st.info(INTROS[group].format(timeframe=instrument.timeframe if instrument else ""))

    audience = state["audience"] or "self"
    text, labels = item.wording(audience, state["region"])
    instrument = content.instruments.get(content.instrument_of.get(item.id, ""))
    if instrument:
        st.caption(f"{instrument.short_name} · {instrument.timeframe}")
    with st.container(key="question"):
        st.title(text, anchor=False)  # the page's one h1: what is being asked
    if item.help:
        st.caption(item.help)

    chosen = state["answers"].get(item.id)
    for option, label in zip(item.options, labels, strict=True):
        st.button(
            label,
            key=f"answer_{item.id}_{option.value}",
            type="primary" if option.value == chosen else "secondary",
            width="stretch",
            on_click=_answer,
            args=(state, item.id, option.value, content),
        )

    # One horizontal container, not st.columns: two fewer elements on every answer, and the pair
    # stays side by side on a phone (columns stack below 640 px).
    row = st.container(horizontal=True, gap="small")
    row.button("Back", key="nav_back", width="stretch", disabled=position == 0, on_click=_move, args=(state, content, -1))
    can_skip = item.optional or audience == "other"
    label = "Next" if chosen is not None else "Skip" if can_skip else "Next"
    row.button(
        label,
        key="nav_next",
        width="stretch",
        disabled=chosen is None and not can_skip,
        on_click=_move,
        args=(state, content, +1),
        help=None if chosen is not None or can_skip else "Choose an answer to go on.",
    )

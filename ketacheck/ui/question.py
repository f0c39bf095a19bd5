"""One question on screen: the section and progress, the question, its answers as one group
(radios for one answer, checkboxes for several), and Back / Next.

Answers are full-width buttons, so one tap answers and moves on (the core check in about 18 taps).
`/assist.js` gives the group its roles: a named radiogroup or group, each answer a radio or checkbox
with its checked state, arrow keys between answers (`.st-key-answers_one`, `.st-key-answers_many`).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ketacheck.loader import Content
from ketacheck.model import DONT_KNOW, Item
from ketacheck.ui import chrome
from ketacheck.ui import state as app_state
from ketacheck.ui.i18n import _
from ketacheck.ui import tab_copy
from ketacheck.ui.switch import switch_page

# This fragment's key: an answer that adds or takes away a red flag reruns it with the page's
# safety fragment (the emergency panel above the question), by name, instead of the whole page.
QUESTION = "question_screen"
# Set when the last question of a pass is answered: the result comes next, without another tap.
TO_RESULT = "_to_result"


def _flags(item: Item, answer: Any) -> set[str]:
    return {o.red_flag for o in item.chosen(answer) if o.red_flag}


def _store(state: dict[str, Any], item: Item, answer: Any) -> bool:
    """Keep the answer; True when it adds or takes away a red flag."""
    before = state["answers"].get(item.id)
    if answer is None:
        state["answers"].pop(item.id, None)
    else:
        state["answers"][item.id] = answer
    return _flags(item, before) != _flags(item, answer)


def _rerun_with_safety(flags_changed: bool) -> None:
    """Last thing in a callback: when the red flags changed, the emergency panel above the question
    must change too, so this fragment and the page's safety fragment run (st.rerun by key ends the
    callback, hence last)."""
    if flags_changed:
        st.rerun([chrome.SAFETY, QUESTION])


def _answer(state: dict[str, Any], item_id: str, value: Any, content: Content) -> None:
    """One tap: a single answer, "Don't know", or a multiple-choice "None of these"; then on."""
    item = content.items[item_id]
    changed = _store(state, item, (value,) if item.multiple and value != DONT_KNOW else value)
    _onward(state, content)
    _rerun_with_safety(changed)


def _toggle(state: dict[str, Any], item_id: str, value: int, content: Content) -> None:
    """A multiple-choice answer on or off (the person moves on with Continue)."""
    item = content.items[item_id]
    current = state["answers"].get(item_id)
    chosen = set(current) if isinstance(current, tuple) else set()
    chosen -= {o.value for o in item.options if o.exclusive}
    chosen ^= {value}
    _rerun_with_safety(_store(state, item, tuple(sorted(chosen)) or None))


def _onward(state: dict[str, Any], content: Content) -> None:
    """After an answer: the next question without an answer (back where the person was, if they
    went back to change one); past the last, the result."""
    ids = [i.id for i in app_state.visible_flow(state, content)]
    here = ids.index(state["current"]) if state["current"] in ids else -1
    later = [i for i in ids[here + 1:] if i not in state["answers"]]
    if later:
        state["current"] = later[0]
    else:
        state["finished"] = True
        st.session_state[TO_RESULT] = True


def _step(state: dict[str, Any], content: Content, step: int) -> None:
    """Back or Next: one question at a time, for reviewing answers."""
    ids = [i.id for i in app_state.visible_flow(state, content)]
    here = ids.index(state["current"]) if state["current"] in ids else 0
    target = here + step
    if target >= len(ids):
        state["finished"] = True
        st.session_state[TO_RESULT] = True
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


@st.fragment(key=QUESTION)
def screen(state: dict[str, Any], content: Content) -> None:
    """The part of the check page an answer changes: the question, or the end of the questions.

    A fragment, so an answer reruns only this, not the page's chrome and scoring: server CPU per
    click 6.6 -> 4.3 ms with 50 people (benchmarks/RESULTS.md). When the emergency panel above must
    change, the answer reruns the page's safety fragment with it (`_rerun_with_safety`)."""
    if st.session_state.pop(TO_RESULT, False):
        switch_page("pages/result.py")
    if state["finished"]:
        end(state, content)
    else:
        show(state, content)
        item = content.items.get(state["current"] or "")
        if item and content.module_of[item.id] == "core" and state["answers"] and not app_state.core_done(state, content):
            if st.button(_("Stop here and see my result so far"), type="tertiary", key="result_so_far"):
                switch_page("pages/result.py")
    # Here, not in the page's chrome: an answer reruns only this fragment. Clearing empties the
    # whole check, so it runs the whole page again, not this fragment.
    chrome.clear_button(whole_page=True)
    tab_copy.update(state, content)


def end(state: dict[str, Any], content: Content) -> None:
    st.title(_("You have answered every question"), anchor=False)
    if st.button(_("See my result"), type="primary", width="stretch", key="see_result"):
        switch_page("pages/result.py")
    st.button(_("Review my answers"), width="stretch", key="review", on_click=_review, args=(state, content))


def _review(state: dict[str, Any], content: Content) -> None:
    app_state.go_to(state, app_state.visible_flow(state, content)[0].id)


def progress_text(item: Item, state: dict[str, Any], content: Content) -> tuple[float, str]:
    """Progress through the section the question is in: the core check, or one module."""
    module = content.module_of[item.id]
    section = [i for i in app_state.visible_flow(state, content) if content.module_of[i.id] == module]
    position = [i.id for i in section].index(item.id)
    # The section's length counts follow-up questions an answer may still open (the most it asks).
    audience, prescribed = app_state.context(state)
    length = sum(1 for i in content.flow(audience, prescribed, (module,)) if content.module_of[i.id] == module)
    answered = sum(1 for i in section if i.id in state["answers"])
    title = _("Core check") if module == "core" else content.modules[module].title
    return answered / length, _("{section}: question {n} of {total}").format(section=title, n=position + 1, total=length)


def intro(item: Item, state: dict[str, Any], content: Content) -> str | None:
    """A section's opening words: the item's own intro, or its module's above the first question."""
    audience, _prescribed = app_state.context(state)
    if item.intro:
        return item.intro.for_audience(audience) or item.intro.self_
    module = content.modules[content.module_of[item.id]]
    section = [i for i in app_state.visible_flow(state, content) if content.module_of[i.id] == module.id]
    if module.intro and section and section[0].id == item.id:
        instrument = content.instruments.get(module.id)
        return module.intro.format(timeframe=instrument.timeframe if instrument else "")
    return None


def show(state: dict[str, Any], content: Content) -> None:
    item = current_item(state, content)
    if item is None:
        st.info(_("There are no questions for this choice."))
        return
    audience, _prescribed = app_state.context(state)
    share, text_line = progress_text(item, state, content)
    with st.container(key="question"):
        st.progress(share, text=text_line)
        opening = intro(item, state, content)
        if opening:
            st.markdown(f"**{opening}**")
        instrument = content.instruments.get(content.instrument_of.get(item.id, ""))
        if instrument:
            st.caption(f"{instrument.short_name} · {instrument.timeframe}")
        text, labels = item.wording(audience, state["region"])
        st.title(text, anchor=False)  # the page's one h1: what is being asked
        if item.help:
            st.caption(item.help)
    answers(item, labels, state, content)
    navigation(item, state, content)


def answers(item: Item, labels: list[str], state: dict[str, Any], content: Content) -> None:
    audience, _prescribed = app_state.context(state)
    answer = state["answers"].get(item.id)
    chosen = {o.value for o in item.chosen(answer)}
    options = [(o.value, label, o.exclusive) for o, label in zip(item.options, labels, strict=True)]
    if content.offers_dont_know(audience):
        options.append((DONT_KNOW, content.dont_know.label, True))
    with st.container(key="answers_many" if item.multiple else "answers_one", gap="small"):
        for value, label, exclusive in options:
            picked = value in chosen or (value == DONT_KNOW and answer == DONT_KNOW)
            toggles = item.multiple and not exclusive
            st.button(
                label,
                key=f"answer_{item.id}_{value}",
                type="primary" if picked else "secondary",
                width="stretch",
                on_click=_toggle if toggles else _answer,
                args=(state, item.id, value, content),
            )


def navigation(item: Item, state: dict[str, Any], content: Content) -> None:
    flow = app_state.visible_flow(state, content)
    first = flow[0].id == item.id
    answer = state["answers"].get(item.id)
    # One horizontal container, not st.columns: two fewer elements on every answer, and the pair
    # stays side by side on a phone (columns stack below 640 px).
    row = st.container(horizontal=True, gap="small")
    row.button(_("Back"), key="nav_back", width="stretch", disabled=first, on_click=_step, args=(state, content, -1))
    if item.multiple:
        ready = isinstance(answer, tuple) and bool(answer)
        # Continue steps on, as Next does: in a first pass that is the next unanswered question,
        # and in a review it does not jump past the answers being looked at.
        row.button(_("Continue"), key="nav_next", type="primary" if ready else "secondary", width="stretch",
                   disabled=not ready, on_click=_step, args=(state, content, +1),
                   help=None if ready else _("Choose one or more answers, or \"None of these\"."))
        return
    can_skip = item.optional and answer is None
    row.button(
        _("Skip") if can_skip else _("Next"),
        key="nav_next",
        width="stretch",
        disabled=answer is None and not can_skip,
        on_click=_step,
        args=(state, content, +1),
        help=None if answer is not None or can_skip else _("Choose an answer to go on."),
    )

"""One question on screen: the section and progress, the question, its answers as one group
(radios for one answer, checkboxes for several), and Back / Next.

Two fragments: the question with its answers (`question`), and the buttons under it (`buttons`: Back,
Next, "Stop here", "Clear my answers"). An answer changes the question but, in a first pass through
the check, not those buttons, so it reruns the question alone and the buttons are not sent again;
when the buttons must change too (the first question, a review, an answer that can now go on),
the callback names their fragment as well (`_rerun`).

Answers are full-width buttons, so one tap answers and moves on (the core check in about 18 taps).
`/assist.js` gives the group its roles: a named radiogroup or group, each answer a radio or checkbox
with its checked state, arrow keys between answers (`.st-key-answers_one`, `.st-key-answers_many`).
"""

from __future__ import annotations

from dataclasses import dataclass
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
# The buttons under the question, a fragment of their own, and what they showed when last drawn.
BUTTONS = "question_buttons"
DRAWN = "_buttons_drawn"
# Set when the last question of a pass is answered: the result comes next, without another tap.
TO_RESULT = "_to_result"


@dataclass(frozen=True)
class Buttons:
    """Everything the buttons under the question depend on: they are drawn again only when this
    changes."""
    asking: bool  # a question is on screen (not the end of the questions)
    first: bool  # Back is off on the first question
    multiple: bool  # Continue (ticks, then on) rather than Next
    answered: bool  # Next or Continue is on
    can_skip: bool  # Skip rather than a Next that is off
    stop_here: bool  # "Stop here and see my result so far" (part-way through the core check)
    clear: bool  # "Clear my answers" (there are answers to clear)


def buttons_of(state: dict[str, Any], content: Content) -> Buttons:
    """What the buttons under the question show for this state (the same the fragment draws)."""
    item = None if state["finished"] else current_item(state, content)
    clear = bool(state["answers"])
    if item is None:
        return Buttons(False, False, False, False, False, False, clear)
    answer = state["answers"].get(item.id)
    answered = isinstance(answer, tuple) and bool(answer) if item.multiple else answer is not None
    return Buttons(
        asking=True,
        first=app_state.visible_flow(state, content)[0].id == item.id,
        multiple=item.multiple,
        answered=answered,
        can_skip=not item.multiple and item.optional and answer is None,
        stop_here=content.module_of[item.id] == "core" and bool(state["answers"])
        and not app_state.core_done(state, content),
        clear=clear,
    )


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


def _rerun(state: dict[str, Any], content: Content, *, flags_changed: bool = False, clicked: str = QUESTION) -> None:
    """Last thing in a callback (st.rerun by key ends it): the question runs again, and with it
    the page's safety fragment when the red flags changed (the emergency panel above the question
    must change too) and the buttons when what they show changed. A tap reruns its own fragment
    anyway, so st.rerun is needed only for more than that."""
    scopes = [QUESTION]
    if flags_changed:
        scopes.append(chrome.SAFETY)
    if buttons_of(state, content) != st.session_state.get(DRAWN):
        scopes.append(BUTTONS)
    if scopes != [clicked]:
        st.rerun(scopes)


def _answer(state: dict[str, Any], item_id: str, value: Any, content: Content) -> None:
    """One tap: a single answer, "Don't know", or a multiple-choice "None of these"; then on."""
    item = content.items[item_id]
    changed = _store(state, item, (value,) if item.multiple and value != DONT_KNOW else value)
    _onward(state, content)
    _rerun(state, content, flags_changed=changed)


def _toggle(state: dict[str, Any], item_id: str, value: int, content: Content) -> None:
    """A multiple-choice answer on or off (the person moves on with Continue)."""
    item = content.items[item_id]
    current = state["answers"].get(item_id)
    chosen = set(current) if isinstance(current, tuple) else set()
    chosen -= {o.value for o in item.options if o.exclusive}
    chosen ^= {value}
    _rerun(state, content, flags_changed=_store(state, item, tuple(sorted(chosen)) or None))


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
    _rerun(state, content, clicked=BUTTONS)


def current_item(state: dict[str, Any], content: Content) -> Item | None:
    flow = app_state.visible_flow(state, content)
    if not flow:
        return None
    ids = [i.id for i in flow]
    if state["current"] not in ids:
        # First visit, or an earlier answer hid this question: resume at the first unanswered one.
        state["current"] = next((i for i in ids if i not in state["answers"]), ids[0])
    return content.items[state["current"]]


def screen(state: dict[str, Any], content: Content) -> None:
    """The check page's part below the chrome: the question, then the buttons under it."""
    question(state, content)
    buttons(state, content)


@st.fragment(key=QUESTION)
def question(state: dict[str, Any], content: Content) -> None:
    """The part of the check page an answer changes: the question, or the end of the questions.

    A fragment, so an answer reruns only this, not the page's chrome and scoring: server CPU per
    click 6.6 -> 4.3 ms with 50 people (benchmarks/RESULTS.md). When the emergency panel above or
    the buttons below must change, the answer reruns their fragments with it (`_rerun`)."""
    if st.session_state.pop(TO_RESULT, False):
        switch_page("pages/result.py")
    if state["finished"]:
        end(state, content)
    else:
        show(state, content)
    # Here, not in the page's chrome: an answer reruns only this fragment.
    tab_copy.update(state, content)


@st.fragment(key=BUTTONS)
def buttons(state: dict[str, Any], content: Content) -> None:
    """Back and Next (or Skip, or Continue), "Stop here" and "Clear my answers": drawn again only
    when what they show changes (`Buttons`), so most answers do not send them."""
    drawn = st.session_state[DRAWN] = buttons_of(state, content)
    if drawn.asking:
        navigation(drawn, state, content)
        if drawn.stop_here and st.button(_("Stop here and see my result so far"), type="tertiary", key="result_so_far"):
            switch_page("pages/result.py")
    # Clearing empties the whole check, so the whole page runs again, not this fragment.
    chrome.clear_button(whole_page=True)


def end(state: dict[str, Any], content: Content) -> None:
    st.title(_("You have answered every question"), anchor=False)
    if st.button(_("See my result"), type="primary", width="stretch", key="see_result"):
        switch_page("pages/result.py")
    st.button(_("Review my answers"), width="stretch", key="review", on_click=_review, args=(state, content))


def _review(state: dict[str, Any], content: Content) -> None:
    app_state.go_to(state, app_state.visible_flow(state, content)[0].id)
    _rerun(state, content)


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


def navigation(drawn: Buttons, state: dict[str, Any], content: Content) -> None:
    # One horizontal container, not st.columns: two fewer elements, and the pair stays side by
    # side on a phone (columns stack below 640 px).
    row = st.container(horizontal=True, gap="small")
    row.button(_("Back"), key="nav_back", width="stretch", disabled=drawn.first, on_click=_step,
               args=(state, content, -1))
    if drawn.multiple:
        # Continue steps on, as Next does: in a first pass that is the next unanswered question,
        # and in a review it does not jump past the answers being looked at.
        row.button(_("Continue"), key="nav_next", type="primary" if drawn.answered else "secondary",
                   width="stretch", disabled=not drawn.answered, on_click=_step, args=(state, content, +1),
                   help=None if drawn.answered else _("Choose one or more answers, or \"None of these\"."))
        return
    row.button(
        _("Skip") if drawn.can_skip else _("Next"),
        key="nav_next",
        width="stretch",
        disabled=not drawn.answered and not drawn.can_skip,
        on_click=_step,
        args=(state, content, +1),
        help=None if drawn.answered or drawn.can_skip else _("Choose an answer to go on."),
    )

"""One question on screen: the section and progress, the question, its answers as one group
(radios for one answer, checkboxes for several), Back / Next, and "Clear my answers".

Answers are full-width buttons, so one tap answers and moves on (the core check in about 18 taps).
The whole screen is one element (`question_view`, drawn by `assets/question.js`), not a dozen
Streamlit widgets: an answer's run then costs about what a bare page's does (issue 23). Its events
call the callbacks below, as the buttons did; each names the question it was tapped on, and one for
a question no longer on screen (a double tap) is dropped.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ketacheck.loader import Content
from ketacheck.model import DONT_KNOW, Item
from ketacheck.ui import chrome
from ketacheck.ui import state as app_state
from ketacheck.ui.i18n import _
from ketacheck.ui import question_view
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


def _offered(item: Item, value: Any, content: Content, state: dict[str, Any]) -> bool:
    """The value is one of this question's answers as shown (the element's events come from the
    browser: anything else is dropped)."""
    if value == DONT_KNOW:
        return content.offers_dont_know(app_state.context(state)[0])
    return type(value) is int and any(o.value == value for o in item.options)


def _answer(state: dict[str, Any], item_id: str, value: Any, content: Content) -> None:
    """One tap: a single answer, "Don't know", or a multiple-choice "None of these"; then on."""
    item = content.items[item_id]
    if not _offered(item, value, content, state):
        return
    changed = _store(state, item, (value,) if item.multiple and value != DONT_KNOW else value)
    _onward(state, content)
    _rerun_with_safety(changed)


def _toggle(state: dict[str, Any], item_id: str, value: int, content: Content) -> None:
    """A multiple-choice answer on or off (the person moves on with Continue)."""
    item = content.items[item_id]
    # `type(...) is int`: True and 1.0 equal 1 in Python, but are no answer.
    if not item.multiple or type(value) is not int or not any(o.value == value and not o.exclusive for o in item.options):
        return
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


def _to_result() -> None:
    """"Stop here and see my result so far": the result of what is answered, the check kept."""
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
    if not state["finished"] and show(state, content):
        return  # the question's element carries "Clear my answers" and the tab's copy
    if state["finished"]:
        end(state, content)
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


def show(state: dict[str, Any], content: Content) -> bool:
    """The question on screen, as one element; False when there is none for this choice."""
    item = current_item(state, content)
    if item is None:
        st.info(_("There are no questions for this choice."))
        return False
    audience, _prescribed = app_state.context(state)
    share, text_line = progress_text(item, state, content)
    instrument = content.instruments.get(content.instrument_of.get(item.id, ""))
    text, labels = item.wording(audience, state["region"])
    data = {
        "item": item.id, "multiple": item.multiple, "progress": share, "progress_text": text_line,
        "intro": intro(item, state, content),
        "caption": f"{instrument.short_name} · {instrument.timeframe}" if instrument else None,
        "title": text,  # the page's one h1: what is being asked
        "help": item.help,
        "options": answers(item, labels, state, content),
        **navigation(item, state, content),
        "clear": {"key": "clear_answers", "label": _("Clear my answers")} if state["answers"] else None,
        "copy": tab_copy.outgoing(state, content),
    }
    question_view.mount(data, {
        "answer": lambda value: _answer(state, item.id, value, content),
        "toggle": lambda value: _toggle(state, item.id, value, content),
        "back": lambda _value: _step(state, content, -1),
        "next": lambda _value: _step(state, content, +1),
        "stop": lambda _value: _to_result(),
        "clear": lambda _value: chrome.clear_answers(whole_page=True),
    }, item.id)
    return True


def answers(item: Item, labels: list[str], state: dict[str, Any], content: Content) -> list[dict[str, Any]]:
    """The answers, as the element shows them: which are chosen, and which a tap ticks on or off
    (several answers) rather than answers and moves on."""
    audience, _prescribed = app_state.context(state)
    answer = state["answers"].get(item.id)
    chosen = {o.value for o in item.chosen(answer)}
    options = [(o.value, label, o.exclusive) for o, label in zip(item.options, labels, strict=True)]
    if content.offers_dont_know(audience):
        options.append((DONT_KNOW, content.dont_know.label, True))
    return [{"key": f"answer_{item.id}_{value}", "value": value, "label": label,
             "chosen": value in chosen or (value == DONT_KNOW and answer == DONT_KNOW),
             "toggles": item.multiple and not exclusive}
            for value, label, exclusive in options]


def navigation(item: Item, state: dict[str, Any], content: Content) -> dict[str, Any]:
    """Back, Next (Skip, Continue) and "Stop here", as the element shows them."""
    flow = app_state.visible_flow(state, content)
    answer = state["answers"].get(item.id)
    back = {"key": "nav_back", "label": _("Back"), "disabled": flow[0].id == item.id}
    if item.multiple:
        ready = isinstance(answer, tuple) and bool(answer)
        # Continue steps on, as Next does: in a first pass that is the next unanswered question,
        # and in a review it does not jump past the answers being looked at.
        after = {"key": "nav_next", "label": _("Continue"), "disabled": not ready, "primary": ready,
                 "hint": None if ready else _("Choose one or more answers, or \"None of these\".")}
    else:
        can_skip = item.optional and answer is None
        go_on = answer is not None or can_skip
        after = {"key": "nav_next", "label": _("Skip") if can_skip else _("Next"), "disabled": not go_on,
                 "hint": None if go_on else _("Choose an answer to go on.")}
    stop = None
    if content.module_of[item.id] == "core" and state["answers"] and not app_state.core_done(state, content):
        stop = {"key": "result_so_far", "label": _("Stop here and see my result so far")}
    return {"back": back, "next": after, "stop": stop}

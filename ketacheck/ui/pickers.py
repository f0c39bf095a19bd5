"""Context choices as large buttons, written straight into the app-owned state."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ketacheck import wording
from ketacheck.loader import Content
from ketacheck.model import DONT_KNOW, SEX_LABELS
from ketacheck.ui import state as app_state
from ketacheck.ui import tab_copy
from ketacheck.ui.i18n import N_, _
from ketacheck.ui.switch import switch_page

AUDIENCES = [
    ("self", N_("Myself")),
    ("other", N_("Someone I care about")),
    ("intake", N_("Intake pre-screen (clinic device)")),
]
PRESCRIBED = [
    (False, N_("No, it is not prescribed")),
    (True, N_("Yes, it is prescribed as treatment")),
]
SEXES = list(SEX_LABELS.items())


@st.fragment
def choices(state: dict[str, Any], content: Content) -> None:
    """The start page's choices and its Start button. A fragment, so a tap reruns only this, not
    the page's chrome: a whole start page run cost about 12 ms of server CPU per tap, more than
    twice an answer (benchmarks/RESULTS.md). A tap that changes the chrome reruns the page (`_set`)."""
    ready = state["audience"] is not None and state["prescribed"] is not None
    if ready and st.session_state.get("start_check"):
        # Start was tapped: open the check now, rather than draw the choices once more for a page
        # that is left at once (an intake's Start drew its modules again before going).
        switch_page("pages/check.py")
    audience(state, content)
    if state["audience"]:
        prescribed(state, content)
    region(content, state, key="start_region")
    if state["audience"] in ("self", "intake"):
        sex(state, content)
    if ready and state["audience"] == "intake":
        intake_modules(state, content)
    if ready:
        questions, minutes = core_length(state, content)
        length = wording.check_length(content, questions, minutes)
        label = _("Continue the check") if state["answers"] else _("Start: {length}").format(length=length)
        if state["audience"] != "intake":
            st.caption(_("The core check is {length}. Deeper, optional questions are offered with the first result.")
                       .format(length=length))
    else:
        label = _("Start the check")
    st.button(label, type="primary", width="stretch", disabled=not ready, key="start_check")
    if not ready:
        st.caption(_("Choose who the check is for, and whether the ketamine is prescribed, to begin."))
    tab_copy.update(state, content)  # the choices, kept in the tab as they are made


def _links(audience: str | None) -> str:
    """Which row of page links the chrome draws for this audience (chrome.page_links)."""
    return audience if audience in ("other", "intake") else "plain"


def _set(state: dict[str, Any], key: str, value: Any, content: Content) -> None:
    if state.get(key) != value:
        # The choices are a fragment; the page around them runs again only when its chrome changes:
        # the page links (a loved one's or an intake's), or, with answers, the result it shows.
        whole_page = bool(state["answers"]) or (key == "audience" and _links(value) != _links(state["audience"]))
        state[key] = value
        state["finished"] = False  # a new context can add questions
        if key == "audience":
            if state["prescribed"] == DONT_KNOW and not content.offers_dont_know(value):
                state["prescribed"] = None  # only a loved one may not know: ask again
            # Intake runs the core and every module by default; the others start with the core.
            audience, prescribed = app_state.context(state)
            state["modules"] = [m.id for m in content.modules_for(audience, prescribed)] if value == "intake" else []
        if whole_page:
            st.rerun()  # from a callback: the whole page runs instead of the fragment, not after it


def _choice(title: str, state: dict[str, Any], field: str, options: list[tuple[Any, str]], content: Content,
            help: str | None = None) -> None:
    st.header(title, anchor=False)
    if help:
        st.caption(help)
    with st.container(key=f"answers_one_{field}", gap="small"):
        for value, label in options:
            st.button(
                _(label),
                key=f"pick_{field}_{value}",
                type="primary" if state.get(field) == value else "secondary",
                width="stretch",
                on_click=_set,
                args=(state, field, value, content),
            )


def audience(state: dict[str, Any], content: Content) -> None:
    _choice(_("Who is this check for?"), state, "audience", AUDIENCES, content)


def prescribed(state: dict[str, Any], content: Content) -> None:
    options = list(PRESCRIBED)
    help_ = _("For example clinic infusions, nasal esketamine, or lozenges at home under a prescriber.")
    if content.offers_dont_know(state["audience"]):
        # A loved one may not know; the check then asks about any ketamine use, and says so.
        options.append((DONT_KNOW, content.dont_know.label))
        help_ += " " + _("If you don't know, the questions are about any ketamine use.")
    title = _("Is their ketamine prescribed as treatment?") if state["audience"] == "other" \
        else _("Is the ketamine prescribed as treatment?")
    _choice(title, state, "prescribed", options, content, help=help_)


def sex(state: dict[str, Any], content: Content) -> None:
    _choice(_("Sex (optional)"), state, "sex", SEXES, content,
            help=_("Only used to pick the right cut-off for the alcohol questions."))


def region(content: Content, state: dict[str, Any], key: str) -> None:
    ids = list(content.regions)
    # From the app's state on every run (as the language switch): a box keeps its own value, so after
    # a restore from the tab's copy it showed the region first guessed while the numbers were the
    # restored region's.
    st.session_state[key] = state["region"]
    st.selectbox(
        _("Where are you? (for the right phone numbers)"),
        ids,
        format_func=lambda rid: content.regions[rid].name,
        key=key,
        on_change=_set_region,
        args=(state, key),
    )


def _set_region(state: dict[str, Any], key: str) -> None:
    state["region"] = st.session_state[key]
    st.rerun()  # the whole page: the crisis line above names the region's numbers


def intake_modules(state: dict[str, Any], content: Content) -> None:
    """Intake answers every module by default; a clinician can switch any of them off."""
    audience, prescribed_ = app_state.context(state)
    st.header(_("Modules for this pre-screen"), anchor=False)
    st.caption(_("All on by default, after the core check. Switch off any you do not need."))
    for module in content.modules_for(audience, prescribed_):
        _answered, asked, _done = app_state.module_progress(state, content, module.id)
        on = st.toggle(_("{module} ({n} questions)").format(module=module.title, n=asked), value=module.id in state["modules"],
                       key=f"module_on_{module.id}", help=module.adds)
        if on and module.id not in state["modules"]:
            state["modules"] = [m.id for m in content.modules_for(audience, prescribed_)
                                if m.id in state["modules"] or m.id == module.id]
        elif not on and module.id in state["modules"]:
            state["modules"].remove(module.id)


def core_length(state: dict[str, Any], content: Content) -> tuple[int, int]:
    """(questions, minutes) of what the start button begins: the core (intake: with its modules)."""
    audience, prescribed_ = app_state.context(state)
    items = content.flow(audience, prescribed_, tuple(state["modules"])) if audience == "intake" \
        else content.core(audience, prescribed_)
    return len(items), content.minutes(len(items))

"""What every page shows: quick exit, the crisis line, the page links, the privacy promise, and
the help panel the moment a red flag is answered."""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ketacheck import loader, referral
from ketacheck.loader import Content
from ketacheck.model import Resource
from ketacheck.scoring import RedFlagHit, Result
from ketacheck.ui import i18n
from ketacheck.ui import state as app_state
from ketacheck.ui import tab_copy
from ketacheck.web import uploads
from ketacheck.ui.i18n import _
from ketacheck.web.pwa import QUICK_EXIT_URL

LEAVING = "_leaving"
CLEARED = "_cleared"  # set by "Clear my answers": the page's header says so (a toast)
# The keyed fragment that holds the emergency panel or the crisis line (an answer reruns it by name).
SAFETY = "safety"


def begin(*, uploads_here: bool = False, awaits_copy: bool = False,
          answers_here: bool = False) -> tuple[Content, dict[str, Any], Result]:
    """Top of every page: quick exit, crisis line, page links and, once a red flag is answered, help.

    Each page calls this itself (rather than the entry script drawing it) so the safety chrome is
    part of the page wherever it is reached from. It also keeps the check's copy in the tab (and
    takes it back after a server restart). A page without an uploader (`uploads_here` False) takes
    no upload, and the file an earlier page took is dropped. A page that `awaits_copy` learns
    when the tab has none (tab_copy.coming); while the copy is on its way it shows only the quick
    exit and the crisis line above its words (the run the copy starts draws the page again at once,
    and all 50 people of a crowd open the check in the same instant: benchmarks/RESULTS.md). On a
    page whose answers can change the red flags (`answers_here`: the check) the help above is a
    fragment an answer reruns by name; elsewhere it is drawn as part of the page.
    """
    if not uploads_here:
        uploads.POLICY.close_for(session_id())
    state = app_state.get(loader.load())
    content = i18n.content()  # the content in the person's language
    # Scored once per run; pages use this result rather than scoring again.
    result = app_state.result(state, content)
    # While the tab's copy is on its way (the check opened from the first screen): only what keeps
    # the person safe; the page links and the language switch come with the check a moment later.
    header(content, state, result, brief=awaits_copy and state["audience"] is None and tab_copy.coming(state),
           answers_here=answers_here)
    tab_copy.keep(state, content, awaited=awaits_copy)
    dropped = tab_copy.said_dropped(state)
    if dropped:
        with st.container(key="announce_dropped"):  # read out by /assist.js
            st.warning(_("The answers kept in this tab could not be used: {why}. Please start the check again.")
                       .format(why=_(dropped)), icon=":material/info:")
    if tab_copy.said_restored(state):
        with st.container(key="announce_restored"):  # read out by /assist.js
            st.success(_("We reconnected; your answers are still here."), icon=":material/restore:")
    return content, state, result


def session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def offer_upload() -> None:
    """Right before the page draws its uploader: this session may send it one file."""
    uploads.POLICY.open_for(session_id())


def withdraw_upload() -> None:
    uploads.POLICY.close_for(session_id())


def _quick_exit() -> None:
    app_state.clear()
    withdraw_upload()
    st.session_state[LEAVING] = True


def clear_answers(whole_page: bool = False) -> None:
    app_state.clear()
    withdraw_upload()
    st.session_state[tab_copy.FORGET] = True  # the copy in the tab goes too
    st.session_state[tab_copy.NO_COPY] = True  # so the check page asks afresh, not waits for one
    # Said by the page's header (a toast from here would go with a run st.rerun replaces).
    st.session_state[CLEARED] = True
    if whole_page:  # tapped inside a fragment, whose rerun alone would leave the old check on screen
        st.rerun()


def header(content: Content, state: dict[str, Any], result: Result, brief: bool = False,
           answers_here: bool = False) -> None:
    """Top of every page: quick exit first; then, once a red flag is answered, the help it needs
    (nothing else above it, so the first contact is the flag's own), else the crisis line; then the
    page links."""
    # The styles are /chrome.css, fetched once per page load; a run sends only the language.
    st.html(f"<style>{i18n.html_lang_css()}</style>")
    if st.session_state.get(LEAVING):
        leave()
        return
    if st.session_state.pop(CLEARED, False):
        st.toast(_("Your answers are cleared."))
    st.button(
        _("Leave this site quickly"),
        key="quick_exit",
        on_click=_quick_exit,
        width="stretch",
        help=_("Clears your answers and opens a weather page. Pressing Shift three times does the same."),
    )
    # A fragment costs its registration on every full run (benchmarks/RESULTS.md): only where an
    # answer reruns it (not in the brief run, which shows no question).
    if answers_here and not brief:
        safety(result)
    else:
        safety_panel(content, state, result)
    if brief:
        return
    page_links(state)
    i18n.switch(state)


@st.fragment(key=SAFETY)
def safety(result: Result) -> None:
    """Once a red flag is answered, the help it needs; until then the crisis line. A fragment of
    its own, so an answer that adds or takes away a red flag reruns this and the question
    (question.py), not the whole page: the help arrives sooner, in about half the bytes
    (benchmarks/RESULTS.md)."""
    ctx = get_script_run_ctx()
    content = i18n.content()
    state = app_state.get(loader.load())
    if ctx is not None and ctx.fragment_ids_this_run:
        # Rerun alone: `result` is the page run's, from before the answer that changed the flags.
        result = app_state.result(state, content)
    safety_panel(content, state, result)


def safety_panel(content: Content, state: dict[str, Any], result: Result) -> None:
    if result.red_flags:
        emergency_panel(result)
    else:
        crisis_line(content, state)


def crisis_line(content: Content, state: dict[str, Any]) -> None:
    """The region's emergency number and first crisis line, on every page without a red flag."""
    region = content.regions[state["region"]]
    emergency = next((r for r in region.resources if r.type == "emergency"), None)
    crisis = next((r for r in region.resources if r.type == "crisis"), None)
    parts = []
    if emergency and emergency.phone:
        parts.append(_("In danger now? Call **[{number}]({link})**.").format(number=emergency.phone, link=referral.tel_link(emergency.phone)))
    if crisis:
        reach = crisis.phone or (crisis.sms.number if crisis.sms else None)
        how = f" **[{reach}]({referral.tel_link(reach)})**" if crisis.phone else f" {reach}" if reach else ""
        parts.append(_("To talk now: {name}{how}.").format(name=crisis.name, how=how))
    with st.container(key="crisis_line"):
        st.caption(" ".join(parts))


def page_links(state: dict[str, Any]) -> None:
    """Every page in one labelled tap (no folded menu on a phone): one markdown element of plain
    links, the page the person is on in bold. Five `st.page_link` elements cost every full run 4-5
    messages and a few per cent of its script (benchmarks/RESULTS.md, fifteenth look); /assist.js
    turns a tap on one of these links into Streamlit's own change of page (same session), as the
    browser's Back button does."""
    links = [("check", _("Check")), ("result", _("Result")), ("help", _("Help")), ("learn", _("Learn"))]
    if state["audience"] == "other":
        links.insert(3, ("family", _("For you")))
    if state["audience"] == "intake":
        links.append(("clinician", _("Clinician")))
    ctx = get_script_run_ctx()
    here = next((p.url_path for p in st.session_state.get(app_state.PAGES_KEY, [])
                 if ctx is not None and p._script_hash == ctx.page_script_hash), None)
    # Relative links ("help", not "/help"): right under any base path the app is served from.
    row = " ".join(f"**[{label}]({path})**" if path == here else f"[{label}]({path})" for path, label in links)
    with st.container(key="page_links"):
        st.markdown(row)


def leave() -> None:
    """After a quick exit. In the browser, /pwa.js has already replaced the page with a neutral one
    (so Back does not return here); this is what shows if scripts are blocked."""
    st.markdown(_("Your answers are cleared. [Go to a weather page]({url}).").format(url=QUICK_EXIT_URL))
    st.stop()


def clear_button(whole_page: bool = False) -> None:
    """Only with answers to clear, so wherever answers change (the question fragment) it must be
    drawn there; `whole_page` (in a fragment) runs the whole page after clearing."""
    state = st.session_state.get(app_state.KEY)
    if state and state["answers"]:
        st.button(_("Clear my answers"), key="clear_answers", on_click=clear_answers, args=(whole_page,))


def end(clear: bool = True) -> None:
    st.divider()
    if clear:
        clear_button()
    st.caption(_(
        "Private: your answers live only in this session's memory and in this browser tab. Closing the "
        "tab removes them (the server forgets within two minutes); Clear or Leave removes them at once. "
        "Nothing is written down on the server, logged or sent anywhere. "
        "KetaCheck is not a diagnosis."
    ))


def emergency_panel(result: Result) -> None:
    """Shown at the top the moment a red flag is answered, before the check is finished: the
    flags' own words for this audience, their contacts in order, and what to do."""
    flags = result.red_flags
    if not flags:
        return
    emergency = any(f.urgency == "emergency" for f in flags)
    with st.container(key="emergency_panel"):
        st.header(_("Get help now") if emergency else _("Get help today"), anchor=False)
        for flag in flags:
            # TRANSLATORS: a red flag's name in bold, then what to do; Chinese ends the name with "：".
            st.markdown(_("**{name}.** {message}").format(name=flag.name, message=flag.message))
        contact_buttons(flags, key="emergency")
        shown: list[list[str]] = []
        for flag in flags:
            if flag.steps in shown:
                continue
            shown.append(flag.steps)
            st.subheader(flag.steps_title, anchor=False)
            st.markdown("\n".join(f"- {step}" for step in flag.steps))


def contact_buttons(flags: list[RedFlagHit], key: str) -> None:
    """Call and text buttons in the order the flags give (emergency flags first). When every flag
    needs same-day care, the emergency number is there, second, for when it gets worse."""
    same_day_only = all(f.urgency == "same_day" for f in flags)
    seen: set[str] = set()
    contacts: list[Resource] = []
    for flag in flags:
        for res in flag.contacts:
            if res.id not in seen:
                seen.add(res.id)
                contacts.append(res)
    for n, res in enumerate(contacts):
        worse = same_day_only and res.type == "emergency"
        label = _("Call {number}: {name}").format(number=res.phone, name=res.name) if res.phone else res.name
        if worse:
            label = _("If it gets worse, call {number}: {name}").format(number=res.phone, name=res.name)
        if res.phone:
            st.link_button(label, referral.tel_link(res.phone), type="primary" if n == 0 else "secondary",
                           width="stretch", key=f"{key}_call_{res.id}")
        if res.sms:
            text = (_("Text {keyword} to {number}: {name}") if res.sms.keyword else _("Text {number}: {name}")).format(
                keyword=res.sms.keyword, number=res.sms.number, name=res.name)
            st.link_button(text, referral.sms_link(res.sms.number, res.sms.keyword),
                           width="stretch", key=f"{key}_sms_{res.id}")
        if not res.phone and not res.sms and res.url:
            st.link_button(_("Open: {name}").format(name=res.name), res.url, type="primary" if n == 0 else "secondary", width="stretch",
                           key=f"{key}_url_{res.id}")

"""Check: one question per screen, with progress, Back and Next."""

import streamlit as st

from ketacheck.ui import chrome
from ketacheck.ui.i18n import _
from ketacheck.ui import question
from ketacheck.ui import tab_copy
from ketacheck.ui.switch import switch_page

# The first screen (`/`) opens this page with the choices in the tab's copy: a new session waits
# for it (one more run) instead of asking, for a moment, who the check is for.
content, state, _result = chrome.begin(awaits_copy=True, answers_here=True)

if state["audience"] is None and tab_copy.coming(state):
    st.caption(_("Opening the check…"))
    st.stop()

if state["audience"] is None or state["prescribed"] is None:
    st.info(_("First, choose who this check is for."))
    if st.button(_("Go to the start"), type="primary", width="stretch"):
        switch_page("pages/start.py")
    chrome.end()
    st.stop()

question.screen(state, content)
chrome.end(clear=False)  # the question fragment draws "Clear my answers"

"""Check: one question per screen, with progress, Back and Next."""

import streamlit as st

from ketacheck.ui import chrome
from ketacheck.ui.i18n import _, ngettext
from ketacheck.ui import question

content, state, _result = chrome.begin()

if state["audience"] is None or state["prescribed"] is None:
    st.info(_("First, choose who this check is for."))
    if st.button(_("Go to the start"), type="primary", width="stretch"):
        st.switch_page("pages/start.py")
    chrome.end()
    st.stop()

question.screen(state, content)
chrome.end(clear=False)  # the question fragment draws "Clear my answers"

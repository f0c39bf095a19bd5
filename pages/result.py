"""Result: the level in words and what it is based on, what to do next, deeper modules, then why,
the signs and questionnaires, charts and files."""

import streamlit as st

from ketacheck.ui import chrome
from ketacheck.ui import state as app_state
from ketacheck.ui import views

content, state, result = chrome.begin()

if not state["answers"]:
    st.info("There is no result yet: answer some questions first.")
    if st.button("Start the check", type="primary", width="stretch", key="start_from_result"):
        st.switch_page("pages/start.py" if state["audience"] is None else "pages/check.py")
    chrome.end()
    st.stop()

views.tier_heading(result)
views.missing(result, state, content)
views.next_steps(result, state, content)
if state["audience"] == "intake" and st.button("Show clinician summary", width="stretch", key="to_clinician"):
    st.switch_page("pages/clinician.py")
if app_state.core_done(state, content):
    views.modules_offer(state, content)
views.why(result, content)
views.signs(result, content)
views.instruments(result, content)
views.chart_section(result, content)
views.downloads(app_state.submission(state, content), result, content)
chrome.end()

"""Result: the level in plain words, why, the signs and questionnaires, charts, and the next step."""

import streamlit as st

from ketacheck.ui import chrome
from ketacheck.ui import state as app_state
from ketacheck.ui import views

content, state, result = chrome.begin()

if not state["answers"]:
    st.info("There is no result yet: answer some questions first.")
    if st.button("Start the check", type="primary", width="stretch"):
        st.switch_page("pages/start.py" if state["audience"] is None else "pages/check.py")
    chrome.end()
    st.stop()

views.tier_heading(result)
views.why(result, content)
if st.button("See help for this result", type="primary", width="stretch", key="to_help"):
    st.switch_page("pages/help.py")
if state["audience"] == "intake" and st.button("Show clinician summary", width="stretch", key="to_clinician"):
    st.switch_page("pages/clinician.py")
views.signs(result, content)
views.instruments(result, content)
views.chart_section(result, content)
views.downloads(app_state.submission(state, content), result, content)
chrome.end()

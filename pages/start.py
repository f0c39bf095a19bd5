"""Start: who the check is for, whether the ketamine is prescribed, and where you are."""

import streamlit as st

from ketacheck.ui import chrome
from ketacheck.ui import pickers

content, state, _ = chrome.begin()

st.title("KetaCheck", anchor=False)
st.markdown(
    "A private check on ketamine use: yours, someone you care about, or a clinic intake. "
    "About 5 to 10 minutes, one question at a time. **It is not a diagnosis**, and **nothing you answer "
    "is stored**: answers stay in this browser session's memory and are gone within two minutes of "
    "closing the page, or at once with *Leave this site quickly* or *Clear my answers*."
)

pickers.audience(state)
pickers.prescribed(state)
pickers.region(content, state, key="start_region")
if state["audience"] in ("self", "intake"):
    pickers.sex(state)

started = bool(state["answers"])
if st.button("Continue the check" if started else "Start the check", type="primary", width="stretch",
             disabled=state["audience"] is None, key="start_check"):
    st.switch_page("pages/check.py")
if state["audience"] is None:
    st.caption("Choose who the check is for to begin.")
chrome.end()

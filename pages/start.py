"""Start: who the check is for, whether the ketamine is prescribed, and where you are."""

import streamlit as st

from ketacheck.ui import chrome
from ketacheck.ui import pickers

content, state, _ = chrome.begin()

st.title("KetaCheck", anchor=False)
st.markdown(
    "A private check on ketamine use: yours, someone you care about, or a clinic intake. "
    "One question at a time, then a first result with what to do next. **It is not a diagnosis**, and "
    "**nothing you answer is stored on the server**: answers stay in this session's memory and in this "
    "browser tab (so a lost connection loses nothing). Closing the tab removes them (the server forgets "
    "within two minutes); *Leave this site quickly* or *Clear my answers* removes them at once."
)

pickers.audience(state, content)
if state["audience"]:
    pickers.prescribed(state, content)
pickers.region(content, state, key="start_region")
if state["audience"] in ("self", "intake"):
    pickers.sex(state, content)
ready = state["audience"] is not None and state["prescribed"] is not None
if ready and state["audience"] == "intake":
    pickers.intake_modules(state, content)

if ready:
    questions, minutes = pickers.core_length(state, content)
    length = f"{questions} questions, about {minutes} minute{'s' if minutes != 1 else ''}"
    label = "Continue the check" if state["answers"] else f"Start: {length}"
    if state["audience"] != "intake":
        st.caption(f"The core check is {length}. Deeper, optional questions are offered with the first result.")
else:
    label = "Start the check"
if st.button(label, type="primary", width="stretch", disabled=not ready, key="start_check"):
    st.switch_page("pages/check.py")
if not ready:
    st.caption("Choose who the check is for, and whether the ketamine is prescribed, to begin.")
chrome.end()

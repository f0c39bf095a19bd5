"""Check: one question per screen, with progress, Back and Next."""

import streamlit as st

from ketacheck.ui import chrome
from ketacheck.ui import question

content, state, _ = chrome.begin()

if state["audience"] is None:
    st.info("First, choose who this check is for.")
    if st.button("Go to the start", type="primary", width="stretch"):
        st.switch_page("pages/start.py")
    chrome.end()
    st.stop()

if state["finished"]:
    st.success("You have reached the end of the questions.")
    if st.button("See my result", type="primary", width="stretch", key="see_result"):
        st.switch_page("pages/result.py")
    if st.button("Review my answers", width="stretch", key="review"):
        state["finished"] = False
        st.rerun()
    chrome.end()
    st.stop()

question.show(state, content)
if state["answers"] and st.button("Stop here and see my result so far", type="tertiary", key="result_so_far"):
    st.switch_page("pages/result.py")
chrome.end()

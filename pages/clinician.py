"""Clinician summary for intake: every item, scores, flags, signs, a suggested next step."""

import streamlit as st

from ketacheck.ui import chrome
from ketacheck.ui import state as app_state
from ketacheck.ui import views

content, state = chrome.begin()
if state["audience"] != "intake":
    st.info("The clinician summary is part of the intake pre-screen. Choose it on the start page.")
    chrome.end()
    st.stop()
result = app_state.result(state, content)

st.title("Clinician summary", anchor=False)
st.caption("Pre-screen only; not a diagnosis. Answers were given by the person in the first person.")
st.markdown(f"**Level:** {result.tier_label} · **Context:** {'prescribed' if result.prescribed else 'not prescribed'}, "
            f"region {result.region} · **Answered:** {result.answered} items")
plan = content.tiers.help[result.tier]
st.markdown(f"**Suggested next step:** {plan.heading}. {plan.intro}")
if result.red_flags:
    st.error("Red flags: " + "; ".join(f.name for f in result.red_flags))
st.markdown("\n".join(f"- {reason}" for reason in result.reasons))
views.instruments(result, content)
if result.signs:
    st.subheader("Warning signs", anchor=False)
    st.markdown("\n".join(f"- {s.name}: strength {round(s.strength * 100)}% ({', '.join(s.because)})" for s in result.signs))
st.subheader("Every answer", anchor=False)
views.clinician_table(result, content, app_state.submission(state, content).answers)

if st.button("Finish and clear", type="primary", width="stretch", key="finish_clear",
             help="Wipes this session so the next person cannot see anything of it."):
    app_state.clear()
    st.switch_page("pages/start.py")
chrome.end()

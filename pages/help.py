"""Help: crisis lines apart from referral lines, for the level, audience and region."""

import streamlit as st

from ketacheck.ui import chrome
from ketacheck.ui import pickers
from ketacheck.ui import views

content, state, result = chrome.begin()
audience = state["audience"] or "self"

st.title("Help", anchor=False)
pickers.region(content, state, key="help_region")
if not state["answers"]:
    st.caption("You have not answered any questions yet, so this shows help for everyone.")
if audience == "other" and st.button("How to talk with them, and support for you", width="stretch", key="help_to_family"):
    st.switch_page("pages/family.py")
views.help_lists(result, content)
views.education(content, content.tiers.help[result.tier].sections, audience)
chrome.end()

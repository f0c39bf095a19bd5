"""For you: how to talk with someone you are worried about, CRAFT, and looking after yourself."""

import streamlit as st

from ketacheck.ui import chrome
from ketacheck.ui.i18n import _
from ketacheck.ui import views

content, state, result = chrome.begin()

st.title(_("For you, as someone who cares about them"), anchor=False)
st.markdown(_(
    "Worrying about someone's ketamine use is hard. These approaches are the ones with evidence behind "
    "them, and the services below are for you, whatever they decide."
))
views.education(content, content.tiers.audience_sections.get("other", []), "other", expanded=True)
family = [h for h in result.resources if h.resource.type == "family_support"]
if family:
    st.header(_("Support for families and friends"), anchor=False)
    for h in family:
        views.resource_card(h, key=f"family_{h.resource.id}", content=content)
chrome.end()

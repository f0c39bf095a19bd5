"""Learn: treatment versus misuse, what each warning sign means, why mixing is dangerous."""

import streamlit as st

from ketacheck.ui import chrome
from ketacheck.ui.i18n import _
from ketacheck.ui import views

content, state, _result = chrome.begin()
audience = state["audience"] or "self"

st.title(_("Learn"), anchor=False)
st.markdown(_("Written in our own words from the documents named under each section."))
views.education(content, [s.id for s in content.education.sections], audience)
st.header(_("The warning signs"), anchor=False)
for sign in content.signs.values():
    with st.expander(sign.name):
        st.markdown(sign.meaning)
        st.markdown(_("*Why it matters:* {why}").format(why=sign.why_it_matters))
        st.caption(_("Source: {sources}").format(sources="; ".join(f"{content.sources[s].title} ({content.sources[s].publisher})" for s in sign.sources)))
chrome.end()

"""Clinician summary for intake: this session's answers, or a file the person brought."""

import re

import streamlit as st

from ketacheck import scoring
from ketacheck.ui import chrome
from ketacheck.ui import state as app_state
from ketacheck.ui import tab_copy
from ketacheck.ui import views
from ketacheck.ui.i18n import _
from ketacheck.ui.switch import switch_page

content, state, result = chrome.begin(uploads_here=True)
if state["audience"] != "intake":
    chrome.withdraw_upload()
    st.info(_("The clinician summary is part of the intake pre-screen. Choose it on the start page."))
    chrome.end()
    st.stop()

st.title(_("Clinician summary"), anchor=False)
st.caption(_("Pre-screen only; not a diagnosis. Answers were given by the person in the first person."))
# Any type, so every file the person picks reaches the guarded reader and is refused there with a
# reason (with a type filter Streamlit ignored a PNG silently and the last file's summary stayed).
chrome.offer_upload()
upload = st.file_uploader(_("Read a KetaCheck file the person brought (JSON or FHIR)"), key="import_file")
if upload is not None:
    sub = views.read_import(upload.getvalue(), content)
    if sub is not None:
        with st.container(key="imported"):  # /pwa.js hides it if the uploader refuses a newer file
            name = re.sub(r"[^\w. -]", "_", upload.name)[:80]  # a file name is not markdown
            st.info(_("Showing the file '{name}', not this session.").format(name=name))
            views.clinician_summary(sub, scoring.score(sub, content), content)
elif state["answers"]:
    views.clinician_summary(app_state.submission(state, content), result, content)
else:
    st.info(_("No answers yet in this session."))

if st.button(_("Finish and clear"), type="primary", width="stretch", key="finish_clear",
             help=_("Wipes this session so the next person cannot see anything of it.")):
    app_state.clear()
    st.session_state[tab_copy.FORGET] = True  # and the copy kept in this browser tab
    switch_page("pages/start.py")
chrome.end()

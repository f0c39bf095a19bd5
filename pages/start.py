"""Start: who the check is for, whether the ketamine is prescribed, and where you are."""

import streamlit as st

from ketacheck.ui import chrome
from ketacheck.ui import i18n
from ketacheck.ui.i18n import _, ngettext
from ketacheck.ui import pickers

content, state, _result = chrome.begin()

st.title("KetaCheck", anchor=False)
if i18n.asks_language(st.context.locale) and state["language"] == "en":
    # A bare "zh": Traditional or Simplified is the person's choice, so ask (in both), never guess.
    st.info("請在上面選擇語言（繁體中文）。 请在上面选择语言（简体中文）。", icon=":material/translate:")
st.markdown(_(
    "A private check on ketamine use: yours, someone you care about, or a clinic intake. "
    "One question at a time, then a first result with what to do next. **It is not a diagnosis**, and "
    "**nothing you answer is stored on the server**: answers stay in this session's memory and in this "
    "browser tab (so a lost connection loses nothing). Closing the tab removes them (the server forgets "
    "within two minutes); *Leave this site quickly* or *Clear my answers* removes them at once."
))

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
    length = ngettext("{n} question", "{n} questions", questions).format(n=questions) + ", " + ngettext(
        "about {n} minute", "about {n} minutes", minutes).format(n=minutes)
    label = _("Continue the check") if state["answers"] else _("Start: {length}").format(length=length)
    if state["audience"] != "intake":
        st.caption(_("The core check is {length}. Deeper, optional questions are offered with the first result.").format(length=length))
else:
    label = _("Start the check")
if st.button(label, type="primary", width="stretch", disabled=not ready, key="start_check"):
    st.switch_page("pages/check.py")
if not ready:
    st.caption(_("Choose who the check is for, and whether the ketamine is prescribed, to begin."))
chrome.end()

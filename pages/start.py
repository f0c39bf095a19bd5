"""Start: who the check is for, whether the ketamine is prescribed, and where you are."""

import streamlit as st

from ketacheck.ui import chrome
from ketacheck.ui import i18n
from ketacheck.ui.i18n import _
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

pickers.choices(state, content)
chrome.end()

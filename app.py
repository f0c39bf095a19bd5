"""KetaCheck entry point: page config, content check, then the page the person is on.

Each page draws the shared chrome itself (`chrome.begin()` / `chrome.end()`)."""

import streamlit as st

from ketacheck import loader
from ketacheck.ui import i18n, page_list
from ketacheck.ui import state as app_state
from ketacheck.ui.state import PAGES_KEY

PAGES_BY_LANGUAGE = "_pages_by_language"

# No page_title here: each st.Page's title names the browser tab ("Help — KetaCheck"); /assist.js
# names the question pages ("Core check: question 3 of 15 — KetaCheck").
st.set_page_config(page_icon="🧭", layout="centered")

try:
    content = loader.load()
except loader.ContentError as exc:
    # Refuse to run on broken content, and say exactly what is wrong.
    st.error("KetaCheck cannot start: its content files have problems.")
    st.code("\n".join(str(p) for p in exc.problems), language=None)
    st.stop()

app_state.get(content)


# Built once per session (ketacheck/ui/page_list.py): st.Page resolves its file path (a system call
# per path part) and was a third of the server's CPU per click when built on every run.
# The menu is hidden: each page draws a row of labelled links (chrome.page_links), one tap each,
# instead of Streamlit's folded "»" menu on a phone.
# One list per language the session has used (a switch renames the tab at once); PAGES_KEY holds
# the current language's, which the page links use.
by_language = st.session_state.setdefault(PAGES_BY_LANGUAGE, {})
language = i18n.current()
if language not in by_language:
    by_language[language] = page_list.for_session(language)
st.session_state[PAGES_KEY] = by_language[language]
st.navigation(by_language[language], position="hidden").run()

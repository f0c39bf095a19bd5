"""KetaCheck entry point: page config, content check, then the page the person is on.

Each page draws the shared chrome itself (`chrome.begin()` / `chrome.end()`)."""

import streamlit as st

from ketacheck import loader
from ketacheck.ui import state as app_state
from ketacheck.ui.state import PAGES_KEY

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


def make_pages() -> list[st.Page]:
    return [
        # `/` is the server's static first screen; this root page only forwards to /start.
        st.Page("pages/home.py", title="KetaCheck", default=True),
        st.Page("pages/start.py", title="Start — KetaCheck", url_path="start"),
        st.Page("pages/check.py", title="Check — KetaCheck"),
        st.Page("pages/result.py", title="Result — KetaCheck"),
        st.Page("pages/help.py", title="Help — KetaCheck"),
        st.Page("pages/family.py", title="For you — KetaCheck"),
        st.Page("pages/learn.py", title="Learn — KetaCheck"),
        st.Page("pages/clinician.py", title="Clinician — KetaCheck"),
    ]


# Built once per session: st.Page resolves its file path (a system call per path part) and was a
# third of the server's CPU per click when built on every run. Not shared between sessions,
# because st.navigation marks the chosen Page object as runnable for that one run.
# The menu is hidden: each page draws a row of labelled links (chrome.page_links), one tap each,
# instead of Streamlit's folded "»" menu on a phone.
if PAGES_KEY not in st.session_state:
    st.session_state[PAGES_KEY] = make_pages()
st.navigation(st.session_state[PAGES_KEY], position="hidden").run()

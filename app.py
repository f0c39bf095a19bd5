"""KetaCheck entry point: page config, content check, then the page the person is on.

Each page draws the shared chrome itself (`chrome.begin()` / `chrome.end()`)."""

import streamlit as st

from ketacheck import loader
from ketacheck.ui import state as app_state

PAGES_KEY = "_pages"

st.set_page_config(page_title="KetaCheck", page_icon="🧭", layout="centered")

try:
    content = loader.load()
except loader.ContentError as exc:
    # Refuse to run on broken content, and say exactly what is wrong.
    st.error("KetaCheck cannot start: its content files have problems.")
    st.code("\n".join(str(p) for p in exc.problems), language=None)
    st.stop()

state = app_state.get(content)


def make_pages(audience: str | None) -> list[st.Page]:
    # The clinician summary is listed only for intake; it is still registered so links to it resolve.
    visibility = "visible" if audience == "intake" else "hidden"
    return [
        st.Page("pages/start.py", title="Start", icon="🏠", default=True),
        st.Page("pages/check.py", title="Check", icon="📝"),
        st.Page("pages/result.py", title="Result", icon="📊"),
        st.Page("pages/help.py", title="Help", icon="🤝"),
        st.Page("pages/learn.py", title="Learn", icon="📖"),
        st.Page("pages/clinician.py", title="Clinician", icon="🩺", visibility=visibility),
    ]


# Built once per session: st.Page resolves its file path (a system call per path part) and was a
# third of the server's CPU per click when built on every run. Not shared between sessions,
# because st.navigation marks the chosen Page object as runnable for that one run.
pages = st.session_state.setdefault(PAGES_KEY, {})
key = "intake" if state["audience"] == "intake" else "other"
if key not in pages:
    pages[key] = make_pages(state["audience"])
st.navigation(pages[key], position="top").run()

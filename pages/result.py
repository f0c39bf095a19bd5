"""Result: the level and what it rests on, the first thing to do, feedback on the answers (FRAMES),
deeper modules; then, folded away, why, the signs, questionnaires, charts and files. On a phone the
first screen holds the level, its basis and the first step."""

import streamlit as st

from ketacheck import loader
from ketacheck.ui import chrome
from ketacheck.ui import i18n
from ketacheck.ui.i18n import _
from ketacheck.ui import state as app_state
from ketacheck.ui import views
from ketacheck.ui.switch import switch_page

# A tap on a button that leaves the result opens its page before anything here is drawn.
views.leave_if_tapped(app_state.get(loader.load()), i18n.content())
content, state, result = chrome.begin()

if not state["answers"]:
    st.info(_("There is no result yet: answer some questions first."))
    if st.button(_("Start the check"), type="primary", width="stretch", key="start_from_result"):
        switch_page("pages/start.py" if state["audience"] is None else "pages/check.py")
    chrome.end()
    st.stop()

views.tier_heading(result, content)
views.missing(result, state, content)
views.first_step(result, state, content)
views.feedback(result, state, content)
views.next_steps(result, state, content)
if state["audience"] == "intake":
    st.button(_("Show clinician summary"), width="stretch", key="to_clinician")
# Someone in danger now is offered help, not more questions.
if app_state.core_done(state, content) and not result.in_danger_now:
    views.modules_offer(state, content)
views.why(result, content)
views.signs(result, content)
views.instruments(result, content)
views.chart_section(result, content)
views.downloads(app_state.submission(state, content), result, content)
chrome.end()

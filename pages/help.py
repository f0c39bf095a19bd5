"""Help: crisis lines apart from referral lines, for the level, audience and region."""

import streamlit as st

from ketacheck.ui import chrome
from ketacheck.ui.i18n import _
from ketacheck.ui import pickers
from ketacheck.ui import views
from ketacheck.ui.switch import switch_page

content, state, result = chrome.begin()
audience = state["audience"] or "self"

st.title(_("Help"), anchor=False)
pickers.region(content, state, key="help_region")
if not state["answers"]:
    st.caption(_("You have not answered any questions yet, so this shows help for everyone."))
if audience == "other" and st.button(_("How to talk with them, and support for you"), width="stretch", key="help_to_family"):
    switch_page("pages/family.py")
views.help_lists(result, content)
views.legal_note(content, state["region"])
views.education(content, content.tiers.help[result.tier].sections, audience)
with st.expander(_("What your browser keeps, and how to remove it")):
    st.markdown(_(
        "KetaCheck stores nothing about you on its server. While you use it, **this browser tab** keeps "
        "a copy of your answers, so a lost connection or a reload does not lose them; closing the tab, "
        "*Clear my answers*, *Finish and clear* or *Leave this site quickly* removes it."
    ))
    st.markdown(_(
        "*Leave this site quickly* also removes everything else KetaCheck's pages keep in this browser "
        "(stored settings, cookies and the offline copy), and leaves no KetaCheck page that the Back "
        "button can return to."
    ))
    st.markdown(_(
        "What no website can remove is your browser's **history**: it keeps this site's address (not "
        "your answers). To remove it, open your browser's history, find this site and delete it; or "
        "use a private (incognito) window next time, which keeps no history at all."
    ))
chrome.end()

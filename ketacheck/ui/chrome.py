"""What every page shows: quick exit, clear answers, the crisis line, the privacy promise, and the
emergency panel the moment a red flag is answered."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ketacheck import loader, referral
from ketacheck.loader import Content
from ketacheck.scoring import RedFlagHit, Result
from ketacheck.ui import state as app_state
from ketacheck.web.pwa import QUICK_EXIT_URL

LEAVING = "_leaving"

# Touch targets of at least 48 px, 16 px inputs (no iOS zoom), and a red quick-exit button.
CSS = """
<style>
.stButton button, .stLinkButton a, .stDownloadButton button { min-height: 48px; font-size: 1rem; }
.stRadio [role="radiogroup"] label { min-height: 44px; align-items: center; }
.stSelectbox div[data-baseweb="select"] > div { min-height: 48px; }
input, select, textarea { font-size: 16px !important; }
/* WCAG AA contrast (4.5:1) for small text: Streamlit fades captions to 60% (4.2:1 on white). */
[data-testid="stCaptionContainer"] { opacity: 1; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #4F5B66; }
.st-key-question h1 { font-size: 1.6rem; line-height: 1.3; }
/* Streamlit's phone menu button and links are 28 px tall; 44 px is the touch minimum. */
[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapseButton"] button { min-width: 44px; min-height: 44px; }
[data-testid="stSidebarNavLink"] { min-height: 44px; align-items: center; }
.st-key-quick_exit button { background: #B0301F; border-color: #B0301F; color: #fff; font-weight: 600; }
.st-key-quick_exit button:hover, .st-key-quick_exit button:focus { background: #8A2417; color: #fff; }
.st-key-emergency_panel { border: 3px solid #B0301F; border-radius: 0.5rem; padding: 0.75rem; }
/* The quick exit stays on screen however far the page scrolls (Streamlit sets position: relative),
   and what pwa.js scrolls into view lands below it. */
.st-key-quick_exit { position: sticky !important; top: 3.75rem; z-index: 1000; }
.st-key-question h1, .st-key-emergency_panel { scroll-margin-top: 7.5rem; }
</style>
"""


def begin() -> tuple[Content, dict[str, Any], Result]:
    """Top of every page: quick exit, crisis line and, once a red flag is answered, emergency help.

    Each page calls this itself (rather than the entry script drawing it) so the safety chrome is
    part of the page wherever it is reached from.
    """
    content = loader.load()
    state = app_state.get(content)
    header(content, state)
    # Scored once per run; pages use this result rather than scoring again.
    result = app_state.result(state, content)
    emergency_panel(content, state["region"], result.red_flags)
    return content, state, result


def _quick_exit() -> None:
    app_state.clear()
    st.session_state[LEAVING] = True


def _clear_answers() -> None:
    app_state.clear()
    st.toast("Your answers are cleared.")


def header(content: Content, state: dict[str, Any]) -> None:
    """Top of every page: quick exit first, then the crisis line."""
    st.html(CSS)
    if st.session_state.get(LEAVING):
        leave()
        return
    st.button(
        "Leave this site quickly",
        key="quick_exit",
        on_click=_quick_exit,
        width="stretch",
        help="Clears your answers and opens a weather page. Pressing Shift three times does the same.",
    )
    region = content.regions[state["region"]]
    emergency = next((r for r in region.resources if r.type == "emergency"), None)
    crisis = next((r for r in region.resources if r.type == "crisis"), None)
    parts = []
    if emergency and emergency.phone:
        parts.append(f"In danger now? Call **[{emergency.phone}]({referral.tel_link(emergency.phone)})**.")
    if crisis:
        reach = crisis.phone or (crisis.sms.number if crisis.sms else None)
        how = f" **[{reach}]({referral.tel_link(reach)})**" if crisis.phone else f" {reach}" if reach else ""
        parts.append(f"To talk now: {crisis.name}{how}.")
    st.caption(" ".join(parts))


def leave() -> None:
    """After a quick exit. In the browser, /pwa.js has already replaced the page with a neutral one
    (so Back does not return here); this is what shows if scripts are blocked."""
    st.markdown(f"Your answers are cleared. [Go to a weather page]({QUICK_EXIT_URL}).")
    st.stop()


def end() -> None:
    st.divider()
    st.button("Clear my answers", key="clear_answers", on_click=_clear_answers)
    st.caption(
        "Private: your answers live only in this session's memory and are gone within two minutes of "
        "closing the page (at once with Clear or Leave). Nothing is written down, logged or sent anywhere. "
        "KetaCheck is not a diagnosis."
    )


def emergency_panel(content: Content, region: str, flags: list[RedFlagHit]) -> None:
    """Shown at the top the moment a red flag is answered, before the check is finished."""
    if not flags:
        return
    with st.container(key="emergency_panel"):
        st.header("Get help now", anchor=False)
        for flag in flags:
            st.markdown(f"**{flag.name}.** {flag.message}")
        contact_buttons(content, region, key="emergency")
        with st.expander("What to do while you wait", expanded=True):
            steps = dict.fromkeys(step for flag in flags for step in flag.while_waiting)
            st.markdown("\n".join(f"- {step}" for step in steps))


def contact_buttons(content: Content, region: str, key: str) -> None:
    """Big call/text buttons for the region's emergency, crisis and poison contacts."""
    for n, res in enumerate(referral.emergency_contacts(content, region)):
        label = f"Call {res.phone}: {res.name}" if res.phone else f"{res.name}"
        if res.phone:
            st.link_button(label, referral.tel_link(res.phone), type="primary" if n == 0 else "secondary",
                           width="stretch", key=f"{key}_call_{res.id}")
        if res.sms:
            st.link_button(f"Text {res.sms.number}: {res.name}", referral.sms_link(res.sms.number, res.sms.body),
                           width="stretch", key=f"{key}_sms_{res.id}")
        if not res.phone and not res.sms and res.url:
            st.link_button(label, res.url, width="stretch", key=f"{key}_url_{res.id}")

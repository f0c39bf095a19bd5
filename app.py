"""KetaCheck entry point (the full flow arrives with the app issue)."""

import streamlit as st

from ketacheck import loader

st.set_page_config(page_title="KetaCheck", page_icon="🧭", layout="centered")

try:
    content = loader.load()
except loader.ContentError as exc:
    # Refuse to run on broken content, and say exactly what is wrong.
    st.error("KetaCheck cannot start: its content files have problems.")
    st.code("\n".join(str(p) for p in exc.problems), language=None)
    st.stop()

st.title("KetaCheck")
st.write(
    "A private check on ketamine use, for yourself, someone you care about, or a clinic intake. "
    "It is not a diagnosis, and nothing you answer is stored."
)

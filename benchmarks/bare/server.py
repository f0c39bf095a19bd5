"""The bare page served as an st.App, by the same launcher as KetaCheck (`serve.py`),
with none of KetaCheck's routes or middleware."""

from pathlib import Path

import streamlit as st

app = st.App(str(Path(__file__).resolve().parent / "app.py"))

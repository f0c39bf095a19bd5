"""The result-page stand-ins (app.py) as an st.App, served by `serve.py` like KetaCheck."""

from pathlib import Path

import streamlit as st

app = st.App(str(Path(__file__).resolve().parent / "app.py"))

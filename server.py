"""KetaCheck server: the Streamlit app (app.py) inside an ASGI wrapper that adds what a private,
installable web app needs: PWA routes, the HTML shell, and security headers on every response.

Run with `streamlit run server.py` (what `make run` does), or `uvicorn server:app`.
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from ketacheck import loader
from ketacheck.web import pwa
from ketacheck.web.compression import StaticGzipMiddleware
from ketacheck.web.headers import SecurityHeadersMiddleware
from ketacheck.web.html_shell import HtmlShellMiddleware

HERE = Path(__file__).resolve().parent

# Refuse to start on broken content (loader.ContentError lists every problem).
content = loader.load()

app = st.App(
    str(HERE / "app.py"),
    routes=pwa.routes(content),
    # Outermost first: headers go on everything, including the rewritten HTML.
    middleware=[Middleware(SecurityHeadersMiddleware), Middleware(StaticGzipMiddleware), Middleware(HtmlShellMiddleware)],
)

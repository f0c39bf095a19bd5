"""KetaCheck server: the Streamlit app (app.py) inside an ASGI wrapper that adds what a private,
installable web app needs: a static first screen at `/`, PWA routes, the HTML shell, and security headers on every response.

Run with `streamlit run server.py` (what `make run` does), or `uvicorn server:app`.
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit import config, net_util
from streamlit.runtime.pages_manager import PagesManager

from ketacheck import loader
from ketacheck.web import pwa, start_page
from ketacheck.web.compression import StaticGzipMiddleware
from ketacheck.web.headers import SecurityHeadersMiddleware
from ketacheck.web.html_shell import HtmlShellMiddleware
from ketacheck.web.origin import OriginGuard
from ketacheck.web.uploads import UploadGuard, lifespan

HERE = Path(__file__).resolve().parent

# Nothing in the server may ever call out. Streamlit looks up its public IP address (an HTTP
# request to a third party) to print it at start-up and in its cross-origin check; OriginGuard
# refuses cross-origin upgrades before that check runs, and this makes the lookup a no-op anyway.
net_util.get_external_ip = lambda: None

# The app's pages live in pages/, so Streamlit 1.67 starts each process in its legacy "pages
# directory" mode: until some run executes app.py (only a visit to the root page does, and `/` is
# now our static first screen), a deep link such as /check runs pages/check.py alone, without
# app.py's page list, titles and hidden navigation, and the process stays that way. app.py always
# calls st.navigation, which turns that mode off; this does it before the first session.
PagesManager.uses_pages_directory = False

# Refuse to start on broken content (loader.ContentError lists every problem).
content = loader.load()

app = st.App(
    str(HERE / "app.py"),
    # `/` is our own static first screen (ketacheck/web/start_page.py); the app's pages follow.
    routes=[*start_page.routes(content), *pwa.routes(content)],
    lifespan=lifespan,  # uploads only where a page asked for one (ketacheck/web/uploads.py)
    # Outermost first: headers go on everything (the guard's refusals and the rewritten HTML too).
    middleware=[
        Middleware(SecurityHeadersMiddleware),
        Middleware(OriginGuard, allowed_hosts=lambda: config.get_option("server.allowedHosts")),
        Middleware(UploadGuard),
        Middleware(StaticGzipMiddleware),
        Middleware(HtmlShellMiddleware),
    ],
)

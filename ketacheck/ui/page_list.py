"""The app's pages as `st.Page` objects: made once per process and language, copied per session.

`st.Page` resolves its file on disk (a system call per path part, and a check that the file is
there) each time one is made; making the eight on a session's first run was a fifth of that run's
script time (benchmarks/RESULTS.md, thirteenth look). A page's attributes are plain values (its
resolved path, title, url path), so a shallow copy is the same page. Each session still gets its
own objects, because `st.navigation` marks the chosen one as runnable for that one run.
"""

from __future__ import annotations

import copy
import functools

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ketacheck import loader
from ketacheck.translations import N_

# (file, title, url path): `/` is the server's static first screen; the root page only forwards to /start.
# The titles name the browser tab, in the session's language.
PAGES = (
    ("pages/home.py", "KetaCheck", None),
    ("pages/start.py", N_("Start — KetaCheck"), "start"),
    ("pages/check.py", N_("Check — KetaCheck"), None),
    ("pages/result.py", N_("Result — KetaCheck"), None),
    ("pages/help.py", N_("Help — KetaCheck"), None),
    ("pages/family.py", N_("For you — KetaCheck"), None),
    ("pages/learn.py", N_("Learn — KetaCheck"), None),
    ("pages/clinician.py", N_("Clinician — KetaCheck"), None),
)


@functools.lru_cache(maxsize=16)
def _made(language: str, root: str) -> tuple[st.Page, ...]:
    """Made in a script run (st.Page needs one), for the app at `root` (a test's may be elsewhere)."""
    _ = loader.load(language=language).ui.gettext
    return tuple(st.Page(file, title=_(title), url_path=path, default=n == 0)
                 for n, (file, title, path) in enumerate(PAGES))


def for_session(language: str) -> list[st.Page]:
    """This session's own pages, in `language`."""
    ctx = get_script_run_ctx()
    root = str(ctx.pages_manager.main_script_parent) if ctx is not None else ""
    return [copy.copy(page) for page in _made(language, root)]

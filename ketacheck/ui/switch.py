"""Going to another page from a run: `st.switch_page`, less its fixed pause.

Streamlit 1.67's `st.switch_page` resets the URL's query parameters and then sleeps 10 ms (twice its
message flush interval) so that the reset reaches the browser before the next run clears the
queue; given a file name, it also resolves the path on disk (a system call per path part).
KetaCheck keeps nothing in the URL (no answers in URLs, ever), so here the session's own `st.Page`
(app.py made them) is asked for, by the same request Streamlit makes, without the reset or the
pause, which was on every "Start", on the answer that opens the result and on every tap that
changes page (benchmarks/RESULTS.md). Streamlit is pinned (requirements.lock); the tests walk every
such change of page (Start, the last answer, "See my result", the start page from the check).
"""

from __future__ import annotations

from typing import NoReturn

import streamlit as st
from streamlit.commands.execution_control import _force_yield_point
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData

from ketacheck.ui.state import PAGES_KEY


def switch_page(path: str) -> NoReturn:
    """Run the page `path` ("pages/result.py") now, instead of the rest of this run."""
    ctx = get_script_run_ctx()
    name = path.removeprefix("pages/").removesuffix(".py")
    page = next((p for p in st.session_state.get(PAGES_KEY, []) if p.url_path == name), None)
    if ctx is None or not ctx.script_requests or page is None:
        st.switch_page(path)  # no session pages (a test's bare script): Streamlit's own way
    ctx.script_requests.request_rerun(RerunData(
        query_string=ctx.query_string,
        page_script_hash=page._script_hash,
        cached_message_hashes=ctx.cached_message_hashes,
        context_info=ctx.context_info,
    ))
    _force_yield_point()  # the runner acts on the request here: nothing after this call runs
    raise AssertionError("unreachable: the run stops at the yield point")  # for NoReturn

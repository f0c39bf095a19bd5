"""KetaCheck's own components-v2 elements (the tab copy, the question screen), registered once.

Their JavaScript and CSS are files served from our own origin (`assets/`): an inline component would
be loaded from a `blob:` URL, which the Content-Security-Policy rightly refuses. Streamlit finds
file-backed assets for installed packages through their manifest; KetaCheck is not installed, so it
registers the same manifest itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.components.v2.get_bidi_component_manager import get_bidi_component_manager
from streamlit.components.v2.manifest_scanner import ComponentConfig, ComponentManifest

from ketacheck.ui import presenter

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # ketacheck/
# name -> (js, css, isolate_styles). The question screen draws in the page itself (no shadow root):
# /assist.js, the page's styles, screen readers' page structure and the tests all see it.
ELEMENTS = {
    "tab_copy": ("tab_copy.js", None, True),
    "question": ("question.js", "question.css", False),
}
_MOUNT: dict[tuple[int, str], Any] = {}  # (id(the runtime's component manager), name) -> mount function

# Every mount reads the element's value through Streamlit's presenter, which made a new class each
# time: garbage for the cyclic collector on every click (presenter.py).
presenter.install()


def _renderer(name: str) -> Any:
    """Registered once per server process (the manager lives in the runtime), and the mount
    function made once with it: `component()` re-registers and re-resolves the assets on every
    call, which was about a tenth of the server's CPU per click (issue 23). Keyed by manager, as
    each AppTest brings a runtime of its own."""
    manager = get_bidi_component_manager()
    full = f"ketacheck.{name}"
    mount = _MOUNT.get((id(manager), name))
    if mount is not None and manager.get(full) is not None:
        return mount
    if manager.get(full) is None or manager.get_component_asset_root(full) is None:
        manifest = ComponentManifest(name="ketacheck", version="2",
                                     components=[ComponentConfig(name=n, asset_dir="ui/assets") for n in ELEMENTS])
        manager.register_from_manifest(manifest, PACKAGE_ROOT)
    for stale in [k for k in _MOUNT if k[0] != id(manager)]:  # only the live runtime's
        del _MOUNT[stale]
    js, css, isolate = ELEMENTS[name]
    _MOUNT[(id(manager), name)] = mount = st.components.v2.component(full, js=js, css=css, isolate_styles=isolate)
    return mount


def mount(name: str, data: dict[str, Any], key: str, **callbacks: Any) -> Any:
    """The element, given its data as JSON bytes: Streamlit forwards bytes as they are, while a
    dict is walked for dataframes and serialised twice (once more for the element's id), which was
    a seventh of an answer's server CPU (benchmarks/RESULTS.md). The JavaScript parses them."""
    return _renderer(name)(data=json.dumps(data, separators=(",", ":")).encode(), key=key, **callbacks)

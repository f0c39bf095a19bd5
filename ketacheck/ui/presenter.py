"""Streamlit's view of a components-v2 element's value, without a new Python class on every run.

Streamlit 1.67 shows an element's value in `st.session_state` through a "presenter" that merges the
element's latest events into its state. The presenter defines a class (`_WriteThrough`) inside the
function, so every read makes a new class: each run that mounts an element reads its value once
(`register_widget` returns it), and the question screen and the tab copy are mounted on every
click. A class lives in reference cycles (its methods, its MRO), so each one is garbage only the
cyclic collector frees: under 50 people they were half of what a full collection freed, and a full
collection stops every session's run for 50-100 ms (benchmarks/RESULTS.md, "an eleventh look").

`install()` puts in Streamlit's place a presenter that gives the same view (events first, then the
state; attribute reads; copies are the view itself; writes go through to the element's state)
from one class made once. Streamlit is pinned (requirements.lock); `install()` checks that the
function it replaces is still there and otherwise leaves Streamlit as it is.
"""

from __future__ import annotations

from typing import Any

from streamlit.components.v2 import presentation
from streamlit.components.v2.bidi_component import main as bidi_main
from streamlit.errors import StreamlitAPIException
from streamlit.logger import get_logger
from streamlit.runtime.scriptrunner import get_script_run_ctx

_LOGGER = get_logger(__name__)


class _WriteThrough(dict[str, object]):
    """Streamlit's `_WriteThrough`, with what it closed over kept on the instance."""

    def __init__(self, data: dict[str, object], session_state: Any, component_id: str | None,
                 allowed_state_keys: set[str] | None) -> None:
        super().__init__(data)
        object.__setattr__(self, "_session_state", session_state)
        object.__setattr__(self, "_component_id", component_id)
        object.__setattr__(self, "_allowed_state_keys", allowed_state_keys)

    def __getattr__(self, name: str) -> object:
        return self.get(name)

    def __setattr__(self, name: str, value: object) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        self[name] = value

    def __deepcopy__(self, memo: dict[int, Any]) -> _WriteThrough:
        memo[id(self)] = self  # a view of the real state, as Streamlit's: not copied
        return self

    def _check_modification(self, k: str) -> None:
        ctx = get_script_run_ctx()
        if ctx is not None and self._component_id is not None:
            user_key = self._session_state._key_id_mapper.get_key_from_id(self._component_id)
            if self._component_id in ctx.shared.widget_ids_this_run or user_key in ctx.shared.form_ids_this_run:
                raise StreamlitAPIException(
                    f"`st.session_state.{user_key}.{k}` cannot be modified after the component"
                    f" with key `{user_key}` is instantiated.",
                    error_id="bidi-component-state-cannot-be-modified",
                )

    def _store(self) -> None:
        try:
            if self._component_id is not None:
                self._session_state._new_widget_state.set_from_value(self._component_id, dict(self))
        except Exception as e:  # as Streamlit's: a failed write-back is logged, not raised
            _LOGGER.debug("Failed to persist CCv2 state update: %s", e)

    def __setitem__(self, k: str, v: object) -> None:
        self._check_modification(k)
        if self._allowed_state_keys is not None and k not in self._allowed_state_keys:
            return
        super().__setitem__(k, v)
        self._store()

    def __delitem__(self, k: str) -> None:
        self._check_modification(k)
        super().__delitem__(k)
        self._store()


def make_presenter(aggregator_id: str, component_id: str | None = None,
                   allowed_state_keys: set[str] | None = None) -> Any:
    """Same arguments and view as `presentation.make_bidi_component_presenter`."""

    def present(base_value: object, session_state: Any) -> object:
        if not isinstance(base_value, dict):
            return base_value
        try:
            agg_meta = session_state._new_widget_state.widget_metadata.get(aggregator_id)
            if agg_meta is None or agg_meta.value_type != "json_trigger_value":
                return base_value
            try:
                payloads: Any = session_state._new_widget_state[aggregator_id]
            except KeyError:
                payloads = None
            if isinstance(payloads, dict):
                payloads = [payloads]
            flat: dict[str, object] = {}
            for payload in payloads if isinstance(payloads, list) else []:
                if isinstance(payload, dict) and isinstance(payload.get("event"), str):
                    flat[payload["event"]] = payload.get("value")
            flat.update(base_value)
            return _WriteThrough(flat, session_state, component_id, allowed_state_keys)
        except Exception as e:  # as Streamlit's: on any error, the state as it is
            _LOGGER.debug("Failed to merge trigger events into component state: %s", e, exc_info=e)
            return base_value

    return present


def install() -> bool:
    """Use `make_presenter` for every element mounted from now on; True if it is in place."""
    if bidi_main.make_bidi_component_presenter is make_presenter:
        return True
    if bidi_main.make_bidi_component_presenter is not presentation.make_bidi_component_presenter:
        return False  # Streamlit changed how it presents: leave it alone
    bidi_main.make_bidi_component_presenter = make_presenter
    return True

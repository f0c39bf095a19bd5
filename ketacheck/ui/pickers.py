"""Context choices as large buttons, written straight into the app-owned state."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ketacheck.loader import Content

AUDIENCES = [
    ("self", "Myself"),
    ("other", "Someone I care about"),
    ("intake", "Intake pre-screen (clinic device)"),
]
PRESCRIBED = [
    (False, "No, it is not prescribed"),
    (True, "Yes, it is prescribed as treatment"),
]
SEXES = [("female", "Female"), ("male", "Male"), ("unspecified", "Prefer not to say")]


def _set(state: dict[str, Any], key: str, value: Any) -> None:
    if state.get(key) != value:
        state[key] = value
        state["finished"] = False  # a new context can add questions


def _choice(title: str, state: dict[str, Any], field: str, options: list[tuple[Any, str]], help: str | None = None) -> None:
    st.header(title, anchor=False)
    if help:
        st.caption(help)
    for value, label in options:
        st.button(
            label,
            key=f"pick_{field}_{value}",
            type="primary" if state.get(field) == value else "secondary",
            width="stretch",
            on_click=_set,
            args=(state, field, value),
        )


def audience(state: dict[str, Any]) -> None:
    _choice("Who is this check for?", state, "audience", AUDIENCES)


def prescribed(state: dict[str, Any]) -> None:
    _choice(
        "Is the ketamine prescribed as treatment?",
        state,
        "prescribed",
        PRESCRIBED,
        help="For example clinic infusions, nasal esketamine, or lozenges at home under a prescriber.",
    )


def sex(state: dict[str, Any]) -> None:
    _choice("Sex (optional)", state, "sex", SEXES, help="Only used to pick the right cut-off for the alcohol questions.")


def region(content: Content, state: dict[str, Any], key: str) -> None:
    ids = list(content.regions)
    st.selectbox(
        "Where are you? (for the right phone numbers)",
        ids,
        index=ids.index(state["region"]),
        format_func=lambda rid: content.regions[rid].name,
        key=key,
        on_change=lambda: state.update(region=st.session_state[key]),
    )

"""The session's language: the app's own words (`_`, `ngettext`), the content in that language, the
first guess from the browser, and the switch every page shows.

The language lives in the app-owned state (`state["language"]`), beside the answers, so changing it
loses nothing. A language whose catalogs the loader refuses is not offered (its problems are in
`python -m ketacheck validate`); English, the source, always is.
"""

from __future__ import annotations

import functools
from typing import Any

import streamlit as st

from ketacheck import loader, translations
from ketacheck.loader import Content
from ketacheck.translations import N_
from ketacheck.ui import state as app_state

SOURCE = translations.SOURCE_LANGUAGE


@functools.lru_cache(maxsize=1)
def available() -> tuple[str, ...]:
    """Languages that load (English first), named in their own words on the switch."""
    return tuple(loader.in_every_language())


def current() -> str:
    state = st.session_state.get(app_state.KEY)
    language = state.get("language", SOURCE) if isinstance(state, dict) else SOURCE
    return language if language in available() else SOURCE


def content() -> Content:
    return loader.load(language=current())


# The model's fixed labels (model/base.py), for the catalog.
_FIXED = (N_("Female"), N_("Male"), N_("Prefer not to say"))


def _(text: str) -> str:
    return content().ui.gettext(text)


def ngettext(one: str, other: str, n: int) -> str:
    return content().ui.ngettext(one, other, n)


def guess_language(locale: str | None) -> str | None:
    """The language a browser locale points to among those available (None: ask, or English)."""
    return translations.guess_language(locale, available())


def asks_language(locale: str | None) -> bool:
    """A Chinese browser locale that names no script or place: the person chooses."""
    return translations.asks_language(locale, available())


def switch(state: dict[str, Any]) -> None:
    """A visible language switch, on every page: each language in its own name."""
    have = available()
    if len(have) < 2:
        return
    key = "language_switch"
    # Set on every run, not only when it differs: after st.switch_page from the question fragment
    # the new page's switch showed English (its default) while the session's value was still
    # Spanish, because an unchanged value is not sent again.
    st.session_state[key] = current()

    def changed() -> None:
        state["language"] = st.session_state[key]

    st.selectbox("Language / Idioma / 語言 / 语言", list(have), key=key,
                 format_func=lambda lang: translations.LANGUAGE_NAMES.get(lang, lang), on_change=changed)


def html_lang_css() -> str:
    """`<html lang>` follows the language: /assist.js reads this custom property and sets the attribute
    (screen readers then read with the right voice)."""
    return f':root {{ --kc-lang: "{current()}"; }}'

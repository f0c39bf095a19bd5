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
from ketacheck.loader import Content, ContentError
from ketacheck.ui import state as app_state

SOURCE = translations.SOURCE_LANGUAGE


@functools.lru_cache(maxsize=1)
def available() -> tuple[str, ...]:
    """Languages that load (English first), named in their own words on the switch."""
    ok = []
    for language in loader.languages():
        try:
            loader.load(language=language)
        except ContentError:
            continue
        ok.append(language)
    return tuple(ok)


def current() -> str:
    state = st.session_state.get(app_state.KEY)
    language = state.get("language", SOURCE) if isinstance(state, dict) else SOURCE
    return language if language in available() else SOURCE


def content() -> Content:
    return loader.load(language=current())


def N_(text: str) -> str:
    """Marks a word for the catalog where it is defined; `_` translates it where it is shown."""
    return text


# The model's fixed labels (model/base.py), for the catalog.
_FIXED = (N_("Female"), N_("Male"), N_("Prefer not to say"))


def _(text: str) -> str:
    return content().ui.gettext(text)


def ngettext(one: str, other: str, n: int) -> str:
    return content().ui.ngettext(one, other, n)


# Script subtags and the countries that write them: a browser's first guess, never a silent default
# for a bare "zh" (Traditional or Simplified is the person's choice).
_TRADITIONAL = {"HK", "TW", "MO", "HANT"}
_SIMPLIFIED = {"CN", "SG", "MY", "HANS"}


def guess_language(locale: str | None) -> str | None:
    """The language a browser locale points to among those available (None: ask, or English)."""
    if not locale:
        return None
    parts = [p for p in locale.replace("_", "-").split("-") if p]
    lang = parts[0].lower() if parts else ""
    tags = {p.upper() for p in parts[1:]}
    have = available()
    if lang == "es" and "es" in have:
        return "es"
    if lang in ("zh", "yue"):
        if tags & _TRADITIONAL and "zh-Hant" in have:
            return "zh-Hant"
        if tags & _SIMPLIFIED and "zh-Hans" in have:
            return "zh-Hans"
        return None  # bare zh: ask
    return SOURCE if lang == "en" else None


def asks_language(locale: str | None) -> bool:
    """A Chinese browser locale that names no script or place: the person chooses."""
    if not locale:
        return False
    lang = locale.replace("_", "-").split("-")[0].lower()
    return lang in ("zh", "yue") and guess_language(locale) is None and len(available()) > 1


def switch(state: dict[str, Any]) -> None:
    """A visible language switch, on every page: each language in its own name."""
    have = available()
    if len(have) < 2:
        return
    key = "language_switch"
    if st.session_state.get(key) != current():
        st.session_state[key] = current()

    def changed() -> None:
        state["language"] = st.session_state[key]

    st.selectbox("Language / Idioma / 語言 / 语言", list(have), key=key,
                 format_func=lambda lang: translations.LANGUAGE_NAMES.get(lang, lang), on_change=changed)


def html_lang_css() -> str:
    """`<html lang>` follows the language: /assist.js reads this custom property and sets the attribute
    (screen readers then read with the right voice)."""
    return f':root {{ --kc-lang: "{current()}"; }}'

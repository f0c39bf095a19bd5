"""The words /pwa.js and /assist.js show or read out, in every language.

The scripts are static files, read once at server start; the server writes this table into them
(`__WORDS__`) and a script takes the row for the page's `<html lang>` (English when it has none).
Beside the words: each language's offline card and manifest, so the reconnect banner links the card
a person can read and an installed app gets its name in that language.
"""

from __future__ import annotations

import json

from ketacheck.loader import Content
from ketacheck.web import offline_page


def manifest_path(language: str) -> str:
    return "/app.webmanifest" if language == "en" else f"/app.{language}.webmanifest"


def words(content: Content) -> dict[str, str]:
    _ = content.ui.gettext
    return {
        "lost": _("Connection lost: trying to reconnect."),
        "kept": _("Your answers are kept in this tab and come back when the connection does."),
        "call": _("Call {number}"),
        "card": _("Emergency and crisis numbers (works offline)"),
        "exit": _("Leave this site quickly"),
        "pages": _("Pages"),
        "progress": _("Progress"),
        "offline": offline_page.path(content.language),
        "manifest": manifest_path(content.language),
    }


def table(contents: dict[str, Content]) -> str:
    """A JavaScript object literal: {"en": {...}, "es": {...}} (JSON is one)."""
    return json.dumps({lang: words(c) for lang, c in contents.items()}, ensure_ascii=False, sort_keys=True)

"""The offline help card: every region's emergency, crisis and poison contacts on one static page.

Built from `assessments/` at server start and cached by the service worker, so it still opens when
the network (or the server) is gone. No scripts; every value is HTML-escaped.
"""

from __future__ import annotations

from html import escape

from ketacheck import referral, translations
from ketacheck.loader import Content
from ketacheck.model import Resource

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1B2631;
       background: #fff; line-height: 1.5; font-size: 17px; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; border-top: 1px solid #d5dde4; padding-top: 1rem; }
.alert { border: 3px solid #B0301F; border-radius: 0.5rem; padding: 0.75rem 1rem; }
ul { padding-left: 0; list-style: none; }
li { margin: 0.5rem 0; }
a { color: #1F5F8B; font-weight: 600; display: inline-block; min-height: 44px; line-height: 44px; }
nav a { margin-right: 1rem; }
/* Chinese has no spaces: let a long line break anywhere it may, never past the screen. */
:lang(zh) { line-break: strict; overflow-wrap: anywhere; }
.muted { color: #4a5a68; font-size: 0.95rem; }
"""


def path(language: str) -> str:
    """Each language's card: /offline.html is the English one, /offline.es.html the Spanish."""
    return "/offline.html" if language == translations.SOURCE_LANGUAGE else f"/offline.{language}.html"


def _contact(res: Resource, _) -> str:
    parts = []
    if res.phone:
        parts.append(_("call {number}").format(number=f'<a href="{escape(referral.tel_link(res.phone))}">{escape(res.phone)}</a>'))
    if res.sms:
        link = f'<a href="{escape(referral.sms_link(res.sms.number, res.sms.keyword))}">{escape(res.sms.number)}</a>'
        parts.append(_("text {keyword} to {number}").format(keyword=escape(res.sms.keyword), number=link)
                     if res.sms.keyword else _("text {number}").format(number=link))
    if not parts and res.url:
        parts.append(escape(res.url))
    hours = f' <span class="muted">({escape(res.hours)})</span>' if res.hours else ""
    line = _("{name}: {ways}").format(name=f"<strong>{escape(res.name)}</strong>", ways=_(" or ").join(parts))
    return f"<li>{line}{hours}</li>"


def render(content: Content, languages: dict[str, str] | None = None) -> str:
    """The card in the content's language; `languages` (code -> own name) links the other cards,
    so a person who lands on the wrong one can switch without scripts."""
    _ = content.ui.gettext
    # Someone reading this card is most likely helping another person: the loved-one first aid.
    flag = content.red_flags.get("unresponsive")
    advice = flag.advice("now") if flag else None
    emergency = _("the emergency number")
    steps = "".join(f"<li>{escape(s.format(emergency=emergency))}</li>" for s in advice.steps.other) if advice else ""
    regions = []
    for region in content.regions.values():
        items = "".join(_contact(r, _) for r in referral.emergency_contacts(content, region.id))
        regions.append(f'<section><h2 id="{escape(region.id)}">{escape(region.name)}</h2><ul>{items}</ul></section>')
    others = "".join(f'<a href="{path(lang)}" lang="{escape(lang)}" hreflang="{escape(lang)}">{escape(name)}</a> '
                     for lang, name in (languages or {}).items() if lang != content.language)
    # Babel cannot see _() inside an f-string (Python 3.11 reads one as a single token): words first.
    words = {key: escape(text) for key, text in {
        "language": _("Language"),
        "title": _("KetaCheck: emergency and crisis numbers"),
        "heading": _("Emergency and crisis numbers"),
        "offline": _("You are offline, or KetaCheck cannot be reached right now."),
        "connection": _("The check itself needs a connection; these numbers do not."),
        "now": _("If someone is unresponsive, breathing slowly or not at all, having a seizure, or in danger, "
                 "call the emergency number now."),
        "again": _("Try KetaCheck again"),
        "checked": _("Numbers checked against the sources listed in KetaCheck; hours are shown where a source "
                     "states them. KetaCheck stores nothing about you."),
    }.items()}
    again = "/" if content.language == translations.SOURCE_LANGUAGE else f"/?lang={escape(content.language)}"
    switch = f'<nav aria-label="{words["language"]}" class="muted">{others}</nav>' if others else ""
    return f"""<!DOCTYPE html>
<html lang="{escape(content.language)}">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="theme-color" content="#1F5F8B" />
<meta name="referrer" content="no-referrer" />
<title>{words["title"]}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
{switch}
<h1>{words["heading"]}</h1>
<p>{words["offline"]} <strong>{words["connection"]}</strong></p>
<div class="alert">
<p><strong>{words["now"]}</strong></p>
<ul>{steps}</ul>
</div>
{''.join(regions)}
<p><a href="{again}">{words["again"]}</a></p>
<p class="muted">{words["checked"]}</p>
</main>
</body>
</html>
"""

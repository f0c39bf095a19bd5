"""The offline help card: every region's emergency, crisis and poison contacts on one static page.

Built from `assessments/` at server start and cached by the service worker, so it still opens when
the network (or the server) is gone. No scripts; every value is HTML-escaped.
"""

from __future__ import annotations

from html import escape

from ketacheck import referral
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
.muted { color: #4a5a68; font-size: 0.95rem; }
"""


def _contact(res: Resource) -> str:
    parts = []
    if res.phone:
        parts.append(f'call <a href="{escape(referral.tel_link(res.phone))}">{escape(res.phone)}</a>')
    if res.sms:
        body = f" (text {escape(res.sms.keyword)})" if res.sms.keyword else ""
        parts.append(f'text <a href="{escape(referral.sms_link(res.sms.number, res.sms.keyword))}">{escape(res.sms.number)}</a>{body}')
    if not parts and res.url:
        parts.append(escape(res.url))
    hours = f' <span class="muted">({escape(res.hours)})</span>' if res.hours else ""
    return f"<li><strong>{escape(res.name)}</strong>: {' or '.join(parts)}{hours}</li>"


def render(content: Content) -> str:
    # Someone reading this card is most likely helping another person: the loved-one first aid.
    flag = content.red_flags.get("unresponsive")
    advice = flag.advice("now") if flag else None
    steps = "".join(f"<li>{escape(s.format(emergency='the emergency number'))}</li>" for s in advice.steps.other) if advice else ""
    regions = []
    for region in content.regions.values():
        items = "".join(_contact(r) for r in referral.emergency_contacts(content, region.id))
        regions.append(f'<section><h2 id="{escape(region.id)}">{escape(region.name)}</h2><ul>{items}</ul></section>')
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="theme-color" content="#1F5F8B" />
<meta name="referrer" content="no-referrer" />
<title>KetaCheck: emergency and crisis numbers</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>Emergency and crisis numbers</h1>
<p>You are offline, or KetaCheck cannot be reached right now. <strong>The check itself needs a connection</strong>;
these numbers do not.</p>
<div class="alert">
<p><strong>If someone is unresponsive, breathing slowly or not at all, having a seizure, or in danger, call the
emergency number now.</strong></p>
<ul>{steps}</ul>
</div>
{''.join(regions)}
<p><a href="/">Try KetaCheck again</a></p>
<p class="muted">Numbers checked against the sources listed in KetaCheck; hours are shown where a source states them.
KetaCheck stores nothing about you.</p>
</main>
</body>
</html>
"""

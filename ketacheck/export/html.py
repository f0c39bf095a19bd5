"""The summary as one self-contained printable HTML page."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from ..content import Content
from ..model import Resource
from ..scoring import Result
from ..submission import Submission
from ..wording import not_a_diagnosis, resource_facts
from .summary import Bar, build, contact_parts

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: #1f1f1f; background: #fff; margin: 0 auto; max-width: 46rem; padding: 1rem; }
h1 { font-size: 1.35rem; margin: 0 0 .2rem; }
h2 { font-size: 1.05rem; margin: .9rem 0 .3rem; padding-bottom: .1rem; border-bottom: 1px solid #bbb; }
h3 { font-size: 1rem; margin: .5rem 0 .1rem; }
p { margin: .2rem 0 .4rem; }
ul, ol { margin: .15rem 0 .4rem; padding-left: 1.2rem; }
li { margin: .05rem 0; }
a { color: #1a4f8b; }
.meta, .small, figcaption { font-size: .85rem; color: #444; }
.box { border: 2px solid #1f1f1f; border-radius: 6px; padding: .4rem .7rem; margin: .5rem 0; }
.tier-urgent, .alarm, .crisis { border-color: #b0301f; }
.alarm, .tier-urgent { background: #fbeeec; }
.crisis { border-width: 3px; }
.referral { border-color: #4c78a8; border-width: 1px; }
.box h2 { border: 0; margin-top: .2rem; }
.nad { font-weight: 600; }
.now a { color: #b0301f; font-weight: 600; }
figure { margin: .3rem 0; }
.block { break-inside: avoid; page-break-inside: avoid; }
.res { margin: .25rem 0; }
.res b { display: inline; }
.rows { display: grid; grid-template-columns: 12rem 1fr; gap: .15rem .6rem; align-items: center; margin: .3rem 0; }
.rows span { font-size: .85rem; }
svg.bar { width: 100%; height: 14px; display: block; }
@media (max-width: 34rem) { .rows { grid-template-columns: 1fr; } .rows svg.bar { margin-bottom: .3rem; } }
@page { size: auto; margin: 10mm; }
@media print {
  body { font: 9pt/1.2 Helvetica, Arial, "Liberation Sans", sans-serif; max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h1 { font-size: 14pt; }
  h2 { font-size: 10pt; margin: .3rem 0 .05rem; break-after: avoid; page-break-after: avoid; }
  h3 { font-size: 10pt; margin: .2rem 0 0; }
  p { margin: .1rem 0 .2rem; }
  ul, ol { margin: .05rem 0 .15rem; } li { margin: 0; }
  .meta, .small, figcaption, .rows span { font-size: 8.5pt; }
  .box { padding: .1rem .5rem; margin: .2rem 0; }
  .meaning, .desc, .referral .res .small { display: none; }
  .sign h3, .instrument h3 { font-size: 9pt; }
  ul.triggers { font-size: 8pt; line-height: 1.15; }
  .instrument .small, #why .small { font-size: 7pt; line-height: 1.15; }
  .rows { grid-template-columns: 16rem 1fr; gap: 0 .6rem; margin: .1rem 0; }
  .rows span { font-size: 8pt; }
  svg.bar { height: 8px; }
  .res { margin: .1rem 0; }
  .res > .small { display: inline; margin-left: .5em; }
  #sources p, footer .small { font-size: 6pt; line-height: 1.05; }
  #feedback li { font-size: 8pt; line-height: 1.15; }
  #feedback li .small, #signs li { font-size: 7.5pt; }
  #why li { font-size: 8pt; line-height: 1.15; }
  #signs p { font-size: 7pt; line-height: 1.15; }
}
""".strip()


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _svg_bar(bar: Bar) -> str:
    """A bar on 0..top, drawn in a 0..100 wide box that stretches to the column."""
    top = bar.top or 1

    def x(v: float) -> float:
        return round(100 * max(0.0, min(v, top)) / top, 2)

    parts = [
        f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="{_e(bar.caption)}">',
        f"<title>{_e(bar.caption)}</title>",
        '<rect x="0" y="0" width="100" height="10" fill="#f4f4f4"/>',
    ]
    for _, lo, hi, colour in bar.bands:
        parts.append(f'<rect x="{x(lo)}" y="0" width="{round(x(hi) - x(lo), 2)}" height="10" fill="{_e(colour)}"/>')
    if bar.value > 0:
        parts.append(
            f'<rect x="0" y="2" width="{x(bar.value)}" height="6" fill="{_e(bar.colour)}" stroke="#1f1f1f" stroke-width="0.3"/>'
        )
    for line in bar.lines:
        parts.append(
            f'<line x1="{x(line)}" y1="0" x2="{x(line)}" y2="10" stroke="#1f1f1f" stroke-width="0.6" stroke-dasharray="1.5 1"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _html_resource(res: Resource, content: Content) -> str:
    contacts = " · ".join(
        f'<a href="{_e(link)}">{_e(text)}</a>' if link else _e(text) for text, link in contact_parts(res, content.ui)
    )
    return (
        f'<div class="res block"><b>{_e(res.name)}</b>: {contacts}'
        f'<div class="small"><span class="desc">{_e(res.description)} </span>'
        f"{_e(resource_facts(content, res, against=False))}</div></div>"
    )


def summary_html(sub: Submission, result: Result, content: Content, today: dt.date) -> str:
    """A self-contained printable page: inline CSS, no scripts, nothing loaded from elsewhere,
    every value escaped. Crisis help first when a red flag was answered, and always kept apart from
    referral lines."""
    s = build(sub, result, content, today)
    out: list[str] = []
    w = out.append
    w("<!DOCTYPE html>")
    _ = content.ui.gettext
    w(f'<html lang="{_e(content.language)}"><head><meta charset="utf-8">')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">')
    w('<meta name="referrer" content="no-referrer">')
    w("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
    w(f"<title>{_e(_('KetaCheck summary'))}, {_e(s.today.isoformat())}</title>")
    w(f"<style>{_CSS}</style></head><body>")

    w("<header>")
    w(f"<h1>{_e(_('KetaCheck summary'))}</h1>")
    w(
        f'<p class="meta">{_e(s.today.isoformat())} · {_e(s.who)} · {_e(s.region)} · {_e(s.context)}</p>'
    )
    w(f'<p class="nad">{_e(not_a_diagnosis(content))}</p>')
    w(f'<p class="meta">{_e(s.privacy)}</p>')
    w(f'<p class="now"><a href="#crisis">{_e(s.now)}</a></p>')
    w("</header>")

    crisis_html = "".join(_html_resource(r, content) for r in s.crisis)
    crisis_section = (
        f'<section class="box crisis block" id="crisis"><h2>{_e(_("If you need help now"))}</h2>'
        f'<p class="small">{_e(s.crisis_intro)}</p>'
        f"{crisis_html}</section>"
    )
    if s.red_flags:
        w(f'<section class="box alarm block" id="red-flags"><h2>{_e(_("Get help now"))}</h2><ul>')
        for name, message in s.red_flags:
            w(f"<li><b>{_e(name)}</b>: {_e(message)}</li>")
        w("</ul>")
        for heading, steps in s.first_aid:
            w(f"<h3>{_e(heading)}</h3><ul>")
            w("".join(f"<li>{_e(step)}</li>" for step in steps))
            w("</ul>")
        w("</section>")
        w(crisis_section)

    w(f'<section class="box tier-{_e(s.tier)} block" id="tier"><h2>{_e(s.tier_label)}</h2>')
    w(f"<p>{_e(s.tier_summary)} {_e(s.tier_explanation)}</p>")
    w(f'<p class="small">{_e(s.coverage)}</p>')
    if s.missing:
        not_yet = _('Not answered yet (never counted as "no"):')
        w(f'<p><b>{_e(not_yet)}</b></p><ul class="small">')
        w("".join(f"<li>{_e(m)}</li>" for m in s.missing))
        w("</ul>")
    w("</section>")

    if s.feedback:
        w(f'<section id="feedback"><h2>{_e(_("About your answers"))}</h2><ul>')
        for row in s.feedback:
            refs = ", ".join(f"[{n}]" for n in row.refs)
            text = f"<b>{_e(row.text)}</b>" if row.important else _e(row.text)
            w(f'<li>{text} <span class="small">{_e(refs)}</span></li>')
        w("</ul></section>")
    w(f'<section class="block" id="choice"><p>{_e(s.responsibility)}</p>')
    if s.plan:
        w(f"<h2>{_e(s.plan_title)}</h2><ol>")
        w("".join(f"<li><b>{_e(step.label)}</b>. {_e(step.detail)}</li>" for step in s.plan))
        w("</ol>")
    w(f"<p>{_e(s.self_efficacy)}</p></section>")

    w(f'<section id="why"><h2>{_e(_("Why am I seeing this?"))}</h2><ul>')
    w("".join(f"<li>{_e(reason)}</li>" for reason in s.reasons))
    w(f'</ul><p class="small">{_e(s.rule)}</p></section>')

    w(f'<section id="signs"><h2>{_e(_("Warning signs in the answers"))}</h2>')
    if not s.signs:
        w(f"<p>{_e(_('None of the warning signs we ask about showed in the answers.'))}</p>")
    # One running paragraph: the feedback above says what to do about each sign, and every answer is
    # in the files; here each sign, its strength, the answers and their sources.
    w('<p class="small">' + " ".join(
        f"<b>{_e(row.name)}</b> ({_e(row.detail)}): {_e('; '.join(a for _, a in row.triggers))} "
        f"{_e(', '.join(f'[{n}]' for n in row.refs))}." for row in s.signs) + "</p></section>")

    if s.instruments:
        w(f'<section id="instruments"><h2>{_e(_("Standard questionnaires"))}</h2>')
        for row in s.instruments:
            w(f'<div class="block instrument"><h3>{_e(row.name)}: {_e(row.verdict)}</h3>')
            w(f'<p class="small"><b>{_e(row.status)}.</b> {_e(row.statement)} {_e(" ".join(row.notes))}</p></div>')
        w("</section>")

    w(f'<section id="charts"><h2>{_e(_("The answers in pictures"))}</h2>')
    scales = _("Each on its own scale; shading marks its bands or cut-off.")
    w(f'<figure class="block" id="chart-levels"><figcaption>{_e(scales)}</figcaption><div class="rows">')
    for bar in [s.criteria_bar, *s.instrument_bars]:
        w(f"<span>{_e(bar.short)}</span>{_svg_bar(bar)}")
    w("</div></figure>")
    w("</section>")

    if not s.red_flags:
        w(crisis_section)
    if s.referral:  # an urgent result may have no referral line in a region; the crisis box is above
        w(
            f'<section class="box referral" id="referral"><h2>{_e(s.help_heading)}</h2><p class="small">{_e(s.help_intro)}</p>'
        )
        w("".join(_html_resource(r, content) for r in s.referral))
        w("</section>")

    if s.sources:
        # One running paragraph: a line per source left most of each printed line empty.
        w(f'<section id="sources"><h2>{_e(_("Sources"))}</h2><p class="small">')
        w(" ".join(f"[{n}] {_e(title)} ({_e(publisher)})." for n, title, publisher in s.sources))
        w("</p></section>")
    w("</body></html>")
    return "\n".join(out)

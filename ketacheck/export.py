"""Exports a person asks for: answers as JSON or FHIR, a printable summary (HTML or PDF), and the
guarded import that reads a JSON or FHIR file back.

Plain Python, no Streamlit. Nothing here writes to disk or the network: every function returns a
value and the caller decides what to do with it (a download button, the command line).

- `to_json` / `from_json`: KetaCheck's own answer file, versioned (`SCHEMA_VERSION`). The stored
  result is for the reader; on import the answers are checked and scored again, never trusted.
- `summary_html` / `summary_pdf`: the same summary, built once (`_summary`) and drawn twice.
- `fhir_questionnaire` / `fhir_questionnaire_response` / `from_fhir`: FHIR R4 resources, with LOINC
  codes where they exist (AUDIT-C) and KetaCheck's own code system elsewhere.
- `load_import`: the one entry point for an uploaded file. Size, encoding, nesting and number limits
  are checked before anything else looks at it; then it reads KetaCheck JSON or a FHIR
  QuestionnaireResponse. Every problem is one plain line in `InputError.problems`.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from dataclasses import dataclass, field
from typing import Any

from .charts import BAND_BARS, BAND_SHADES, BAR, NEUTRAL, SHADE, instrument_bands
from .loader import Content
from .model import AUDIENCES, DONT_KNOW, INSTRUMENT_IDS, Item, Resource
from .referral import sms_link, tel_link
from .scoring import InstrumentScore, Result, explain_rule, grouped_triggers, visible
from .submission import MAX_INPUT_BYTES, InputError, Submission, describe, parse, parse_json
from .wording import NOT_A_DIAGNOSIS, STATUS_WORDS, coverage_line, instrument_verdict, resource_facts

# 2: check v2 (multiple-choice answers as lists, "dont_know", new question ids). Version 1 files hold
# answers to questions that no longer exist, so they are refused with a plain reason.
SCHEMA_VERSION = 2
KIND = "ketacheck.answers"
EXPORT_KEYS = ("schema_version", "kind", "created", "audience", "region", "prescribed", "sex", "answers", "result")
_ANSWER_KEYS = ("audience", "region", "prescribed", "sex", "answers")

# Limits for imported files (the byte limit is submission.MAX_INPUT_BYTES).
MAX_DEPTH = 20
MAX_NUMBER = 10**6
MAX_PROBLEMS = 10  # lines about numbers; a file with thousands of bad numbers gets a count, not a flood

AUDIENCE_WORDS = {"self": "yourself", "other": "a family member or friend", "intake": "a clinic intake"}
PRIVACY_LINE = "Made on your device at your request. KetaCheck keeps no copy of your answers."


# ================================================================ KetaCheck JSON


def to_json(sub: Submission, result: Result, content: Content, today: dt.date | None = None) -> dict:
    """The answer file: context, answers (in question order) and the result as it was shown.

    `created` is a date only, no time of day: less to identify a person by."""
    order = [i for i in content.items if i in sub.answers] + [i for i in sub.answers if i not in content.items]
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": KIND,
        "created": (today or dt.date.today()).isoformat(),
        "audience": sub.audience,
        "region": sub.region,
        "prescribed": sub.prescribed,
        "sex": sub.sex,
        "answers": {k: list(sub.answers[k]) if isinstance(sub.answers[k], tuple) else sub.answers[k] for k in order},
        "result": result.to_dict(),
    }


def from_json(data: Any, content: Content) -> Submission:
    """A KetaCheck answer file back to a Submission; raises InputError with one line per problem.

    `kind`, `created` and `result` may be left out (a hand-written answer file with a
    `schema_version` is read too); `result` is never trusted: the caller scores the answers again."""
    if not isinstance(data, dict):
        raise InputError([f"input must be a JSON object (a KetaCheck answer file), not {type(data).__name__}"])
    if "schema_version" not in data:
        raise InputError(
            [
                f"schema_version: missing (a KetaCheck answer file says which version it is; this KetaCheck reads {SCHEMA_VERSION})"
            ]
        )
    version = data["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise InputError([f"schema_version: must be a whole number (got {describe(version)})"])
    if version == 1:
        raise InputError([f"schema_version 1 is from an earlier KetaCheck whose questions have since changed, so its "
                          f"answers cannot be scored again (this KetaCheck reads {SCHEMA_VERSION}); please take the check again"])
    if version != SCHEMA_VERSION:
        raise InputError([f"schema_version {version} is not supported (this KetaCheck reads {SCHEMA_VERSION})"])
    kind = data.get("kind", KIND)
    if kind != KIND:
        raise InputError([f"kind: must be {KIND!r} (got {describe(kind)})"])

    problems: list[str] = []
    for key in data:
        if key not in EXPORT_KEYS:
            problems.append(f"{describe(key)}: unknown key (a KetaCheck answer file has {', '.join(EXPORT_KEYS)})")
    created = data.get("created")
    if created is not None and not (isinstance(created, str) and _is_iso_date(created)):
        problems.append(f"created: must be a date like 2026-01-31 (got {describe(created)})")
    if "result" in data and not isinstance(data["result"], dict):
        problems.append(f"result: must be an object (got {type(data['result']).__name__})")
    return _parse_after(problems, {k: data[k] for k in _ANSWER_KEYS if k in data}, content)


def _parse_after(problems: list[str], doc: dict, content: Content) -> Submission:
    """Check the answers too, then report every problem found so far in one InputError."""
    try:
        sub = parse(doc, content)
    except InputError as exc:
        raise InputError(problems + exc.problems) from None
    if problems:
        raise InputError(problems)
    return sub


def _is_iso_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


# ================================================================ the summary, once


@dataclass(frozen=True)
class _SignRow:
    name: str
    detail: str
    meaning: str
    triggers: list[tuple[str, str]]  # (question as this audience saw it, answer label)
    refs: list[int]


@dataclass(frozen=True)
class _InstrumentRow:
    name: str
    status: str
    verdict: str
    statement: str
    notes: list[str]


@dataclass(frozen=True)
class _Bar:
    """One bar on a 0..top scale: shaded bands (label, from, to, colour), marker lines, a caption."""

    label: str
    value: float
    top: float
    colour: str
    bands: list[tuple[str, float, float, str]] = field(default_factory=list)
    lines: list[float] = field(default_factory=list)
    caption: str = ""  # the full sentence (screen readers, the HTML label)
    short: str = ""  # what fits beside a bar in the PDF


@dataclass(frozen=True)
class _Summary:
    today: dt.date
    who: str
    region: str
    context: str
    tier: str
    tier_label: str
    tier_summary: str
    tier_explanation: str
    coverage: str  # what the result is based on
    reasons: list[str]
    advice: list[str]  # apart from the ketamine level (alcohol)
    rule: str
    red_flags: list[tuple[str, str]]  # (name, message)
    first_aid: list[tuple[str, list[str]]]  # (heading naming the flags, steps), steps shared by flags shown once
    signs: list[_SignRow]
    instruments: list[_InstrumentRow]
    domain_bars: list[_Bar]
    domain_legend: str
    instrument_bars: list[_Bar]
    now: str  # one line with the emergency number and the first crisis line, near the top of every summary
    crisis: list[Resource]
    help_heading: str
    help_intro: str
    referral: list[Resource]
    sources: list[tuple[int, str, str]]  # (number, title, publisher)


# The same colour-blind-safe palette as the on-screen charts.
_BAR, _SHADE, _BAND_BARS, _BAND_SHADES, _NEUTRAL = BAR, SHADE, BAND_BARS, BAND_SHADES, NEUTRAL


def _num(x: float) -> str:
    return f"{round(float(x), 2):g}"


def _instrument_bar(inst: InstrumentScore, content: Content) -> _Bar:
    top = inst.max
    so_far = "" if inst.complete else f", {inst.answered} of {inst.asked} answered"
    spans, index = instrument_bands(inst, content)
    if inst.cutoff is not None:
        colour = _BAND_BARS[-1] if inst.positive else _BAND_BARS[0]
        verdict = "at or above the cut-off" if inst.positive else "below the cut-off"
        shaded = [(label, lo, hi, _BAND_SHADES[0 if i == 0 else -1]) for i, (label, lo, hi) in enumerate(spans)]
        return _Bar(
            inst.short_name,
            inst.score,
            top,
            colour,
            shaded,
            [],
            f"{inst.short_name}: {inst.score} of {top}, {verdict}{so_far}",
            f"{inst.short_name}: {inst.score} of {top} ({'positive' if inst.positive else 'negative'})",
        )
    if index is not None:  # the DSM-5-based checklist's severity bands
        shaded = [(label, lo, hi, _BAND_SHADES[min(i, len(_BAND_SHADES) - 1)]) for i, (label, lo, hi) in enumerate(spans)]
        colour = _BAND_BARS[min(index, len(_BAND_BARS) - 1)]
        return _Bar(
            inst.short_name,
            inst.score,
            top,
            colour,
            shaded,
            [],
            f"{inst.short_name}: {inst.score} of {top} criteria, {inst.severity_label}{so_far}",
            f"{inst.short_name}: {inst.score} of {top} ({spans[index][0]})",
        )
    lines = [float(c["at"]) for c in inst.reference_cutoffs]
    refs = ", ".join(str(c["at"]) for c in inst.reference_cutoffs)
    note = f"; dashed lines: cut-offs used for other drugs ({refs})" if refs else ""
    return _Bar(
        inst.short_name,
        inst.score,
        top,
        _NEUTRAL,
        [],
        lines,
        f"{inst.short_name}: {inst.score} of {top}, no validated ketamine cut-off{note}{so_far}",
        f"{inst.short_name}: {inst.score} of {top} (no cut-off; dashed: other drugs)"
        if refs
        else f"{inst.short_name}: {inst.score} of {top} (no cut-off)",
    )


def _summary(sub: Submission, result: Result, content: Content, today: dt.date) -> _Summary:
    region = content.regions[result.region]

    source_numbers: dict[str, int] = {}

    def ref(source_id: str) -> int:
        return source_numbers.setdefault(source_id, len(source_numbers) + 1)

    signs = []
    for match in result.signs:
        sign = content.signs[match.id]
        detail = (
            "a risk factor: shown, not counted"
            if match.risk_factor
            else f"strength {round(match.strength * 100)}%, {_num(match.points)} point{'' if match.points == 1 else 's'}"
        )
        triggers = []
        for item_id, answers in grouped_triggers(match):
            text, _ = content.items[item_id].wording(result.audience, result.region)
            triggers.append((text, answers))
        signs.append(_SignRow(match.name, detail, sign.meaning, triggers, [ref(s["id"]) for s in match.sources]))

    instruments = []
    for inst in result.instruments.values():
        notes = [f"Time frame: {inst.timeframe}."]
        if not inst.complete:
            notes.append(f"Answered {inst.answered} of {inst.asked} questions, so the score may be low.")
        if inst.not_counted:
            n = len(inst.not_counted)
            notes.append(
                f"{n} question{'s' if n != 1 else ''} not counted because ketamine is used only as prescribed."
            )
        instruments.append(
            _InstrumentRow(
                inst.name,
                STATUS_WORDS[inst.validation["status"]],
                instrument_verdict(inst),
                inst.validation["statement"],
                notes,
            )
        )

    bands = content.tiers.domain_bands
    domain_shades = [
        ("low", 0, bands.some_at, _SHADE["low"]),
        ("some", bands.some_at, bands.high_at, _SHADE["some"]),
        ("high", bands.high_at, 100, _SHADE["high"]),
    ]
    order = [d.id for d in content.tiers.domains if d.id in result.domains]
    order += [d for d in result.domains if d not in order]
    domain_bars = []
    for d in (result.domains[i] for i in order):
        if d.answered:
            caption = f"{d.label}: {d.score} ({d.band})"
            domain_bars.append(_Bar(d.label, d.score, 100, _BAR[d.band], domain_shades, [], caption, caption))
        else:
            caption = f"{d.label}: not answered"
            domain_bars.append(_Bar(d.label, 0, 100, _NEUTRAL, domain_shades, [], caption, caption))
    legend = f"Score out of 100 for each area: low under {bands.some_at}, some from {bands.some_at}, high from {bands.high_at}."

    red_flags = [(f.name, f.message) for f in result.red_flags]
    first_aid: list[tuple[str, list[str]]] = []
    for flag in result.red_flags:
        for i, (heading, steps) in enumerate(first_aid):
            if steps == flag.steps:
                first_aid[i] = (f"{heading.removesuffix(')')}; {flag.name.lower()})", steps)
                break
        else:
            first_aid.append((f"{flag.steps_title} ({flag.name.lower()})", list(flag.steps)))

    plan = content.tiers.help[result.tier]
    sources = [(n, content.sources[s].title, content.sources[s].publisher) for s, n in source_numbers.items()]
    return _Summary(
        today=today,
        who=AUDIENCE_WORDS.get(result.audience, result.audience),
        region=region.name,
        context="prescribed as treatment" if result.prescribed else "not prescribed",
        tier=result.tier,
        tier_label=result.tier_label,
        tier_summary=result.tier_summary,
        tier_explanation=result.tier_explanation,
        coverage=coverage_line(result.coverage),
        reasons=list(result.reasons),
        advice=list(result.advice),
        rule=explain_rule(content),
        red_flags=red_flags,
        first_aid=first_aid,
        signs=signs,
        instruments=instruments,
        domain_bars=domain_bars,
        domain_legend=legend,
        instrument_bars=[_instrument_bar(i, content) for i in result.instruments.values()],
        now=_help_now(content, result.region),
        crisis=[h.resource for h in result.resources if h.group == "crisis"],
        help_heading=plan.heading,
        help_intro=plan.intro,
        referral=[h.resource for h in result.resources if h.group == "referral"],
        sources=sources,
    )


def _help_now(content: Content, region: str) -> str:
    found = content.regions[region].resources
    emergency = next((r for r in found if r.type == "emergency" and r.phone), None)
    crisis = next((r for r in found if r.type == "crisis"), None)
    parts = []
    if emergency:
        parts.append(f"In danger now: call {emergency.phone}.")
    if crisis:
        parts.append(f"{crisis.name}: {', '.join(text for text, _ in _contact_parts(crisis))}.")
    return " ".join(parts)


def _contact_parts(res: Resource) -> list[tuple[str, str | None]]:
    """(text, link) for each way to reach a resource: call, text, website."""
    parts: list[tuple[str, str | None]] = []
    if res.phone:
        parts.append((f"Call {res.phone}", tel_link(res.phone)))
    if res.sms:
        text = f"Text {res.sms.body} to {res.sms.number}" if res.sms.body else f"Text {res.sms.number}"
        parts.append((text, sms_link(res.sms.number, res.sms.body)))
    if res.url:
        parts.append((res.url.removeprefix("https://").rstrip("/"), res.url))
    return parts


# ================================================================ HTML


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
@page { size: auto; margin: 12mm; }
@media print {
  body { font: 9.5pt/1.2 Helvetica, Arial, "Liberation Sans", sans-serif; max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h1 { font-size: 14pt; }
  h2 { font-size: 10.5pt; margin: .4rem 0 .1rem; break-after: avoid; page-break-after: avoid; }
  h3 { font-size: 10pt; margin: .2rem 0 0; }
  p { margin: .1rem 0 .2rem; }
  ul, ol { margin: .05rem 0 .15rem; } li { margin: 0; }
  .meta, .small, figcaption, .rows span { font-size: 8.5pt; }
  .box { padding: .15rem .5rem; margin: .3rem 0; }
  .meaning, .desc, .referral .res .small { display: none; }
  .sign h3, .instrument h3 { font-size: 9pt; }
  ul.triggers { font-size: 8pt; line-height: 1.15; }
  .instrument .small, #why .small { font-size: 8pt; }
  .rows { grid-template-columns: 16rem 1fr; gap: 0 .6rem; margin: .1rem 0; }
  .rows span { font-size: 8pt; }
  svg.bar { height: 8px; }
  .res { margin: .1rem 0; }
  .res > .small { display: inline; margin-left: .5em; }
  #sources ol, footer .small { font-size: 6.5pt; line-height: 1.1; }
  #sources ol { columns: 2; column-gap: 1.2rem; }
}
""".strip()


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _svg_bar(bar: _Bar) -> str:
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


def _html_resource(res: Resource) -> str:
    contacts = " · ".join(
        f'<a href="{_e(link)}">{_e(text)}</a>' if link else _e(text) for text, link in _contact_parts(res)
    )
    return (
        f'<div class="res block"><b>{_e(res.name)}</b>: {contacts}'
        f'<div class="small"><span class="desc">{_e(res.description)} </span>'
        f"{_e(resource_facts(res, against=False))}</div></div>"
    )


def summary_html(sub: Submission, result: Result, content: Content, today: dt.date) -> str:
    """A self-contained printable page: inline CSS, no scripts, nothing loaded from elsewhere,
    every value escaped. Crisis help first when a red flag was answered, and always kept apart from
    referral lines."""
    s = _summary(sub, result, content, today)
    out: list[str] = []
    w = out.append
    w("<!DOCTYPE html>")
    w('<html lang="en"><head><meta charset="utf-8">')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">')
    w('<meta name="referrer" content="no-referrer">')
    w("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
    w(f"<title>KetaCheck summary, {_e(s.today.isoformat())}</title>")
    w(f"<style>{_CSS}</style></head><body>")

    w("<header>")
    w("<h1>KetaCheck summary</h1>")
    w(
        f'<p class="meta">{_e(s.today.isoformat())} · Check for {_e(s.who)} · {_e(s.region)} · ketamine {_e(s.context)}</p>'
    )
    w(f'<p class="nad">{_e(NOT_A_DIAGNOSIS)}</p>')
    w(f'<p class="now"><a href="#crisis">{_e(s.now)}</a></p>')
    w("</header>")

    crisis_html = "".join(_html_resource(r) for r in s.crisis)
    crisis_section = (
        '<section class="box crisis block" id="crisis"><h2>If you need help now</h2>'
        '<p class="small">Emergency, crisis and poison lines: for danger, despair or a bad reaction, at any hour.</p>'
        f"{crisis_html}</section>"
    )
    if s.red_flags:
        w('<section class="box alarm block" id="red-flags"><h2>Get help now</h2><ul>')
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
    w("".join(f"<p>{_e(line)}</p>" for line in s.advice))
    w("</section>")

    w('<section class="block" id="why"><h2>Why am I seeing this?</h2><ul>')
    w("".join(f"<li>{_e(reason)}</li>" for reason in s.reasons))
    w(f'</ul><p class="small">{_e(s.rule)}</p></section>')

    w('<section id="signs"><h2>Warning signs in the answers</h2>')
    if not s.signs:
        w("<p>None of the warning signs we ask about showed in the answers.</p>")
    for row in s.signs:
        refs = ", ".join(f"[{n}]" for n in row.refs)
        w(
            f'<div class="block sign"><h3>{_e(row.name)} <span class="small">({_e(row.detail)}; sources {_e(refs)})</span></h3>'
        )
        w(f'<p class="small meaning">{_e(row.meaning)}</p><ul class="triggers">')
        w("".join(f"<li>{_e(q)} <b>{_e(a)}</b></li>" for q, a in row.triggers))
        w("</ul></div>")
    w("</section>")

    if s.instruments:
        w('<section id="instruments"><h2>Standard questionnaires</h2>')
        for row in s.instruments:
            w(f'<div class="block instrument"><h3>{_e(row.name)}: {_e(row.verdict)}</h3>')
            w(f'<p class="small"><b>{_e(row.status)}.</b> {_e(row.statement)} {_e(" ".join(row.notes))}</p></div>')
        w("</section>")

    w('<section id="charts"><h2>The answers in pictures</h2>')
    w(f'<figure class="block" id="chart-domains"><figcaption>{_e(s.domain_legend)}</figcaption><div class="rows">')
    for bar in s.domain_bars:
        w(f"<span>{_e(bar.short)}</span>{_svg_bar(bar)}")
    w("</div></figure>")
    if s.instrument_bars:
        w(
            '<figure class="block" id="chart-instruments"><figcaption>Each questionnaire on its own scale; '
            'shading marks its cut-off or bands.</figcaption><div class="rows">'
        )
        for bar in s.instrument_bars:
            w(f"<span>{_e(bar.short)}</span>{_svg_bar(bar)}")
        w("</div></figure>")
    w("</section>")

    if not s.red_flags:
        w(crisis_section)
    if s.referral:  # an urgent result may have no referral line in a region; the crisis box is above
        w(
            f'<section class="box referral" id="referral"><h2>{_e(s.help_heading)}</h2><p class="small">{_e(s.help_intro)}</p>'
        )
        w("".join(_html_resource(r) for r in s.referral))
        w("</section>")

    if s.sources:
        w('<section id="sources"><h2>Sources of the warning signs</h2><ol class="small">')
        w("".join(f"<li>{_e(title)} ({_e(publisher)})</li>" for _, title, publisher in s.sources))
        w("</ol></section>")
    w(f'<footer><p class="small">{_e(PRIVACY_LINE)}</p></footer>')
    w("</body></html>")
    return "\n".join(out)


# ================================================================ PDF

_LATIN1 = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u2022": "-",
        "\u00b7": "-",
        "\u2192": "->",
        "\u2190": "<-",
        "\u2265": ">=",
        "\u2264": "<=",
        "\u2260": "!=",
        "\u2248": "~",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)


def _latin1(text: Any) -> str:
    """Text the PDF core fonts can draw: common typography to ASCII, anything else to '?'."""
    return str(text).translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def _rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


class _PdfWriter:
    """Small drawing helpers over fpdf2. `keep` draws a block on one page: it renders it off the page
    first and starts a new page when the block would be split."""

    INK = (31, 31, 31)
    GREY = "#444444"

    def __init__(self, pdf: Any):
        self.pdf = pdf  # the document, or the off-page copy while `keep` measures a block
        self.doc = pdf
        self.width = pdf.w - pdf.l_margin - pdf.r_margin

    def text(
        self,
        body: str,
        size: float = 8.5,
        style: str = "",
        h: float | None = None,
        colour: str | None = None,
        indent: float = 0,
    ) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.set_text_color(*(_rgb(colour) if colour else self.INK))
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, h or size * 0.45, _latin1(body), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_text_color(*self.INK)

    def bullet(self, body: str, size: float = 8.5, indent: float = 2.5) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", size=size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(3, size * 0.45, "-")
        pdf.multi_cell(0, size * 0.45, _latin1(body), new_x="LMARGIN", new_y="NEXT", align="L")

    def heading(self, body: str) -> None:
        self.pdf.ln(1.2)
        self.text(body, 10.5, "B", h=5)
        self.pdf.set_draw_color(180, 180, 180)
        self.pdf.line(self.pdf.l_margin, self.pdf.get_y(), self.pdf.l_margin + self.width, self.pdf.get_y())
        self.pdf.ln(0.8)

    def keep(self, draw: Any, frame: str | None = None, thick: float = 0.3) -> None:
        doc = self.doc
        with doc.offset_rendering() as dummy:
            self.pdf = dummy
            draw()
        self.pdf = doc
        if dummy.page_break_triggered:
            doc.add_page()
        start_page, start_y = doc.page, doc.get_y()
        draw()
        if frame and doc.page == start_page:
            doc.set_draw_color(*_rgb(frame))
            doc.set_line_width(thick)
            doc.rect(doc.l_margin - 2, start_y - 1, self.width + 4, doc.get_y() - start_y + 2)
            doc.set_line_width(0.2)
            doc.ln(2)

    def resource(self, res: Resource, details: bool = True) -> None:
        contacts = "  |  ".join(t for t, _ in _contact_parts(res))
        self.text(f"{res.name}: {contacts}", 8.5, "B", h=4)
        if details:
            self.text(resource_facts(res, against=False), 7.5, h=3.4, colour=self.GREY)

    def bars(self, rows: list[_Bar]) -> None:
        pdf = self.pdf
        label_w, row_h = 62.0, 4.6
        bar_w = self.width - label_w - 2
        for bar in rows:
            y = pdf.get_y()
            label = _latin1(bar.short or bar.caption)
            size = 7.5
            pdf.set_font("Helvetica", size=size)
            while size > 5.5 and pdf.get_string_width(label) > label_w:
                size -= 0.5
                pdf.set_font("Helvetica", size=size)
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(label_w, row_h, label)
            x0 = pdf.l_margin + label_w + 2
            top = bar.top or 1

            def x(v: float, x0: float = x0, top: float = top) -> float:
                return x0 + bar_w * max(0.0, min(v, top)) / top

            pdf.set_fill_color(244, 244, 244)
            pdf.rect(x0, y + 0.6, bar_w, row_h - 1.2, style="F")
            for _, lo, hi, colour in bar.bands:
                pdf.set_fill_color(*_rgb(colour))
                pdf.rect(x(lo), y + 0.6, x(hi) - x(lo), row_h - 1.2, style="F")
            pdf.set_draw_color(*self.INK)
            if bar.value > 0:
                pdf.set_fill_color(*_rgb(bar.colour))
                pdf.rect(x0, y + 1.3, x(bar.value) - x0, row_h - 2.6, style="DF")
            for line in bar.lines:
                pdf.set_dash_pattern(dash=0.8, gap=0.6)
                pdf.line(x(line), y + 0.4, x(line), y + row_h - 0.4)
                pdf.set_dash_pattern()
            pdf.set_xy(pdf.l_margin, y + row_h)


def summary_pdf(sub: Submission, result: Result, content: Content, today: dt.date) -> bytes:
    """The summary as an A4 PDF: the same sections as the HTML, in the core Helvetica font (nothing
    embedded or fetched; text made latin-1 safe). A typical full check fits on two pages."""
    from fpdf import FPDF  # imported here so the rest of the engine does not need fpdf2

    s = _summary(sub, result, content, today)
    doc = FPDF(orientation="portrait", unit="mm", format="A4")
    doc.set_margins(15, 14, 15)
    doc.set_auto_page_break(True, margin=14)
    doc.set_title(_latin1(f"KetaCheck summary, {s.today.isoformat()}"))
    doc.set_creator("KetaCheck")
    # A date without a time of day, as in the JSON export.
    doc.set_creation_date(dt.datetime(s.today.year, s.today.month, s.today.day, tzinfo=dt.UTC))
    doc.add_page()
    out = _PdfWriter(doc)
    grey = out.GREY

    def header() -> None:
        out.text("KetaCheck summary", 14, "B", h=6)
        out.text(f"{s.today.isoformat()}  |  Check for {s.who}  |  {s.region}  |  ketamine {s.context}", 8, colour=grey)
        out.text(NOT_A_DIAGNOSIS, 8.5, "B")
        out.text(s.now, 8.5, "B", colour="#B0301F")
        out.pdf.ln(1.5)

    def alarm() -> None:
        out.text("Get help now", 10.5, "B", h=5)
        for name, message in s.red_flags:
            out.bullet(f"{name}: {message}", indent=0)
        for heading, steps in s.first_aid:
            out.text(heading, 8.5, "B", h=3.9)
            for step in steps:
                out.bullet(step, 8, indent=0)

    def crisis() -> None:
        out.text("If you need help now", 10.5, "B", h=5)
        out.text(
            "Emergency, crisis and poison lines: for danger, despair or a bad reaction, at any hour.", 7.5, colour=grey
        )
        for res in s.crisis:
            out.resource(res)

    def tier() -> None:
        out.text(s.tier_label, 12, "B", h=5.5)
        out.text(f"{s.tier_summary} {s.tier_explanation}", 8.5, h=3.9)
        out.text(s.coverage, 7.5, colour=grey)
        for line in s.advice:
            out.text(line, 8.5, h=3.9)

    def why() -> None:
        out.heading("Why am I seeing this?")
        for reason in s.reasons:
            out.bullet(reason)
        out.text(s.rule, 7.5, colour=grey)

    def sign(row: _SignRow) -> Any:
        def draw() -> None:
            refs = ", ".join(f"[{n}]" for n in row.refs)
            out.text(f"{row.name} ({row.detail})  Sources: {refs}", 8.5, "B", h=4)
            for question, answer in row.triggers:
                out.bullet(f"{question} -> {answer}", 7.5)

        return draw

    def instrument(row: _InstrumentRow) -> Any:
        def draw() -> None:
            out.text(f"{row.name}: {row.verdict}", 8.5, "B", h=4)
            out.text(f"{row.status}. {row.statement} {' '.join(row.notes)}", 7.5, colour=grey)

        return draw

    def charts() -> None:
        out.heading("The answers in pictures")
        out.text(s.domain_legend, 7.5, colour=grey)
        out.bars(s.domain_bars)
        if s.instrument_bars:
            out.pdf.ln(1)
            out.text("Each questionnaire on its own scale; shading marks its cut-off or bands.", 7.5, colour=grey)
            out.bars(s.instrument_bars)
        out.pdf.ln(2)

    def referral() -> None:
        out.text(s.help_heading, 10.5, "B", h=5)
        out.text(s.help_intro, 7.5, colour=grey)
        for res in s.referral:
            out.resource(res, details=False)

    def sources() -> None:
        out.heading("Sources of the warning signs")
        for n, title, publisher in s.sources:
            out.text(f"[{n}] {title} ({publisher})", 7, h=3.2, colour=grey)
        out.pdf.ln(1)
        out.text(PRIVACY_LINE, 7, colour=grey)

    header()
    if s.red_flags:  # safety first: emergency help before anything else
        out.keep(alarm, frame="#B0301F", thick=0.8)
        out.keep(crisis, frame="#B0301F", thick=0.8)
    out.keep(tier, frame="#B0301F" if s.tier == "urgent" else "#1F1F1F", thick=0.5)
    out.keep(why)

    def titled(title: str, first: Any) -> Any:
        """A heading drawn with the block after it, so it never ends a page on its own."""

        def draw() -> None:
            out.heading(title)
            first()

        return draw

    def nothing() -> None:
        out.text("None of the warning signs we ask about showed in the answers.")

    blocks = [sign(row) for row in s.signs] or [nothing]
    out.keep(titled("Warning signs in the answers", blocks[0]))
    for block in blocks[1:]:
        out.keep(block)
    if s.instruments:
        blocks = [instrument(row) for row in s.instruments]
        out.keep(titled("Standard questionnaires", blocks[0]))
        for block in blocks[1:]:
            out.keep(block)
    out.keep(charts)
    if not s.red_flags:
        out.keep(crisis, frame="#B0301F", thick=0.8)
    if s.referral:
        out.keep(referral, frame="#4C78A8", thick=0.3)
    out.keep(sources if s.sources else lambda: out.text(PRIVACY_LINE, 7, colour=grey))
    return bytes(doc.output())


# ================================================================ FHIR R4

FHIR_BASE = "https://ketacheck.example/fhir"
ITEM_SYSTEM = f"{FHIR_BASE}/CodeSystem/items"
ANSWER_SYSTEM = f"{FHIR_BASE}/CodeSystem/answers"
QUESTIONNAIRE_BASE = f"{FHIR_BASE}/Questionnaire/"
CONTEXT_EXTENSION = f"{FHIR_BASE}/StructureDefinition/context"
RESULT_EXTENSION = f"{FHIR_BASE}/StructureDefinition/result"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
LOINC = "http://loinc.org"
# linkIds KetaCheck adds to the content's items; a hyphen keeps them apart from item ids (`domain.name`).
PRESCRIBED_LINK_ID = "context-prescribed"
TOTAL_SUFFIX = "-total"
PRESCRIBED_TEXT = "Is the ketamine prescribed as treatment?"
AUDIENCE_QUESTIONNAIRES = {f"ketacheck-{a}": a for a in AUDIENCES}
QUESTIONNAIRE_IDS = (*AUDIENCE_QUESTIONNAIRES, *INSTRUMENT_IDS)

# LOINC codes (AUDIT-C panel as in the HL7 US Core AUDIT-C Questionnaire and examples).
LOINC_CODES: dict[str, tuple[str, str]] = {
    "audit_c": ("72109-2", "Alcohol Use Disorder Identification Test - Consumption [AUDIT-C]"),
    "audit_c.1": ("68518-0", "How often do you have a drink containing alcohol"),
    "audit_c.2": ("68519-8", "How many standard drinks containing alcohol do you have on a typical day"),
    "audit_c.3": ("68520-6", "How often do you have 6 or more drinks on 1 occasion"),
    "audit_c-total": ("75626-2", "Total score [AUDIT-C]"),
}


def _resource_id(questionnaire_id: str) -> str:
    return questionnaire_id.replace("_", "-")  # FHIR ids allow letters, digits, '-' and '.'


def questionnaire_url(questionnaire_id: str) -> str:
    return QUESTIONNAIRE_BASE + _resource_id(questionnaire_id)


def _codes(link_id: str) -> list[dict]:
    codes = []
    if link_id in LOINC_CODES:
        code, display = LOINC_CODES[link_id]
        codes.append({"system": LOINC, "code": code, "display": display})
    codes.append({"system": ITEM_SYSTEM, "code": link_id})
    return codes


def _answer_coding(value: int | str, label: str) -> dict:
    return {"system": ANSWER_SYSTEM, "code": str(value), "display": label}


def _question(item: Item, audience: str, content: Content) -> dict:
    text, labels = item.wording(audience)
    options = []
    for option, label in zip(item.options, labels, strict=True):
        coding = _answer_coding(option.value, label)
        coding["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": option.level}]
        options.append({"valueCoding": coding})
    if content.offers_dont_know(audience):
        options.append({"valueCoding": _answer_coding(DONT_KNOW, content.dont_know.label)})
    question = {
        "linkId": item.id,
        "prefix": item.id,
        "code": _codes(item.id),
        "text": text,
        "type": "choice",
        "answerOption": options,
    }
    if item.multiple:
        question["repeats"] = True
    return question


def _total(inst_id: str, content: Content) -> dict:
    inst = content.instruments[inst_id]
    link = f"{inst_id}{TOTAL_SUFFIX}"
    return {
        "linkId": link,
        "code": _codes(link),
        "text": f"{inst.short_name} total score (0 to {inst.max_score})",
        "type": "integer",
        "readOnly": True,
    }


def _prescribed_condition(value: bool) -> dict:
    return {"question": PRESCRIBED_LINK_ID, "operator": "=", "answerBoolean": value}


def _gated(item: Item, question: dict, content: Content, audience_flow: bool) -> dict:
    """Add enableWhen for show_if (any option at the gate's level or more) and, in a whole-check
    questionnaire, for the prescribed / not prescribed context."""
    conditions = []
    if item.show_if:
        gate = content.items[item.show_if.item]
        conditions = [
            {"question": gate.id, "operator": "=", "answerCoding": {"system": ANSWER_SYSTEM, "code": str(o.value)}}
            for o in gate.options
            if o.level >= item.show_if.min_level
        ]
    context = None
    if audience_flow and item.prescribed != "any":
        gate_item = content.items[item.show_if.item] if item.show_if else None
        # A gate with the same context already carries the condition (a disabled item has no answer).
        if gate_item is None or gate_item.prescribed != item.prescribed:
            context = _prescribed_condition(item.prescribed == "yes")
    if context and len(conditions) > 1:
        # "any of these answers" and "in this context" cannot share one enableWhen: nest in a group.
        question = {**question, "enableWhen": conditions, "enableBehavior": "any"}
        return {"linkId": f"{item.id}-group", "type": "group", "enableWhen": [context], "item": [question]}
    if context:
        conditions.append(context)
    if conditions:
        question = {**question, "enableWhen": conditions}
        if len(conditions) > 1:
            question["enableBehavior"] = "all" if context else "any"
    return question


def fhir_questionnaire(content: Content, questionnaire_id: str) -> dict:
    """A FHIR R4 Questionnaire: a whole check for one audience ("ketacheck-self", "-other",
    "-intake": every item either context can ask, the prescribed question first and enableWhen for
    the rest) or one instrument ("audit_c", "sds", "dsm5_k")."""
    if questionnaire_id not in QUESTIONNAIRE_IDS:
        raise ValueError(f"unknown questionnaire {questionnaire_id!r} (one of {', '.join(QUESTIONNAIRE_IDS)})")
    audience = AUDIENCE_QUESTIONNAIRES.get(questionnaire_id)
    items: list[dict] = []
    if audience:
        title = f"KetaCheck: ketamine use check ({AUDIENCE_WORDS[audience]})"
        flow_ids = {i.id for p in (False, True) for i in content.flow(audience, p)}
        flow = [i for i in content.items.values() if i.id in flow_ids]
        items.append(
            {
                "linkId": PRESCRIBED_LINK_ID,
                "prefix": PRESCRIBED_LINK_ID,
                "code": _codes(PRESCRIBED_LINK_ID),
                "text": PRESCRIBED_TEXT,
                "type": "boolean",
            }
        )
        text_audience = audience
    else:
        inst = content.instruments[questionnaire_id]
        title = f"KetaCheck: {inst.name}"
        flow = list(inst.items)
        text_audience = "self"
    done: set[str] = set()
    for n, item in enumerate(flow):
        items.append(_gated(item, _question(item, text_audience, content), content, audience is not None))
        inst_id = content.instrument_of.get(item.id)
        last_of_instrument = inst_id and (n + 1 == len(flow) or content.instrument_of.get(flow[n + 1].id) != inst_id)
        if inst_id and last_of_instrument and inst_id not in done:
            items.append(_total(inst_id, content))
            done.add(inst_id)
    resource = {
        "resourceType": "Questionnaire",
        "id": _resource_id(questionnaire_id),
        "url": questionnaire_url(questionnaire_id),
        "version": str(SCHEMA_VERSION),
        "name": "KetaCheck"
        + "".join(part.capitalize() for part in re.split(r"[-_]", questionnaire_id) if part != "ketacheck"),
        "title": title,
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "KetaCheck",
        "description": NOT_A_DIAGNOSIS,
        "item": items,
    }
    if questionnaire_id in LOINC_CODES:
        code, display = LOINC_CODES[questionnaire_id]
        resource["code"] = [{"system": LOINC, "code": code, "display": display}]
    return resource


def _response_items(q_items: list[dict], sub: Submission, result: Result, content: Content) -> list[dict]:
    out = []
    for q in q_items:
        link = q["linkId"]
        if q["type"] == "group":
            children = _response_items(q["item"], sub, result, content)
            if children:
                out.append({"linkId": link, "item": children})
        elif link == PRESCRIBED_LINK_ID:
            out.append({"linkId": link, "text": q["text"], "answer": [{"valueBoolean": sub.prescribed}]})
        elif q["type"] == "integer":  # an instrument total, as scored
            inst = result.instruments.get(link.removesuffix(TOTAL_SUFFIX))
            if inst is not None:
                out.append({"linkId": link, "text": q["text"], "answer": [{"valueInteger": inst.score}]})
        elif link in sub.answers:
            item = content.items[link]
            text, labels = item.wording(sub.audience, sub.region)
            if sub.answers[link] == DONT_KNOW:
                codings = [_answer_coding(DONT_KNOW, content.dont_know.label)]
            else:
                codings = [_answer_coding(o.value, labels[item.options.index(o)]) for o in item.chosen(sub.answers[link])]
            out.append({"linkId": link, "text": text, "answer": [{"valueCoding": c} for c in codings]})
    return out


def fhir_questionnaire_response(
    sub: Submission, result: Result, content: Content, today: dt.date | None = None
) -> dict:
    """A FHIR R4 QuestionnaireResponse for the audience's whole-check Questionnaire: no subject (it is
    anonymous), a date without a time, region / prescribed / sex in the KetaCheck context extension,
    the tier in the result extension.

    It holds what the person was asked: an answer hidden by an earlier answer (kept in the session,
    not scored) or outside this audience's and context's questions is left out, as FHIR requires."""
    qid = f"ketacheck-{sub.audience}"
    questionnaire = fhir_questionnaire(content, qid)
    in_context = {i.id for i in content.flow(sub.audience, sub.prescribed)}
    shown = {
        k: v for k, v in sub.answers.items() if k in in_context and visible(content.items[k], sub.answers, content)
    }
    asked = Submission(sub.audience, sub.region, sub.prescribed, sub.sex, shown)
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": questionnaire_url(qid),
        "status": "completed",
        "authored": (today or dt.date.today()).isoformat(),
        "extension": [
            {
                "url": CONTEXT_EXTENSION,
                "extension": [
                    {"url": "region", "valueCode": sub.region},
                    {"url": "prescribed", "valueBoolean": sub.prescribed},
                    {"url": "sex", "valueCode": sub.sex},
                ],
            },
            {
                "url": RESULT_EXTENSION,
                "extension": [
                    {"url": "tier", "valueCode": result.tier},
                    {"url": "label", "valueString": result.tier_label},
                ],
            },
        ],
        "item": _response_items(questionnaire["item"], asked, result, content),
    }


def _link_ids(items: list[dict]) -> set[str]:
    out: set[str] = set()
    stack = list(items)
    while stack:
        node = stack.pop()
        out.add(node["linkId"])
        stack.extend(node.get("item", []))
    return out


_CODE = re.compile(r"-?\d{1,7}")


def _coded_value(link: str, coding: Any, problems: list[str]) -> int | str | None:
    """One answer's valueCoding to the answer-file value (a whole number, or DONT_KNOW)."""
    if not isinstance(coding, dict):
        problems.append(f"item {describe(link)}: answer must be a valueCoding")
        return None
    system, code = coding.get("system", ANSWER_SYSTEM), coding.get("code")
    if system != ANSWER_SYSTEM:
        problems.append(f"item {describe(link)}: answer system {describe(system)} is not KetaCheck's ({ANSWER_SYSTEM})")
        return None
    if code == DONT_KNOW:
        return DONT_KNOW
    if not (isinstance(code, str) and _CODE.fullmatch(code)):
        problems.append(f"item {describe(link)}: answer code must be a whole number (got {describe(code)})")
        return None
    return int(code)


def from_fhir(data: Any, content: Content) -> Submission:
    """A QuestionnaireResponse made by `fhir_questionnaire_response` back to a Submission.

    The audience comes from the questionnaire reference, the context from the KetaCheck context
    extension (or the prescribed question), answers from each item's valueCoding. Totals and the
    result extension are ignored: the answers are scored again."""
    if not isinstance(data, dict):
        raise InputError([f"input must be a JSON object (a FHIR QuestionnaireResponse), not {type(data).__name__}"])
    kind = data.get("resourceType")
    if kind != "QuestionnaireResponse":
        raise InputError([f"resourceType: must be QuestionnaireResponse (got {describe(kind)})"])
    ref = data.get("questionnaire")
    canonical = ref.split("|", 1)[0] if isinstance(ref, str) else None
    qid = canonical.removeprefix(QUESTIONNAIRE_BASE) if canonical and canonical.startswith(QUESTIONNAIRE_BASE) else None
    if qid not in AUDIENCE_QUESTIONNAIRES:
        got = "missing" if ref is None else describe(ref)
        expected = questionnaire_url("ketacheck-self").removesuffix("self")
        raise InputError(
            [f"questionnaire: not a KetaCheck check (expected {expected}self, -other or -intake; got {got})"]
        )
    audience = AUDIENCE_QUESTIONNAIRES[qid]

    problems: list[str] = []
    status = data.get("status")
    if status not in ("completed", "amended", "in-progress"):
        problems.append(f"status: must be completed, amended or in-progress (got {describe(status)})")
    if "modifierExtension" in data:
        problems.append("modifierExtension: not understood, so the file cannot be read safely")

    context: dict[str, Any] = {}
    extensions = data.get("extension", [])
    if not isinstance(extensions, list):
        problems.append("extension: must be a list")
        extensions = []
    ours = [e for e in extensions if isinstance(e, dict) and e.get("url") == CONTEXT_EXTENSION]
    if len(ours) > 1:
        problems.append("extension: the KetaCheck context appears more than once")
    for ext in ours[:1]:
        parts = ext.get("extension", [])
        if not isinstance(parts, list):
            problems.append("extension context: must hold a list of extensions")
            parts = []
        fields = {"region": "valueCode", "prescribed": "valueBoolean", "sex": "valueCode"}
        for part in parts:
            url = part.get("url") if isinstance(part, dict) else None
            if url not in fields:
                problems.append(f"extension context.{describe(url)}: unknown (expected {', '.join(fields)})")
            elif url in context:
                problems.append(f"extension context.{url}: appears more than once")
            elif fields[url] not in part:
                problems.append(f"extension context.{url}: needs a {fields[url]}")
            else:
                context[url] = part[fields[url]]

    allowed = _link_ids(fhir_questionnaire(content, qid)["item"])
    answers: dict[str, Any] = {}
    prescribed_answer: Any = None
    seen: set[str] = set()
    queue: list[tuple[Any, str]] = [(data.get("item", []), "item")]
    index = 0
    while index < len(queue):
        nodes, path = queue[index]
        index += 1
        if not isinstance(nodes, list):
            problems.append(f"{path}: must be a list")
            continue
        for n, node in enumerate(nodes):
            where = f"{path}[{n}]"
            if not isinstance(node, dict):
                problems.append(f"{where}: must be an object")
                continue
            link = node.get("linkId")
            if not isinstance(link, str):
                problems.append(f"{where}.linkId: required (got {describe(link)})")
                continue
            if "modifierExtension" in node:
                problems.append(
                    f"item {describe(link)}: modifierExtension not understood, so the file cannot be read safely"
                )
            if "item" in node:
                queue.append((node["item"], f"item {link}.item"))
            if link not in allowed:
                what = (
                    f"not a question in {qid}" if link in content.items else "unknown linkId (not a KetaCheck question)"
                )
                problems.append(f"item {describe(link)}: {what}")
                continue
            if link in seen:
                problems.append(f"item {describe(link)}: appears more than once")
                continue
            seen.add(link)
            if "answer" not in node:
                continue
            answer = node["answer"]
            item = content.items.get(link)
            many = item is not None and item.multiple
            if not (isinstance(answer, list) and answer and all(isinstance(a, dict) for a in answer)
                    and (many or len(answer) == 1)):
                problems.append(f"item {describe(link)}: answer must be a list with {'at least' if many else ''} one answer".replace("  ", " "))
                continue
            if link == PRESCRIBED_LINK_ID:
                prescribed_answer = answer[0].get("valueBoolean")
                if not isinstance(prescribed_answer, bool):
                    problems.append(f"item {link!r}: answer must be a valueBoolean")
                    prescribed_answer = None
                continue
            if link.endswith(TOTAL_SUFFIX):
                continue  # an instrument total: scored again from the answers
            values = [_coded_value(link, a.get("valueCoding"), problems) for a in answer]
            if all(v is not None for v in values):
                answers[link] = values if many and values != [DONT_KNOW] else values[0]

    if prescribed_answer is not None:
        if "prescribed" in context and context["prescribed"] != prescribed_answer:
            problems.append(
                f"item {PRESCRIBED_LINK_ID!r}: the answer ({str(prescribed_answer).lower()}) disagrees with the context "
                f"extension ({describe(context['prescribed'])})"
            )
        context.setdefault("prescribed", prescribed_answer)
    return _parse_after(problems, {"audience": audience, **context, "answers": answers}, content)


# ================================================================ guarded import

# One left-to-right pass: a string (to its closing quote, or to the end of an unterminated one, so
# the match can never fail and backtrack), a bracket, or a long run of digits outside strings.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)|[\[\]{}]|\d{40,}', re.DOTALL)


def _prescan(text: str) -> None:
    """Depth and number size from the text itself, before the (recursive) JSON parser sees it.
    Linear in the size of the text, whatever it holds."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token[0] == '"':
            continue
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError([f"input is nested too deeply (more than {MAX_DEPTH} levels)"])
        elif token in "]}":
            depth -= 1
        else:
            raise InputError(
                [f"input holds a number with {len(token)} digits: value too large (the limit is {MAX_NUMBER})"]
            )


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.\-]{1,40}")


def _key(key: Any) -> str:
    """A key as a problem line names it: plain ids as they are, anything else quoted and cut short
    (never raw: a key could hold terminal escape sequences or markup)."""
    text = str(key)
    return text if _PLAIN_KEY.fullmatch(text) else describe(text)


def _check_numbers(data: Any) -> None:
    """Every number within +-MAX_NUMBER and finite; walked iteratively, one line per number."""
    problems: list[str] = []
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            stack.extend((v, f"{path}.{_key(k)}" if path else _key(k)) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((v, f"{path}[{i}]") for i, v in reversed(list(enumerate(node))))
        elif isinstance(node, bool):
            continue
        elif isinstance(node, int) and abs(node) > MAX_NUMBER:
            problems.append(f"{path or 'input'}: value too large (the limit is {MAX_NUMBER})")
        elif isinstance(node, float) and not math.isfinite(node):
            problems.append(f"{path or 'input'}: NaN and Infinity are not numbers KetaCheck accepts")
        elif isinstance(node, float) and abs(node) > MAX_NUMBER:
            problems.append(f"{path or 'input'}: value too large (the limit is {MAX_NUMBER})")
    if len(problems) > MAX_PROBLEMS:
        problems = [*problems[:MAX_PROBLEMS], f"... and {len(problems) - MAX_PROBLEMS} more numbers too large"]
    if problems:
        raise InputError(problems)


def load_import(raw: bytes | str, content: Content) -> Submission:
    """An uploaded file, trusted for nothing, to a Submission: size, UTF-8, nesting depth, number
    size, JSON syntax, then KetaCheck JSON (has `schema_version`; a file with `kind` or `answers`
    but no version is read as one, to say the version is missing) or a FHIR QuestionnaireResponse.
    Raises InputError with one plain line per problem (values are quoted, never rendered)."""
    if isinstance(raw, str):
        if len(raw) > MAX_INPUT_BYTES:  # at least this many bytes; skip encoding something huge
            raise InputError([f"input is too large (over {MAX_INPUT_BYTES} bytes; the limit is {MAX_INPUT_BYTES})"])
        try:
            raw = raw.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(["input is not UTF-8 text"]) from None
    if len(raw) > MAX_INPUT_BYTES:
        raise InputError([f"input is too large ({len(raw)} bytes; the limit is {MAX_INPUT_BYTES})"])
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise InputError(["input is not UTF-8 text"]) from None
    if not text.strip():
        raise InputError(["input is empty"])
    _prescan(text)
    data = parse_json(text)
    _check_numbers(data)
    if isinstance(data, dict) and any(key in data for key in ("schema_version", "kind", "answers")):
        return from_json(data, content)  # says what is wrong when schema_version is missing
    if isinstance(data, dict) and data.get("resourceType") == "QuestionnaireResponse":
        return from_fhir(data, content)
    if isinstance(data, dict) and "resourceType" in data:
        raise InputError(
            [f"not a KetaCheck or FHIR QuestionnaireResponse file (it is a FHIR {describe(data['resourceType'])})"]
        )
    raise InputError(["not a KetaCheck or FHIR QuestionnaireResponse file"])

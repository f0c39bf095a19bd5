"""The printable summary's content, worked out once (`build`) and drawn by html.py and pdf.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..charts import BAND_BARS, BAND_SHADES, BAR, NEUTRAL, SHADE, instrument_bands
from ..loader import Content
from ..model import Resource
from ..referral import sms_link, tel_link
from ..scoring import InstrumentScore, Result, explain_rule, grouped_triggers
from ..submission import Submission
from ..wording import STATUS_WORDS, coverage_line, instrument_verdict

AUDIENCE_WORDS = {"self": "yourself", "other": "a family member or friend", "intake": "a clinic intake"}
PRIVACY_LINE = "Made on your device at your request. KetaCheck keeps no copy of your answers."


@dataclass(frozen=True)
class SignRow:
    name: str
    detail: str
    meaning: str
    triggers: list[tuple[str, str]]  # (question as this audience saw it, answer label)
    refs: list[int]


@dataclass(frozen=True)
class InstrumentRow:
    name: str
    status: str
    verdict: str
    statement: str
    notes: list[str]


@dataclass(frozen=True)
class Bar:
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
class Summary:
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
    signs: list[SignRow]
    instruments: list[InstrumentRow]
    domain_bars: list[Bar]
    domain_legend: str
    instrument_bars: list[Bar]
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


def _instrument_bar(inst: InstrumentScore, content: Content) -> Bar:
    top = inst.max
    so_far = "" if inst.complete else f", {inst.answered} of {inst.asked} answered"
    spans, index = instrument_bands(inst, content)
    if inst.cutoff is not None:
        colour = _BAND_BARS[-1] if inst.positive else _BAND_BARS[0]
        verdict = "at or above the cut-off" if inst.positive else "below the cut-off"
        shaded = [(label, lo, hi, _BAND_SHADES[0 if i == 0 else -1]) for i, (label, lo, hi) in enumerate(spans)]
        return Bar(
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
        return Bar(
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
    return Bar(
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


def build(sub: Submission, result: Result, content: Content, today: dt.date) -> Summary:
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
        signs.append(SignRow(match.name, detail, sign.meaning, triggers, [ref(s["id"]) for s in match.sources]))

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
            InstrumentRow(
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
            domain_bars.append(Bar(d.label, d.score, 100, _BAR[d.band], domain_shades, [], caption, caption))
        else:
            caption = f"{d.label}: not answered"
            domain_bars.append(Bar(d.label, 0, 100, _NEUTRAL, domain_shades, [], caption, caption))
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
    return Summary(
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
        now=help_now(content, result.region),
        crisis=[h.resource for h in result.resources if h.group == "crisis"],
        help_heading=plan.heading,
        help_intro=plan.intro,
        referral=[h.resource for h in result.resources if h.group == "referral"],
        sources=sources,
    )


def help_now(content: Content, region: str) -> str:
    found = content.regions[region].resources
    emergency = next((r for r in found if r.type == "emergency" and r.phone), None)
    crisis = next((r for r in found if r.type == "crisis"), None)
    parts = []
    if emergency:
        parts.append(f"In danger now: call {emergency.phone}.")
    if crisis:
        parts.append(f"{crisis.name}: {', '.join(text for text, _ in contact_parts(crisis))}.")
    return " ".join(parts)


def contact_parts(res: Resource) -> list[tuple[str, str | None]]:
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

"""The printable summary's content, worked out once (`build`) and drawn by html.py and pdf.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..charts import BAND_BARS, BAND_SHADES, BAR, NEUTRAL, SHADE, instrument_bands
from ..loader import Content
from ..model import Resource
from ..referral import sms_link, tel_link
from ..instrument_scores import InstrumentScore
from ..scoring import Result, explain_rule, grouped_triggers
from ..submission import Submission
from ..wording import AUDIENCE_WORDS, basis_line, instrument_verdict, status_words

PRIVACY_LINE = "Made on your device at your request. KetaCheck keeps no copy of your answers."


@dataclass(frozen=True)
class SignRow:
    name: str
    detail: str
    meaning: str
    triggers: list[tuple[str, str]]  # (question as this audience saw it, answer label)
    refs: list[int]


@dataclass(frozen=True)
class FeedbackRow:
    text: str
    important: bool
    refs: list[int]


@dataclass(frozen=True)
class PlanStep:
    label: str
    detail: str


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
    coverage: str  # what the result is based on: questions answered, and criteria met
    missing: list[str]  # an incomplete check: every open question, safety first, never a low level
    reasons: list[str]
    feedback: list[FeedbackRow]  # one practical line per sign shown, important first
    responsibility: str
    self_efficacy: str
    plan_title: str
    plan: list[PlanStep]  # the steps the person chose from the menu
    rule: str
    red_flags: list[tuple[str, str]]  # (name, message)
    first_aid: list[tuple[str, list[str]]]  # (heading naming the flags, steps), steps shared by flags shown once
    signs: list[SignRow]
    instruments: list[InstrumentRow]
    criteria_bar: Bar  # the count the level rests on, in its bands
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
    if inst.band_label:
        return _risk_band_bar(inst, content)
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


def _risk_band_bar(inst: InstrumentScore, content: Content) -> Bar:
    """AUDIT-C on its risk bands (lower, increasing, higher, possible dependence)."""
    spans, index = instrument_bands(inst, content)
    shaded = [(label, lo, hi, _BAND_SHADES[min(i, len(_BAND_SHADES) - 1)]) for i, (label, lo, hi) in enumerate(spans)]
    so_far = "" if inst.complete else f", {inst.answered} of {inst.asked} answered"
    side = "at or above" if inst.positive else "below"
    return Bar(inst.short_name, inst.score, inst.max, _BAND_BARS[min(index or 0, len(_BAND_BARS) - 1)], shaded, [],
               f"{inst.short_name}: {inst.score} of {inst.max}, {inst.band_label}, {side} the cut-off of {inst.cutoff}{so_far}",
               f"{inst.short_name}: {inst.score} of {inst.max} ({inst.band_label})")


def _criteria_bar(result: Result, content: Content) -> Bar:
    """The DSM-5-based criteria met on 0..10 with the checklist's bands (as the on-screen chart)."""
    crit, bands = result.criteria, content.instruments["dsm5_k"].bands
    shaded = [(b.label, max(0.0, b.min - 0.5), (bands[i + 1].min - 0.5) if i + 1 < len(bands) else crit.total,
               _BAND_SHADES[min(i, len(_BAND_SHADES) - 1)]) for i, b in enumerate(bands)]
    index = max(i for i, b in enumerate(bands) if b.min <= crit.met)
    so_far = "" if crit.asked + len(crit.not_counted) >= crit.total else ", so far"
    return Bar("Criteria met", crit.met, crit.total, _BAND_BARS[min(index, len(_BAND_BARS) - 1)], shaded, [],
               f"DSM-5-based criteria met: {crit.met} of {crit.total} ({crit.band_label}{so_far})",
               f"Criteria met: {crit.met} of {crit.total} ({crit.band_label}{so_far})")


def build(sub: Submission, result: Result, content: Content, today: dt.date) -> Summary:
    region = content.regions[result.region]

    source_numbers: dict[str, int] = {}

    def ref(source_id: str) -> int:
        return source_numbers.setdefault(source_id, len(source_numbers) + 1)

    signs = []
    for match in result.signs:
        sign = content.signs[match.id]
        detail = "a risk factor: shown, not counted" if match.risk_factor else f"strength {round(match.strength * 100)}%"
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
                status_words(content, inst),
                instrument_verdict(content, inst),
                inst.validation["statement"],
                notes,
            )
        )

    red_flags = [(f.name, f.message) for f in result.red_flags]
    first_aid: list[tuple[str, list[str]]] = []
    for flag in result.red_flags:
        for i, (heading, steps) in enumerate(first_aid):
            if steps == flag.steps:
                first_aid[i] = (f"{heading.removesuffix(')')}; {flag.name.lower()})", steps)
                break
        else:
            first_aid.append((f"{flag.steps_title} ({flag.name.lower()})", list(flag.steps)))

    feedback = [FeedbackRow(f.text, f.important, [ref(src["id"]) for src in f.source]) for f in result.feedback]
    frames = content.feedback.frames
    options = {o.id: o for o in content.feedback.menu.options}
    fill = {"emergency": next(r.phone for r in region.resources if r.type == "emergency")}
    steps = [PlanStep(options[i].label, options[i].detail.format(**fill)) for i in sub.plan if i in options]
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
        coverage=basis_line(content, result),
        missing=[m.text + (f" ({content.dont_know.label})" if m.dont_know else "")
                 for m in result.coverage.missing_items] if result.tier == "incomplete" else [],
        reasons=list(result.reasons),
        feedback=feedback,
        responsibility=frames.responsibility.for_audience(result.audience) or frames.responsibility.self_,
        self_efficacy=frames.self_efficacy.text.for_audience(result.audience) or frames.self_efficacy.text.self_,
        plan_title=content.feedback.menu.plan_title,
        plan=steps,
        rule=explain_rule(content),
        red_flags=red_flags,
        first_aid=first_aid,
        signs=signs,
        instruments=instruments,
        criteria_bar=_criteria_bar(result, content),
        instrument_bars=[_instrument_bar(i, content) for i in result.instruments.values() if i.id != "dsm5_k"],
        now=help_now(content, result.region),
        crisis=[h.resource for h in result.resources if h.group == "crisis"],
        help_heading=result.help_heading,
        help_intro=result.help_intro,
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
        text = f"Text {res.sms.keyword} to {res.sms.number}" if res.sms.keyword else f"Text {res.sms.number}"
        parts.append((text, sms_link(res.sms.number, res.sms.keyword)))
    if res.url:
        parts.append((res.url.removeprefix("https://").rstrip("/"), res.url))
    return parts

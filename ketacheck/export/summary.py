"""The printable summary's content, worked out once (`build`) and drawn by html.py and pdf.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..charts import BAND_BARS, BAND_SHADES, BAR, NEUTRAL, SHADE, instrument_bands
from ..content import Content
from ..model import Resource
from ..phrases import say
from ..referral import sms_link, tel_link
from ..instrument_scores import InstrumentScore
from ..scoring import Result, explain_rule, grouped_triggers
from ..submission import Submission
from ..translations import ENGLISH, N_, Translator
from ..wording import basis_line, instrument_verdict, status_words


# The printout says CHECK_FOR, a whole phrase per audience, in the person's language.
CHECK_FOR = {"self": N_("Check for yourself"), "other": N_("Check for a family member or friend"),
             "intake": N_("Check for a clinic intake")}
PRIVACY_LINE = N_("Made on your device at your request. KetaCheck keeps no copy of your answers.")


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
    who: str  # "Check for yourself", in the person's language
    region: str
    context: str  # "ketamine not prescribed"
    privacy: str  # PRIVACY_LINE in the person's language
    crisis_intro: str  # what the crisis lines are for
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


def _so_far(inst: InstrumentScore, ui: Translator) -> str:
    return "" if inst.complete else ui.gettext(", {n} of {total} answered").format(n=inst.answered, total=inst.asked)


def _instrument_bar(inst: InstrumentScore, content: Content) -> Bar:
    if inst.band_label:
        return _risk_band_bar(inst, content)
    _ = content.ui.gettext
    top = inst.max
    fill = {"name": inst.short_name, "score": inst.score, "top": top, "so_far": _so_far(inst, content.ui)}
    spans, index = instrument_bands(inst, content)
    if inst.cutoff is not None:
        colour = _BAND_BARS[-1] if inst.positive else _BAND_BARS[0]
        shaded = [(label, lo, hi, _BAND_SHADES[0 if i == 0 else -1]) for i, (label, lo, hi) in enumerate(spans)]
        caption = (_("{name}: {score} of {top}, at or above the cut-off{so_far}") if inst.positive
                   else _("{name}: {score} of {top}, below the cut-off{so_far}"))
        short = _("{name}: {score} of {top} (positive)") if inst.positive else _("{name}: {score} of {top} (negative)")
        return Bar(inst.short_name, inst.score, top, colour, shaded, [], caption.format(**fill), short.format(**fill))
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
            _("{name}: {score} of {top} criteria, {band}{so_far}").format(band=inst.severity_label, **fill),
            _("{name}: {score} of {top} ({band})").format(band=spans[index][0], **fill),
        )
    lines = [float(c["at"]) for c in inst.reference_cutoffs]
    refs = ", ".join(str(c["at"]) for c in inst.reference_cutoffs)
    note = _("; dashed lines: cut-offs used for other drugs ({refs})").format(refs=refs) if refs else ""
    return Bar(
        inst.short_name,
        inst.score,
        top,
        _NEUTRAL,
        [],
        lines,
        _("{name}: {score} of {top}, no validated ketamine cut-off{note}{so_far}").format(note=note, **fill),
        (_("{name}: {score} of {top} (no cut-off; dashed: other drugs)") if refs
         else _("{name}: {score} of {top} (no cut-off)")).format(**fill),
    )


def _risk_band_bar(inst: InstrumentScore, content: Content) -> Bar:
    """AUDIT-C on its risk bands (lower, increasing, higher, possible dependence)."""
    _ = content.ui.gettext
    spans, index = instrument_bands(inst, content)
    shaded = [(label, lo, hi, _BAND_SHADES[min(i, len(_BAND_SHADES) - 1)]) for i, (label, lo, hi) in enumerate(spans)]
    fill = {"name": inst.short_name, "score": inst.score, "top": inst.max, "band": inst.band_label,
            "cutoff": inst.cutoff, "so_far": _so_far(inst, content.ui)}
    caption = (_("{name}: {score} of {top}, {band}, at or above the cut-off of {cutoff}{so_far}") if inst.positive
               else _("{name}: {score} of {top}, {band}, below the cut-off of {cutoff}{so_far}"))
    return Bar(inst.short_name, inst.score, inst.max, _BAND_BARS[min(index or 0, len(_BAND_BARS) - 1)], shaded, [],
               caption.format(**fill), _("{name}: {score} of {top} ({band})").format(**fill))


def _criteria_bar(result: Result, content: Content) -> Bar:
    """The DSM-5-based criteria met on 0..10 with the checklist's bands (as the on-screen chart)."""
    crit, bands = result.criteria, content.instruments["dsm5_k"].bands
    shaded = [(b.label, max(0.0, b.min - 0.5), (bands[i + 1].min - 0.5) if i + 1 < len(bands) else crit.total,
               _BAND_SHADES[min(i, len(_BAND_SHADES) - 1)]) for i, b in enumerate(bands)]
    index = max(i for i, b in enumerate(bands) if b.min <= crit.met)
    _ = content.ui.gettext
    so_far = "" if crit.asked + len(crit.not_counted) >= crit.total else _(", so far")
    label = _("Criteria met")
    return Bar(label, crit.met, crit.total, _BAND_BARS[min(index, len(_BAND_BARS) - 1)], shaded, [],
               _("DSM-5-based criteria met: {n} of {total} ({band}{so_far})").format(
                   n=crit.met, total=crit.total, band=crit.band_label, so_far=so_far),
               _("{label}: {n} of {total} ({band}{so_far})").format(
                   label=label, n=crit.met, total=crit.total, band=crit.band_label, so_far=so_far))


def build(sub: Submission, result: Result, content: Content, today: dt.date) -> Summary:
    region = content.regions[result.region]
    _ = content.ui.gettext

    source_numbers: dict[str, int] = {}

    def ref(source_id: str) -> int:
        return source_numbers.setdefault(source_id, len(source_numbers) + 1)

    signs = []
    for match in result.signs:
        sign = content.signs[match.id]
        detail = (_("a risk factor: shown, not counted") if match.risk_factor
                  else _("strength {percent}%").format(percent=round(match.strength * 100)))
        triggers = []
        for item_id, answers in grouped_triggers(match):
            text, _labels = content.items[item_id].wording(result.audience, result.region)
            triggers.append((text, answers))
        signs.append(SignRow(match.name, detail, sign.meaning, triggers, [ref(s["id"]) for s in match.sources]))

    instruments = []
    for inst in result.instruments.values():
        notes = [_("Time frame: {timeframe}.").format(timeframe=inst.timeframe)]
        if not inst.complete:
            notes.append(_("Answered {n} of {total} questions, so the score may be low.").format(
                n=inst.answered, total=inst.asked))
        if inst.not_counted:
            n = len(inst.not_counted)
            notes.append(content.ui.ngettext("{n} question not counted because ketamine is used only as prescribed.",
                                             "{n} questions not counted because ketamine is used only as prescribed.",
                                             n).format(n=n))
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
        who=_(CHECK_FOR[result.audience]),
        region=region.name,
        context=_("ketamine prescribed as treatment") if result.prescribed else _("ketamine not prescribed"),
        privacy=_(PRIVACY_LINE),
        crisis_intro=_("Emergency, crisis and poison lines: for danger, despair or a bad reaction, at any hour."),
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
    _ = content.ui.gettext
    found = content.regions[region].resources
    emergency = next((r for r in found if r.type == "emergency" and r.phone), None)
    crisis = next((r for r in found if r.type == "crisis"), None)
    parts = []
    if emergency:
        parts.append(_("In danger now: call {number}.").format(number=emergency.phone))
    if crisis:
        ways = say(content, "list.comma").join(text for text, _link in contact_parts(crisis, content.ui))
        parts.append(_("{name}: {ways}.").format(name=crisis.name, ways=ways))
    return " ".join(parts)


def contact_parts(res: Resource, ui: Translator = ENGLISH) -> list[tuple[str, str | None]]:
    """(text, link) for each way to reach a resource: call, text, website (the words in ui's language)."""
    _ = ui.gettext
    parts: list[tuple[str, str | None]] = []
    if res.phone:
        parts.append((_("Call {number}").format(number=res.phone), tel_link(res.phone)))
    if res.sms:
        words = _("Text {keyword} to {number}") if res.sms.keyword else _("Text {number}")
        text = words.format(keyword=res.sms.keyword, number=res.sms.number)
        parts.append((text, sms_link(res.sms.number, res.sms.keyword)))
    if res.url:
        parts.append((res.url.removeprefix("https://").rstrip("/"), res.url))
    return parts

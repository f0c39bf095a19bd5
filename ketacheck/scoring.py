"""Answers -> an explained result: red flags, warning signs, domains, instruments, tier, help.

Built so that the properties the product promises hold by construction:
- a red-flag answer makes the tier `urgent`, counted even if its question was hidden;
- every contribution is a non-negative function of answer levels and gates open as levels rise,
  so moving any answer toward more concern never lowers the tier;
- unanswered and "Don't know" are never "no": with too few core areas answered (or any area
  missing where the answers would say "few warning signs") the tier is `incomplete`;
- scores are bounded by their scales (domains 0-100, strengths 0-1, instruments 0-max).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from .loader import Content
from .model import DONT_KNOW, SCORED_DOMAINS, TIERS, Answer, Instrument, Item, Resource, TierText
from .referral import HelpItem, contacts_for, resources_for
from .submission import Submission


@dataclass(frozen=True)
class Trigger:
    item: str
    answer: str  # the option label(s) as asked
    level: int


@dataclass(frozen=True)
class SignMatch:
    id: str
    name: str
    strength: float  # 0-1: the most concerning answer on this sign's questions, relative to its scale
    weight: float
    points: float
    clear: bool  # strength at or above the rule's `clear_at`: counts toward "many warning signs"
    risk_factor: bool
    because: list[str]  # item ids that triggered it
    triggers: list[Trigger]
    sources: list[dict]
    notes: list[str] = field(default_factory=list)  # "(what was answered): why it matters", e.g. which mix and why


def grouped_triggers(match: SignMatch) -> list[tuple[str, str]]:
    """(item id, answers) with a multiple-choice question's chosen options on one line, in order."""
    out: dict[str, list[str]] = {}
    for trig in match.triggers:
        out.setdefault(trig.item, []).append(trig.answer)
    return [(item, "; ".join(answers)) for item, answers in out.items()]


@dataclass(frozen=True)
class RedFlagHit:
    id: str
    name: str
    when: str  # now | recent
    urgency: str  # emergency | same_day
    message: str
    steps_title: str
    steps: list[str]
    contacts: list[Resource]  # in the order to offer them, for this region
    because: list[str]
    sources: list[dict]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["contacts"] = [c.model_dump(mode="json") for c in self.contacts]
        return data


@dataclass(frozen=True)
class DomainScore:
    id: str
    label: str
    score: int  # 0-100
    answered: int
    band: str  # low | some | high, against tiers.yaml domain_bands


@dataclass(frozen=True)
class Coverage:
    """How much of the core check has answers; a level needs `enough`."""

    asked: int  # core questions in this flow (after show_if)
    answered: int  # of those, answered with an option (not skipped, not "Don't know")
    unknown: int  # of those, answered "Don't know"
    enough: bool
    missing: list[str]  # core areas (domain ids) with no answer
    missing_labels: list[str]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class InstrumentScore:
    id: str
    name: str
    short_name: str
    score: int
    max: int
    complete: bool
    answered: int
    asked: int
    validation: dict
    timeframe: str
    cutoff: int | None = None
    positive: bool | None = None
    criteria_met: int | None = None
    severity: str | None = None
    severity_label: str | None = None
    not_counted: list[str] = field(default_factory=list)
    # Items answered by a core question that asks the same thing (`answered_by` in the content).
    from_core: list[str] = field(default_factory=list)
    reference_cutoffs: list[dict] = field(default_factory=list)
    lift: dict | None = None
    advice: str | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        # Keep each instrument's JSON to the fields that mean something for it.
        return {k: v for k, v in data.items() if v is not None}


@dataclass(frozen=True)
class Result:
    audience: str
    region: str
    prescribed: bool
    solely_prescribed: bool
    tier: str
    tier_label: str
    tier_summary: str
    tier_explanation: str
    tier_so_far: str  # what the answers given show (low/some/high), before coverage and red flags
    signs_tier: str  # the part of that from warning-sign points and breadth alone (before questionnaires)
    clear_signs: int  # signs showing clearly, each in a different answer (breadth for "many")
    urgency: str | None  # emergency | same_day when urgent
    reasons: list[str]  # plain-words "why am I seeing this?"
    points: float
    some_at: float
    high_at: float
    red_flags: list[RedFlagHit]
    signs: list[SignMatch]
    domains: dict[str, DomainScore]
    instruments: dict[str, InstrumentScore]
    coverage: Coverage
    advice: list[str]  # separate from the ketamine level (e.g. alcohol on its own)
    see_a_doctor: list[str]  # harm answers that need a doctor, each in its own words
    resources: list[HelpItem]
    answered: int
    ignored: list[str]  # answers to questions hidden by an earlier answer; kept, not scored

    def to_dict(self) -> dict:
        return {
            "audience": self.audience,
            "region": self.region,
            "prescribed": self.prescribed,
            "solely_prescribed": self.solely_prescribed,
            "tier": self.tier,
            "tier_label": self.tier_label,
            "tier_summary": self.tier_summary,
            "tier_explanation": self.tier_explanation,
            "tier_so_far": self.tier_so_far,
            "signs_tier": self.signs_tier,
            "clear_signs": self.clear_signs,
            "urgency": self.urgency,
            "reasons": self.reasons,
            "points": self.points,
            "thresholds": {"some": self.some_at, "high": self.high_at},
            "coverage": self.coverage.to_dict(),
            "red_flags": [r.to_dict() for r in self.red_flags],
            "signs": [asdict(s) for s in self.signs],
            "domains": {k: asdict(v) for k, v in self.domains.items()},
            "instruments": {k: v.to_dict() for k, v in self.instruments.items()},
            "advice": self.advice,
            "see_a_doctor": self.see_a_doctor,
            "resources": [h.to_dict() for h in self.resources],
            "answered": self.answered,
            "ignored": self.ignored,
        }


def visible(item: Item, answers: dict[str, Answer], content: Content) -> bool:
    """Whether the item is asked given earlier answers (its show_if gate, recursively)."""
    gate = item.show_if
    if gate is None:
        return True
    parent = content.items[gate.item]
    level = parent.level_of(answers.get(gate.item))
    return level is not None and level >= gate.min_level and visible(parent, answers, content)


def points_for_people(points: float) -> str:
    """Rounded down to one decimal, so a shown number never crosses a threshold the level did not."""
    return f"{math.floor(points * 10 + 1e-9) / 10:g}"


# ---------------------------------------------------------------- red flags


def _red_flags(content: Content, sub: Submission) -> list[RedFlagHit]:
    """Every red flag answered, now or recently; "now" wins when both are. Emergencies first."""
    found: dict[str, tuple[str, list[str]]] = {}
    for item_id, answer in sub.answers.items():
        item = content.items[item_id]
        for option in item.chosen(answer):
            if not option.red_flag:
                continue
            when, because = found.get(option.red_flag, (item.flag_when(option), []))
            if item.flag_when(option) == "now":
                when = "now"
            found[option.red_flag] = (when, [*because, item_id] if item_id not in because else because)
    emergency = next(r for r in content.regions[sub.region].resources if r.type == "emergency")
    hits = []
    for flag in content.red_flags.values():  # content order keeps output stable
        if flag.id not in found:
            continue
        when, because = found[flag.id]
        advice = flag.advice(when) or flag.advice("recent" if when == "now" else "now")
        fill = {"emergency": emergency.phone}
        hits.append(
            RedFlagHit(
                id=flag.id,
                name=flag.name,
                when=when,
                urgency=advice.urgency,
                message=advice.message.get(sub.audience).format(**fill),
                steps_title=advice.steps_title,
                steps=[step.format(**fill) for step in advice.steps.get(sub.audience)],
                contacts=contacts_for(content, advice.contacts, sub.region),
                because=because,
                sources=_sources(content, flag.sources),
            )
        )
    return sorted(hits, key=lambda h: h.urgency != "emergency")


def _sources(content: Content, ids: list[str]) -> list[dict]:
    return [{"id": s, "title": content.sources[s].title, "publisher": content.sources[s].publisher} for s in ids]


# ---------------------------------------------------------------- warning signs


def _trigger(item: Item, options: list, region: str, audience: str) -> Trigger:
    _, labels = item.wording(audience, region)  # as this person saw the answer
    shown = [labels[item.options.index(o)] for o in options]
    return Trigger(item=item.id, answer="; ".join(shown), level=item.level_of(tuple(o.value for o in options)) or 0)


def _signs(content: Content, scored: dict[str, Answer], region: str, audience: str) -> list[SignMatch]:
    best: dict[str, float] = {}
    triggers: dict[str, list[Trigger]] = {}
    notes: dict[str, dict[str, list[str]]] = {}  # sign -> note -> the answers it is about

    def add(sign: str, strength: float, trigger: Trigger, note: str | None) -> None:
        best[sign] = max(best.get(sign, 0.0), strength)
        triggers.setdefault(sign, []).append(trigger)
        if note:
            notes.setdefault(sign, {}).setdefault(note, []).append(trigger.answer)

    for item_id, answer in scored.items():
        item = content.items[item_id]
        chosen = [o for o in item.chosen(answer) if o.level > 0]
        if not chosen:
            continue
        if item.multiple and item.combine == "sum":
            # Symptom lists: the count matters, so the item's strength covers all chosen options.
            strength = min(1.0, (item.level_of(answer) or 0) / item.max_level)
            for sign in item.signs:
                add(sign, strength, _trigger(item, chosen, region, audience), None)
            continue
        for option in chosen:
            for sign in item.option_signs(option):
                add(sign, option.level / item.max_level, _trigger(item, [option], region, audience), option.note)
    rule = content.tiers.rule
    matches = []
    for sign_id in content.signs:  # content order keeps output stable
        if sign_id not in best:
            continue
        sign = content.signs[sign_id]
        strength = round(best[sign_id], 4)
        matches.append(
            SignMatch(
                id=sign_id,
                name=sign.name,
                strength=strength,
                weight=rule.weights[sign_id],
                points=round(rule.weights[sign_id] * strength, 4),
                clear=strength >= rule.clear_at and rule.weights[sign_id] > 0,
                risk_factor=sign.risk_factor,
                because=list(dict.fromkeys(t.item for t in triggers[sign_id])),
                triggers=triggers[sign_id],
                sources=_sources(content, sign.sources),
                notes=[f"{_and(answers)}: {note}" for note, answers in notes.get(sign_id, {}).items()],
            )
        )
    return sorted(matches, key=lambda m: -m.points)


def _and(labels: list[str]) -> str:
    words = [label[0].lower() + label[1:] if not label[:2].isupper() else label for label in labels]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _domains(content: Content, scored: dict[str, Answer]) -> dict[str, DomainScore]:
    totals = {d: [0, 0, 0] for d in SCORED_DOMAINS}  # level sum, max sum, answered
    for item_id, answer in scored.items():
        item = content.items[item_id]
        level = item.level_of(answer)
        if item.domain in totals and level is not None and item.max_level > 0:
            t = totals[item.domain]
            t[0] += level
            t[1] += item.max_level
            t[2] += 1
    bands = content.tiers.domain_bands
    labels = {d.id: d.label for d in content.tiers.domains}
    out = {}
    for domain, (level, top, answered) in totals.items():
        score = round(100 * level / top) if top else 0
        band = "high" if score >= bands.high_at else "some" if score >= bands.some_at else "low"
        out[domain] = DomainScore(domain, labels[domain], score, answered, band)
    return out


# ---------------------------------------------------------------- instruments


def _solely_prescribed(sub: Submission, signs: list[SignMatch], inst: Instrument) -> bool:
    if not sub.prescribed:
        return False
    drift = inst.solely_prescribed_unless_sign
    return not any(s.id == drift for s in signs) if drift else True


def _instrument_answers(content: Content, inst: Instrument, sub: Submission) -> tuple[dict[str, int], list[str]]:
    """The instrument's answers: given directly, or read from the core question that asks the same
    thing (a direct answer wins). Returns (answers, ids read from core)."""
    out: dict[str, int] = {}
    from_core: list[str] = []
    for item in inst.items:
        direct = item.level_of(sub.answers.get(item.id))
        if direct is not None:
            out[item.id] = direct
            continue
        source = content.answered_by(item, sub.audience, sub.prescribed)
        level = content.items[source.item].level_of(sub.answers.get(source.item)) if source else None
        if level is not None:
            out[item.id] = int(level >= source.from_level)
            from_core.append(item.id)
    return out, from_core


def _lift_applies(lift, sub: Submission, content: Content) -> bool:
    if lift is None:
        return False
    if lift.requires is None:
        return True
    chosen = content.items[lift.requires.item].chosen(sub.answers.get(lift.requires.item))
    return any(o.value in lift.requires.any_of for o in chosen)


def _instrument(content: Content, inst: Instrument, sub: Submission, solely_prescribed: bool) -> InstrumentScore | None:
    answers, from_core = _instrument_answers(content, inst, sub)
    # Shown once the person answers it, or once a core answer already meets one of its criteria.
    if not any(k not in from_core or v for k, v in answers.items()):
        return None
    asked = [i for i in inst.items if visible(i, {**sub.answers, **answers}, content)]
    answered = [i for i in asked if i.id in answers]
    not_counted = [f"{inst.id}.{n}" for n in inst.not_counted_when_solely_prescribed] if solely_prescribed else []
    score = sum(answers[i.id] for i in answered if i.id not in not_counted)
    common = dict(
        id=inst.id,
        name=inst.name,
        short_name=inst.short_name,
        max=inst.max_score,
        complete=len(answered) == len(asked),
        answered=len(answered),
        asked=len(asked),
        validation=inst.validation.model_dump(),
        timeframe=inst.timeframe,
        reference_cutoffs=[c.model_dump() for c in inst.reference_cutoffs],
        not_counted=not_counted,
        from_core=from_core,
    )
    if inst.cutoffs:
        cutoff = inst.region_cutoffs.get(sub.region, inst.cutoffs)[sub.sex]
        positive = score >= cutoff
        lift = inst.lift_when_positive if positive and _lift_applies(inst.lift_when_positive, sub, content) else None
        advice = inst.advice_when_positive if positive and lift is None else None
        return InstrumentScore(
            score=score, cutoff=cutoff, positive=positive, lift=lift.model_dump() if lift else None, advice=advice, **common
        )
    if inst.bands:
        # A count of criteria met: unanswered criteria can only add, so a partial count is a floor
        # and its band may lift the tier already.
        band = [b for b in inst.bands if b.min <= score][-1]
        lift = inst.lift_by_band.get(band.id)
        lift = lift if _lift_applies(lift, sub, content) else None
        return InstrumentScore(
            score=score,
            criteria_met=score,
            severity=band.id,
            severity_label=band.label,
            lift=lift.model_dump() if lift else None,
            **common,
        )
    return InstrumentScore(score=score, **common)


# ---------------------------------------------------------------- coverage


def _coverage(content: Content, sub: Submission, tier_so_far: str) -> Coverage:
    core = [i for i in content.core(sub.audience, sub.prescribed) if visible(i, sub.answers, content)]
    answered = [i for i in core if i.level_of(sub.answers.get(i.id)) is not None]
    unknown = [i for i in core if sub.answers.get(i.id) == DONT_KNOW]
    rule = content.tiers.coverage
    areas = [a for a in rule.areas if any(i.domain == a for i in core)]
    covered = {i.domain for i in answered}
    missing = [a for a in areas if a not in covered]
    # Some or many warning signs from part of the check is a floor (missing answers can only add),
    # but "few warning signs" is a claim about every area, so it needs them all.
    enough = len(areas) - len(missing) >= min(rule.min_areas, len(areas)) and not (tier_so_far == "low" and missing)
    labels = {d.id: d.label for d in content.tiers.domains}
    return Coverage(
        asked=len(core),
        answered=len(answered),
        unknown=len(unknown),
        enough=enough,
        missing=missing,
        missing_labels=[labels.get(a, a) for a in missing],
    )


# ---------------------------------------------------------------- the result


def score(sub: Submission, content: Content) -> Result:
    """The whole result for one set of answers. Pure: same input, same output, no I/O."""
    answers = sub.answers
    scored = {k: v for k, v in answers.items() if visible(content.items[k], answers, content)}
    ignored = sorted(set(answers) - set(scored))
    red_flags = _red_flags(content, sub)

    signs = _signs(content, scored, sub.region, sub.audience)
    rule = content.tiers.rule
    points = round(sum(s.points for s in signs), 4)
    clear = sum(1 for s in signs if s.clear)
    # "Many" needs breadth: clear signs from as many different answers, so one answer that bears
    # on three signs (an extra dose: drift, escalation, control) cannot count three times.
    clear_answers = len({(t.item, t.answer) for s in signs if s.clear for t in s.triggers
                         if t.level / content.items[t.item].max_level >= rule.clear_at})
    broad = min(clear, clear_answers)
    tier_index = 2 if points >= rule.high_at and broad >= rule.high_min_signs else 1 if points >= rule.some_at else 0
    signs_tier = TIERS[tier_index]
    reasons = [_points_reason(points, rule.some_at, rule.high_at, signs, broad, rule.high_min_signs)]
    reasons += [f"Ketamine with {note}." if s.id == "mixing" else f"{s.name}, {note}." for s in signs for note in s.notes
                if s.points > 0]

    instruments: dict[str, InstrumentScore] = {}
    advice: list[str] = []
    solely = False
    for inst in content.instruments.values():
        if sub.audience not in inst.allowed_audiences:
            continue
        solely_here = _solely_prescribed(sub, signs, inst)
        result = _instrument(content, inst, sub, solely_here)
        if result is None:
            continue
        solely = solely or solely_here
        instruments[inst.id] = result
        if result.advice:
            advice.append(result.advice)
        if result.lift:
            # Shown whenever it applies: it explains the level even where points already reach it.
            tier_index = max(tier_index, TIERS.index(result.lift["to"]))
            reasons.append(result.lift["because"])

    tier_so_far = TIERS[tier_index]
    coverage = _coverage(content, sub, tier_so_far)
    urgency = None
    if red_flags:
        tier = "urgent"
        urgency = red_flags[0].urgency
        names = "; ".join(f.name.lower() for f in red_flags)
        need = "needs help now" if urgency == "emergency" else "needs help today"
        reasons.insert(0, f"You answered a safety question that {need} ({names}).")
    elif not coverage.enough:
        tier = "incomplete"
        reasons = _incomplete_reasons(coverage, tier_so_far, reasons, content)
    else:
        tier = tier_so_far
    words = _tier_words(content, tier, sub, urgency)
    return Result(
        audience=sub.audience,
        region=sub.region,
        prescribed=sub.prescribed,
        solely_prescribed=solely,
        tier=tier,
        tier_label=words[0],
        tier_summary=words[1],
        tier_explanation=words[2],
        tier_so_far=tier_so_far,
        signs_tier=signs_tier,
        clear_signs=broad,
        urgency=urgency,
        reasons=reasons,
        points=points,
        some_at=rule.some_at,
        high_at=rule.high_at,
        red_flags=red_flags,
        signs=signs,
        domains=_domains(content, scored),
        instruments=instruments,
        coverage=coverage,
        advice=advice,
        see_a_doctor=_see_a_doctor(content, scored, sub.audience),
        resources=resources_for(content, tier, sub.audience, sub.region),
        answered=sum(1 for a in answers.values() if a != DONT_KNOW),
        ignored=ignored,
    )


def _see_a_doctor(content: Content, scored: dict[str, Answer], audience: str) -> list[str]:
    lines = []
    for item in content.items.values():  # content order
        rule = item.see_a_doctor
        level = item.level_of(scored.get(item.id))
        if rule and level is not None and level >= rule.from_level:
            lines.append(rule.text.for_audience(audience) or rule.text.self_)
    return lines


def to_raise(result: Result, content: Content) -> list[tuple[str, str]]:
    """(question, answer) for every answer that showed a warning sign, in question order: what a
    prescribed patient can raise with their prescriber, in the words they answered."""
    seen: dict[str, str] = {}
    for sign in result.signs:
        if sign.risk_factor:
            continue
        for item_id, answers in grouped_triggers(sign):
            seen.setdefault(item_id, answers)
    order = list(content.items)
    return [(content.items[i].wording(result.audience, result.region)[0], seen[i]) for i in sorted(seen, key=order.index)]


def _tier_words(content: Content, tier: str, sub: Submission, urgency: str | None) -> tuple[str, str, str]:
    """Label, summary and explanation for this audience, context and urgency."""
    text: TierText = next(t for t in content.tiers.tiers if t.id == tier)
    variant = text.same_day if urgency == "same_day" else text.prescribed if sub.prescribed else None
    label = (variant and variant.label) or text.label
    summary = ((variant and variant.summary) or text.summary).for_audience(sub.audience) or text.summary.self_
    explanation = ((variant and variant.explanation) or text.explanation).for_audience(sub.audience)
    cov = content.tiers.coverage
    explanation = (explanation or text.explanation.self_).format(min_areas=cov.min_areas, areas=len(cov.areas))
    return label, summary, explanation


def _incomplete_reasons(coverage: Coverage, so_far: str, reasons: list[str], content: Content) -> list[str]:
    missing = ", ".join(label.lower() for label in coverage.missing_labels)
    out = [f"Not enough answers to give a level: nothing yet about {missing}." if missing else
           "Not enough answers to give a level."]
    if so_far in ("some", "high"):
        words = next(t.label for t in content.tiers.tiers if t.id == so_far).lower()
        out.append(f"What was answered already shows {words}. {reasons[0]}")
        out += reasons[1:]
    return out


def _points_reason(points: float, some_at: float, high_at: float, signs: list[SignMatch], clear: int, min_clear: int) -> str:
    counted = [s for s in signs if s.points > 0]
    if not counted:
        return f"No warning signs added points (some warning signs start at {some_at:g} points)."
    named = ", ".join(s.name.lower() for s in counted[:3]) + (" and others" if len(counted) > 3 else "")
    return (
        f"{len(counted)} warning sign{'s' if len(counted) != 1 else ''} added {points_for_people(points)} points, mostly "
        f"{named}; {clear} showed clearly. Some warning signs start at {some_at:g} points; many at {high_at:g}, with "
        f"{min_clear} showing clearly."
    )


def explain_rule(content: Content) -> str:
    """The combination rule in plain words, thresholds filled in from the content."""
    rule = content.tiers.rule
    return rule.explanation.format(
        some_at=f"{rule.some_at:g}", high_at=f"{rule.high_at:g}", high_min_signs=rule.high_min_signs
    )

"""Answers -> an explained result: red flags, criteria, warning signs, feedback, instruments, level.

The level rests on the DSM-5 criteria for ketamine's class (criteria.py), by the rule in tiers.yaml:
"many" needs 4 criteria or a harm that is happening while use goes on; "some" needs 2 criteria, a
warning sign showing clearly, or an answer that needs a doctor. Built so that the promises hold by
construction:
- a red-flag answer makes the tier `urgent`, counted even if its question was hidden;
- every test in the rule is "an answer at this level or more", and show_if gates open as levels
  rise, so moving any answer toward more concern never lowers the tier;
- unanswered and "Don't know" are never "no": with too few core areas answered (or any area
  missing where the answers would say "few warning signs") the tier is `incomplete`;
- a dangerous mix changes the advice (feedback) and its urgency, never the level by itself.
Every sentence comes from the content (phrases.yaml and the other files); none is written here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from . import criteria as criteria_mod
from . import feedback as feedback_mod
from .criteria import Criteria
from .feedback import FeedbackItem, sources_of
from .instrument_scores import InstrumentScore, score_all
from .content import Content
from .model import DONT_KNOW, SCORED_DOMAINS, TIERS, dump
from .phrases import join, say
from .referral import HelpItem, contacts_for, resources_for
from .submission import Submission

if TYPE_CHECKING:  # annotations only: no pydantic on the command line's cached path
    from .model import Answer, Item, Resource, TierText


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
    clear: bool  # strong enough (rule.some.clear_at) to count toward "some warning signs"
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
        data["contacts"] = [dump(c, json=True) for c in self.contacts]
        return data


@dataclass(frozen=True)
class DomainScore:
    id: str
    label: str
    score: int  # 0-100
    answered: int
    band: str  # low | some | high, against tiers.yaml domain_bands


@dataclass(frozen=True)
class MissingAnswer:
    item: str
    text: str  # the question as this person saw it
    dont_know: bool  # answered "Don't know" (else skipped or not reached)
    safety: bool  # a safety question: listed first


@dataclass(frozen=True)
class Coverage:
    """How much of the core check has answers; a level needs `enough`."""

    asked: int  # core questions in this flow (after show_if)
    answered: int  # of those, answered with an option (not skipped, not "Don't know")
    unknown: int  # of those, answered "Don't know"
    enough: bool
    missing: list[str]  # core areas (domain ids) with no answer
    missing_labels: list[str]
    missing_items: list[MissingAnswer] = field(default_factory=list)  # every open core question, safety first

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Result:
    audience: str
    region: str
    prescribed: bool
    prescribed_known: bool
    solely_prescribed: bool
    tier: str
    tier_label: str
    tier_summary: str
    tier_explanation: str
    tier_so_far: str  # what the answers given show (low/some/high), before coverage and red flags
    urgency: str | None  # emergency | same_day when urgent
    in_danger_now: bool  # a red flag happening now: help first, nothing else above it
    reasons: list[str]  # plain-words "why am I seeing this?"
    criteria: Criteria
    feedback: list[FeedbackItem]  # one practical line per warning sign shown, important first
    red_flags: list[RedFlagHit]
    signs: list[SignMatch]
    domains: dict[str, DomainScore]
    instruments: dict[str, InstrumentScore]
    coverage: Coverage
    help_heading: str
    help_intro: str
    resources: list[HelpItem]
    answered: int
    ignored: list[str]  # answers to questions hidden by an earlier answer; kept, not scored

    @property
    def needs_doctor(self) -> list[FeedbackItem]:
        return [f for f in self.feedback if f.doctor]

    def to_dict(self) -> dict:
        data = {name: getattr(self, name) for name in (
            "audience", "region", "prescribed", "prescribed_known", "solely_prescribed", "tier", "tier_label",
            "tier_summary", "tier_explanation", "tier_so_far", "urgency", "in_danger_now", "reasons",
            "help_heading", "help_intro", "answered", "ignored")}
        data.update(
            criteria=self.criteria.to_dict(),
            feedback=[f.to_dict() for f in self.feedback],
            coverage=self.coverage.to_dict(),
            red_flags=[r.to_dict() for r in self.red_flags],
            signs=[asdict(s) for s in self.signs],
            domains={k: asdict(v) for k, v in self.domains.items()},
            instruments={k: v.to_dict() for k, v in self.instruments.items()},
            resources=[h.to_dict() for h in self.resources],
        )
        return data


def visible(item: Item, answers: dict[str, Answer], content: Content) -> bool:
    """Whether the item is asked given earlier answers (its show_if gate, recursively)."""
    gate = item.show_if
    if gate is None:
        return True
    parent = content.items[gate.item]
    level = parent.level_of(answers.get(gate.item))
    return level is not None and level >= gate.min_level and visible(parent, answers, content)


def _sources(content: Content, ids: list[str]) -> list[dict]:
    return [{"id": s, "title": content.sources[s].title, "publisher": content.sources[s].publisher} for s in ids]


def emergency_number(content: Content, region: str) -> str:
    return next(r.phone for r in content.regions[region].resources if r.type == "emergency")


# ---------------------------------------------------------------- red flags


def reach_words(content: Content, contacts: list[Resource]) -> str:
    """How these contacts' crisis lines can be reached: "call or text" only if one takes texts."""
    crisis = [c for c in contacts if c.type == "crisis"]
    phone, sms = any(c.phone for c in crisis), any(c.sms for c in crisis)
    words = content.reach_words
    return words.phone_and_sms if phone and sms else words.phone if phone else words.sms if sms else words.other


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
    hits = []
    for flag in content.red_flags.values():  # content order keeps output stable
        if flag.id not in found:
            continue
        when, because = found[flag.id]
        advice = flag.advice(when) or flag.advice("recent" if when == "now" else "now")
        contacts = contacts_for(content, advice.contacts, sub.region)
        reach = reach_words(content, contacts)
        fill = {"emergency": emergency_number(content, sub.region), "reach_crisis": reach,
                "Reach_crisis": reach[:1].upper() + reach[1:]}
        hits.append(
            RedFlagHit(
                id=flag.id,
                name=flag.name,
                when=when,
                urgency=advice.urgency,
                message=advice.message.get(sub.audience).format(**fill),
                steps_title=advice.steps_title,
                steps=[step.format(**fill) for step in advice.steps.get(sub.audience)],
                contacts=contacts,
                because=because,
                sources=_sources(content, flag.sources),
            )
        )
    return sorted(hits, key=lambda h: h.urgency != "emergency")


# ---------------------------------------------------------------- warning signs


def _trigger(item: Item, options: list, region: str, audience: str) -> Trigger:
    _, labels = item.wording(audience, region)  # as this person saw the answer
    shown = [labels[_position(item, o)] for o in options]
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
    rule = content.tiers.rule.some
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
                clear=strength >= rule.clear_at and sign_id not in rule.not_signs and not sign.risk_factor,
                risk_factor=sign.risk_factor,
                because=list(dict.fromkeys(t.item for t in triggers[sign_id])),
                triggers=triggers[sign_id],
                sources=_sources(content, sign.sources),
                notes=[say(content, "reason.mix", what=_lower_join(content, answers), why=note)
                       for note, answers in notes.get(sign_id, {}).items()],
            )
        )
    return sorted(matches, key=lambda m: -m.strength)


def _lower_join(content: Content, labels: list[str]) -> str:
    """Answer labels inside a sentence: "alcohol and cocaine" (acronyms such as MDMA keep their case)."""
    return join(content, [label[0].lower() + label[1:] if not label[:2].isupper() else label for label in labels])


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


def _position(item: Item, option) -> int:
    """Where an option sits among its item's (by identity; list.index compares every field)."""
    return next(n for n, o in enumerate(item.options) if o is option)


# ---------------------------------------------------------------- coverage


def _coverage(content: Content, sub: Submission, tier_so_far: str) -> Coverage:
    core = [i for i in content.core(sub.audience, sub.prescribed) if visible(i, sub.answers, content)]
    answered = [i for i in core if i.level_of(sub.answers.get(i.id)) is not None]
    unknown = [i for i in core if sub.answers.get(i.id) == DONT_KNOW]
    rule = content.tiers.coverage
    areas = [a for a in rule.areas if any(i.domain == a for i in core)]
    covered = {i.domain for i in answered}
    answered_ids = {i.id for i in answered}  # by id: comparing pydantic models field by field is slow
    missing = [a for a in areas if a not in covered]
    # Some or many warning signs from part of the check is a floor (missing answers can only add),
    # but "few warning signs" is a claim about every area, so it needs them all.
    enough = len(areas) - len(missing) >= min(rule.min_areas, len(areas)) and not (tier_so_far == "low" and missing)
    labels = {d.id: d.label for d in content.tiers.domains}
    open_ = [MissingAnswer(i.id, i.wording(sub.audience, sub.region)[0], sub.answers.get(i.id) == DONT_KNOW,
                           i.domain == "safety") for i in core if i.id not in answered_ids]
    return Coverage(
        asked=len(core),
        answered=len(answered),
        unknown=len(unknown),
        enough=enough,
        missing=missing,
        missing_labels=[labels.get(a, a) for a in missing],
        missing_items=sorted(open_, key=lambda m: not m.safety),
    )


# ---------------------------------------------------------------- the level


def _holds(content: Content, cond, answers: dict[str, Answer]) -> bool:
    return bool(cond and cond.item in answers and cond.holds(content.items[cond.item], answers[cond.item]))


def _level(content: Content, scored: dict[str, Answer], counted: Criteria, signs: list[SignMatch],
           feedback: list[FeedbackItem], region: str, audience: str) -> tuple[int, list[str]]:
    """The level the answers show (0 low, 1 some, 2 high) and the reasons for it, by tiers.yaml's rule."""
    rule = content.tiers.rule
    reasons = []
    if counted.met:
        names = join(content, [n[0].lower() + n[1:] for n in counted.met_names])
        reasons.append(say(content, "reason.criteria", n=counted.met, total=counted.total, names=names,
                           meaning=counted.meaning))
    else:
        reasons.append(say(content, "reason.criteria.none", total=counted.total))
    harms = [c for c in rule.many.harms if _holds(content, c, scored)]
    ongoing = counted.met >= rule.many.harm_with_criteria or _holds(content, rule.many.harm_with_use, scored)
    clear = [s for s in signs if s.clear]
    doctor = [f for f in feedback if f.doctor]
    level = 0
    if counted.met >= rule.many.criteria:
        level = 2
    if harms and ongoing:
        level = 2
        reasons.append(say(content, "reason.many.harm", harms=join(content, [
            _answer_words(content, c.item, scored[c.item], region, audience) for c in harms])))
    if level < 1 and counted.met >= rule.some.criteria:
        level = 1
    if clear:
        level = max(level, 1)
        if level == 1 and counted.met < rule.some.criteria:
            reasons.append(say(content, "reason.some.clear", signs=join(content, [
                say(content, "reason.sign_answer", sign=s.name, answer=s.triggers[0].answer) for s in clear[:3]])))
    if doctor:
        level = max(level, 1)
        reasons.append(say(content, "reason.some.doctor", what=join(content, [
            _answer_words(content, f.because[0], scored[f.because[0]], region, audience) for f in doctor])))
    return level, reasons


def _answer_words(content: Content, item_id: str, answer: Answer, region: str, audience: str) -> str:
    """"Bladder problems (Moderate)": the sign the question bears on, and the answer as seen."""
    item = content.items[item_id]
    _, labels = item.wording(audience, region)
    said = "; ".join(labels[_position(item, o)] for o in item.chosen(answer))
    name = content.signs[item.signs[0]].name if item.signs else item.id
    return say(content, "reason.sign_answer", sign=name, answer=said)


def _alcohol_feedback(content: Content, instruments: dict[str, InstrumentScore], scored: dict[str, Answer],
                      fill: dict[str, str]) -> list[FeedbackItem]:
    """AUDIT-C's band advice, and the withdrawal warning where it applies: feedback like the rest."""
    out = []
    for inst_id, score in instruments.items():
        inst = content.instruments[inst_id]
        if score.band_advice is None:
            continue
        because = [i.id for i in inst.items if i.id in scored]
        out.append(FeedbackItem(f"{inst_id}_band", because, score.band_advice, sources_of(content, inst.band_sources)))
        if score.withdrawal and inst.withdrawal:
            out.append(FeedbackItem(f"{inst_id}_withdrawal", because, inst.withdrawal.text.format(**fill),
                                    sources_of(content, inst.withdrawal.sources), important=True))
    return out


def _solely_prescribed(content: Content, sub: Submission, signs: list[SignMatch]) -> bool:
    """Used only as prescribed under medical supervision: prescribed, and no answer shows use
    outside the plan. A loved one who does not know whether it is prescribed cannot say so."""
    if not sub.prescribed or not sub.prescribed_known:
        return False
    drift = content.instruments[criteria_mod.CHECKLIST].solely_prescribed_unless_sign
    return not any(s.id == drift for s in signs) if drift else True


def score(sub: Submission, content: Content) -> Result:
    """The whole result for one set of answers. Pure: same input, same output, no I/O."""
    answers = sub.answers
    scored = {k: v for k, v in answers.items() if visible(content.items[k], answers, content)}
    ignored = sorted(set(answers) - set(scored))
    red_flags = _red_flags(content, sub)
    fill = {"emergency": emergency_number(content, sub.region)}

    signs = _signs(content, scored, sub.region, sub.audience)
    solely = _solely_prescribed(content, sub, signs)
    counted = criteria_mod.count(content, scored, sub.audience, sub.prescribed, solely)
    instruments = score_all(content, sub, scored, counted, visible)
    lines = feedback_mod.lines_for(content, scored, sub.audience, fill)
    lines = feedback_mod.ordered(lines + _alcohol_feedback(content, instruments, scored, fill))
    tier_index, reasons = _level(content, scored, counted, signs, lines, sub.region, sub.audience)
    # One line for every mix: why each matters is its own line of feedback (and the sign's notes).
    mixed = [t.answer for s in signs if s.id == "mixing" for t in s.triggers]
    if mixed:
        reasons.append(say(content, "reason.mixed", what=_lower_join(content, mixed)))
    if not sub.prescribed_known:
        reasons.append(say(content, "reason.prescribed_unknown"))
    if counted.not_counted:
        reasons.append(say(content, "reason.solely_prescribed"))

    tier_so_far = TIERS[tier_index]
    coverage = _coverage(content, sub, tier_so_far)
    urgency = None
    if red_flags:
        tier = "urgent"
        urgency = red_flags[0].urgency
        names = "; ".join(f.name.lower() for f in red_flags)
        reasons.insert(0, say(content, f"reason.red_flag.{urgency}", flags=names))
    elif not coverage.enough:
        tier = "incomplete"
        reasons = _incomplete_reasons(coverage, tier_so_far, reasons, content)
    else:
        tier = tier_so_far
    words = _tier_words(content, tier, sub, urgency)
    plan = content.tiers.help[tier]
    help_words = plan.same_day if urgency == "same_day" and plan.same_day else plan
    return Result(
        audience=sub.audience,
        region=sub.region,
        prescribed=sub.prescribed,
        prescribed_known=sub.prescribed_known,
        solely_prescribed=solely,
        tier=tier,
        tier_label=words[0],
        tier_summary=words[1],
        tier_explanation=words[2],
        tier_so_far=tier_so_far,
        urgency=urgency,
        in_danger_now=any(f.when == "now" and f.urgency == "emergency" for f in red_flags),
        reasons=reasons,
        criteria=counted,
        feedback=lines,
        red_flags=red_flags,
        signs=signs,
        domains=_domains(content, scored),
        instruments=instruments,
        coverage=coverage,
        help_heading=help_words.heading,
        help_intro=help_words.intro,
        resources=resources_for(content, tier, sub.audience, sub.region),
        answered=sum(1 for a in answers.values() if a != DONT_KNOW),
        ignored=ignored,
    )


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
    variant = text.same_day if urgency == "same_day" else text.prescribed if sub.prescribed and sub.prescribed_known else None
    label = (variant and variant.label) or text.label
    summary = ((variant and variant.summary) or text.summary).for_audience(sub.audience) or text.summary.self_
    explanation = ((variant and variant.explanation) or text.explanation).for_audience(sub.audience)
    cov = content.tiers.coverage
    explanation = (explanation or text.explanation.self_).format(min_areas=cov.min_areas, areas=len(cov.areas))
    return label, summary, explanation


def tier_label(content: Content, tier: str) -> str:
    return next(t.label for t in content.tiers.tiers if t.id == tier)


def _incomplete_reasons(coverage: Coverage, so_far: str, reasons: list[str], content: Content) -> list[str]:
    missing = join(content, [label.lower() for label in coverage.missing_labels])
    out = [say(content, "reason.incomplete.missing", areas=missing) if missing else say(content, "reason.incomplete")]
    if so_far in ("some", "high"):
        out.append(say(content, "reason.incomplete.so_far", level=tier_label(content, so_far).lower()))
    return out + reasons


def explain_rule(content: Content) -> str:
    """The level rule in plain words, thresholds filled in from the content."""
    rule = content.tiers.rule
    return rule.explanation.format(many_criteria=rule.many.criteria, some_criteria=rule.some.criteria)

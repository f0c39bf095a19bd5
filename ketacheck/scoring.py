"""Answers -> an explained result: red flags, warning signs, domains, instruments, tier, help.

Built so that the properties the product promises hold by construction:
- a red-flag answer makes the tier `urgent`, counted even if its question was hidden;
- every contribution is a non-negative function of answer levels and gates open as levels rise,
  so moving any answer toward more concern never lowers the tier;
- scores are bounded by their scales (domains 0-100, strengths 0-1, instruments 0-max).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .loader import Content
from .model import SCORED_DOMAINS, TIERS, Instrument, Item
from .referral import HelpItem, resources_for
from .submission import Submission


@dataclass(frozen=True)
class Trigger:
    item: str
    answer: str  # the option label as asked
    level: int


@dataclass(frozen=True)
class SignMatch:
    id: str
    name: str
    strength: float  # 0-1: the highest answer on this sign's questions, relative to its scale
    weight: float
    points: float
    risk_factor: bool
    because: list[str]  # item ids that triggered it
    triggers: list[Trigger]
    sources: list[dict]


@dataclass(frozen=True)
class RedFlagHit:
    id: str
    name: str
    message: str
    while_waiting: list[str]
    because: list[str]


@dataclass(frozen=True)
class DomainScore:
    id: str
    label: str
    score: int  # 0-100
    answered: int
    band: str  # low | some | high, against tiers.yaml domain_bands


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
    reference_cutoffs: list[dict] = field(default_factory=list)
    lift: dict | None = None

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
    reasons: list[str]  # plain-words "why am I seeing this?"
    points: float
    some_at: float
    high_at: float
    red_flags: list[RedFlagHit]
    signs: list[SignMatch]
    domains: dict[str, DomainScore]
    instruments: dict[str, InstrumentScore]
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
            "reasons": self.reasons,
            "points": self.points,
            "thresholds": {"some": self.some_at, "high": self.high_at},
            "red_flags": [asdict(r) for r in self.red_flags],
            "signs": [asdict(s) for s in self.signs],
            "domains": {k: asdict(v) for k, v in self.domains.items()},
            "instruments": {k: v.to_dict() for k, v in self.instruments.items()},
            "resources": [h.to_dict() for h in self.resources],
            "answered": self.answered,
            "ignored": self.ignored,
        }


def visible(item: Item, answers: dict[str, int], content: Content) -> bool:
    """Whether the item is asked given earlier answers (its show_if gate, recursively)."""
    gate = item.show_if
    if gate is None:
        return True
    parent = content.items[gate.item]
    value = answers.get(gate.item)
    option = parent.option(value) if value is not None else None
    return option is not None and option.level >= gate.min_level and visible(parent, answers, content)


def _trigger(item: Item, value: int, region: str) -> Trigger:
    _, labels = item.wording("self", region)
    index = [o.value for o in item.options].index(value)
    return Trigger(item=item.id, answer=labels[index], level=item.options[index].level)


def _signs(content: Content, scored: dict[str, int], region: str) -> list[SignMatch]:
    best: dict[str, float] = {}
    triggers: dict[str, list[Trigger]] = {}
    for item_id, value in scored.items():
        item = content.items[item_id]
        option = item.option(value)
        if option is None or option.level == 0 or item.max_level == 0:
            continue
        strength = option.level / item.max_level
        for sign in item.option_signs(option):
            best[sign] = max(best.get(sign, 0.0), strength)
            triggers.setdefault(sign, []).append(_trigger(item, value, region))
    weights = content.tiers.rule.weights
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
                weight=weights[sign_id],
                points=round(weights[sign_id] * strength, 4),
                risk_factor=sign.risk_factor,
                because=[t.item for t in triggers[sign_id]],
                triggers=triggers[sign_id],
                sources=[
                    {"id": s, "title": content.sources[s].title, "publisher": content.sources[s].publisher}
                    for s in sign.sources
                ],
            )
        )
    return sorted(matches, key=lambda m: -m.points)


def _domains(content: Content, scored: dict[str, int]) -> dict[str, DomainScore]:
    totals = {d: [0, 0, 0] for d in SCORED_DOMAINS}  # level sum, max sum, answered
    for item_id, value in scored.items():
        item = content.items[item_id]
        option = item.option(value)
        if item.domain in totals and option is not None and item.max_level > 0:
            t = totals[item.domain]
            t[0] += option.level
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


def _solely_prescribed(content: Content, sub: Submission, signs: list[SignMatch], inst: Instrument) -> bool:
    if not sub.prescribed:
        return False
    drift = inst.solely_prescribed_unless_sign
    return not any(s.id == drift for s in signs) if drift else True


def _instrument(
    content: Content, inst: Instrument, sub: Submission, scored: dict[str, int], solely_prescribed: bool
) -> InstrumentScore | None:
    ids = [i.id for i in inst.items]
    if not any(i in sub.answers for i in ids):
        return None
    asked = [i for i in inst.items if visible(i, sub.answers, content)]
    answered = [i for i in asked if i.id in scored]
    not_counted = (
        [f"{inst.id}.{n}" for n in inst.not_counted_when_solely_prescribed] if solely_prescribed else []
    )
    counted = [i for i in answered if i.id not in not_counted]
    score = sum(scored[i.id] for i in counted)
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
    )
    if inst.cutoffs:
        cutoffs = inst.region_cutoffs.get(sub.region, inst.cutoffs)
        cutoff = cutoffs[sub.sex]
        positive = score >= cutoff
        lift = inst.lift_when_positive if positive else None
        return InstrumentScore(
            score=score, cutoff=cutoff, positive=positive, lift=lift.model_dump() if lift else None, **common
        )
    if inst.bands:
        band = [b for b in inst.bands if b.min <= score][-1]
        lift = inst.lift_by_band.get(band.id)
        return InstrumentScore(
            score=score,
            criteria_met=score,
            severity=band.id,
            severity_label=band.label,
            lift=lift.model_dump() if lift else None,
            **common,
        )
    return InstrumentScore(score=score, **common)


def score(sub: Submission, content: Content) -> Result:
    """The whole result for one set of answers. Pure: same input, same output, no I/O."""
    answers = sub.answers
    scored = {k: v for k, v in answers.items() if visible(content.items[k], answers, content)}
    ignored = sorted(set(answers) - set(scored))

    # Safety first: a red-flag answer counts even if its question ended up hidden.
    hits: dict[str, list[str]] = {}
    for item_id, value in answers.items():
        item = content.items[item_id]
        option = item.option(value)
        if item.red_flag and option is not None and option.red_flag:
            hits.setdefault(item.red_flag, []).append(item_id)
    red_flags = [
        RedFlagHit(f.id, f.name, f.message, list(f.while_waiting), hits[f.id])
        for f in content.red_flags.values()
        if f.id in hits
    ]

    signs = _signs(content, scored, sub.region)
    rule = content.tiers.rule
    points = round(sum(s.points for s in signs), 4)
    tier_index = 2 if points >= rule.high_at else 1 if points >= rule.some_at else 0
    reasons = [_points_reason(points, rule.some_at, rule.high_at, signs)]

    instruments: dict[str, InstrumentScore] = {}
    solely = False
    for inst in content.instruments.values():
        solely_here = _solely_prescribed(content, sub, signs, inst)
        result = _instrument(content, inst, sub, scored, solely_here)
        if result is None:
            continue
        solely = solely or solely_here
        instruments[inst.id] = result
        if result.lift and TIERS.index(result.lift["to"]) > tier_index:
            tier_index = TIERS.index(result.lift["to"])
            reasons.append(result.lift["because"])
    if red_flags:
        tier_index = TIERS.index("urgent")
        names = "; ".join(f.name.lower() for f in red_flags)
        reasons.insert(0, f"You answered a safety question that needs help now ({names}).")
    tier = TIERS[tier_index]
    text = next(t for t in content.tiers.tiers if t.id == tier)
    return Result(
        audience=sub.audience,
        region=sub.region,
        prescribed=sub.prescribed,
        solely_prescribed=solely,
        tier=tier,
        tier_label=text.label,
        tier_summary=text.summary,
        reasons=reasons,
        points=points,
        some_at=rule.some_at,
        high_at=rule.high_at,
        red_flags=red_flags,
        signs=signs,
        domains=_domains(content, scored),
        instruments=instruments,
        resources=resources_for(content, tier, sub.audience, sub.region),
        answered=len(answers),
        ignored=ignored,
    )


def _points_reason(points: float, some_at: float, high_at: float, signs: list[SignMatch]) -> str:
    counted = [s for s in signs if s.points > 0]
    if not counted:
        return f"No warning signs added points (some warning signs start at {some_at:g} points)."
    named = ", ".join(s.name.lower() for s in counted[:3]) + (" and others" if len(counted) > 3 else "")
    return (
        f"{len(counted)} warning sign{'s' if len(counted) != 1 else ''} added {points:g} points, mostly {named}. "
        f"Some warning signs start at {some_at:g} points and many at {high_at:g}."
    )


def explain_rule(content: Content) -> str:
    """The combination rule in plain words, thresholds filled in from the content."""
    rule = content.tiers.rule
    return rule.explanation.format(some_at=f"{rule.some_at:g}", high_at=f"{rule.high_at:g}")

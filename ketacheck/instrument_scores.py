"""Standard questionnaires scored as published: AUDIT-C against its cut-off and risk bands, the SDS
on its 0-15 scale (no validated ketamine cut-off), and the DSM-5-based checklist as the count of
criteria met (criteria.py, the same count the level rests on). No questionnaire raises the level by
itself: AUDIT-C is alcohol advice, the checklist's count is part of the level rule."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from . import criteria as criteria_mod
from .criteria import MET, NOT_MET, Criteria
from .content import Content
from .model import dump
from .submission import Submission

if TYPE_CHECKING:  # annotations only: no pydantic on the command line's cached path
    from .model import Instrument, RiskBand


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
    # AUDIT-C: the risk band of the score, its advice, and whether the withdrawal warning applies.
    band: str | None = None
    band_label: str | None = None
    band_advice: str | None = None
    withdrawal: bool | None = None
    criteria_met: int | None = None
    severity: str | None = None
    severity_label: str | None = None
    not_counted: list[str] = field(default_factory=list)
    # Items answered by a core question that asks the same thing (`answered_by` in the content).
    from_core: list[str] = field(default_factory=list)
    reference_cutoffs: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        # Keep each instrument's JSON to the fields that mean something for it.
        return {k: v for k, v in data.items() if v is not None}


def score_all(content: Content, sub: Submission, answers: dict, counted: Criteria, visible) -> dict[str, InstrumentScore]:
    """Every questionnaire this audience is asked that has something to show, in content order.
    `answers` holds only the questions this person was asked; `visible` is scoring.visible."""
    out = {}
    for inst in content.instruments.values():
        if sub.audience not in inst.allowed_audiences:
            continue
        if inst.id == criteria_mod.CHECKLIST:
            result = _checklist(inst, counted)
        else:
            result = _summed(content, inst, sub, answers, visible)
        if result is not None:
            out[inst.id] = result
    return out


def _common(inst: Instrument, **kw) -> dict:
    return dict(id=inst.id, name=inst.name, short_name=inst.short_name, max=inst.max_score,
                validation=dump(inst.validation), timeframe=inst.timeframe,
                reference_cutoffs=[dump(c) for c in inst.reference_cutoffs], **kw)


def _checklist(inst: Instrument, counted: Criteria) -> InstrumentScore | None:
    """Shown once one of its questions is answered, or a core answer already meets a criterion."""
    own = f"{inst.id}."
    decided = [r for r in counted.rows if r.state in (MET, NOT_MET)]
    direct = any(b.startswith(own) for r in decided for b in r.because)
    if not direct and counted.met == 0:
        return None
    from_core = [f"{own}{n}" for r in decided if not any(b.startswith(own) for b in r.because) for n in r.numbers]
    counted_total = counted.total - len(counted.not_counted)
    band = next(b for b in inst.bands if b.id == counted.band)
    return InstrumentScore(
        score=counted.met, complete=counted.asked == counted_total, answered=counted.asked, asked=counted_total,
        criteria_met=counted.met, severity=counted.band, severity_label=band.label,
        not_counted=[f"{own}{n}" for n in counted.not_counted], from_core=from_core, **_common(inst),
    )


def _summed(content: Content, inst: Instrument, sub: Submission, answers: dict, visible) -> InstrumentScore | None:
    given = {i.id: i.level_of(answers.get(i.id)) for i in inst.items}
    given = {k: v for k, v in given.items() if v is not None}
    if not given:
        return None
    asked = [i for i in inst.items if visible(i, answers, content)]
    answered = [i for i in asked if i.id in given]
    score = sum(given[i.id] for i in answered)
    common = _common(inst, score=score, complete=len(answered) == len(asked), answered=len(answered), asked=len(asked))
    if not inst.cutoffs:
        return InstrumentScore(**common)
    cutoff = inst.region_cutoffs.get(sub.region, inst.cutoffs)[sub.sex]
    band = risk_band(inst, score, cutoff)
    withdrawal = None
    if band is not None and inst.withdrawal is not None:
        daily = any(c.holds(content.items[c.item], answers.get(c.item)) for c in inst.withdrawal.also_when)
        withdrawal = band.withdrawal or daily
    return InstrumentScore(
        cutoff=cutoff, positive=score >= cutoff, band=band.id if band else None, band_label=band.label if band else None,
        band_advice=band.advice if band else None, withdrawal=withdrawal, **common,
    )


def risk_band(inst: Instrument, score: int, cutoff: int) -> RiskBand | None:
    """The risk band a score falls in (a band's `from: cutoff` starts at this region's and sex's
    positive cut-off)."""
    if not inst.risk_bands:
        return None
    starts = [(cutoff if b.from_ == "cutoff" else b.from_, b) for b in inst.risk_bands]
    return [b for start, b in starts if start <= score][-1]


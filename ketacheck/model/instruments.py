"""Standard instruments (instruments.yaml): AUDIT-C, SDS and the DSM-5-based checklist, with cut-offs,
bands and the core questions that answer their items."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from .base import Strict
from .methods import InstrumentMethods
from .questions import AnswerAt, Coding, Item
from .vocabulary import AUDIENCES, Audience, INSTRUMENT_IDS


class Validation(Strict):
    # `translated`: asked in a language with no validated wording that can be cited (locale/<lang>/validation.yaml)
    status: Literal["validated", "based_on", "derived", "translated"]
    # Plain words shown next to the score: what was validated, in whom, and whether our wording was.
    statement: str = Field(min_length=1)
    citation: str = Field(min_length=1)


class ReferenceCutoff(Strict):
    """A cut-off validated for another drug, shown only as such (SDS has none for ketamine)."""

    at: int = Field(ge=0)
    population: str
    citation: str


class Band(Strict):
    id: str
    label: str
    min: int = Field(ge=0)
    # The band in a sentence, always "may point to", never a diagnosis.
    meaning: str | None = None


class SharedAnswer(Strict):
    """One core question that asks about several criteria at once (work, relationships, activities
    given up): it counts as one of them until they are asked one by one."""

    criteria: list[int] = Field(min_length=2)
    answered_by: AnswerAt


class RiskBand(Strict):
    """An AUDIT-C risk band and its advice. `from`: the score it starts at, or "cutoff" for the
    positive cut-off of this region and sex; the first band starts at 0."""

    id: str
    label: str
    from_: int | Literal["cutoff"] = Field(default=0, alias="from")
    advice: str | None = Field(default=None, min_length=1)  # none for a score with nothing to advise
    withdrawal: bool = False  # says plainly not to stop suddenly without medical advice

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class WithdrawalAdvice(Strict):
    """Alcohol withdrawal safety: shown in the bands marked `withdrawal`, or when `also_when` holds
    (drinking most days)."""

    text: str = Field(min_length=1)
    also_when: list[AnswerAt] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)


class Instrument(InstrumentMethods, Strict):
    id: Literal[INSTRUMENT_IDS]  # type: ignore[valid-type]
    name: str
    short_name: str
    about: str
    scoring: Literal["sum", "count_yes"]
    validation: Validation
    timeframe: str
    items: list[Item] = Field(min_length=1)
    # Published codes for the panel and its total, and the notice their terminology requires
    # (FHIR Questionnaire.copyright).
    code: Coding | None = None
    total_code: Coding | None = None
    copyright: str | None = None
    # Positive cut-offs by sex (audit_c), with region-specific overrides (UK units version).
    cutoffs: dict[str, int] = Field(default_factory=dict)
    region_cutoffs: dict[str, dict[str, int]] = Field(default_factory=dict)
    reference_cutoffs: list[ReferenceCutoff] = Field(default_factory=list)
    bands: list[Band] = Field(default_factory=list)
    # AUDIT-C: risk bands with their advice, the sources of both, and withdrawal safety.
    risk_bands: list[RiskBand] = Field(default_factory=list)
    band_sources: list[str] = Field(default_factory=list)
    withdrawal: WithdrawalAdvice | None = None
    # The DSM-5-based checklist: a core question standing in for several criteria at once.
    shared_answers: list[SharedAnswer] = Field(default_factory=list)
    # Item numbers not counted when use is solely as prescribed under medical supervision.
    not_counted_when_solely_prescribed: list[int] = Field(default_factory=list)
    # Sign whose presence means use is *not* solely as prescribed (drift from the plan).
    solely_prescribed_unless_sign: str | None = None
    allowed_audiences: list[Audience] = Field(default_factory=lambda: list(AUDIENCES))


class Instruments(Strict):
    instruments: list[Instrument] = Field(min_length=1)



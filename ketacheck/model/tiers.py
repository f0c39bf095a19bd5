"""Levels and help (tiers.yaml): the words for each level, the rule that picks it, coverage, help
plans; and the file-level containers of education, sources, signs and red flags."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Strict
from .signs import RedFlag, Sign, Source
from .questions import AnswerAt, AudienceText
from .vocabulary import ALL_TIERS, AUDIENCES, Audience, Domain, ResourceType



class TierWords(Strict):
    label: str | None = None
    summary: AudienceText | None = None
    explanation: AudienceText | None = None


class TierText(Strict):
    id: Literal[ALL_TIERS]  # type: ignore[valid-type]
    label: str
    summary: AudienceText
    explanation: AudienceText
    # Words that replace the above for a prescribed patient, or (urgent) when every red flag
    # answered needs same-day care rather than an ambulance.
    prescribed: TierWords | None = None
    same_day: TierWords | None = None


class DomainInfo(Strict):
    id: Domain
    label: str


class ManyRule(Strict):
    """"Many warning signs": `criteria` of the DSM-5-based criteria met, or one of `harms` happening
    while use goes on (at least `harm_with_criteria` criteria, or `harm_with_use`)."""

    criteria: int = Field(ge=1)
    harms: list[AnswerAt] = Field(default_factory=list)
    harm_with_criteria: int = Field(ge=1)
    harm_with_use: AnswerAt | None = None


class SomeRule(Strict):
    """"Some warning signs": `criteria` met, or a warning sign showing at `clear_at` strength or more
    (signs in `not_signs` excepted), or an answer that needs a doctor (feedback.yaml `doctor`)."""

    criteria: int = Field(ge=1)
    clear_at: float = Field(gt=0, le=1)
    not_signs: list[str] = Field(default_factory=list)


class TierRule(Strict):
    many: ManyRule
    some: SomeRule
    explanation: str  # the rule in plain words; {many_criteria} and {some_criteria} are filled in


class Coverage(Strict):
    """When the core answers are enough to give a level: at least `min_areas` of `areas` have an
    answer (not "Don't know"). Otherwise the result is `incomplete`, never `low`."""

    areas: list[Domain] = Field(min_length=1)
    min_areas: int = Field(ge=1)


class DomainBands(Strict):
    some_at: int = Field(ge=0, le=100)
    high_at: int = Field(ge=0, le=100)


class HelpWords(Strict):
    heading: str
    intro: str


class HelpPlan(Strict):
    types: list[ResourceType]
    heading: str
    intro: str
    sections: list[str] = Field(default_factory=list)  # education.yaml sections shown with this help
    # Urgent only: the words when every red flag needs a doctor today rather than an ambulance.
    same_day: HelpWords | None = None


class Tiers(Strict):
    tiers: list[TierText]
    domains: list[DomainInfo]
    rule: TierRule
    coverage: Coverage
    domain_bands: DomainBands
    help: dict[Literal[ALL_TIERS], HelpPlan]  # type: ignore[valid-type]
    audience_help: dict[Audience, list[ResourceType]] = Field(default_factory=dict)
    audience_sections: dict[Audience, list[str]] = Field(default_factory=dict)


class Section(Strict):
    id: str
    title: str
    audiences: list[Audience] = Field(default_factory=lambda: list(AUDIENCES))
    body: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


class Education(Strict):
    sections: list[Section] = Field(min_length=1)


class Sources(Strict):
    sources: list[Source] = Field(min_length=1)


class Signs(Strict):
    signs: list[Sign] = Field(min_length=1)


class ReachWords(Strict):
    """How a flag's crisis lines can be reached in a region ({reach_crisis}): "call or text" only
    where one of them takes texts."""

    phone_and_sms: str = Field(min_length=1)
    phone: str = Field(min_length=1)
    sms: str = Field(min_length=1)
    other: str = Field(min_length=1)


class RedFlags(Strict):
    reach_words: ReachWords
    red_flags: list[RedFlag] = Field(min_length=1)

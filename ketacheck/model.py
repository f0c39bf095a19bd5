"""The content model: typed, validated shapes for everything in `assessments/`.

Pydantic models check each file's shape; cross-file rules (ids that must exist, thresholds in
order, every region reachable in an emergency) live in `loader.py`, which sees all files at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SIGN_IDS = (
    "craving",
    "escalation",
    "tolerance",
    "mixing",
    "loss_of_control",
    "between_use_distress",
    "escape_motive",
    "chasing_effect",
    "unsupervised_use",
    "life_impact",
    "bladder_harm",
    "cognitive_harm",
    "mental_health",
    "sud_history",
)
AUDIENCES = ("self", "other", "intake")
TIERS = ("low", "some", "high", "urgent")
INSTRUMENT_IDS = ("audit_c", "sds", "dsm5_k")
SEXES = ("female", "male", "unspecified")

Audience = Literal["self", "other", "intake"]
Tier = Literal["low", "some", "high", "urgent"]
Domain = Literal[
    "context", "cravings", "escalation", "mixing", "tolerance", "control", "harms", "motives", "safety"
]
# Domains that get a 0-100 score; context and safety items shape the flow and the tier instead.
SCORED_DOMAINS = ("cravings", "escalation", "mixing", "tolerance", "control", "harms", "motives")
ResourceType = Literal[
    "emergency",
    "crisis",
    "poison",
    "medical_advice",
    "helpline",
    "treatment_locator",
    "family_support",
    "mutual_help",
]
CRISIS_TYPES = ("emergency", "crisis", "poison")
REFERRAL_TYPES = ("helpline", "treatment_locator")


class Strict(BaseModel):
    """Unknown keys are errors: a misspelt field should never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- sources and signs


class Source(Strict):
    id: str
    kind: Literal["seed", "reference"]
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    file: str | None = None
    url: str | None = None

    @model_validator(mode="after")
    def _seed_has_file(self) -> Source:
        if self.kind == "seed" and not self.file:
            raise ValueError("a seed source needs `file` (its name in shared/seeds/)")
        return self


class Sign(Strict):
    id: Literal[SIGN_IDS]  # type: ignore[valid-type]
    name: str = Field(min_length=1)
    meaning: str = Field(min_length=1)
    why_it_matters: str = Field(min_length=1)
    risk_factor: bool = False
    sources: list[str] = Field(min_length=1)


class RedFlag(Strict):
    id: str
    name: str = Field(min_length=1)
    # Shown at the top of the page the moment the flag is answered.
    message: str = Field(min_length=1)
    while_waiting: list[str] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


# ---------------------------------------------------------------- questions


class AudienceText(Strict):
    """Wording per audience. `intake` falls back to `self` (the person answers in first person);
    an item without `other` wording is not asked of a loved one."""

    self_: str = Field(alias="self", min_length=1)
    other: str | None = None
    intake: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def for_audience(self, audience: str) -> str | None:
        if audience == "other":
            return self.other
        if audience == "intake":
            return self.intake or self.self_
        return self.self_


class Option(Strict):
    value: int
    label: str = Field(min_length=1)
    level: int = Field(ge=0)
    # Override the item's signs for this option (rare); None means "the item's signs".
    signs: list[str] | None = None
    # True when choosing this option raises the item's red flag.
    red_flag: bool = False


class ShowIf(Strict):
    """Ask this item only when another item was answered at `min_level` or more."""

    item: str
    min_level: int = Field(ge=1)


class RegionVariant(Strict):
    text: AudienceText | None = None
    labels: list[str] | None = None


class Item(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
    domain: Domain
    text: AudienceText
    help: str | None = None
    options: list[Option] = Field(min_length=2)
    signs: list[str] = Field(default_factory=list)
    red_flag: str | None = None
    # Which flow asks it: "yes" only when ketamine is prescribed, "no" only when it is not.
    prescribed: Literal["any", "yes", "no"] = "any"
    audiences: list[Audience] = Field(default_factory=lambda: list(AUDIENCES))
    show_if: ShowIf | None = None
    optional: bool = False
    region_variants: dict[str, RegionVariant] = Field(default_factory=dict)

    @field_validator("options")
    @classmethod
    def _options_distinct(cls, options: list[Option]) -> list[Option]:
        values = [o.value for o in options]
        if len(set(values)) != len(values):
            raise ValueError(f"option values repeat: {values}")
        if min(o.level for o in options) != 0:
            raise ValueError("the least-concern option must have level 0")
        return options

    @model_validator(mode="after")
    def _red_flag_consistent(self) -> Item:
        flagged = [o for o in self.options if o.red_flag]
        if self.red_flag and not flagged:
            raise ValueError("an item with `red_flag` needs at least one option with `red_flag: true`")
        if flagged and not self.red_flag:
            raise ValueError("options raise a red flag but the item names no `red_flag` id")
        if flagged:
            # Monotone: every option at or above the lowest flagged level must also flag.
            lowest = min(o.level for o in flagged)
            unflagged = [o.value for o in self.options if o.level >= lowest and not o.red_flag]
            if unflagged:
                raise ValueError(f"options {unflagged} are at least as concerning as a flagged option but do not flag")
        # Monotone: a more concerning option bears on every sign a less concerning one does.
        for low in self.options:
            for high in self.options:
                if 0 < low.level < high.level and not set(self.option_signs(low)) <= set(self.option_signs(high)):
                    raise ValueError(
                        f"option {high.value} (level {high.level}) drops signs that option {low.value} "
                        f"(level {low.level}) bears on; higher levels must keep them"
                    )
        for name, variant in self.region_variants.items():
            if variant.labels is not None and len(variant.labels) != len(self.options):
                raise ValueError(f"region_variants.{name}.labels needs one label per option ({len(self.options)})")
        return self

    @property
    def max_level(self) -> int:
        return max(o.level for o in self.options)

    def option(self, value: int) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def option_signs(self, option: Option) -> list[str]:
        return self.signs if option.signs is None else option.signs

    def asked_in(self, audience: str, prescribed: bool) -> bool:
        if audience not in self.audiences or self.text.for_audience(audience) is None:
            return False
        return self.prescribed == "any" or (self.prescribed == "yes") == prescribed

    def wording(self, audience: str, region: str | None = None) -> tuple[str, list[str]]:
        """The question text and option labels as this audience and region see them."""
        text = self.text
        labels = [o.label for o in self.options]
        variant = self.region_variants.get(region or "")
        if variant:
            text = variant.text or text
            labels = variant.labels or labels
        return text.for_audience(audience) or text.self_, labels


class Questionnaire(Strict):
    items: list[Item] = Field(min_length=1)


# ---------------------------------------------------------------- instruments


class Validation(Strict):
    status: Literal["validated", "based_on", "derived"]
    # Plain words shown next to the score: who it was validated in, or what it is based on.
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


class Lift(Strict):
    """A result that raises the overall tier to at least `to`."""

    to: Tier
    because: str


class Instrument(Strict):
    id: Literal[INSTRUMENT_IDS]  # type: ignore[valid-type]
    name: str
    short_name: str
    about: str
    scoring: Literal["sum", "count_yes"]
    validation: Validation
    timeframe: str
    items: list[Item] = Field(min_length=1)
    # Positive cut-offs by sex (audit_c), with region-specific overrides (UK units version).
    cutoffs: dict[str, int] = Field(default_factory=dict)
    region_cutoffs: dict[str, dict[str, int]] = Field(default_factory=dict)
    reference_cutoffs: list[ReferenceCutoff] = Field(default_factory=list)
    bands: list[Band] = Field(default_factory=list)
    # Item numbers not counted when use is solely as prescribed under medical supervision.
    not_counted_when_solely_prescribed: list[int] = Field(default_factory=list)
    # Sign whose presence means use is *not* solely as prescribed (drift from the plan).
    solely_prescribed_unless_sign: str | None = None
    lift_when_positive: Lift | None = None
    lift_by_band: dict[str, Lift] = Field(default_factory=dict)
    allowed_audiences: list[Audience] = Field(default_factory=lambda: list(AUDIENCES))

    @property
    def max_score(self) -> int:
        return sum(i.max_level if self.scoring == "sum" else 1 for i in self.items)


class Instruments(Strict):
    instruments: list[Instrument] = Field(min_length=1)


# ---------------------------------------------------------------- tiers and help


class TierText(Strict):
    id: Tier
    label: str
    summary: str
    explanation: str


class DomainInfo(Strict):
    id: Domain
    label: str


class TierRule(Strict):
    """Points = sum over matched signs of weight x strength; thresholds pick the tier."""

    weights: dict[str, float]
    some_at: float = Field(gt=0)
    high_at: float = Field(gt=0)
    explanation: str

    @field_validator("weights")
    @classmethod
    def _weights_nonnegative(cls, weights: dict[str, float]) -> dict[str, float]:
        bad = [k for k, v in weights.items() if v < 0]
        if bad:
            raise ValueError(f"weights must be 0 or more (negative: {bad}); a sign can never lower concern")
        return weights


class DomainBands(Strict):
    some_at: int = Field(ge=0, le=100)
    high_at: int = Field(ge=0, le=100)


class HelpPlan(Strict):
    types: list[ResourceType]
    heading: str
    intro: str
    sections: list[str] = Field(default_factory=list)  # education.yaml sections shown with this help


class Tiers(Strict):
    tiers: list[TierText]
    domains: list[DomainInfo]
    rule: TierRule
    domain_bands: DomainBands
    help: dict[Tier, HelpPlan]
    audience_help: dict[Audience, list[ResourceType]] = Field(default_factory=dict)
    audience_sections: dict[Audience, list[str]] = Field(default_factory=dict)


# Numbers are stored as printed ("0300 123 6600"); only these characters, so tel: links work.
PhoneNumber = Annotated[str, Field(pattern=r"^\+?[0-9][0-9 -]*$")]


class Sms(Strict):
    number: PhoneNumber
    body: str | None = None


class Resource(Strict):
    id: str
    name: str
    type: ResourceType
    phone: PhoneNumber | None = None
    sms: Sms | None = None
    url: str | None = None
    hours: str
    cost: str
    languages: list[str] = Field(min_length=1)
    description: str
    what_happens: str
    source: str = Field(min_length=1)
    verified: dt.date

    @model_validator(mode="after")
    def _reachable(self) -> Resource:
        if not (self.phone or self.sms or self.url):
            raise ValueError("a resource needs a phone, sms or url")
        if self.url and not self.url.startswith("https://"):
            raise ValueError(f"url must start with https:// (got {self.url!r})")
        return self


class Region(Strict):
    id: str = Field(pattern=r"^[A-Z]{2,4}$")
    name: str
    locales: list[str] = Field(default_factory=list)
    resources: list[Resource] = Field(min_length=1)


class Resources(Strict):
    regions: list[Region] = Field(min_length=1)


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


class RedFlags(Strict):
    red_flags: list[RedFlag] = Field(min_length=1)

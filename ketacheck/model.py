"""The content model: typed, validated shapes for everything in `assessments/`.

Pydantic models check each file's shape; cross-file rules (ids that must exist, thresholds in
order, every region reachable in an emergency) live in `loader.py`, which sees all files at once.
"""

from __future__ import annotations

import datetime as dt
import re
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
# Ranked: a more concerning answer never moves the tier down this list.
TIERS = ("low", "some", "high", "urgent")
# `incomplete` sits outside the ranking: too few answers to say, never shown as reassurance.
ALL_TIERS = (*TIERS, "incomplete")
INSTRUMENT_IDS = ("audit_c", "sds", "dsm5_k")
SEXES = ("female", "male", "unspecified")
SEX_LABELS = {"female": "Female", "male": "Male", "unspecified": "Prefer not to say"}

Audience = Literal["self", "other", "intake"]
Tier = Literal["low", "some", "high", "urgent"]  # what a lift can raise the tier to
Domain = Literal[
    "context", "cravings", "escalation", "mixing", "tolerance", "control", "harms", "motives", "safety"
]
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
# Domains that get a 0-100 score; context and safety items shape the flow and the tier instead.
SCORED_DOMAINS = ("cravings", "escalation", "mixing", "tolerance", "control", "harms", "motives")
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


Urgency = Literal["emergency", "same_day"]
When = Literal["now", "recent"]


class ForAudience(Strict):
    """Words for each audience, all three required: a red flag must speak to the person reading."""

    self_: str = Field(alias="self", min_length=1)
    other: str = Field(min_length=1)
    intake: str = Field(min_length=1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def get(self, audience: str) -> str:
        return {"self": self.self_, "other": self.other, "intake": self.intake}[audience]


class StepsForAudience(Strict):
    self_: list[str] = Field(alias="self", min_length=1)
    other: list[str] = Field(min_length=1)
    intake: list[str] = Field(min_length=1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def get(self, audience: str) -> list[str]:
        return {"self": self.self_, "other": self.other, "intake": self.intake}[audience]


class FlagAdvice(Strict):
    """What to do about a red flag that is happening now, or that happened recently."""

    urgency: Urgency
    # Resource types in the order they are offered; resolved per region (a missing type is skipped).
    contacts: list[ResourceType] = Field(min_length=1)
    message: ForAudience
    steps_title: str = Field(min_length=1)
    steps: StepsForAudience


class RedFlag(Strict):
    id: str
    name: str = Field(min_length=1)
    now: FlagAdvice | None = None
    recent: FlagAdvice | None = None
    sources: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _has_advice(self) -> RedFlag:
        if not (self.now or self.recent):
            raise ValueError("a red flag needs `now` or `recent` advice (or both)")
        return self

    def advice(self, when: str) -> FlagAdvice | None:
        return self.now if when == "now" else self.recent


# ---------------------------------------------------------------- questions

DONT_KNOW = "dont_know"  # the answer-file value of "Don't know": counted as unanswered, never as "no"
Answer = int | tuple[int, ...] | str  # one option's value; several (multiple-choice); or DONT_KNOW


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


class Coding(Strict):
    """A code from a published terminology (LOINC), as the FHIR export writes it."""

    system: Literal["http://loinc.org"]
    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]*$")
    display: str = Field(min_length=1)


class Option(Strict):
    value: int = Field(ge=0)
    label: str = Field(min_length=1)
    # The published answer code (LOINC LA code for AUDIT-C), written into the FHIR export.
    code: Coding | None = None
    # Third-person label for a loved one, where the first-person one would not fit ("They tried ...").
    label_other: str | None = None
    level: int = Field(ge=0)
    # Override the item's signs for this option (rare); None means "the item's signs".
    signs: list[str] | None = None
    # The red flag this option raises at once, and whether it is happening now or happened recently
    # (defaults to the item's `when`).
    red_flag: str | None = None
    when: When | None = None
    # Multiple choice: an option that cannot be combined with others ("None of these").
    exclusive: bool = False
    # Why this answer matters, in plain words; shown in the reasons (e.g. why a mix is dangerous).
    note: str | None = None


class ShowIf(Strict):
    """Ask this item only when another item was answered at `min_level` or more."""

    item: str
    min_level: int = Field(ge=1)


class RegionVariant(Strict):
    """Different wording in one region (the UK units version of AUDIT-C). A variant is a different
    question from the published one, so the FHIR export gives it its own linkId and no LOINC codes."""

    text: AudienceText | None = None
    labels: list[str] | None = None


class SeeADoctor(Strict):
    """A line shown on the result, not only in a collapsed section, when a harm answer reaches
    `from_level`: what to do about it, for each audience (intake falls back to self)."""

    from_level: int = Field(ge=1)
    text: AudienceText


class AnsweredBy(Strict):
    """An instrument item answered by a questionnaire item that asks the same thing: yes (1) when the
    source answer reaches `from_level`, else no (0). Used so one construct is asked once per flow."""

    item: str
    from_level: int = Field(ge=1)


class Item(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
    domain: Domain
    text: AudienceText
    help: str | None = None
    options: list[Option] = Field(min_length=2)
    code: Coding | None = None  # the published question code (LOINC for AUDIT-C)
    signs: list[str] = Field(default_factory=list)
    # Which flow asks it: "yes" only when ketamine is prescribed, "no" only when it is not.
    prescribed: Literal["any", "yes", "no"] = "any"
    audiences: list[Audience] = Field(default_factory=lambda: list(AUDIENCES))
    show_if: ShowIf | None = None
    optional: bool = False
    region_variants: dict[str, RegionVariant] = Field(default_factory=dict)
    # Questionnaire items: the core check, or the detail module offered after the first result.
    module: Literal["core", "detail"] = "core"
    # Safety items: whether red flags it raises are happening now or happened recently.
    when: When | None = None
    # Several answers allowed; the answer's level is the highest chosen (`max`) or the sum of the
    # chosen levels up to `scale` (`sum`, for symptom lists where each one adds).
    multiple: bool = False
    combine: Literal["max", "sum"] = "max"
    scale: int | None = Field(default=None, ge=1)
    # Instrument items only: questionnaire items that answer this one (first one in the flow wins).
    answered_by: list[AnsweredBy] = Field(default_factory=list)
    # Shown above the question when the check reaches it (a new section: "Last, your safety...").
    intro: AudienceText | None = None
    see_a_doctor: SeeADoctor | None = None

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
    def _consistent(self) -> Item:
        flagged = [o for o in self.options if o.red_flag]
        for o in flagged:
            if (o.when or self.when) is None:
                raise ValueError(f"option {o.value} raises a red flag: say `when` (now or recent) on the item or option")
        if not self.multiple:
            if any(o.exclusive for o in self.options):
                raise ValueError("`exclusive` options belong to multiple-choice items (`multiple: true`)")
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
            if self.combine != "max" or self.scale is not None:
                raise ValueError("`combine` and `scale` belong to multiple-choice items")
        else:
            exclusive = [o for o in self.options if o.exclusive]
            if any(o.level or o.red_flag for o in exclusive):
                raise ValueError("an exclusive option (\"None of these\") must have level 0 and raise no red flag")
            if self.combine == "sum" and self.scale is None:
                raise ValueError("`combine: sum` needs a `scale` (the sum that counts as full strength)")
        for name, variant in self.region_variants.items():
            if variant.labels is not None and len(variant.labels) != len(self.options):
                raise ValueError(f"region_variants.{name}.labels needs one label per option ({len(self.options)})")
        return self

    @property
    def max_level(self) -> int:
        top = max(o.level for o in self.options)
        return self.scale if self.multiple and self.combine == "sum" and self.scale else top

    def option(self, value: Answer) -> Option | None:
        return next((o for o in self.options if o.value == value), None) if isinstance(value, int) else None

    def chosen(self, answer: Answer | None) -> list[Option]:
        """The options an answer picks (none for "Don't know" or no answer)."""
        if answer is None or answer == DONT_KNOW:
            return []
        values = answer if isinstance(answer, tuple) else (answer,)
        return [o for o in self.options if o.value in values]

    def level_of(self, answer: Answer | None) -> int | None:
        """How concerning an answer is on this item's scale; None when unanswered or "Don't know"."""
        chosen = self.chosen(answer)
        if not chosen:
            return None
        if self.multiple and self.combine == "sum":
            return min(sum(o.level for o in chosen), self.max_level)
        return max(o.level for o in chosen)

    def option_signs(self, option: Option) -> list[str]:
        return self.signs if option.signs is None else option.signs

    def flag_when(self, option: Option) -> str:
        return option.when or self.when or "recent"

    @property
    def red_flags(self) -> list[str]:
        return list(dict.fromkeys(o.red_flag for o in self.options if o.red_flag))

    def asked_in(self, audience: str, prescribed: bool) -> bool:
        if audience not in self.audiences or self.text.for_audience(audience) is None:
            return False
        return self.prescribed == "any" or (self.prescribed == "yes") == prescribed

    def wording(self, audience: str, region: str | None = None) -> tuple[str, list[str]]:
        """The question text and option labels as this audience and region see them."""
        text = self.text
        labels = [o.label_other if audience == "other" and o.label_other else o.label for o in self.options]
        variant = self.region_variants.get(region or "")
        if variant:
            text = variant.text or text
            labels = variant.labels or labels
        return text.for_audience(audience) or text.self_, labels


class DontKnow(Strict):
    """The "Don't know" answer offered on every question for these audiences (a loved one often
    cannot know); it counts as unanswered."""

    label: str = Field(min_length=1)
    audiences: list[Audience] = Field(default_factory=lambda: ["other"])


class Module(Strict):
    """A part of the check: `core` first, then modules offered after the first result. An
    instrument's module has the instrument's id; `detail` holds the questionnaire's detail items."""

    id: str
    title: str = Field(min_length=1)
    adds: str = Field(min_length=1)  # what answering it adds, in plain words
    intro: str | None = None  # shown above its first question ({timeframe} for an instrument)


class Questionnaire(Strict):
    dont_know: DontKnow
    # How long one question takes, to state lengths honestly ("15 questions, about 3 minutes").
    seconds_per_question: int = Field(ge=1)
    modules: list[Module] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)


# ---------------------------------------------------------------- instruments


class Validation(Strict):
    status: Literal["validated", "based_on", "derived"]
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


class Requires(Strict):
    """An answer that must also be given: any of `any_of` chosen on `item`."""

    item: str
    any_of: list[int] = Field(min_length=1)


class Lift(Strict):
    """A result that raises the overall tier to at least `to` (only with `requires`, if given)."""

    to: Tier
    because: str
    requires: Requires | None = None


class Instrument(Strict):
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
    # Item numbers not counted when use is solely as prescribed under medical supervision.
    not_counted_when_solely_prescribed: list[int] = Field(default_factory=list)
    # Sign whose presence means use is *not* solely as prescribed (drift from the plan).
    solely_prescribed_unless_sign: str | None = None
    lift_when_positive: Lift | None = None
    # Shown, as advice separate from the ketamine level, when positive but not lifting the tier.
    advice_when_positive: str | None = None
    lift_by_band: dict[str, Lift] = Field(default_factory=dict)
    allowed_audiences: list[Audience] = Field(default_factory=lambda: list(AUDIENCES))

    @property
    def max_score(self) -> int:
        return sum(i.max_level if self.scoring == "sum" else 1 for i in self.items)


class Instruments(Strict):
    instruments: list[Instrument] = Field(min_length=1)


# ---------------------------------------------------------------- tiers and help


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


class TierRule(Strict):
    """Points = sum over matched signs of weight x strength; thresholds pick the tier. "Many warning
    signs" also needs breadth: at least `high_min_signs` signs showing clearly (strength >= clear_at)."""

    weights: dict[str, float]
    some_at: float = Field(gt=0)
    high_at: float = Field(gt=0)
    clear_at: float = Field(gt=0, le=1)
    high_min_signs: int = Field(ge=1)
    explanation: str

    @field_validator("weights")
    @classmethod
    def _weights_nonnegative(cls, weights: dict[str, float]) -> dict[str, float]:
        bad = [k for k, v in weights.items() if v < 0]
        if bad:
            raise ValueError(f"weights must be 0 or more (negative: {bad}); a sign can never lower concern")
        return weights


class Coverage(Strict):
    """When the core answers are enough to give a level: at least `min_areas` of `areas` have an
    answer (not "Don't know"). Otherwise the result is `incomplete`, never `low`."""

    areas: list[Domain] = Field(min_length=1)
    min_areas: int = Field(ge=1)


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
    coverage: Coverage
    domain_bands: DomainBands
    help: dict[Literal[ALL_TIERS], HelpPlan]  # type: ignore[valid-type]
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
    # Shown only when a source states them; an unconfirmed detail is left out, never "Not confirmed".
    hours: str | None = None
    cost: str | None = None
    languages: list[str] = Field(min_length=1)
    description: str
    what_happens: str | None = None
    # For maintainers: every address the details were read from.
    source: str = Field(min_length=1)
    # For people, in plain words: what the details were checked against ("the Samaritans website").
    checked_against: str = Field(min_length=1)
    verified: dt.date

    @field_validator("hours", "cost", "what_happens", "description")
    @classmethod
    def _no_placeholders(cls, text: str | None) -> str | None:
        if text and re.search(r"not (yet )?(confirmed|checked|verified)", text, re.IGNORECASE):
            raise ValueError("say only what a source states; leave an unconfirmed detail out instead of writing that it is not confirmed")
        return text

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

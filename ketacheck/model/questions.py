"""Questions: options, wording per audience and region, show_if gates, modules (questionnaire.yaml)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from .base import Strict
from .methods import AnswerAtMethods, AudienceTextMethods, ItemMethods
from .vocabulary import AUDIENCES, Audience, Domain, When


class AudienceText(AudienceTextMethods, Strict):
    """Wording per audience. `intake` falls back to `self` (the person answers in first person);
    an item without `other` wording is not asked of a loved one."""

    self_: str = Field(alias="self", min_length=1)
    other: str | None = None
    intake: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


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


class AnswerAt(AnswerAtMethods, Strict):
    """An answer on `item` at `from_level` or more, or (multiple choice) choosing any of `any_of`.
    Used wherever content says "this answer counts": a criterion read from a core question, a
    feedback line, a harm in the level rule."""

    item: str
    from_level: int | None = Field(default=None, ge=1)
    any_of: list[int] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_way(self) -> AnswerAt:
        if (self.from_level is None) == (self.any_of is None):
            raise ValueError("give exactly one of `from_level` or `any_of`")
        return self


# An instrument item answered by a questionnaire item that asks the same thing: yes (1) when the
# source answer holds, else no (0). Used so one construct is asked once per flow.
AnsweredBy = AnswerAt


class Item(ItemMethods, Strict):
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
    # Instrument items only: questionnaire items that answer this one (yes when any of them holds).
    answered_by: list[AnsweredBy] = Field(default_factory=list)
    # A short name for lists and charts (the DSM-5-based criteria: "Cravings").
    short: str | None = None
    # Shown above the question when the check reaches it (a new section: "Last, your safety...").
    intro: AudienceText | None = None

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



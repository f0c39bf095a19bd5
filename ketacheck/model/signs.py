"""Sources, warning signs and red flags: the shapes of sources.yaml, signs.yaml and red_flags.yaml."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from .base import Strict
from .methods import ForAudienceMethods, RedFlagMethods, StepsForAudienceMethods
from .vocabulary import SIGN_IDS, ResourceType, Urgency, When


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


class ForAudience(ForAudienceMethods, Strict):
    """Words for each audience, all three required: a red flag must speak to the person reading."""

    self_: str = Field(alias="self", min_length=1)
    other: str = Field(min_length=1)
    intake: str = Field(min_length=1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class StepsForAudience(StepsForAudienceMethods, Strict):
    self_: list[str] = Field(alias="self", min_length=1)
    other: list[str] = Field(min_length=1)
    intake: list[str] = Field(min_length=1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class FlagAdvice(Strict):
    """What to do about a red flag that is happening now, or that happened recently."""

    urgency: Urgency
    # Resource types in the order they are offered; resolved per region (a missing type is skipped).
    contacts: list[ResourceType] = Field(min_length=1)
    message: ForAudience
    steps_title: str = Field(min_length=1)
    steps: StepsForAudience


class RedFlag(RedFlagMethods, Strict):
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

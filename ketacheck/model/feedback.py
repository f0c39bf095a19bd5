"""The brief intervention (feedback.yaml): feedback lines tied to answers, the FRAMES words around
them, and the menu a person may pick a plan from."""

from __future__ import annotations

from pydantic import Field

from .base import Strict
from .methods import MenuMethods
from .questions import AnswerAt, AudienceText
from .vocabulary import AUDIENCES, Audience, ResourceType


class FeedbackLine(Strict):
    """One practical line for a warning sign, earned by any answer in `when`."""

    id: str
    when: list[AnswerAt] = Field(min_length=1)
    text: AudienceText
    important: bool = False  # a mix or answer that can kill: shown first, as a warning
    doctor: bool = False  # needs a doctor's check: raises the level to at least "some"
    sources: list[str] = Field(min_length=1)


class SelfEfficacy(Strict):
    text: AudienceText
    sources: list[str] = Field(min_length=1)


class Frames(Strict):
    responsibility: AudienceText
    self_efficacy: SelfEfficacy


class MenuOption(Strict):
    id: str
    audiences: list[Audience] = Field(default_factory=lambda: list(AUDIENCES))
    label: str = Field(min_length=1)
    detail: str = Field(min_length=1)
    contact: ResourceType | None = None  # the region's help of this type, offered with the option
    sources: list[str] = Field(min_length=1)


class Menu(MenuMethods, Strict):
    title: AudienceText
    intro: AudienceText
    plan_intro: AudienceText
    plan_title: str = Field(min_length=1)
    max_plan: int = Field(ge=1, le=3)
    options: list[MenuOption] = Field(min_length=1)


class Feedback(Strict):
    feedback: list[FeedbackLine] = Field(min_length=1)
    frames: Frames
    menu: Menu

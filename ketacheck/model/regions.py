"""Regions and the help in each: the shape of `resources.yaml` (emergency numbers, crisis and text
lines, helplines), validated like the rest of the content (see model.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from .base import Strict
from .vocabulary import ResourceType

# Numbers are stored as printed ("0300 123 6600"); only these characters, so tel: links work.
PhoneNumber = Annotated[str, Field(pattern=r"^\+?[0-9][0-9 -]*$")]


class Sms(Strict):
    """A line that takes texts: the number, the keyword to send (if any), and where that was read
    (the app says "call or text" only where a contact has one of these)."""

    number: PhoneNumber
    keyword: str | None = None
    source: str = Field(min_length=1)  # the address that says the line takes texts
    dated: dt.date  # the date of that source


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
    # The law and confidentiality in plain words, as far as sources say; shown on the Help page.
    legal_note: str = Field(min_length=1)
    resources: list[Resource] = Field(min_length=1)

    @field_validator("legal_note")
    @classmethod
    def _no_promises(cls, text: str) -> str:
        if re.search(r"not (yet )?(confirmed|checked|verified)|unverified", text, re.IGNORECASE):
            raise ValueError("say only what a source states; leave an unconfirmed point out of the note")
        if re.search(r"\b(you will not|you won't|cannot|can't) be (prosecuted|arrested|charged)\b|\bimmunity\b", text, re.IGNORECASE):
            raise ValueError("a legal note must not promise protection from the law; say what a named law or service states")
        return text


class Resources(Strict):
    regions: list[Region] = Field(min_length=1)

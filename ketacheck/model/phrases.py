"""The shape of phrases.yaml: the engine's sentences, one text or plural forms each (the registry
they are held to is `ketacheck/phrases.py`)."""

from __future__ import annotations

from pydantic import Field

from .base import Strict


class Plural(Strict):
    one: str = Field(min_length=1)
    other: str = Field(min_length=1)


class Phrases(Strict):
    phrases: dict[str, str | Plural]

"""`Strict`, the pydantic base of every content shape (the fixed ids are in `vocabulary.py`, the
shapes' methods and `dump` in `methods.py`, neither with pydantic)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .methods import Shape


class Strict(Shape, BaseModel):
    """Unknown keys are errors: a misspelt field should never be silently ignored."""

    # defer_build: a model's validator is built when first used, not when the class is defined, so
    # content from the command line's cache (already validated) is used without building any.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    def field_names(self) -> tuple[str, ...]:
        return tuple(type(self).model_fields)

"""`Strict`, the pydantic base of every content shape (fixed ids and `dump` are re-exported from
`vocabulary.py` and `methods.py`, which have no pydantic)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .methods import Shape, dump  # noqa: F401 - re-exported
from .vocabulary import (  # noqa: F401 - re-exported: the models and their users import them from here
    ALL_TIERS, AUDIENCES, CRISIS_TYPES, INSTRUMENT_IDS, REFERRAL_TYPES, SCORED_DOMAINS, SEX_LABELS, SEXES, SIGN_IDS,
    TIERS, Audience, Domain, ResourceType,
)


class Strict(Shape, BaseModel):
    """Unknown keys are errors: a misspelt field should never be silently ignored."""

    # defer_build: a model's validator is built when first used, not when the class is defined, so
    # content from the command line's cache (already validated) is used without building any.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    def field_names(self) -> tuple[str, ...]:
        return tuple(type(self).model_fields)

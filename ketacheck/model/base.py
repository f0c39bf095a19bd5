"""What every content shape shares: fixed ids, audiences, tiers, resource types, and `Strict`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

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

    # defer_build: a model's validator is built when first used, not when the class is defined, so
    # content from the command line's cache (already validated) is used without building any.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def dump(value: Any, json: bool = False) -> Any:
    """`model.model_dump()` (`mode="json"` when json) for the content's shapes, which have no custom
    serializers, computed fields or excluded fields: the same dict, keys in the same order, without
    building the serializer. With `defer_build` the first `model_dump` of a class in a process builds
    it, and pydantic's plugin lookup (importlib.metadata) with it: 20-40 ms of a `score` command that
    reads its content from the cache. tests/test_content_cache.py holds it to model_dump."""
    if isinstance(value, BaseModel):
        return {name: dump(getattr(value, name), json) for name in type(value).model_fields}
    if isinstance(value, list):
        return [dump(v, json) for v in value]
    if isinstance(value, tuple):
        return [dump(v, json) for v in value] if json else tuple(dump(v, json) for v in value)
    if isinstance(value, dict):
        return {k: dump(v, json) for k, v in value.items()}
    if type(value) is dt.date:
        return value.isoformat() if json else value
    if value is None or type(value) in (str, int, float, bool):
        return value
    raise TypeError(f"dump() does not know {type(value).__name__}: use model_dump")  # a new kind of field

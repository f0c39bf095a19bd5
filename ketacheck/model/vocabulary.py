"""The content's fixed ids and the words for them: audiences, tiers, signs, resource types.

Plain Python without pydantic, so the scoring path imports them without the models (a `score`
command whose content comes from the cache never defines a model class).
"""

from __future__ import annotations

from typing import Literal

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

DONT_KNOW = "dont_know"  # the answer-file value of "Don't know": counted as unanswered, never as "no"
Answer = int | tuple[int, ...] | str  # one option's value; several (multiple-choice); or DONT_KNOW
Urgency = Literal["emergency", "same_day"]
When = Literal["now", "recent"]

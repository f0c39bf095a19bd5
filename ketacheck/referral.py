"""Which help to show: resources for a tier, audience and region, crisis kept apart from referral."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from .content import Content
from .model import CRISIS_TYPES, dump

if TYPE_CHECKING:  # annotations only: no pydantic on the command line's cached path
    from .model import Resource


@dataclass(frozen=True)
class HelpItem:
    resource: Resource
    group: str  # "crisis" (emergency, crisis line, poison) or "referral" (everything else)

    def to_dict(self) -> dict:
        data = dump(self.resource, json=True)
        data["group"] = self.group
        return data


def resources_for(content: Content, tier: str, audience: str, region: str) -> list[HelpItem]:
    """Resources in the order the tier's plan lists their types; crisis contacts first.

    Emergency and crisis lines are included at every tier so that help is never hidden behind a
    score; at urgent they lead.
    """
    plan = content.tiers.help[tier]
    wanted = list(plan.types)
    for extra in ("emergency", "crisis", *content.tiers.audience_help.get(audience, [])):
        if extra not in wanted:
            wanted.append(extra)
    found = content.regions[region].resources
    ordered = [r for t in wanted for r in found if r.type == t]
    crisis = [HelpItem(r, "crisis") for r in ordered if r.type in CRISIS_TYPES]
    referral = [HelpItem(r, "referral") for r in ordered if r.type not in CRISIS_TYPES]
    return crisis + referral


def contacts_for(content: Content, types: list[str], region: str) -> list[Resource]:
    """A red flag's contacts for a region: every resource of each type, in the order of `types`
    (a type the region lacks is skipped; the loader checks each flag reaches someone everywhere)."""
    found = content.regions[region].resources
    return [r for t in types for r in found if r.type == t]


def emergency_contacts(content: Content, region: str) -> list[Resource]:
    """What shows at the top the moment a red flag is answered: emergency, then crisis, then poison."""
    found = content.regions[region].resources
    return [r for t in CRISIS_TYPES for r in found if r.type == t]


def _dialable(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit() or ch == "+")


def tel_link(number: str) -> str:
    return f"tel:{_dialable(number)}"


def sms_link(number: str, body: str | None = None) -> str:
    return f"sms:{_dialable(number)}" + (f"?&body={quote(body)}" if body else "")

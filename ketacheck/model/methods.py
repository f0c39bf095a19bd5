"""What the content's shapes do, apart from what they hold: the methods the engine calls on them.

The pydantic models (`Strict` and its subclasses) take these as mixins, and so do their plain twins
in `plain.py`, which a `score` command reads from the cache without importing pydantic. A method
added to a model belongs here, in its shape's `<Name>Methods`, so that both have it
(tests/test_content_cache.py checks every model against its twin).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .vocabulary import DONT_KNOW

if TYPE_CHECKING:
    from .feedback import MenuOption
    from .questions import Item, Option
    from .signs import FlagAdvice
    from .vocabulary import Answer


class Shape:
    """Any content shape: a validated model, or its plain twin from the cache."""

    __slots__ = ()

    def field_names(self) -> tuple[str, ...]:
        raise NotImplementedError


def dump(value: Any, json: bool = False) -> Any:
    """`model.model_dump()` (`mode="json"` when json) for the content's shapes, which have no custom
    serializers, computed fields or excluded fields: the same dict, keys in the same order, without
    building the serializer, and for the plain twins too. With `defer_build` the first `model_dump`
    of a class in a process builds it, and pydantic's plugin lookup (importlib.metadata) with it:
    20-40 ms of a `score` command. tests/test_content_cache.py holds it to model_dump."""
    if isinstance(value, Shape):
        return {name: dump(getattr(value, name), json) for name in value.field_names()}
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


class AudienceTextMethods:
    __slots__ = ()

    def for_audience(self, audience: str) -> str | None:
        if audience == "other":
            return self.other
        if audience == "intake":
            return self.intake or self.self_
        return self.self_


class ForAudienceMethods:
    __slots__ = ()

    def get(self, audience: str) -> str:
        return {"self": self.self_, "other": self.other, "intake": self.intake}[audience]


class StepsForAudienceMethods:
    __slots__ = ()

    def get(self, audience: str) -> list[str]:
        return {"self": self.self_, "other": self.other, "intake": self.intake}[audience]


class RedFlagMethods:
    __slots__ = ()

    def advice(self, when: str) -> FlagAdvice | None:
        return self.now if when == "now" else self.recent


class AnswerAtMethods:
    __slots__ = ()

    def holds(self, item: Item, answer: Answer | None) -> bool | None:
        """True or False for an answer; None when unanswered or "Don't know"."""
        level = item.level_of(answer)
        if level is None:
            return None
        if self.any_of is not None:
            return any(o.value in self.any_of for o in item.chosen(answer))
        return level >= self.from_level


class ItemMethods:
    __slots__ = ()

    @property
    def max_level(self) -> int:
        top = max(o.level for o in self.options)
        return self.scale if self.multiple and self.combine == "sum" and self.scale else top

    def option(self, value: Answer) -> Option | None:
        return next((o for o in self.options if o.value == value), None) if isinstance(value, int) else None

    def chosen(self, answer: Answer | None) -> list[Option]:
        """The options an answer picks (none for "Don't know" or no answer)."""
        if answer is None or answer == DONT_KNOW:
            return []
        values = answer if isinstance(answer, tuple) else (answer,)
        return [o for o in self.options if o.value in values]

    def level_of(self, answer: Answer | None) -> int | None:
        """How concerning an answer is on this item's scale; None when unanswered or "Don't know"."""
        chosen = self.chosen(answer)
        if not chosen:
            return None
        if self.multiple and self.combine == "sum":
            return min(sum(o.level for o in chosen), self.max_level)
        return max(o.level for o in chosen)

    def option_signs(self, option: Option) -> list[str]:
        return self.signs if option.signs is None else option.signs

    def flag_when(self, option: Option) -> str:
        return option.when or self.when or "recent"

    @property
    def red_flags(self) -> list[str]:
        return list(dict.fromkeys(o.red_flag for o in self.options if o.red_flag))

    def asked_in(self, audience: str, prescribed: bool) -> bool:
        if audience not in self.audiences or self.text.for_audience(audience) is None:
            return False
        return self.prescribed == "any" or (self.prescribed == "yes") == prescribed

    def wording(self, audience: str, region: str | None = None) -> tuple[str, list[str]]:
        """The question text and option labels as this audience and region see them."""
        text = self.text
        labels = [o.label_other if audience == "other" and o.label_other else o.label for o in self.options]
        variant = self.region_variants.get(region or "")
        if variant:
            text = variant.text or text
            labels = variant.labels or labels
        return text.for_audience(audience) or text.self_, labels


class InstrumentMethods:
    __slots__ = ()

    @property
    def max_score(self) -> int:
        return sum(i.max_level if self.scoring == "sum" else 1 for i in self.items)


class MenuMethods:
    __slots__ = ()

    def for_audience(self, audience: str) -> list[MenuOption]:
        return [o for o in self.options if audience in o.audiences]

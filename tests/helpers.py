"""Small builders shared by tests: answer sets made from the content, not hard-coded ids."""

from __future__ import annotations

from ketacheck import scoring, submission
from ketacheck.loader import Content


def score(content: Content, answers: dict[str, int], **context) -> scoring.Result:
    data = {"audience": "self", "region": "US", "prescribed": False, "sex": "unspecified", **context}
    return scoring.score(submission.parse({**data, "answers": answers}, content), content)


def at_level(content: Content, item_id: str, level: int) -> int:
    """The value of the item's option at `level` (or its highest level if it has fewer)."""
    item = content.items[item_id]
    top = min(level, item.max_level)
    return next(o.value for o in item.options if o.level == top)


def top(content: Content, item_id: str) -> int:
    return at_level(content, item_id, content.items[item_id].max_level)


def yes_to(content: Content, instrument: str, numbers: list[int]) -> dict[str, int]:
    """dsm5_k-style answers: 1 for the given item numbers, 0 for the rest."""
    items = content.instruments[instrument].items
    return {i.id: int(content.item_number(i.id) in numbers) for i in items}

"""Small builders shared by tests: answer sets made from the content, not hard-coded ids."""

from __future__ import annotations

import socket

from ketacheck import scoring, submission
from ketacheck.loader import Content
from ketacheck.model import DONT_KNOW, Item


def score(content: Content, answers: dict, **context) -> scoring.Result:
    data = {"audience": "self", "region": "US", "prescribed": False, "sex": "unspecified", **context}
    return scoring.score(submission.parse({**data, "answers": answers}, content), content)


def option_at(item: Item, level: int, flagged: bool = False):
    """The first option at the highest level up to `level`; red-flag options only when asked for."""
    options = [o for o in item.options if flagged or not o.red_flag]
    fitting = [o for o in options if o.level <= level]  # levels may skip (multiple choice)
    return max(fitting, key=lambda o: o.level) if fitting else min(options, key=lambda o: o.level)


def at_level(content: Content, item_id: str, level: int):
    """An answer-file value at `level`: the option's value, or a one-option list for multiple choice."""
    item = content.items[item_id]
    value = option_at(item, level).value
    return [value] if item.multiple else value


def top(content: Content, item_id: str):
    """The most concerning answer that raises no red flag: every such option, for multiple choice."""
    item = content.items[item_id]
    if item.multiple:
        return [o.value for o in item.options if not o.exclusive and not o.red_flag] or at_level(content, item_id, 0)
    return at_level(content, item_id, item.max_level)


def lowest(content: Content, audience: str = "self", prescribed: bool = False, stage: str = "core") -> dict:
    """Every question of the stage answered with its least concerning option (as a person would)."""
    items = content.core(audience, prescribed) if stage == "core" else content.flow(audience, prescribed)
    answers: dict = {}
    for item in items:  # in order, so gates are answered before what they gate
        if scoring.visible(item, answers, content):
            answers[item.id] = at_level(content, item.id, 0)
    return answers


def yes_to(content: Content, instrument: str, numbers: list[int]) -> dict[str, int]:
    """dsm5_k-style answers: 1 for the given item numbers, 0 for the rest."""
    items = content.instruments[instrument].items
    return {i.id: int(content.item_number(i.id) in numbers) for i in items}


def value_for(item: Item, label: str | list[str]):
    """An answer from the label(s) a person sees: first-person or loved-one wording, or Don't know."""
    if label == "Don't know":
        return DONT_KNOW
    labels = label if isinstance(label, list) else [label]
    values = []
    for text in labels:
        option = next((o for o in item.options if text in (o.label, o.label_other)), None)
        assert option is not None, f"{item.id}: no option labelled {text!r}"
        values.append(option.value)
    return sorted(values) if item.multiple else values[0]


def rest_value(item: Item, how: str):
    """The least concerning option ("lowest"), or the mildest concerning one ("lowest_nonzero")."""
    options = [o for o in item.options if not o.red_flag]
    if how == "lowest_nonzero" and any(o.level > 0 for o in options):
        option = min((o for o in options if o.level > 0), key=lambda o: o.level)
    else:
        option = min(options, key=lambda o: o.level)
    return [option.value] if item.multiple else option.value


def raw_response(port: int, data: bytes) -> bytes:
    """What a server answers to bytes that are not a proper request, read to the end."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(data)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)

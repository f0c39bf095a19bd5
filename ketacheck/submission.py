"""A person's answers and context, checked against the content before anything is scored.

Input may come from a file, stdin or (later) an upload, so nothing about it is trusted: every
problem is reported on its own line naming the key, and nothing is scored until all are fixed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .loader import Content
from .model import AUDIENCES, DONT_KNOW, SEXES, Answer, Item

MAX_INPUT_BYTES = 256 * 1024
ALLOWED_KEYS = ("audience", "region", "prescribed", "sex", "answers", "plan", "language", "schema_version")


MAX_PROBLEMS_SHOWN = 20  # a file with 26,000 unknown keys gets 20 lines and a count, not 26,000 lines


class InputError(Exception):
    """The input cannot be scored; `problems` has one plain line per problem, at most
    MAX_PROBLEMS_SHOWN of them and then one line saying how many more there were."""

    def __init__(self, problems: list[str]):
        if len(problems) > MAX_PROBLEMS_SHOWN + 1:
            more = len(problems) - MAX_PROBLEMS_SHOWN
            problems = [*problems[:MAX_PROBLEMS_SHOWN], f"... and {more:,} more problems"]
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Submission:
    audience: str = "self"
    region: str = "INTL"
    prescribed: bool = False
    sex: str = "unspecified"
    # An option's value; a tuple of values for a multiple-choice item; or DONT_KNOW.
    answers: dict[str, Answer] = field(default_factory=dict)
    # False when a loved one answered "Don't know" to "is it prescribed?": asked as not prescribed,
    # and tolerance counts (nothing says the use is only under medical supervision).
    prescribed_known: bool = True
    # The steps the person chose from the menu (feedback.yaml menu option ids), in their order.
    plan: tuple[str, ...] = ()
    # The language the person answered in (the answer file records it; import restores it).
    language: str = "en"

    @property
    def prescribed_answer(self) -> bool | str:
        """As an answer file writes it: true, false, or "dont_know"."""
        return self.prescribed if self.prescribed_known else DONT_KNOW


def describe(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are all different: with a key twice, which value is meant?"""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKey(key)
        out[key] = value
    return out


def decode_utf8(data: bytes) -> str:
    """Bytes to text: UTF-8 only (a leading byte-order mark allowed), as the import page reads them."""
    wide = " (it looks like UTF-16 or UTF-32: save it as UTF-8)"
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise InputError(["input is not UTF-8 text" + (wide if data[:2] in (b"\xff\xfe", b"\xfe\xff") or
                                                       b"\0" in data[:4] else "")]) from None
    if "\0" in text:  # valid UTF-8, but JSON never holds a raw NUL: UTF-16 or UTF-32 without a mark
        raise InputError(["input is not UTF-8 text" + wide])
    return text


def parse_json(text: str | bytes) -> Any:
    """JSON text to Python, with one clear line for anything that is not a JSON document."""
    if len(text) > MAX_INPUT_BYTES:
        raise InputError([f"input is too large ({len(text)} bytes; the limit is {MAX_INPUT_BYTES})"])
    if isinstance(text, bytes):
        text = decode_utf8(text)  # json.loads would also take UTF-16 and UTF-32, which the page refuses
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except RecursionError:
        raise InputError(["input is nested too deeply to be a KetaCheck answer file"]) from None
    except DuplicateKey as exc:
        raise InputError([f"the key {describe(str(exc))} appears twice in one object: which value is meant?"]) from None
    except ValueError as exc:  # JSONDecodeError, and over-long integers
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise InputError([f"input is not valid JSON{where}: {reason}"]) from None


def parse(raw: Any, content: Content) -> Submission:
    """Check a decoded answer document; raise InputError listing every problem."""
    if not isinstance(raw, dict):
        raise InputError([f"input must be a JSON object with an 'answers' key, not {type(raw).__name__}"])
    problems: list[str] = []
    for key in raw:
        if key not in ALLOWED_KEYS:
            problems.append(f"{describe(key)}: unknown key (expected {', '.join(ALLOWED_KEYS)})")

    audience = raw.get("audience", "self")
    if audience not in AUDIENCES:
        problems.append(f"audience: must be one of {', '.join(AUDIENCES)} (got {describe(audience)})")
    region = raw.get("region", "INTL")
    if not isinstance(region, str) or region not in content.regions:
        problems.append(f"region: must be one of {', '.join(content.regions)} (got {describe(region)})")
    prescribed = raw.get("prescribed", False)
    known = prescribed != DONT_KNOW
    if not known and audience in content.dont_know.audiences:
        prescribed = False
    elif not isinstance(prescribed, bool):
        others = f' (or "{DONT_KNOW}" for a loved one\'s check)' if audience in content.dont_know.audiences or not known else ""
        problems.append(f"prescribed: must be true or false{others} (got {describe(prescribed)})")
    language = raw.get("language", "en")
    if not isinstance(language, str) or language not in _languages(content):
        problems.append(f"language: must be one of {', '.join(_languages(content))} (got {describe(language)})")
    sex = raw.get("sex", "unspecified")
    if sex not in SEXES:
        problems.append(f"sex: must be one of {', '.join(SEXES)} (got {describe(sex)})")

    answers_raw = raw.get("answers")
    answers: dict[str, Answer] = {}
    if answers_raw is None:
        problems.append("answers: required (an object of item id to value)")
    elif not isinstance(answers_raw, dict):
        problems.append(f"answers: must be an object of item id to value (got {type(answers_raw).__name__})")
    else:
        dont_know_ok = audience in content.dont_know.audiences
        for item_id, value in answers_raw.items():
            item = content.items.get(item_id)
            if item is None:
                problems.append(f"answers.{describe(item_id)}: unknown item id")
                continue
            answer, problem = _answer(item, value, dont_know_ok)
            if problem:
                problems.append(f"answers.{item_id}: {problem}")
            else:
                answers[item_id] = answer
    plan = _plan(raw.get("plan", []), audience, content, problems)
    if problems:
        raise InputError(problems)
    return Submission(audience=audience, region=region, prescribed=prescribed, sex=sex, answers=answers,
                      prescribed_known=known, plan=plan, language=language)


def _languages(content: Content) -> list[str]:
    from . import translations  # the languages whose catalogs are beside this content

    return translations.languages(content.directory)


def _plan(raw: Any, audience: str, content: Content, problems: list[str]) -> tuple[str, ...]:
    """The steps chosen from the menu: known option ids for this audience, at most max_plan."""
    menu = content.feedback.menu
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        problems.append(f"plan: must be a list of option ids (got {describe(raw)})")
        return ()
    known = {o.id for o in menu.for_audience(audience)} if audience in AUDIENCES else set()
    bad = [x for x in raw if x not in known]
    if bad:
        problems.append(f"plan: {describe(bad)} not an option for this check (options are {', '.join(sorted(known))})")
    if len(set(raw)) != len(raw):
        problems.append(f"plan: an option is repeated in {describe(raw)}")
    if len(raw) > menu.max_plan:
        problems.append(f"plan: at most {menu.max_plan} steps (got {len(raw)})")
    return tuple(raw)


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # bool is an int in Python


def _answer(item: Item, value: Any, dont_know_ok: bool) -> tuple[Answer, str | None]:
    """The answer as scored, or a problem in plain words."""
    allowed = ", ".join(str(o.value) for o in item.options)
    if value == DONT_KNOW:
        if dont_know_ok:
            return DONT_KNOW, None
        return DONT_KNOW, f'"{DONT_KNOW}" is offered only to a family member or friend (audience "other")'
    if isinstance(value, tuple):  # a Python caller's tuple reads as a JSON list
        value = list(value)
    if not item.multiple:
        if isinstance(value, list):
            return 0, f"takes one value, not a list (one of {allowed})"
        if not _is_whole(value):
            return 0, f"value must be a whole number, one of {allowed} (got {describe(value)})"
        if item.option(value) is None:
            return 0, f"value {describe(value)} is not an option (one of {allowed})"
        return value, None
    if not isinstance(value, list):
        return (), f"several answers are allowed: give a list of values from {allowed} (got {describe(value)})"
    if not value:
        return (), f'the list is empty: choose at least one value from {allowed}, or "None of these"'
    if len(value) > len(item.options):
        return (), f"the list has {len(value)} values; there are only {len(item.options)} options"
    bad = [v for v in value if not _is_whole(v) or item.option(v) is None]
    if bad:
        return (), f"{describe(bad)} not an option (values are {allowed})"
    if len(set(value)) != len(value):
        return (), f"a value is repeated in {describe(value)}"
    exclusive = [item.option(v) for v in value if item.option(v).exclusive]
    if exclusive and len(value) > 1:
        return (), f'"{exclusive[0].label}" ({exclusive[0].value}) cannot be combined with other answers'
    return tuple(sorted(value)), None


def parse_text(text: str | bytes, content: Content) -> Submission:
    return parse(parse_json(text), content)

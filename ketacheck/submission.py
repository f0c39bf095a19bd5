"""A person's answers and context, checked against the content before anything is scored.

Input may come from a file, stdin or (later) an upload, so nothing about it is trusted: every
problem is reported on its own line naming the key, and nothing is scored until all are fixed.

Each line is a `Line`: the English (it is a `str`, so the command line prints it and tests compare
it as it is) that also keeps its template, so a page can say it in the person's language
(`translated(line, content.ui.gettext)`). The templates are msgids in locale/ui.pot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from .content import Content
from .translations import N_
from .model import AUDIENCES, DONT_KNOW, SEXES

if TYPE_CHECKING:  # annotations only: no pydantic on the command line's cached path
    from .model import Answer, Item

MAX_INPUT_BYTES = 256 * 1024
ALLOWED_KEYS = ("audience", "region", "prescribed", "sex", "answers", "plan", "language", "schema_version")


MAX_PROBLEMS_SHOWN = 20  # a file with 26,000 unknown keys gets 20 lines and a count, not 26,000 lines


class Line(str):
    """One problem as a person reads it. The str is the English; `msgid` is its template (English
    with `{named}` placeholders, a msgid in locale/ui.pot: `Line` is an extraction keyword, so the
    template must be a plain string literal, never an f-string) and `fields` the values it was
    filled with. Values are data (keys, numbers, values quoted from the file, type names) and stay
    as they are, except a value that is itself a Line, which is translated too."""

    msgid: str
    fields: dict[str, Any]

    def __new__(cls, msgid: str, **fields: Any) -> Line:
        self = super().__new__(cls, msgid.format(**fields))
        self.msgid = msgid
        self.fields = fields
        return self

    def __reduce__(self) -> tuple:
        return _line, (self.msgid, self.fields)

    def translate(self, gettext: Callable[[str], str]) -> str:
        """This line in the language of `gettext` (a Translator's: English when it has no entry)."""
        return gettext(self.msgid).format(**{k: translated(v, gettext) for k, v in self.fields.items()})


def _line(msgid: str, fields: dict[str, Any]) -> Line:
    return Line(msgid, **fields)


def translated(problem: Any, gettext: Callable[[str], str]) -> Any:
    """A problem line in the language of `gettext`; anything that is not a Line is returned as it is."""
    return problem.translate(gettext) if isinstance(problem, Line) else problem


class InputError(Exception):
    """The input cannot be scored; `problems` has one plain line per problem (a `Line`), at most
    MAX_PROBLEMS_SHOWN of them and then one line saying how many more there were."""

    def __init__(self, problems: list[str]):
        if len(problems) > MAX_PROBLEMS_SHOWN + 1:
            more = len(problems) - MAX_PROBLEMS_SHOWN
            problems = [*problems[:MAX_PROBLEMS_SHOWN], Line("... and {more:,} more problems", more=more)]
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


def not_utf8() -> Line:
    return Line("input is not UTF-8 text")


def _wide() -> Line:
    return Line("input is not UTF-8 text (it looks like UTF-16 or UTF-32: save it as UTF-8)")


def decode_utf8(data: bytes) -> str:
    """Bytes to text: UTF-8 only (a leading byte-order mark allowed), as the import page reads them."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        wide = data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\0" in data[:4]
        raise InputError([_wide() if wide else not_utf8()]) from None
    if "\0" in text:  # valid UTF-8, but JSON never holds a raw NUL: UTF-16 or UTF-32 without a mark
        raise InputError([_wide()])
    return text


def too_large(size: int, limit: int) -> Line:
    return Line("input is too large ({size} bytes; the limit is {limit})", size=size, limit=limit)


# What Python's JSON parser says is wrong (JSONDecodeError.msg), for the catalog; a reason not
# listed here (another Python's wording) is shown as Python says it.
JSON_REASONS = (
    N_("Expecting value"), N_("Expecting property name enclosed in double quotes"), N_("Expecting ':' delimiter"),
    N_("Expecting ',' delimiter"), N_("Extra data"), N_("Unterminated string starting at"),
    N_("Invalid control character at"), N_("Invalid \\escape"), N_("Invalid \\uXXXX escape"),
)


def _json_reason(text: str) -> str:
    return Line(text) if text in JSON_REASONS else text  # (no braces in any of them)


def parse_json(text: str | bytes) -> Any:
    """JSON text to Python, with one clear line for anything that is not a JSON document."""
    if len(text) > MAX_INPUT_BYTES:
        raise InputError([too_large(len(text), MAX_INPUT_BYTES)])
    if isinstance(text, bytes):
        text = decode_utf8(text)  # json.loads would also take UTF-16 and UTF-32, which the page refuses
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except RecursionError:
        raise InputError([Line("input is nested too deeply to be a KetaCheck answer file")]) from None
    except DuplicateKey as exc:
        raise InputError([Line("the key {key} appears twice in one object: which value is meant?",
                               key=describe(str(exc)))]) from None
    except json.JSONDecodeError as exc:
        raise InputError([Line("input is not valid JSON (line {line}, column {column}): {reason}", line=exc.lineno,
                               column=exc.colno, reason=_json_reason(exc.msg))]) from None
    except ValueError as exc:  # over-long integers
        raise InputError([Line("input is not valid JSON: {reason}", reason=str(exc))]) from None


def parse(raw: Any, content: Content) -> Submission:
    """Check a decoded answer document; raise InputError listing every problem."""
    if not isinstance(raw, dict):
        raise InputError([Line("input must be a JSON object with an 'answers' key, not {type}",
                               type=type(raw).__name__)])
    problems: list[str] = []
    for key in raw:
        if key not in ALLOWED_KEYS:
            problems.append(Line("{key}: unknown key (expected {keys})", key=describe(key),
                                 keys=", ".join(ALLOWED_KEYS)))

    def one_of(name: str, choices: Any, got: Any) -> None:
        # TRANSLATORS: {field} is an answer file key (audience, region, language, sex), as it is.
        problems.append(Line("{field}: must be one of {choices} (got {got})", field=name, choices=", ".join(choices),
                             got=describe(got)))

    audience = raw.get("audience", "self")
    if audience not in AUDIENCES:
        one_of("audience", AUDIENCES, audience)
    region = raw.get("region", "INTL")
    if not isinstance(region, str) or region not in content.regions:
        one_of("region", content.regions, region)
    prescribed = raw.get("prescribed", False)
    known = prescribed != DONT_KNOW
    if not known and audience in content.dont_know.audiences:
        prescribed = False
    elif not isinstance(prescribed, bool):
        if audience in content.dont_know.audiences or not known:
            problems.append(Line('prescribed: must be true or false (or "{dont_know}" for a loved one\'s check) '
                                 '(got {got})', dont_know=DONT_KNOW, got=describe(prescribed)))
        else:
            problems.append(Line("prescribed: must be true or false (got {got})", got=describe(prescribed)))
    language = raw.get("language", "en")
    if not isinstance(language, str) or language not in _languages(content):
        one_of("language", _languages(content), language)
    sex = raw.get("sex", "unspecified")
    if sex not in SEXES:
        one_of("sex", SEXES, sex)

    answers_raw = raw.get("answers")
    answers: dict[str, Answer] = {}
    if answers_raw is None:
        problems.append(Line("answers: required (an object of item id to value)"))
    elif not isinstance(answers_raw, dict):
        problems.append(Line("answers: must be an object of item id to value (got {type})",
                             type=type(answers_raw).__name__))
    else:
        dont_know_ok = audience in content.dont_know.audiences
        for item_id, value in answers_raw.items():
            item = content.items.get(item_id)
            if item is None:
                problems.append(Line("answers.{item}: unknown item id", item=describe(item_id)))
                continue
            answer, problem = _answer(item, value, dont_know_ok)
            if problem:
                # TRANSLATORS: {item} is a question id; {problem} is one of the lines about an answer.
                problems.append(Line("answers.{item}: {problem}", item=item_id, problem=problem))
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
        problems.append(Line("plan: must be a list of option ids (got {got})", got=describe(raw)))
        return ()
    known = {o.id for o in menu.for_audience(audience)} if audience in AUDIENCES else set()
    bad = [x for x in raw if x not in known]
    if bad:
        problems.append(Line("plan: {bad} not an option for this check (options are {options})", bad=describe(bad),
                             options=", ".join(sorted(known))))
    if len(set(raw)) != len(raw):
        problems.append(Line("plan: an option is repeated in {plan}", plan=describe(raw)))
    if len(raw) > menu.max_plan:
        problems.append(Line("plan: at most {max} steps (got {count})", max=menu.max_plan, count=len(raw)))
    return tuple(raw)


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # bool is an int in Python


def _answer(item: Item, value: Any, dont_know_ok: bool) -> tuple[Answer, Line | None]:
    """The answer as scored, or a problem in plain words."""
    allowed = ", ".join(str(o.value) for o in item.options)
    if value == DONT_KNOW:
        if dont_know_ok:
            return DONT_KNOW, None
        return DONT_KNOW, Line('"{dont_know}" is offered only to a family member or friend (audience "other")',
                               dont_know=DONT_KNOW)
    if isinstance(value, tuple):  # a Python caller's tuple reads as a JSON list
        value = list(value)
    if not item.multiple:
        if isinstance(value, list):
            return 0, Line("takes one value, not a list (one of {allowed})", allowed=allowed)
        if not _is_whole(value):
            return 0, Line("value must be a whole number, one of {allowed} (got {got})", allowed=allowed,
                           got=describe(value))
        if item.option(value) is None:
            return 0, Line("value {got} is not an option (one of {allowed})", got=describe(value), allowed=allowed)
        return value, None
    if not isinstance(value, list):
        return (), Line("several answers are allowed: give a list of values from {allowed} (got {got})",
                        allowed=allowed, got=describe(value))
    if not value:
        return (), Line('the list is empty: choose at least one value from {allowed}, or "None of these"',
                        allowed=allowed)
    if len(value) > len(item.options):
        return (), Line("the list has {count} values; there are only {options} options", count=len(value),
                        options=len(item.options))
    bad = [v for v in value if not _is_whole(v) or item.option(v) is None]
    if bad:
        return (), Line("{values} not an option (values are {allowed})", values=describe(bad), allowed=allowed)
    if len(set(value)) != len(value):
        return (), Line("a value is repeated in {values}", values=describe(value))
    exclusive = [item.option(v) for v in value if item.option(v).exclusive]
    if exclusive and len(value) > 1:
        # TRANSLATORS: {label} is the answer's own words, already in the person's language.
        return (), Line('"{label}" ({value}) cannot be combined with other answers', label=exclusive[0].label,
                        value=exclusive[0].value)
    return tuple(sorted(value)), None


def parse_text(text: str | bytes, content: Content) -> Submission:
    return parse(parse_json(text), content)

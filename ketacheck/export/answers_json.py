"""KetaCheck's own answer file (JSON): context, answers and the result as shown, versioned.

On import the answers are checked and scored again; the stored result is never trusted."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..content import Content
from ..scoring import Result
from ..submission import InputError, Line, Submission, describe, parse

# 2: check v2 (multiple-choice answers as lists, "dont_know", new question ids). Version 1 files hold
# answers to questions that no longer exist, so they are refused with a plain reason.
SCHEMA_VERSION = 2
KIND = "ketacheck.answers"
EXPORT_KEYS = ("schema_version", "kind", "created", "audience", "region", "prescribed", "sex", "language", "answers", "plan",
               "result")
_ANSWER_KEYS = ("audience", "region", "prescribed", "sex", "answers", "plan", "language")


def to_json(sub: Submission, result: Result, content: Content, today: dt.date | None = None) -> dict:
    """The answer file: context, answers (in question order), the chosen plan and the result as it was shown.

    `created` is a date only, no time of day: less to identify a person by."""
    order = [i for i in content.items if i in sub.answers] + [i for i in sub.answers if i not in content.items]
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": KIND,
        "created": (today or dt.date.today()).isoformat(),
        "audience": sub.audience,
        "region": sub.region,
        "prescribed": sub.prescribed_answer,  # true, false, or "dont_know" (a loved one who does not know)
        "sex": sub.sex,
        "language": sub.language,  # the language the check was answered in
        "answers": {k: list(sub.answers[k]) if isinstance(sub.answers[k], tuple) else sub.answers[k] for k in order},
        "plan": list(sub.plan),  # the steps the person chose from the menu; only ever in this file
        "result": result.to_dict(),
    }


def from_json(data: Any, content: Content) -> Submission:
    """A KetaCheck answer file back to a Submission; raises InputError with one line per problem.

    `kind`, `created` and `result` may be left out (a hand-written answer file with a
    `schema_version` is read too); `result` is never trusted: the caller scores the answers again."""
    if not isinstance(data, dict):
        raise InputError([Line("input must be a JSON object (a KetaCheck answer file), not {type}",
                               type=type(data).__name__)])
    if "schema_version" not in data:
        raise InputError([Line("schema_version: missing (a KetaCheck answer file says which version it is; this "
                               "KetaCheck reads {version})", version=SCHEMA_VERSION)])
    version = data["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise InputError([Line("schema_version: must be a whole number (got {got})", got=describe(version))])
    if version == 1:
        raise InputError([Line("schema_version 1 is from an earlier KetaCheck whose questions have since changed, so "
                               "its answers cannot be scored again (this KetaCheck reads {version}); please take the "
                               "check again", version=SCHEMA_VERSION)])
    if version != SCHEMA_VERSION:
        raise InputError([Line("schema_version {got} is not supported (this KetaCheck reads {version})", got=version,
                               version=SCHEMA_VERSION)])
    kind = data.get("kind", KIND)
    if kind != KIND:
        raise InputError([Line("kind: must be {kind} (got {got})", kind=repr(KIND), got=describe(kind))])

    problems: list[str] = []
    for key in data:
        if key not in EXPORT_KEYS:
            problems.append(Line("{key}: unknown key (a KetaCheck answer file has {keys})", key=describe(key),
                                 keys=", ".join(EXPORT_KEYS)))
    created = data.get("created")
    if created is not None and not (isinstance(created, str) and _is_iso_date(created)):
        problems.append(Line("created: must be a date like 2026-01-31 (got {got})", got=describe(created)))
    if "result" in data and not isinstance(data["result"], dict):
        problems.append(Line("result: must be an object (got {type})", type=type(data["result"]).__name__))
    return parse_after(problems, {k: data[k] for k in _ANSWER_KEYS if k in data}, content)


def parse_after(problems: list[str], doc: dict, content: Content) -> Submission:
    """Check the answers too, then report every problem found so far in one InputError."""
    try:
        sub = parse(doc, content)
    except InputError as exc:
        raise InputError(problems + exc.problems) from None
    if problems:
        raise InputError(problems)
    return sub


def _is_iso_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True

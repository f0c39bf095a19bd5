"""The one entry point for an uploaded file (`load_import`), trusted for nothing: size, encoding,
nesting and number limits are checked before anything else looks at it, then it is read as a
KetaCheck answer file or a FHIR QuestionnaireResponse. Every problem is one plain line."""

from __future__ import annotations

import math
import re
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..content import Content
from ..submission import (MAX_INPUT_BYTES, InputError, Line, Submission, decode_utf8, describe, not_utf8, parse_json,
                          too_large)
from .answers_json import from_json

# Limits for imported files (the byte limit is submission.MAX_INPUT_BYTES).
MAX_DEPTH = 20
MAX_NUMBER = 10**6
MAX_PROBLEMS = 10  # lines about numbers; a file with thousands of bad numbers gets a count, not a flood


# One left-to-right pass: a string (to its closing quote, or to the end of an unterminated one, so
# the match can never fail and backtrack), a bracket, or a long run of digits outside strings.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)|[\[\]{}]|\d{40,}', re.DOTALL)


def _prescan(text: str) -> None:
    """Depth and number size from the text itself, before the (recursive) JSON parser sees it.
    Linear in the size of the text, whatever it holds."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token[0] == '"':
            continue
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError([Line("input is nested too deeply (more than {max} levels)", max=MAX_DEPTH)])
        elif token in "]}":
            depth -= 1
        else:
            raise InputError([Line("input holds a number with {digits} digits: value too large (the limit is {limit})",
                                   digits=len(token), limit=MAX_NUMBER)])


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.\-]{1,40}")


def _key(key: Any) -> str:
    """A key as a problem line names it: plain ids as they are, anything else quoted and cut short
    (never raw: a key could hold terminal escape sequences or markup)."""
    text = str(key)
    return text if _PLAIN_KEY.fullmatch(text) else describe(text)


def _whole() -> Line:
    # TRANSLATORS: where a problem line names its place: the whole file (a JSON document that is one number).
    return Line("input")


def _check_numbers(data: Any) -> None:
    """Every number within +-MAX_NUMBER and finite; walked iteratively, one line per number."""
    problems: list[str] = []
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            stack.extend((v, f"{path}.{_key(k)}" if path else _key(k)) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((v, f"{path}[{i}]") for i, v in reversed(list(enumerate(node))))
        elif isinstance(node, bool):
            continue
        elif isinstance(node, float) and not math.isfinite(node):
            problems.append(Line("{path}: NaN and Infinity are not numbers KetaCheck accepts", path=path or _whole()))
        elif isinstance(node, (int, float)) and abs(node) > MAX_NUMBER:
            problems.append(Line("{path}: value too large (the limit is {limit})", path=path or _whole(),
                                 limit=MAX_NUMBER))
    # A count, never "1 more": one more line is shown instead.
    if len(problems) > MAX_PROBLEMS + 1:
        problems = [*problems[:MAX_PROBLEMS],
                    Line("... and {more} more numbers too large", more=len(problems) - MAX_PROBLEMS)]
    if problems:
        raise InputError(problems)


def read_json(raw: bytes | str, limit: int = MAX_INPUT_BYTES) -> Any:
    """Untrusted JSON (an upload, a file on the command line, the tab's copy) to Python, trusted for
    nothing: size, UTF-8, nesting depth, number size, then JSON syntax and duplicate keys. Raises
    InputError with one plain line."""
    if isinstance(raw, str):
        if len(raw) > limit:  # at least this many bytes; skip encoding something huge
            raise InputError([Line("input is too large (over {limit} bytes; the limit is {limit})", limit=limit)])
        try:
            raw = raw.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError([not_utf8()]) from None
    if len(raw) > limit:
        raise InputError([too_large(len(raw), limit)])
    text = decode_utf8(raw)
    if not text.strip():
        raise InputError([Line("input is empty")])
    _prescan(text)
    data = parse_json(text)
    _check_numbers(data)
    return data


def from_fhir(data: Any, content: Content) -> Submission:
    """`fhir_import.from_fhir`, imported only when a FHIR file comes: a plain answer file (the
    `score` command's usual input) never loads the FHIR modules."""
    from .fhir_import import from_fhir as read

    return read(data, content)


def from_data(data: Any, content: Content) -> Submission:
    """Checked JSON (read_json) to a Submission: KetaCheck JSON (has `schema_version`; a file with
    `kind` or `answers` but no version is read as one, to say the version is missing) or a FHIR
    QuestionnaireResponse."""
    if isinstance(data, dict) and any(key in data for key in ("schema_version", "kind", "answers")):
        return from_json(data, content)  # says what is wrong when schema_version is missing
    if isinstance(data, dict) and data.get("resourceType") == "QuestionnaireResponse":
        return from_fhir(data, content)
    if isinstance(data, dict) and "resourceType" in data:
        raise InputError([Line("not a KetaCheck or FHIR QuestionnaireResponse file (it is a FHIR {kind})",
                               kind=describe(data["resourceType"]))])
    raise InputError([Line("not a KetaCheck or FHIR QuestionnaireResponse file")])


def load_import(raw: bytes | str, content: Content) -> Submission:
    """An uploaded file, trusted for nothing, to a Submission (read_json, then from_data). Raises
    InputError with one plain line per problem (values are quoted, never rendered)."""
    return guarded(lambda: from_data(read_json(raw), content))


def guarded(read: Callable[[], Submission]) -> Submission:
    """Whatever a file holds, the person gets a line, never a traceback, and the page keeps its
    buttons: a reader that fails in a way nobody foresaw says so as a problem. The log names the
    failure's type and place only (never a value from the file)."""
    try:
        return read()
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug in a reader must not become the person's problem
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        import logging  # only for a failure nobody foresaw: `score` never pays for the logging module

        logging.getLogger(__name__).error("reading a file failed unexpectedly: %s at %s:%s", type(exc).__name__,
                                          Path(frame.filename).name, frame.lineno)
        raise InputError([Line("this file could not be read (KetaCheck did not expect what it holds); nothing from it "
                               "is used")]) from None

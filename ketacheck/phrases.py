"""The engine's sentences (phrases.yaml): which phrases exist, what each is filled with, and `say`.

The engine never writes its own words: it names a phrase and gives the values. `REGISTRY` is the
contract the loader holds phrases.yaml to (every phrase present, none unknown, the same
placeholders), so a wording change or a translation cannot drop a number the sentence needs.
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .content import Content
    from .model.phrases import Phrases


# phrase -> its placeholders. A phrase with "n" among them has `one` and `other` forms.
REGISTRY: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in {
    "list.comma": (),
    "list.and": ("a", "b"),
    "reason.red_flag.emergency": ("flags",),
    "reason.red_flag.same_day": ("flags",),
    "reason.criteria": ("n", "total", "names", "meaning"),
    "reason.criteria.none": ("total",),
    "reason.many.harm": ("harms",),
    "reason.some.clear": ("signs",),
    "reason.some.doctor": ("what",),
    "reason.sign_answer": ("sign", "answer"),
    "reason.mix": ("what", "why"),
    "reason.mixed": ("what",),
    "reason.prescribed_unknown": (),
    "reason.solely_prescribed": (),
    "reason.incomplete": (),
    "reason.incomplete.missing": ("areas",),
    "reason.incomplete.so_far": ("level",),
    "basis.questions": ("n", "asked"),
    "basis.dont_know": ("n",),
    "basis.missing": ("areas",),
    "basis.criteria": ("n", "total"),
    "basis.criteria.open": ("n", "total", "open"),
    "basis.line": ("questions", "criteria"),
    "not_a_diagnosis": (),
    "status.validated": (),
    "status.based_on": (),
    "status.derived": (),
    "status.translated": (),
    "verdict.cutoff.above": ("score", "max", "cutoff"),
    "verdict.cutoff.below": ("score", "max", "cutoff"),
    "verdict.band.above": ("score", "max", "band", "cutoff"),
    "verdict.band.below": ("score", "max", "band", "cutoff"),
    "verdict.criteria": ("n", "total", "band"),
    "verdict.criteria.partial": ("n", "total", "open", "band"),
    "verdict.no_cutoff": ("score", "max"),
    "verdict.no_cutoff.refs": ("score", "max", "refs"),
    "verdict.ref_cutoff": ("at", "population"),
    "facts.hours": ("hours",),
    "facts.cost": ("cost",),
    "facts.checked": ("date",),
    "facts.checked_against": ("date", "what"),
}.items()}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def problems(phrases: Phrases) -> list[tuple[str, str]]:
    """(phrase, what is wrong) for phrases.yaml against the registry."""
    out = []
    for key in sorted(set(REGISTRY) - set(phrases.phrases)):
        out.append((key, "phrase is missing"))
    for key, value in phrases.phrases.items():
        if key not in REGISTRY:
            out.append((key, "unknown phrase"))
            continue
        wanted = REGISTRY[key]
        plural = "n" in wanted
        if plural == isinstance(value, str):  # else `one` and `other` (model.phrases.Plural)
            out.append((key, "needs `one` and `other` forms (it counts {n})" if plural else "takes one text, not plural forms"))
            continue
        for form, text in ({"": value} if isinstance(value, str) else {"one": value.one, "other": value.other}).items():
            try:
                got = placeholders(text)
            except ValueError as exc:
                out.append((key, f"{form + ': ' if form else ''}{exc}"))
                continue
            # The `one` form may leave out {n} ("one criterion"); every other placeholder is required.
            need = wanted - {"n"} if form == "one" else wanted
            if not need <= got <= wanted:
                out.append((key, f"{form + ': ' if form else ''}placeholders {sorted(got)} should be {sorted(wanted)}"))
    return out


def say(content: Content, key: str, **fill: object) -> str:
    """The phrase filled in; `n` picks the plural form."""
    value = content.phrases.phrases[key]
    if not isinstance(value, str):  # plural forms
        value = value.one if fill.get("n") == 1 else value.other
    return value.format(**fill)


def join(content: Content, parts: list[str]) -> str:
    """"a", "a and b", "a, b and c" in the content's words."""
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return say(content, "list.and", a=say(content, "list.comma").join(parts[:-1]), b=parts[-1])

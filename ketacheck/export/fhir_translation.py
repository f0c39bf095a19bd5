"""The FHIR `translation` extension: one Questionnaire built in each language, walked in parallel,
and every string a person reads in the first given the others' words (fhir.py builds the trees)."""

from __future__ import annotations

from typing import Any

from ..content import Content

TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"


def other_languages(content: Content) -> dict[str, Content]:
    """The content in each other language whose catalogs load."""
    from .. import loader  # the loader (YAML, Babel) only for a Questionnaire in every language, not to read a file

    return {lang: c for lang, c in loader.in_every_language(content.directory).items() if lang != content.language}


class ShapeMismatch(RuntimeError):
    """The same Questionnaire built in two languages differs in more than its words: the content's
    structure drifted between languages (translations only ever replace strings)."""


def _read_here(path: tuple[str, ...]) -> bool:
    """Whether the string at `path` (the keys from the resource down, list positions left out) is
    one a person reads: the title and description, a question's text and prefix, an answer's
    words, a total's description. Code displays on `code` are published displays, not translated
    (nor is the copyright)."""
    if len(path) == 1:
        return path[0] in ("title", "description")
    *parents, key = path
    if parents[-1] == "item":
        return key in ("text", "prefix")
    if parents[-1] == "answerOption":
        return key == "valueString"
    if parents[-1] == "valueExpression":
        return key == "description"
    return key == "display" and parents[-2:] == ["answerOption", "valueCoding"]


def _read_strings(nodes: dict[str, Any], path: tuple[str, ...] = (), where: str = "Questionnaire"):
    """Walk one Questionnaire per language in parallel, yielding (the first tree's dict, key, the
    string in each language) for each string a person reads. Everything else must be the same in
    every language, or ShapeMismatch names where it differs."""
    first = next(iter(nodes.values()))
    if len({type(n) for n in nodes.values()}) > 1:
        kinds = ", ".join(f"{lang} has {type(n).__name__}" for lang, n in nodes.items())
        raise ShapeMismatch(f"{where}: {kinds}")
    if isinstance(first, dict):
        # A translated Questionnaire says its language; English, the default, does not.
        keys = {lang: [k for k in n if not (k == "language" and not path)] for lang, n in nodes.items()}
        if len({tuple(k) for k in keys.values()}) > 1:
            raise ShapeMismatch(f"{where}: keys differ: " + "; ".join(f"{lang} {k}" for lang, k in keys.items()))
        for key in next(iter(keys.values())):
            values = {lang: n[key] for lang, n in nodes.items()}
            if isinstance(first[key], str) and _read_here((*path, key)):
                yield first, key, values
            else:
                yield from _read_strings(values, (*path, key), f"{where}.{key}")
    elif isinstance(first, list):
        if len({len(n) for n in nodes.values()}) > 1:
            lengths = ", ".join(f"{lang} {len(n)}" for lang, n in nodes.items())
            raise ShapeMismatch(f"{where}: lengths differ: {lengths}")
        for i, node in enumerate(first):
            values = {lang: n[i] for lang, n in nodes.items()}
            name = node.get("linkId", i) if isinstance(node, dict) else i
            yield from _read_strings(values, path, f"{where}[{name}]")
    elif len({repr(n) for n in nodes.values()}) > 1:
        each = ", ".join(f"{lang} {n!r}" for lang, n in nodes.items())
        raise ShapeMismatch(f"{where}: differs between languages ({each})")


def add_translations(trees: dict[str, dict], language: str) -> None:
    """Give every string a person reads in `trees[language]` a `translation` extension for each
    other language in `trees` (one Questionnaire per language, same shape), in its primitive's
    `_<name>` sibling. A string that is the same in every language gets none: it either needs none
    (a number) or is not translated yet (a LOINC answer's published display), and a translation
    that repeats the English would claim a language it is not in."""
    ordered = {language: trees[language], **{lang: t for lang, t in trees.items() if lang != language}}
    found = list(_read_strings(ordered))
    for node, key, values in found:
        if len(set(values.values())) == 1:
            continue
        extensions = [{"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": lang},
                                                          {"url": "content", "valueString": text}]}
                      for lang, text in values.items() if lang != language]
        items = list(node.items())
        node.clear()
        for k, v in items:
            node[k] = v
            if k == key:
                node[f"_{key}"] = {"extension": extensions}

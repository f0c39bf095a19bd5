"""Load and validate `assessments/` once per process.

Every problem is collected, not just the first: a clinician editing YAML should see the whole list
with file, path inside the file and what is wrong, then fix them in one pass.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from . import translations
from .content import DEFAULT_DIR, Content, ContentError, content_dir, content_dir_name  # noqa: F401 - named from here too
from .content_checks import Problem, cross_check
from .model import (
    Education,
    Feedback,
    Instruments,
    Item,
    Questionnaire,
    RedFlags,
    Resources,
    Signs,
    Sources,
    Tiers,
)
from .model.phrases import Phrases

__all__ = ["Content", "ContentError", "Problem", "load", "load_now", "validate", "languages"]

FILES: dict[str, type[BaseModel]] = {
    "sources.yaml": Sources,
    "signs.yaml": Signs,
    "red_flags.yaml": RedFlags,
    "questionnaire.yaml": Questionnaire,
    "instruments.yaml": Instruments,
    "tiers.yaml": Tiers,
    "resources.yaml": Resources,
    "education.yaml": Education,
    "feedback.yaml": Feedback,
    "phrases.yaml": Phrases,
}


# ---------------------------------------------------------------- reading files


def _format_loc(loc: tuple[Any, ...], raw: Any) -> str:
    """`items[3] (crav.urges).options[1].level` — ids make paths findable in long files."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int):
            label = f"[{key}]"
            if isinstance(node, list) and key < len(node):
                node = node[key]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label += f" ({node['id']})"
            else:
                node = None
            parts.append(label)
        else:
            node = node.get(key) if isinstance(node, dict) else None
            parts.append(("." if parts else "") + str(key))
    return "".join(parts)


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ContentLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML, but timestamps stay strings: PyYAML raises a bare ValueError on "2026-02-30",
    while pydantic names the field and says what is wrong."""


_ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# Friendlier words for pydantic's pattern errors, by field name.
_PATTERN_MESSAGES = {
    "phone": "a phone number may contain only digits, spaces and hyphens, with an optional leading +",
    "number": "a phone number may contain only digits, spaces and hyphens, with an optional leading +",
    "id": "ids use lowercase letters, digits and underscores (items: `domain.name`; regions: 2-4 capital letters)",
}


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(path.name, "", "file is missing"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path.name, "", f"cannot be read: {exc}"))
        return None
    try:
        data = yaml.load(text, Loader=_ContentLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(Problem(path.name, where, f"YAML syntax error: {exc.problem or exc}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(path.name, "", f"YAML syntax error: {exc}"))
        return None
    if data is None:
        problems.append(Problem(path.name, "", "file is empty"))
    elif not isinstance(data, dict):
        keys = ", ".join(f"{k}:" for k in FILES[path.name].model_fields) if path.name in FILES else ""
        problems.append(Problem(path.name, "", f"the top level must be a mapping ({keys} ...), not a {type(data).__name__}"))
        return None
    return data


def _parse(name: str, raw: Any, schema: type[BaseModel], problems: list[Problem]) -> Any:
    if raw is None:
        return None
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown field (check the spelling)"
            elif err["type"] == "missing":
                msg = "required field is missing"
            elif err["type"] == "string_pattern_mismatch" and err["loc"] and err["loc"][-1] in _PATTERN_MESSAGES:
                msg = f"{_PATTERN_MESSAGES[str(err['loc'][-1])]} (got {err.get('input')!r})"
            elif err["type"] == "literal_error" and err["loc"] and err["loc"][-1] == "id":
                msg = f"unknown id {err.get('input')!r}: {msg}"
            problems.append(Problem(name, _format_loc(err["loc"], raw), msg))
        return None


# ---------------------------------------------------------------- entry points


def _flow_order(questionnaire: Questionnaire, instruments: Instruments) -> list[tuple[str, Item]]:
    """(module, item) in the order asked: modules in their listed order, items in file order."""
    by_module: dict[str, list[Item]] = {}
    for item in questionnaire.items:
        by_module.setdefault(item.module, []).append(item)
    for inst in instruments.instruments:
        by_module[inst.id] = list(inst.items)
    return [(m.id, i) for m in questionnaire.modules for i in by_module.get(m.id, [])]


def validate(directory: Path | str | None = None) -> list[Problem]:
    """Every problem in the content directory and in each language's catalogs (empty when valid)."""
    try:
        load(directory)
    except ContentError as exc:
        return exc.problems  # the English is the source: nothing can be checked against broken English
    problems: list[Problem] = []
    for language in languages(directory)[1:]:
        try:
            load(directory, language)
        except ContentError as exc:
            problems += exc.problems
    return problems


def languages(directory: Path | str | None = None) -> list[str]:
    """The languages the content has catalogs for, English (the source) first. A language listed
    here may still be refused by `load` if its catalogs do not match the English."""
    return translations.languages(Path(directory or content_dir()))


def load(directory: Path | str | None = None, language: str = translations.SOURCE_LANGUAGE) -> Content:
    """Validated content in a language (cached per folder and language, so once per process); raises
    ContentError listing every problem, including every string a language's catalogs get wrong."""
    return _load_named(str(directory) if directory else content_dir_name(), language)


def in_every_language(directory: Path | str | None = None) -> dict[str, Content]:
    """The content in each language that loads, English first; a language the loader refuses is
    left out, as the app's switch leaves it out (`python -m ketacheck validate` names its problems)."""
    found = {}
    for language in languages(directory):
        try:
            found[language] = load(directory, language)
        except ContentError:
            continue
    return found


def load_now(directory: Path, language: str = translations.SOURCE_LANGUAGE) -> Content:
    """Validated content as the files are now, even if this process loaded the folder before (the
    command line's cache stores what this returns). `directory` is already resolved."""
    return _load.__wrapped__(directory, language)


# Every script run calls load(): look the folder up by the name given before resolving it, since
# Path.resolve() is a system call per path part (it was 8% of server CPU per rerun).
@functools.lru_cache(maxsize=16)
def _load_named(directory: str, language: str) -> Content:
    return _load(Path(directory).resolve(), language)


def _catalogs(directory: Path, language: str, raw: dict[str, Any], problems: list[Problem]) -> tuple[Any, Any]:
    """This language's content and UI catalogs, checked against the English (problems added)."""
    if language not in translations.languages(directory):
        problems.append(Problem(f"{translations.LOCALE}/{language}", "", f"no such language (have {', '.join(translations.languages(directory))})"))
        return None, None
    base = f"{translations.LOCALE}/{language}"
    content_po = translations.read_catalog(directory / base / "content.po", problems, f"{base}/content.po")
    if content_po is not None:
        problems += translations.check(content_po, translations.content_messages(raw), f"{base}/content.po")
    ui_po = translations.read_catalog(directory / base / "ui.po", problems, f"{base}/ui.po")
    template = translations.ui_template(directory)
    if ui_po is not None and template is not None:
        problems += translations.check(ui_po, translations.ui_messages(template), f"{base}/ui.po")
    elif template is None:
        problems.append(Problem(f"{translations.LOCALE}/ui.pot", "", "file is missing (python -m ketacheck messages writes it)"))
    return content_po, ui_po


@functools.lru_cache(maxsize=8)
def _load(directory: Path, language: str = translations.SOURCE_LANGUAGE) -> Content:
    problems: list[Problem] = []
    if not directory.is_dir():
        raise ContentError([Problem(str(directory), "", "content directory does not exist")])
    raw = {name: _read_yaml(directory / name, problems) for name in FILES}
    ui = translations.ENGLISH
    if language != translations.SOURCE_LANGUAGE:
        if problems:  # the English is the source: a language cannot be checked against broken English
            raise ContentError(problems)
        content_po, ui_po = _catalogs(directory, language, raw, problems)
        if problems:
            raise ContentError(problems)
        raw = translations.translate(raw, content_po)
        where = f"{translations.LOCALE}/{language}/{translations.VALIDATION_FILE}"
        validation = directory / translations.LOCALE / language / translations.VALIDATION_FILE
        if validation.is_file():
            raw = translations.apply_validation(raw, _read_yaml(validation, problems), problems, where)
        else:
            problems.append(Problem(where, "", "file is missing: each instrument's validation in this language"))
        if problems:
            raise ContentError(problems)
        ui = translations.Translator.from_catalog(language, ui_po)
    parts: dict[str, Any] = {}
    for name, schema in FILES.items():
        parts[name] = _parse(name, raw[name], schema, problems)
    cross_check(parts, problems)
    if problems:
        if language != translations.SOURCE_LANGUAGE:  # say which language the words that fail are in
            problems = [Problem(p.file, p.path, f"{p.message} (in {language})") for p in problems]
        raise ContentError(problems)

    instruments: Instruments = parts["instruments.yaml"]
    questionnaire: Questionnaire = parts["questionnaire.yaml"]
    ordered = _flow_order(questionnaire, instruments)
    return Content(
        directory=directory,
        sources={s.id: s for s in parts["sources.yaml"].sources},
        signs={s.id: s for s in parts["signs.yaml"].signs},
        red_flags={r.id: r for r in parts["red_flags.yaml"].red_flags},
        items={i.id: i for _, i in ordered},
        instruments={i.id: i for i in instruments.instruments},
        tiers=parts["tiers.yaml"],
        regions={r.id: r for r in parts["resources.yaml"].regions},
        education=parts["education.yaml"],
        feedback=parts["feedback.yaml"],
        phrases=parts["phrases.yaml"],
        reach_words=parts["red_flags.yaml"].reach_words,
        modules={m.id: m for m in questionnaire.modules},
        dont_know=questionnaire.dont_know,
        seconds_per_question=questionnaire.seconds_per_question,
        instrument_of={item.id: inst.id for inst in instruments.instruments for item in inst.items},
        module_of={i.id: m for m, i in ordered},
        version=hashlib.sha256(b"".join(n.encode() + b"\0" + (directory / n).read_bytes() for n in FILES)).hexdigest()[:12],
        language=language,
        ui=ui,
    )

"""Translations: standard gettext catalogs beside the content, read with Babel.

    assessments/locale/<language>/content.po   every string a person reads in assessments/*.yaml
    assessments/locale/<language>/ui.po        the app's own words (pages/, ketacheck/ui, exports)
    assessments/locale/ui.pot                  the template for ui.po, extracted from the code

The English in the content files is the source: each `msgid` is an English string as it stands there,
so the content keeps one structure and a translation cannot reorder, add or drop a question. A
language loads only when its catalogs match the English exactly: no string missing (or empty, or
marked fuzzy), no string the English no longer has, and the same `{placeholders}`; otherwise the
loader refuses it and names each problem (`Problem`, like every other content problem).

What is not translated (`SKIP_KEYS`, `SKIP_FILES`): ids and codes, phone numbers and text keywords
(dialled as they are), addresses, dates, sources and citations (titles of published documents keep
their own language), and the LOINC notice.
"""

from __future__ import annotations

import copy
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from .problem import Problem

# Babel is imported where a catalog is read, not here: a `Content` from the command line's cache
# carries its translator as a plain table, so the `score` command never needs Babel.
if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

__all__ = ["Message", "Translator", "ENGLISH", "content_messages", "check", "translate", "languages", "ui_template",
           "read_catalog", "LANGUAGE_NAMES"]

LOCALE = "locale"
SOURCE_LANGUAGE = "en"


def N_(text: str) -> str:
    """Marks a word for the catalog (`python -m ketacheck messages`) where it is defined; it is
    translated where it is shown (`content.ui.gettext`, or `_` in the app)."""
    return text


# What each language calls itself, for the switch (a language shows its own name, never a flag).
LANGUAGE_NAMES = {"en": "English", "es": "Español", "zh-Hant": "繁體中文", "zh-Hans": "简体中文"}
# BCP 47 tag -> the form Babel and gettext use for the catalog's Language header.
_BABEL = {"zh-Hant": "zh_Hant", "zh-Hans": "zh_Hans"}

SKIP_FILES = frozenset({"sources.yaml"})  # document titles and publishers: cited as published
SKIP_KEYS = frozenset({
    # ids and the structure that refers to them
    "id", "item", "module", "domain", "signs", "not_signs", "red_flag", "when", "urgency", "contacts",
    "contact", "types", "type", "areas", "sections", "sources", "band_sources", "audiences",
    "allowed_audiences", "prescribed", "combine", "scoring", "status", "from", "to", "any_of",
    "solely_prescribed_unless_sign", "locales",
    # dialled, typed or opened as they are; dates; for maintainers
    "phone", "number", "keyword", "url", "verified", "dated", "source", "file", "kind",
    # published codes and their notices, and citations
    "code", "system", "display", "copyright", "citation",
})
SKIP_TREES = frozenset({"audience_help", "audience_sections"})  # audience -> ids: structure all the way down
# Words all the way down, whatever their keys are called (`reach_words: {phone: "call", sms: "text"}`).
WORD_TREES = frozenset({"reach_words"})
_FIELD = re.compile(r"\{([^{}]*)\}")


# Script subtags and the countries that write them: a browser's first guess, never a silent default
# for a bare "zh" (Traditional or Simplified is the person's choice).
_TRADITIONAL = {"HK", "TW", "MO", "HANT"}
_SIMPLIFIED = {"CN", "SG", "MY", "HANS"}


def guess_language(locale: str | None, have: tuple[str, ...] | list[str]) -> str | None:
    """The language a browser locale points to among `have` (None: ask, or English)."""
    if not locale:
        return None
    parts = [p for p in locale.replace("_", "-").split("-") if p]
    lang = parts[0].lower() if parts else ""
    tags = {p.upper() for p in parts[1:]}
    if lang == "es" and "es" in have:
        return "es"
    if lang in ("zh", "yue"):
        if tags & _TRADITIONAL and "zh-Hant" in have:
            return "zh-Hant"
        if tags & _SIMPLIFIED and "zh-Hans" in have:
            return "zh-Hans"
        return None  # bare zh: ask
    return SOURCE_LANGUAGE if lang == "en" else None


def asks_language(locale: str | None, have: tuple[str, ...] | list[str]) -> bool:
    """A Chinese browser locale that names no script or place: the person chooses."""
    if not locale:
        return False
    lang = locale.replace("_", "-").split("-")[0].lower()
    return lang in ("zh", "yue") and guess_language(locale, have) is None and len(have) > 1


@dataclass(frozen=True)
class Message:
    """One English string (or a plural pair) and every place it is used."""

    msgid: str
    plural: str | None = None
    locations: tuple[str, ...] = ()


def placeholders(text: str) -> set[str]:
    """`{emergency}`, `{n}`: the names `str.format` fills (raises ValueError on unbalanced braces)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# ---------------------------------------------------------------- the English side


def _label(key: Any, node: Any) -> str:
    if isinstance(key, int):
        return f"[{key}]" + (f" ({node['id']})" if isinstance(node, dict) and isinstance(node.get("id"), str) else "")
    return f".{key}"


def _skipped(key: Any, node: Any) -> bool:
    """An id, code or number (or a list of them). The same key holding records (`signs:` at the top
    of signs.yaml, `sections:` in education.yaml) is walked into."""
    if isinstance(key, str) and key in SKIP_TREES:
        return True
    if not (isinstance(key, str) and key in SKIP_KEYS):
        return False
    return not isinstance(node, (dict, list)) or (isinstance(node, list) and all(not isinstance(v, (dict, list)) for v in node))


def _is_plural(node: Any) -> bool:
    return isinstance(node, dict) and set(node) == {"one", "other"} and all(isinstance(v, str) for v in node.values())


def _strings(node: Any, path: str, key: Any = None, words: bool = False) -> Iterator[tuple[str, Any, Any]]:
    """(location, key, node) for every translatable string or plural pair under node."""
    if not words and _skipped(key, node):
        return
    words = words or key in WORD_TREES
    if _is_plural(node):
        yield path, key, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, path + _label(k, v), k, words)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, path + _label(i, v), key, words)
    elif isinstance(node, str) and node.strip():
        yield path, key, node


def content_messages(raw: dict[str, Any]) -> dict[str, Message]:
    """Every string a person reads in the content, by its English text (raw: file name -> parsed YAML)."""
    found: dict[str, Message] = {}
    for name, data in raw.items():
        if name in SKIP_FILES or data is None:
            continue
        for path, _, node in _strings(data, ""):
            where = f"{name} {path.lstrip('.')}"
            msgid, plural = (node["one"], node["other"]) if isinstance(node, dict) else (node, None)
            old = found.get(msgid)
            found[msgid] = Message(msgid, plural or (old.plural if old else None), (*(old.locations if old else ()), where))
    return found


def ui_template(directory: Path) -> Catalog | None:
    path = directory / LOCALE / "ui.pot"
    if not path.is_file():
        return None
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return read_po(fh)


# ---------------------------------------------------------------- catalogs


def languages(directory: Path) -> list[str]:
    """Languages with a folder under locale/, English first (the source)."""
    root = directory / LOCALE
    found = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    order = list(LANGUAGE_NAMES)
    return [SOURCE_LANGUAGE, *sorted(found, key=lambda lang: (order.index(lang) if lang in order else len(order), lang))]


def read_catalog(path: Path, problems: list[Problem], where: str) -> Catalog | None:
    from babel.messages.pofile import PoFileError, read_po

    if not path.is_file():
        problems.append(Problem(where, "", "file is missing"))
        return None
    try:
        with path.open("rb") as fh:
            return read_po(fh, abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as exc:
        problems.append(Problem(where, "", f"cannot be read as a gettext catalog: {exc}"))
        return None


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _forms(message: Any) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def check(catalog: Catalog, wanted: dict[str, Message], where: str) -> list[Problem]:
    """Every way `catalog` differs from the English: missing, fuzzy, extra, plural or placeholders."""
    problems: list[Problem] = []
    have = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    for msgid, msg in wanted.items():
        at = msg.locations[0] if msg.locations else ""
        entry = have.get(msgid)
        if entry is None:
            problems.append(Problem(where, at, f"missing translation of {_short(msgid)}"))
            continue
        forms = _forms(entry)
        if bool(msg.plural) != isinstance(entry.id, (list, tuple)):
            problems.append(Problem(where, at, f"{_short(msgid)} needs {'plural forms (msgid_plural)' if msg.plural else 'one msgstr, not plural forms'}"))
            continue
        if not all(f.strip() for f in forms):
            problems.append(Problem(where, at, f"missing translation of {_short(msgid)} (empty msgstr)"))
            continue
        if entry.fuzzy:
            problems.append(Problem(where, at, f"translation of {_short(msgid)} is marked fuzzy: review it, then remove the flag"))
            continue
        try:
            english = placeholders(msg.plural or msgid)
            for k, form in enumerate(forms):
                got = placeholders(form)
                # A plural's first form may leave out {n} ("one criterion"), as in English.
                need = english - {"n"} if msg.plural and k == 0 else english
                if not need <= got <= english:
                    problems.append(Problem(where, at, f"placeholders {sorted(got)} should be {sorted(english)} in the translation of {_short(msgid)}"))
                    break
        except ValueError as exc:
            problems.append(Problem(where, at, f"translation of {_short(msgid)}: {exc}"))
    for msgid, entry in have.items():
        if msgid not in wanted:
            problems.append(Problem(where, f"line {entry.lineno}" if entry.lineno else "",
                                    f"extra string {_short(msgid)}: the English has no such string (changed or removed?)"))
    return problems


def translate(raw: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    """A copy of the raw content with every translatable string in the catalog's language."""
    table = {m.id if isinstance(m.id, str) else m.id[0]: _forms(m) for m in catalog if m.id}
    out = copy.deepcopy(raw)

    def swap(node: Any, key: Any = None, words: bool = False) -> Any:
        if not words and _skipped(key, node):
            return node
        words = words or key in WORD_TREES
        if _is_plural(node):
            forms = table[node["one"]]
            return {"one": forms[0], "other": forms[1] if len(forms) > 1 else forms[0]}
        if isinstance(node, dict):
            return {k: swap(v, k, words) for k, v in node.items()}
        if isinstance(node, list):
            return [swap(v, key, words) for v in node]
        if isinstance(node, str) and node.strip():
            return table[node][0]
        return node

    for name, data in out.items():
        if name not in SKIP_FILES and data is not None:
            out[name] = swap(data)
    return out


# ---------------------------------------------------------------- validation in this language

VALIDATION_FILE = "validation.yaml"
_STATUSES = ("validated", "translated")


def apply_validation(raw: dict[str, Any], data: Any, problems: list[Problem], where: str) -> dict[str, Any]:
    """Each instrument's validation in this language (locale/<lang>/validation.yaml), in place of
    the English one: `validated` only where a validated wording in this language is cited,
    otherwise `translated` ("translated, not validated in this language"). Every instrument needs
    an entry, so a new instrument cannot slip into a language without one."""
    instruments = (raw.get("instruments.yaml") or {}).get("instruments") or []
    ids = [i.get("id") for i in instruments if isinstance(i, dict)]
    if not isinstance(data, dict):
        problems.append(Problem(where, "", f"must map each instrument ({', '.join(map(str, ids))}) to its status, statement and citation"))
        return raw
    for key in data:
        if key not in ids:
            problems.append(Problem(where, str(key), f"unknown instrument {key!r}"))
    for inst in instruments:
        entry = data.get(inst.get("id"))
        path = str(inst.get("id"))
        if not isinstance(entry, dict):
            problems.append(Problem(where, path, "missing: say whether this instrument is asked in a validated wording in this language"))
            continue
        if set(entry) != {"status", "statement", "citation"}:
            problems.append(Problem(where, path, "needs exactly status, statement and citation"))
            continue
        if entry["status"] not in _STATUSES:
            problems.append(Problem(where, f"{path}.status", f"must be validated (a cited wording in this language) or translated, not {entry['status']!r}"))
            continue
        if not all(isinstance(entry[k], str) and entry[k].strip() for k in ("statement", "citation")):
            problems.append(Problem(where, path, "statement and citation must be words"))
            continue
        inst["validation"] = dict(entry)
    return raw


# ---------------------------------------------------------------- the app's own words


@dataclass(frozen=True)
class Translator:
    """gettext for the app's own words in one language; English is the identity."""

    language: str = SOURCE_LANGUAGE
    table: dict[str, list[str]] = field(default_factory=dict)

    def gettext(self, text: str) -> str:
        forms = self.table.get(text)
        return forms[0] if forms else text

    def ngettext(self, one: str, other: str, n: int) -> str:
        forms = self.table.get(one)
        if not forms:
            return one if n == 1 else other
        return forms[0] if n == 1 or len(forms) == 1 else forms[1]

    @classmethod
    def from_catalog(cls, language: str, catalog: Catalog) -> Translator:
        return cls(language, {m.id if isinstance(m.id, str) else m.id[0]: _forms(m) for m in catalog if m.id})


ENGLISH = Translator()


def ui_messages(template: Catalog) -> dict[str, Message]:
    return {(m.id if isinstance(m.id, str) else m.id[0]): Message(
        m.id if isinstance(m.id, str) else m.id[0],
        m.id[1] if isinstance(m.id, (list, tuple)) else None,
        tuple(f"{f}:{n}" for f, n in m.locations)) for m in template if m.id}


def babel_locale(language: str) -> str:
    return _BABEL.get(language, language.replace("-", "_"))

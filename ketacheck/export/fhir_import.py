"""Reading a FHIR QuestionnaireResponse back into a Submission (`from_fhir`): KetaCheck's own, or
one filled in another tool (LHC-Forms), to any of the six Questionnaires in fhir.py. Answers are
decoded through the Questionnaire's own answer codes (LOINC or KetaCheck's); files from earlier
KetaCheck versions (the `.../StructureDefinition/context` extension, answer codes "0".."4") are
still read."""

from __future__ import annotations

from typing import Any

from ..content import Content
from ..model import DONT_KNOW
from ..submission import InputError, Line, Submission, describe
from .answers_json import parse_after
from .fhir import (
    ANSWER_SYSTEM,
    AUDIENCE_QUESTIONNAIRES,
    INSTRUMENT_AUDIENCE,
    LEGACY_CONTEXT_EXTENSION,
    PRESCRIBED_CHOICES,
    PRESCRIBED_LINK_ID,
    QUESTIONNAIRE_BASE,
    QUESTIONNAIRE_IDS,
    REGION_LINK_ID,
    REGION_SYSTEM,
    SEX_LINK_ID,
    SEX_SYSTEM,
    TOTAL_SUFFIX,
    item_of,
    one_language_questionnaire,
    resource_id,
)


def _questions(items: list[dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    stack = list(items)
    while stack:
        node = stack.pop()
        out[node["linkId"]] = node
        stack.extend(node.get("item", []))
    return out


def _decoder(question: dict, content: Content) -> dict[tuple[str, str], int | str]:
    """(system, code) -> answer value for one question: its own answerOption codes (LOINC or
    KetaCheck's), "Don't know", and the plain numbers earlier KetaCheck versions wrote."""
    item = content.items[item_of(question["linkId"], content)[0]]
    out: dict[tuple[str, str], int | str] = {}
    for option, answer in zip(item.options, question["answerOption"], strict=False):
        coding = answer["valueCoding"]
        out[(coding["system"], coding["code"])] = option.value
        out[(ANSWER_SYSTEM, str(option.value))] = option.value
    # "Don't know" where the Questionnaire offers it; elsewhere it reaches parse(), which says who may use it.
    out[(ANSWER_SYSTEM, DONT_KNOW)] = DONT_KNOW
    return out


_CONTEXT_FIELDS = {"region": "valueCode", "prescribed": "valueBoolean", "sex": "valueCode"}


def _legacy_context(data: dict, problems: list[str]) -> dict[str, Any]:
    """Region, prescribed and sex from the context extension files before v2.1 carried."""
    context: dict[str, Any] = {}
    extensions = data.get("extension", [])
    if not isinstance(extensions, list):
        problems.append(Line("{path}: must be a list", path="extension"))
        return context
    ours = [e for e in extensions if isinstance(e, dict) and e.get("url") == LEGACY_CONTEXT_EXTENSION]
    if len(ours) > 1:
        problems.append(Line("extension: the KetaCheck context appears more than once"))
    for ext in ours[:1]:
        parts = ext.get("extension", [])
        if not isinstance(parts, list):
            problems.append(Line("extension context: must hold a list of extensions"))
            parts = []
        for part in parts:
            url = part.get("url") if isinstance(part, dict) else None
            if url not in _CONTEXT_FIELDS:
                problems.append(Line("extension context.{url}: unknown (expected {fields})", url=describe(url),
                                     fields=", ".join(_CONTEXT_FIELDS)))
            elif url in context:
                problems.append(Line("extension context.{url}: appears more than once", url=url))
            elif _CONTEXT_FIELDS[url] not in part:
                problems.append(Line("extension context.{url}: needs a {field}", url=url, field=_CONTEXT_FIELDS[url]))
            else:
                context[url] = part[_CONTEXT_FIELDS[url]]
    return context


def _context_answer(link: str, answer: dict, problems: list[str]) -> tuple[str, Any] | None:
    """("region" | "sex" | "prescribed", value) from an answer to a context question."""
    if link == PRESCRIBED_LINK_ID:
        value = answer.get("valueBoolean")
        if isinstance(value, bool):
            return "prescribed", value
        # A loved one's Questionnaire asks it as a choice: yes, no or "Don't know".
        coding = answer.get("valueCoding")
        code = coding.get("code") if isinstance(coding, dict) and coding.get("system") == ANSWER_SYSTEM else None
        choices = {f"{PRESCRIBED_LINK_ID}:{key}": key for key, _ in PRESCRIBED_CHOICES}
        if code in choices:
            key = choices[code]
            return "prescribed", True if key == "yes" else False if key == "no" else DONT_KNOW
        problems.append(Line("item {link}: answer must be a valueBoolean, or one of {choices}", link=repr(link),
                             choices=", ".join(choices)))
        return None
    coding = answer.get("valueCoding")
    system = REGION_SYSTEM if link == REGION_LINK_ID else SEX_SYSTEM
    if not isinstance(coding, dict) or coding.get("system", system) != system:
        problems.append(Line("item {link}: answer must be a valueCoding from {system}", link=repr(link), system=system))
        return None
    code = coding.get("code")
    if not isinstance(code, str):
        problems.append(Line("item {link}: valueCoding.{part} must be text (got {got})", link=repr(link), part="code",
                             got=describe(code)))
        return None
    return ("region" if link == REGION_LINK_ID else "sex"), code


def _questionnaire_id(data: dict) -> str:
    ref = data.get("questionnaire")
    canonical = ref.split("|", 1)[0] if isinstance(ref, str) else None
    qid = canonical.removeprefix(QUESTIONNAIRE_BASE) if canonical and canonical.startswith(QUESTIONNAIRE_BASE) else None
    by_resource_id = {resource_id(q): q for q in QUESTIONNAIRE_IDS}
    if qid not in by_resource_id:
        # TRANSLATORS: "missing": the file names no questionnaire at all.
        got = Line("missing") if ref is None else describe(ref)
        raise InputError([Line("questionnaire: not a KetaCheck questionnaire (expected {base} followed by {ids}; "
                               "got {got})", base=QUESTIONNAIRE_BASE, ids=", ".join(by_resource_id), got=got)])
    return by_resource_id[qid]


def from_fhir(data: Any, content: Content) -> Submission:
    """A QuestionnaireResponse to one of KetaCheck's Questionnaires back to a Submission: a whole
    check, or one instrument filled in on its own (read as the person's own answers).

    The audience comes from the questionnaire reference, region / sex / prescribed from the context
    questions (or the extension earlier versions wrote), answers from each item's valueCoding.
    Totals are ignored: the answers are scored again."""
    if not isinstance(data, dict):
        raise InputError([Line("input must be a JSON object (a FHIR QuestionnaireResponse), not {type}",
                               type=type(data).__name__)])
    kind = data.get("resourceType")
    if kind != "QuestionnaireResponse":
        raise InputError([Line("resourceType: must be QuestionnaireResponse (got {got})", got=describe(kind))])
    qid = _questionnaire_id(data)
    audience = AUDIENCE_QUESTIONNAIRES.get(qid, INSTRUMENT_AUDIENCE)

    problems: list[str] = []
    status = data.get("status")
    if status not in ("completed", "amended", "in-progress"):
        problems.append(Line("status: must be completed, amended or in-progress (got {got})", got=describe(status)))
    if "modifierExtension" in data:
        problems.append(Line("modifierExtension: not understood, so the file cannot be read safely"))
    legacy = _legacy_context(data, problems)

    questions = _questions(one_language_questionnaire(content, qid)["item"])
    answers: dict[str, Any] = {}
    context: dict[str, Any] = {}
    seen: set[str] = set()
    queue: list[tuple[Any, str]] = [(data.get("item", []), "item")]
    index = 0
    while index < len(queue):
        nodes, path = queue[index]
        index += 1
        if not isinstance(nodes, list):
            problems.append(Line("{path}: must be a list", path=path))
            continue
        for n, node in enumerate(nodes):
            where = f"{path}[{n}]"
            if not isinstance(node, dict):
                problems.append(Line("{path}: must be an object", path=where))
                continue
            link = node.get("linkId")
            if not isinstance(link, str):
                problems.append(Line("{path}.linkId: required (got {got})", path=where, got=describe(link)))
                continue
            if "modifierExtension" in node:
                problems.append(Line("item {link}: modifierExtension not understood, so the file cannot be read safely",
                                     link=describe(link)))
            if "item" in node:
                queue.append((node["item"], f"item {link}.item"))
            question = questions.get(link)
            if question is None:
                if link in content.items:
                    problems.append(Line("item {link}: not a question in {questionnaire}", link=describe(link),
                                         questionnaire=qid))
                else:
                    problems.append(Line("item {link}: unknown linkId (not a KetaCheck question)", link=describe(link)))
                continue
            item_id = item_of(link, content)[0]
            if item_id in seen:
                problems.append(Line("item {link}: appears more than once", link=describe(link)))
                continue
            seen.add(item_id)
            if "answer" not in node or question["type"] in ("group", "display") or link.endswith(TOTAL_SUFFIX):
                continue  # a total is scored again from the answers
            answer = node["answer"]
            many = question.get("repeats", False)
            if not (isinstance(answer, list) and answer and all(isinstance(a, dict) for a in answer)
                    and (many or len(answer) == 1)):
                if many:
                    problems.append(Line("item {link}: answer must be a list with at least one answer",
                                         link=describe(link)))
                else:
                    problems.append(Line("item {link}: answer must be a list with one answer", link=describe(link)))
                continue
            if link in (REGION_LINK_ID, SEX_LINK_ID, PRESCRIBED_LINK_ID):
                found = _context_answer(link, answer[0], problems)
                if found:
                    context[found[0]] = found[1]
                continue
            decode = _decoder(question, content)
            values = [_coded_value(link, a.get("valueCoding"), decode, problems) for a in answer]
            if all(v is not None for v in values):
                answers[item_id] = values if many and values != [DONT_KNOW] else values[0]

    for key, value in legacy.items():
        if key in context and context[key] != value:
            problems.append(Line("{key}: the answer ({answer}) disagrees with the context extension ({value})", key=key,
                                 answer=describe(context[key]), value=describe(value)))
        context.setdefault(key, value)
    return parse_after(problems, {"audience": audience, **context, "answers": answers}, content)


def _coded_value(link: str, coding: Any, decode: dict, problems: list[str]) -> int | str | None:
    """One answer's valueCoding to the answer-file value (a whole number, or DONT_KNOW)."""
    if not isinstance(coding, dict):
        problems.append(Line("item {link}: answer must be a valueCoding", link=describe(link)))
        return None
    key = (coding.get("system", ANSWER_SYSTEM), coding.get("code"))
    for part, value in zip(("system", "code"), key, strict=True):
        if not isinstance(value, str):
            problems.append(Line("item {link}: valueCoding.{part} must be text (got {got})", link=describe(link),
                                 part=part, got=describe(value)))
            return None
    if key in decode:
        return decode[key]
    offered = sorted(code for system, code in decode if system == key[0] and (system != ANSWER_SYSTEM or ":" in code))
    if not offered:  # another system altogether: name the ones this question uses
        systems = sorted({s for s, c in decode if s != ANSWER_SYSTEM or ":" in c})
        either = ""
        for system in systems:
            either = Line("{first} or {second}", first=either, second=system) if either else system
        problems.append(Line("item {link}: answer system {system} is not this question's ({systems})",
                             link=describe(link), system=describe(key[0]), systems=either))
    else:
        problems.append(Line("item {link}: answer code {code} is not one of this question's ({codes})",
                             link=describe(link), code=describe(key[1]), codes=", ".join(offered)))
    return None

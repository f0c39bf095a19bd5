"""FHIR R4: a Questionnaire per audience and per instrument, a QuestionnaireResponse for a check,
and `from_fhir`, which reads a response back (KetaCheck's own, or one filled in another tool)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..loader import Content
from ..model import AUDIENCES, DONT_KNOW, INSTRUMENT_IDS, Item
from ..scoring import Result, visible
from ..submission import InputError, Submission, describe
from ..wording import NOT_A_DIAGNOSIS
from .answers_json import SCHEMA_VERSION, parse_after
from .summary import AUDIENCE_WORDS


FHIR_BASE = "https://ketacheck.example/fhir"
ITEM_SYSTEM = f"{FHIR_BASE}/CodeSystem/items"
ANSWER_SYSTEM = f"{FHIR_BASE}/CodeSystem/answers"
QUESTIONNAIRE_BASE = f"{FHIR_BASE}/Questionnaire/"
CONTEXT_EXTENSION = f"{FHIR_BASE}/StructureDefinition/context"
RESULT_EXTENSION = f"{FHIR_BASE}/StructureDefinition/result"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
LOINC = "http://loinc.org"
# linkIds KetaCheck adds to the content's items; a hyphen keeps them apart from item ids (`domain.name`).
PRESCRIBED_LINK_ID = "context-prescribed"
TOTAL_SUFFIX = "-total"
PRESCRIBED_TEXT = "Is the ketamine prescribed as treatment?"
AUDIENCE_QUESTIONNAIRES = {f"ketacheck-{a}": a for a in AUDIENCES}
QUESTIONNAIRE_IDS = (*AUDIENCE_QUESTIONNAIRES, *INSTRUMENT_IDS)

# LOINC codes (AUDIT-C panel as in the HL7 US Core AUDIT-C Questionnaire and examples).
LOINC_CODES: dict[str, tuple[str, str]] = {
    "audit_c": ("72109-2", "Alcohol Use Disorder Identification Test - Consumption [AUDIT-C]"),
    "audit_c.1": ("68518-0", "How often do you have a drink containing alcohol"),
    "audit_c.2": ("68519-8", "How many standard drinks containing alcohol do you have on a typical day"),
    "audit_c.3": ("68520-6", "How often do you have 6 or more drinks on 1 occasion"),
    "audit_c-total": ("75626-2", "Total score [AUDIT-C]"),
}


def _resource_id(questionnaire_id: str) -> str:
    return questionnaire_id.replace("_", "-")  # FHIR ids allow letters, digits, '-' and '.'


def questionnaire_url(questionnaire_id: str) -> str:
    return QUESTIONNAIRE_BASE + _resource_id(questionnaire_id)


def _codes(link_id: str) -> list[dict]:
    codes = []
    if link_id in LOINC_CODES:
        code, display = LOINC_CODES[link_id]
        codes.append({"system": LOINC, "code": code, "display": display})
    codes.append({"system": ITEM_SYSTEM, "code": link_id})
    return codes


def _answer_coding(value: int | str, label: str) -> dict:
    return {"system": ANSWER_SYSTEM, "code": str(value), "display": label}


def _question(item: Item, audience: str, content: Content) -> dict:
    text, labels = item.wording(audience)
    options = []
    for option, label in zip(item.options, labels, strict=True):
        coding = _answer_coding(option.value, label)
        coding["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": option.level}]
        options.append({"valueCoding": coding})
    if content.offers_dont_know(audience):
        options.append({"valueCoding": _answer_coding(DONT_KNOW, content.dont_know.label)})
    question = {
        "linkId": item.id,
        "prefix": item.id,
        "code": _codes(item.id),
        "text": text,
        "type": "choice",
        "answerOption": options,
    }
    if item.multiple:
        question["repeats"] = True
    return question


def _total(inst_id: str, content: Content) -> dict:
    inst = content.instruments[inst_id]
    link = f"{inst_id}{TOTAL_SUFFIX}"
    return {
        "linkId": link,
        "code": _codes(link),
        "text": f"{inst.short_name} total score (0 to {inst.max_score})",
        "type": "integer",
        "readOnly": True,
    }


def _prescribed_condition(value: bool) -> dict:
    return {"question": PRESCRIBED_LINK_ID, "operator": "=", "answerBoolean": value}


def _gated(item: Item, question: dict, content: Content, audience_flow: bool) -> dict:
    """Add enableWhen for show_if (any option at the gate's level or more) and, in a whole-check
    questionnaire, for the prescribed / not prescribed context."""
    conditions = []
    if item.show_if:
        gate = content.items[item.show_if.item]
        conditions = [
            {"question": gate.id, "operator": "=", "answerCoding": {"system": ANSWER_SYSTEM, "code": str(o.value)}}
            for o in gate.options
            if o.level >= item.show_if.min_level
        ]
    context = None
    if audience_flow and item.prescribed != "any":
        gate_item = content.items[item.show_if.item] if item.show_if else None
        # A gate with the same context already carries the condition (a disabled item has no answer).
        if gate_item is None or gate_item.prescribed != item.prescribed:
            context = _prescribed_condition(item.prescribed == "yes")
    if context and len(conditions) > 1:
        # "any of these answers" and "in this context" cannot share one enableWhen: nest in a group.
        question = {**question, "enableWhen": conditions, "enableBehavior": "any"}
        return {"linkId": f"{item.id}-group", "type": "group", "enableWhen": [context], "item": [question]}
    if context:
        conditions.append(context)
    if conditions:
        question = {**question, "enableWhen": conditions}
        if len(conditions) > 1:
            question["enableBehavior"] = "all" if context else "any"
    return question


def fhir_questionnaire(content: Content, questionnaire_id: str) -> dict:
    """A FHIR R4 Questionnaire: a whole check for one audience ("ketacheck-self", "-other",
    "-intake": every item either context can ask, the prescribed question first and enableWhen for
    the rest) or one instrument ("audit_c", "sds", "dsm5_k")."""
    if questionnaire_id not in QUESTIONNAIRE_IDS:
        raise ValueError(f"unknown questionnaire {questionnaire_id!r} (one of {', '.join(QUESTIONNAIRE_IDS)})")
    audience = AUDIENCE_QUESTIONNAIRES.get(questionnaire_id)
    items: list[dict] = []
    if audience:
        title = f"KetaCheck: ketamine use check ({AUDIENCE_WORDS[audience]})"
        flow_ids = {i.id for p in (False, True) for i in content.flow(audience, p)}
        flow = [i for i in content.items.values() if i.id in flow_ids]
        items.append(
            {
                "linkId": PRESCRIBED_LINK_ID,
                "prefix": PRESCRIBED_LINK_ID,
                "code": _codes(PRESCRIBED_LINK_ID),
                "text": PRESCRIBED_TEXT,
                "type": "boolean",
            }
        )
        text_audience = audience
    else:
        inst = content.instruments[questionnaire_id]
        title = f"KetaCheck: {inst.name}"
        flow = list(inst.items)
        text_audience = "self"
    done: set[str] = set()
    for n, item in enumerate(flow):
        items.append(_gated(item, _question(item, text_audience, content), content, audience is not None))
        inst_id = content.instrument_of.get(item.id)
        last_of_instrument = inst_id and (n + 1 == len(flow) or content.instrument_of.get(flow[n + 1].id) != inst_id)
        if inst_id and last_of_instrument and inst_id not in done:
            items.append(_total(inst_id, content))
            done.add(inst_id)
    resource = {
        "resourceType": "Questionnaire",
        "id": _resource_id(questionnaire_id),
        "url": questionnaire_url(questionnaire_id),
        "version": str(SCHEMA_VERSION),
        "name": "KetaCheck"
        + "".join(part.capitalize() for part in re.split(r"[-_]", questionnaire_id) if part != "ketacheck"),
        "title": title,
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "KetaCheck",
        "description": NOT_A_DIAGNOSIS,
        "item": items,
    }
    if questionnaire_id in LOINC_CODES:
        code, display = LOINC_CODES[questionnaire_id]
        resource["code"] = [{"system": LOINC, "code": code, "display": display}]
    return resource


def _response_items(q_items: list[dict], sub: Submission, result: Result, content: Content) -> list[dict]:
    out = []
    for q in q_items:
        link = q["linkId"]
        if q["type"] == "group":
            children = _response_items(q["item"], sub, result, content)
            if children:
                out.append({"linkId": link, "item": children})
        elif link == PRESCRIBED_LINK_ID:
            out.append({"linkId": link, "text": q["text"], "answer": [{"valueBoolean": sub.prescribed}]})
        elif q["type"] == "integer":  # an instrument total, as scored
            inst = result.instruments.get(link.removesuffix(TOTAL_SUFFIX))
            if inst is not None:
                out.append({"linkId": link, "text": q["text"], "answer": [{"valueInteger": inst.score}]})
        elif link in sub.answers:
            item = content.items[link]
            text, labels = item.wording(sub.audience, sub.region)
            if sub.answers[link] == DONT_KNOW:
                codings = [_answer_coding(DONT_KNOW, content.dont_know.label)]
            else:
                codings = [_answer_coding(o.value, labels[item.options.index(o)]) for o in item.chosen(sub.answers[link])]
            out.append({"linkId": link, "text": text, "answer": [{"valueCoding": c} for c in codings]})
    return out


def fhir_questionnaire_response(
    sub: Submission, result: Result, content: Content, today: dt.date | None = None
) -> dict:
    """A FHIR R4 QuestionnaireResponse for the audience's whole-check Questionnaire: no subject (it is
    anonymous), a date without a time, region / prescribed / sex in the KetaCheck context extension,
    the tier in the result extension.

    It holds what the person was asked: an answer hidden by an earlier answer (kept in the session,
    not scored) or outside this audience's and context's questions is left out, as FHIR requires."""
    qid = f"ketacheck-{sub.audience}"
    questionnaire = fhir_questionnaire(content, qid)
    in_context = {i.id for i in content.flow(sub.audience, sub.prescribed)}
    shown = {
        k: v for k, v in sub.answers.items() if k in in_context and visible(content.items[k], sub.answers, content)
    }
    asked = Submission(sub.audience, sub.region, sub.prescribed, sub.sex, shown)
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": questionnaire_url(qid),
        "status": "completed",
        "authored": (today or dt.date.today()).isoformat(),
        "extension": [
            {
                "url": CONTEXT_EXTENSION,
                "extension": [
                    {"url": "region", "valueCode": sub.region},
                    {"url": "prescribed", "valueBoolean": sub.prescribed},
                    {"url": "sex", "valueCode": sub.sex},
                ],
            },
            {
                "url": RESULT_EXTENSION,
                "extension": [
                    {"url": "tier", "valueCode": result.tier},
                    {"url": "label", "valueString": result.tier_label},
                ],
            },
        ],
        "item": _response_items(questionnaire["item"], asked, result, content),
    }


def _link_ids(items: list[dict]) -> set[str]:
    out: set[str] = set()
    stack = list(items)
    while stack:
        node = stack.pop()
        out.add(node["linkId"])
        stack.extend(node.get("item", []))
    return out


_CODE = re.compile(r"-?\d{1,7}")


def _coded_value(link: str, coding: Any, problems: list[str]) -> int | str | None:
    """One answer's valueCoding to the answer-file value (a whole number, or DONT_KNOW)."""
    if not isinstance(coding, dict):
        problems.append(f"item {describe(link)}: answer must be a valueCoding")
        return None
    system, code = coding.get("system", ANSWER_SYSTEM), coding.get("code")
    if system != ANSWER_SYSTEM:
        problems.append(f"item {describe(link)}: answer system {describe(system)} is not KetaCheck's ({ANSWER_SYSTEM})")
        return None
    if code == DONT_KNOW:
        return DONT_KNOW
    if not (isinstance(code, str) and _CODE.fullmatch(code)):
        problems.append(f"item {describe(link)}: answer code must be a whole number (got {describe(code)})")
        return None
    return int(code)


def from_fhir(data: Any, content: Content) -> Submission:
    """A QuestionnaireResponse made by `fhir_questionnaire_response` back to a Submission.

    The audience comes from the questionnaire reference, the context from the KetaCheck context
    extension (or the prescribed question), answers from each item's valueCoding. Totals and the
    result extension are ignored: the answers are scored again."""
    if not isinstance(data, dict):
        raise InputError([f"input must be a JSON object (a FHIR QuestionnaireResponse), not {type(data).__name__}"])
    kind = data.get("resourceType")
    if kind != "QuestionnaireResponse":
        raise InputError([f"resourceType: must be QuestionnaireResponse (got {describe(kind)})"])
    ref = data.get("questionnaire")
    canonical = ref.split("|", 1)[0] if isinstance(ref, str) else None
    qid = canonical.removeprefix(QUESTIONNAIRE_BASE) if canonical and canonical.startswith(QUESTIONNAIRE_BASE) else None
    if qid not in AUDIENCE_QUESTIONNAIRES:
        got = "missing" if ref is None else describe(ref)
        expected = questionnaire_url("ketacheck-self").removesuffix("self")
        raise InputError(
            [f"questionnaire: not a KetaCheck check (expected {expected}self, -other or -intake; got {got})"]
        )
    audience = AUDIENCE_QUESTIONNAIRES[qid]

    problems: list[str] = []
    status = data.get("status")
    if status not in ("completed", "amended", "in-progress"):
        problems.append(f"status: must be completed, amended or in-progress (got {describe(status)})")
    if "modifierExtension" in data:
        problems.append("modifierExtension: not understood, so the file cannot be read safely")

    context: dict[str, Any] = {}
    extensions = data.get("extension", [])
    if not isinstance(extensions, list):
        problems.append("extension: must be a list")
        extensions = []
    ours = [e for e in extensions if isinstance(e, dict) and e.get("url") == CONTEXT_EXTENSION]
    if len(ours) > 1:
        problems.append("extension: the KetaCheck context appears more than once")
    for ext in ours[:1]:
        parts = ext.get("extension", [])
        if not isinstance(parts, list):
            problems.append("extension context: must hold a list of extensions")
            parts = []
        fields = {"region": "valueCode", "prescribed": "valueBoolean", "sex": "valueCode"}
        for part in parts:
            url = part.get("url") if isinstance(part, dict) else None
            if url not in fields:
                problems.append(f"extension context.{describe(url)}: unknown (expected {', '.join(fields)})")
            elif url in context:
                problems.append(f"extension context.{url}: appears more than once")
            elif fields[url] not in part:
                problems.append(f"extension context.{url}: needs a {fields[url]}")
            else:
                context[url] = part[fields[url]]

    allowed = _link_ids(fhir_questionnaire(content, qid)["item"])
    answers: dict[str, Any] = {}
    prescribed_answer: Any = None
    seen: set[str] = set()
    queue: list[tuple[Any, str]] = [(data.get("item", []), "item")]
    index = 0
    while index < len(queue):
        nodes, path = queue[index]
        index += 1
        if not isinstance(nodes, list):
            problems.append(f"{path}: must be a list")
            continue
        for n, node in enumerate(nodes):
            where = f"{path}[{n}]"
            if not isinstance(node, dict):
                problems.append(f"{where}: must be an object")
                continue
            link = node.get("linkId")
            if not isinstance(link, str):
                problems.append(f"{where}.linkId: required (got {describe(link)})")
                continue
            if "modifierExtension" in node:
                problems.append(
                    f"item {describe(link)}: modifierExtension not understood, so the file cannot be read safely"
                )
            if "item" in node:
                queue.append((node["item"], f"item {link}.item"))
            if link not in allowed:
                what = (
                    f"not a question in {qid}" if link in content.items else "unknown linkId (not a KetaCheck question)"
                )
                problems.append(f"item {describe(link)}: {what}")
                continue
            if link in seen:
                problems.append(f"item {describe(link)}: appears more than once")
                continue
            seen.add(link)
            if "answer" not in node:
                continue
            answer = node["answer"]
            item = content.items.get(link)
            many = item is not None and item.multiple
            if not (isinstance(answer, list) and answer and all(isinstance(a, dict) for a in answer)
                    and (many or len(answer) == 1)):
                problems.append(f"item {describe(link)}: answer must be a list with {'at least' if many else ''} one answer".replace("  ", " "))
                continue
            if link == PRESCRIBED_LINK_ID:
                prescribed_answer = answer[0].get("valueBoolean")
                if not isinstance(prescribed_answer, bool):
                    problems.append(f"item {link!r}: answer must be a valueBoolean")
                    prescribed_answer = None
                continue
            if link.endswith(TOTAL_SUFFIX):
                continue  # an instrument total: scored again from the answers
            values = [_coded_value(link, a.get("valueCoding"), problems) for a in answer]
            if all(v is not None for v in values):
                answers[link] = values if many and values != [DONT_KNOW] else values[0]

    if prescribed_answer is not None:
        if "prescribed" in context and context["prescribed"] != prescribed_answer:
            problems.append(
                f"item {PRESCRIBED_LINK_ID!r}: the answer ({str(prescribed_answer).lower()}) disagrees with the context "
                f"extension ({describe(context['prescribed'])})"
            )
        context.setdefault("prescribed", prescribed_answer)
    return parse_after(problems, {"audience": audience, **context, "answers": answers}, content)

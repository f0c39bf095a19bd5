"""FHIR R4: a Questionnaire per audience and per instrument, and a QuestionnaireResponse for a
check. Reading a response back (KetaCheck's own, or one filled in another tool such as LHC-Forms)
is fhir_import.py.

What other tools need, and where it is (tests/browser/test_lforms.py renders every Questionnaire
in LHC-Forms and checks each point):
- Scores: each option's points in the standard `ordinalValue` extension on `answerOption`, so
  FHIRPath `weight()` and SDC renderers read them.
- Totals: `sdc-questionnaire-calculatedExpression` (FHIRPath over `%resource`), worked out from
  the content the way scoring.py counts: core answers that stand in for an instrument question,
  and questions not counted when ketamine is used only as prescribed.
- Codes: LOINC where the content gives them (AUDIT-C questions and LA answer codes); elsewhere
  KetaCheck's own answer codes, one per question and answer (`<linkId>:<value>`), so a system+code
  never has two meanings.
- Context as questions: region, sex (where AUDIT-C is asked) and prescribed are items, so a
  renderer asks them and a filled-in response carries them back. A region whose wording differs
  (UK units) gets its own items (`<id>-UK`), shown by enableWhen on the region question.
- Languages: a Questionnaire is in its content's language (`language` when not English) and each
  string a person reads carries the core `translation` extension for every other language whose
  catalogs load (built once per language and walked in parallel: `add_translations`).
Only standard extensions are written (ordinalValue, itemControl, optionExclusive, SDC, translation).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from ..content import Content
from ..model import AUDIENCES, DONT_KNOW, INSTRUMENT_IDS, SEX_LABELS, SEXES, dump
from ..scoring import Result, visible
from ..submission import Submission
from ..phrases import say
from ..translations import N_
from ..wording import not_a_diagnosis
from .answers_json import SCHEMA_VERSION
# TRANSLATION and ShapeMismatch are re-exported: callers name them as fhir.TRANSLATION, fhir.ShapeMismatch.
from .fhir_translation import TRANSLATION, ShapeMismatch, add_translations, other_languages  # noqa: F401

if TYPE_CHECKING:  # annotations only: the export command may hold the cache's plain twins
    from ..model import Item, Option

FHIR_BASE = "https://ketacheck.example/fhir"
ITEM_SYSTEM = f"{FHIR_BASE}/CodeSystem/items"
ANSWER_SYSTEM = f"{FHIR_BASE}/CodeSystem/answers"
REGION_SYSTEM = f"{FHIR_BASE}/CodeSystem/regions"
SEX_SYSTEM = f"{FHIR_BASE}/CodeSystem/sex"
QUESTIONNAIRE_BASE = f"{FHIR_BASE}/Questionnaire/"
LEGACY_CONTEXT_EXTENSION = f"{FHIR_BASE}/StructureDefinition/context"  # read only (files before v2.1)
LOINC = "http://loinc.org"

# Standard extensions (FHIR R4 core and SDC).
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
CALCULATED = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

# linkIds KetaCheck adds to the content's items; a hyphen keeps them apart from item ids (`domain.name`).
REGION_LINK_ID = "context-region"
SEX_LINK_ID = "context-sex"
PRESCRIBED_LINK_ID = "context-prescribed"
TOTAL_SUFFIX = "-total"
# The words of the context questions, totals and titles are the app's own (the ui catalog), so a
# Questionnaire in another language reads them in it and carries their translations.
REGION_TEXT = N_("Where are you? (for the right phone numbers)")
SEX_TEXT = N_("Sex (only used to pick the right cut-off for the alcohol questions)")
PRESCRIBED_TEXT = {"self": N_("Is the ketamine prescribed as treatment?"),
                   "other": N_("Is their ketamine prescribed as treatment?")}
# A loved one may not know: their Questionnaire asks prescribed as a choice with "Don't know".
PRESCRIBED_CHOICES = (("yes", N_("Yes")), ("no", N_("No")), (DONT_KNOW, None))
TITLES = {"self": N_("KetaCheck: ketamine use check (yourself)"),
          "other": N_("KetaCheck: ketamine use check (a family member or friend)"),
          "intake": N_("KetaCheck: ketamine use check (a clinic intake)")}
TOTAL_TEXT = N_("{instrument} total score (0 to {most})")
TOTAL_DESCRIPTION = N_("{instrument} total, as KetaCheck scores it")
DEFAULT_REGION = "INTL"  # what KetaCheck assumes when no region is given
AUDIENCE_QUESTIONNAIRES = {f"ketacheck-{a}": a for a in AUDIENCES}
QUESTIONNAIRE_IDS = (*AUDIENCE_QUESTIONNAIRES, *INSTRUMENT_IDS)
# An instrument filled in on its own is read as the person's own answers.
INSTRUMENT_AUDIENCE = "self"


def resource_id(questionnaire_id: str) -> str:
    return questionnaire_id.replace("_", "-")  # FHIR ids allow letters, digits, '-' and '.'


def questionnaire_url(questionnaire_id: str) -> str:
    return QUESTIONNAIRE_BASE + resource_id(questionnaire_id)


def variant_link_id(item_id: str, region: str) -> str:
    return f"{item_id}-{region}"


def answer_code(link_id: str, value: int | str) -> str:
    """KetaCheck's code for one answer to one question: never reused for another meaning."""
    return DONT_KNOW if value == DONT_KNOW else f"{link_id}:{value}"


def _coding(system: str, code: str, display: str) -> dict:
    return {"system": system, "code": code, "display": display}


def _option_coding(link_id: str, option: Option, label: str, published: bool = True) -> dict:
    """One answer's coding: its published code (LOINC) where the content gives one and the question
    is the published one, else KetaCheck's own code for this question."""
    if published and option.code:
        return dump(option.code)
    return _coding(ANSWER_SYSTEM, answer_code(link_id, option.value), label)


def _control(code: str) -> dict:
    return {"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code}]}}


# ---------------------------------------------------------------- the Questionnaire


class _Builder:
    """One Questionnaire's items, worked out from the content for one audience (or instrument)."""

    def __init__(self, content: Content, audience: str | None, items: list[Item]):
        self.content = content
        self.audience = audience  # None: an instrument on its own
        self.text_audience = audience or INSTRUMENT_AUDIENCE
        self.items = items
        self._ = content.ui.gettext
        ids = {i.id for i in items}
        # The contexts each item is asked in (both, for an instrument on its own).
        self.contexts = {
            i.id: [p for p in (False, True) if audience is None or i in content.flow(audience, p)] for i in items
        }
        self.asks_sex = any(content.instrument_of.get(i) and content.instruments[content.instrument_of[i]].cutoffs
                            for i in ids)

    # ---- questions

    def context_items(self) -> list[dict]:
        regions = self.content.regions
        out = [
            {
                "linkId": REGION_LINK_ID,
                "code": [{"system": ITEM_SYSTEM, "code": REGION_LINK_ID}],
                "text": self._(REGION_TEXT),
                "type": "choice",
                "required": True,
                "extension": [_control("drop-down")],
                "answerOption": [
                    {"valueCoding": _coding(REGION_SYSTEM, r.id, r.name), **({"initialSelected": True} if r.id == DEFAULT_REGION else {})}
                    for r in regions.values()
                ],
            }
        ]
        if self.asks_sex:
            out.append(
                {
                    "linkId": SEX_LINK_ID,
                    "code": [{"system": ITEM_SYSTEM, "code": SEX_LINK_ID}],
                    "text": self._(SEX_TEXT),
                    "type": "choice",
                    "extension": [_control("radio-button")],
                    "answerOption": [{"valueCoding": _coding(SEX_SYSTEM, s, self._(SEX_LABELS[s]))} for s in SEXES],
                }
            )
        if self.audience is not None:
            question = {"linkId": PRESCRIBED_LINK_ID, "code": [{"system": ITEM_SYSTEM, "code": PRESCRIBED_LINK_ID}],
                        "text": self._(PRESCRIBED_TEXT.get(self.audience, PRESCRIBED_TEXT["self"])), "type": "boolean"}
            if self.content.offers_dont_know(self.audience):
                question.update(type="choice", extension=[_control("radio-button")], answerOption=[
                    {"valueCoding": prescribed_coding(self.content, key)} for key, _ in PRESCRIBED_CHOICES])
            out.append(question)
        return out

    def _prescribed_is(self, prescribed: bool) -> dict:
        """The enableWhen for one prescribed context: for a loved one, "not prescribed" also covers
        "Don't know" (the questions are then about any ketamine use)."""
        if not self.content.offers_dont_know(self.text_audience):
            return {"question": PRESCRIBED_LINK_ID, "operator": "=", "answerBoolean": prescribed}
        yes = _reference(prescribed_coding(self.content, "yes"))
        return {"question": PRESCRIBED_LINK_ID, "operator": "=" if prescribed else "!=", "answerCoding": yes}

    def question(self, item: Item, region: str | None) -> dict:
        """One question as asked everywhere (region None) or in one region's wording."""
        link = variant_link_id(item.id, region) if region else item.id
        text, labels = item.wording(self.text_audience, region)
        published = region is None  # a regional variant is not the published question
        options = []
        for option, label in zip(item.options, labels, strict=True):
            coding = _option_coding(link, option, label, published)
            extensions = [{"url": ORDINAL_VALUE, "valueDecimal": option.level}]
            if option.exclusive:
                extensions.append({"url": OPTION_EXCLUSIVE, "valueBoolean": True})
            options.append({"extension": extensions, "valueCoding": coding})
        if self.content.offers_dont_know(self.text_audience):
            options.append({"valueCoding": _coding(ANSWER_SYSTEM, DONT_KNOW, self.content.dont_know.label)})
        codes = [dump(item.code)] if published and item.code else []
        codes.append({"system": ITEM_SYSTEM, "code": link})
        question: dict[str, Any] = {"linkId": link, "code": codes}
        number = self._published_number(item)
        if number:
            question["prefix"] = f"{number}."
        question.update(text=text, type="choice", extension=[_control("check-box" if item.multiple else "radio-button")],
                        answerOption=options)
        if item.help:
            question["item"] = [{"linkId": f"{link}-help", "text": item.help, "type": "display",
                                 "extension": [_control("help")]}]
        if item.multiple:
            question["repeats"] = True
        return question

    def _published_number(self, item: Item) -> str | None:
        """An instrument question keeps its published number ("2." for audit_c.2); others have none."""
        return item.id.rsplit(".", 1)[1] if item.id in self.content.instrument_of else None

    def gated(self, item: Item) -> list[dict]:
        """The question (and its regional variants) with enableWhen: the show_if gate (any answer
        at the gate's level or more), the prescribed context it is asked in, and the region whose
        wording it has. When the gate needs "any of" and the rest "all of", the gate goes on a
        group holding the question and its variants, so exactly one of them shows."""
        any_of = []
        if item.show_if:
            gate = self.content.items[item.show_if.item]
            any_of = [
                {"question": gate.id, "operator": "=", "answerCoding": _reference(_option_coding(gate.id, o, o.label))}
                for o in gate.options
                if o.level >= item.show_if.min_level
            ]
        context = []
        contexts = self.contexts[item.id]
        gate_contexts = self.contexts.get(item.show_if.item) if item.show_if else None
        # A gate asked in the same contexts already carries the condition (a disabled item has no answer).
        if len(contexts) == 1 and gate_contexts != contexts:
            context.append(self._prescribed_is(contexts[0]))
        questions = []
        for region in (None, *item.region_variants):
            if region is None:
                where = [{"question": REGION_LINK_ID, "operator": "!=", "answerCoding": self._region(r)}
                         for r in item.region_variants]
            else:
                where = [{"question": REGION_LINK_ID, "operator": "=", "answerCoding": self._region(region)}]
            questions.append((self.question(item, region), context + where))
        if len(any_of) > 1 and any(all_of for _, all_of in questions):
            inner = [_when(q, all_of, "all") for q, all_of in questions]
            return [{"linkId": f"{item.id}-group", "type": "group", **_enable(any_of, "any"), "item": inner}]
        return [_when(q, all_of + any_of, "all" if all_of else "any") for q, all_of in questions]

    def _region(self, region: str) -> dict:
        return {"system": REGION_SYSTEM, "code": region}

    # ---- totals

    def total(self, inst_id: str) -> dict:
        inst = self.content.instruments[inst_id]
        link = f"{inst_id}{TOTAL_SUFFIX}"
        codes = [dump(inst.total_code)] if inst.total_code else []
        codes.append({"system": ITEM_SYSTEM, "code": link})
        return {
            "linkId": link,
            "code": codes,
            "text": self._(TOTAL_TEXT).format(instrument=inst.short_name, most=inst.max_score),
            "type": "decimal",
            "readOnly": True,
            "extension": [
                {
                    "url": CALCULATED,
                    "valueExpression": {
                        "description": self._(TOTAL_DESCRIPTION).format(instrument=inst.short_name),
                        "language": "text/fhirpath",
                        "expression": self._total_expression(inst_id),
                    },
                }
            ],
        }

    def _total_expression(self, inst_id: str) -> str:
        if self.audience is None:
            return self._sum_in_context(inst_id, None)
        plain, prescribed = (self._sum_in_context(inst_id, p) for p in (False, True))
        if plain == prescribed:
            return plain
        return f"iif({_answers(PRESCRIBED_LINK_ID)}.value = true, {prescribed}, {plain})"

    def _sum_in_context(self, inst_id: str, prescribed: bool | None) -> str:
        """The total as criteria.py and instrument_scores.py count it in one context (None: the
        instrument on its own): each question's points; a core answer standing in for a question
        this flow does not ask (yes when any of them holds); a shared core answer counting once for
        a group of criteria not yet asked one by one; and questions left out when ketamine is used
        only as prescribed (unless the answers show use outside the plan)."""
        content, inst = self.content, self.content.instruments[inst_id]
        flow = None if prescribed is None else {i.id for i in content.flow(self.audience, prescribed)}
        not_counted = {f"{inst_id}.{n}" for n in inst.not_counted_when_solely_prescribed} if prescribed else set()
        grouped = {f"{inst_id}.{n}" for g in inst.shared_answers for n in g.criteria} if flow is not None else set()
        counted: list[str] = []  # linkIds whose points add up as they are
        terms = []
        for item in inst.items:
            sources = [] if flow is None else content.answered_by(item, self.audience, prescribed)
            links = [item.id, *(variant_link_id(item.id, r) for r in item.region_variants)]
            if flow is not None and item.id not in flow:
                if not sources:
                    continue
                term = f"iif({' or '.join(_holds(src, content) for src in sources)}, 1, 0)"
            elif item.id in not_counted:
                term = _points(*links)
            elif item.id in grouped:
                continue  # below, with its group
            else:
                counted.extend(links)
                continue
            if item.id in not_counted:
                drift = self._drift(inst.solely_prescribed_unless_sign)
                term = f"iif({drift}, {term}, 0)" if drift else "0"
            terms.append(term)
        for group in inst.shared_answers if flow is not None else []:
            links = [f"{inst_id}.{n}" for n in group.criteria]
            asked = [link for link in links if link in flow]
            stand_in = _holds(group.answered_by, content) if group.answered_by.item in flow else "false"
            # The one-by-one answers count as they are; the shared answer adds one while none of
            # them is met and some are still open.
            terms.append(f"{_points(*asked)} + iif({_points(*asked)} = 0 and {_answers(*asked)}.count() < {len(asked)}"
                         f" and {stand_in}, 1, 0)" if asked else f"iif({stand_in}, 1, 0)")
        return " + ".join(([_points(*counted)] if counted else []) + terms) or "0"

    def _drift(self, sign: str | None) -> str | None:
        """FHIRPath for "an answer in the prescribed flow shows this sign"."""
        if not sign:
            return None
        checks = []
        for item in self.content.flow(self.audience, True):
            codes = [_option_coding(item.id, o, o.label)["code"] for o in item.options
                     if o.level > 0 and sign in item.option_signs(o)]
            if codes:
                checks.append(f"{_answers(item.id)}.value.where(code in ({' | '.join(_q(c) for c in codes)})).exists()")
        return "(" + " or ".join(checks) + ")" if checks else None


def _reference(coding: dict) -> dict:
    """A coding as enableWhen names an answer: system and code."""
    return {"system": coding["system"], "code": coding["code"]}


def _enable(conditions: list[dict], behavior: str) -> dict:
    if not conditions:
        return {}
    return {"enableWhen": conditions, **({"enableBehavior": behavior} if len(conditions) > 1 else {})}


def _when(question: dict, conditions: list[dict], behavior: str) -> dict:
    return {**question, **_enable(conditions, behavior)}


def _q(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _points(*link_ids: str) -> str:
    """The points chosen on these questions, 0 when none is answered (FHIRPath's sum() of nothing
    is empty, and anything plus empty is empty)."""
    return f"{_answers(*link_ids)}.value.weight().aggregate($total + $this, 0)"


def _holds(cond, content: Content) -> str:
    """FHIRPath for an "answer counts" condition: the answer's points at `from_level` or more, or
    one of `any_of` chosen."""
    if cond.from_level is not None:
        return f"{_points(cond.item)} >= {cond.from_level}"
    item = content.items[cond.item]
    codes = [_option_coding(item.id, o, o.label)["code"] for o in item.options if o.value in cond.any_of]
    return f"{_answers(cond.item)}.value.where(code in ({' | '.join(_q(c) for c in codes)})).exists()"


def prescribed_coding(content: Content, key: str) -> dict:
    label = dict(PRESCRIBED_CHOICES)[key]
    label = content.ui.gettext(label) if label else content.dont_know.label
    return _coding(ANSWER_SYSTEM, f"{PRESCRIBED_LINK_ID}:{key}", label)


def _answers(*link_ids: str) -> str:
    where = f"linkId = {_q(link_ids[0])}" if len(link_ids) == 1 else f"linkId in ({' | '.join(_q(x) for x in link_ids)})"
    return f"%resource.repeat(item).where({where}).answer"


def fhir_questionnaire(content: Content, questionnaire_id: str, others: dict[str, Content] | None = None) -> dict:
    """A FHIR R4 Questionnaire (SDC): a whole check for one audience ("ketacheck-self", "-other",
    "-intake": the context questions first, then every item either prescribed context can ask,
    with enableWhen) or one instrument ("audit_c", "sds", "dsm5_k").

    It is in the content's language, and every string a person reads carries the standard
    `translation` extension for each other language (`others`: language -> the same content in
    it; by default every other language whose catalogs load beside this content)."""
    resource = one_language_questionnaire(content, questionnaire_id)
    if others is None:
        others = other_languages(content)
    trees = {content.language: resource}
    trees.update((lang, one_language_questionnaire(c, questionnaire_id)) for lang, c in others.items()
                 if lang != content.language)
    add_translations(trees, content.language)
    return resource


def one_language_questionnaire(content: Content, questionnaire_id: str) -> dict:
    """The Questionnaire in the content's language alone (what a response and an import follow)."""
    if questionnaire_id not in QUESTIONNAIRE_IDS:
        raise ValueError(f"unknown questionnaire {questionnaire_id!r} (one of {', '.join(QUESTIONNAIRE_IDS)})")
    audience = AUDIENCE_QUESTIONNAIRES.get(questionnaire_id)
    if audience:
        title = content.ui.gettext(TITLES[audience])
        flow_ids = {i.id for p in (False, True) for i in content.flow(audience, p)}
        flow = [i for i in content.items.values() if i.id in flow_ids]
        inst = None
    else:
        inst = content.instruments[questionnaire_id]
        title = f"KetaCheck: {inst.name}"
        flow = list(inst.items)
    build = _Builder(content, audience, flow)
    items = build.context_items()
    done: set[str] = set()
    for n, item in enumerate(flow):
        items.extend(build.gated(item))
        inst_id = content.instrument_of.get(item.id)
        last_of_instrument = inst_id and (n + 1 == len(flow) or content.instrument_of.get(flow[n + 1].id) != inst_id)
        if inst_id and last_of_instrument and inst_id not in done:
            items.append(build.total(inst_id))
            done.add(inst_id)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": resource_id(questionnaire_id),
        "meta": {"profile": ["http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire"]},
        "url": questionnaire_url(questionnaire_id),
        "version": str(SCHEMA_VERSION),
        "name": "KetaCheck"
        + "".join(part.capitalize() for part in re.split(r"[-_]", questionnaire_id) if part != "ketacheck"),
        "title": title,
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "KetaCheck",
        "description": not_a_diagnosis(content),
    }
    if content.language != "en":
        # The language of every text in this Questionnaire, and which instruments are asked in a
        # wording that is not validated in it ("translated, not validated in this language").
        resource = {"resourceType": resource.pop("resourceType"), "id": resource.pop("id"), "meta": resource.pop("meta"),
                    "language": content.language, **resource}
        untested = [content.instruments[i] for i in sorted(done) if content.instruments[i].validation.status == "translated"]
        if untested:
            resource["description"] += " " + " ".join(
                f"{i.short_name}: {say(content, 'status.translated')}." for i in untested)
    notices = list(dict.fromkeys(content.instruments[i].copyright for i in done if content.instruments[i].copyright))
    if notices:
        resource["copyright"] = " ".join(notices)
    if inst is not None and inst.code:
        resource["code"] = [dump(inst.code)]
    resource["item"] = items
    return resource


# ---------------------------------------------------------------- the QuestionnaireResponse


def _response_items(q_items: list[dict], sub: Submission, result: Result, content: Content) -> list[dict]:
    out = []
    for q in q_items:
        link = q["linkId"]
        if q["type"] == "group":
            children = _response_items(q["item"], sub, result, content)
            if children:
                out.append({"linkId": link, "item": children})
        elif q["type"] == "display":
            continue
        elif link == REGION_LINK_ID:
            region = content.regions[sub.region]
            out.append({"linkId": link, "text": q["text"],
                        "answer": [{"valueCoding": _coding(REGION_SYSTEM, region.id, region.name)}]})
        elif link == SEX_LINK_ID:
            out.append({"linkId": link, "text": q["text"],
                        "answer": [{"valueCoding": _coding(SEX_SYSTEM, sub.sex, content.ui.gettext(SEX_LABELS[sub.sex]))}]})
        elif link == PRESCRIBED_LINK_ID:
            if q["type"] == "boolean":
                answer = {"valueBoolean": sub.prescribed}
            else:
                key = "yes" if sub.prescribed else "no" if sub.prescribed_known else DONT_KNOW
                answer = {"valueCoding": prescribed_coding(content, key)}
            out.append({"linkId": link, "text": q["text"], "answer": [answer]})
        elif link.endswith(TOTAL_SUFFIX):  # an instrument total, as scored
            inst = result.instruments.get(link.removesuffix(TOTAL_SUFFIX))
            if inst is not None:
                out.append({"linkId": link, "text": q["text"], "answer": [{"valueDecimal": inst.score}]})
        else:
            item_id, region = item_of(link, content)
            item = content.items[item_id]
            if item_id not in sub.answers or region != (sub.region if sub.region in item.region_variants else None):
                continue
            answer = sub.answers[item_id]
            # answerOption follows the item's options, then "Don't know" when offered.
            if answer == DONT_KNOW:
                codings = [q["answerOption"][-1]["valueCoding"]]
            else:
                codings = [q["answerOption"][item.options.index(o)]["valueCoding"] for o in item.chosen(answer)]
            out.append({"linkId": link, "text": q["text"], "answer": [{"valueCoding": c} for c in codings]})
    return out


def item_of(link: str, content: Content) -> tuple[str, str | None]:
    """(item id, region) for a question's linkId: `audit_c.2` or its UK variant `audit_c.2-UK`."""
    base, _, region = link.rpartition("-")
    if base in content.items and region in content.items[base].region_variants:
        return base, region
    return link, None


def fhir_questionnaire_response(
    sub: Submission, result: Result, content: Content, today: dt.date | None = None
) -> dict:
    """A FHIR R4 QuestionnaireResponse for the audience's whole-check Questionnaire: no subject (it is
    anonymous), a date without a time, region / sex / prescribed as answers to the context
    questions, each instrument total as KetaCheck scored it.

    It holds what the person was asked: an answer hidden by an earlier answer (kept in the session,
    not scored) or outside this audience's and context's questions is left out, as FHIR requires."""
    qid = f"ketacheck-{sub.audience}"
    questionnaire = one_language_questionnaire(content, qid)
    in_context = {i.id for i in content.flow(sub.audience, sub.prescribed)}
    shown = {
        k: v for k, v in sub.answers.items() if k in in_context and visible(content.items[k], sub.answers, content)
    }
    asked = dataclasses.replace(sub, answers=shown)
    return {
        "resourceType": "QuestionnaireResponse",
        "language": content.language,  # the language the person answered in
        "questionnaire": questionnaire_url(qid),
        # An incomplete check is never passed on as finished (its level is "not enough answers").
        "status": "in-progress" if result.tier == "incomplete" else "completed",
        "authored": (today or dt.date.today()).isoformat(),
        "item": _response_items(questionnaire["item"], asked, result, content),
    }

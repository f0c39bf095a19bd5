"""FHIR R4 exports as other tools read them: strict R4 (the HL7 JSON schema, validated by a library
nobody here wrote), scores where SDC puts them, LOINC answers for AUDIT-C, one meaning per code,
context as questions, round trips, instrument-only and older files imported. The same exports in
LHC-Forms, the NLM's renderer: browser/test_lforms.py."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from pathlib import Path

import pytest
from test_export import CONTEXTS, TODAY, essence, make

from ketacheck import export, scoring
from ketacheck.export import fhir
from ketacheck.model import AUDIENCES, DONT_KNOW, ShowIf
from ketacheck.submission import InputError

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_CHECK = Path(__file__).resolve().parent / "fhir_schema.js"
LOINC_LISTS = {  # LOINC answer lists LL2179-1, LL2180-9, LL2181-7, as HL7 US Core's AUDIT-C uses them
    "audit_c.1": ["LA6270-8", "LA18926-8", "LA18927-6", "LA18928-4", "LA18929-2"],
    "audit_c.2": ["LA15694-5", "LA15695-2", "LA18930-0", "LA18931-8", "LA18932-6"],
    "audit_c.3": ["LA6270-8", "LA18933-4", "LA18876-5", "LA18891-4", "LA18934-2"],
}


def r4_problems(resources: list[dict]) -> list[list[str]]:
    """Each resource checked against the FHIR R4 (4.0) JSON schema: unknown or misspelt elements
    and wrong types are errors. node_modules comes from `make test` (npm ci)."""
    if not (ROOT / "node_modules" / "@asymmetrik" / "fhir-json-schema-validator").exists():
        pytest.fail("node_modules is missing: run 'make test' (it runs 'npm ci' from package-lock.json)", pytrace=False)
    run = subprocess.run(["node", str(SCHEMA_CHECK)], input=json.dumps(resources), capture_output=True, text=True,
                         cwd=ROOT, check=True)
    out = json.loads(run.stdout)
    assert out["schema"] == "http://hl7.org/fhir/json-schema/4.0"  # R4, not R4B or R5
    return out["results"]


def q_items(resource: dict) -> list[dict]:
    out, stack = [], list(reversed(resource["item"]))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.get("item", [])))
    return out


def answers_of(response: dict) -> dict[str, dict]:
    return {node["linkId"]: node["answer"][0] for node in q_items(response) if "answer" in node}


def enabled(conditions: list[dict], behavior: str, given: dict[str, dict]) -> bool:
    """FHIR R4 enableWhen for the operators KetaCheck uses ("=" and "!=" on a coding or boolean)."""
    if not conditions:
        return True
    results = []
    for cond in conditions:
        answer = given.get(cond["question"])
        if answer is None:
            results.append(False)  # "!=" too: true only when an answer is there and differs
            continue
        value = answer.get("valueBoolean") if "answerBoolean" in cond else answer.get("valueCoding", {}).get("code")
        wanted = cond["answerBoolean"] if "answerBoolean" in cond else cond["answerCoding"]["code"]
        results.append(value == wanted if cond["operator"] == "=" else value != wanted)
    return any(results) if behavior == "any" else all(results)


def enabled_links(questionnaire: dict, given: dict[str, dict]) -> set[str]:
    """linkIds a renderer shows for these answers (a group's conditions hold for what it holds)."""
    out: set[str] = set()

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            if enabled(node.get("enableWhen", []), node.get("enableBehavior", "all"), given):
                out.add(node["linkId"])
                walk(node.get("item", []))

    walk(questionnaire["item"])
    return out


@pytest.fixture(scope="module")
def questionnaires(content) -> dict[str, dict]:
    return {qid: export.fhir_questionnaire(content, qid) for qid in export.QUESTIONNAIRE_IDS}


# ---------------------------------------------------------------- the Questionnaires


def test_every_questionnaire_and_response_is_strict_r4(content, questionnaires):
    responses = [
        export.fhir_questionnaire_response(*make(content, a, p, kind, region=region), content, TODAY)
        for a, p in CONTEXTS for kind, region in (("high", "UK"), ("mixed", "US"))
    ]
    problems = r4_problems([*questionnaires.values(), *responses])
    assert problems == [[] for _ in problems]
    # The check has teeth: an element R4 does not have is an error.
    assert r4_problems([{**questionnaires["audit_c"], "answerValueSet": "x"}]) != [[]]


@pytest.mark.parametrize("questionnaire_id", export.QUESTIONNAIRE_IDS)
def test_each_option_carries_its_score_where_sdc_tools_read_it(content, questionnaires, questionnaire_id):
    data = questionnaires[questionnaire_id]
    links = [n["linkId"] for n in q_items(data)]
    assert len(links) == len(set(links))
    seen: set[str] = set()
    scored = 0
    for node in q_items(data):
        for cond in node.get("enableWhen", []):  # enableWhen only looks back
            assert cond["question"] in seen, (node["linkId"], cond)
        seen.add(node["linkId"])
        # A prefix is a label people read ("2."), never an internal id.
        assert re.fullmatch(r"\d+\.", node.get("prefix", "1.")), node["prefix"]
        if node["type"] != "choice" or node["linkId"].startswith("context-"):
            continue
        item = content.items[fhir.item_of(node["linkId"], content)[0]]
        options = node["answerOption"]
        for option, expected in zip(options, item.options, strict=False):
            weight = [e["valueDecimal"] for e in option["extension"] if e["url"] == export.ORDINAL_VALUE]
            assert weight == [expected.level], (node["linkId"], option)
            assert "extension" not in option["valueCoding"]  # the old place, which no SDC tool reads
            scored += 1
        dont_know = options[len(item.options):]
        if questionnaire_id == "ketacheck-other":  # a loved one may not know; it has no score
            assert [o["valueCoding"]["code"] for o in dont_know] == [DONT_KNOW] and "extension" not in dont_know[0]
        else:
            assert dont_know == []
        assert node.get("repeats", False) == item.multiple
    assert scored > 0


def test_totals_are_calculated_expressions(content, questionnaires):
    for qid, data in questionnaires.items():
        totals = {n["linkId"]: n for n in q_items(data) if n["linkId"].endswith(fhir.TOTAL_SUFFIX)}
        expected = {f"{i}-total" for i in export.QUESTIONNAIRE_IDS if i in content.instruments} if qid in (
            "ketacheck-self", "ketacheck-intake") else {f"{qid}-total"} if qid in content.instruments else set()
        assert set(totals) == expected, qid
        for node in totals.values():
            ext = [e for e in node["extension"] if e["url"] == fhir.CALCULATED]
            assert node["readOnly"] is True and node["type"] == "decimal"
            assert ext and ext[0]["valueExpression"]["language"] == "text/fhirpath"
            assert "weight()" in ext[0]["valueExpression"]["expression"]


def test_audit_c_answers_are_loinc_and_the_uk_units_version_is_its_own_question(content, questionnaires):
    for qid in ("audit_c", "ketacheck-self", "ketacheck-intake"):
        nodes = {n["linkId"]: n for n in q_items(questionnaires[qid])}
        for link, codes in LOINC_LISTS.items():
            codings = [o["valueCoding"] for o in nodes[link]["answerOption"]]
            assert [(c["system"], c["code"]) for c in codings] == [("http://loinc.org", c) for c in codes], (qid, link)
            assert nodes[link]["code"][0]["system"] == "http://loinc.org"
        for link in ("audit_c.2-UK", "audit_c.3-UK"):  # units wording: not the LOINC question
            node = nodes[link]
            assert "unit" in node["text"]
            assert all(c["system"] != "http://loinc.org" for c in node["code"])
            assert all(o["valueCoding"]["system"] == fhir.ANSWER_SYSTEM for o in node["answerOption"])
            assert {"question": fhir.REGION_LINK_ID, "operator": "=",
                    "answerCoding": {"system": fhir.REGION_SYSTEM, "code": "UK"}} in node["enableWhen"]
        assert {"question": fhir.REGION_LINK_ID, "operator": "!=",
                "answerCoding": {"system": fhir.REGION_SYSTEM, "code": "UK"}} in nodes["audit_c.2"]["enableWhen"]
        assert "LOINC is copyright" in questionnaires[qid]["copyright"]
        assert nodes["audit_c-total"]["code"][0]["code"] == "75626-2"
    assert questionnaires["audit_c"]["code"][0]["code"] == "72109-2"
    for qid in ("sds", "dsm5_k", "ketacheck-other"):  # no LOINC claimed, so no LOINC notice
        assert "copyright" not in questionnaires[qid] and "code" not in questionnaires[qid]
        assert "loinc.org" not in json.dumps(questionnaires[qid]["item"])


def test_no_two_meanings_share_a_system_and_code(questionnaires):
    """A code names one answer to one question (LOINC LA codes: one answer wording)."""
    meanings: dict[tuple[str, str], set] = {}
    for data in questionnaires.values():
        for node in q_items(data):
            for n, option in enumerate(node.get("answerOption", [])):
                c = option["valueCoding"]
                if c["code"] == DONT_KNOW:
                    meaning = "Don't know"
                elif c["system"] == fhir.ANSWER_SYSTEM:
                    meaning = (node["linkId"], n)
                else:
                    meaning = c["display"]
                meanings.setdefault((c["system"], c["code"]), set()).add(meaning)
    shared = {code: m for code, m in meanings.items() if len(m) > 1}
    assert shared == {}
    assert len(meanings) > 200


def test_only_standard_extensions(questionnaires, content):
    responses = [export.fhir_questionnaire_response(*make(content, a, p), content, TODAY) for a, p in CONTEXTS]
    urls: set[str] = set()
    stack: list = [*questionnaires.values(), *responses]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            urls |= {e["url"] for e in node.get("extension", []) + node.get("modifierExtension", [])}
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    # "lang" and "content" are the parts of the (complex) translation extension, named as it defines them.
    assert urls == {fhir.ORDINAL_VALUE, fhir.ITEM_CONTROL, fhir.OPTION_EXCLUSIVE, fhir.CALCULATED, fhir.TRANSLATION,
                    "lang", "content"}


@pytest.mark.parametrize("audience", AUDIENCES)
def test_context_is_asked_as_questions(content, questionnaires, audience):
    data = questionnaires[f"ketacheck-{audience}"]
    context = [fhir.REGION_LINK_ID, *([fhir.SEX_LINK_ID] if audience != "other" else []), fhir.PRESCRIBED_LINK_ID]
    assert [n["linkId"] for n in data["item"][: len(context)]] == context  # asked first
    region = data["item"][0]
    assert [o["valueCoding"]["code"] for o in region["answerOption"]] == list(content.regions)
    # The region KetaCheck assumes when none is given is the form's starting answer.
    assert [o["valueCoding"]["code"] for o in region["answerOption"] if o.get("initialSelected")] == ["INTL"]
    wanted = {i.id for p in (False, True) for i in content.flow(audience, p)}
    asked = {fhir.item_of(n["linkId"], content)[0] for n in q_items(data) if n["type"] == "choice"}
    assert asked - {fhir.REGION_LINK_ID, fhir.SEX_LINK_ID, fhir.PRESCRIBED_LINK_ID} == wanted
    # A loved one may not know whether it is prescribed: yes, no or "Don't know"; the others say yes or no.
    prescribed = next(n for n in data["item"] if n["linkId"] == fhir.PRESCRIBED_LINK_ID)
    if audience == "other":
        assert [o["valueCoding"]["display"] for o in prescribed["answerOption"]] == ["Yes", "No", content.dont_know.label]
    else:
        assert prescribed["type"] == "boolean"


# ---------------------------------------------------------------- responses and import


@pytest.mark.parametrize("audience,prescribed", CONTEXTS)
@pytest.mark.parametrize("kind", ["low", "high", "flag", "mixed"])
def test_fhir_round_trip_gives_the_same_result(content, questionnaires, audience, prescribed, kind):
    sub, result = make(content, audience, prescribed, kind, region="UK" if prescribed else "AU", sex="male")
    response = export.fhir_questionnaire_response(sub, result, content, TODAY)
    assert response["questionnaire"] == export.questionnaire_url(f"ketacheck-{audience}")
    assert response["status"] == "completed" and response["authored"] == "2026-05-01"
    assert "subject" not in response and "extension" not in response  # anonymous; context is in the answers

    # It conforms to its Questionnaire: known linkIds, offered options, only what a renderer shows.
    questionnaire = questionnaires[f"ketacheck-{audience}"]
    nodes = {n["linkId"]: n for n in q_items(questionnaire)}
    given = answers_of(response)
    shown = enabled_links(questionnaire, given)
    for link, answer in given.items():
        assert link in shown, link
        if nodes[link]["type"] == "choice":
            # (a response's codings say their words in its language, without the Questionnaire's translations)
            offered = [{k: v for k, v in o["valueCoding"].items() if k != "_display"} for o in nodes[link]["answerOption"]]
            assert answer["valueCoding"] in offered
    for inst_id, inst in result.instruments.items():
        assert given[f"{inst_id}-total"] == {"valueDecimal": inst.score}

    back = export.from_fhir(json.loads(json.dumps(response)), content)
    sex = "male" if audience != "other" else "unspecified"  # asked only with the alcohol questions, as in the app
    assert (back.audience, back.region, back.prescribed, back.sex) == (audience, sub.region, prescribed, sex)
    assert essence(scoring.score(back, content)) == essence(result)
    if not result.ignored:
        assert back == dataclasses.replace(sub, sex=sex)
    assert export.load_import(json.dumps(response), content) == back


def test_uk_response_uses_the_units_questions_with_their_own_wording(content):
    sub, result = make(content, "intake", False, region="UK")
    given = {n["linkId"]: n for n in q_items(export.fhir_questionnaire_response(sub, result, content, TODAY))}
    assert "audit_c.2" not in given and "units" in given["audit_c.2-UK"]["text"]
    assert given["audit_c.2-UK"]["answer"][0]["valueCoding"]["code"].startswith("audit_c.2-UK:")
    sub, result = make(content, "other", False, region="UK")
    given = {n["linkId"]: n for n in q_items(export.fhir_questionnaire_response(sub, result, content, TODAY))}
    text, labels = content.items["crav.urges"].wording("other", "UK")
    assert given["crav.urges"]["text"] == text
    assert given["crav.urges"]["answer"][0]["valueCoding"]["display"] == labels[-1]


def audit_c_response(region: str, sex: str, codes: list[str]) -> dict:
    suffix = "-UK" if region == "UK" else ""
    items = [
        {"linkId": fhir.REGION_LINK_ID, "answer": [{"valueCoding": {"system": fhir.REGION_SYSTEM, "code": region}}]},
        {"linkId": fhir.SEX_LINK_ID, "answer": [{"valueCoding": {"system": fhir.SEX_SYSTEM, "code": sex}}]},
        {"linkId": "audit_c.1", "answer": [{"valueCoding": {"system": "http://loinc.org", "code": codes[0]}}]},
    ]
    for n, code in enumerate(codes[1:], start=2):
        link = f"audit_c.{n}{suffix}"
        system = fhir.ANSWER_SYSTEM if suffix else "http://loinc.org"
        items.append({"linkId": f"audit_c.{n}-group", "item": [{"linkId": link, "answer": [
            {"valueCoding": {"system": system, "code": code if not suffix else f"{link}:{LOINC_LISTS[f'audit_c.{n}'].index(code)}"}}]}]})
    return {"resourceType": "QuestionnaireResponse", "questionnaire": export.questionnaire_url("audit_c") + "|2",
            "status": "completed", "item": items}


@pytest.mark.parametrize("region,positive", [("US", True), ("UK", False)])
def test_an_instrument_filled_on_its_own_imports_with_its_context(content, region, positive):
    """A man scoring 4 on AUDIT-C: positive where the cut-off for men is 4, not in the UK (5)."""
    response = audit_c_response(region, "male", ["LA18927-6", "LA15695-2", "LA18933-4"])  # 2 + 1 + 1
    sub = export.load_import(json.dumps(response), content)
    assert (sub.audience, sub.region, sub.sex) == ("self", region, "male")
    assert sub.answers == {"audit_c.1": 2, "audit_c.2": 1, "audit_c.3": 1}
    audit = scoring.score(sub, content).instruments["audit_c"]
    assert (audit.score, audit.positive) == (4, positive)


@pytest.mark.parametrize("instrument", ["sds", "dsm5_k"])
def test_other_instruments_import_on_their_own(content, questionnaires, instrument):
    data = questionnaires[instrument]
    items = [{"linkId": fhir.REGION_LINK_ID, "answer": [{"valueCoding": data["item"][0]["answerOption"][1]["valueCoding"]}]}]
    for node in q_items(data):
        if node["type"] == "choice" and not node["linkId"].startswith("context-"):
            items.append({"linkId": node["linkId"], "answer": [{"valueCoding": node["answerOption"][-1]["valueCoding"]}]})
    sub = export.load_import(json.dumps({"resourceType": "QuestionnaireResponse", "status": "completed",
                                         "questionnaire": data["url"], "item": items}), content)
    inst = scoring.score(sub, content).instruments[instrument]
    assert sub.region == "UK" and inst.complete and inst.score == inst.max


def test_a_file_from_an_earlier_version_still_imports(content):
    """Context in the old extension and answer codes as plain numbers, as KetaCheck wrote before."""
    old = {"resourceType": "QuestionnaireResponse", "status": "completed",
           "questionnaire": export.questionnaire_url("ketacheck-self"),
           "extension": [{"url": fhir.LEGACY_CONTEXT_EXTENSION, "extension": [
               {"url": "region", "valueCode": "NZ"}, {"url": "prescribed", "valueBoolean": False},
               {"url": "sex", "valueCode": "female"}]}],
           "item": [{"linkId": "esc.frequency", "answer": [{"valueCoding": {"system": fhir.ANSWER_SYSTEM, "code": "3"}}]},
                    {"linkId": "audit_c.1", "answer": [{"valueCoding": {"system": fhir.ANSWER_SYSTEM, "code": "2"}}]}]}
    sub = export.load_import(json.dumps(old), content)
    assert (sub.region, sub.prescribed, sub.sex) == ("NZ", False, "female")
    assert sub.answers == {"esc.frequency": 3, "audit_c.1": 2}


def test_an_answer_code_from_another_question_is_refused(content):
    response = audit_c_response("US", "male", ["LA18927-6", "LA15695-2", "LA18933-4"])
    response["item"][2]["answer"][0]["valueCoding"] = {"system": fhir.ANSWER_SYSTEM, "code": "sds.1:1"}
    with pytest.raises(InputError) as err:
        export.load_import(json.dumps(response), content)
    assert err.value.problems == ["item 'audit_c.1': answer system 'https://ketacheck.example/fhir/CodeS... "
                                  "is not this question's (http://loinc.org)"]
    response["item"][2]["answer"][0]["valueCoding"] = {"system": "http://loinc.org", "code": "LA15694-5"}
    with pytest.raises(InputError) as err:
        export.load_import(json.dumps(response), content)
    assert err.value.problems == ["item 'audit_c.1': answer code 'LA15694-5' is not one of this question's "
                                  "(LA18926-8, LA18927-6, LA18928-4, LA18929-2, LA6270-8)"]


def test_a_question_answered_in_two_wordings_is_refused(content):
    response = audit_c_response("UK", "male", ["LA18927-6", "LA15695-2", "LA18933-4"])
    response["item"].append({"linkId": "audit_c.2", "answer": [{"valueCoding": {"system": "http://loinc.org", "code": "LA15694-5"}}]})
    with pytest.raises(InputError, match="appears more than once"):
        export.load_import(json.dumps(response), content)


def test_an_item_with_both_a_context_and_a_multi_answer_gate_is_nested_in_a_group(content):
    """No item has this today; content may add one (here a follow-up asked only when prescribed)."""

    def change(c):
        item = c.items["ctl.life"]
        gated = item.model_copy(update={"prescribed": "yes", "show_if": ShowIf(item="harm.bladder", min_level=1)})
        return dataclasses.replace(c, items={**c.items, item.id: gated}, _flows={})

    changed = change(content)
    # The same change in the other languages; without it, their Questionnaires differ in shape.
    with pytest.raises(fhir.ShapeMismatch, match=r"item\[ctl.life-group\]: keys differ"):
        export.fhir_questionnaire(changed, "ketacheck-self")
    others = {lang: change(c) for lang, c in fhir.other_languages(content).items()}
    data = export.fhir_questionnaire(changed, "ketacheck-self", others)
    assert r4_problems([data]) == [[]]
    group = next(n for n in data["item"] if n["linkId"] == "ctl.life-group")
    assert group["type"] == "group" and group["enableBehavior"] == "any" and len(group["enableWhen"]) == 3
    assert group["item"][0]["enableWhen"] == [
        {"question": export.PRESCRIBED_LINK_ID, "operator": "=", "answerBoolean": True}
    ]
    sub, result = make(changed, "self", True)
    response = export.fhir_questionnaire_response(sub, result, changed, TODAY)
    assert export.from_fhir(response, changed) == sub


def test_unknown_questionnaire_id_is_a_clear_error(content):
    with pytest.raises(ValueError, match="unknown questionnaire 'phq9'"):
        export.fhir_questionnaire(content, "phq9")

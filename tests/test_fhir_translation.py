"""FHIR Questionnaires carry every other language: each string a person reads has the standard
`translation` extension (in its `_<name>` sibling) for each other language whose catalogs load,
worded as that language's own Questionnaire words it. Still strict R4 (the HL7 JSON schema, as in
test_fhir.py). Responses carry no translations."""

from __future__ import annotations

import json

import pytest
from test_export import CONTEXTS, TODAY, make
from test_fhir import q_items, r4_problems

from ketacheck import export, loader
from ketacheck.export import fhir

LANGUAGES = loader.languages()


@pytest.fixture(scope="module")
def contents() -> dict:
    return {lang: loader.load(language=lang) for lang in LANGUAGES}


@pytest.fixture(scope="module")
def built(contents) -> dict:
    """(language, questionnaire id) -> the Questionnaire as exported, with translations."""
    return {(lang, qid): export.fhir_questionnaire(c, qid)
            for lang, c in contents.items() for qid in export.QUESTIONNAIRE_IDS}


def translations(node: dict, key: str) -> list[tuple[str, str]]:
    """(lang, content) for each translation extension on node[key], in order."""
    out = []
    for ext in node.get(f"_{key}", {}).get("extension", []):
        assert ext["url"] == fhir.TRANSLATION
        parts = {p["url"]: p for p in ext["extension"]}
        assert set(parts) == {"lang", "content"} and len(ext["extension"]) == 2
        out.append((parts["lang"]["valueCode"], parts["content"]["valueString"]))
    return out


def read_strings(resource: dict) -> list[tuple[str | None, str, dict, str]]:
    """(linkId, where, node, key) for the strings a person reads, found here without fhir.py's walker."""
    out = [(None, key, resource, key) for key in ("title", "description") if key in resource]
    for item in q_items(resource):
        link = item["linkId"]
        out += [(link, f"{link} {key}", item, key) for key in ("text", "prefix") if key in item]
        for n, option in enumerate(item.get("answerOption", [])):
            if "valueString" in option:
                out.append((link, f"{link} answerOption[{n}]", option, "valueString"))
            if "valueCoding" in option:
                out.append((link, f"{link} answerOption[{n}]", option["valueCoding"], "display"))
        for ext in item.get("extension", []):
            if "valueExpression" in ext:
                out.append((link, f"{link} expression", ext["valueExpression"], "description"))
    return out


@pytest.mark.parametrize("questionnaire_id", export.QUESTIONNAIRE_IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_a_person_reads_has_each_other_language(contents, built, language, questionnaire_id):
    resource = built[language, questionnaire_id]
    assert resource.get("language", "en") == language  # the Questionnaire keeps its own language
    others = [lang for lang in LANGUAGES if lang != language]
    plain = {lang: fhir.one_language_questionnaire(contents[lang], questionnaire_id) for lang in LANGUAGES}
    theirs = {lang: read_strings(plain[lang]) for lang in LANGUAGES}
    mine = read_strings(resource)
    assert [w for _, w, _, _ in mine] == [w for _, w, _, _ in theirs[language]]  # the same strings, in the same places
    translated = 0
    for n, (link, where, node, key) in enumerate(mine):
        words = {lang: theirs[lang][n][2][key] for lang in LANGUAGES}
        assert node[key] == words[language], where  # its own words are untouched
        found = translations(node, key)
        if found:
            assert found == [(lang, words[lang]) for lang in others], where
            translated += 1
            continue
        # Only a string the same in every language goes without: a number (a prefix), LOINC's
        # published display, or a region's own name ("España" reads the same everywhere).
        assert len(set(words.values())) == 1, (where, words)
        loinc = key == "display" and node.get("system") == fhir.LOINC
        region = key == "display" and node.get("system") == fhir.REGION_SYSTEM
        assert key == "prefix" or loinc or region, (where, node[key])
    assert translated > 10


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_the_context_questions_titles_and_totals_are_in_the_questionnaires_language(built, language):
    """The questions KetaCheck adds (region, sex, prescribed), their answers, the title and the totals
    read in the Questionnaire's language, with the English as a translation."""
    resource = built[language, "ketacheck-self"]
    english = built["en", "ketacheck-self"]
    assert resource["title"] != english["title"] and ("en", english["title"]) in translations(resource, "title")
    mine = {n["linkId"]: n for n in q_items(resource)}
    theirs = {n["linkId"]: n for n in q_items(english)}
    for link in (fhir.REGION_LINK_ID, fhir.SEX_LINK_ID, fhir.PRESCRIBED_LINK_ID, "audit_c-total"):
        assert mine[link]["text"] != theirs[link]["text"], link
        assert ("en", theirs[link]["text"]) in translations(mine[link], "text"), link
    sexes = [o["valueCoding"] for o in mine[fhir.SEX_LINK_ID]["answerOption"]]
    english_sexes = [o["valueCoding"] for o in theirs[fhir.SEX_LINK_ID]["answerOption"]]
    assert [a["code"] for a in sexes] == [a["code"] for a in english_sexes]  # the same codes
    assert not {a["display"] for a in sexes} & {a["display"] for a in english_sexes}
    # A loved one's Questionnaire asks about *their* ketamine, as the app does, with Yes / No /
    # Don't know in the Questionnaire's language.
    mine = {n["linkId"]: n for n in q_items(built[language, "ketacheck-other"])}[fhir.PRESCRIBED_LINK_ID]
    theirs = {n["linkId"]: n for n in q_items(built["en", "ketacheck-other"])}[fhir.PRESCRIBED_LINK_ID]
    assert theirs["text"] == "Is their ketamine prescribed as treatment?"
    assert ("en", theirs["text"]) in translations(mine, "text")
    yes_no = [(o["valueCoding"]["code"], o["valueCoding"]["display"]) for o in mine["answerOption"]]
    english_yes_no = [(o["valueCoding"]["code"], o["valueCoding"]["display"]) for o in theirs["answerOption"]]
    assert [c for c, _ in yes_no] == [c for c, _ in english_yes_no]
    # Yes and Don't know differ from the English in every language ("No" is also Spanish).
    assert yes_no[0][1] != english_yes_no[0][1] and yes_no[2][1] != english_yes_no[2][1]


def test_a_known_question_and_answer_in_spanish(contents, built):
    es = contents["es"]
    for qid in ("ketacheck-self", "sds"):
        nodes = {n["linkId"]: n for n in q_items(built["en", qid])}
        link = "safety.now" if qid == "ketacheck-self" else "sds.1"
        text, labels = es.items[link].wording("self")
        assert dict(translations(nodes[link], "text"))["es"] == text
        assert dict(translations(nodes[link], "text"))["es"] != nodes[link]["text"]
        option = nodes[link]["answerOption"][0]["valueCoding"]
        assert dict(translations(option, "display"))["es"] == labels[0]
    # The Spanish Questionnaire is in Spanish, and carries the English (and Chinese) as translations.
    node = next(n for n in q_items(built["es", "ketacheck-self"]) if n["linkId"] == "safety.now")
    assert node["text"] == es.items["safety.now"].wording("self")[0]
    assert dict(translations(node, "text")) == {
        lang: contents[lang].items["safety.now"].wording("self")[0] for lang in ("en", "zh-Hant", "zh-Hans")}


def test_translated_questionnaires_are_strict_r4(built):
    problems = r4_problems(list(built.values()))
    assert problems == [[] for _ in problems]
    # The schema knows where a primitive's extensions go: `_text` on a Coding is not R4.
    bad = json.loads(json.dumps(built["en", "sds"]))
    question = next(n for n in bad["item"] if "_text" in n)
    question["answerOption"][0]["valueCoding"]["_text"] = question["_text"]
    assert r4_problems([bad]) != [[]]


@pytest.mark.parametrize("language", ["en", "es"])
def test_responses_carry_no_translations(contents, language):
    content = contents[language]
    for audience, prescribed in CONTEXTS:
        sub, result = make(content, audience, prescribed, "mixed", region="UK")
        text = json.dumps(export.fhir_questionnaire_response(sub, result, content, TODAY))
        assert fhir.TRANSLATION not in text and '"_' not in text


def test_a_language_whose_catalogs_do_not_load_is_left_out(content_copy):
    po = content_copy / "locale" / "es" / "content.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "No English says this"\nmsgstr "Nada"\n', encoding="utf-8")
    with pytest.raises(loader.ContentError):
        loader.load(content_copy, "es")
    data = export.fhir_questionnaire(loader.load(content_copy), "audit_c")
    assert [lang for lang, _ in translations(data, "title")] == ["zh-Hant", "zh-Hans"]

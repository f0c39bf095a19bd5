"""Take-away files on the result page, and the intake view reading a file a person brought."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from ketacheck import export, scoring, submission
from helpers import tap
from test_app import answer_core, kc, start, texts
from test_fhir import audit_c_response


def test_result_offers_five_downloads_named_without_personal_details(content):
    at = start("self", region="UK")
    answer_core(at, content, lambda item: 1)
    # Made only once their section is opened, as the person opens it.
    assert "Take it with you: printout and files" in [e.label for e in at.expander] and not at.get("download_button")
    at.session_state["files_section"] = True
    at.run()
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert set(buttons) == {"Printable summary (PDF)", "Printable summary (web page)", "One row for a spreadsheet (CSV)",
                            "Answers for KetaCheck (JSON)", "Answers for health records (FHIR)"}


def intake_clinician(region="US") -> AppTest:
    at = start("intake", region=region)
    at.switch_page("pages/clinician.py").run()
    assert not at.exception
    return at


@pytest.mark.parametrize("audience", ["self", "other", "intake"])
@pytest.mark.parametrize("fmt", ["json", "fhir"])
def test_import_shows_the_same_result_as_the_export(content, audience, fmt):
    answers = {i.id: [o.value for o in i.options if not o.exclusive][-1:] if i.multiple else i.options[-1].value
               for i in content.flow(audience, False) if not i.red_flags}
    sub = submission.parse({"audience": audience, "region": "AU", "answers": answers}, content)
    result = scoring.score(sub, content)
    doc = (export.to_json(sub, result, content, dt.date(2026, 11, 22)) if fmt == "json"
           else export.fhir_questionnaire_response(sub, result, content, dt.date(2026, 11, 22)))
    at = intake_clinician()
    at.file_uploader(key="import_file").upload("brought.json", json.dumps(doc).encode(), "application/json").run()
    assert not at.exception and not at.error
    page = texts(at)
    assert f"**Level:** {result.tier_label}" in page
    assert all(f"`{item_id}`" in page for item_id in sub.answers)  # every answer has its row


def test_an_audit_c_filled_in_another_tool_shows_its_score_and_cut_off(content):
    """A clinic's form tool filled only the AUDIT-C Questionnaire: the intake view reads it, scores it
    with the UK cut-off the response names, and does not pretend the check is complete."""
    doc = audit_c_response("UK", "male", ["LA18927-6", "LA15695-2", "LA18933-4"])  # 2 + 1 + 1
    at = intake_clinician()
    at.file_uploader(key="import_file").upload("audit-c.json", json.dumps(doc).encode(), "application/json").run()
    assert not at.exception and not at.error
    page = texts(at)
    assert "**Level:** Not enough answers yet · **Context:** not prescribed, region UK" in page
    assert "Score 4 of 12, lower risk: below the cut-off of 5." in page  # a man's cut-off is 4 elsewhere


HOSTILE = [
    (b"{not json", "not valid JSON"),
    (json.dumps({"schema_version": 99, "answers": {}}).encode(), "schema_version 99 is not supported"),
    (json.dumps({"schema_version": 2, "kind": "ketacheck.answers", "audience": "self",
                 "answers": {"crav.urges": "<script>alert(1)</script>"}}).encode(), "crav.urges"),
    (b"[" * 5000 + b"]" * 5000, "nested"),
    (json.dumps({"resourceType": "Patient"}).encode(), "QuestionnaireResponse"),
]


@pytest.mark.parametrize(("data", "fragment"), HOSTILE)
def test_hostile_imports_get_one_clear_message_and_nothing_rendered(content, data, fragment):
    at = intake_clinician()
    at.file_uploader(key="import_file").upload("bad.json", data, "application/json").run()
    assert not at.exception
    assert "cannot be read" in at.error[0].value
    problems = [t.value for t in at.text]
    assert any(fragment in p for p in problems), problems
    assert "Every answer" not in texts(at)  # nothing from the file is shown
    assert all(not m.proto.allow_html for m in at.markdown)


def test_finish_and_clear_forgets_the_uploaded_file(content):
    at = intake_clinician()
    sub = submission.parse({"audience": "intake", "answers": {"crav.urges": 4}}, content)
    doc = export.to_json(sub, scoring.score(sub, content), content)
    at.file_uploader(key="import_file").upload("brought.json", json.dumps(doc).encode(), "application/json").run()
    assert "Every answer" in texts(at)
    at.button(key="finish_clear").click().run()
    assert kc(at)["answers"] == {} and "import_file" not in at.session_state


@pytest.mark.parametrize("code", [["crav.urges:3"], 3])
def test_a_fhir_file_with_a_malformed_code_is_refused_and_the_page_keeps_its_buttons(content, code):
    at = start("intake", region="US")
    tap(at, "answer_safety.now_0")  # this session has an answer to clear
    at.switch_page("pages/clinician.py").run()
    sub = submission.parse({"audience": "intake", "answers": {"crav.urges": 3}}, content)
    doc = export.fhir_questionnaire_response(sub, scoring.score(sub, content), content)
    for item in doc["item"]:
        if item["linkId"] == "crav.urges":
            item["answer"][0]["valueCoding"]["code"] = code
    at.file_uploader(key="import_file").upload("brought.json", json.dumps(doc).encode(), "application/json").run()
    assert not at.exception
    assert "cannot be read" in at.error[0].value
    assert [t.value for t in at.text] == [f"item 'crav.urges': valueCoding.code must be text (got {json.dumps(code)})"]
    keys = {b.key for b in at.button}
    assert {"finish_clear", "clear_answers", "quick_exit"} <= keys

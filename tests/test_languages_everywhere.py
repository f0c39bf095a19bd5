"""A language goes everywhere the check goes: the command line, the answer file (and back), the
printout (with Chinese drawn from an embedded Noto Sans CJK subset, and copyable out of the PDF)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pypdf
import pytest

from ketacheck import export, loader, scoring, submission
from ketacheck.cli import main


def run(argv, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("language", "first"), [
    ("es", "Ahora mismo, ¿te está pasando algo de esto a ti o a alguien que está contigo?"),
    ("zh-Hant", "現在，你或你身邊的人是否正發生以下任何情況？"),
    ("zh-Hans", "现在，你或你身边的人是否正发生以下任何情况？"),
])
def test_questions_in_a_language(language, first):
    code, out, err = run(["--lang", language, "questions", "--audience", "self"])
    assert code == 0, err
    items = json.loads(out)
    assert items[0]["text"] == first and items[0]["id"] == "safety.now"
    en = json.loads(run(["questions", "--audience", "self"])[1])
    assert [i["id"] for i in items] == [i["id"] for i in en]  # same questions, same values
    assert [o["value"] for o in items[0]["options"]] == [o["value"] for o in en[0]["options"]]


def test_an_unknown_language_is_a_clear_message():
    code, out, err = run(["--lang", "fr", "questions", "--audience", "self"])
    assert (code, out) == (2, "") and err.strip() == "--lang: must be one of en, es, zh-Hant, zh-Hans (got 'fr')"
    code, out, err = run(["score", "-"], '{"language": "klingon", "answers": {}}')
    assert code == 2 and "language: must be one of en, es, zh-Hant, zh-Hans (got 'klingon')" in err


def test_score_speaks_the_files_language_unless_told_otherwise():
    doc = json.dumps({"audience": "self", "region": "MX", "language": "es", "answers": {"safety.now": [2]}})
    code, out, _ = run(["score", "-"], doc)
    assert code == 0 and json.loads(out)["tier_label"] == "Urgente: pide ayuda ahora"
    code, out, _ = run(["--lang", "en", "score", "-"], doc)
    assert json.loads(out)["tier_label"] == "Urgent: get help now"


def test_the_answer_file_records_the_language_and_import_restores_it():
    es = loader.load(language="es")
    sub = submission.parse({"audience": "other", "region": "ES", "language": "es", "answers": {"safety.now": [0]}}, es)
    result = scoring.score(sub, es)
    doc = export.to_json(sub, result, es, dt.date(2026, 12, 3))
    assert doc["language"] == "es"
    back = export.load_import(json.dumps(doc).encode(), loader.load())
    assert back.language == "es" and back.answers == sub.answers


@pytest.mark.parametrize(("language", "region", "words"), [
    ("zh-Hant", "HK", "這不是診斷"), ("zh-Hans", "INTL", "这不是诊断"), ("es", "ES", "Esto no es un diagnóstico"),
])
def test_the_printout_draws_the_language_and_its_text_can_be_copied_out(language, region, words, tmp_path):
    content = loader.load(language=language)
    sub = submission.parse({"audience": "self", "region": region, "language": language,
                            "answers": {"safety.now": [2]}}, content)
    pdf = export.summary_pdf(sub, scoring.score(sub, content), content, dt.date(2026, 12, 3))
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    squeezed = text.replace("\x00", "").replace(" ", "").replace("\n", "")
    assert words.replace(" ", "") in squeezed
    assert "?" * 5 not in squeezed  # nothing fell back to question marks
    assert "KetaCheck" in squeezed and "answers." in squeezed  # Latin text comes back out as written
    if language.startswith("zh"):
        assert b"/FontFile2" in pdf and len(pdf) < 600_000  # an embedded subset, not the 19 MB collection

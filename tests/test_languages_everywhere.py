"""A language goes everywhere the check goes: the command line, the answer file (and back), the
printout (with Chinese drawn from an embedded Noto Sans CJK subset, and copyable out of the PDF) with
none of the English printout's sentences left in it, and the clinician page."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re

import subprocess

import pypdf
import pytest

from helpers import tap, top
from ketacheck import export, loader, scoring, submission
from ketacheck.cli import main
from ketacheck.export.summary import PRIVACY_LINE
from test_app import start, texts


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as a viewer copies it out: poppler's pdftotext (Debian's poppler-utils, which
    `make test` installs). pypdf misreads the embedded CJK face's codes (Latin letters and most
    Chinese come back as other characters) though the font's ToUnicode map is right."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")


def squeeze(text: str) -> str:
    """Without spaces and line breaks: a Chinese line break or a font switch may add or drop a space."""
    return "".join(text.split())


def run(argv, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("language", "first"), [
    ("es", "Ahora mismo, ¿te está pasando algo de esto a ti o a alguien que está contigo?"),
    ("zh-Hant", "現在，你或你身邊的人是否正發生以下任何情況？"),
    ("zh-Hans", "现在，你或和你在一起的人是否正在出现以下任何情况？"),
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
    squeezed = squeeze(pdf_text(pdf))
    assert words.replace(" ", "") in squeezed
    assert "?" * 5 not in squeezed  # nothing fell back to question marks
    # Latin text comes back out as written: the name in the heading and in the privacy line at the end
    assert squeezed.count("KetaCheck") >= 2
    if language == "es":
        assert squeeze(content.ui.gettext(PRIVACY_LINE)) in squeezed
    if language.startswith("zh"):
        assert b"/FontFile3" in pdf and len(pdf) < 600_000  # an embedded (CFF) subset, not the 19 MB collection


# ---------------------------------------------------------------- no English left in the printout

TODAY = dt.date(2026, 12, 3)
# Two or more words in Latin letters (or a percentage after a word): a sentence, a label, a caption or
# a part of one ("Time frame", "strength 100%"). A name with a year ("Tung 2014") is not one.
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,/&-]+(?:[A-Za-z'’-]+|\d+%))+")


def full_check(language: str, region: str):
    """Every question answered at its most concerning (no red flag), then one red flag, and two
    questionnaires left partly unanswered: every part of the printout is drawn."""
    content = loader.load(language=language)
    items = content.flow("self", False)
    answers = {i.id: top(content, i.id) for i in items if not i.red_flags}
    flagged = next(i for i in items if i.red_flags)
    option = next(o for o in flagged.options if o.red_flag)
    answers[flagged.id] = [option.value] if flagged.multiple else option.value
    for inst in ("audit_c", "sds"):
        answers.pop(content.instruments[inst].items[-1].id)
    sub = submission.parse({"audience": "self", "region": region, "prescribed": False, "sex": "female",
                            "language": language, "answers": answers}, content)
    result = scoring.score(sub, content)
    assert result.red_flags and [i.complete for i in result.instruments.values()].count(False) == 2
    return sub, result, content


def early_check(language: str, region: str):
    """Two answers: too few for a level, so the printout lists every open question."""
    content = loader.load(language=language)
    sub = submission.parse({"audience": "self", "region": region, "language": language,
                            "answers": {"safety.now": [0], "safety.recent": [0]}}, content)
    result = scoring.score(sub, content)
    assert result.tier == "incomplete"
    return sub, result, content


def page_text(page: str) -> str:
    """What the page says, with the bars' captions (their <title>s) and without the style sheet."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def english_runs(text: str, result: scoring.Result, content) -> set[str]:
    """Every English run in the English printout, except the names it keeps in every language:
    sources (titles and publishers, cited as published) and the help lines' own names."""
    kept = [content.sources[s].title for s in content.sources] + [content.sources[s].publisher for s in content.sources]
    kept += [h.resource.name for h in result.resources]
    text = re.sub(r"[\w-]+(?:\.[\w-]+)+(?:/\S*)?", " ", text)  # web addresses, shown as they are
    runs = {m.group(0).strip(" ,/&-") for m in ENGLISH_RUN.finditer(text)}
    return {r for r in runs if not any(r in k for k in kept)}


@pytest.mark.parametrize(("language", "region"), [("es", "US"), ("zh-Hant", "HK"), ("zh-Hans", "INTL")])
@pytest.mark.parametrize("check", [full_check, early_check])
def test_the_html_printout_has_none_of_the_english_printouts_sentences(check, language, region):
    sub, result, content = check("en", region)
    english = english_runs(page_text(export.summary_html(sub, result, content, TODAY)), result, content)
    assert len(english) > (100 if check is full_check else 25)  # the English side has plenty to find
    expected = ("Check for yourself", "ketamine not prescribed", "In danger now", "Made on your device")
    expected += (("so the score may be low", "a risk factor", "shown, not counted", "Time frame", "strength",
                  "at or above the cut-off", "no validated ketamine cut-off") if check is full_check
                 else ("Not answered yet",))
    for words in expected:
        assert any(words in run for run in english), words
    sub, result, content = check(language, region)
    page = export.summary_html(sub, result, content, TODAY)
    assert not sorted(run for run in english if run in page_text(page))
    assert not re.search(r"\b(Call|Text) \d", page_text(page))  # one word and a number: "Call 988"
    assert f'<html lang="{language}">' in page


@pytest.mark.parametrize(("language", "region"), [("zh-Hant", "HK"), ("zh-Hans", "INTL")])
def test_the_chinese_pdf_has_none_of_the_english_printouts_sentences_and_fits_two_pages(language, region):
    sub, result, content = full_check("en", region)
    pdf = export.summary_pdf(sub, result, content, TODAY)
    english = english_runs(" ".join(pdf_text(pdf).split()), result, content)
    assert len(english) > 100
    sub, result, content = full_check(language, region)
    pdf = export.summary_pdf(sub, result, content, TODAY)
    translated = squeeze(pdf_text(pdf))
    assert not sorted(run for run in english if squeeze(run) in translated)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) <= 2
    # Latin runs inside Chinese lines are drawn as written (with DejaVu beside the CJK face as a
    # fallback font, "GHB" came out of a long printout as "7KS", on paper too).
    assert "GHB" in translated and "GBL" in translated and "MDMA" in translated and "7KS" not in translated
    # The sources keep their English titles, and those come back out of the PDF as written.
    for source in {s["id"] for sign in result.signs for s in sign.sources}:
        assert squeeze(content.sources[source].title) in translated


# ---------------------------------------------------------------- the clinician page


@pytest.mark.parametrize("region", ["US", "ES", "MX", "UK", "INTL"])
def test_the_spanish_pdf_of_a_full_check_fits_two_pages_at_the_same_type_size(region):
    """Spanish runs about a quarter longer than English: a whole check with a red flag made a third
    page in four of these regions. Lines now sit a little closer instead; the letters keep their size."""
    sub, result, content = full_check("es", region)
    reader = pypdf.PdfReader(io.BytesIO(export.summary_pdf(sub, result, content, TODAY)))
    assert len(reader.pages) <= 2
    sizes = set()
    reader.pages[0].extract_text(visitor_text=lambda text, cm, tm, font, size: sizes.add(round(size * tm[0], 1)) if text.strip() else None)
    assert min(sizes) >= 6 and 14 in sizes  # the smallest print (sources) and the title as always
    english = export.summary_pdf(*full_check("en", region)[:2], loader.load(), TODAY)
    assert len(pypdf.PdfReader(io.BytesIO(english)).pages) <= 2


def test_the_clinician_page_in_spanish():
    at = start("intake", region="ES", locale="es-ES")
    tap(at, "answer_safety.now_9")  # thoughts of ending my life, now
    at.switch_page("pages/clinician.py").run()
    assert not at.exception and at.session_state["kc"]["language"] == "es"
    flag = loader.load(language="es").red_flags["suicide"].name
    page = texts(at)
    assert [t.value for t in at.title] == ["Resumen para el profesional"]
    assert "Solo es un cribado previo; no es un diagnóstico." in page
    label = at.file_uploader(key="import_file").proto.label
    assert label == "Leer un archivo de KetaCheck que trajo la persona (JSON o FHIR)"
    assert at.button(key="finish_clear").label == "Terminar y borrar"
    assert "Borra esta sesión" in at.button(key="finish_clear").proto.help
    assert "**Nivel:** " in page and "**Contexto:** sin receta, región ES" in page
    assert "**Siguiente paso sugerido:**" in page
    error = at.error[0].value
    assert error.startswith("Banderas rojas: ")
    assert "BANDERA ROJA: " in page and "Todas las respuestas" in [h.value for h in at.header]
    assert re.search(r"\n.* · nivel \d+ de \d+ · \*\*BANDERA ROJA: ", page)  # the answer's row
    for english in ("Level:", "Context:", "Red flags", "RED FLAG", "Suggested next step", "Every answer",
                    "not counted", "level ", "Clinician summary", "Pre-screen", "(now,", "emergency)"):
        assert english not in page and english not in error, english
    assert f"{flag} (ahora, emergencia)" in error and f"BANDERA ROJA: {flag}" in page


@pytest.mark.parametrize(("language", "words"), [("es", ("leve", "moderado", "grave")), ("zh-Hant", ("輕度", "中度", "重度"))])
def test_the_criteria_charts_band_names_are_in_the_language(language, words):
    from ketacheck import charts
    content = loader.load(language=language)
    sub = submission.parse({"audience": "self", "region": "ES", "language": language,
                            "answers": {"safety.now": [0]}}, content)
    figure = charts.criteria_chart(scoring.score(sub, content), content).figure
    drawn = [a["text"] for a in figure.to_dict()["layout"]["annotations"]]
    assert all(word in drawn for word in words), drawn
    assert not {"mild", "moderate", "severe"} & set(drawn)

"""The problems a person is shown when a file (an upload, a tab's copy) is refused are said in their
language: each is a `submission.Line`, the English (what the command line prints and every other
test compares) with its template in locale/ui.pot, said through the session's catalog."""

from __future__ import annotations

import ast
import io
import json
import pickle
import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from ketacheck import export, loader, messages, submission
from ketacheck.cli import main
from ketacheck.submission import InputError, Line, translated
from ketacheck.ui import tab_copy

BAD = ROOT / "tests" / "bad_imports"
CASES = yaml.safe_load((BAD / "cases.yaml").read_text(encoding="utf-8"))["cases"]
# The modules that refuse a file: every problem they report is a Line.
ENGINE = ("ketacheck/submission.py", "ketacheck/export/answers_json.py", "ketacheck/export/fhir_import.py",
          "ketacheck/export/import_guard.py")
CJK = re.compile(r"[\u4e00-\u9fff]")


def template() -> set[str]:
    with (loader.DEFAULT_DIR / "locale" / "ui.pot").open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


def refused(data: bytes, content) -> list[str]:
    with pytest.raises(InputError) as err:
        export.load_import(data, content)
    return err.value.problems


def lines_in(problem) -> list[Line]:
    """A Line and every Line among its values, all the way down."""
    out = [problem] if isinstance(problem, Line) else []
    for value in (problem.fields.values() if isinstance(problem, Line) else ()):
        out += lines_in(value)
    return out


@pytest.fixture(scope="module")
def langs():
    return {lang: loader.load(language=lang) for lang in ("en", "es", "zh-Hant", "zh-Hans")}


# ------------------------------------------------------------------ the templates are in the catalog


# The only Lines made from a variable: unpickling one (`_line`), and a JSON parser's reason, only
# when it is one of submission.JSON_REASONS (`_json_reason`).
FROM_A_VARIABLE = {"_line", "_json_reason"}


def _calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and f.name in FROM_A_VARIABLE
            for n in ast.walk(f)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Line" \
                and id(node) not in skip:
            yield node


def test_every_problem_template_is_a_plain_string_in_ui_pot():
    pot = template()
    found = 0
    for rel in ENGINE:
        for call in _calls(ROOT / rel):
            arg = call.args[0]
            assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), f"{rel}:{call.lineno}: not a literal"
            assert arg.value in pot, f"{rel}:{call.lineno}: {arg.value!r} not in ui.pot (python -m ketacheck messages)"
            found += 1
    assert found > 60
    assert set(submission.JSON_REASONS) <= pot
    assert {tab_copy.STALE, tab_copy.UNUSABLE} <= pot
    assert "The answers kept in this tab could not be used: {why}. Please start the check again." in pot
    # ... and the extractor is what puts them there
    assert "Line" in messages.KEYWORDS


def test_no_problem_is_built_as_a_bare_f_string_in_the_engine():
    """A problem as an f-string would reach the person in English: each is a Line."""
    for rel in ENGINE:
        for node in ast.walk(ast.parse((ROOT / rel).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "append" \
                    and getattr(node.func.value, "id", None) == "problems":
                assert not isinstance(node.args[0], (ast.JoinedStr, ast.Constant)), f"{rel}:{node.lineno}"
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "InputError" \
                    and isinstance(node.args[0], ast.List):
                assert not any(isinstance(e, (ast.JoinedStr, ast.Constant)) for e in node.args[0].elts), \
                    f"{rel}:{node.lineno}"


# ------------------------------------------------------------------ said in each language


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_each_refused_file_is_said_in_spanish_and_chinese(case, langs):
    data = (BAD / case["file"]).read_bytes()
    english = refused(data, langs["en"])
    assert english == [p.format(regions=", ".join(langs["en"].regions)) for p in case["problems"]]  # unchanged
    pot = template()
    for lang in ("es", "zh-Hant", "zh-Hans"):
        content = langs[lang]
        problems = refused(data, content)
        assert len(problems) == len(english)
        for problem in problems:
            assert all(line.msgid in pot for line in lines_in(problem)), problem
            said = translated(problem, content.ui.gettext)
            assert said != problem, (lang, problem)  # not the English
            if lang != "es":
                assert CJK.search(said), (lang, said)


def test_a_malformed_file_in_spanish_and_traditional_chinese(langs):
    data = (BAD / "malformed.json").read_bytes()
    [es] = refused(data, langs["es"])
    assert translated(es, langs["es"].ui.gettext) == ("el archivo no es JSON válido (línea 1, columna 80): "
                                                      "se esperaba un nombre de propiedad entre comillas dobles")
    [zh] = refused(data, langs["zh-Hant"])
    assert translated(zh, langs["zh-Hant"].ui.gettext) == ("檔案不是有效的 JSON（第 1 行第 80 個字元）："
                                                           "此處應有以雙引號括住的屬性名稱")


def test_nested_lines_and_the_answers_own_words_are_in_the_language(langs):
    """`answers.<id>: <problem>`: the inner problem is translated too, and an answer's label is the
    content's own, in that language; ids and values from the file stay as they are."""
    doc = {"schema_version": 2, "audience": "self", "answers": {"safety.recent": [0, 1], "crav.urges": "<b>"}}
    es = langs["es"]
    said = [translated(p, es.ui.gettext) for p in refused(json.dumps(doc).encode(), es)]
    none_es = next(o.label for o in es.items["safety.recent"].options if o.exclusive)
    assert said == [f'answers.safety.recent: "{none_es}" (0) no se puede combinar con otras respuestas',
                    "answers.crav.urges: el valor debe ser un número entero, uno de 0, 1, 2, 3, 4 (se recibió '<b>')"]
    hant = langs["zh-Hant"]
    said = [translated(p, hant.ui.gettext) for p in refused(json.dumps(doc).encode(), hant)]
    assert said[1] == "answers.crav.urges：值必須是整數，0, 1, 2, 3, 4 其中之一（收到的是 '<b>'）"


def test_the_count_of_more_problems_is_said_too(langs):
    doc = {"schema_version": 2, **{f"k{i}": 1 for i in range(30)}}  # 30 unknown keys, and no answers
    problems = refused(json.dumps(doc).encode(), langs["zh-Hant"])
    assert problems[-1] == "... and 11 more problems"
    assert translated(problems[-1], langs["zh-Hant"].ui.gettext) == "……還有 11 個問題"
    assert translated(problems[-1], langs["es"].ui.gettext) == "... y 11 problemas más"


def test_a_line_is_its_english_and_survives_a_copy():
    line = Line("answers.{item}: {problem}", item="x.y", problem=Line("value {got} is not an option (one of {allowed})",
                                                                        got="9", allowed="0, 1"))
    assert line == "answers.x.y: value 9 is not an option (one of 0, 1)" and isinstance(line, str)
    again = pickle.loads(pickle.dumps(line))
    assert again == line and again.msgid == line.msgid and isinstance(again.fields["problem"], Line)
    assert translated("plain words", lambda s: "other") == "plain words"  # not a Line: as it is


def test_one_number_too_many_is_shown_not_counted(langs):
    """A count of "1 more numbers" was wrong English: with one over the limit, the line is shown."""
    doc = {f"k{i}": 10**7 for i in range(export.MAX_PROBLEMS + 1)}
    assert len(refused(json.dumps(doc).encode(), langs["en"])) == export.MAX_PROBLEMS + 1
    doc = {f"k{i}": 10**7 for i in range(export.MAX_PROBLEMS + 5)}
    assert refused(json.dumps(doc).encode(), langs["en"])[-1] == "... and 5 more numbers too large"


# ------------------------------------------------------------------ the command line


def run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(""), out=out, err=err)
    return code, err.getvalue()


def test_the_command_line_says_problems_in_english_unless_told_otherwise():
    path = str(BAD / "wrong_schema_version.json")
    assert run("score", path) == (2, "schema_version 7 is not supported (this KetaCheck reads 2)\n")
    assert run("--lang", "es", "score", path) == (2, "schema_version 7 no es compatible (este KetaCheck lee la 2)\n")
    assert run("--lang", "zh-Hans", "score", path) == (2, "不支持 schema_version 7（这个 KetaCheck 读取第 2 版）"
                                                         "\n")


# ------------------------------------------------------------------ on the page


def test_the_intake_view_says_a_refused_files_problems_in_spanish():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.context["locale"] = "es-ES"
    at.run()
    at.button(key="pick_audience_intake").click().run()
    at.button(key="pick_prescribed_False").click().run()
    at.button(key="start_check").click().run()
    at.switch_page("pages/clinician.py").run()
    assert not at.exception
    at.file_uploader(key="import_file").upload("bad.json", (BAD / "wrong_kind.json").read_bytes(),
                                               "application/json").run()
    assert not at.exception
    assert at.error[0].value == "Este archivo no se puede leer. No se muestra nada de él."
    assert [t.value for t in at.text] == ["kind: debe ser 'ketacheck.answers' (se recibió 'someone.elses.answers')"]


@pytest.mark.parametrize(("locale", "why"), [
    ("es-ES", "la copia se hizo con una versión anterior de las preguntas de KetaCheck"),
    ("zh-HK", "這份副本是按較早版本的 KetaCheck 問題建立的"),
])
def test_a_dropped_tab_copy_is_explained_in_the_language(locale, why):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.context["locale"] = locale
    at.session_state[tab_copy.DROPPED] = tab_copy.STALE
    at.run()
    assert not at.exception
    [warning] = [w.value for w in at.warning if "KetaCheck" in w.value]
    assert why in warning and "earlier version" not in warning

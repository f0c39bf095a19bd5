"""`python -m ketacheck` as a user meets it: exit codes, JSON on stdout, one line per problem."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from ketacheck.cli import main
from conftest import ASSESSMENTS, ROOT


def run(*argv, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(stdin), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_validate_real_content():
    code, out, err = run("validate", str(ASSESSMENTS))
    assert code == 0 and "valid" in out and err == ""


def test_validate_missing_directory():
    code, _, err = run("validate", "/nonexistent/place")
    assert code == 1 and "does not exist" in err


@pytest.mark.parametrize("audience", ["self", "other", "intake"])
@pytest.mark.parametrize("prescribed", ["yes", "no"])
def test_questions_lists_the_flow(content, audience, prescribed):
    code, out, _ = run("questions", "--audience", audience, "--prescribed", prescribed, "--stage", "full")
    items = json.loads(out)
    assert code == 0 and items
    for q in items:
        assert set(q) >= {"id", "text", "module", "domain", "multiple", "signs", "red_flags", "options"}
        assert q["options"] and all(set(o) >= {"value", "label", "level", "exclusive"} for o in q["options"])
        assert min(o["level"] for o in q["options"] if o["level"] is not None) == 0
    ids = [q["id"] for q in items]
    assert len(ids) == len(set(ids))
    has_instruments = any("." in i and i.split(".")[0] in ("audit_c", "sds", "dsm5_k") for i in ids)
    # Validated instruments are self-report: a loved one is not asked them on someone's behalf.
    assert has_instruments == (audience != "other")
    assert any(q["red_flags"] for q in items)
    assert ("rx.beyond_plan" in ids) == (prescribed == "yes")
    multiple = [q for q in items if q["multiple"]]
    assert {"safety.now", "safety.recent", "mix.with"} <= {q["id"] for q in multiple}
    for q in multiple:  # "None of these" (and "Don't know") stand alone
        assert [o["label"] for o in q["options"] if o["exclusive"]][0].startswith("None of these")


@pytest.mark.parametrize("audience", ["self", "other", "intake"])
def test_stages(audience):
    core = json.loads(run("questions", "--audience", audience, "--stage", "core")[1])
    full = json.loads(run("questions", "--audience", audience, "--stage", "full")[1])
    default = json.loads(run("questions", "--audience", audience)[1])
    assert len(core) <= 15 and {q["module"] for q in core} == {"core"}
    assert [q["id"] for q in full][: len(core)] == [q["id"] for q in core]
    assert default == (full if audience == "intake" else core)  # intake runs the whole pre-screen


def answer_file(questions, level_of, audience, prescribed):
    """An answer file built only from `questions` output, choosing each option by its level."""
    answers = {}
    for q in questions:
        if q["show_if"] and q["show_if"]["item"] in answers:
            gate = next(x for x in questions if x["id"] == q["show_if"]["item"])
            chosen = answers[q["show_if"]["item"]]
            if next(o["level"] for o in gate["options"] if o["value"] == chosen) < q["show_if"]["min_level"]:
                continue
        safe = [o for o in q["options"] if o["level"] is not None and not o["red_flag"]]
        want = level_of(q)
        option = min(safe, key=lambda o: (abs(o["level"] - want), -o["level"]))
        answers[q["id"]] = [option["value"]] if q["multiple"] else option["value"]
    return {"audience": audience, "prescribed": prescribed, "region": "IE", "answers": answers}


@pytest.mark.parametrize("audience", ["self", "other", "intake"])
@pytest.mark.parametrize("prescribed", [False, True])
def test_answer_files_built_from_questions_give_sensible_tiers(audience, prescribed):
    flag = "yes" if prescribed else "no"
    questions = json.loads(run("questions", "--audience", audience, "--prescribed", flag)[1])
    tiers = {}
    for name, level_of in [("least", lambda q: 0), ("most", lambda q: 99)]:
        doc = answer_file(questions, level_of, audience, prescribed)
        code, out, err = run("score", "-", stdin=json.dumps(doc))
        assert code == 0, err
        tiers[name] = json.loads(out)["tier"]
    two = {k: v for k, v in list(answer_file(questions, lambda q: 99, audience, prescribed)["answers"].items())[:2]}
    doc = {"audience": audience, "prescribed": prescribed, "answers": two}
    tiers["two"] = json.loads(run("score", "-", stdin=json.dumps(doc))[1])["tier"]
    assert tiers == {"least": "low", "most": "high", "two": "incomplete"}


def test_questions_uk_wording_uses_units():
    _, out, _ = run("questions", "--audience", "self", "--region", "UK", "--stage", "full")
    audit2 = next(q for q in json.loads(out) if q["id"] == "audit_c.2")
    assert "units" in audit2["text"] and "units" in audit2["options"][0]["label"]


def test_score_from_stdin():
    doc = {"audience": "self", "region": "UK", "prescribed": False, "sex": "female",
           "answers": {"audit_c.1": 4, "audit_c.2": 1, "audit_c.3": 0, "safety.suicide": 1}}
    code, out, err = run("score", "-", stdin=json.dumps(doc))
    result = json.loads(out)
    assert code == 0 and err == ""
    assert result["tier"] == "urgent" and [f["id"] for f in result["red_flags"]] == ["suicide"]
    assert {k: result["instruments"]["audit_c"][k] for k in ("score", "max", "cutoff", "positive", "complete")} == {
        "score": 5, "max": 12, "cutoff": 5, "positive": True, "complete": True}
    assert result["resources"][0]["type"] == "emergency" and result["resources"][0]["phone"] == "999"
    assert "sds" not in result["instruments"]


def test_score_file(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"audience": "intake", "region": "AU", "answers": {"dsm5_k.1": 1, "dsm5_k.2": 1}}))
    code, out, _ = run("score", str(path))
    dsm = json.loads(out)["instruments"]["dsm5_k"]
    assert code == 0 and (dsm["criteria_met"], dsm["severity"], dsm["complete"]) == (2, "mild", False)


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ("not json", ["not valid JSON"]),
        ("[1, 2]", ["must be a JSON object"]),
        ({"answers": {"nope.1": 1}}, ["answers.'nope.1': unknown item id"]),
        ({"answers": {"crav.urges": 9}}, ["answers.crav.urges: value 9 is not an option"]),
        ({"answers": {"crav.urges": "3"}}, ["answers.crav.urges: value must be a whole number"]),
        ({"answers": {"crav.urges": True}}, ["answers.crav.urges: value must be a whole number"]),
        ({"answers": {"crav.urges": [1]}}, ["answers.crav.urges: takes one value, not a list"]),
        ({"answers": {"mix.with": 1}}, ["answers.mix.with: several answers are allowed: give a list"]),
        ({"answers": {"mix.with": []}}, ["answers.mix.with: the list is empty"]),
        ({"answers": {"mix.with": [1, 42]}}, ["answers.mix.with: [42] not an option"]),
        ({"answers": {"mix.with": [1, 1]}}, ["answers.mix.with: a value is repeated"]),
        ({"answers": {"mix.with": [0, 1]}}, ['answers.mix.with: "None of these" (0) cannot be combined']),
        ({"answers": {"crav.urges": "dont_know"}}, ['answers.crav.urges: "dont_know" is offered only to a family member']),
        ({"audience": "parent", "answers": {}}, ["audience: must be one of self, other, intake"]),
        ({"region": "FR", "answers": {}}, ["region: must be one of"]),
        ({"prescribed": "yes", "answers": {}}, ["prescribed: must be true or false"]),
        ({"sex": "x", "answers": {}}, ["sex: must be one of"]),
        ({"answers": []}, ["answers: must be an object"]),
        ({}, ["answers: required"]),
        ({"answer": {}}, ["'answer': unknown key", "answers: required"]),
        ({"audience": "x", "region": "y", "answers": {"a.b": 1, "crav.urges": 7}},
         ["audience:", "region:", "answers.'a.b'", "answers.crav.urges"]),
    ],
)
def test_bad_input_exits_2_with_one_line_per_problem(doc, expected):
    text = doc if isinstance(doc, str) else json.dumps(doc)
    code, out, err = run("score", "-", stdin=text)
    lines = err.strip().splitlines()
    assert code == 2 and out == ""
    assert len(lines) == len(expected)
    for line, fragment in zip(lines, expected):
        assert fragment in line
    assert "Traceback" not in err


def test_missing_file_is_a_clean_error():
    code, out, err = run("score", "/no/such/answers.json")
    assert code == 2 and out == "" and "no such file" in err


def test_module_entry_point_runs_as_a_real_process():
    doc = json.dumps({"answers": {"crav.urges": 2}})
    proc = subprocess.run([sys.executable, "-m", "ketacheck", "score", "-"], input=doc, capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0 and json.loads(proc.stdout)["tier"] == "incomplete"  # one answer is not enough
    bad = subprocess.run([sys.executable, "-m", "ketacheck", "score", "-"], input="{", capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    assert bad.returncode == 2 and bad.stdout == "" and "Traceback" not in bad.stderr


def test_a_reader_that_leaves_early_gets_no_traceback():
    """`python -m ketacheck questions ... | head -1`: the pipe closes before the JSON is written."""
    proc = subprocess.Popen([sys.executable, "-m", "ketacheck", "questions", "--audience", "intake"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.close()  # long before the command has imported and loaded anything
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert err == ""


# ------------------------------------------------------------------ every file the page reads, the command line reads


def fhir_response_of(content, answers: dict, audience: str = "self", region: str = "UK") -> dict:
    from ketacheck import export, scoring, submission
    sub = submission.parse({"audience": audience, "region": region, "answers": answers}, content)
    return export.fhir_questionnaire_response(sub, scoring.score(sub, content), content)


def test_score_reads_a_fhir_response_and_gives_the_same_result(content):
    answers = {"crav.urges": 3, "esc.frequency": 2, "mix.with": [1, 5]}
    code, from_file, err = run("score", "-", stdin=json.dumps({"audience": "self", "region": "UK", "answers": answers}))
    assert code == 0, err
    code, from_fhir, err = run("score", "-", stdin=json.dumps(fhir_response_of(content, answers)))
    assert code == 0, err
    assert json.loads(from_fhir) == json.loads(from_file)


@pytest.mark.parametrize(("code_value", "shown"), [(["crav.urges:3"], '["crav.urges:3"]'), (3, "3"),
                                                   ({"x": 1}, '{"x": 1}')])
def test_a_fhir_code_that_is_not_text_exits_2_with_a_problem_line(content, code_value, shown):
    doc = fhir_response_of(content, {"crav.urges": 3})
    for item in doc["item"]:
        for answer in item.get("answer", []):
            if item["linkId"] == "crav.urges":
                answer["valueCoding"]["code"] = code_value
    for command in (["score", "-"], ["export", "--format", "json", "-", "-o", "-"]):
        code, out, err = run(*command, stdin=json.dumps(doc))
        assert (code, out) == (2, "")
        assert err == f"item 'crav.urges': valueCoding.code must be text (got {shown})\n"


def test_the_real_command_scores_a_fhir_file_and_refuses_a_malformed_code_with_exit_2(content, tmp_path):
    # As a person runs it (README): `python -m ketacheck score file.json`, a separate process.
    def score(doc) -> subprocess.CompletedProcess:
        path = tmp_path / "response.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        return subprocess.run([sys.executable, "-m", "ketacheck", "score", str(path)], capture_output=True,
                              text=True, cwd=ROOT, timeout=60)
    answers = {"crav.urges": 3, "esc.frequency": 2, "mix.with": [1, 5]}
    good = score(fhir_response_of(content, answers))
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout) == json.loads(run("score", "-", stdin=json.dumps(
        {"audience": "self", "region": "UK", "answers": answers}))[1])
    for code_value, shown in ((["crav.urges:3"], '["crav.urges:3"]'), (3, "3")):
        doc = fhir_response_of(content, answers)
        for item in doc["item"]:
            if item["linkId"] == "crav.urges":
                item["answer"][0]["valueCoding"]["code"] = code_value
        bad = score(doc)
        assert (bad.returncode, bad.stdout) == (2, "")
        assert bad.stderr == f"item 'crav.urges': valueCoding.code must be text (got {shown})\n"


def test_the_command_line_refuses_what_the_page_refuses(tmp_path):
    doc = {"audience": "self", "answers": {"crav.urges": 2}}
    for encoding in ("utf-16", "utf-32", "utf-16-le"):
        path = tmp_path / f"{encoding}.json"
        path.write_bytes(json.dumps(doc).encode(encoding))
        code, out, err = run("score", str(path))
        assert (code, out) == (2, "")
        assert err == "input is not UTF-8 text (it looks like UTF-16 or UTF-32: save it as UTF-8)\n"
    path.write_bytes(b'\xef\xbb\xbf' + json.dumps(doc).encode())  # UTF-8 with a byte-order mark is UTF-8
    assert run("score", str(path))[0] == 0
    code, _, err = run("score", "-", stdin='{"audience": "self", "answers": {"crav.urges": 0, "crav.urges": 4}}')
    assert code == 2 and err == "the key 'crav.urges' appears twice in one object: which value is meant?\n"


def test_a_reader_failing_in_an_unforeseen_way_is_a_problem_line_not_a_traceback(content, monkeypatch, caplog):
    from ketacheck.export import import_guard

    def broken(data, content):
        raise TypeError("a value from the file: crav.urges=4")
    monkeypatch.setattr(import_guard, "from_fhir", broken)
    code, out, err = run("score", "-", stdin=json.dumps(fhir_response_of(content, {"crav.urges": 4})))
    assert (code, out) == (2, "")
    assert err == "this file could not be read (KetaCheck did not expect what it holds); nothing from it is used\n"
    assert "TypeError" in caplog.text and "crav.urges=4" not in caplog.text  # the log names the failure, not the file


def test_score_loads_nothing_that_scoring_does_not_need(tmp_path):
    """The command a script or a clinic's system calls for every check: it reads, scores and prints,
    and leaves out what only the printouts need (plotly's charts, the PDF writer), which made it
    330 ms instead of about 200 (issue 23)."""
    doc = tmp_path / "check.json"
    doc.write_text(json.dumps({"audience": "self", "region": "UK", "prescribed": False,
                               "answers": {"audit_c.1": 4, "safety.suicide": 1}}))
    probe = ("import sys, io; from ketacheck.cli import main; out = io.StringIO()\n"
             f"code = main(['score', {str(doc)!r}], out=out)\n"
             "heavy = sorted(m for m in ('plotly', 'fpdf', 'streamlit', 'pandas', 'numpy') if m in sys.modules)\n"
             "print(code, heavy, '\"tier\": \"urgent\"' in out.getvalue())")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "[]", "True"], done.stdout + done.stderr

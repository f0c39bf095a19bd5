"""KetaCheck's FHIR in LHC-Forms, the NLM's FHIR Questionnaire renderer (npm `lforms`, installed by
`make test` from package-lock.json), in Chromium. What a clinic using an SDC tool would meet:
every option's score loads, totals calculate and equal KetaCheck's, and a response filled in
LHC-Forms (by clicking, or loaded from KetaCheck's export) imports back with region and sex intact
and the same result. Nothing is fetched from the network: the page and LHC-Forms' files are served
from node_modules by Playwright."""

from __future__ import annotations

import dataclasses
import json
import mimetypes
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route
from test_export import CONTEXTS, TODAY, essence, make
from test_fhir import q_items, r4_problems
from test_personas import PERSONAS, submission_of

from ketacheck import export, scoring
from ketacheck.export import fhir
from ketacheck.model import DONT_KNOW

ROOT = Path(__file__).resolve().parents[2]
LFORMS = (ROOT / "node_modules" / "lforms" / "dist" / "lforms").resolve()  # node_modules may be a link
ORIGIN = "http://lforms.invalid"  # never resolved: every request is answered by `_serve`
HARNESS = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LHC-Forms</title>
<link rel="stylesheet" href="/lforms/webcomponent/styles.css">
<script src="/lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="/lforms/webcomponent/runtime.js" type="module"></script>
<script src="/lforms/webcomponent/polyfills.js" type="module"></script>
<script src="/lforms/webcomponent/main.js" type="module"></script>
<script src="/lforms/fhir/R4/lformsFHIR.min.js" type="module"></script>
</head><body><div id="form"></div></body></html>"""


def _serve(route: Route) -> None:
    path = route.request.url.removeprefix(ORIGIN).split("?", 1)[0]
    if path == "/":
        route.fulfill(body=HARNESS, content_type="text/html")
        return
    file = (LFORMS / path.removeprefix("/lforms/")).resolve()
    if path.startswith("/lforms/") and file.is_relative_to(LFORMS) and file.is_file():
        route.fulfill(body=file.read_bytes(), content_type=mimetypes.guess_type(file.name)[0] or "text/javascript")
    else:
        route.fulfill(status=404, body="not here")


@pytest.fixture(scope="module")
def lforms(browser: Browser) -> Iterator[Page]:
    if not (LFORMS / "webcomponent" / "main.js").exists():
        pytest.fail("LHC-Forms is missing from node_modules: run 'make test' (it runs 'npm ci')", pytrace=False)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(ORIGIN) else outside.append(r.url))
    page.route(f"{ORIGIN}/**", _serve)
    page.goto(f"{ORIGIN}/")
    page.wait_for_function("window.LForms && LForms.Util && LForms.FHIR && LForms.FHIR.R4")
    assert page.evaluate("LForms.lformsVersion") == "40.1.3"
    yield page
    assert outside == []
    context.close()


def render(page: Page, questionnaire: dict, response: dict | None = None) -> None:
    """Show a Questionnaire (with a response's answers) as LHC-Forms does; wait for its expressions."""
    page.evaluate(
        """async ([q, qr]) => {
             await LForms.Util.addFormToPage(q, "form", {fhirVersion: "R4", ...(qr ? {questionnaireResponse: qr} : {})});
           }""",
        [questionnaire, response],
    )
    page.wait_for_selector("#form wc-lhc-form lhc-item")


def response_of(page: Page) -> dict:
    return page.evaluate("""LForms.Util.getFormFHIRData("QuestionnaireResponse", "R4", document.getElementById("form"))""")


def response_once(page: Page, ready: Callable[[dict], bool], timeout_s: float = 20) -> dict:
    """The form's response once `ready` holds for it. LHC-Forms works out calculated totals after an
    answer changes, asynchronously (slower on a busy machine), so a test waits for what it checks;
    if it never holds, the last response comes back and the test's assertion says what was there."""
    deadline = time.monotonic() + timeout_s
    while True:
        filled = response_of(page)
        if ready(filled) or time.monotonic() > deadline:
            return filled
        page.wait_for_timeout(50)


def totals(response: dict) -> dict[str, float]:
    return {n["linkId"].removesuffix(fhir.TOTAL_SUFFIX): next(iter(n["answer"][0].values()))
            for n in q_items(response) if n["linkId"].endswith(fhir.TOTAL_SUFFIX) and n.get("answer")}


# ---------------------------------------------------------------- scores


@pytest.mark.parametrize("questionnaire_id", export.QUESTIONNAIRE_IDS)
def test_lforms_loads_a_score_for_every_option(lforms, content, questionnaire_id):
    questionnaire = export.fhir_questionnaire(content, questionnaire_id)
    converted = lforms.evaluate("q => LForms.Util.convertFHIRQuestionnaireToLForms(q, 'R4')", questionnaire)
    expected = {}
    for node in q_items(questionnaire):
        if node["type"] == "choice" and not node["linkId"].startswith("context-"):
            item = content.items[fhir.item_of(node["linkId"], content)[0]]
            expected[node["linkId"]] = [o.level for o in item.options] + (
                [None] if questionnaire_id == "ketacheck-other" else [])  # "Don't know" scores nothing
    loaded = {}
    stack = list(converted["items"])
    while stack:
        node = stack.pop()
        stack.extend(node.get("items") or [])
        if node.get("linkId") in expected:
            loaded[node["linkId"]] = [a.get("score") for a in node["answers"]]
    assert loaded == expected
    assert sum(len([s for s in v if s is not None]) for v in loaded.values()) > 0


# ---------------------------------------------------------------- totals and the way back


def _prescribed_without_drift(content):
    """Prescribed, following the plan, with strong tolerance: the DSM-5-based tolerance criterion is
    not counted (KetaCheck and the FHIR total both leave it out)."""
    none = next(o.value for o in content.items["rx.beyond_plan"].options if o.exclusive)
    return make(content, "self", True, "high", region="IE", **{"rx.beyond_plan": [none]})


ANSWER_SETS = (
    [pytest.param(("persona", p["id"]), id=p["id"]) for p in PERSONAS]
    + [pytest.param(("made", a, p, kind), id=f"{a}-{'rx' if p else 'norx'}-{kind}")
       for a, p in CONTEXTS for kind in ("high", "mixed")]
    + [pytest.param(("rx_no_drift",), id="prescribed-following-plan")]
)


def _answer_set(content, spec):
    if spec[0] == "persona":
        sub = submission_of(next(p for p in PERSONAS if p["id"] == spec[1]), content)
        return sub, scoring.score(sub, content)
    if spec[0] == "made":
        _, audience, prescribed, kind = spec
        return make(content, audience, prescribed, kind, region="UK" if kind == "mixed" else "US", sex="male")
    return _prescribed_without_drift(content)


@pytest.mark.parametrize("spec", ANSWER_SETS)
def test_lforms_totals_match_ketacheck_and_its_response_imports_with_the_same_result(lforms, content, spec):
    sub, result = _answer_set(content, spec)
    questionnaire = export.fhir_questionnaire(content, f"ketacheck-{sub.audience}")
    render(lforms, questionnaire, export.fhir_questionnaire_response(sub, result, content, TODAY))
    # LHC-Forms computes every total its form holds; where KetaCheck scored an instrument they agree,
    # and where KetaCheck had nothing to score the form's total is 0.
    expected = {i: inst.score for i, inst in result.instruments.items()}

    def agrees(shown: dict[str, float]) -> bool:
        return ({i: v for i, v in shown.items() if i in expected} == expected
                and all(v == 0 for i, v in shown.items() if i not in expected))

    filled = response_once(lforms, lambda r: agrees(totals(r)))
    shown = totals(filled)
    assert {i: v for i, v in shown.items() if i in expected} == expected
    assert all(v == 0 for i, v in shown.items() if i not in expected)

    back = export.load_import(json.dumps(filled), content)
    assert (back.audience, back.region, back.prescribed) == (sub.audience, sub.region, sub.prescribed)
    if sub.audience != "other":  # sex is asked with the alcohol questions only
        assert back.sex == sub.sex
    # The same result (answers in question order on both sides: the order only sorts the reasons).
    assert essence(scoring.score(in_order(back, content), content)) == essence(
        scoring.score(in_order(dataclasses.replace(sub, sex=back.sex), content), content))
    assert r4_problems([filled]) == [[]]


def in_order(sub, content):
    return dataclasses.replace(sub, answers={k: sub.answers[k] for k in content.items if k in sub.answers})


def _choose(page: Page, question: str, answer: str) -> None:
    row = page.locator("lhc-item", has=page.get_by_text(question, exact=False)).last
    # LHC-Forms labels a scored answer "<answer> - <score>".
    row.get_by_text(re.compile(rf"^\s*{re.escape(answer)}( - \d+)?\s*$")).first.click()


@pytest.mark.parametrize("region,name,positive", [("UK", "United Kingdom", False), ("US", "United States", True)])
def test_a_man_fills_audit_c_in_lforms_and_keeps_his_country_and_cut_off(lforms, content, region, name, positive):
    """AUDIT-C 4 for a man: positive with the US cut-off (4), not with the UK units version's (5)."""
    render(lforms, export.fhir_questionnaire(content, "audit_c"))
    lforms.get_by_role("combobox").first.click()  # LHC-Forms' drop-down for the region question
    lforms.locator("#lhc-tools-searchResults li").filter(has_text=name).click()
    _choose(lforms, "Sex", "Male")
    _choose(lforms, "How often do you have a drink containing alcohol", "2-4 times a month")
    units = "units" if region == "UK" else "standard drinks"
    _choose(lforms, f"How many {units}", "3 or 4 units" if region == "UK" else "3 or 4")
    _choose(lforms, "6 or more", "Less than monthly")
    filled = response_once(lforms, lambda r: totals(r) == {"audit_c": 4})
    assert totals(filled) == {"audit_c": 4}

    sub = export.load_import(json.dumps(filled), content)
    assert (sub.audience, sub.region, sub.sex) == ("self", region, "male")
    assert sub.answers == {"audit_c.1": 2, "audit_c.2": 1, "audit_c.3": 1}
    audit = scoring.score(sub, content).instruments["audit_c"]
    assert (audit.score, audit.positive) == (4, positive)
    linked = {n["linkId"] for n in q_items(filled)}
    assert ("audit_c.2-UK" in linked) == (region == "UK") and ("audit_c.2" in linked) == (region != "UK")
    assert r4_problems([filled]) == [[]]


def test_a_loved_one_can_answer_dont_know_in_lforms(lforms, content):
    questionnaire = export.fhir_questionnaire(content, "ketacheck-other")
    first = next(n for n in questionnaire["item"] if not n["linkId"].startswith("context-") and "enableWhen" not in n)
    render(lforms, questionnaire)
    _choose(lforms, first["text"], content.dont_know.label)
    sub = export.load_import(json.dumps(response_of(lforms)), content)
    assert sub.audience == "other" and sub.answers == {first["linkId"]: DONT_KNOW}

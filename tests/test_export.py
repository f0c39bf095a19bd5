"""Exports and imports: KetaCheck JSON round trips, the printable summary (HTML and PDF), and a
corpus of hostile import files (JSON and FHIR), each rejected with its own one-line message.
FHIR itself: test_fhir.py and browser/test_lforms.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import io
import json
import re
import shutil
from dataclasses import asdict
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import sync_playwright
import yaml
from helpers import at_level, top

from ketacheck import export, scoring, submission
from ketacheck.export import pdf
from ketacheck.wording import instrument_verdict
from ketacheck.model import AUDIENCES
from ketacheck.submission import InputError

TODAY = dt.date(2026, 5, 1)
BAD_DIR = Path(__file__).resolve().parent / "bad_imports"
BAD_CASES = yaml.safe_load((BAD_DIR / "cases.yaml").read_text(encoding="utf-8"))["cases"]
CONTEXTS = [(a, p) for a in AUDIENCES for p in (False, True)]


# ---------------------------------------------------------------- answer sets


def answers_at(content, audience, prescribed, kind: str) -> dict[str, int]:
    """low: every question at least concern; high: every non-safety question at most concern;
    flag: low plus one red-flag answer; mixed: levels that rise and fall along the flow (some
    follow-ups end up hidden)."""
    items = content.flow(audience, prescribed)
    if kind == "low":
        return {i.id: at_level(content, i.id, 0) for i in items}
    if kind == "high":
        return {i.id: top(content, i.id) for i in items if not i.red_flags}
    if kind == "flag":  # least concern everywhere, except one safety answer
        flagged = next(i for i in items if i.red_flags)
        low = {i.id: at_level(content, i.id, 0) for i in items}
        option = next(o for o in flagged.options if o.red_flag)
        return {**low, flagged.id: [option.value] if flagged.multiple else option.value}
    return {i.id: at_level(content, i.id, n % (i.max_level + 1)) for n, i in enumerate(items) if not i.red_flags}


def make(content, audience="self", prescribed=False, kind="high", region="US", sex="female", **extra):
    """Answers as a person's session holds them: through the same checks as any answer file."""
    answers = {**answers_at(content, audience, prescribed, kind), **extra}
    doc = {"audience": audience, "region": region, "prescribed": prescribed, "sex": sex, "answers": answers}
    sub = submission.parse(doc, content)
    return sub, scoring.score(sub, content)


def essence(result: scoring.Result) -> tuple:
    """What a person is told: level, reasons, signs with their strength, questionnaires, areas, flags."""
    return (
        result.tier,
        result.reasons,
        [(s.id, s.strength, s.clear, [t.item for t in s.triggers]) for s in result.signs],
        result.criteria.to_dict(),
        [(f.id, f.because, f.text) for f in result.feedback],
        {k: v.to_dict() for k, v in result.instruments.items()},
        {k: asdict(v) for k, v in result.domains.items()},
        [f.id for f in result.red_flags],
        [h.resource.id for h in result.resources],
    )


# ---------------------------------------------------------------- KetaCheck JSON


@pytest.mark.parametrize("audience,prescribed", CONTEXTS)
@pytest.mark.parametrize("kind", ["low", "high", "flag", "mixed"])
def test_json_round_trip_gives_the_same_answers_and_result(content, audience, prescribed, kind):
    sub, result = make(content, audience, prescribed, kind)
    data = json.loads(json.dumps(export.to_json(sub, result, content, TODAY)))  # through real JSON text
    back = export.from_json(data, content)
    assert back == sub
    assert essence(scoring.score(back, content)) == essence(result)
    assert export.load_import(json.dumps(data).encode(), content) == sub


def test_json_export_shape(content):
    sub, result = make(content, region="UK", sex="male")
    data = export.to_json(sub, result, content)
    assert list(data) == list(export.EXPORT_KEYS)
    assert data["schema_version"] == export.SCHEMA_VERSION == 2 and data["kind"] == "ketacheck.answers"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["created"])  # a date, no time of day
    assert data["result"] == json.loads(json.dumps(result.to_dict()))
    assert list(data["answers"]) == [i for i in content.items if i in sub.answers]  # question order


def test_a_stored_result_is_never_trusted(content):
    sub, result = make(content, kind="high")
    data = export.to_json(sub, result, content, TODAY)
    data["result"]["tier"] = "low"
    back = export.from_json(data, content)
    assert scoring.score(back, content).tier == result.tier == "high"


def test_from_json_reports_every_problem_at_once(content):
    data = {"schema_version": 2, "kind": "ketacheck.answers", "region": "XX", "answers": {"crav.urges": 9}, "x": 1}
    with pytest.raises(InputError) as err:
        export.from_json(data, content)
    assert len(err.value.problems) == 3
    assert err.value.problems[0].startswith("'x': unknown key")
    assert any(p.startswith("region: must be one of") for p in err.value.problems)
    assert "answers.crav.urges: value 9 is not an option (one of 0, 1, 2, 3, 4)" in err.value.problems


# ---------------------------------------------------------------- HTML summary


class Page(HTMLParser):
    """Tags, attributes and text of a page, and which section each bit of text is in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.sections: list[str] = []
        self.by_section: dict[str, list[str]] = {}
        self.order: list[str] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self._in_style = tag == "style"
        if tag == "section":
            self.sections.append(attrs.get("id", ""))
            self.order.append(attrs.get("id", ""))

    def handle_endtag(self, tag):
        self._in_style = False
        if tag == "section" and self.sections:
            self.sections.pop()

    def handle_data(self, data):
        if self._in_style:
            self.style += data
            return
        self.text.append(data)
        if self.sections:
            self.by_section.setdefault(self.sections[-1], []).append(data)

    def words(self, section: str | None = None) -> str:
        parts = self.text if section is None else self.by_section.get(section, [])
        return " ".join(" ".join(parts).split())


def read_html(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def crisis_numbers(content, region: str) -> list[str]:
    return [r.phone or r.sms.number for r in content.regions[region].resources if r.type in ("emergency", "crisis")]


@pytest.mark.parametrize("audience,region", [("self", "US"), ("other", "UK"), ("intake", "AU")])
def test_html_summary_says_what_the_result_says(content, audience, region):
    sub, result = make(content, audience, False, region=region)
    page = read_html(export.summary_html(sub, result, content, TODAY))
    words = page.words()
    assert result.tier_label in words and "2026-05-01" in words and "not a diagnosis" in words
    for sign in result.signs:
        answers = "; ".join(a for _, a in scoring.grouped_triggers(sign))  # each sign on one line with its answers
        assert " ".join(f"{sign.name} (".split()) in page.words("signs") and answers in page.words("signs")
        for src in sign.sources:
            assert f"{src['title']} ({src['publisher']})" in page.words("sources")
    # Feedback: every line, with its sources numbered in the list; the choice is the person's.
    for line in result.feedback:
        assert " ".join(line.text.split()) in page.words("feedback")
        for src in line.source:
            assert f"{src['title']} ({src['publisher']})" in page.words("sources")
    frames = content.feedback.frames
    assert (frames.responsibility.for_audience(audience) or frames.responsibility.self_) in page.words("choice")
    for reason in result.reasons:
        assert " ".join(reason.split()) in page.words("why")
    for inst in result.instruments.values():
        assert inst.name in page.words("instruments")
        assert " ".join(inst.validation["statement"].split()) in page.words("instruments")
    for number in crisis_numbers(content, region):
        assert number in page.words("crisis")
    # Crisis lines and referral lines are separate sections, with nothing of one in the other.
    referral_names = [h.resource.name for h in result.resources if h.group == "referral"]
    assert referral_names and all(n in page.words("referral") for n in referral_names)
    assert not any(n in page.words("crisis") for n in referral_names)
    # Charts: one labelled SVG bar for the criteria the level rests on and per other questionnaire.
    svgs = [a for t, a in page.tags if t == "svg"]
    assert len(svgs) == 1 + len([i for i in result.instruments if i != "dsm5_k"])
    assert all(a.get("role") == "img" and a.get("aria-label") for a in svgs)


def test_html_summary_is_self_contained_and_printable(content):
    sub, result = make(content, kind="high")
    text = export.summary_html(sub, result, content, TODAY)
    page = read_html(text)
    tags = {t for t, _ in page.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "form", "input", "base"}
    for tag, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs), tag
        assert "src" not in attrs and "style" not in attrs
        href = attrs.get("href")
        assert href is None or href.startswith(("tel:", "sms:", "https://", "#")), href
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in page.tags
    assert "@page { size: auto; margin: 10mm; }" in page.style and "break-inside: avoid" in page.style
    assert "url(" not in page.style and "@import" not in page.style
    assert "http://" not in text


def test_html_urgent_puts_emergency_help_first(content):
    sub, result = make(content, kind="high", region="UK", **{"safety.suicide": 1})
    page = read_html(export.summary_html(sub, result, content, TODAY))
    assert page.order[:3] == ["red-flags", "crisis", "tier"]
    assert "999" in page.words("crisis") and "116 123" in page.words("crisis")
    assert result.red_flags[0].message in page.words("red-flags")


def evil_content(content, evil: str):
    """The real content with markup in a sign name, a question and a crisis line's name."""
    sign = content.signs["craving"]
    item = content.items["crav.urges"]
    region = content.regions["US"]
    resources = [r.model_copy(update={"name": evil}) if r.type == "crisis" else r for r in region.resources]
    return dataclasses.replace(
        content,
        signs={**content.signs, "craving": sign.model_copy(update={"name": evil})},
        items={
            **content.items,
            item.id: item.model_copy(update={"text": item.text.model_copy(update={"self_": evil})}),
        },
        regions={**content.regions, "US": region.model_copy(update={"resources": resources})},
    )


def test_markup_in_content_is_escaped_never_rendered(content):
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    changed = evil_content(content, evil)
    sub, result = make(changed, kind="high")
    text = export.summary_html(sub, result, changed, TODAY)
    assert "<script" not in text and "<img" not in text
    assert html_escaped(evil) in text
    page = read_html(text)
    assert not {t for t, _ in page.tags} & {"script", "img"}
    assert evil in page.words("signs") and evil in page.words("crisis")


def html_escaped(text: str) -> str:
    return html.escape(text, quote=True)


# ---------------------------------------------------------------- PDF summary


def read_pdf(data: bytes) -> tuple[int, list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return len(reader.pages), [" ".join((p.extract_text() or "").split()) for p in reader.pages]


@pytest.mark.parametrize("audience,prescribed", CONTEXTS)
def test_pdf_of_a_full_high_concern_check_fits_two_pages(content, audience, prescribed):
    sub, result = make(content, audience, prescribed, kind="high")
    assert result.tier == "high"
    pages, texts = read_pdf(export.summary_pdf(sub, result, content, TODAY))
    assert pages <= 2
    text = " ".join(texts)
    assert result.tier_label in texts[0] and "not a diagnosis" in texts[0] and "2026-05-01" in texts[0]
    for sign in result.signs:
        assert sign.name in text
    for number in crisis_numbers(content, "US"):
        assert number in text
    assert "911" in texts[0]  # the emergency number is on the first page, whatever the level


def test_pdf_says_what_the_result_says(content):
    sub, result = make(content, "intake", False, region="UK")
    _, texts = read_pdf(export.summary_pdf(sub, result, content, TODAY))
    text = " ".join(texts)
    for sign in result.signs:
        assert sign.name in text
        for src in sign.sources:
            assert src["title"] in text
    for inst in result.instruments.values():
        assert inst.name in text and instrument_verdict(content, inst) in text
    for reason in result.reasons:
        assert " ".join(reason.split()) in text
    assert "999" in text and "116 123" in text


def test_pdf_urgent_puts_emergency_help_first(content):
    sub, result = make(content, kind="high", region="NZ", **{"safety.now": [2]})
    pages, texts = read_pdf(export.summary_pdf(sub, result, content, TODAY))
    assert pages <= 2 and result.tier == "urgent"
    first = texts[0]
    emergency = next(r.phone for r in content.regions["NZ"].resources if r.type == "emergency")
    assert first.index("Get help now") < first.index("If you need help now") < first.index(result.tier_label)
    assert f"Call {emergency}" in first
    assert result.red_flags[0].steps_title in first
    for step in result.red_flags[0].steps:
        assert " ".join(step.split()) in first


def test_pdf_never_crashes_on_text_outside_latin1(content):
    odd = "Cravings \u2265 \u201chigh\u201d \u2014 \u2018ok\u2019 \u2026 \u2192 \U0001f600 \u6f22\u5b57 <script>"
    changed = evil_content(content, odd)
    sub, result = make(changed, kind="high")
    pages, texts = read_pdf(export.summary_pdf(sub, result, changed, TODAY))
    assert pages <= 2
    assert "Cravings >= \"high\" - 'ok' ... -> ? ?? <script>" in " ".join(texts)
    assert pdf._latin1("caf\u00e9 \u00d7 2") == "caf\u00e9 \u00d7 2"  # latin-1 letters stay


def test_pdf_has_no_time_of_day(content):
    sub, result = make(content, kind="low")
    reader = pypdf.PdfReader(io.BytesIO(export.summary_pdf(sub, result, content, TODAY)))
    assert str(reader.metadata.get("/CreationDate", "")).startswith("D:20260501000000")
    assert "/Author" not in reader.metadata


# ---------------------------------------------------------------- hostile imports


def test_every_bad_import_file_is_a_listed_case():
    listed = {case["file"] for case in BAD_CASES}
    stored = {p.name for p in BAD_DIR.iterdir() if p.name != "cases.yaml"}
    assert listed == stored


@pytest.mark.parametrize("case", BAD_CASES, ids=[c["file"] for c in BAD_CASES])
def test_bad_import_is_rejected_with_its_message(content, case):
    raw = (BAD_DIR / case["file"]).read_bytes()
    with pytest.raises(InputError) as err:
        export.load_import(raw, content)
    regions = ", ".join(content.regions)
    assert err.value.problems == [p.format(regions=regions) for p in case["problems"]]
    assert all("\n" not in p for p in err.value.problems)


def test_oversized_import_is_rejected_before_it_is_read(content):
    raw = b'{"schema_version": 2, "answers": {}, "pad": "' + b"x" * submission.MAX_INPUT_BYTES + b'"}'
    with pytest.raises(InputError) as err:
        export.load_import(raw, content)
    assert err.value.problems == [f"input is too large ({len(raw)} bytes; the limit is 262144)"]


def test_very_deep_nesting_is_rejected_without_recursion(content):
    raw = "[" * 100_000 + "]" * 100_000
    with pytest.raises(InputError) as err:
        export.load_import(raw, content)
    assert err.value.problems == ["input is nested too deeply (more than 20 levels)"]
    # Brackets inside strings are text, not nesting.
    sub, result = make(content, kind="low")
    data = export.to_json(sub, result, content, TODAY)
    data["result"]["reasons"] = ["[" * 50 + "{" * 50]
    assert export.load_import(json.dumps(data), content) == sub


def test_import_accepts_a_byte_order_mark(content):
    sub, result = make(content, kind="mixed")
    raw = json.dumps(export.to_json(sub, result, content, TODAY)).encode("utf-8-sig")
    assert export.load_import(raw, content) == sub


@pytest.mark.parametrize("depth", [20, 21])
def test_nesting_limit_is_exactly_twenty_levels(content, depth):
    sub, result = make(content, kind="low")
    nested: dict = {}
    node = nested
    for _ in range(depth - 2):  # the file's object is level 1 and `result` level 2
        node["x"] = {}
        node = node["x"]
    data = {**export.to_json(sub, result, content, TODAY), "result": nested}
    if depth <= export.MAX_DEPTH:
        assert export.load_import(json.dumps(data), content) == sub
    else:
        with pytest.raises(InputError) as err:
            export.load_import(json.dumps(data), content)
        assert err.value.problems == ["input is nested too deeply (more than 20 levels)"]


def test_a_plain_answer_file_without_a_version_is_told_what_is_missing(content):
    raw = json.dumps({"audience": "self", "answers": {"crav.urges": 3}})
    with pytest.raises(InputError) as err:
        export.load_import(raw, content)
    assert err.value.problems[0].startswith("schema_version: missing")


# ---------------------------------------------------------------- printing in a real browser


def test_html_summary_prints_on_two_pages_of_a4_and_letter(content):
    """Chromium's print engine on the summary of a full high-concern check and of an urgent one."""
    chromium = shutil.which("chromium")
    assert chromium, "the browser checks need Debian's chromium: `make test` installs it"
    pages = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking", "--disable-component-update"])
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            for name, extra in (("high", {}), ("urgent", {"safety.suicide": 1})):
                sub, result = make(content, kind="high", region="US", **extra)
                page.set_content(export.summary_html(sub, result, content, TODAY))
                assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll on a phone
                for paper in ("A4", "Letter"):
                    pages[name, paper] = len(pypdf.PdfReader(io.BytesIO(page.pdf(format=paper))).pages)
        finally:
            browser.close()
    assert requests == []
    assert all(n <= 2 for n in pages.values()), pages


def test_size_limit_counts_bytes_not_characters(content):
    sub, result = make(content, kind="low")
    data = export.to_json(sub, result, content, TODAY)
    data["result"]["reasons"] = ["\u6f22" * (submission.MAX_INPUT_BYTES // 3)]  # 3 bytes each in UTF-8
    text = json.dumps(data, ensure_ascii=False)
    assert len(text) < submission.MAX_INPUT_BYTES < len(text.encode())
    with pytest.raises(InputError) as err:
        export.load_import(text, content)
    assert err.value.problems[0].startswith("input is too large (")


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "' + '\\"' * 120_000,  # an unterminated string full of escaped quotes
        '{"a": "' + '\\"' * 120_000 + "\\",  # the same ending in a lone backslash
        '"' * 250_000,
        "[" + ",".join(["1" * 39] * 6_000) + "]",
    ],
    ids=["unterminated", "trailing-backslash", "quotes", "long-numbers"],
)
def test_hostile_text_is_rejected_cleanly(content, text):
    # (How fast it is rejected is measured in benchmarks, not here.)
    with pytest.raises(InputError) as err:
        export.load_import(text, content)
    assert len(err.value.problems) <= export.MAX_PROBLEMS + 1

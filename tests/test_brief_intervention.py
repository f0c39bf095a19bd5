"""The result as a brief intervention a clinician would sign (issue 20): a level that rests on the
DSM-5 criteria, one sourced practical line per warning sign, FRAMES, urgency that matches the
help, true words about texting, incomplete never read as low, and a loved one's "Don't know"."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pypdf
import pytest
from conftest import ASSESSMENTS
from helpers import lowest, score, top
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketacheck import charts, export, loader, scoring, submission
from ketacheck.model import AUDIENCES, DONT_KNOW
from ketacheck.wording import basis_line

CONTENT = loader.load(ASSESSMENTS)
TODAY = dt.date(2026, 12, 3)


# ---------------------------------------------------------------- the level rests on the criteria


def test_criteria_are_counted_as_dsm5_counts_them_for_ketamines_class(content):
    result = score(content, {})
    assert (result.criteria.total, result.criteria.met, result.criteria.band) == (10, 0, "none")
    numbers = sorted(n for row in result.criteria.rows for n in row.numbers)
    assert numbers == list(range(1, 11))  # ten criteria: no withdrawal criterion for this class
    assert all("may point to" in b.meaning for b in content.instruments["dsm5_k"].bands if b.id != "none")


@pytest.mark.parametrize(("met", "band"), [(1, "none"), (2, "mild"), (3, "mild"), (4, "moderate"), (5, "moderate"),
                                           (6, "severe"), (10, "severe")])
def test_bands_follow_dsm5_severity(content, met, band):
    answers = {f"dsm5_k.{n}": 1 for n in range(1, met + 1)}
    answers.update({f"dsm5_k.{n}": 0 for n in range(met + 1, 11)})
    result = score(content, answers)
    assert (result.criteria.met, result.criteria.band) == (met, band)


def test_a_shared_core_answer_counts_once_for_work_relationships_and_activities(content):
    base = {**lowest(content), "ctl.life": 3}
    shared = score(content, base)
    assert shared.criteria.met == 1 and shared.criteria.rows[4].numbers == [5, 6, 7]
    # Asked one by one, the checklist's own answers count instead, never on top of the shared one.
    assert score(content, {**base, "dsm5_k.5": 1, "dsm5_k.6": 1, "dsm5_k.7": 0}).criteria.met == 2
    assert score(content, {**base, "dsm5_k.5": 0}).criteria.met == 1  # two still open: the shared yes stands


def test_many_needs_four_criteria_or_a_harm_while_use_goes_on(content):
    weekly = {**lowest(content), "esc.frequency": 3}
    assert score(content, {**weekly, "harm.bladder": 1}).tier == "some"  # mild: a doctor, not "many"
    assert score(content, {**weekly, "harm.bladder": 2}).tier == "high"  # moderate, with weekly use
    rare = {**lowest(content), "esc.frequency": 1, "harm.bladder": 2}
    assert score(content, rare).tier == "some"  # a harm with rare use is a matter for a doctor
    three = {**lowest(content), "crav.urges": 2, "ctl.cut_down": 1, "ctl.more_than_intended": 2}
    assert (score(content, three).criteria.met, score(content, three).tier) == (3, "some")
    four = {**three, "tol.more_needed": 2}
    assert (score(content, four).criteria.met, score(content, four).tier) == (4, "high")


def test_the_weekend_drinker_who_often_uses_more_is_advised_about_mixing_not_referred(content):
    """The over-call issue 20 starts from: weekend use, always with alcohol, often more than meant."""
    result = score(content, {**lowest(content), "esc.frequency": 3, "mix.with": [1], "ctl.more_than_intended": 2})
    assert (result.tier, result.criteria.met) == ("some", 1)
    assert result.feedback[0].id == "mix_alcohol" and result.feedback[0].important
    assert "residential" not in result.tier_explanation


def test_the_first_screen_line_says_what_the_level_rests_on_in_the_right_number(content):
    one = score(content, {**lowest(content), "crav.urges": 2})
    assert basis_line(content, one).startswith("Based on 15 of 15 core questions; 1 of 10 signs of a use problem")
    assert "1 of the 10 DSM-5-based criteria is met" in one.reasons[0]
    two = score(content, {**lowest(content), "crav.urges": 2, "ctl.cut_down": 1})
    assert "2 of the 10 DSM-5-based criteria are met" in two.reasons[0]
    assert "criteria is met" not in two.reasons[0] and "1 criteria" not in " ".join(one.reasons)


# ---------------------------------------------------------------- feedback tied to answers


@st.composite
def answer_sets(draw):
    audience = draw(st.sampled_from(AUDIENCES))
    prescribed = draw(st.booleans())
    answers = {}
    for item in CONTENT.flow(audience, prescribed):
        if not draw(st.booleans()):
            continue
        options = [o for o in item.options if not o.red_flag]
        if item.multiple:
            plain = [o.value for o in options if not o.exclusive]
            exclusive = [[o.value] for o in options if o.exclusive]
            answers[item.id] = draw(st.lists(st.sampled_from(plain), min_size=1, unique=True) if plain
                                    else st.sampled_from(exclusive))
        else:
            answers[item.id] = draw(st.sampled_from([o.value for o in options]))
    return audience, prescribed, answers


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets(), st.sampled_from(list(CONTENT.regions)))
def test_every_warning_sign_shown_has_a_practical_line_with_sources(case, region):
    audience, prescribed, answers = case
    result = score(CONTENT, answers, audience=audience, prescribed=prescribed, region=region)
    earned = {item for line in result.feedback for item in line.because}
    for sign in result.signs:
        assert set(sign.because) & earned, (sign.id, sign.because, [f.id for f in result.feedback])
    for line in result.feedback:
        assert line.source and all(s["id"] in CONTENT.sources for s in line.source), line.id
        assert "{" not in line.text and line.because
        assert all(item in answers for item in line.because)
    # Important lines (a mix that can kill, alcohol withdrawal) come first.
    flags = [f.important for f in result.feedback]
    assert flags == sorted(flags, reverse=True)


@pytest.mark.parametrize(("value", "line"), [(1, "mix_alcohol"), (2, "mix_ghb"), (3, "mix_opioids"),
                                             (4, "mix_benzodiazepines"), (5, "mix_stimulants"), (6, "mix_stimulants"),
                                             (7, "mix_stimulants"), (8, "mix_other"), (9, "mix_other")])
def test_each_mix_is_named_in_its_own_line(content, value, line):
    result = score(content, {**lowest(content), "mix.with": [value]})
    assert [f.id for f in result.feedback if f.id.startswith("mix_")] == [line]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_feedback_speaks_in_the_audiences_voice(content, audience):
    answers = {i: top(content, i) for i in [i.id for i in content.core(audience, False)] if not content.items[i].red_flags}
    result = score(content, answers, audience=audience)
    text = " ".join(f.text for f in result.feedback)
    if audience == "other":
        assert "they" in text and " you use ketamine" not in text
    else:
        assert "you" in text


# ---------------------------------------------------------------- FRAMES and the plan


@pytest.mark.parametrize("audience", AUDIENCES)
def test_frames_has_responsibility_a_menu_and_self_efficacy_for_every_audience(content, audience):
    frames, menu = content.feedback.frames, content.feedback.menu
    assert frames.responsibility.for_audience(audience) and frames.self_efficacy.text.for_audience(audience)
    ids = {o.id for o in menu.for_audience(audience)}
    if audience == "other":
        assert {"calm_talk", "reward_sober", "support_yourself"} <= ids  # CRAFT-style, and care for themselves
    else:
        assert {"cut_down", "days_off", "set_limit", "talk_gp", "call_helpline", "ask_treatment"} <= ids


def test_a_plan_goes_into_the_answer_file_and_the_printout_and_comes_back(content):
    doc = {"audience": "self", "region": "UK", "answers": lowest(content), "plan": ["days_off", "talk_gp"]}
    sub = submission.parse(doc, content)
    result = scoring.score(sub, content)
    data = export.to_json(sub, result, content, TODAY)
    assert data["plan"] == ["days_off", "talk_gp"]
    assert export.from_json(json.loads(json.dumps(data)), content).plan == ("days_off", "talk_gp")
    html = export.summary_html(sub, result, content, TODAY)
    assert "My plan" in html and "Days off: pick days each week with no ketamine" in html
    assert "days_off;talk_gp" in export.summary_csv(sub, result, content, TODAY)


@pytest.mark.parametrize(("plan", "problem"), [
    (["days_off", "talk_gp", "cut_down"], "at most 2 steps"),
    (["calm_talk"], "not an option for this check"),  # a loved one's option, in a self-check
    (["days_off", "days_off"], "repeated"),
    ("days_off", "must be a list"),
])
def test_a_plan_in_a_file_is_checked_like_the_answers(content, plan, problem):
    with pytest.raises(submission.InputError) as err:
        submission.parse({"audience": "self", "answers": {}, "plan": plan}, content)
    assert any(problem in p for p in err.value.problems), err.value.problems


# ---------------------------------------------------------------- urgency that matches the help


@pytest.mark.parametrize("region", list(CONTENT.regions))
def test_a_same_day_flag_leads_with_same_day_care_and_keeps_the_emergency_number_for_worse(content, region):
    result = score(content, {"safety.recent": [10]}, region=region)  # blood in the urine
    flag = result.red_flags[0]
    assert result.urgency == "same_day" and not result.in_danger_now
    types = [c.type for c in flag.contacts]
    assert types[-1] == "emergency"
    has_same_day = any(r.type == "medical_advice" for r in content.regions[region].resources)
    assert (types[0] == "medical_advice") == has_same_day
    # Every region has one but the international fallback and the four where regions.md found no
    # same-day advice line (HK, TW, ES, MX): there the emergency number is the only route, never an invented line.
    assert region in ("INTL", "HK", "TW", "ES", "MX") or has_same_day
    # The words that go with it: a doctor today, not "once the danger has passed".
    assert result.help_heading == "See a doctor today" and "danger has passed" not in result.help_intro


def test_an_emergency_now_leads_with_the_emergency_number_and_is_in_danger_now(content):
    result = score(content, {"safety.suicide": 2}, region="UK")
    assert result.in_danger_now and result.urgency == "emergency"
    assert result.red_flags[0].contacts[0].type == "emergency"
    assert "danger has passed" in result.help_intro  # the next steps, after the emergency
    recent = score(content, {"safety.suicide": 1}, region="UK")
    assert not recent.in_danger_now and recent.red_flags[0].contacts[0].type == "crisis"


# ---------------------------------------------------------------- true words about texting


TEXTING = re.compile(r"\btext(s|ing)?\b(?!phone)", re.IGNORECASE)


def _flag_answers(content):
    for item in content.items.values():
        for option in item.options:
            if option.red_flag:
                yield {item.id: [option.value] if item.multiple else option.value}


@pytest.mark.parametrize("region", list(CONTENT.regions))
@pytest.mark.parametrize("audience", AUDIENCES)
def test_call_or_text_is_said_only_where_a_listed_line_takes_texts(content, region, audience):
    for answers in _flag_answers(content):
        item_id = next(iter(answers))
        if audience not in content.items[item_id].audiences:
            continue
        for flag in score(content, answers, audience=audience, region=region).red_flags:
            words = " ".join([flag.message, *flag.steps])
            takes_texts = any(c.sms for c in flag.contacts if c.type == "crisis")
            if TEXTING.search(words):
                assert takes_texts, (region, audience, flag.id, words)
            if "the crisis line below" in words and takes_texts:
                assert "or text the crisis line" in words


def test_uk_and_ireland_crisis_text_lines_are_the_ones_that_take_texts(content):
    samaritans = [r for region in ("UK", "IE") for r in content.regions[region].resources if "samaritans" in r.id]
    assert samaritans and all(r.sms is None for r in samaritans)  # its text service ended in 2020
    assert next(r for r in content.regions["UK"].resources if r.id == "uk_shout").sms.keyword == "SHOUT"
    assert next(r for r in content.regions["IE"].resources if r.id == "ie_50808").sms.number == "50808"


@pytest.mark.parametrize("region", list(CONTENT.regions))
def test_a_card_says_text_only_when_its_line_takes_texts_and_says_where_that_was_read(content, region):
    for res in content.regions[region].resources:
        words = " ".join(filter(None, [res.description, res.what_happens]))
        if TEXTING.search(words):
            assert res.sms, (res.id, words)
        if res.sms:
            assert res.sms.source.strip() and res.sms.dated <= TODAY


# ---------------------------------------------------------------- incomplete is never low


def test_an_incomplete_check_is_never_low_in_any_format(content):
    doc = {"audience": "other", "region": "UK",
           "answers": {"safety.now": [0], "esc.frequency": DONT_KNOW, "mix.with": [0], "safety.recent": DONT_KNOW}}
    sub = submission.parse(doc, content)
    result = scoring.score(sub, content)
    assert result.tier == "incomplete" and result.tier_so_far == "low"
    missing = result.coverage.missing_items
    assert missing[0].safety and missing[0].item == "safety.recent" and missing[0].dont_know  # safety first
    assert {m.item for m in missing} >= {"esc.frequency", "crav.urges", "harm.bladder", "safety.suicide"}
    # No level word for "low", no points total, in any of the ways a level could be said.
    low = re.compile(r"few warning signs|few of the warning signs|\(low\)|: low\b|\bpoints\b", re.IGNORECASE)
    html = export.summary_html(sub, result, content, TODAY)
    assert "Not enough answers yet" in html and not low.search(re.sub(r"<[^>]+>", " ", html))
    for m in missing:
        assert m.text in html.replace("&#x27;", "'").replace("&quot;", '"')
    for chart in charts.all_charts(result, content):
        assert not low.search(chart.text + " " + " ".join(a.text for a in chart.figure.layout.annotations))
    csv_text = export.summary_csv(sub, result, content, TODAY)
    header, row = csv_text.splitlines()
    fields = dict(zip(header.split(","), row.split(","), strict=True))
    assert fields["level"] == "incomplete" and fields["enough_answers"] == "false"
    assert fields["missing"].split(";")[0] == "safety.recent"
    assert export.fhir_questionnaire_response(sub, result, content, TODAY)["status"] == "in-progress"
    assert export.to_json(sub, result, content, TODAY)["result"]["tier"] == "incomplete"
    pages = pypdf.PdfReader(io.BytesIO(export.summary_pdf(sub, result, content, TODAY))).pages
    pdf_text = " ".join(" ".join((page.extract_text() or "").split()) for page in pages)
    assert "Not enough answers yet" in pdf_text and not low.search(pdf_text)
    assert 'Not answered yet (never counted as "no")' in pdf_text


def test_a_complete_check_is_passed_on_as_completed(content):
    sub = submission.parse({"audience": "self", "answers": lowest(content)}, content)
    assert export.fhir_questionnaire_response(sub, scoring.score(sub, content), content, TODAY)["status"] == "completed"


# ---------------------------------------------------------------- a loved one may not know


def test_a_loved_one_may_not_know_whether_it_is_prescribed_and_is_told_how_that_was_treated(content):
    answers = {**lowest(content, "other"), "tol.more_needed": 2}
    sub = submission.parse({"audience": "other", "prescribed": DONT_KNOW, "region": "UK", "answers": answers}, content)
    assert (sub.prescribed, sub.prescribed_known) == (False, False)
    result = scoring.score(sub, content)
    assert any("did not know whether the ketamine is prescribed" in r for r in result.reasons)
    assert not result.solely_prescribed and result.criteria.met == 1  # tolerance counts
    data = export.to_json(sub, result, content, TODAY)
    assert data["prescribed"] == DONT_KNOW and export.from_json(data, content) == sub
    fhir = export.fhir_questionnaire_response(sub, result, content, TODAY)
    assert export.load_import(json.dumps(fhir), content).prescribed_known is False
    with pytest.raises(submission.InputError):  # only a loved one may not know
        submission.parse({"audience": "self", "prescribed": DONT_KNOW, "answers": {}}, content)

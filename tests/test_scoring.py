"""Tiers, coverage, red flags and reasons from answer sets built from the content itself."""

from __future__ import annotations

import pytest

from ketacheck import cli, scoring
from ketacheck.model import AUDIENCES, DONT_KNOW

from helpers import at_level, lowest, score, top

CONTEXTS = [(a, p) for a in AUDIENCES for p in (False, True)]


def flow_ids(content, audience="self", prescribed=False, stage="core"):
    return [q["id"] for q in cli.questions(content, audience, prescribed, stage=stage)]


def is_flagged(content, item_id):
    return bool(content.items[item_id].red_flags)


# ------------------------------------------------------------------ levels and calibration


def test_no_answers_gives_no_level_and_names_every_area(content):
    result = score(content, {})
    assert result.tier == "incomplete" and result.criteria.met == 0 and not result.signs and not result.feedback
    assert result.tier_label == "Not enough answers yet"
    assert set(result.coverage.missing) == set(content.tiers.coverage.areas)
    assert result.resources[0].resource.type == "emergency"  # help is never hidden behind a score


@pytest.mark.parametrize(("audience", "prescribed"), CONTEXTS)
@pytest.mark.parametrize("stage", ["core", "full"])
def test_every_answer_at_least_concern_is_low(content, audience, prescribed, stage):
    result = score(content, lowest(content, audience, prescribed, stage), audience=audience, prescribed=prescribed)
    assert (result.tier, result.criteria.met, result.red_flags, result.feedback) == ("low", 0, [], [])
    assert result.coverage.enough and not result.coverage.missing and not result.coverage.missing_items


@pytest.mark.parametrize(("audience", "prescribed"), CONTEXTS)
def test_every_non_safety_answer_at_most_concern_is_high(content, audience, prescribed):
    answers = lowest(content, audience, prescribed)
    answers.update({i: top(content, i) for i in flow_ids(content, audience, prescribed) if not is_flagged(content, i)})
    result = score(content, answers, audience=audience, prescribed=prescribed)
    assert result.tier == "high" and not result.red_flags
    assert result.criteria.met >= content.tiers.rule.many.criteria


@pytest.mark.parametrize(("audience", "prescribed"), CONTEXTS)
@pytest.mark.parametrize("stage", ["core", "full"])
def test_the_mildest_concern_everywhere_is_never_many_warning_signs(content, audience, prescribed, stage):
    """The issue that started check v2: the lowest non-zero answer to every question gave 'Many'."""
    answers = {}
    for item_id in flow_ids(content, audience, prescribed, stage):
        item = content.items[item_id]
        if not scoring.visible(item, answers, content):
            continue
        # A yes/no checklist item has no mild "yes": yes is the whole criterion, and six of them are
        # the DSM-5 severe range by definition. Graded questions get their mildest concern.
        yes_no = content.instruments.get(content.instrument_of.get(item_id, ""))
        options = [o for o in item.options if o.level > 0 and not o.red_flag]
        if yes_no and yes_no.scoring == "count_yes" or not options:
            options = item.options
        mild = min(options, key=lambda o: (o.red_flag is not None, o.level))
        answers[item_id] = [mild.value] if item.multiple else mild.value
    result = score(content, answers, audience=audience, prescribed=prescribed, sex="male")
    assert result.tier == "some", (result.criteria.met, result.reasons)
    assert result.tier_label != "Many warning signs"


def test_sign_strength_follows_answer_level(content):
    item = content.items["crav.urges"]
    for option in item.options:
        result = score(content, {"crav.urges": option.value})
        craving = next((s for s in result.signs if s.id == "craving"), None)
        if option.level == 0:
            assert craving is None
        else:
            assert craving.strength == pytest.approx(option.level / item.max_level)
            assert craving.because == ["crav.urges"]
            assert craving.triggers[0].answer == option.label
            assert any(src["publisher"] for src in craving.sources)


def test_one_answer_touching_several_signs_is_still_one_answer(content):
    """An extra dose bears on drift, escalation and control, but it is no DSM-5 criterion by itself
    (the question cannot tell once from often): some warning signs, not many."""
    base = lowest(content, prescribed=True)
    one = score(content, {**base, "rx.beyond_plan": [1], "harm.bladder": 1}, prescribed=True)
    assert {"unsupervised_use", "escalation", "loss_of_control"} <= {s.id for s in one.signs if s.clear}
    assert one.criteria.met == 0 and one.tier == "some"


def test_stable_weekly_use_is_not_called_using_more(content):
    result = score(content, {**lowest(content), "esc.frequency": 3})
    assert result.tier == "some"
    assert [s.id for s in result.signs] == ["unsupervised_use"]
    assert "escalation" not in {s.id for s in result.signs}


# ------------------------------------------------------------------ coverage


def test_two_answers_are_incomplete_and_say_what_is_missing(content):
    result = score(content, {"safety.now": [0], "esc.frequency": 3})
    assert result.tier == "incomplete" and result.tier_so_far == "some"
    assert result.coverage.answered == 2 and result.coverage.asked == 15 and not result.coverage.enough
    assert {"tolerance", "cravings", "mixing", "control", "harms"} == set(result.coverage.missing)
    assert result.reasons[0].startswith("Not enough answers to give a level: nothing yet about tolerance")
    assert "already shows some warning signs" in result.reasons[1]
    assert "Few warning signs" not in " ".join([result.tier_label, result.tier_summary, *result.reasons])


def test_dont_know_counts_as_unanswered_never_as_no(content):
    known = lowest(content, "other")
    for item_id in ("crav.urges", "tol.more_needed"):
        known[item_id] = DONT_KNOW
    result = score(content, known, audience="other")
    assert result.tier == "incomplete" and result.tier_so_far == "low"
    assert result.coverage.unknown == 2 and set(result.coverage.missing) == {"cravings", "tolerance"}
    # The same answers with "No" instead of "Don't know" do give a level.
    assert score(content, lowest(content, "other"), audience="other").tier == "low"


def test_some_from_part_of_the_check_is_a_floor_but_few_needs_every_area(content):
    partial = {k: v for k, v in lowest(content).items() if not k.startswith("harm.")}
    assert score(content, partial).tier == "incomplete"
    assert score(content, {**partial, "esc.frequency": 3}).tier == "some"
    # A mix alone raises the advice, not the level: still too little to say.
    assert score(content, {**partial, "mix.with": [1]}).tier == "incomplete"


def test_dont_know_is_offered_only_to_a_loved_one(content):
    for audience in AUDIENCES:
        options = cli.questions(content, audience, False)[0]["options"]
        assert (options[-1]["value"] == DONT_KNOW) == (audience == "other")


# ------------------------------------------------------------------ red flags v2


def flag_options(content, audience):
    for item_id in flow_ids(content, audience, False) + flow_ids(content, audience, True):
        item = content.items[item_id]
        for option in item.options:
            if option.red_flag:
                yield item, option


def test_every_red_flag_is_asked_both_ways_it_can_happen(content):
    asked = {(o.red_flag, i.flag_when(o)) for i, o in flag_options(content, "self")}
    for flag in content.red_flags.values():
        for when in ("now", "recent"):
            if flag.advice(when):
                assert (flag.id, when) in asked, (flag.id, when)
    assert {"hyperthermia", "injury", "agitation_psychosis", "flank_pain_fever"} <= {f for f, _ in asked}


@pytest.mark.parametrize("audience", AUDIENCES)
def test_each_red_flag_is_urgent_with_its_urgency_words_and_contacts(content, audience):
    for item, option in flag_options(content, audience):
        value = [option.value] if item.multiple else option.value
        for region in content.regions:
            result = score(content, {item.id: value}, audience=audience, region=region)
            flag = result.red_flags[0]
            advice = content.red_flags[option.red_flag].advice(item.flag_when(option))
            assert result.tier == "urgent" and flag.id == option.red_flag
            assert (flag.urgency, result.urgency) == (advice.urgency, advice.urgency)
            assert flag.message == advice.message.get(audience).format(emergency=_emergency(content, region))
            assert flag.steps and "{" not in flag.message + "".join(flag.steps)
            assert flag.contacts, (flag.id, region)
            if flag.urgency == "emergency":
                assert flag.contacts[0].type == "emergency"
                assert "help now" in result.reasons[0] and result.tier_label == "Urgent: get help now"
            else:
                assert "help today" in result.reasons[0] and result.tier_label == "Urgent: get help today"
            assert result.resources[0].resource.type == "emergency"


def _emergency(content, region):
    return next(r.phone for r in content.regions[region].resources if r.type == "emergency")


def test_a_parent_reporting_suicidal_talk_is_spoken_to_as_the_parent(content):
    result = score(content, {"safety.suicide": 1}, audience="other", region="UK")
    flag = result.red_flags[0]
    words = " ".join([flag.message, *flag.steps])
    assert "harm yourself" not in words and "they" in words
    assert flag.urgency == "same_day" and flag.steps_title != "While you wait for help"
    assert [c.type for c in flag.contacts][:1] == ["crisis"]


def test_someone_reporting_their_own_breathing_is_not_told_to_lay_themselves_down(content):
    recent = score(content, {"safety.recent": [2]}, region="UK").red_flags[0]
    assert "recovery position" not in " ".join(recent.steps) and "lay them" not in " ".join(recent.steps)
    assert recent.urgency == "same_day" and recent.steps_title == "What to do next"
    now = score(content, {"safety.now": [2]}, region="UK").red_flags[0]
    assert now.urgency == "emergency" and now.steps[0].startswith("If it is you")


def test_past_events_get_same_day_advice_not_a_call_now_script(content):
    for item, option in flag_options(content, "self"):
        if item.flag_when(option) != "recent":
            continue
        flag = score(content, {item.id: [option.value] if item.multiple else option.value}).red_flags[0]
        assert flag.urgency == "same_day", flag.id
        assert flag.steps_title != "While you wait for help", flag.id


@pytest.mark.parametrize("region", ["UK", "NZ", "AU", "CA", "IE"])
def test_blood_in_urine_leads_with_same_day_care_not_an_ambulance(content, region):
    flag = score(content, {"safety.recent": [10]}, region=region).red_flags[0]
    assert flag.urgency == "same_day"
    assert flag.contacts[0].type == "medical_advice", [c.name for c in flag.contacts]
    assert flag.contacts[-1].type == "emergency"  # still there, last, for when it gets worse
    if region == "UK":
        assert flag.contacts[0].phone == "111"


def test_now_wins_when_the_same_flag_is_reported_now_and_recently(content):
    result = score(content, {"safety.now": [2], "safety.recent": [2]})
    assert [(f.id, f.when, f.urgency) for f in result.red_flags] == [("breathing", "now", "emergency")]
    assert result.red_flags[0].because == ["safety.now", "safety.recent"]


def test_emergencies_are_listed_before_same_day_flags(content):
    result = score(content, {"safety.recent": [10], "safety.now": [3]})
    assert [f.urgency for f in result.red_flags] == ["emergency", "same_day"]
    assert result.urgency == "emergency"


# ------------------------------------------------------------------ mixing and prescribed context


def test_a_mix_raises_the_advice_and_its_urgency_not_the_level(content):
    base = {**lowest(content), "esc.frequency": 2}
    alone = score(content, base)
    depressant = score(content, {**base, "mix.with": [1]})  # alcohol
    stimulant = score(content, {**base, "mix.with": [5]})  # cocaine
    assert alone.tier == depressant.tier == stimulant.tier == "low"
    assert "slow breathing" in depressant.feedback[0].text
    assert "slow breathing" not in " ".join(f.text for f in stimulant.feedback)
    assert depressant.feedback[0].important and depressant.feedback[0].id == "mix_alcohol"
    assert [f.important for f in stimulant.feedback if f.id == "mix_stimulants"] == [False]
    for value, line in ((2, "mix_ghb"), (3, "mix_opioids"), (4, "mix_benzodiazepines")):
        first = score(content, {**base, "mix.with": [value]}).feedback[0]
        assert (first.id, first.important, first.because) == (line, True, ["mix.with"])


def test_mixing_reason_names_what_was_mixed_and_why(content):
    result = score(content, {**lowest(content), "mix.with": [1, 2]})
    mixing = next(s for s in result.signs if s.id == "mixing")
    assert [t.answer for t in mixing.triggers] == ["Alcohol", "GHB or GBL"]
    assert mixing.notes == ["Ketamine with alcohol and GHB or GBL: together they slow breathing more than either "
                            "alone, and can cause choking on vomit while too drowsy to clear it."]
    assert "Ketamine with alcohol and GHB or GBL: the advice above says why it matters. A mix changes the advice, " \
           "not the level." in result.reasons
    both = score(content, {**lowest(content), "mix.with": [1, 5, 6]})
    notes = next(s for s in both.signs if s.id == "mixing").notes
    assert any(r.startswith("Ketamine with alcohol: together they slow breathing") for r in notes)
    assert any(r.startswith("Ketamine with cocaine and MDMA (ecstasy): mixing makes effects harder to predict") for r in notes)
    assert [f.id for f in both.feedback][:2] == ["mix_alcohol", "mix_stimulants"]


def test_prescribed_use_as_planned_is_not_a_warning_sign(content):
    ids = flow_ids(content, "self", True, "full")
    assert "esc.frequency" not in ids and "esc.binge" not in ids
    result = score(content, {**lowest(content, prescribed=True, stage="full"), "ctx.treatment": 3}, prescribed=True)
    assert result.tier == "low" and not result.signs
    assert result.tier_summary.startswith("Your answers show few warning signs: your use seems to follow your treatment plan")


def test_drift_from_the_plan_is(content):
    result = score(content, {**lowest(content, prescribed=True), "rx.beyond_plan": [4]}, prescribed=True)
    assert result.tier == "some" and {s.id for s in result.signs} == {"unsupervised_use"}
    assert "prescriber" in result.tier_summary


def test_prescribed_patients_drinking_is_alcohol_advice_not_ketamine_misuse(content):
    audit = {"audit_c.1": 3, "audit_c.2": 1, "audit_c.3": 2}
    base = lowest(content, prescribed=True)
    apart = score(content, {**base, **audit}, prescribed=True, sex="male")
    assert apart.instruments["audit_c"].positive and apart.tier == "low"
    assert [f.id for f in apart.feedback] == ["audit_c_band"]
    assert apart.instruments["audit_c"].band == "increasing"
    together = score(content, {**base, **audit, "mix.with": [1]}, prescribed=True, sex="male")
    assert together.tier == "low"  # the mix is a warning of its own, first on the page
    assert [f.id for f in together.feedback][:1] == ["mix_alcohol"] and together.feedback[0].important


# ------------------------------------------------------------------ one question, one thing


def test_core_questions_answer_the_dsm5_criteria_that_ask_the_same_thing(content):
    full = flow_ids(content, "self", False, "full")
    assert not {"dsm5_k.1", "dsm5_k.2", "dsm5_k.4", "dsm5_k.10"} & set(full)
    answers = {**lowest(content), "crav.urges": 3, "tol.more_needed": 2, "ctl.more_than_intended": 1, "ctl.cut_down": 1}
    result = score(content, answers)
    dsm = result.instruments["dsm5_k"]
    # ctl.life "No" answers 5, 6 and 7 (work, relationships, activities) at once.
    assert dsm.from_core == ["dsm5_k.1", "dsm5_k.2", "dsm5_k.4", "dsm5_k.5", "dsm5_k.6", "dsm5_k.7", "dsm5_k.10"]
    assert (dsm.criteria_met, dsm.answered, dsm.complete) == (3, 7, False)  # "sometimes" is not "often"
    assert dsm.criteria_met == result.criteria.met and result.criteria.band == "mild"
    # The prescribed flow has no cut-down question, so the checklist asks criterion 2 itself.
    assert "dsm5_k.2" in flow_ids(content, "self", True, "full")


def test_a_checklist_no_does_not_undo_a_core_answer_and_a_checklist_yes_counts(content):
    # Both can only meet in a file. Daily strong cravings with a checklist "No" to craving: the
    # criterion stays met (one more answer never lowers the count, and the core answer is the
    # person's own description); a checklist "Yes" meets it where the core answer does not.
    contradicted = score(content, {"crav.urges": 4, "dsm5_k.4": 0})
    assert contradicted.instruments["dsm5_k"].criteria_met == contradicted.criteria.met == 1
    confirmed = score(content, {"crav.urges": 0, "dsm5_k.4": 1})
    assert confirmed.criteria.met == 1
    assert score(content, {"crav.urges": 0, "dsm5_k.4": 0}).criteria.met == 0


def test_each_construct_is_asked_once_per_flow(content):
    for audience, prescribed in CONTEXTS:
        full = flow_ids(content, audience, prescribed, "full")
        for item_id in full:
            for source in content.items[item_id].answered_by:
                assert source.item not in full, (audience, prescribed, item_id, source.item)


@pytest.mark.parametrize(("audience", "prescribed"), [("self", False), ("self", True), ("other", False), ("other", True)])
def test_the_core_is_at_most_15_screens_and_covers_every_area(content, audience, prescribed):
    core = content.core(audience, prescribed)
    assert len(core) <= 15
    assert {"cravings", "escalation", "tolerance", "mixing", "control", "harms", "safety"} <= {i.domain for i in core}


# ------------------------------------------------------------------ reasons and help


def test_help_by_tier_and_audience(content):
    low_self = score(content, lowest(content), audience="self", region="UK")
    low_other = score(content, lowest(content, "other"), audience="other", region="UK")
    assert "family_support" not in {h.resource.type for h in low_self.resources}
    assert "family_support" in {h.resource.type for h in low_other.resources}
    answers = {**lowest(content), **{i: top(content, i) for i in flow_ids(content) if not is_flagged(content, i)}}
    high = score(content, answers, region="US")
    types = [h.resource.type for h in high.resources]
    assert "treatment_locator" in types and "helpline" in types
    # Crisis contacts are grouped apart from referral lines, and listed first.
    groups = [h.group for h in high.resources]
    assert groups == sorted(groups)  # "crisis" < "referral"
    assert all(h.group == "crisis" for h in high.resources if h.resource.type in ("emergency", "crisis", "poison"))


def test_hidden_follow_up_answers_are_kept_but_not_scored(content):
    answers = {"audit_c.1": 0, "audit_c.2": 4}
    result = score(content, answers)
    assert result.ignored == ["audit_c.2"] and result.instruments["audit_c"].score == 0
    shown = score(content, {**answers, "audit_c.1": 1})
    assert shown.ignored == [] and shown.instruments["audit_c"].score == 5


def test_a_loved_ones_answers_are_quoted_in_their_wording(content):
    result = score(content, {**lowest(content, "other"), "ctl.cut_down": 3}, audience="other")
    control = next(s for s in result.signs if s.id == "loss_of_control")
    assert control.triggers[0].answer == "They tried, and went back to using"
    assert ("Have they tried to cut down or stop, and gone back to using?", "They tried, and went back to using") in \
        scoring.to_raise(result, content)


def test_harm_answers_bring_their_own_see_a_doctor_line(content):
    result = score(content, {**lowest(content), "harm.bladder": 1, "harm.mood": 1})
    assert [f.id for f in result.needs_doctor] == ["bladder"] and "Bladder symptoms" in result.needs_doctor[0].text
    assert result.tier == "some"  # an answer that needs a doctor is at least some warning signs
    other = score(content, {**lowest(content, "other"), "harm.memory": 2}, audience="other")
    assert other.needs_doctor and "encourage them" in other.needs_doctor[0].text


def test_sud_history_is_shown_but_never_counted(content):
    result = score(content, {**lowest(content), "ctx.sud_history": top(content, "ctx.sud_history")})
    sign = next(s for s in result.signs if s.id == "sud_history")
    assert sign.risk_factor and not sign.clear and result.tier == "low" and result.criteria.met == 0


def test_withdrawal_symptoms_count_toward_psychological_dependence(content):
    one = score(content, {**lowest(content), "harm.withdrawal": [1]})
    three = score(content, {**lowest(content), "harm.withdrawal": [1, 3, 4]})
    dist = [next(s for s in r.signs if s.id == "between_use_distress") for r in (one, three)]
    assert dist[0].strength == pytest.approx(1 / 3, abs=1e-3) and dist[1].strength == 1.0
    assert "psychological dependence" in dist[0].name


def test_rule_explanation_names_the_thresholds(content):
    text = scoring.explain_rule(content)
    rule = content.tiers.rule
    assert f"{rule.many.criteria} or more" in text and f"{rule.some.criteria} or 3" in text and "{" not in text
    assert "Don't know" in text


def test_domain_scores(content):
    result = score(content, {"crav.urges": 4, "crav.chasing": 0})
    assert result.domains["cravings"].score == 57 and result.domains["cravings"].answered == 2
    assert result.domains["mixing"].score == 0 and result.domains["mixing"].answered == 0
    assert score(content, {"mix.with": [1, 5]}).domains["mixing"].score == 100
    assert at_level(content, "mix.with", 1) == [5]

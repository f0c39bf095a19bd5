"""Tiers from answer sets built from the content itself, by warning sign and level."""

from __future__ import annotations

import pytest

from ketacheck import cli, scoring
from ketacheck.model import AUDIENCES

from helpers import at_level, score, top


def flow_ids(content, audience="self", prescribed=False):
    return [q["id"] for q in cli.questions(content, audience, prescribed)]


def items_for_sign(content, sign, audience="self", prescribed=False):
    return [
        i for i in flow_ids(content, audience, prescribed)
        if sign in content.items[i].signs and not content.items[i].red_flag and i not in content.instrument_of
    ]


def test_no_answers_is_low_with_help_still_shown(content):
    result = score(content, {})
    assert result.tier == "low" and result.points == 0 and not result.signs
    assert result.resources[0].resource.type == "emergency"


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("prescribed", [False, True])
def test_every_answer_at_least_concern_is_low(content, audience, prescribed):
    answers = {i: at_level(content, i, 0) for i in flow_ids(content, audience, prescribed)}
    result = score(content, answers, audience=audience, prescribed=prescribed)
    assert (result.tier, result.points, result.red_flags) == ("low", 0, [])


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("prescribed", [False, True])
def test_every_non_safety_answer_at_most_concern_is_high(content, audience, prescribed):
    answers = {i: top(content, i) for i in flow_ids(content, audience, prescribed) if not content.items[i].red_flag}
    result = score(content, answers, audience=audience, prescribed=prescribed)
    assert result.tier == "high" and not result.red_flags
    assert result.points >= result.high_at


def test_each_sign_alone_gives_the_tier_its_weight_implies(content):
    rule = content.tiers.rule
    for sign, weight in rule.weights.items():
        for prescribed in (False, True):
            ids = items_for_sign(content, sign, prescribed=prescribed)
            if not ids:
                continue
            # Answer the sign's questions at full strength and everything else at level 0.
            answers = {i: at_level(content, i, 0) for i in flow_ids(content, prescribed=prescribed)}
            answers.update({i: top(content, i) for i in ids})
            result = score(content, answers, prescribed=prescribed)
            expected = "high" if weight >= rule.high_at else "some" if weight >= rule.some_at else "low"
            matched = {s.id: s for s in result.signs}
            assert matched[sign].strength == 1.0, sign
            extra = sum(s.points for s in result.signs if s.id != sign)
            if extra == 0:
                assert result.tier == expected, (sign, prescribed, result.reasons)


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


@pytest.mark.parametrize("audience", AUDIENCES)
def test_each_red_flag_makes_it_urgent_with_emergency_help_first(content, audience):
    flags = [i for i in content.flow(audience, False) if i.red_flag]
    assert {i.red_flag for i in flags} == set(content.red_flags)
    for item in flags:
        value = next(o.value for o in item.options if o.red_flag)
        for region in content.regions:
            result = score(content, {item.id: value}, audience=audience, region=region)
            assert result.tier == "urgent"
            assert result.red_flags[0].id == item.red_flag and result.red_flags[0].while_waiting
            assert result.resources[0].resource.type == "emergency"
            assert "help now" in result.reasons[0]


def test_help_by_tier_and_audience(content):
    low_self = score(content, {}, audience="self", region="UK")
    low_other = score(content, {}, audience="other", region="UK")
    assert "family_support" not in {h.resource.type for h in low_self.resources}
    assert "family_support" in {h.resource.type for h in low_other.resources}
    answers = {i: top(content, i) for i in flow_ids(content) if not content.items[i].red_flag}
    high = score(content, answers, region="US")
    types = [h.resource.type for h in high.resources]
    assert "treatment_locator" in types and "helpline" in types
    # Crisis contacts are grouped apart from referral lines, and listed first.
    groups = [h.group for h in high.resources]
    assert groups == sorted(groups)  # "crisis" < "referral"
    assert all(h.group == "crisis" for h in high.resources if h.resource.type in ("emergency", "crisis", "poison"))


def test_hidden_follow_up_answers_are_kept_but_not_scored(content):
    answers = {"mix.alcohol": 0, "mix.alcohol_amount": top(content, "mix.alcohol_amount")}
    result = score(content, answers)
    assert result.ignored == ["mix.alcohol_amount"] and not result.signs
    shown = score(content, {**answers, "mix.alcohol": 1})
    assert shown.ignored == [] and {s.id for s in shown.signs} == {"mixing"}


def test_sud_history_is_shown_but_never_counted(content):
    result = score(content, {"ctx.sud_history": top(content, "ctx.sud_history")})
    sign = next(s for s in result.signs if s.id == "sud_history")
    assert sign.risk_factor and sign.points == 0 and result.tier == "low"


def test_rule_explanation_names_the_thresholds(content):
    text = scoring.explain_rule(content)
    rule = content.tiers.rule
    assert f"{rule.some_at:g}" in text and f"{rule.high_at:g}" in text and "{" not in text


def test_domain_scores(content):
    result = score(content, {"crav.urges": 4, "crav.preoccupied": 0})
    assert result.domains["cravings"].score == 50 and result.domains["cravings"].answered == 2
    assert result.domains["mixing"].score == 0 and result.domains["mixing"].answered == 0

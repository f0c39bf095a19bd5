"""The calibration table (tests/personas.yaml) as a test: each persona's answers must give the level
a careful clinician would give, for the reason written beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ketacheck import scoring, submission
from ketacheck.loader import Content
from ketacheck.model import ALL_TIERS, DONT_KNOW

from helpers import rest_value, value_for

PERSONAS = yaml.safe_load((Path(__file__).parent / "personas.yaml").read_text(encoding="utf-8"))["personas"]
KEYS = {"id", "who", "audience", "prescribed", "region", "sex", "answers", "answer_rest", "answer_only",
        "expect", "criteria", "so_far", "urgency", "why"}


def answers_of(persona: dict, content: Content) -> dict:
    # A loved one who does not know whether it is prescribed is asked as for any ketamine use.
    audience, prescribed = persona["audience"], persona.get("prescribed", False) is True
    given = {k: value_for(content.items[k], v) for k, v in persona["answers"].items()}
    how = persona.get("answer_rest")
    if not how:
        return given
    # Intake answers every module by default; self and other answer the core.
    flow = content.flow(audience, prescribed) if audience == "intake" else content.core(audience, prescribed)
    only = persona.get("answer_only")
    answers = dict(given)
    for item in flow:  # in order, so show_if gates are answered before what they gate
        if item.id in answers or (only and item.id not in only):
            continue
        if scoring.visible(item, answers, content):
            answers[item.id] = rest_value(item, how)
    return answers


def submission_of(persona: dict, content: Content) -> submission.Submission:
    doc = {
        "audience": persona["audience"],
        "prescribed": persona.get("prescribed", False),

        "region": persona.get("region", "UK"),
        "sex": persona.get("sex", "unspecified"),
        "answers": answers_of(persona, content),
    }
    return submission.parse(doc, content)


def result_of(persona: dict, content: Content) -> scoring.Result:
    return scoring.score(submission_of(persona, content), content)


def test_the_table_is_written_for_people():
    assert len(PERSONAS) >= 40
    assert len({p["id"] for p in PERSONAS}) == len(PERSONAS)
    for p in PERSONAS:
        assert set(p) <= KEYS, (p["id"], set(p) - KEYS)
        assert p["who"] and p["why"], p["id"]
        assert p["expect"] in ALL_TIERS, p["id"]
        assert isinstance(p["criteria"], int) and 0 <= p["criteria"] <= 10, p["id"]
        assert p.get("prescribed", False) in (True, False, DONT_KNOW), p["id"]
        assert ("so_far" in p) == (p["expect"] == "incomplete"), p["id"]
        assert ("urgency" in p) == (p["expect"] == "urgent"), p["id"]
    covered = {(p["audience"], p.get("prescribed", False)) for p in PERSONAS}
    assert {("self", False), ("self", True), ("other", False), ("intake", False), ("intake", True)} <= covered
    assert {p["expect"] for p in PERSONAS} == set(ALL_TIERS)
    # The people issue 20 names: weekend users who mix, daily users who do not, prescribed patients
    # drifting, loved ones who know little; and every DSM-5 band.
    mixers = [p for p in PERSONAS if p["answers"].get("mix.with") not in (None, ["None of these"], "Don't know")]
    assert len(mixers) >= 5
    assert any(p["answers"].get("esc.frequency", "").startswith("3 or more") and "mix.with" not in p["answers"]
               and p["expect"] == "high" for p in PERSONAS)
    assert sum(1 for p in PERSONAS if p.get("prescribed") is True and "rx.beyond_plan" in p["answers"]) >= 3
    assert sum(1 for p in PERSONAS if p["audience"] == "other") >= 8
    assert {min(p["criteria"], 6) for p in PERSONAS} >= {0, 1, 2, 3, 4, 5, 6}


@pytest.mark.parametrize("persona", PERSONAS, ids=[p["id"] for p in PERSONAS])
def test_persona_gets_the_level_a_clinician_would_give(persona, content):
    result = result_of(persona, content)
    detail = (f"{persona['who']}\n  expected {persona['expect']} with {persona['criteria']} criteria: {persona['why']}\n"
              f"  got {result.tier} (so far {result.tier_so_far}, criteria {result.criteria.met}: "
              f"{result.criteria.met_names}, clear: {[s.id for s in result.signs if s.clear]})\n  " + "\n  ".join(result.reasons))
    assert result.tier == persona["expect"], detail
    assert result.criteria.met == persona["criteria"], detail
    if "so_far" in persona:
        assert result.tier_so_far == persona["so_far"], detail
    if "urgency" in persona:
        assert result.urgency == persona["urgency"], detail

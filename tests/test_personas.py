"""The calibration table (tests/personas.yaml) as a test: each persona's answers must give the level
a careful clinician would give, for the reason written beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ketacheck import scoring, submission
from ketacheck.loader import Content
from ketacheck.model import ALL_TIERS, DONT_KNOW, Item

PERSONAS = yaml.safe_load((Path(__file__).parent / "personas.yaml").read_text(encoding="utf-8"))["personas"]
KEYS = {"id", "who", "audience", "prescribed", "region", "sex", "answers", "answer_rest", "answer_only",
        "expect", "so_far", "urgency", "why"}


def value_for(item: Item, label: str | list[str]):
    """An answer from the label(s) a person sees: first-person or loved-one wording, or Don't know."""
    if label == "Don't know":
        return DONT_KNOW
    labels = label if isinstance(label, list) else [label]
    values = []
    for text in labels:
        option = next((o for o in item.options if text in (o.label, o.label_other)), None)
        assert option is not None, f"{item.id}: no option labelled {text!r}"
        values.append(option.value)
    return sorted(values) if item.multiple else values[0]


def rest_value(item: Item, how: str):
    """The least concerning option ("lowest"), or the mildest concerning one ("lowest_nonzero")."""
    options = [o for o in item.options if not o.red_flag]
    if how == "lowest_nonzero" and any(o.level > 0 for o in options):
        option = min((o for o in options if o.level > 0), key=lambda o: o.level)
    else:
        option = min(options, key=lambda o: o.level)
    return [option.value] if item.multiple else option.value


def answers_of(persona: dict, content: Content) -> dict:
    audience, prescribed = persona["audience"], persona.get("prescribed", False)
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
    assert len(PERSONAS) >= 20
    assert len({p["id"] for p in PERSONAS}) == len(PERSONAS)
    for p in PERSONAS:
        assert set(p) <= KEYS, (p["id"], set(p) - KEYS)
        assert p["who"] and p["why"], p["id"]
        assert p["expect"] in ALL_TIERS, p["id"]
        assert ("so_far" in p) == (p["expect"] == "incomplete"), p["id"]
        assert ("urgency" in p) == (p["expect"] == "urgent"), p["id"]
    covered = {(p["audience"], p.get("prescribed", False)) for p in PERSONAS}
    assert {("self", False), ("self", True), ("other", False), ("intake", False), ("intake", True)} <= covered
    assert {p["expect"] for p in PERSONAS} == set(ALL_TIERS)


@pytest.mark.parametrize("persona", PERSONAS, ids=[p["id"] for p in PERSONAS])
def test_persona_gets_the_level_a_clinician_would_give(persona, content):
    result = result_of(persona, content)
    detail = (f"{persona['who']}\n  expected {persona['expect']}: {persona['why']}\n  got {result.tier} "
              f"(so far {result.tier_so_far}, {result.points} points, clear: "
              f"{[s.id for s in result.signs if s.clear]})\n  " + "\n  ".join(result.reasons))
    assert result.tier == persona["expect"], detail
    if "so_far" in persona:
        assert result.tier_so_far == persona["so_far"], detail
    if "urgency" in persona:
        assert result.urgency == persona["urgency"], detail

"""Properties that must hold for every possible set of answers (hypothesis)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketacheck import loader, scoring, submission
from ketacheck.model import ALL_TIERS, AUDIENCES, DONT_KNOW, SEXES, TIERS
from conftest import ASSESSMENTS

CONTENT = loader.load(ASSESSMENTS)
ITEMS = list(CONTENT.items.values())
REGIONS = list(CONTENT.regions)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FLAGGED = [(i, o) for i in ITEMS for o in i.options if o.red_flag]


@st.composite
def answer_for(draw, item, audience):
    """Any valid answer: an option; for multiple choice a subset (the exclusive option alone);
    "Don't know" where this audience is offered it."""
    if audience in CONTENT.dont_know.audiences and draw(st.integers(0, 9)) == 0:
        return DONT_KNOW
    if not item.multiple:
        return draw(st.sampled_from([o.value for o in item.options]))
    exclusive = [o.value for o in item.options if o.exclusive]
    if exclusive and draw(st.booleans()):
        return (exclusive[0],)
    others = [o.value for o in item.options if not o.exclusive]
    return tuple(sorted(draw(st.lists(st.sampled_from(others), min_size=1, unique=True))))


@st.composite
def submissions(draw):
    audience = draw(st.sampled_from(AUDIENCES))
    chosen = draw(st.lists(st.sampled_from(ITEMS), unique_by=lambda i: i.id, max_size=len(ITEMS)))
    return submission.Submission(
        audience=audience,
        region=draw(st.sampled_from(REGIONS)),
        prescribed=draw(st.booleans()),
        sex=draw(st.sampled_from(SEXES)),
        answers={i.id: draw(answer_for(i, audience)) for i in chosen},
    )


def with_answer(sub, item_id, value):
    return submission.Submission(**{**sub.__dict__, "answers": {**sub.answers, item_id: value}})


def rank(tier: str) -> int:
    return TIERS.index(tier)


@FAST
@given(submissions())
def test_scores_stay_in_range(sub):
    result = scoring.score(sub, CONTENT)
    assert result.tier in ALL_TIERS and result.tier_so_far in TIERS
    assert all(0 <= d.score <= 100 for d in result.domains.values())
    assert all(0 < s.strength <= 1 for s in result.signs)
    for inst in result.instruments.values():
        assert 0 <= inst.score <= inst.max
        assert inst.answered <= inst.asked
    assert 0 <= result.coverage.answered + result.coverage.unknown <= result.coverage.asked
    assert result.resources, "every result points to help"
    assert result.resources[0].resource.type == "emergency"


@FAST
@given(submissions(), st.sampled_from(FLAGGED))
def test_a_red_flag_always_means_urgent(sub, flagged):
    item, option = flagged
    result = scoring.score(with_answer(sub, item.id, (option.value,) if item.multiple else option.value), CONTENT)
    assert result.tier == "urgent" and result.urgency in ("emergency", "same_day")
    assert option.red_flag in [f.id for f in result.red_flags]
    assert all(f.contacts and f.message and f.steps for f in result.red_flags)
    assert [r.resource.type for r in result.resources[:1]] == ["emergency"]


@FAST
@given(submissions())
def test_incomplete_is_never_a_reassuring_level(sub):
    result = scoring.score(sub, CONTENT)
    if result.tier == "incomplete":
        assert result.coverage.missing or not result.coverage.enough
        words = " ".join([result.tier_label, result.tier_summary, result.tier_explanation])
        assert "Few warning signs" not in words and "few of the warning signs" not in words
    if result.tier == "low":
        assert result.coverage.enough and not result.coverage.missing


def raise_answer(item, answer, data):
    """A more concerning answer: a higher option, or more options on a multiple-choice item."""
    if item.multiple:
        others = [o.value for o in item.options if not o.exclusive]
        current = [] if answer == DONT_KNOW or any(item.option(v).exclusive for v in answer) else list(answer)
        extra = data.draw(st.lists(st.sampled_from(others), unique=True, min_size=1))
        return tuple(sorted(set(current) | set(extra)))
    level = item.option(answer).level
    return data.draw(st.sampled_from([o.value for o in item.options if o.level >= level]))


@FAST
@given(submissions(), st.sampled_from(ITEMS), st.data())
def test_more_concern_never_lowers_the_tier(sub, item, data):
    start = data.draw(answer_for(item, "self"))  # an option, never "Don't know"
    before = scoring.score(with_answer(sub, item.id, start), CONTENT)
    after = scoring.score(with_answer(sub, item.id, raise_answer(item, start, data)), CONTENT)
    assert rank(after.tier_so_far) >= rank(before.tier_so_far)
    assert after.criteria.met >= before.criteria.met
    if before.tier != "incomplete":
        assert after.tier != "incomplete" and rank(after.tier) >= rank(before.tier)


@FAST
@given(submissions(), st.sampled_from(ITEMS), st.data())
def test_answering_one_more_question_never_lowers_the_tier(sub, item, data):
    if item.id in sub.answers:
        return
    before = scoring.score(sub, CONTENT)
    after = scoring.score(with_answer(sub, item.id, data.draw(answer_for(item, "self"))), CONTENT)
    assert rank(after.tier_so_far) >= rank(before.tier_so_far)
    if before.tier != "incomplete":
        assert after.tier != "incomplete" and rank(after.tier) >= rank(before.tier)


@FAST
@given(submissions())
def test_tolerance_never_counts_toward_dsm5_k_when_solely_prescribed(sub):
    sub = submission.Submission(**{**sub.__dict__, "prescribed": True})
    result = scoring.score(sub, CONTENT)
    dsm = result.instruments.get("dsm5_k")
    if dsm is None:
        return
    if not any(s.id == "unsupervised_use" for s in result.signs):
        assert result.solely_prescribed and dsm.not_counted == ["dsm5_k.10"]
        rows = {n: row.state for row in result.criteria.rows for n in row.numbers}
        assert rows[10] == "not_counted"
        assert dsm.criteria_met == sum(1 for row in result.criteria.rows if row.state == "met")


@FAST
@given(submissions())
def test_result_survives_a_json_round_trip(sub):
    data = scoring.score(sub, CONTENT).to_dict()
    assert json.loads(json.dumps(data)) == data


# ------------------------------------------------------------------ malformed answer files

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
known_keys = st.sampled_from(["audience", "region", "prescribed", "sex", "answers", "schema_version"])
item_ids = st.sampled_from(list(CONTENT.items)) | st.text(max_size=15)


@st.composite
def answer_documents(draw):
    doc = draw(st.dictionaries(known_keys | st.text(max_size=10), json_values, max_size=6))
    if draw(st.booleans()):
        values = json_values | st.integers(-5, 13) | st.lists(st.integers(-1, 13), max_size=5) | st.just(DONT_KNOW)
        doc["answers"] = draw(st.dictionaries(item_ids, values, max_size=8))
    return doc


def check_clean(text: str | bytes) -> None:
    """Either a full result, or InputError with one non-empty line per problem — nothing else."""
    try:
        sub = submission.parse_text(text, CONTENT)
    except submission.InputError as exc:
        assert exc.problems and all(isinstance(p, str) and p and "\n" not in p for p in exc.problems)
        return
    assert scoring.score(sub, CONTENT).tier in ALL_TIERS


@settings(max_examples=400, deadline=None)
@given(answer_documents() | json_values)
def test_malformed_answer_documents_get_clean_errors(doc):
    check_clean(json.dumps(doc))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_arbitrary_bytes_get_clean_errors(blob):
    check_clean(blob)


def test_hostile_shapes_get_one_line_each():
    for text in ["[" * 100_000, '{"answers": {"crav.urges": ' + "9" * 5000 + "}}", "1e999", '"x"' * 10, ""]:
        check_clean(text)

"""Properties that must hold for every possible set of answers (hypothesis)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketacheck import loader, scoring, submission
from ketacheck.model import AUDIENCES, SEXES, TIERS
from conftest import ASSESSMENTS

CONTENT = loader.load(ASSESSMENTS)
ITEMS = list(CONTENT.items.values())
REGIONS = list(CONTENT.regions)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def submissions(draw):
    chosen = draw(st.lists(st.sampled_from(ITEMS), unique_by=lambda i: i.id, max_size=len(ITEMS)))
    answers = {i.id: draw(st.sampled_from([o.value for o in i.options])) for i in chosen}
    return submission.Submission(
        audience=draw(st.sampled_from(AUDIENCES)),
        region=draw(st.sampled_from(REGIONS)),
        prescribed=draw(st.booleans()),
        sex=draw(st.sampled_from(SEXES)),
        answers=answers,
    )


def rank(tier: str) -> int:
    return TIERS.index(tier)


@FAST
@given(submissions())
def test_scores_stay_in_range(sub):
    result = scoring.score(sub, CONTENT)
    assert result.tier in TIERS
    assert all(0 <= d.score <= 100 for d in result.domains.values())
    assert all(0 < s.strength <= 1 for s in result.signs)
    for inst in result.instruments.values():
        assert 0 <= inst.score <= inst.max
        assert inst.answered <= inst.asked
    assert result.resources, "every result points to help"
    assert result.resources[0].resource.type == "emergency"


@FAST
@given(submissions(), st.sampled_from([i for i in ITEMS if i.red_flag]))
def test_a_red_flag_always_means_urgent(sub, item):
    flagged = next(o.value for o in item.options if o.red_flag)
    result = scoring.score(submission.Submission(**{**sub.__dict__, "answers": {**sub.answers, item.id: flagged}}), CONTENT)
    assert result.tier == "urgent"
    assert item.red_flag in [f.id for f in result.red_flags]
    assert [r.resource.type for r in result.resources[:1]] == ["emergency"]


@FAST
@given(submissions(), st.sampled_from(ITEMS), st.data())
def test_more_concern_never_lowers_the_tier(sub, item, data):
    levels = sorted({o.level for o in item.options})
    low = data.draw(st.sampled_from(levels))
    high = data.draw(st.sampled_from([lv for lv in levels if lv >= low]))
    value_at = lambda lv: data.draw(st.sampled_from([o.value for o in item.options if o.level == lv]))  # noqa: E731
    before = scoring.score(submission.Submission(**{**sub.__dict__, "answers": {**sub.answers, item.id: value_at(low)}}), CONTENT)
    after = scoring.score(submission.Submission(**{**sub.__dict__, "answers": {**sub.answers, item.id: value_at(high)}}), CONTENT)
    assert rank(after.tier) >= rank(before.tier)
    assert after.points >= before.points


@FAST
@given(submissions(), st.sampled_from([i for i in ITEMS if i.id not in ()]))
def test_answering_one_more_question_never_lowers_the_tier(sub, item):
    if item.id in sub.answers:
        return
    before = scoring.score(sub, CONTENT)
    value = item.options[0].value
    worst = max(item.options, key=lambda o: o.level).value
    for v in (value, worst):
        after = scoring.score(submission.Submission(**{**sub.__dict__, "answers": {**sub.answers, item.id: v}}), CONTENT)
        assert rank(after.tier) >= rank(before.tier)


@FAST
@given(submissions())
def test_tolerance_never_counts_toward_dsm5_k_when_solely_prescribed(sub):
    sub = submission.Submission(**{**sub.__dict__, "prescribed": True})
    result = scoring.score(sub, CONTENT)
    dsm = result.instruments.get("dsm5_k")
    if dsm is None:
        return
    drift = any(s.id == "unsupervised_use" for s in result.signs)
    if not drift:
        assert result.solely_prescribed
        counted = sum(v for k, v in sub.answers.items() if k.startswith("dsm5_k.") and k != "dsm5_k.10")
        assert dsm.criteria_met == counted and dsm.not_counted == ["dsm5_k.10"]


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
        doc["answers"] = draw(st.dictionaries(item_ids, json_values | st.integers(-5, 10), max_size=8))
    return doc


def check_clean(text: str | bytes) -> None:
    """Either a full result, or InputError with one non-empty line per problem — nothing else."""
    try:
        sub = submission.parse_text(text, CONTENT)
    except submission.InputError as exc:
        assert exc.problems and all(isinstance(p, str) and p and "\n" not in p for p in exc.problems)
        return
    assert scoring.score(sub, CONTENT).tier in TIERS


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

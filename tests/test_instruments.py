"""Each instrument at its published boundaries (../shared/reference/clinical.md §2)."""

from __future__ import annotations

import pytest

from ketacheck.wording import instrument_verdict

from helpers import lowest, score, yes_to


def audit(content, q1, q2, q3, **context):
    return score(content, {"audit_c.1": q1, "audit_c.2": q2, "audit_c.3": q3}, **context).instruments["audit_c"]


@pytest.mark.parametrize(
    ("sex", "region", "below", "at"),
    [
        ("male", "US", 3, 4),
        ("female", "US", 2, 3),
        ("unspecified", "US", 2, 3),
        ("male", "UK", 4, 5),
        ("female", "UK", 4, 5),
        ("unspecified", "UK", 4, 5),
        ("female", "AU", 2, 3),
    ],
)
def test_audit_c_cutoff_by_sex_and_region(content, sex, region, below, at):
    # Q1 at 2 keeps Q2/Q3 asked; split the remaining points between Q2 and Q3.
    def answers_for(total):
        q2 = min(4, total - 2)
        return 2, q2, total - 2 - q2

    under = audit(content, *answers_for(below), sex=sex, region=region)
    over = audit(content, *answers_for(at), sex=sex, region=region)
    assert (under.score, under.positive, under.cutoff) == (below, False, at)
    assert (over.score, over.positive, over.cutoff) == (at, True, at)


def test_audit_c_range_and_completeness(content):
    full = audit(content, 4, 4, 4, sex="male")
    assert (full.score, full.max, full.complete, full.positive) == (12, 12, True, True)
    partial = score(content, {"audit_c.1": 3}).instruments["audit_c"]
    assert (partial.score, partial.complete, partial.answered, partial.asked) == (3, False, 1, 3)


def test_audit_c_never_drinks_skips_the_follow_ups(content):
    # Published skip logic: Q1 "Never" means Q2 and Q3 are not asked and add nothing.
    result = score(content, {"audit_c.1": 0, "audit_c.2": 4, "audit_c.3": 4})
    inst = result.instruments["audit_c"]
    assert (inst.score, inst.complete, inst.positive) == (0, True, False)
    assert result.ignored == ["audit_c.2", "audit_c.3"]


def test_audit_c_is_alcohol_advice_and_never_raises_the_ketamine_level(content):
    drinking = {"audit_c.1": 4, "audit_c.2": 0, "audit_c.3": 0}
    apart = score(content, {**lowest(content), **drinking}, sex="male")
    assert apart.instruments["audit_c"].positive and apart.tier == "low"
    together = score(content, {**lowest(content), **drinking, "mix.with": [1]}, sex="male")
    assert together.tier == "low"
    assert together.feedback[0].id == "mix_alcohol" and together.feedback[0].important


def _audit(content, score_parts, region, sex):
    answers = {**lowest(content), **dict(zip(("audit_c.1", "audit_c.2", "audit_c.3"), score_parts, strict=True))}
    return score(content, answers, region=region, sex=sex)


# (answers, region, sex, band): the NHS bands of the UK units version (0-4, 5-7, 8-10, 11-12) and,
# elsewhere, the sex-specific positive cut-off (4 for men, 3 for women or unspecified) then the same.
AUDIT_BANDS = [
    ((0, 0, 0), "UK", "male", "none"),
    ((1, 0, 0), "UK", "male", "lower"),
    ((2, 1, 1), "UK", "male", "lower"),  # 4
    ((2, 2, 1), "UK", "female", "increasing"),  # 5
    ((3, 2, 2), "UK", "male", "increasing"),  # 7
    ((3, 3, 2), "UK", "male", "higher"),  # 8
    ((4, 3, 3), "UK", "male", "higher"),  # 10
    ((4, 4, 3), "UK", "male", "possible_dependence"),  # 11
    ((2, 0, 1), "US", "female", "increasing"),  # 3: positive for women
    ((2, 0, 1), "US", "male", "lower"),  # 3: below the men's cut-off of 4
    ((2, 1, 1), "US", "male", "increasing"),  # 4
    ((2, 0, 1), "US", "unspecified", "increasing"),  # 3
    ((4, 2, 2), "US", "male", "higher"),  # 8
    ((4, 4, 4), "US", "female", "possible_dependence"),  # 12
]


@pytest.mark.parametrize(("parts", "region", "sex", "band"), AUDIT_BANDS)
def test_every_audit_c_score_has_a_band_with_its_advice_and_sources(content, parts, region, sex, band):
    result = _audit(content, parts, region, sex)
    audit = result.instruments["audit_c"]
    assert (audit.score, audit.band) == (sum(parts), band)
    lines = {f.id: f for f in result.feedback}
    if band == "none":
        assert "audit_c_band" not in lines  # a non-drinker is not given drinking advice
        return
    line = lines["audit_c_band"]
    assert line.text == audit.band_advice and line.because == ["audit_c.1", "audit_c.2", "audit_c.3"]
    assert {s["id"] for s in line.source} >= {"ref_nhs_nca_audit_c"}
    assert audit.band_label in instrument_verdict(content, audit)


@pytest.mark.parametrize(("parts", "withdrawal"), [
    ((3, 3, 2), True),   # 8: higher risk
    ((4, 4, 3), True),   # 11: possible dependence
    ((4, 0, 0), True),   # 4: but drinking 4 or more days a week
    ((3, 2, 2), False),  # 7: increasing risk, 2-3 days a week
    ((1, 0, 0), False),
])
def test_heavy_or_near_daily_drinking_is_told_plainly_not_to_stop_suddenly(content, parts, withdrawal):
    result = _audit(content, parts, "UK", "male")
    line = next((f for f in result.feedback if f.id == "audit_c_withdrawal"), None)
    assert (line is not None) == withdrawal
    if line:
        assert line.important and "do not stop suddenly without medical advice" in line.text
        assert "fits" in line.text and "999" in line.text  # the region's emergency number
        assert {s["id"] for s in line.source} == {"ref_drinkaware_withdrawal", "ref_alcohol_change_withdrawal"}
        assert result.feedback[0].important  # warnings come first


def test_audit_c_asks_the_published_loinc_questions(content):
    texts = [i.text.self_ for i in content.instruments["audit_c"].items]
    assert texts == [
        "How often do you have a drink containing alcohol?",
        "How many standard drinks containing alcohol do you have on a typical day?",
        "How often do you have 6 or more drinks on 1 occasion?",
    ]


@pytest.mark.parametrize("answers", [[0, 0, 0, 0, 0], [3, 3, 3, 3, 3], [1, 0, 2, 0, 3], [2, 2, 0, 1, 1]])
def test_sds_sums_items(content, answers):
    result = score(content, {f"sds.{n + 1}": v for n, v in enumerate(answers)})
    sds = result.instruments["sds"]
    assert (sds.score, sds.max, sds.complete) == (sum(answers), 15, True)
    # No validated ketamine cut-off: no verdict, only other-drug reference cut-offs shown as such.
    assert sds.cutoff is None and sds.positive is None
    assert sds.reference_cutoffs and all("not ketamine" in c["population"] for c in sds.reference_cutoffs)
    assert "No cut-off has been validated for ketamine" in sds.validation["statement"]
    assert sds.validation["status"] == "based_on"  # our English is a paraphrase; only the Chinese SDS was validated


def test_sds_incomplete_and_no_tier_lift(content):
    result = score(content, {**lowest(content), "sds.1": 3, "sds.2": 3, "sds.3": 3})
    assert result.instruments["sds"].complete is False
    assert result.tier == "low"  # the SDS alone never raises the level (no ketamine cut-off)


@pytest.mark.parametrize(
    ("met", "severity", "tier"),
    [(0, "none", "low"), (1, "none", "low"), (2, "mild", "some"), (3, "mild", "some"),
     (4, "moderate", "high"), (5, "moderate", "high"), (6, "severe", "high"), (10, "severe", "high")],
)
def test_dsm5_k_severity_bands(content, met, severity, tier):
    # Items 1..met answered yes; the rest no (answered directly, as a file from elsewhere may).
    result = score(content, {**lowest(content), **yes_to(content, "dsm5_k", list(range(1, met + 1)))})
    dsm = result.instruments["dsm5_k"]
    assert (dsm.criteria_met, dsm.severity, dsm.complete, dsm.max) == (met, severity, True, 10)
    assert result.tier == tier


def test_dsm5_k_has_ten_criteria_and_no_withdrawal(content):
    items = content.instruments["dsm5_k"].items
    assert [i.id for i in items] == [f"dsm5_k.{n}" for n in range(1, 11)]
    assert not any("withdraw" in i.text.self_.lower() for i in items)


def test_tolerance_not_counted_when_solely_prescribed(content):
    answers = yes_to(content, "dsm5_k", [4, 10])  # craving + tolerance
    prescribed = score(content, answers, prescribed=True).instruments["dsm5_k"]
    assert (prescribed.criteria_met, prescribed.severity, prescribed.not_counted) == (1, "none", ["dsm5_k.10"])
    not_prescribed = score(content, answers, prescribed=False).instruments["dsm5_k"]
    assert (not_prescribed.criteria_met, not_prescribed.severity) == (2, "mild")


def test_partial_checklist_counts_are_a_floor_and_say_so(content):
    dsm = score(content, {"dsm5_k.1": 1, "dsm5_k.2": 1}).instruments["dsm5_k"]
    assert (dsm.criteria_met, dsm.severity, dsm.complete, dsm.answered) == (2, "mild", False, 2)
    assert instrument_verdict(content, dsm).startswith("At least 2 of 10 criteria met (8 not answered yet)")
    one = score(content, {"dsm5_k.3": 1}).instruments["dsm5_k"]
    assert instrument_verdict(content, one).startswith("At least 1 of 10 criteria met")  # never "1 criteria"


def test_tolerance_counts_again_when_use_drifts_from_the_plan(content):
    answers = {**yes_to(content, "dsm5_k", [4, 10]), "rx.beyond_plan": [4]}
    result = score(content, answers, prescribed=True)
    assert result.solely_prescribed is False
    assert result.instruments["dsm5_k"].criteria_met == 2

"""The shipped content keeps the promises users rely on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ketacheck.model import REFERRAL_TYPES, SIGN_IDS
from conftest import ASSESSMENTS, ROOT

SEEDS = ROOT.parent / "shared" / "seeds"


def test_all_fourteen_signs_are_defined(content):
    assert set(content.signs) == set(SIGN_IDS)


def test_every_sign_cites_a_seed_document_that_exists(content):
    for sign in content.signs.values():
        seeds = [content.sources[s] for s in sign.sources if content.sources[s].kind == "seed"]
        assert seeds, f"{sign.id} cites no seed document"
        for seed in seeds:
            assert seed.title and seed.publisher
            if SEEDS.is_dir():  # shared/ sits beside the project in every checkout and in CI
                assert (SEEDS / seed.file).is_file(), seed.file


@pytest.mark.parametrize("region", ["US", "UK", "IE", "CA", "AU", "NZ", "HK", "TW", "ES", "MX", "INTL"])
def test_every_region_has_emergency_crisis_and_referral(content, region):
    types = [r.type for r in content.regions[region].resources]
    assert "emergency" in types and "crisis" in types
    assert set(types) & set(REFERRAL_TYPES)
    for res in content.regions[region].resources:
        assert res.verified and res.source and res.checked_against and res.languages


@pytest.mark.parametrize(("region", "number"), [("US", "911"), ("CA", "911"), ("UK", "999"), ("AU", "000"), ("NZ", "111"),
                                                 ("HK", "999"), ("TW", "119"), ("ES", "112"), ("MX", "911")])
def test_emergency_numbers(content, region, number):
    assert number in [r.phone for r in content.regions[region].resources if r.type == "emergency"]


def test_ireland_emergency_mentions_both_numbers(content):
    ie = [r for r in content.regions["IE"].resources if r.type == "emergency"]
    assert any("112" in (r.phone or "") for r in ie) and any("999" in (r.phone or "") + r.description for r in ie)


def test_instruments_state_their_validation_status(content):
    status = {i.id: i.validation.status for i in content.instruments.values()}
    # Only the AUDIT-C is asked in its published wording; the SDS English is our paraphrase.
    assert status == {"audit_c": "validated", "sds": "based_on", "dsm5_k": "based_on"}
    sds = content.instruments["sds"].validation.statement
    assert "Chinese version" in sds and "80 people" in sds and "Hong Kong" in sds and "not been validated" in sds
    assert "not been validated" in content.instruments["dsm5_k"].validation.statement
    assert "published wording" in content.instruments["audit_c"].validation.statement


PLACEHOLDERS = re.compile(r"not (yet )?(confirmed|checked|verified)|unverified", re.I)


def test_people_never_see_placeholders_in_help(content):
    for region in content.regions.values():
        for res in region.resources:
            shown = " ".join(filter(None, [res.hours, res.cost, res.description, res.what_happens, res.checked_against]))
            assert not PLACEHOLDERS.search(shown), (res.id, shown)


def test_psychological_dependence_and_withdrawal_are_explained_with_sources(content):
    sign = content.signs["between_use_distress"]
    assert "psychological dependence" in sign.name.lower()
    assert "withdrawal" in sign.meaning.lower()
    cited = {content.sources[s].publisher for s in sign.sources}
    assert "MSD Manual" in cited and sum(content.sources[s].kind == "seed" for s in sign.sources) >= 3
    withdrawal = content.items["harm.withdrawal"]
    assert withdrawal.multiple and withdrawal.signs == ["between_use_distress"]


def test_every_item_option_has_a_level_and_bears_on_something(content):
    for item in content.items.values():
        assert all(o.level >= 0 for o in item.options)
        if item.domain != "context" and item.id not in content.instrument_of:
            # A harm-reduction question (using alone) bears on a feedback line instead of a sign.
            feedback = any(c.item == item.id for line in content.feedback.feedback for c in line.when)
            assert item.signs or item.red_flags or feedback, item.id


def test_prescribed_flow_asks_about_drift_from_the_plan(content):
    drift = content.items["rx.beyond_plan"]
    assert drift in content.core("self", True) and drift.multiple
    labels = " ".join(o.label for o in drift.options).lower()
    for words in ("extra dose", "more at a time", "between treatment sessions", "not prescribed", "kept"):
        assert words in labels
    assert all("unsupervised_use" in drift.option_signs(o) for o in drift.options if o.level)


def test_other_wording_speaks_about_them_not_you(content):
    for item in content.flow("other", False) + content.flow("other", True):
        text, labels = item.wording("other")
        assert re.search(r"\b(they|their|them)\b", text, re.I), item.id
        for label in labels:  # never "I tried, and could not" about someone else ("I am worried about them" is fine)
            if re.search(r"\b(I|me|my)\b", label):
                assert re.search(r"\b(they|their|them)\b", label), (item.id, label)


# "Eur Addict Res" is a journal name in citations, not a word about people.
STIGMA = re.compile(r"\b(abuser|junkie|addicts?(?! Res)|clean and sober|dirty urine|drug abuse)\b", re.I)


def test_no_stigmatising_words_in_content():
    for path in Path(ASSESSMENTS).glob("*.yaml"):
        hits = STIGMA.findall(path.read_text(encoding="utf-8"))
        assert not hits, f"{path.name}: {hits}"


def test_a_flow_handed_out_cannot_change_the_next_one(content):
    # Flows are worked out once per context and cached; callers get their own list.
    first = content.flow("self", False)
    expected = [i.id for i in first]
    first.clear()
    assert [i.id for i in content.flow("self", False)] == expected
    assert [i.id for i in content.flow("self", True)] != expected  # context still matters

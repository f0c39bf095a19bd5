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


@pytest.mark.parametrize("region", ["US", "UK", "IE", "CA", "AU", "NZ", "INTL"])
def test_every_region_has_emergency_crisis_and_referral(content, region):
    types = [r.type for r in content.regions[region].resources]
    assert "emergency" in types and "crisis" in types
    assert set(types) & set(REFERRAL_TYPES)
    for res in content.regions[region].resources:
        assert res.verified and res.source and res.hours and res.cost and res.languages


@pytest.mark.parametrize(("region", "number"), [("US", "911"), ("CA", "911"), ("UK", "999"), ("AU", "000"), ("NZ", "111")])
def test_emergency_numbers(content, region, number):
    assert number in [r.phone for r in content.regions[region].resources if r.type == "emergency"]


def test_ireland_emergency_mentions_both_numbers(content):
    ie = [r for r in content.regions["IE"].resources if r.type == "emergency"]
    assert any("112" in (r.phone or "") for r in ie) and any("999" in (r.phone or "") + r.description for r in ie)


def test_instruments_state_their_validation_status(content):
    status = {i.id: i.validation.status for i in content.instruments.values()}
    assert status == {"audit_c": "validated", "sds": "validated", "dsm5_k": "based_on"}
    assert "Hong Kong" in content.instruments["sds"].validation.statement
    assert "not been validated" in content.instruments["dsm5_k"].validation.statement


def test_every_item_option_has_a_level_and_bears_on_something(content):
    for item in content.items.values():
        assert all(o.level >= 0 for o in item.options)
        if item.domain != "context" and item.id not in content.instrument_of:
            assert item.signs or item.red_flag, item.id


def test_prescribed_flow_asks_about_drift_from_the_plan(content):
    ids = {i.id for i in content.flow("self", True)}
    assert {"rx.extra_doses", "rx.other_sources", "rx.between_sessions", "rx.hiding"} <= ids
    assert all("unsupervised_use" in content.items[i].signs for i in ("rx.extra_doses", "rx.other_sources", "rx.hiding"))


def test_other_wording_speaks_about_them_not_you(content):
    for item in content.flow("other", False):
        text = item.text.other or ""
        assert re.search(r"\b(they|their|them)\b", text, re.I), item.id


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

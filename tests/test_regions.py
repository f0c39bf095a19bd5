"""The four regions added for issue 22 (Hong Kong, Taiwan, Spain, Mexico) and every region's legal
note: the numbers people will ring, where each was read, and what a red flag shows there."""

from __future__ import annotations

import re

import pytest

from ketacheck import referral
from ketacheck.model import AUDIENCES, REFERRAL_TYPES
from ketacheck.web import offline_page

from helpers import score

# region: (emergency number, crisis line numbers) as a person there would dial them
NEW = {
    "HK": ("999", {"18111", "2896 0000", "2389 2222"}),
    "TW": ("119", {"1925", "1995"}),
    "ES": ("112", {"024"}),
    "MX": ("911", {"800 911 2000"}),
}
# Numbers the reference says must not ship (replaced, or seen only in weak sources).
NEVER = {"0800-788-995", "900 16 15 15", "900 161 515", "(02) 2871-7121", "2871-7121", "91 562 04 20",
         "55 5212 1212", "55 4555 1212"}


def flag_answers(content, audience):
    for item in content.flow(audience, False) + content.flow(audience, True):
        for option in item.options:
            if option.red_flag:
                yield item, option, {item.id: [option.value] if item.multiple else option.value}


@pytest.mark.parametrize("region", list(NEW))
def test_new_region_has_its_emergency_and_crisis_numbers_with_sources_and_dates(content, region):
    emergency, crisis = NEW[region]
    resources = content.regions[region].resources
    assert [r.phone for r in resources if r.type == "emergency"] == [emergency]
    assert {r.phone for r in resources if r.type == "crisis"} == crisis
    assert {r.type for r in resources} & set(REFERRAL_TYPES)
    for res in resources:
        assert res.source.strip() and res.checked_against.strip() and res.languages
        assert str(res.verified) == "2026-12-03", res.id  # the day these were read (not a live check)
        assert res.sms is None, res.id  # regions.md §2: no SMS route found for any of these lines


def test_numbers_the_reference_rules_out_are_not_shipped(content):
    shown = [" ".join(filter(None, [r.phone, r.description, r.what_happens, r.url]))
             for region in content.regions.values() for r in region.resources]
    for number in NEVER:
        assert not any(number in s for s in shown), number
    # Mexico's national line is listed once, not once per type.
    assert [r.phone for r in content.regions["MX"].resources].count("800 911 2000") == 1


def test_hong_kong_lines_say_what_they_are_and_messaging_is_not_called_texting(content):
    hk = {r.id: r for r in content.regions["HK"].resources}
    assert hk["hk_186186"].phone == "186 186" and "98 186 186" in hk["hk_186186"].description
    assert "WhatsApp" in hk["hk_186186"].description and hk["hk_186186"].sms is None
    assert hk["hk_186186"].url.startswith("https://crosscentre.tungwahcsd.org/")  # the operator, shown as a website
    assert "Cantonese" in hk["hk_18111"].languages
    assert hk["hk_treatment_services"].url == "https://www.nd.gov.hk/en/6.html"
    assert "family" in hk["hk_cdc"].description.lower()


@pytest.mark.parametrize(("locale", "region"), [
    ("zh-HK", "HK"), ("zh-Hant-HK", "HK"), ("yue-HK", "HK"), ("en-HK", "HK"), ("zh-TW", "TW"), ("zh-Hant-TW", "TW"),
    ("es-ES", "ES"), ("ca-ES", "ES"), ("es-MX", "MX"), ("es-US", "US"),
    ("zh", "INTL"), ("es", "INTL"), ("zh-Hant", "INTL"),  # bare languages: no guess at a country
])
def test_browser_locale_picks_the_region(content, locale, region):
    assert content.region_for_locale(locale) == region


@pytest.mark.parametrize("region", list(NEW))
@pytest.mark.parametrize("audience", AUDIENCES)
def test_each_red_flag_shows_the_regions_emergency_and_crisis_numbers(content, region, audience):
    emergency, crisis = NEW[region]
    top = {r.phone for r in referral.emergency_contacts(content, region)}  # the panel a red flag opens
    assert emergency in top and crisis <= top
    seen = 0
    for item, option, answers in flag_answers(content, audience):
        result = score(content, answers, audience=audience, region=region)
        flag = result.red_flags[0]
        assert flag.id == option.red_flag
        phones = [c.phone for c in flag.contacts]
        assert emergency in phones, (flag.id, phones)  # first for an emergency, last for same-day
        if flag.urgency == "emergency":
            assert phones[0] == emergency
        words = " ".join([flag.message, *flag.steps])
        assert "{" not in words
        if "{emergency}" in content.red_flags[flag.id].advice(flag.when).message.get(audience):
            assert emergency in flag.message
        if "crisis" in content.red_flags[flag.id].advice(flag.when).contacts:
            assert crisis <= set(phones), (flag.id, phones)
        shown = [h.resource.phone for h in result.resources if h.group == "crisis"]
        assert shown[0] == emergency and crisis <= set(shown)
        seen += 1
    assert seen >= 10


@pytest.mark.parametrize("region", list(NEW))
def test_offline_card_lists_the_new_regions_numbers(content, region):
    html = offline_page.render(content)
    emergency, crisis = NEW[region]
    section = html.split(f'id="{region}"', 1)[1].split("</section>", 1)[0]
    for number in {emergency, *crisis}:
        assert f'tel:{re.sub(r"[^0-9+]", "", number)}' in section, number


# ---------------------------------------------------------------- legal notes


def test_every_region_has_a_plain_legal_note(content):
    for region in content.regions.values():
        note = region.legal_note
        assert 80 < len(note) < 500, region.id
        assert not re.search(r"unverified|not (yet )?confirmed", note, re.I), region.id


@pytest.mark.parametrize(("region", "words"), [
    ("HK", ["criminal offence", "Dangerous Drugs Ordinance", "18111"]),
    ("TW", ["Class 3", "NT$10,000", "5 grams", "0800-770-885"]),
    ("ES", ["not a crime", "Ley Orgánica 4/2015", "€601", "024"]),
    ("MX", ["General Health Law", "do not assume"]),
    ("CA", ["Good Samaritan Drug Overdose Act"]),
])
def test_legal_notes_say_what_the_sources_say(content, region, words):
    for w in words:
        assert w in content.regions[region].legal_note, (region, w)


@pytest.mark.parametrize("region", ["HK", "TW", "MX"])
def test_no_note_promises_protection_the_law_does_not_give(content, region):
    # regions.md: protection for people who seek help is UNVERIFIED in HK and MX, and for ketamine in TW.
    note = content.regions[region].legal_note.lower()
    for promise in ("protect", "immun", "will not be prosecuted", "won't be prosecuted", "no criminal record"):
        assert promise not in note, (region, promise)


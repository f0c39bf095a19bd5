"""Charts show what the result says, read at 360 px, and come with a text equivalent."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from conftest import ASSESSMENTS
from helpers import at_level, lowest, score, top, yes_to
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketacheck import charts, loader
from ketacheck.model import SEXES

CONTENT = loader.load(ASSESSMENTS)
ITEMS = list(CONTENT.items.values())


def questionnaire_items(content, domain=None):
    return [
        i
        for i in content.items
        if i not in content.instrument_of and (domain is None or content.items[i].domain == domain)
    ]


@pytest.fixture()
def busy(content):
    """Many warning signs, every questionnaire partly or fully answered."""
    answers = {i: top(content, i) for i in questionnaire_items(content) if not content.items[i].red_flags}
    answers.update(yes_to(content, "dsm5_k", [1, 2, 4, 5]))
    answers.update({"sds.1": 2, "sds.2": 1, "sds.3": 3})
    answers.update({"audit_c.1": at_level(content, "audit_c.1", 2)})
    return score(content, answers)


def bars(fig: go.Figure, name: str) -> go.Bar:
    return next(t for t in fig.data if t.name == name)


def annotation_texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def vlines(fig: go.Figure, dash: str | None = None) -> list[float]:
    return sorted(
        s.x0 for s in fig.layout.shapes if s.type == "line" and s.x0 == s.x1 and (dash is None or s.line.dash == dash)
    )


def no_http(fig: go.Figure) -> bool:
    return "http" not in json.dumps(fig.to_dict())


# ---------------------------------------------------------------- domains


def test_domain_chart_has_one_bar_per_scored_domain_with_its_score(content, busy):
    chart = charts.domain_profile(busy, content)
    trace = bars(chart.figure, "domains")
    shown = dict(zip(trace.y, trace.x))
    assert len(trace.y) == len(busy.domains)
    assert shown == {d.label: d.score for d in busy.domains.values()}
    lo, hi = chart.figure.layout.xaxis.range
    assert lo == 0 and 100 <= hi <= 105, "the 0-100 scale, with room for the last tick label"
    assert list(chart.figure.layout.xaxis.tickvals)[::3] == [0, 100]
    assert chart.id == "domains"


def test_domain_bands_are_shaded_and_named_from_the_content(content, busy):
    fig = charts.domain_profile(busy, content).figure
    bands = content.tiers.domain_bands
    rects = sorted((s.x0, s.x1) for s in fig.layout.shapes if s.type == "rect")
    assert rects == [(0, bands.some_at), (bands.some_at, bands.high_at), (bands.high_at, 100)]


def test_domain_bars_carry_numbers_never_a_verdict_that_reads_as_a_level(content, busy):
    """An area's words must never read as a level: an incomplete check is never "low"."""
    fig = charts.domain_profile(busy, content).figure
    texts = annotation_texts(fig)
    for d in busy.domains.values():
        assert (f"{d.label}: {d.score} of 100" if d.answered else f"{d.label}: not answered") in texts
    words = " ".join(texts + [charts.domain_profile(busy, content).text])
    assert not {"low", "some", "high"} & set(words.replace(",", " ").replace(".", " ").split())


def test_domain_text_names_every_domain_and_its_score(content, busy):
    text = charts.domain_profile(busy, content).text
    for d in busy.domains.values():
        assert d.label in text
        if d.answered:
            assert f"{d.label} {d.score}" in text


def test_unanswered_domains_are_not_reported_as_low(content):
    item = questionnaire_items(content, "cravings")[0]
    result = score(content, {item: top(content, item)})
    text = charts.domain_profile(result, content).text
    assert "Cravings" in text and "Not answered:" in text
    unanswered = [d.label for d in result.domains.values() if not d.answered]
    assert unanswered and all(f"{label} 0" not in text for label in unanswered)


# ---------------------------------------------------------------- the criteria the level rests on


def test_criteria_chart_shows_the_count_the_level_rests_on_in_its_bands(content, busy):
    chart = charts.criteria_chart(busy, content)
    (trace,) = chart.figure.data
    assert list(trace.x) == [busy.criteria.met] and chart.id == "criteria"
    assert tuple(chart.figure.layout.xaxis.range) == (0, 10)
    bands = content.instruments["dsm5_k"].bands
    assert len([s for s in chart.figure.layout.shapes if s.type == "rect"]) == len(bands)
    # The chart and its text say the same whole number, with the band's words.
    assert f"Criteria met: {busy.criteria.met} of 10" in annotation_texts(chart.figure)[-1]
    assert chart.text.startswith(f"{busy.criteria.met} of the 10 DSM-5-based criteria met")
    assert busy.criteria.meaning in chart.text and "may point to" in chart.text
    for name in busy.criteria.met_names:
        assert name in chart.text


def test_criteria_chart_says_which_are_met_not_met_and_not_known_yet(content):
    result = score(content, {**lowest(content), "crav.urges": 3})
    text = charts.criteria_chart(result, content).text
    assert "Met: Cravings." in text and "Not met:" in text and "Not known yet:" in text
    assert "so far" in text  # three criteria are only in the checklist: the count is a floor


def test_tolerance_under_medical_supervision_is_shown_as_not_counted(content):
    result = score(content, {**lowest(content, prescribed=True), "tol.dose_weaker": 3}, prescribed=True)
    text = charts.criteria_chart(result, content).text
    assert "Not counted (used only as prescribed): Tolerance." in text and result.criteria.met == 0


def test_empty_result_gives_valid_figures(content):
    result = score(content, {})
    out = charts.all_charts(result, content)
    assert [c.id for c in out] == ["criteria", "domains"]
    assert "0 of the 10 DSM-5-based criteria met, so far" in out[0].text
    for chart in out:
        go.Figure(chart.figure.to_dict())  # round-trips as a valid figure
        assert chart.text and no_http(chart.figure)


# ---------------------------------------------------------------- instruments


def test_instrument_charts_only_for_instruments_in_the_result(content):
    result = score(content, {"audit_c.1": 0})
    ids = [c.id for c in charts.all_charts(result, content)]
    assert ids == ["criteria", "domains", "instrument:audit_c"]


def test_instrument_score_and_scale_match_the_result(content, busy):
    assert set(busy.instruments) == set(content.instruments)
    for inst in busy.instruments.values():  # the checklist has a chart of its own too (criteria_chart)
        chart = charts.instrument_scale(inst, content)
        (trace,) = chart.figure.data
        assert list(trace.x) == [inst.score]
        assert tuple(chart.figure.layout.xaxis.range) == (0, inst.max)
        assert chart.id == f"instrument:{inst.id}"
        assert f"{inst.score} out of {inst.max}" in chart.text


@pytest.mark.parametrize("sex", SEXES)
@pytest.mark.parametrize("region", ["US", "UK"])
def test_audit_c_risk_bands_start_at_the_cutoff_and_say_the_verdict(content, sex, region):
    answers = {f"audit_c.{n}": 2 for n in (1, 2, 3)}
    inst = score(content, answers, sex=sex, region=region).instruments["audit_c"]
    chart = charts.instrument_scale(inst, content)
    rects = sorted((s.x0, s.x1) for s in chart.figure.layout.shapes if s.type == "rect")
    # none (0), lower risk, increasing from this region's and sex's cut-off, higher from 8, possible dependence from 11
    assert rects == [(0, 0.5), (0.5, inst.cutoff - 0.5), (inst.cutoff - 0.5, 7.5), (7.5, 10.5), (10.5, inst.max)]
    assert {"lower risk", "increasing risk", "higher risk", "possible dependence"} <= set(annotation_texts(chart.figure))
    verdict = "at or above the cut-off" if inst.positive else "below the cut-off"
    assert f"{verdict} of {inst.cutoff}" in chart.text and f"Band: {inst.band_label}." in chart.text


def test_dsm5_bands_come_from_the_content(content):
    inst = score(content, yes_to(content, "dsm5_k", [1, 2, 3, 4])).instruments["dsm5_k"]
    chart = charts.instrument_scale(inst, content)
    bands = content.instruments["dsm5_k"].bands
    assert [a for a in annotation_texts(chart.figure) if a in {b.id for b in bands}] == [b.id for b in bands]
    assert len([s for s in chart.figure.layout.shapes if s.type == "rect"]) == len(bands)
    assert inst.severity == "moderate" and inst.severity_label in chart.text


def test_sds_shows_other_drug_cutoffs_and_says_there_is_no_ketamine_cutoff(content):
    inst = score(content, {"sds.1": 2, "sds.2": 2, "sds.3": 1}).instruments["sds"]
    assert inst.reference_cutoffs
    chart = charts.instrument_scale(inst, content)
    assert vlines(chart.figure, dash="dash") == sorted(r["at"] for r in inst.reference_cutoffs)
    assert not [s for s in chart.figure.layout.shapes if s.type == "rect"], "no bands: no validated verdict"
    for r in inst.reference_cutoffs:
        assert f"other drugs: {r['at']}" in annotation_texts(chart.figure)
    assert "no validated ketamine cut-off" in chart.text.lower()
    assert "3 of 5 answered" in chart.text


def test_complete_instruments_do_not_say_how_many_were_answered(content):
    inst = score(content, {f"sds.{n}": 1 for n in range(1, 6)}).instruments["sds"]
    assert inst.complete
    assert "answered" not in charts.instrument_scale(inst, content).text


# ---------------------------------------------------------------- layout and wording


def test_every_chart_fits_a_phone_and_hides_the_legend(content, busy):
    for chart in charts.all_charts(busy, content):
        layout = chart.figure.layout
        assert layout.autosize is True and layout.showlegend is False
        assert (layout.margin.l, layout.margin.r, layout.margin.t, layout.margin.b) == (8, 8, 40, 8)
        assert layout.font.size == 14
        bars_shown = sum(len(t.y) for t in chart.figure.data)
        assert layout.height <= 80 + 40 * max(bars_shown, 2)
        # Category names are drawn as annotations above bars, never as tick labels that could be cut off.
        assert layout.yaxis.showticklabels is False
        rows = list(layout.yaxis.categoryarray)
        above = {a.y: a.text for a in layout.annotations if a.yref == "y"}
        for trace in chart.figure.data:
            for category in trace.y:
                assert above[rows.index(category)].startswith(category + ":"), "each bar's label sits on its row"


def test_wording_is_person_first(content, busy):
    for chart in charts.all_charts(busy, content):
        words = (chart.title + " " + chart.text + " " + " ".join(annotation_texts(chart.figure))).lower()
        assert "addict" not in words and "abuse" not in words


# ---------------------------------------------------------------- any answers


@st.composite
def answer_sets(draw):
    chosen = draw(st.lists(st.sampled_from(ITEMS), unique_by=lambda i: i.id, max_size=len(ITEMS)))
    answers = {}
    for i in chosen:
        values = [o.value for o in i.options if not o.exclusive]
        answers[i.id] = draw(st.lists(st.sampled_from(values), min_size=1, unique=True)) if i.multiple \
            else draw(st.sampled_from([o.value for o in i.options]))
    context = {
        "region": draw(st.sampled_from(list(CONTENT.regions))),
        "prescribed": draw(st.booleans()),
        "sex": draw(st.sampled_from(SEXES)),
    }
    return answers, context


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets())
def test_any_answers_give_charts_with_text_and_no_remote_resources(case):
    answers, context = case
    result = score(CONTENT, answers, **context)
    out = charts.all_charts(result, CONTENT)
    assert [c.id for c in out] == ["criteria", "domains", *[f"instrument:{i}" for i in result.instruments if i != "dsm5_k"]]
    for chart in out:
        assert chart.text.strip() and chart.title
        assert no_http(chart.figure)
        for trace in chart.figure.data:
            lo, hi = chart.figure.layout.xaxis.range
            assert all(lo <= x <= hi for x in trace.x)

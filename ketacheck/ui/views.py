"""Rendering of the engine's result and of help, shared by the result, help and clinician pages.

Everything shown comes from the `Result` and the content; user input is never rendered as HTML
(`st.markdown` escapes HTML unless told otherwise, and we never tell it otherwise).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ketacheck import charts, referral, scoring
from ketacheck.loader import Content
from ketacheck.model import Resource
from ketacheck.referral import HelpItem

NOT_A_DIAGNOSIS = (
    "**This is not a diagnosis.** It is a check against warning signs and standard questionnaires. "
    "Only a clinician who talks with you can diagnose anything."
)
STATUS_WORDS = {
    "validated": "Validated questionnaire",
    "based_on": "Based on a published standard, not validated in this form",
    "derived": "Warning-sign check from our source documents, not validated",
}


def tier_heading(result: scoring.Result) -> None:
    st.header(result.tier_label, anchor=False)
    st.markdown(result.tier_summary)
    st.markdown(NOT_A_DIAGNOSIS)


def why(result: scoring.Result, content: Content) -> None:
    st.subheader("Why am I seeing this?", anchor=False)
    st.markdown("\n".join(f"- {reason}" for reason in result.reasons))
    with st.expander("How the level is worked out"):
        st.markdown(scoring.explain_rule(content))


def signs(result: scoring.Result, content: Content) -> None:
    st.subheader("Warning signs in your answers", anchor=False)
    if not result.signs:
        st.markdown("None of the warning signs we ask about showed in your answers.")
        return
    audience = result.audience
    for match in result.signs:
        sign = content.signs[match.id]
        extra = " (a risk factor: shown, not counted)" if match.risk_factor else f" · {match.points:g} points"
        with st.expander(f"{match.name}: strength {round(match.strength * 100)}%{extra}"):
            st.markdown(sign.meaning)
            st.markdown(f"*Why it matters:* {sign.why_it_matters}")
            st.markdown("**Answers that showed it**")
            for trig in match.triggers:
                text, _ = content.items[trig.item].wording(audience, result.region)
                st.markdown(f"- {text} — **{trig.answer}**")
            st.caption("Source: " + "; ".join(f"{s['title']} ({s['publisher']})" for s in match.sources))


def instruments(result: scoring.Result, content: Content) -> None:
    if not result.instruments:
        return
    st.subheader("Standard questionnaires", anchor=False)
    for inst in result.instruments.values():
        st.markdown(f"**{inst.name}** — {STATUS_WORDS[inst.validation['status']]}")
        st.markdown(instrument_verdict(inst))
        st.caption(inst.validation["statement"])
        if not inst.complete:
            st.caption(f"Answered {inst.answered} of {inst.asked} questions, so the score may be low.")


def instrument_verdict(inst: scoring.InstrumentScore) -> str:
    if inst.cutoff is not None:
        side = "at or above" if inst.positive else "below"
        return f"Score {inst.score} of {inst.max}: {side} the cut-off of {inst.cutoff}."
    if inst.severity is not None:
        return f"{inst.criteria_met} of {inst.max} criteria met: {inst.severity_label}."
    others = "; ".join(f"{c['at']} for {c['population']}" for c in inst.reference_cutoffs)
    return f"Score {inst.score} of {inst.max}. No cut-off is validated for ketamine (cut-offs used for other drugs: {others})."


def chart_section(result: scoring.Result, content: Content) -> None:
    st.subheader("Your answers in pictures", anchor=False)
    for chart in charts.all_charts(result, content):
        st.markdown(f"**{chart.title}**")
        st.plotly_chart(chart.figure, config={"displayModeBar": False, "responsive": True}, key=f"chart_{chart.id}")
        st.caption(chart.text)


def resource_card(item: HelpItem | Resource, key: str) -> None:
    res = item.resource if isinstance(item, HelpItem) else item
    with st.container(border=True):
        st.markdown(f"**{res.name}**")
        st.markdown(res.description)
        if res.phone:
            st.link_button(f"Call {res.phone}", referral.tel_link(res.phone), width="stretch", key=f"{key}_tel")
        if res.sms:
            body = f" with the word {res.sms.body}" if res.sms.body else ""
            st.link_button(f"Text {res.sms.number}{body}", referral.sms_link(res.sms.number, res.sms.body),
                           width="stretch", key=f"{key}_sms")
        if res.url:
            st.link_button("Open website", res.url, width="stretch", key=f"{key}_url")
        st.caption(f"Hours: {res.hours} · Cost: {res.cost} · Languages: {', '.join(res.languages)}")
        st.caption(f"What happens: {res.what_happens}")
        st.caption(f"Checked {res.verified.isoformat()} against {res.source}")


def help_lists(result: scoring.Result, content: Content) -> None:
    """Crisis contacts and referral lines, visibly separate."""
    plan = content.tiers.help[result.tier]
    crisis = [h for h in result.resources if h.group == "crisis"]
    support = [h for h in result.resources if h.group == "referral"]
    st.subheader("If you need help now", anchor=False)
    st.caption("Emergency, crisis and poison lines: for danger, despair or a bad reaction, at any hour.")
    for h in crisis:
        resource_card(h, key=f"crisis_{h.resource.id}")
    st.subheader(plan.heading, anchor=False)
    st.markdown(plan.intro)
    for h in support:
        resource_card(h, key=f"support_{h.resource.id}")


def education(content: Content, section_ids: list[str], audience: str, expanded: bool = False) -> None:
    sections = {s.id: s for s in content.education.sections}
    for sid in section_ids:
        section = sections[sid]
        if audience not in section.audiences:
            continue
        with st.expander(section.title, expanded=expanded):
            st.markdown(section.body)
            st.caption("Sources: " + "; ".join(
                f"{content.sources[s].title} ({content.sources[s].publisher})" for s in section.sources))


def clinician_table(result: scoring.Result, content: Content, answers: dict[str, int]) -> None:
    rows = []
    for item in content.flow(result.audience, result.prescribed):
        if item.id not in answers:
            continue
        text, labels = item.wording(result.audience, result.region)
        index = [o.value for o in item.options].index(answers[item.id])
        rows.append({
            "Item": item.id,
            "Question": text,
            "Answer": labels[index],
            "Level": f"{item.options[index].level}/{item.max_level}",
            "Flag": "RED FLAG" if item.options[index].red_flag else "",
            "Scored": "no (hidden by an earlier answer)" if item.id in result.ignored else "yes",
        })
    st.table(pd.DataFrame(rows))

"""Rendering of the engine's result and of help, shared by the result, help and clinician pages.

Everything shown comes from the `Result` and the content; user input is never rendered as HTML
(`st.markdown` escapes HTML unless told otherwise, and we never tell it otherwise).
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st

from ketacheck import charts, export, referral, scoring
from ketacheck.loader import Content
from ketacheck.model import Resource
from ketacheck.referral import HelpItem
from ketacheck.submission import InputError, Submission
from ketacheck.wording import NOT_A_DIAGNOSIS, STATUS_WORDS, instrument_verdict


def tier_heading(result: scoring.Result) -> None:
    st.title(result.tier_label, anchor=False)
    st.markdown(result.tier_summary)
    first, rest = NOT_A_DIAGNOSIS.split(". ", 1)
    st.markdown(f"**{first}.** {rest}")


def why(result: scoring.Result, content: Content) -> None:
    st.header("Why am I seeing this?", anchor=False)
    st.markdown("\n".join(f"- {reason}" for reason in result.reasons))
    with st.expander("How the level is worked out"):
        st.markdown(scoring.explain_rule(content))


def signs(result: scoring.Result, content: Content) -> None:
    st.header("Warning signs in your answers", anchor=False)
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
    st.header("Standard questionnaires", anchor=False)
    for inst in result.instruments.values():
        st.markdown(f"**{inst.name}** — {STATUS_WORDS[inst.validation['status']]}")
        st.markdown(instrument_verdict(inst))
        st.caption(inst.validation["statement"])
        if not inst.complete:
            st.caption(f"Answered {inst.answered} of {inst.asked} questions, so the score may be low.")


def chart_section(result: scoring.Result, content: Content) -> None:
    st.header("Your answers in pictures", anchor=False)
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
    st.header("If you need help now", anchor=False)
    st.caption("Emergency, crisis and poison lines: for danger, despair or a bad reaction, at any hour.")
    for h in crisis:
        resource_card(h, key=f"crisis_{h.resource.id}")
    st.header(plan.heading, anchor=False)
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


def downloads(sub: Submission, result: scoring.Result, content: Content) -> None:
    """Files are made only when a button is pressed, on this device's request; nothing is kept."""
    st.header("Take it with you", anchor=False)
    st.caption("To show a doctor or counsellor. Made when you press a button; KetaCheck keeps no copy. "
               "The file names say nothing about you.")
    today = dt.date.today()
    files = [
        ("Printable summary (PDF)", "pdf", "application/pdf", lambda: export.summary_pdf(sub, result, content, today)),
        ("Printable summary (web page)", "html", "text/html", lambda: export.summary_html(sub, result, content, today)),
        ("Answers for KetaCheck (JSON)", "json", "application/json",
         lambda: json.dumps(export.to_json(sub, result, content, today), indent=2, ensure_ascii=False)),
        ("Answers for health records (FHIR)", "fhir.json", "application/fhir+json",
         lambda: json.dumps(export.fhir_questionnaire_response(sub, result, content, today), indent=2, ensure_ascii=False)),
    ]
    for label, ext, mime, make in files:
        st.download_button(label, data=make, file_name=f"ketacheck.{ext}", mime=mime, on_click="ignore",
                           width="stretch", key=f"download_{ext}")


def read_import(data: bytes, content: Content) -> Submission | None:
    """An uploaded file, checked before anything is shown; problems as plain text, never markup."""
    try:
        return export.load_import(data, content)
    except InputError as exc:
        st.error("This file cannot be read. Nothing from it is shown.")
        for problem in exc.problems:
            st.text(problem)
        return None


def clinician_summary(sub: Submission, result: scoring.Result, content: Content) -> None:
    st.markdown(f"**Level:** {result.tier_label} · **Context:** {'prescribed' if result.prescribed else 'not prescribed'}, "
                f"region {result.region} · **Answered:** {result.answered} items")
    plan = content.tiers.help[result.tier]
    st.markdown(f"**Suggested next step:** {plan.heading}. {plan.intro}")
    if result.red_flags:
        st.error("Red flags: " + "; ".join(f.name for f in result.red_flags))
    st.markdown("\n".join(f"- {reason}" for reason in result.reasons))
    instruments(result, content)
    if result.signs:
        st.header("Warning signs", anchor=False)
        st.markdown("\n".join(f"- {s.name}: strength {round(s.strength * 100)}% ({', '.join(s.because)})" for s in result.signs))
    st.header("Every answer", anchor=False)
    clinician_table(result, content, sub.answers)


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

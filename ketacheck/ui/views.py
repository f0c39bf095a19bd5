"""Rendering of the engine's result and of help, shared by the result, help, family and clinician
pages.

Everything shown comes from the `Result` and the content; user input is never rendered as HTML
(`st.markdown` escapes HTML unless told otherwise, and we never tell it otherwise).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import streamlit as st

from ketacheck import charts, export, referral, scoring
from ketacheck.loader import Content
from ketacheck.model import DONT_KNOW, Resource
from ketacheck.referral import HelpItem
from ketacheck.submission import InputError, Submission
from ketacheck.ui import state as app_state
from ketacheck.wording import NOT_A_DIAGNOSIS, STATUS_WORDS, coverage_line, instrument_verdict, resource_facts


# ---------------------------------------------------------------- the first result


def tier_heading(result: scoring.Result) -> None:
    """The level in words, what it is based on, and that it is not a diagnosis."""
    st.title(result.tier_label, anchor=False)
    st.markdown(result.tier_summary)
    st.markdown(coverage_line(result.coverage))
    first, rest = NOT_A_DIAGNOSIS.split(". ", 1)
    st.caption(f"{first}. {rest}")


def missing(result: scoring.Result, state: dict[str, Any], content: Content) -> None:
    """For an incomplete result: what is missing, and one tap to the first unanswered question."""
    if result.tier != "incomplete":
        return
    labels = ", ".join(label.lower() for label in result.coverage.missing_labels)
    if labels:
        st.markdown(f"**Not answered yet:** {labels}.")
    if result.tier_so_far in ("some", "high"):
        so_far = next(t.label for t in content.tiers.tiers if t.id == result.tier_so_far).lower()
        st.markdown(f"What was answered already shows **{so_far}**.")
    first = app_state.first_unanswered_core(state, content)
    if first and st.button("Answer the missing questions", type="primary", width="stretch", key="to_missing"):
        app_state.go_to(state, first)
        st.switch_page("pages/check.py")


def next_steps(result: scoring.Result, state: dict[str, Any], content: Content) -> None:
    """What to do next for this level, audience and context: the level's explanation, a next step
    sized to it, harm answers that need a doctor, and for prescribed patients what to raise."""
    st.header("What to do next", anchor=False)
    st.markdown(result.tier_explanation)
    for line in result.see_a_doctor:
        st.warning(line, icon=":material/stethoscope:")
    for line in result.advice:
        st.info(line, icon=":material/local_bar:")
    if result.prescribed and result.tier not in ("low", "incomplete"):
        raise_with_prescriber(result, content)
    step = _first_referral(result)
    if step is not None and result.tier in ("some", "high", "incomplete"):
        _call_button(step, key="next_step", primary=True)
    if result.audience == "other":
        if st.button("How to talk with them, and support for you", type="primary" if step is None else "secondary",
                     width="stretch", key="to_family"):
            st.switch_page("pages/family.py")
    if st.button("See all help for this result", width="stretch", key="to_help"):
        st.switch_page("pages/help.py")


def raise_with_prescriber(result: scoring.Result, content: Content) -> None:
    rows = scoring.to_raise(result, content)
    if not rows:
        return
    who = "their" if result.audience == "other" else "your"
    st.subheader(f"To raise with {who} prescriber", anchor=False)
    st.markdown("\n".join(f"- {question} **{answer}**" for question, answer in rows))


def _first_referral(result: scoring.Result) -> Resource | None:
    return next((h.resource for h in result.resources if h.group == "referral" and (h.resource.phone or h.resource.url)),
                None)


def _call_button(res: Resource, key: str, primary: bool = False) -> None:
    kind = "primary" if primary else "secondary"
    if res.phone:
        st.link_button(f"Call {res.name}: {res.phone}", referral.tel_link(res.phone), type=kind, width="stretch", key=key)
    elif res.url:
        st.link_button(f"Open {res.name}", res.url, type=kind, width="stretch", key=key)


def modules_offer(state: dict[str, Any], content: Content) -> None:
    """Deeper modules after the first result, each with its length and what it adds; answering one
    brings the person back here with the result updated."""
    audience, prescribed = app_state.context(state)
    offered = content.modules_for(audience, prescribed)
    if not offered:
        return
    st.header("Go deeper", anchor=False)
    st.caption("Optional. Each adds to the result above; nothing is lost if you stop.")
    for module in offered:
        answered, asked, done = app_state.module_progress(state, content, module.id)
        with st.container(border=True):
            st.markdown(f"**{module.title}** · {asked} question{'s' if asked != 1 else ''}, "
                        f"about {content.minutes(asked)} minute{'s' if content.minutes(asked) != 1 else ''}")
            st.caption(module.adds)
            if done:
                st.markdown("Done: included in the result above.")
                continue
            label = f"Continue ({answered} answered)" if answered else f"Answer these {asked} questions"
            if st.button(label, width="stretch", key=f"module_{module.id}"):
                app_state.add_module(state, content, module.id)
                st.switch_page("pages/check.py")


# ---------------------------------------------------------------- why, signs, questionnaires, charts


def why(result: scoring.Result, content: Content) -> None:
    st.header("Why am I seeing this?", anchor=False)
    st.markdown("\n".join(f"- {reason}" for reason in result.reasons))
    with st.expander("How the level is worked out"):
        st.markdown(scoring.explain_rule(content))


def signs(result: scoring.Result, content: Content) -> None:
    st.header("Warning signs in the answers", anchor=False)
    if not result.signs:
        st.markdown("None of the warning signs we ask about showed in the answers so far.")
        return
    for match in result.signs:
        sign = content.signs[match.id]
        extra = " (a risk factor: shown, not counted)" if match.risk_factor else f" · {scoring.points_for_people(match.points)} points"
        with st.expander(f"{match.name}: strength {round(match.strength * 100)}%{extra}"):
            st.markdown(sign.meaning)
            st.markdown(f"*Why it matters:* {sign.why_it_matters}")
            st.markdown("**Answers that showed it**")
            for item_id, answers in scoring.grouped_triggers(match):
                text, _ = content.items[item_id].wording(result.audience, result.region)
                st.markdown(f"- {text} — **{answers}**")
            st.caption("Source: " + "; ".join(f"{s['title']} ({s['publisher']})" for s in match.sources))


def instruments(result: scoring.Result, content: Content) -> None:
    if not result.instruments:
        return
    st.header("Standard questionnaires", anchor=False)
    for inst in result.instruments.values():
        st.markdown(f"**{inst.name}** — {STATUS_WORDS[inst.validation['status']]}")
        st.markdown(instrument_verdict(inst))
        st.caption(inst.validation["statement"])
        if inst.from_core:
            numbers = ", ".join(i.rsplit(".", 1)[1] for i in inst.from_core)
            st.caption(f"Criteria {numbers} come from the core questions that ask the same thing.")
        if not inst.complete and inst.severity is None:
            st.caption(f"Answered {inst.answered} of {inst.asked} questions, so the score may be low.")


def chart_section(result: scoring.Result, content: Content) -> None:
    st.header("The answers in pictures", anchor=False)
    for chart in charts.all_charts(result, content):
        # One figure: /assist.js names the drawing by the title and describes it with the text.
        with st.container(key=f"figure_{chart.id}"):
            st.markdown(f"**{chart.title}**")
            st.plotly_chart(chart.figure, config={"displayModeBar": False, "responsive": True},
                            key=f"chart_{chart.id}")
            st.caption(chart.text)


# ---------------------------------------------------------------- help


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
        if res.what_happens:
            st.caption(f"What happens: {res.what_happens}")
        st.caption(f"Languages: {', '.join(res.languages)}. {resource_facts(res)}")


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


# ---------------------------------------------------------------- files


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


# ---------------------------------------------------------------- clinician


def clinician_summary(sub: Submission, result: scoring.Result, content: Content) -> None:
    st.markdown(f"**Level:** {result.tier_label} · **Context:** {'prescribed' if result.prescribed else 'not prescribed'}, "
                f"region {result.region}")
    st.markdown(coverage_line(result.coverage))
    plan = content.tiers.help[result.tier]
    st.markdown(f"**Suggested next step:** {plan.heading}. {plan.intro}")
    if result.red_flags:
        st.error("Red flags: " + "; ".join(f"{f.name} ({'now' if f.when == 'now' else 'past 4 weeks'}, "
                                          f"{f.urgency.replace('_', '-')})" for f in result.red_flags))
    for line in result.see_a_doctor + result.advice:
        st.markdown(f"- {line}")
    st.markdown("\n".join(f"- {reason}" for reason in result.reasons))
    instruments(result, content)
    if result.signs:
        st.header("Warning signs", anchor=False)
        st.markdown("\n".join(f"- {s.name}: strength {round(s.strength * 100)}% ({', '.join(s.because)})"
                              for s in result.signs))
    st.header("Every answer", anchor=False)
    answer_rows(result, content, sub.answers)


def answer_rows(result: scoring.Result, content: Content, answers: dict[str, Any]) -> None:
    """Every answer as a stacked row: fits a 320 px screen with nothing cut off, and reads in order
    with a screen reader (a wide table would scroll sideways or clip its last columns)."""
    flow = content.flow(result.audience, result.prescribed)
    shown = [i for i in flow if i.id in answers]
    with st.container(key="answer_rows"):
        for n, item in enumerate(shown, start=1):
            text, labels = item.wording(result.audience, result.region)
            answer = answers[item.id]
            if answer == DONT_KNOW:
                said, level, flag = content.dont_know.label, "not counted", ""
            else:
                chosen = item.chosen(answer)
                said = "; ".join(labels[item.options.index(o)] for o in chosen)
                top = item.level_of(answer)
                level = f"level {top} of {item.max_level}"
                flags = [content.red_flags[o.red_flag].name for o in chosen if o.red_flag]
                flag = f" · **RED FLAG: {'; '.join(flags)}**" if flags else ""
            hidden = " · not scored (hidden by an earlier answer)" if item.id in result.ignored else ""
            st.markdown(f"**{n}. {text}**  \n{said} · {level}{flag}{hidden}  \n`{item.id}`")

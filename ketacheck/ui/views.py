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
from ketacheck.submission import InputError, Submission, translated
from ketacheck.ui import state as app_state
from ketacheck.ui.i18n import _
from ketacheck.ui.switch import switch_page
from ketacheck.wording import basis_line, check_length, first_sentence, instrument_verdict, not_a_diagnosis, resource_facts, status_words


# ---------------------------------------------------------------- the first result


def tier_heading(result: scoring.Result, content: Content) -> None:
    """The level in words, what it rests on, and that it is not a diagnosis: the first screen."""
    with st.container(key="result_level"):
        st.title(result.tier_label, anchor=False)
        # One element, not three: every element of the result page is paid on each visit.
        st.markdown(f"{result.tier_summary}\n\n**{basis_line(content, result)}**\n\n"
                    f"{small(first_sentence(not_a_diagnosis(content)))}")


def small(text: str) -> str:
    """Small text inside a markdown element, styled as a caption (static/chrome.css). Brackets are
    escaped: one source's title is "[Ketamine dependence: a review]", and an unmatched one would
    end the small text early."""
    return ":small[" + text.replace("[", "\\[").replace("]", "\\]") + "]"


def missing(result: scoring.Result, state: dict[str, Any], content: Content) -> None:
    """For an incomplete result: every open question (safety first), what the answers so far show,
    and one tap to the first of them. Never a level, never reassurance."""
    if result.tier != "incomplete":
        return
    if result.tier_so_far in ("some", "high"):
        st.markdown(_("What was answered already shows **{level}**.").format(level=scoring.tier_label(content, result.tier_so_far).lower()))
    if app_state.first_unanswered_core(state, content):  # a tap is acted on in `leave_if_tapped`
        st.button(_("Answer the missing questions"), type="primary", width="stretch", key="to_missing")
    with st.expander(_("Not answered yet ({n}), never counted as \"no\"").format(n=len(result.coverage.missing_items))):
        st.markdown("\n".join(f"- {m.text}" + (f" ({content.dont_know.label})" if m.dont_know else "")
                               for m in result.coverage.missing_items))


LEAVING = {"to_help": "pages/help.py", "to_family": "pages/family.py", "to_clinician": "pages/clinician.py"}


def leave_if_tapped(state: dict[str, Any], content: Content) -> None:
    """A tap on a result-page button that leaves the page (more help, the page for a loved one, the
    clinician summary, the missing questions, a deeper module) opens where it leads before the
    result is drawn again: the run the tap starts would otherwise draw the whole result, the app's
    costliest page, only to drop it. The result page calls this before its chrome and its scoring;
    the buttons are drawn as usual, and a button's value is true only in the run its own tap starts."""
    if not state["answers"]:
        return
    for key, path in LEAVING.items():
        if st.session_state.get(key):
            switch_page(path)
    if st.session_state.get("to_missing"):
        first = app_state.first_unanswered_core(state, content)
        if first:
            app_state.go_to(state, first)
        switch_page("pages/check.py")
    audience, prescribed = app_state.context(state)
    for module in content.modules_for(audience, prescribed):
        if st.session_state.get(f"module_{module.id}"):
            app_state.add_module(state, content, module.id)
            switch_page("pages/check.py")


def first_step(result: scoring.Result, state: dict[str, Any], content: Content) -> None:
    """Right under the level: the most urgent line of feedback, the advice of the level, and the one
    thing to do first (a call, or for a loved one the page on how to talk with them)."""
    important = [f for f in result.feedback if f.important]
    if important:
        _feedback_line(important[0], key="first")
    if result.tier != "urgent":
        st.markdown(result.tier_explanation)
    step = _first_referral(result)
    if step is not None and result.tier in ("some", "high", "incomplete"):
        _call_button(step, key="next_step", primary=True)
    if result.audience == "other" and not result.in_danger_now:
        st.button(_("How to talk with them, and support for you"), type="primary" if step is None else "secondary",
                  width="stretch", key="to_family")


def _feedback_line(line, key: str) -> None:
    source = _("Source: {sources}").format(sources=_("; ").join(f"{s['title']} ({s['publisher']})" for s in line.source))
    if not (line.important or line.doctor):
        st.markdown(f"{line.text}\n\n{small(source)}")  # one element: most lines are plain
        return
    with st.container(key=f"feedback_{key}_{line.id}"):
        if line.important:
            st.warning(line.text, icon=":material/warning:")
        else:
            st.info(line.text, icon=":material/stethoscope:")
        st.caption(source)


SHOWN_FEEDBACK = 3  # lines in view after the first; the rest one tap away (the page stays short)
MENU_OPEN = "_menu_open"  # whether the menu of options was open in the last run (see `menu`)


def feedback(result: scoring.Result, state: dict[str, Any], content: Content) -> None:
    """FRAMES: feedback on the person's own answers, whose choice it is, a menu of options with an
    optional plan, and that change is common and treatment works."""
    lines = [f for f in result.feedback]
    important = [f for f in lines if f.important]
    rest = [f for f in lines if f is not (important[0] if important else None)]
    if rest:
        st.header(_("About your answers"), anchor=False)
        for line in rest[:SHOWN_FEEDBACK]:
            _feedback_line(line, key="shown")
        more = folded(_("More about your answers ({n})").format(n=len(rest) - SHOWN_FEEDBACK), "more_feedback") \
            if rest[SHOWN_FEEDBACK:] else None
        if more is not None:
            with more:
                for line in rest[SHOWN_FEEDBACK:]:
                    _feedback_line(line, key="more")
    frames = content.feedback.frames
    audience = result.audience
    st.markdown(frames.responsibility.for_audience(audience) or frames.responsibility.self_)
    menu(result, state, content)
    st.caption(frames.self_efficacy.text.for_audience(audience) or frames.self_efficacy.text.self_)


def menu(result: scoring.Result, state: dict[str, Any], content: Content) -> None:
    """The menu of options, and up to two of them as the person's own plan (kept in this session and
    tab only; it goes into the printout and the answer file)."""
    spec = content.feedback.menu
    audience = result.audience
    options = spec.for_audience(audience)
    emergency = scoring.emergency_number(content, result.region)
    chosen = [o for o in state["plan"] if o in {x.id for x in options}]
    title = spec.title.for_audience(audience) or spec.title.self_
    label = f"{title}" + (f" · {spec.plan_title}: {len(chosen)}" if chosen else "")
    # Folded, its options are not drawn (with "More about your answers", a fifth of the result
    # page's server time). Its label counts the plan, and Streamlit takes a new label for a new
    # expander, closed unless told: so it starts open while it was open, and a tick keeps it open.
    box = folded(label, "menu_section", expanded=bool(chosen) or st.session_state.get(MENU_OPEN, False))
    st.session_state[MENU_OPEN] = box is not None
    if box is None:
        return
    with box:
        st.caption(spec.intro.for_audience(audience) or spec.intro.self_)
        st.caption(spec.plan_intro.for_audience(audience) or spec.plan_intro.self_)
        with st.container(key="plan"):
            for option in options:
                on = option.id in chosen
                detail = option.detail.format(emergency=emergency)
                st.checkbox(_("**{label}**. {detail}").format(label=option.label, detail=detail), value=on,
                            key=f"plan_{option.id}", disabled=not on and len(chosen) >= spec.max_plan,
                            on_change=_toggle_plan, args=(state, option.id, spec.max_plan))


def _toggle_plan(state: dict[str, Any], option_id: str, most: int) -> None:
    plan = [o for o in state["plan"] if o != option_id]
    if option_id not in state["plan"] and len(plan) < most:
        plan.append(option_id)
    state["plan"] = plan


def next_steps(result: scoring.Result, state: dict[str, Any], content: Content) -> None:
    """After the feedback: for prescribed patients what to raise, and all help one tap away."""
    if result.prescribed and result.tier not in ("low", "incomplete"):
        raise_with_prescriber(result, content)
    st.button(_("See all help for this result"), width="stretch", key="to_help")


def raise_with_prescriber(result: scoring.Result, content: Content) -> None:
    rows = scoring.to_raise(result, content)
    if not rows:
        return
    title = _("To raise with their prescriber ({n})") if result.audience == "other" else _("To raise with your prescriber ({n})")
    with st.expander(title.format(n=len(rows)), expanded=True):
        st.markdown("\n".join(f"- {question} **{answer}**" for question, answer in rows))


def _first_referral(result: scoring.Result) -> Resource | None:
    return next((h.resource for h in result.resources if h.group == "referral" and (h.resource.phone or h.resource.url)),
                None)


def _call_button(res: Resource, key: str, primary: bool = False) -> None:
    kind = "primary" if primary else "secondary"
    if res.phone:
        st.link_button(_("Call {name}: {number}").format(name=res.name, number=res.phone), referral.tel_link(res.phone), type=kind, width="stretch", key=key)
    elif res.url:
        st.link_button(_("Open {name}").format(name=res.name), res.url, type=kind, width="stretch", key=key)


def modules_offer(state: dict[str, Any], content: Content) -> None:
    """Deeper modules after the first result, one compact button each with its length and what it
    adds; answering one brings the person back here with the result updated."""
    audience, prescribed = app_state.context(state)
    offered = content.modules_for(audience, prescribed)
    if not offered:
        return
    st.header(_("Go deeper"), anchor=False)
    st.caption(_("Optional. Each adds to the result above; nothing is lost if you stop."))
    finished = []
    for module in offered:
        answered, asked, done = app_state.module_progress(state, content, module.id)
        if done:
            finished.append(_("**{module}**: done, included above.").format(module=module.title))
            continue
        length = check_length(content, asked, content.minutes(asked))
        label = _("{module}: continue ({n} of {total} answered)").format(module=module.title, n=answered, total=asked) \
            if answered else f"{module.title} · {length}"
        st.button(label, width="stretch", key=f"module_{module.id}", help=module.adds)
    if finished:  # the ones done as one list, under the ones left to do (one element, not one each)
        st.markdown("\n".join(f"- {line}" for line in finished))


# ---------------------------------------------------------------- why, signs, questionnaires, charts


def why(result: scoring.Result, content: Content) -> None:
    box = folded(_("Why am I seeing this?"), "why_section")
    if box is not None:
        with box:
            st.markdown("\n".join(f"- {reason}" for reason in result.reasons))
            st.caption(scoring.explain_rule(content))


def folded(label: str, key: str, expanded: bool = False) -> Any:
    """A folded section drawn only while it is open (a tap on its title runs the page again).
    Most people never open them, and the result page ran them on every visit: the signs alone
    were 40% of its server time (benchmarks/RESULTS.md). None while closed."""
    box = st.expander(label, expanded=expanded, key=key, on_change="rerun")
    return box if box.open else None


def signs(result: scoring.Result, content: Content) -> None:
    box = folded(_("Warning signs in the answers ({n})").format(n=len(result.signs)), "signs_section")
    if box is None:
        return
    with box:
        if not result.signs:
            st.markdown(_("None of the warning signs we ask about showed in the answers so far."))
        for match in result.signs:
            sign = content.signs[match.id]
            extra = " " + _("(a risk factor: shown, not counted)") if match.risk_factor else ""
            st.markdown(_("**{sign}**: strength {percent}%").format(sign=match.name, percent=round(match.strength * 100)) + extra)
            st.markdown(_("{meaning} *Why it matters:* {why}").format(meaning=sign.meaning, why=sign.why_it_matters))
            for item_id, answers in scoring.grouped_triggers(match):
                text, _labels = content.items[item_id].wording(result.audience, result.region)
                st.markdown(f"- {text} — **{answers}**")
            st.caption(_("Source: {sources}").format(sources=_("; ").join(f"{s['title']} ({s['publisher']})" for s in match.sources)))


def instruments(result: scoring.Result, content: Content, fold: bool = True) -> None:
    if not result.instruments:
        return
    box = folded(_("Standard questionnaires ({n})").format(n=len(result.instruments)), "instruments_section") \
        if fold else st.container()
    if box is not None:
        with box:
            _instrument_rows(result, content)


def _instrument_rows(result: scoring.Result, content: Content) -> None:
    for inst in result.instruments.values():
        st.markdown(f"**{inst.name}** — {status_words(content, inst)}")
        st.markdown(instrument_verdict(content, inst))
        st.caption(inst.validation["statement"])
        if inst.from_core:
            numbers = ", ".join(i.rsplit(".", 1)[1] for i in inst.from_core)
            st.caption(_("Criteria {numbers} come from the core questions that ask the same thing.").format(numbers=numbers))
        if not inst.complete and inst.severity is None:
            st.caption(_("Answered {n} of {total} questions, so the score may be low.").format(n=inst.answered, total=inst.asked))


def chart_section(result: scoring.Result, content: Content) -> None:
    # Four plotly figures were about half the result page's server time on every visit.
    box = folded(_("The answers in pictures"), "pictures")
    if box is not None:
        with box:
            _charts(result, content)


def _charts(result: scoring.Result, content: Content) -> None:
    for chart in charts.all_charts(result, content):
        # One figure: /assist.js names the drawing by the title and describes it with the text.
        with st.container(key=f"figure_{chart.id}"):
            st.markdown(f"**{chart.title}**")
            st.plotly_chart(chart.figure, config={"displayModeBar": False, "responsive": True},
                            key=f"chart_{chart.id}")
            st.caption(chart.text)


# ---------------------------------------------------------------- help


def resource_card(item: HelpItem | Resource, key: str, content: Content) -> None:
    res = item.resource if isinstance(item, HelpItem) else item
    with st.container(border=True):
        st.markdown(f"**{res.name}**")
        st.markdown(res.description)
        if res.phone:
            st.link_button(_("Call {number}").format(number=res.phone), referral.tel_link(res.phone), width="stretch", key=f"{key}_tel")
        if res.sms:
            text = (_("Text {number} with the word {keyword}") if res.sms.keyword else _("Text {number}")).format(
                number=res.sms.number, keyword=res.sms.keyword)
            st.link_button(text, referral.sms_link(res.sms.number, res.sms.keyword),
                           width="stretch", key=f"{key}_sms")
        if res.url:
            st.link_button(_("Open website"), res.url, width="stretch", key=f"{key}_url")
        if res.what_happens:
            st.caption(_("What happens: {what}").format(what=res.what_happens))
        st.caption(_("Languages: {languages}.").format(languages=", ".join(res.languages)) + f" {resource_facts(content, res)}")


def help_lists(result: scoring.Result, content: Content) -> None:
    """Crisis contacts and referral lines, visibly separate."""
    crisis = [h for h in result.resources if h.group == "crisis"]
    support = [h for h in result.resources if h.group == "referral"]
    st.header(_("If you need help now"), anchor=False)
    st.caption(_("Emergency, crisis and poison lines: for danger, despair or a bad reaction, at any hour."))
    for h in crisis:
        resource_card(h, key=f"crisis_{h.resource.id}", content=content)
    st.header(result.help_heading, anchor=False)
    st.markdown(result.help_intro)
    for h in support:
        resource_card(h, key=f"support_{h.resource.id}", content=content)


def legal_note(content: Content, region_id: str) -> None:
    """What the law and the services say in this region, in plain words (never a promise)."""
    region = content.regions[region_id]
    with st.container(border=True, key="legal_note"):
        st.markdown(_("**The law and confidentiality: {region}**").format(region=region.name))
        st.markdown(region.legal_note)


def education(content: Content, section_ids: list[str], audience: str, expanded: bool = False) -> None:
    sections = {s.id: s for s in content.education.sections}
    for sid in section_ids:
        section = sections[sid]
        if audience not in section.audiences:
            continue
        with st.expander(section.title, expanded=expanded):
            st.markdown(section.body)
            st.caption(_("Sources: {sources}").format(sources=_("; ").join(
                f"{content.sources[s].title} ({content.sources[s].publisher})" for s in section.sources)))


# ---------------------------------------------------------------- files


def downloads(sub: Submission, result: scoring.Result, content: Content) -> None:
    """Files are made only when a button is pressed, on this device's request; nothing is kept."""
    box = folded(_("Take it with you: printout and files"), "files_section")
    if box is not None:
        with box:
            _download_buttons(sub, result, content)


def _download_buttons(sub: Submission, result: scoring.Result, content: Content) -> None:
    st.caption(_("To show a doctor or counsellor. Made when you press a button; KetaCheck keeps no copy. "
                 "The file names say nothing about you."))
    today = dt.date.today()
    files = [
        (_("Printable summary (PDF)"), "pdf", "application/pdf", lambda: export.summary_pdf(sub, result, content, today)),
        (_("Printable summary (web page)"), "html", "text/html", lambda: export.summary_html(sub, result, content, today)),
        (_("Answers for KetaCheck (JSON)"), "json", "application/json",
         lambda: json.dumps(export.to_json(sub, result, content, today), indent=2, ensure_ascii=False)),
        (_("One row for a spreadsheet (CSV)"), "csv", "text/csv",
         lambda: export.summary_csv(sub, result, content, today)),
        (_("Answers for health records (FHIR)"), "fhir.json", "application/fhir+json",
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
        st.error(_("This file cannot be read. Nothing from it is shown."))
        for problem in exc.problems:
            st.text(translated(problem, content.ui.gettext))  # in the person's language
        return None


# ---------------------------------------------------------------- clinician


def clinician_summary(sub: Submission, result: scoring.Result, content: Content) -> None:
    context = (_("**Level:** {level} · **Context:** prescribed, region {region}") if result.prescribed
               else _("**Level:** {level} · **Context:** not prescribed, region {region}"))
    st.markdown(context.format(level=result.tier_label, region=result.region))
    st.markdown(basis_line(content, result))
    if result.red_flags:
        # TRANSLATORS: when a red flag was answered, and how soon it needs help.
        when = {"now": _("now"), "recent": _("past 4 weeks")}
        urgency = {"emergency": _("emergency"), "same_day": _("same-day")}
        st.error(_("Red flags: {flags}").format(flags=_("; ").join(
            _("{flag} ({when}, {urgency})").format(flag=f.name, when=when.get(f.when, f.when),
                                                   urgency=urgency.get(f.urgency, f.urgency))
            for f in result.red_flags)))
    # The urgency's own words: a same-day flag is "see a doctor today", not "once the danger has passed".
    st.markdown(_("**Suggested next step:** {heading}. {intro}").format(heading=result.help_heading,
                                                                         intro=result.help_intro))
    st.markdown("\n".join(f"- {line.text}" for line in result.feedback if line.important or line.doctor))
    if result.tier == "incomplete":
        st.markdown(_("**Not answered:** {questions}").format(questions=_("; ").join(
            m.text + (f" ({content.dont_know.label})" if m.dont_know else "") for m in result.coverage.missing_items)))
    st.markdown("\n".join(f"- {reason}" for reason in result.reasons))
    if sub.plan:
        names = {o.id: o.label for o in content.feedback.menu.options}
        st.markdown(_("**The person's plan:** {steps}").format(steps=_("; ").join(names[p] for p in sub.plan)))
    instruments(result, content, fold=False)
    if result.signs:
        st.header(_("Warning signs"), anchor=False)
        st.markdown("\n".join("- " + _("{sign}: strength {percent}% ({items})").format(
            sign=s.name, percent=round(s.strength * 100), items=", ".join(s.because)) for s in result.signs))
    st.header(_("Every answer"), anchor=False)
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
                said, level, flag = content.dont_know.label, _("not counted"), ""
            else:
                chosen = item.chosen(answer)
                said = _("; ").join(labels[item.options.index(o)] for o in chosen)
                top = item.level_of(answer)
                level = _("level {n} of {total}").format(n=top, total=item.max_level)
                flags = [content.red_flags[o.red_flag].name for o in chosen if o.red_flag]
                flag = " · **" + _("RED FLAG: {flags}").format(flags=_("; ").join(flags)) + "**" if flags else ""
            hidden = " · " + _("not scored (hidden by an earlier answer)") if item.id in result.ignored else ""
            st.markdown(f"**{n}. {text}**  \n{said} · {level}{flag}{hidden}  \n`{item.id}`")

"""Plain-language lines shared by every way a result is shown (pages, printed summary, PDF, FHIR),
put together from phrases.yaml."""

from __future__ import annotations

import datetime as dt

from . import translations
from .instrument_scores import InstrumentScore
from .content import Content
from .model import Resource
from .phrases import say
from .scoring import Result


def not_a_diagnosis(content: Content) -> str:
    return say(content, "not_a_diagnosis")


def first_sentence(text: str) -> str:
    """Up to the first full stop, Latin (". ") or Chinese ("。"), which it keeps."""
    ends = [(text.find(stop), stop) for stop in (". ", "。") if stop in text]
    if not ends:
        return text
    at, stop = min(ends)
    return text[:at] + stop.strip()


def status_words(content: Content, inst: InstrumentScore) -> str:
    return say(content, f"status.{inst.validation['status']}")


def instrument_verdict(content: Content, inst: InstrumentScore) -> str:
    """One line: the score against its cut-off and band, the criteria count, or (SDS) the cut-offs
    used for other drugs."""
    if inst.cutoff is not None:
        side = "above" if inst.positive else "below"
        if inst.band_label:
            return say(content, f"verdict.band.{side}", score=inst.score, max=inst.max, band=inst.band_label,
                       cutoff=inst.cutoff)
        return say(content, f"verdict.cutoff.{side}", score=inst.score, max=inst.max, cutoff=inst.cutoff)
    if inst.severity is not None:
        if inst.complete:
            return say(content, "verdict.criteria", n=inst.criteria_met, total=inst.max, band=inst.severity_label)
        # Unanswered criteria can only add, so a partial count is a floor.
        return say(content, "verdict.criteria.partial", n=inst.criteria_met, total=inst.max,
                   open=inst.asked - inst.answered, band=inst.severity_label)
    refs = say(content, "list.comma").join(
        say(content, "verdict.ref_cutoff", at=c["at"], population=c["population"]) for c in inst.reference_cutoffs)
    if refs:
        return say(content, "verdict.no_cutoff.refs", score=inst.score, max=inst.max, refs=refs)
    return say(content, "verdict.no_cutoff", score=inst.score, max=inst.max)


def check_length(content: Content, questions: int, minutes: int) -> str:
    """How long a check is ("15 questions, about 3 minutes"), as a Start button and a module's offer say it."""
    ui = content.ui
    # TRANSLATORS: "15 questions, about 3 minutes"; Chinese joins the two with a full-width comma.
    return ui.gettext("{questions}, {minutes}").format(
        questions=ui.ngettext("{n} question", "{n} questions", questions).format(n=questions),
        minutes=ui.ngettext("about {n} minute", "about {n} minutes", minutes).format(n=minutes))


def long_date(content: Content, day: dt.date) -> str:
    """"22 November 2026" in English; in another language its own long form ("22 de noviembre de 2026",
    "2026年11月22日"), from Babel's locale data."""
    if content.language == translations.SOURCE_LANGUAGE:
        return day.strftime("%-d %B %Y")
    # Babel only here: the FHIR reader imports this module to read a file, which needs no date.
    from babel.dates import format_date

    return format_date(day, format="long", locale=translations.babel_locale(content.language))


def resource_facts(content: Content, res: Resource, against: bool = True) -> str:
    """Hours and cost where a source states them, and when (and, on screen, against what) the
    details were last checked. The printed summary leaves out "against what" to fit on two pages."""
    date = long_date(content, res.verified)
    parts = [say(content, "facts.hours", hours=res.hours) if res.hours else "",
             say(content, "facts.cost", cost=res.cost) if res.cost else "",
             say(content, "facts.checked_against", date=date, what=res.checked_against) if against
             else say(content, "facts.checked", date=date)]
    return ". ".join(p for p in parts if p) + "."


def coverage_line(content: Content, result: Result) -> str:
    """What a result is based on, in words: how many core questions, and what is missing."""
    return _coverage_words(content, result) + "."


def _coverage_words(content: Content, result: Result) -> str:
    cov = result.coverage
    line = say(content, "basis.questions", n=cov.answered, asked=cov.asked)
    if cov.unknown:
        line += say(content, "basis.dont_know", n=cov.unknown)
    if cov.missing_labels:
        line += say(content, "basis.missing", areas=say(content, "list.comma").join(m.lower() for m in cov.missing_labels))
    return line


def criteria_line(content: Content, result: Result) -> str:
    """"2 of 10 signs of a use problem": the count the level rests on (a floor while some are open)."""
    c = result.criteria
    open_ = c.total - len(c.not_counted) - c.asked
    if open_ > 0:
        return say(content, "basis.criteria.open", n=c.met, total=c.total, open=open_)
    return say(content, "basis.criteria", n=c.met, total=c.total)


def basis_line(content: Content, result: Result) -> str:
    """The first screen's one line: "Based on 14 of 15 core questions; 2 of 10 signs of a use problem."."""
    return say(content, "basis.line", questions=_coverage_words(content, result), criteria=criteria_line(content, result))

"""Plain-language lines shared by every way a result is shown (pages, printed summary, PDF)."""

from __future__ import annotations

from .model import Resource
from .scoring import Coverage, InstrumentScore

NOT_A_DIAGNOSIS = (
    "This is not a diagnosis. It is a check against warning signs and standard questionnaires. "
    "Only a clinician who talks with you can diagnose anything."
)
STATUS_WORDS = {
    "validated": "Validated questionnaire, in its published wording",
    "based_on": "Based on a published questionnaire; our wording has not been validated",
    "derived": "Warning-sign check from our source documents, not validated",
}


def instrument_verdict(inst: InstrumentScore) -> str:
    """One line: the score against its cut-off, its band, or (SDS) the cut-offs used for other drugs."""
    if inst.cutoff is not None:
        side = "at or above" if inst.positive else "below"
        return f"Score {inst.score} of {inst.max}: {side} the cut-off of {inst.cutoff}."
    if inst.severity is not None:
        if inst.complete:
            return f"{inst.criteria_met} of {inst.max} criteria met: {inst.severity_label}."
        # Unanswered criteria can only add, so a partial count is a floor.
        return (f"At least {inst.criteria_met} of {inst.max} criteria met ({inst.asked - inst.answered} not answered yet): "
                f"{inst.severity_label} so far.")
    others = "; ".join(f"{c['at']} for {c['population']}" for c in inst.reference_cutoffs)
    text = f"Score {inst.score} of {inst.max}. No cut-off is validated for ketamine"
    return text + (f" (cut-offs used for other drugs: {others})." if others else ".")


def resource_facts(res: Resource, against: bool = True) -> str:
    """Hours and cost where a source states them, and when (and, on screen, against what) the
    details were last checked. The printed summary leaves out "against what" to fit on two pages."""
    parts = [f"Hours: {res.hours}" if res.hours else "", f"Cost: {res.cost}" if res.cost else ""]
    checked = f"Details checked {res.verified.strftime('%-d %B %Y')}"
    parts.append(f"{checked} against {res.checked_against}" if against else checked)
    return ". ".join(p for p in parts if p) + "."


def coverage_line(coverage: Coverage) -> str:
    """What a result is based on, in words: how many core questions, and what is missing."""
    line = f"Based on {coverage.answered} of {coverage.asked} core questions"
    if coverage.unknown:
        line += f" ({coverage.unknown} answered \"Don't know\")"
    if coverage.missing_labels:
        line += "; nothing yet about " + ", ".join(label.lower() for label in coverage.missing_labels)
    return line + "."

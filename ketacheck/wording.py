"""Plain-language lines shared by every way a result is shown (pages, printed summary, PDF)."""

from __future__ import annotations

from .scoring import InstrumentScore

NOT_A_DIAGNOSIS = (
    "This is not a diagnosis. It is a check against warning signs and standard questionnaires. "
    "Only a clinician who talks with you can diagnose anything."
)
STATUS_WORDS = {
    "validated": "Validated questionnaire",
    "based_on": "Based on a published standard, not validated in this form",
    "derived": "Warning-sign check from our source documents, not validated",
}


def instrument_verdict(inst: InstrumentScore) -> str:
    """One line: the score against its cut-off, its band, or (SDS) the cut-offs used for other drugs."""
    if inst.cutoff is not None:
        side = "at or above" if inst.positive else "below"
        return f"Score {inst.score} of {inst.max}: {side} the cut-off of {inst.cutoff}."
    if inst.severity is not None:
        return f"{inst.criteria_met} of {inst.max} criteria met: {inst.severity_label}."
    others = "; ".join(f"{c['at']} for {c['population']}" for c in inst.reference_cutoffs)
    text = f"Score {inst.score} of {inst.max}. No cut-off is validated for ketamine"
    return text + (f" (cut-offs used for other drugs: {others})." if others else ".")

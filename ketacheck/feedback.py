"""Feedback: the lines of the brief intervention that a person's own answers earn (feedback.yaml).

Each line says which answers earned it (`because`), in the words for this audience, with its
sources. Lines that can save a life (`important`: a dangerous mix) come first; `doctor` lines mark
answers that need a doctor's check. The AUDIT-C band's advice and the alcohol-withdrawal warning are
feedback too, built from the instrument's score in scoring.py.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from .content import Content

if TYPE_CHECKING:  # annotations only: no pydantic on the command line's cached path
    from .model import Answer


@dataclass(frozen=True)
class FeedbackItem:
    id: str
    because: list[str]  # item ids whose answers earned the line
    text: str
    source: list[dict]  # {id, title, publisher, url} from sources.yaml
    important: bool = False
    doctor: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def sources_of(content: Content, ids: list[str]) -> list[dict]:
    return [{"id": s, "title": content.sources[s].title, "publisher": content.sources[s].publisher,
             "url": content.sources[s].url} for s in ids]


def lines_for(content: Content, answers: dict[str, Answer], audience: str, fill: dict[str, str]) -> list[FeedbackItem]:
    """The lines these answers earn, in content order. `answers` holds only questions this person
    was asked; a line with no words for this audience (a loved one) is left out."""
    out = []
    for line in content.feedback.feedback:
        because = [c.item for c in line.when
                   if c.item in answers and c.holds(content.items[c.item], answers[c.item])]
        text = line.text.for_audience(audience)
        if not because or text is None:
            continue
        out.append(FeedbackItem(line.id, list(dict.fromkeys(because)), text.format(**fill),
                                sources_of(content, line.sources), line.important, line.doctor))
    return out


def ordered(lines: list[FeedbackItem]) -> list[FeedbackItem]:
    """Important lines first; otherwise as the content orders them."""
    return sorted(lines, key=lambda f: not f.important)

"""The DSM-5 criteria for phencyclidine-class use disorder (ketamine's class), counted from the
answers: the level rests on this count.

Ten criteria, no withdrawal criterion (instruments.yaml, `dsm5_k`). Each is read from the checklist
when it was answered there, else from the core questions that ask the same thing (`answered_by`: yes
when any of them holds), else it is unknown. One core question that asks about several criteria at
once (`shared_answers`: work, relationships, activities) counts as one of them until they are asked
one by one. Tolerance is not counted when ketamine is used only as prescribed. Unknown is never "no",
and a partial count is a floor: more answers can only add criteria.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from .content import Content

if TYPE_CHECKING:  # annotations only: no pydantic on the command line's cached path
    from .model import Answer, Instrument

CHECKLIST = "dsm5_k"
MET, NOT_MET, UNKNOWN, NOT_COUNTED = "met", "not_met", "unknown", "not_counted"


@dataclass(frozen=True)
class Criterion:
    numbers: list[int]  # one criterion; several for a shared core answer standing in for a group
    name: str
    state: str  # met | not_met | unknown | not_counted
    because: list[str] = field(default_factory=list)  # item ids whose answers decided it


@dataclass(frozen=True)
class Criteria:
    met: int
    asked: int  # criteria the answers decide (met or not met), of `total`
    total: int  # 10
    band: str  # none | mild | moderate | severe
    band_label: str  # "mild range (2 to 3)"
    meaning: str  # "the mild range: may point to a mild ketamine use problem"
    rows: list[Criterion]
    not_counted: list[int]  # tolerance, when ketamine is used only as prescribed

    @property
    def met_names(self) -> list[str]:
        return [r.name for r in self.rows if r.state == MET]

    def to_dict(self) -> dict:
        return asdict(self)


def count(content: Content, answers: dict[str, Answer], audience: str, prescribed: bool,
          solely_prescribed: bool) -> Criteria:
    """The criteria these answers meet. `answers` holds only questions this person was asked."""
    inst = content.instruments[CHECKLIST]
    not_counted = list(inst.not_counted_when_solely_prescribed) if solely_prescribed else []
    states: dict[int, tuple[str, list[str]]] = {}
    for n, item in enumerate(inst.items, start=1):
        states[n] = _one(content, item, answers, audience, prescribed)
    rows = _rows(content, inst, states, answers, audience, prescribed, not_counted)
    met = sum(1 for r in rows if r.state == MET)  # a group's row counts once
    asked = sum(1 for r in rows if r.state in (MET, NOT_MET))
    band = [b for b in inst.bands if b.min <= met][-1]
    return Criteria(met=met, asked=asked, total=len(inst.items), band=band.id, band_label=band.label,
                    meaning=band.meaning or band.label, rows=rows, not_counted=not_counted)


def _one(content: Content, item, answers: dict[str, Answer], audience: str, prescribed: bool) -> tuple[str, list[str]]:
    """Met when the checklist's own answer says yes or a core answer that asks the same thing holds.
    A checklist "No" never undoes a core answer that holds (both can only meet in a file): one more
    answer must never lower the count, and the core answer is what the person said in their words."""
    direct = item.level_of(answers.get(item.id))
    if direct is not None and direct >= 1:
        return MET, [item.id]
    held = []
    answered = [item.id] if direct is not None else []
    for source in content.answered_by(item, audience, prescribed):
        verdict = source.holds(content.items[source.item], answers.get(source.item))
        if verdict is not None:
            answered.append(source.item)
        if verdict:
            held.append(source.item)
    if held:
        return MET, held
    return (NOT_MET, answered) if answered else (UNKNOWN, [])


def _rows(content: Content, inst: Instrument, states: dict[int, tuple[str, list[str]]],
          answers: dict[str, Answer], audience: str, prescribed: bool, not_counted: list[int]) -> list[Criterion]:
    """One row per criterion; a group that only a shared core answer speaks to, and that answer says
    yes, is one row (one criterion met, not knowing which)."""
    group_rows: dict[int, Criterion] = {}  # first number of the group -> its row
    in_groups: set[int] = set()
    for shared in inst.shared_answers:
        source, numbers = shared.answered_by, shared.criteria
        if not content.asks(source.item, audience, prescribed):
            continue
        verdict = source.holds(content.items[source.item], answers.get(source.item))
        decided = [n for n in numbers if states[n][0] != UNKNOWN]
        if verdict is None:
            continue
        if not verdict:  # "no" to the shared question is "no" to each criterion not asked one by one
            for n in numbers:
                if n not in decided:
                    states[n] = (NOT_MET, [source.item])
        elif not decided:
            group_rows[numbers[0]] = Criterion(list(numbers), _group_name(inst, numbers), MET, [source.item])
            in_groups.update(numbers)
        elif not any(states[n][0] == MET for n in decided):
            # Asked one by one in part, none met there: the shared "yes" stands for one still open.
            open_ = [n for n in numbers if n not in decided]
            if open_:
                states[open_[0]] = (MET, [source.item])
    rows = []
    for n, item in enumerate(inst.items, start=1):
        if n in group_rows:
            rows.append(group_rows[n])
        if n in in_groups:
            continue
        state, because = states[n]
        rows.append(Criterion([n], item.short or item.id, NOT_COUNTED if n in not_counted else state, because))
    return rows


def _group_name(inst: Instrument, numbers: list[int]) -> str:
    names = [inst.items[n - 1].short or str(n) for n in numbers]
    return "One of: " + ", ".join(name[0].lower() + name[1:] for name in names)

"""One check as CSV for a spreadsheet or a records system: a header row and one row, headers in
English ids for machines (the same in every language). An incomplete check says `incomplete`, never
a level, and lists every open question; the answers are the answer file's values."""

from __future__ import annotations

import csv
import datetime as dt
import io

from ..content import Content
from ..model import DONT_KNOW
from ..scoring import Result
from ..submission import Submission

SEPARATOR = ";"  # inside a cell: several values (multiple choice, red flags, missing questions)


def summary_csv(sub: Submission, result: Result, content: Content, today: dt.date) -> str:
    flow = content.flow(sub.audience, sub.prescribed)
    instruments = {i: result.instruments.get(i) for i in content.instruments}
    row = {
        "created": today.isoformat(),
        "audience": sub.audience,
        "region": sub.region,
        "prescribed": str(sub.prescribed_answer).lower(),
        "sex": sub.sex,
        "level": result.tier,
        "level_label": result.tier_label,
        "enough_answers": str(result.coverage.enough).lower(),
        "urgency": result.urgency or "",
        "criteria_met": result.criteria.met,
        "criteria_known": result.criteria.asked,
        "criteria_of": result.criteria.total,
        "criteria_band": result.criteria.band,
        "red_flags": SEPARATOR.join(f"{f.id}:{f.when}" for f in result.red_flags),
        "missing": SEPARATOR.join(m.item for m in result.coverage.missing_items),
        "feedback": SEPARATOR.join(f.id for f in result.feedback),
        "plan": SEPARATOR.join(sub.plan),
    }
    for inst_id, score in instruments.items():
        row[f"{inst_id}_score"] = "" if score is None else score.score
        row[f"{inst_id}_band"] = "" if score is None else (score.band or score.severity or "")
    for item in flow:
        answer = sub.answers.get(item.id)
        if answer is None:
            value = ""
        elif answer == DONT_KNOW:
            value = DONT_KNOW
        elif isinstance(answer, tuple):
            value = SEPARATOR.join(str(v) for v in answer)
        else:
            value = str(answer)
        row[item.id] = value
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(row), lineterminator="\r\n")
    writer.writeheader()
    writer.writerow(row)
    return buffer.getvalue()

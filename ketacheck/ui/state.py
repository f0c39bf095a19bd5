"""The app-owned session state: one plain dict, never only widget keys.

Streamlit drops a widget's state when the widget is not drawn on a run (another page, another
question), so answers live here and widgets are drawn from it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ketacheck import scoring
from ketacheck.loader import Content
from ketacheck.model import Item
from ketacheck.submission import Submission

KEY = "kc"


def fresh(region: str = "INTL") -> dict[str, Any]:
    return {
        "audience": None,  # None until the person chooses on the start page
        "prescribed": False,
        "region": region,
        "sex": "unspecified",
        "answers": {},
        "current": None,  # id of the question on screen
        "finished": False,
    }


def get(content: Content) -> dict[str, Any]:
    if KEY not in st.session_state:
        st.session_state[KEY] = fresh(content.region_for_locale(st.context.locale))
    return st.session_state[KEY]


def clear() -> None:
    """Forget everything this session holds: answers, context, widget values."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def submission(state: dict[str, Any], content: Content) -> Submission:
    """What is scored: answers to questions in the current flow. Answers to questions a change of
    audience or context took away are kept in state (nothing entered is lost) but not scored."""
    audience = state["audience"] or "self"
    asked = {i.id for i in content.flow(audience, state["prescribed"])}
    return Submission(
        audience=audience,
        region=state["region"],
        prescribed=state["prescribed"],
        sex=state["sex"],
        answers={k: v for k, v in state["answers"].items() if k in asked},
    )


def result(state: dict[str, Any], content: Content) -> scoring.Result:
    return scoring.score(submission(state, content), content)


def visible_flow(state: dict[str, Any], content: Content) -> list[Item]:
    """The questions this person is asked now, given their context and earlier answers."""
    flow = content.flow(state["audience"] or "self", state["prescribed"])
    return [i for i in flow if scoring.visible(i, state["answers"], content)]

"""The app-owned session state: one plain dict, never only widget keys.

Streamlit drops a widget's state when the widget is not drawn on a run (another page, another
question), so answers live here and widgets are drawn from it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ketacheck import scoring
from ketacheck.loader import Content
from ketacheck.model import DONT_KNOW, Item
from ketacheck.submission import Submission

KEY = "kc"
PAGES_KEY = "_pages"  # this session's st.Page objects (app.py), for st.navigation and the page links


def fresh(region: str = "INTL", language: str = "en") -> dict[str, Any]:
    return {
        "language": language,  # the language the person reads in (chosen, or guessed from the browser)
        "audience": None,  # None until the person chooses on the start page
        "prescribed": None,  # None until chosen (True, False, or "dont_know" for a loved one): never assumed
        "region": region,
        "sex": "unspecified",
        "answers": {},  # item id -> value, tuple of values (multiple choice) or "dont_know"
        "plan": [],  # up to two steps chosen from the result's menu (feedback.yaml option ids)
        "modules": [],  # modules after the core that this person chose (intake: all, by default)
        "current": None,  # id of the question on screen
        "finished": False,  # the last question of the current pass has been answered
    }


def get(content: Content) -> dict[str, Any]:
    if KEY not in st.session_state:
        from ketacheck.ui import i18n  # the guess needs the languages that load

        locale = st.context.locale
        st.session_state[KEY] = fresh(content.region_for_locale(locale), i18n.guess_language(locale) or "en")
    return st.session_state[KEY]


def clear() -> None:
    """Forget everything this session holds: answers, context, widget values."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def context(state: dict[str, Any]) -> tuple[str, bool]:
    """(audience, prescribed flow): a loved one's "Don't know" is asked as for any ketamine use."""
    return state["audience"] or "self", state["prescribed"] is True


def submission(state: dict[str, Any], content: Content) -> Submission:
    """What is scored: answers to questions in this context's full flow. Answers to questions a
    change of audience or context took away are kept in state (nothing entered is lost) but not
    scored."""
    audience, prescribed = context(state)
    asked = {i.id for i in content.flow(audience, prescribed)}
    options = {o.id for o in content.feedback.menu.for_audience(audience)}
    return Submission(
        audience=audience,
        region=state["region"],
        prescribed=prescribed,
        sex=state["sex"],
        answers={k: v for k, v in state["answers"].items() if k in asked},
        prescribed_known=state["prescribed"] != DONT_KNOW,
        plan=tuple(o for o in state["plan"] if o in options),
        language=state.get("language", "en"),
    )


def result(state: dict[str, Any], content: Content) -> scoring.Result:
    return scoring.score(submission(state, content), content)


def visible_flow(state: dict[str, Any], content: Content) -> list[Item]:
    """The questions this person is asked now: the core and the modules they chose, in order,
    given their context and earlier answers."""
    audience, prescribed = context(state)
    flow = content.flow(audience, prescribed, tuple(state["modules"]))
    return [i for i in flow if scoring.visible(i, state["answers"], content)]


def core_done(state: dict[str, Any], content: Content) -> bool:
    """Every core question has been reached (answered, skipped or "Don't know")."""
    audience, prescribed = context(state)
    core = [i for i in content.core(audience, prescribed) if scoring.visible(i, state["answers"], content)]
    return all(i.id in state["answers"] for i in core)


def go_to(state: dict[str, Any], item_id: str) -> None:
    state["current"] = item_id
    state["finished"] = False


def first_unanswered_core(state: dict[str, Any], content: Content) -> str | None:
    """The first core question without an answer (skipped, "Don't know" or never reached)."""
    audience, prescribed = context(state)
    for item in content.core(audience, prescribed):
        if scoring.visible(item, state["answers"], content) and item.level_of(state["answers"].get(item.id)) is None:
            return item.id
    return None


def add_module(state: dict[str, Any], content: Content, module_id: str) -> None:
    """Answer a module after the first result: it joins the flow and its first question is next."""
    if module_id not in state["modules"]:
        state["modules"].append(module_id)
    audience, prescribed = context(state)
    first = next(
        (i.id for i in content.flow(audience, prescribed, (module_id,)) if content.module_of[i.id] == module_id
         and scoring.visible(i, state["answers"], content)),
        None,
    )
    if first:
        go_to(state, first)


def module_progress(state: dict[str, Any], content: Content, module_id: str) -> tuple[int, int, bool]:
    """(answered, its length, done) for one module in this context. The length counts follow-up
    questions too (the most it can ask); done means every question it asks now has an answer."""
    audience, prescribed = context(state)
    items = [i for i in content.flow(audience, prescribed, (module_id,)) if content.module_of[i.id] == module_id]
    shown = [i for i in items if scoring.visible(i, state["answers"], content)]
    answered = sum(1 for i in shown if i.id in state["answers"])
    return answered, len(items), answered == len(shown)

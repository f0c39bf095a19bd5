"""The copy of a check kept in the person's tab comes back exactly as it was (the same level after a
restart), and a copy that does not check out is dropped rather than used."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacheck import scoring
from ketacheck.submission import InputError
from ketacheck.ui import state as app_state
from ketacheck.ui import tab_copy
from test_properties import CONTENT, FAST, ITEMS, submissions

MODULES = [m for m in CONTENT.modules if m != "core"]


@st.composite
def states(draw):
    sub = draw(submissions())
    state = app_state.fresh(sub.region)
    state.update(audience=sub.audience, prescribed=sub.prescribed, sex=sub.sex, answers=dict(sub.answers),
                 modules=draw(st.lists(st.sampled_from(MODULES), unique=True)),
                 current=draw(st.one_of(st.none(), st.sampled_from(ITEMS).map(lambda i: i.id))),
                 finished=draw(st.booleans()))
    return state


def through_the_tab(state):
    """What the browser stores and later gives back: JSON text."""
    return tab_copy.from_json(json.dumps(tab_copy.to_json(state, CONTENT)), CONTENT)


@FAST
@given(states())
def test_a_kept_check_comes_back_as_it_was_with_the_same_level(state):
    back = through_the_tab(state)
    # Everything as it was, but "finished" only when the answers say so.
    done = all(i.id in state["answers"] or i.optional for i in app_state.visible_flow(state, CONTENT))
    assert back == state | {"finished": state["finished"] and done}
    before = scoring.score(app_state.submission(state, CONTENT), CONTENT)
    after = scoring.score(app_state.submission(back, CONTENT), CONTENT)
    assert (after.tier, after.red_flags, after.coverage) == (before.tier, before.red_flags, before.coverage)


def test_nothing_is_kept_before_a_choice_is_made():
    assert tab_copy.to_json(app_state.fresh(), CONTENT) is None


def kept():
    state = app_state.fresh("UK")
    state.update(audience="self", prescribed=False, answers={"crav.urges": 2}, current="crav.urges")
    return tab_copy.to_json(state, CONTENT)


@pytest.mark.parametrize(("why", "change"), [
    ("an answer that is not an option", lambda c: c["answers"].update({"crav.urges": "<script>"})),
    ("a question that does not exist", lambda c: c["answers"].update({"no.such": 1})),
    ("an audience that does not exist", lambda c: c.update(audience="admin")),
    ("a region that does not exist", lambda c: c.update(region="XX")),
    ("prescribed that is not yes or no", lambda c: c.update(prescribed="yes")),
    ("a module that does not exist", lambda c: c.update(modules=["everything"])),
    ("a current question that does not exist", lambda c: c.update(current="../../etc")),
    ("a field too many", lambda c: c.update(session="abc")),
    ("a field missing", lambda c: c.pop("finished")),
    ("no content version", lambda c: c.pop("content")),
    ("another content version", lambda c: c.update(content="0123456789ab")),
    ("prescribed 'don't know' for the person themself", lambda c: c.update(prescribed="dont_know")),
])
def test_a_copy_that_does_not_check_out_is_dropped(why, change):
    copy = kept()
    tab_copy.from_json(json.dumps(copy), CONTENT)
    change(copy)
    with pytest.raises(InputError):
        tab_copy.from_json(json.dumps(copy), CONTENT)


def test_a_copy_made_under_other_content_is_refused_saying_why():
    copy = kept() | {"content": "0123456789ab"}
    with pytest.raises(InputError) as err:
        tab_copy.from_json(json.dumps(copy), CONTENT)
    assert err.value.problems == [tab_copy.STALE]


@pytest.mark.parametrize("prescribed", [True, False, "dont_know"])
def test_a_loved_ones_copy_may_say_they_do_not_know_if_it_is_prescribed(prescribed):
    copy = kept() | {"audience": "other", "prescribed": prescribed}
    assert tab_copy.from_json(json.dumps(copy), CONTENT)["prescribed"] == prescribed


def test_finished_is_what_the_answers_say_not_what_the_copy_claims():
    copy = kept() | {"finished": True}  # one answer: far from the end of the questions
    assert tab_copy.from_json(json.dumps(copy), CONTENT)["finished"] is False


@pytest.mark.parametrize("text", [None, 42, "", "not json", "[]", "null", "{" + " " * tab_copy.MAX_BYTES + "}",
                                  "[" * 1000, "[" * 100_000, '{"a": ' * 5000, '{"audience": 1, "audience": 2}',
                                  "\ud800"])
def test_text_that_is_not_a_copy_is_dropped_with_a_reason(text):
    with pytest.raises(InputError) as err:
        tab_copy.from_json(text, CONTENT)
    assert len(err.value.problems) == 1 and "\n" not in err.value.problems[0]

"""The question screen's and the tab copy's events reach the app exactly as Streamlit presents them,
through a presenter that makes no new class per read (ketacheck/ui/presenter.py): the same view for
any events and state, writes that go through to the element's state, and the app's own elements
using it from the first run."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.components.v2 import presentation
from streamlit.components.v2.bidi_component import main as bidi_main
from streamlit.runtime.state.common import WidgetMetadata
from streamlit.runtime.state.session_state import SessionState
from streamlit.testing.v1 import AppTest

from ketacheck.ui import presenter
from conftest import ROOT
from helpers import question, tap

COMPONENT = "$$ID-component-question_view"
EVENTS = f"$$STREAMLIT_INTERNAL_KEY_{COMPONENT}__events"
NAMES = ["answer", "toggle", "back", "next", "stop", "clear"]
json_values = st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                           max_leaves=6)


def session(state: object, events: object) -> SessionState:
    """A session holding the element's state and the events the browser sent with this run."""
    ss = SessionState()
    ss._set_widget_metadata(WidgetMetadata(COMPONENT, lambda v: v if v is not None else {}, json.dumps, "json_value"))
    ss._set_widget_metadata(WidgetMetadata(EVENTS, lambda v: v, json.dumps, "json_trigger_value"))
    ss._new_widget_state.set_from_value(COMPONENT, state)
    if events is not None:
        ss._new_widget_state.set_from_value(EVENTS, events)
    return ss


events_sent = st.none() | st.lists(st.fixed_dictionaries({"event": st.sampled_from(NAMES), "value": json_values}), max_size=4) \
    | st.fixed_dictionaries({"event": st.sampled_from(NAMES), "value": json_values}) \
    | st.lists(json_values, max_size=2) | json_values


@settings(max_examples=300, deadline=None)
@given(state=st.dictionaries(st.sampled_from(NAMES + ["other"]), json_values, max_size=3) | json_values,
       events=events_sent)
def test_the_app_sees_what_streamlits_own_presenter_shows(state, events):
    ss = session(state, events)
    theirs = presentation.make_bidi_component_presenter(EVENTS, COMPONENT, set(NAMES))(state, ss)
    ours = presenter.make_presenter(EVENTS, COMPONENT, set(NAMES))(state, ss)
    assert type(theirs) is type(ours) or (isinstance(theirs, dict) and isinstance(ours, dict))
    assert ours == theirs
    if isinstance(theirs, dict):
        for name in [n for n in NAMES if not hasattr(dict, n)]:  # read by attribute too (`.clear` is dict's)
            assert getattr(ours, name) == getattr(theirs, name)


def test_a_write_to_the_view_goes_through_to_the_elements_state_and_only_for_its_events():
    ss = session({"answer": 1}, [{"event": "next", "value": True}])
    view = presenter.make_presenter(EVENTS, COMPONENT, {"answer", "next"})({"answer": 1}, ss)
    view["answer"] = 2
    view.other = 3  # not one of the element's events: ignored, as Streamlit does
    assert ss._new_widget_state[COMPONENT] == {"answer": 2, "next": True}
    del view["next"]
    assert ss._new_widget_state[COMPONENT] == {"answer": 2}


def test_every_read_gives_the_same_kind_of_view_so_no_class_is_left_for_the_collector():
    ss = session({}, [{"event": "answer", "value": {"item": "q1", "value": 0}}])
    present = presenter.make_presenter(EVENTS, COMPONENT, set(NAMES))
    first, second = present({}, ss), present({}, ss)
    assert first == second == {"answer": {"item": "q1", "value": 0}}
    assert type(first) is type(second) is presenter._WriteThrough


def test_the_apps_elements_use_it_and_a_tap_still_answers():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.button(key="pick_audience_self").click().run()
    at.button(key="pick_prescribed_False").click().run()
    at.button(key="start_check").click().run()
    assert bidi_main.make_bidi_component_presenter is presenter.make_presenter
    first = question(at)
    option = next(o for o in first["options"] if not o["toggles"])  # one tap answers and moves on
    tap(at, option["key"])
    assert not at.exception
    assert question(at)["item"] != first["item"]  # answered, and on to the next question
    assert first["item"] in at.session_state["kc"]["answers"]

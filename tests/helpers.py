"""Small builders shared by tests: answer sets made from the content, not hard-coded ids; and a
driver for the question screen under AppTest."""

from __future__ import annotations

import json
import socket
from typing import Any, TYPE_CHECKING

from streamlit.proto.WidgetStates_pb2 import WidgetState

from ketacheck import scoring, submission
from ketacheck.loader import Content
from ketacheck.model import DONT_KNOW, Item

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest


def score(content: Content, answers: dict, **context) -> scoring.Result:
    data = {"audience": "self", "region": "US", "prescribed": False, "sex": "unspecified", **context}
    return scoring.score(submission.parse({**data, "answers": answers}, content), content)


def option_at(item: Item, level: int, flagged: bool = False):
    """The first option at the highest level up to `level`; red-flag options only when asked for."""
    options = [o for o in item.options if flagged or not o.red_flag]
    fitting = [o for o in options if o.level <= level]  # levels may skip (multiple choice)
    return max(fitting, key=lambda o: o.level) if fitting else min(options, key=lambda o: o.level)


def at_level(content: Content, item_id: str, level: int):
    """An answer-file value at `level`: the option's value, or a one-option list for multiple choice."""
    item = content.items[item_id]
    value = option_at(item, level).value
    return [value] if item.multiple else value


def top(content: Content, item_id: str):
    """The most concerning answer that raises no red flag: every such option, for multiple choice."""
    item = content.items[item_id]
    if item.multiple:
        return [o.value for o in item.options if not o.exclusive and not o.red_flag] or at_level(content, item_id, 0)
    return at_level(content, item_id, item.max_level)


def lowest(content: Content, audience: str = "self", prescribed: bool = False, stage: str = "core") -> dict:
    """Every question of the stage answered with its least concerning option (as a person would)."""
    items = content.core(audience, prescribed) if stage == "core" else content.flow(audience, prescribed)
    answers: dict = {}
    for item in items:  # in order, so gates are answered before what they gate
        if scoring.visible(item, answers, content):
            answers[item.id] = at_level(content, item.id, 0)
    return answers


def yes_to(content: Content, instrument: str, numbers: list[int]) -> dict[str, int]:
    """dsm5_k-style answers: 1 for the given item numbers, 0 for the rest."""
    items = content.instruments[instrument].items
    return {i.id: int(content.item_number(i.id) in numbers) for i in items}


def value_for(item: Item, label: str | list[str]):
    """An answer from the label(s) a person sees: first-person or loved-one wording, or Don't know."""
    if label == "Don't know":
        return DONT_KNOW
    labels = label if isinstance(label, list) else [label]
    values = []
    for text in labels:
        option = next((o for o in item.options if text in (o.label, o.label_other)), None)
        assert option is not None, f"{item.id}: no option labelled {text!r}"
        values.append(option.value)
    return sorted(values) if item.multiple else values[0]


def rest_value(item: Item, how: str):
    """The least concerning option ("lowest"), or the mildest concerning one ("lowest_nonzero")."""
    options = [o for o in item.options if not o.red_flag]
    if how == "lowest_nonzero" and any(o.level > 0 for o in options):
        option = min((o for o in options if o.level > 0), key=lambda o: o.level)
    else:
        option = min(options, key=lambda o: o.level)
    return [option.value] if item.multiple else option.value


def raw_response(port: int, data: bytes) -> bytes:
    """What a server answers to bytes that are not a proper request, read to the end."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(data)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


# ------------------------------------------------------------------ the question screen, under AppTest
#
# The question is one components-v2 element (ketacheck/ui/question_view.py): AppTest shows it as an
# UnknownElement of type `bidi_component`, its data the JSON bytes of the proto. Its controls keep
# the keys the buttons had (`answer_<item>_<value>`, `nav_back`, `nav_next`, `result_so_far`,
# `clear_answers`); a tap on one sends the event question.js sends, as the browser does.

QUESTION_VIEW = "question_view"
NAVIGATION = {"back": "back", "next": "next", "stop": "stop", "clear": "clear"}  # data field -> event


def _view(at: AppTest) -> Any:
    views = [e for e in at.get("bidi_component") if e.key == QUESTION_VIEW]
    assert len(views) <= 1, f"{len(views)} question elements on one page"
    return views[0] if views else None


def question(at: AppTest) -> dict | None:
    """The question on screen: its element's data (item, progress, words, options, controls), or None."""
    view = _view(at)
    return json.loads(view.proto.bytes) if view is not None else None


def _controls(data: dict) -> dict[str, tuple[str, Any, dict]]:
    """The element's controls: key -> (event it sends, value, the control's data)."""
    out: dict[str, tuple[str, Any, dict]] = {}
    for option in data["options"]:
        out[option["key"]] = ("toggle" if option["toggles"] else "answer", option["value"], option)
    for field, event in NAVIGATION.items():
        if data[field]:
            out[data[field]["key"]] = (event, True, data[field])
    return out


def control(at: AppTest, key: str) -> dict | None:
    """The question element's control with that key (an answer, Back, Next, Stop, Clear), or None."""
    data = question(at)
    found = _controls(data).get(key) if data is not None else None
    return found[2] if found else None


def controls(at: AppTest) -> list[str]:
    """The keys of everything on screen that can be tapped: the page's buttons, then the question
    element's controls (disabled ones too: see `disabled`)."""
    data = question(at)
    return [b.key for b in at.button if b.key] + (list(_controls(data)) if data is not None else [])


def disabled(at: AppTest, key: str) -> bool:
    """The control with that key is on screen but cannot be tapped."""
    found = control(at, key)
    if found is not None:
        return bool(found.get("disabled"))
    return at.button(key=key).disabled


def chosen(at: AppTest, key: str) -> bool:
    """The answer with that key is shown as chosen (ticked, or the one picked)."""
    found = control(at, key)
    assert found is not None and "chosen" in found, f"no answer {key!r} on screen"
    return found["chosen"]


def send(at: AppTest, event: str, value: Any) -> AppTest:
    """The question element's event, exactly as question.js sends it (`setTriggerValue`), and the
    run it starts: for a tap, use `tap`; this is for events no tap on the screen would send."""
    view = _view(at)
    assert view is not None, "no question on screen"
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=f"$$STREAMLIT_INTERNAL_KEY_{view.proto.id}__events",
                                      json_trigger_value=json.dumps([{"event": event, "value": value}])))
    return at._run(states)


def tap(at: AppTest, key: str) -> AppTest:
    """A tap on the control with that key: the question element's (its event, naming the question
    on screen), else the page's button. A disabled control fails the test: tapping it would do
    nothing, so a test that taps one is not testing what it says."""
    data = question(at)
    found = _controls(data).get(key) if data is not None else None
    if found is not None:
        event, value, spec = found
        assert not spec.get("disabled"), f"{key!r} is disabled"
        return send(at, event, {"item": data["item"], "value": value})
    button = at.button(key=key)
    assert not button.disabled, f"button {key!r} is disabled"
    return button.click().run()


def question_words(at: AppTest) -> list[str]:
    """Every word the question element shows: progress, intro, caption, the question, its help, the
    answers, the controls' labels and hints."""
    data = question(at)
    if data is None:
        return []
    words = [data[k] for k in ("progress_text", "intro", "caption", "title", "help")]
    words += [o["label"] for o in data["options"]]
    for field in NAVIGATION:
        if data[field]:
            words += [data[field]["label"], data[field].get("hint")]
    return [w for w in words if w]

"""The app as a person meets it, driven with Streamlit's AppTest: every audience from the start
page through the core to the first result, partial and incomplete results, modules after the first
result, red flags mid-check, multiple choice, Back, clearing, and the clinician hand-off."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from ketacheck import scoring, submission
from ketacheck.model import AUDIENCES, DONT_KNOW
from ketacheck.ui import views
from ketacheck.wording import basis_line
from conftest import ROOT
from helpers import chosen, controls, disabled, question, question_words, send, tap

APP = str(ROOT / "app.py")


def start(audience: str, prescribed: bool = False, region: str | None = None, locale: str = "en-GB") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = locale
    at.run()
    assert not at.exception
    at.button(key=f"pick_audience_{audience}").click().run()
    at.button(key=f"pick_prescribed_{prescribed}").click().run()
    if region:
        at.selectbox(key="start_region").set_value(region).run()
    at.button(key="start_check").click().run()
    assert not at.exception
    return at


def kc(at: AppTest) -> dict:
    return at.session_state["kc"]


def asking(at: AppTest) -> bool:
    """A question is on screen (its element, with its answers)."""
    data = question(at)
    return data is not None and bool(data["options"])


def answer(at: AppTest, value) -> None:
    """Answer the question on screen: one value, or a list for multiple choice (then Continue)."""
    current = kc(at)["current"]
    assert question(at)["item"] == current
    if isinstance(value, list):
        for v in value:
            tap(at, f"answer_{current}_{v}")
        tap(at, "nav_next")
    else:
        tap(at, f"answer_{current}_{value}")
    assert not at.exception


def value_at(item, level: int):
    """The answer at `level` (the nearest below it), never a red flag; multiple choice as a list,
    with "None of these" for level 0."""
    options = [o for o in item.options if not o.red_flag]
    fitting = [o for o in options if o.level <= level] or options
    option = max(fitting, key=lambda o: o.level)
    if item.multiple:
        return option.value if option.exclusive else [option.value]
    return option.value


def answer_core(at: AppTest, content, level_for) -> None:
    """Answer until the check leaves the question page (the first result comes by itself)."""
    for _ in range(60):
        if not asking(at):
            return
        item = content.items[kc(at)["current"]]
        answer(at, value_at(item, level_for(item)))
    raise AssertionError("the check never ended")


def engine_result(at: AppTest, content) -> scoring.Result:
    state = kc(at)
    doc = {k: state[k] for k in ("audience", "region", "prescribed", "sex", "plan")} | {"answers": dict(state["answers"])}
    doc["answers"] = {k: list(v) if isinstance(v, tuple) else v for k, v in doc["answers"].items()}
    return scoring.score(submission.parse(doc, content), content)


def texts(at: AppTest) -> str:
    """The words on the page: Streamlit's text elements, and the question element's."""
    parts = [e.value for kind in ("markdown", "caption", "header", "subheader", "title", "info", "error", "success",
                                  "warning") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in [*parts, *question_words(at)])


def progress(at: AppTest) -> str:
    return question(at)["progress_text"]


def titles(at: AppTest) -> list[str]:
    """The page's h1: a page's st.title, or the question the question element asks."""
    data = question(at)
    return [t.value for t in at.title] + ([data["title"]] if data is not None else [])


# ------------------------------------------------------------------ core, then the first result


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("prescribed", [False, True])
def test_each_audience_answers_the_core_then_sees_a_first_result_equal_to_the_engine(content, audience, prescribed):
    at = start(audience, prescribed, region="AU")
    answer_core(at, content, lambda item: item.max_level)
    expected = engine_result(at, content)
    # The last answer leads straight to the result: no extra tap.
    assert titles(at) == [expected.tier_label] and expected.tier == "high"
    asked = set(kc(at)["answers"])
    stage = content.flow(audience, prescribed) if audience == "intake" else content.core(audience, prescribed)
    assert asked == {i.id for i in stage if scoring.visible(i, kc(at)["answers"], content)}
    page = texts(at)
    # The first screen: the level, what it rests on, that it is not a diagnosis, the first step.
    assert f"**{basis_line(content, expected)}**" in page and "This is not a diagnosis." in page
    assert expected.tier_explanation in page
    # Every line of feedback, the most urgent first, as a warning; past the first few, once
    # "More about your answers" is opened (folded, they are not drawn at all).
    first = next(f for f in expected.feedback if f.important)
    rest = [f for f in expected.feedback if f is not first]
    assert at.warning[0].value == first.text
    for line in [first, *rest[:views.SHOWN_FEEDBACK]]:
        assert line.text in page
    assert rest[views.SHOWN_FEEDBACK:] and not [f for f in rest[views.SHOWN_FEEDBACK:] if f.text in page]
    at.session_state["more_feedback"] = True
    at.run()
    page = texts(at)
    for line in expected.feedback:
        assert line.text in page
    # The reasons are folded away under "Why am I seeing this?", and drawn once it is opened.
    assert "Why am I seeing this?" in [e.label for e in at.expander]
    assert not [r for r in expected.reasons if r in page]
    at.session_state["why_section"] = True
    at.run()
    page = texts(at)
    for reason in expected.reasons:
        assert reason in page
    # The signs are drawn only once their section is opened (they were 40% of the page's cost).
    assert not [m for m in at.markdown if ": strength " in m.value]
    at.session_state["signs_section"] = True
    at.run()
    page = texts(at)
    for sign in expected.signs:
        assert f"**{sign.name}**" in page
    # Modules come after the first result (intake has answered them already).
    offered = {b.key for b in at.button if b.key and b.key.startswith("module_")}
    if audience == "intake":
        assert not offered and set(expected.instruments) == {"audit_c", "sds", "dsm5_k"}
    elif audience == "self":
        assert offered == {f"module_{m}" for m in ("audit_c", "sds", "dsm5_k", "detail")}
    else:
        assert offered == {"module_detail"} and not expected.instruments  # questionnaires are self-report
    # The pictures are drawn only once their section is opened (they were half the page's cost).
    assert "The answers in pictures" in [e.label for e in at.expander] and not at.get("plotly_chart")
    at.session_state["pictures"] = True
    at.run()
    assert len(at.get("plotly_chart")) >= 2


def plan_boxes(at: AppTest) -> dict[str, tuple[bool, bool]]:
    """The plan's checkboxes on screen: option id -> (ticked, can be ticked)."""
    return {c.key.removeprefix("plan_"): (c.value, not c.disabled) for c in at.checkbox if c.key.startswith("plan_")}


def test_the_menu_of_options_is_drawn_when_opened_and_a_plan_of_two_keeps_it_open(content):
    at = start("self")
    answer_core(at, content, lambda item: 0)
    spec = content.feedback.menu
    title = spec.title.self_
    menu = [e for e in at.expander if e.label.startswith(title)]
    assert [e.label for e in menu] == [title] and not plan_boxes(at)  # folded: the options are not drawn
    at.session_state["menu_section"] = True
    at.run()
    options = [o.id for o in spec.for_audience("self")]
    assert plan_boxes(at) == {o: (False, True) for o in options}
    for n, option in enumerate(options[:spec.max_plan], start=1):
        at.checkbox(key=f"plan_{option}").check().run()
        assert kc(at)["plan"] == options[:n]
        # The label counts the plan, and the menu stays open (a new label is a new expander).
        assert f"{title} · {spec.plan_title}: {n}" in [e.label for e in at.expander] and plan_boxes(at)
    # Two is the most: the others cannot be ticked until one is taken off.
    assert [o for o, (on, free) in plan_boxes(at).items() if not free] == options[spec.max_plan:]
    at.checkbox(key=f"plan_{options[0]}").uncheck().run()
    assert kc(at)["plan"] == options[1:spec.max_plan] and all(free for _, free in plan_boxes(at).values())
    # Elsewhere and back: the plan is kept, and with a plan the menu opens by itself.
    at.switch_page("pages/help.py").run()
    at.session_state[views.MENU_OPEN] = False  # as in a new session that restored the plan
    at.switch_page("pages/result.py").run()
    assert plan_boxes(at)[options[1]] == (True, True)


def test_the_start_page_states_the_real_length_of_the_core(content):
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.button(key="pick_audience_self").click().run()
    assert at.button(key="start_check").disabled  # the prescribed question is never assumed
    at.button(key="pick_prescribed_False").click().run()
    assert at.button(key="start_check").label == "Start: 15 questions, about 3 minutes"
    at.button(key="pick_prescribed_True").click().run()
    assert at.button(key="start_check").label == "Start: 13 questions, about 3 minutes"


def test_two_answers_then_stop_is_incomplete_names_what_is_missing_and_goes_back_to_it(content):
    at = start("self", region="UK")
    answer(at, 0)  # nothing is happening now
    answer(at, 3)  # weekly
    tap(at, "result_so_far")
    assert titles(at) == ["Not enough answers yet"]
    page = texts(at)
    assert "nothing yet about tolerance, cravings, mixing, control and daily life, harms" in page
    expected = engine_result(at, content)
    assert f'Not answered yet ({len(expected.coverage.missing_items)}), never counted as "no"' in [e.label for e in at.expander]
    assert all(m.text in page for m in expected.coverage.missing_items)
    assert "already shows **some warning signs**" in page
    assert "Few warning signs" not in page and "few of the warning signs" not in page
    at.button(key="to_missing").click().run()
    assert kc(at)["current"] == "esc.more_than_before" and titles(at)[0].startswith("Compared with when you started")
    assert question(at)["item"] == "esc.more_than_before"


def test_prescribed_and_stable_ends_low_with_prescriber_advice(content):
    at = start("self", prescribed=True, region="US")
    answer_core(at, content, lambda item: 0)
    assert titles(at) == ["Few warning signs"]
    page = texts(at)
    assert "your use seems to follow your treatment plan" in page
    assert "Keep telling your prescriber about side effects" in page


def test_prescribed_drift_lists_what_to_raise_with_the_prescriber(content):
    at = start("self", prescribed=True, region="UK")
    answer(at, 0)  # safety now
    answer(at, [1, 4])  # extra dose, ketamine not prescribed to me
    answer_core(at, content, lambda item: 0)
    assert engine_result(at, content).tier == "some"
    assert [e.label for e in at.expander if "prescriber" in e.label] == ["To raise with your prescriber (1)"]
    assert "Taken an extra dose, or a dose earlier than planned; Used ketamine that was not prescribed to me" in texts(at)


def test_a_module_after_the_first_result_updates_it_in_place(content):
    at = start("self", region="UK")
    answer_core(at, content, lambda item: 0)
    assert titles(at) == ["Few warning signs"] and "Standard questionnaires" not in [h.value for h in at.header]
    at.button(key="module_audit_c").click().run()
    assert kc(at)["current"] == "audit_c.1" and progress(at) == "Alcohol (AUDIT-C): question 1 of 3"
    answer(at, 4)  # 4 or more times a week
    assert progress(at) == "Alcohol (AUDIT-C): question 2 of 3"
    answer(at, 2)
    answer(at, 2)
    # Back on the result: the alcohol result is there, as advice apart from ketamine.
    result = engine_result(at, content)
    assert titles(at) == ["Few warning signs"] and result.instruments["audit_c"].positive
    # Its score is under "Standard questionnaires", drawn once that is opened.
    assert "Score 8 of 12" not in texts(at)
    assert f"Standard questionnaires ({len(result.instruments)})" in [e.label for e in at.expander]
    at.session_state["instruments_section"] = True
    at.run()
    assert "Score 8 of 12, higher risk: at or above the cut-off of 5." in texts(at)
    band = next(b for b in content.instruments["audit_c"].risk_bands if b.id == "higher")
    assert band.advice in texts(at) and "do not stop suddenly without medical advice" in texts(at)
    assert "**Alcohol (AUDIT-C)**: done, included above." in texts(at)


def test_a_harm_answer_brings_its_own_see_a_doctor_line(content):
    at = start("self", region="UK")
    answer_core(at, content, lambda item: 1 if item.id == "harm.bladder" else 0)
    assert [i.value for i in at.info] == [f.text for f in engine_result(at, content).needs_doctor]
    assert "Bladder symptoms can be an early sign" in at.info[0].value


# ------------------------------------------------------------------ a loved one


def test_every_question_for_a_loved_one_offers_dont_know_in_their_words(content):
    at = start("other", region="UK")
    seen = 0
    while asking(at):
        item = content.items[kc(at)["current"]]
        assert question(at)["item"] == item.id
        labels = [o["label"] for o in question(at)["options"]]
        assert labels[-1] == "Don't know"
        assert not any(label.startswith(("I tried", "I have wanted")) for label in labels)
        answer(at, DONT_KNOW if item.id != "safety.now" else 0)
        seen += 1
    assert seen == 15
    assert titles(at) == ["Not enough answers yet"]
    assert "14 answered \"Don't know\"" in texts(at)


def test_family_guidance_is_one_tap_from_the_result(content):
    at = start("other", region="UK")
    answer_core(at, content, lambda item: 0)
    at.button(key="to_family").click().run()
    assert titles(at) == ["For you, as someone who cares about them"]
    sections = {s.id: s.title for s in content.education.sections}
    assert [sections[s] for s in content.tiers.audience_sections["other"]] == [e.label for e in at.expander]
    assert "Support for families and friends" in [h.value for h in at.header]


# ------------------------------------------------------------------ red flags


def test_red_flag_mid_check_shows_emergency_contacts_at_once(content):
    at = start("other", region="US")
    assert kc(at)["current"] == "safety.now"
    tap(at, "answer_safety.now_1")  # they cannot be woken: a checkbox, no Continue needed
    assert at.header[0].value == "Get help now"
    assert kc(at)["current"] == "safety.now" and not kc(at)["finished"]
    links = [b.proto.url for b in at.get("link_button")]
    assert links[:2] == ["tel:911", "tel:18002221222"]  # emergency, then poison control
    assert "recovery position" in texts(at) and "While you wait for help" in texts(at)


@pytest.mark.parametrize("region", ["UK", "IE", "CA", "AU", "NZ", "HK", "TW", "ES", "MX", "INTL"])
def test_emergency_number_leads_in_every_region(content, region):
    at = start("self", region=region)
    tap(at, "answer_safety.now_2")  # breathing
    emergency = next(r for r in content.regions[region].resources if r.type == "emergency")
    assert at.get("link_button")[0].proto.url == f"tel:{emergency.phone.replace(' ', '')}"


def test_a_same_day_flag_leads_with_same_day_care_not_an_ambulance(content):
    at = start("self", region="UK")
    answer_core(at, content, lambda item: 0)
    at.switch_page("pages/check.py").run()  # review: the end of the questions
    tap(at, "review")
    while kc(at)["current"] != "safety.recent":
        tap(at, "nav_next")
    assert kc(at)["answers"]["safety.recent"] == (0,)
    tap(at, "answer_safety.recent_10")  # blood in urine: replaces "None of these"
    assert kc(at)["answers"]["safety.recent"] == (10,)
    assert at.header[0].value == "Get help today"
    links = [(b.label, b.proto.url) for b in at.get("link_button")]
    assert links[0] == ("Call 111: NHS 111", "tel:111")
    assert links[1] == ("If it gets worse, call 999: Emergency services (999)", "tel:999")
    assert "Before you see the doctor" in texts(at) and "While you wait" not in texts(at)


# ------------------------------------------------------------------ answering


def test_multiple_choice_toggles_and_none_of_these_stands_alone(content):
    at = start("self")
    answer(at, 0)
    for _ in range(4):  # how often, more than before, tolerance, cravings
        answer(at, 0)
    assert kc(at)["current"] == "mix.with"
    assert disabled(at, "nav_next")  # Continue needs a choice
    tap(at, "answer_mix.with_1")
    tap(at, "answer_mix.with_5")
    assert kc(at)["answers"]["mix.with"] == (1, 5) and kc(at)["current"] == "mix.with"
    assert chosen(at, "answer_mix.with_1") and chosen(at, "answer_mix.with_5") and not disabled(at, "nav_next")
    tap(at, "answer_mix.with_5")  # tap again: off
    assert kc(at)["answers"]["mix.with"] == (1,)
    assert chosen(at, "answer_mix.with_1") and not chosen(at, "answer_mix.with_5")
    tap(at, "answer_mix.with_0")  # "None of these" replaces the rest and moves on
    assert kc(at)["answers"]["mix.with"] == (0,) and kc(at)["current"] == "ctl.more_than_intended"


def test_back_keeps_answers_and_shows_the_chosen_option(content):
    at = start("self")
    answer(at, 0)  # safety now: none
    answer(at, 2)  # monthly
    before = dict(kc(at)["answers"])
    tap(at, "nav_back")
    assert kc(at)["current"] == "esc.frequency"
    assert chosen(at, "answer_esc.frequency_2")
    tap(at, "nav_back")
    assert chosen(at, "answer_safety.now_0")
    assert kc(at)["answers"] == before
    # Continue steps on; changing an answer goes back to where the person was, not through every
    # answered question.
    tap(at, "nav_next")
    assert kc(at)["current"] == "esc.frequency"
    answer(at, 3)
    assert kc(at)["current"] == "esc.more_than_before"
    # Leaving for another page and coming back loses nothing.
    at.switch_page("pages/learn.py").run()
    at.switch_page("pages/check.py").run()
    assert kc(at)["answers"]["esc.frequency"] == 3 and kc(at)["current"] == "esc.more_than_before"


def on_screen(at: AppTest) -> tuple:
    """Where the check is and what the question screen shows (not the copy it hands the tab, which
    is sent only when it changed)."""
    data = question(at)
    if data is not None:
        data = {k: v for k, v in data.items() if k != "copy"}
    state = kc(at)
    return dict(state["answers"]), state["current"], state["finished"], data, titles(at), [h.value for h in at.header]


def test_a_tap_on_a_question_no_longer_on_screen_changes_nothing(content):
    """A double tap: the first answer moves on, the second arrives naming the question just left.
    Whatever it is (the same answer, another, a tick that would raise a red flag, Back, Next,
    Stop, Clear), it is dropped: the new question is not answered, nor the old one changed."""
    at = start("self")
    tap(at, "answer_safety.now_0")  # "None of these": answered, on to the next
    tap(at, "answer_esc.frequency_3")
    assert kc(at)["current"] == "esc.more_than_before"
    before = on_screen(at)
    flagged = next(o for o in content.items["safety.now"].options if o.red_flag)
    for event, value in [("answer", ("esc.frequency", 3)), ("answer", ("esc.frequency", 1)),
                         ("answer", ("esc.frequency", 0)), ("toggle", ("safety.now", flagged.value)),
                         ("answer", ("safety.now", 0)), ("back", ("esc.frequency", True)),
                         ("next", ("esc.frequency", True)), ("stop", ("esc.frequency", True)),
                         ("clear", ("esc.frequency", True)), ("answer", ("no.such_item", 1))]:
        item, v = value
        send(at, event, {"item": item, "value": v})
        assert not at.exception, (event, value)
        assert on_screen(at) == before, (event, value)
    # And the screen still answers a tap on itself.
    tap(at, "answer_esc.more_than_before_1")
    assert kc(at)["answers"]["esc.more_than_before"] == 1


def test_an_event_that_is_not_one_of_the_questions_answers_changes_nothing(content):
    """The element's events come from the browser: a value the question does not offer, of the
    wrong kind, or a tick on a question that takes one answer is dropped, never stored, never an
    error on the page."""
    at = start("self")
    tap(at, "answer_safety.now_0")
    assert question(at)["item"] == "esc.frequency" and not content.offers_dont_know("self")
    offered = {o.value for o in content.items["esc.frequency"].options}
    before = on_screen(at)
    for event, value in [
        ("answer", {"item": "esc.frequency", "value": max(offered) + 1}),
        ("answer", {"item": "esc.frequency", "value": -1}),
        ("answer", {"item": "esc.frequency", "value": str(min(offered))}),  # "0", not 0
        ("answer", {"item": "esc.frequency", "value": float(min(offered))}),
        ("answer", {"item": "esc.frequency", "value": True}),  # not 1
        ("answer", {"item": "esc.frequency", "value": None}),
        ("answer", {"item": "esc.frequency", "value": [min(offered)]}),
        ("answer", {"item": "esc.frequency", "value": {"value": min(offered)}}),
        ("answer", {"item": "esc.frequency", "value": DONT_KNOW}),  # not offered to this audience
        ("answer", {"item": "esc.frequency"}),
        ("answer", {"value": min(offered)}),
        ("answer", min(offered)),
        ("answer", None),
        ("toggle", {"item": "esc.frequency", "value": min(offered)}),  # one answer: nothing to tick
    ]:
        send(at, event, value)
        assert not at.exception, (event, value)
        assert on_screen(at) == before, (event, value)
    # A question of several answers: only its own answers tick, and not "None of these".
    tap(at, "answer_esc.frequency_3")
    while kc(at)["current"] != "mix.with":
        tap(at, f"answer_{kc(at)['current']}_0")
    item = content.items["mix.with"]
    exclusive = next(o.value for o in item.options if o.exclusive)
    tickable = 1  # an answer it ticks: JSON's true equals it in Python, and 1.0 does
    assert any(o.value == tickable and not o.exclusive and not o.red_flag for o in item.options)
    before = on_screen(at)
    stored = []  # every value checked, each from the same screen, so one failure does not hide another
    for value in (max(o.value for o in item.options) + 1, exclusive, DONT_KNOW, str(tickable), float(tickable),
                  True, None, [tickable], {"value": tickable}):
        send(at, "toggle", {"item": "mix.with", "value": value})
        assert not at.exception, value
        if on_screen(at) != before:
            stored.append((value, kc(at)["answers"].get("mix.with")))
            kc(at)["answers"].pop("mix.with", None)
            at.run()
            assert on_screen(at) == before
    assert not stored, f"ticked, though not one of the question's answers (value sent, answer stored): {stored}"
    tap(at, f"answer_mix.with_{tickable}")  # its own answer still ticks
    assert kc(at)["answers"]["mix.with"] == (tickable,) and type(kc(at)["answers"]["mix.with"][0]) is int


def test_clear_my_answers_wipes_the_session(content):
    at = start("self")
    answer(at, 0)
    tap(at, "clear_answers")
    assert kc(at)["answers"] == {} and kc(at)["audience"] is None
    # Said, and the whole page shows the cleared check (not the old question, whose next tap failed).
    assert [t.value for t in at.toast] == ["Your answers are cleared."]
    assert not asking(at) and "First, choose who this check is for." in [i.value for i in at.info]


def test_clear_is_offered_only_with_answers_to_clear(content):
    at = start("self")
    assert "clear_answers" not in controls(at)
    answer(at, 0)
    assert "clear_answers" in controls(at)


def test_quick_exit_clears_and_leaves(content):
    at = start("self")
    answer(at, 0)
    tap(at, "quick_exit")
    assert kc(at)["answers"] == {}
    assert "Your answers are cleared" in texts(at)
    assert controls(at) == [] and question(at) is None  # nothing of the check is left on screen


def test_every_page_links_to_help_and_learn_in_one_labelled_tap(content):
    """One row of plain links (relative, so right under any base path), the page one is on in bold."""
    at = start("other")
    for page, here in (("pages/start.py", None), ("pages/check.py", "check"), ("pages/result.py", "result"),
                       ("pages/help.py", "help"), ("pages/family.py", "family"), ("pages/learn.py", "learn")):
        at.switch_page(page).run()
        assert not at.exception, page
        rows = [m.value for m in at.markdown if "[Help](help)" in m.value]
        assert len(rows) == 1, page
        links = re.findall(r"(\*\*)?\[([^\]]+)\]\(([^)]+)\)", rows[0])
        assert [label for _bold, label, _path in links] == ["Check", "Result", "Help", "For you", "Learn"], page
        assert [path for _bold, _label, path in links] == ["check", "result", "help", "family", "learn"], page
        assert [path for bold, _label, path in links if bold] == ([here] if here else []), page


# ------------------------------------------------------------------ intake


def test_intake_runs_every_module_by_default_and_can_switch_one_off(content):
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.button(key="pick_audience_intake").click().run()
    at.button(key="pick_prescribed_False").click().run()
    assert kc(at)["modules"] == ["audit_c", "sds", "dsm5_k", "detail"]
    assert at.button(key="start_check").label == "Start: 35 questions, about 7 minutes"  # with "using alone"
    at.toggle(key="module_on_sds").set_value(False).run()
    assert kc(at)["modules"] == ["audit_c", "dsm5_k", "detail"]
    assert at.button(key="start_check").label == "Start: 30 questions, about 6 minutes"
    at.button(key="start_check").click().run()
    answer_core(at, content, lambda item: 0)
    assert not any(k.startswith("sds.") for k in kc(at)["answers"])
    assert titles(at) == ["Few warning signs"]


def test_intake_clinician_summary_then_finish_and_clear(content):
    at = start("intake", region="IE")
    answer(at, 0)
    answer(at, 3)
    answer_core(at, content, lambda item: item.max_level)
    at.switch_page("pages/check.py").run()
    tap(at, "review")
    tap(at, "nav_next")
    tap(at, "nav_next")
    at.switch_page("pages/clinician.py").run()
    assert not at.exception
    answered = kc(at)["answers"]
    rows = [m.value for m in at.markdown if m.value.startswith("**") and "`" in m.value]
    assert len(rows) == len(answered)
    assert all(f"`{item_id}`" in "\n".join(rows) for item_id in answered)
    assert "Suggested next step" in texts(at)
    at.button(key="finish_clear").click().run()
    assert kc(at)["answers"] == {} and kc(at)["audience"] is None
    at.switch_page("pages/clinician.py").run()
    assert "Every answer" not in texts(at)  # nothing of the last person is reachable
    at.switch_page("pages/result.py").run()
    assert "no result yet" in texts(at)


def test_clinician_rows_mark_red_flags(content):
    at = start("intake", region="UK")
    tap(at, "answer_safety.now_9")  # thoughts of ending my life, now
    at.switch_page("pages/clinician.py").run()
    assert "RED FLAG: Thoughts of suicide or self-harm" in texts(at)
    assert "Thoughts of suicide or self-harm (now, emergency)" in [e.value for e in at.error][0]


def test_region_defaults_from_the_browser_locale():
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "en-NZ"
    at.run()
    assert at.session_state["kc"]["region"] == "NZ"


def test_no_markdown_is_rendered_as_raw_html(content):
    at = start("self")
    answer_core(at, content, lambda item: item.max_level)
    for page in ("pages/result.py", "pages/help.py", "pages/learn.py", "pages/check.py", "pages/start.py",
                 "pages/family.py"):
        at.switch_page(page).run()
        assert all(not m.proto.allow_html for m in at.markdown), page
        # st.html is used only for our fixed stylesheet.
        assert all(h.proto.body.lstrip().startswith("<style>") for h in at.get("html")), page


@pytest.mark.parametrize(("locale", "region", "emergency"),
                         [("zh-HK", "HK", "999"), ("zh-TW", "TW", "119"), ("es-ES", "ES", "112"), ("es-MX", "MX", "911"),
                          ("es-US", "US", "911"), ("es", "INTL", "112")])
def test_a_new_regions_browser_opens_on_its_emergency_number(locale, region, emergency):
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = locale
    at.run()
    assert not at.exception
    assert at.session_state["kc"]["region"] == region
    assert f"**[{emergency}](tel:{emergency})**" in texts(at)  # in the browser's language (test_app_languages.py)


@pytest.mark.parametrize("region", ["HK", "MX", "UK"])
def test_help_shows_the_regions_legal_note(content, region):
    at = start("self", region=region)
    at.switch_page("pages/help.py").run()
    assert not at.exception
    assert f"The law and confidentiality: {content.regions[region].name}" in texts(at)
    assert content.regions[region].legal_note in texts(at)

"""The app as a person meets it, driven with Streamlit's AppTest: every audience from the start
page to the result, red flags mid-check, Back, clearing, and the clinician hand-off."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ketacheck import scoring, submission
from ketacheck.model import AUDIENCES
from conftest import ROOT

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


def answer(at: AppTest, value: int) -> None:
    at.button(key=f"answer_{kc(at)['current']}_{value}").click().run()
    assert not at.exception


def answer_all(at: AppTest, content, level_for) -> None:
    """Answer every question the flow shows, choosing by `level_for(item)`; stop at the end."""
    for _ in range(len(content.items) + 5):
        if kc(at)["finished"]:
            return
        item = content.items[kc(at)["current"]]
        level = min(level_for(item), item.max_level)
        answer(at, next(o.value for o in item.options if o.level == level))
    raise AssertionError("the check never finished")


def engine_result(at: AppTest, content) -> scoring.Result:
    state = kc(at)
    doc = {k: state[k] for k in ("audience", "region", "prescribed", "sex")} | {"answers": state["answers"]}
    return scoring.score(submission.parse(doc, content), content)


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "header", "subheader", "title", "info", "error", "success")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("prescribed", [False, True])
def test_each_audience_reaches_a_result_equal_to_the_engine(content, audience, prescribed):
    at = start(audience, prescribed, region="AU")
    # Concerning answers everywhere except safety: many warning signs, no red flag.
    answer_all(at, content, lambda item: 0 if item.red_flag else item.max_level)
    asked = set(kc(at)["answers"])
    assert asked == {i.id for i in content.flow(audience, prescribed) if scoring.visible(i, kc(at)["answers"], content)}
    at.button(key="see_result").click().run()
    assert not at.exception
    expected = engine_result(at, content)
    assert expected.tier == "high"
    assert at.title[0].value == expected.tier_label
    page = texts(at)
    assert "not a diagnosis" in page
    for reason in expected.reasons:
        assert reason in page
    for sign in expected.signs:
        assert any(e.label.startswith(sign.name) for e in at.expander)
    if audience == "other":
        assert not expected.instruments  # validated instruments are self-report only
    else:
        assert set(expected.instruments) == {"audit_c", "sds", "dsm5_k"}
        for inst in expected.instruments.values():
            assert inst.validation["statement"] in page
    # Every chart has a text equivalent beside it.
    assert len(at.get("plotly_chart")) >= 2


def test_low_answers_give_low_and_point_to_the_region(content):
    at = start("self", region="NZ")
    answer_all(at, content, lambda item: 0)
    at.button(key="see_result").click().run()
    assert engine_result(at, content).tier == "low"
    assert at.title[0].value == "Few warning signs"
    at.switch_page("pages/help.py").run()
    links = [b.proto.url for b in at.get("link_button")]
    assert "tel:111" in links and "tel:1737" in links  # NZ emergency and crisis


def test_red_flag_mid_check_shows_emergency_contacts_at_once(content):
    at = start("other", region="US")
    answer(at, 0)  # ctx.sud_history
    assert kc(at)["current"] == "safety.unresponsive"
    assert "Get help now" not in [s.value for s in at.header]
    answer(at, 1)  # unresponsive: yes
    # Next render, still mid-check: the panel leads the page with a call button for 911.
    assert at.header[0].value == "Get help now"
    assert kc(at)["finished"] is False
    links = [b.proto.url for b in at.get("link_button")]
    assert links[0] == "tel:911" and "tel:988" in links
    assert "recovery position" in texts(at)


@pytest.mark.parametrize("region", ["UK", "IE", "CA", "AU", "NZ", "INTL"])
def test_emergency_number_matches_the_region(content, region):
    at = start("self", region=region)
    answer(at, 0)
    at.button(key="answer_safety.unresponsive_1").click().run()
    emergency = next(r for r in content.regions[region].resources if r.type == "emergency")
    assert at.get("link_button")[0].proto.url == f"tel:{emergency.phone.replace(' ', '')}"


def test_back_keeps_answers_and_shows_the_chosen_option(content):
    at = start("self")
    answer(at, 1)  # ctx.sud_history: yes, in the past
    answer(at, 0)  # safety.unresponsive: no
    before = dict(kc(at)["answers"])
    at.button(key="nav_back").click().run()
    assert kc(at)["current"] == "safety.unresponsive"
    assert at.button(key="answer_safety.unresponsive_0").proto.type == "primary"
    at.button(key="nav_back").click().run()
    assert at.button(key="answer_ctx.sud_history_1").proto.type == "primary"
    assert kc(at)["answers"] == before
    # Leaving for another page and coming back loses nothing.
    at.switch_page("pages/learn.py").run()
    at.switch_page("pages/check.py").run()
    assert kc(at)["answers"] == before and kc(at)["current"] == "ctx.sud_history"


def test_follow_ups_that_do_not_apply_are_not_asked(content):
    at = start("self")
    answer_all(at, content, lambda item: 0)
    answered = set(kc(at)["answers"])
    assert "mix.alcohol" in answered and "mix.alcohol_amount" not in answered
    assert "audit_c.1" in answered and "audit_c.2" not in answered


def test_prescribed_flow_asks_about_drift_and_excludes_tolerance(content):
    at = start("self", prescribed=True)
    answer_all(at, content, lambda item: 1 if item.id == "dsm5_k.10" or item.id == "dsm5_k.4" else 0)
    assert {"rx.extra_doses", "rx.other_sources", "rx.between_sessions", "rx.hiding"} <= set(kc(at)["answers"])
    at.button(key="see_result").click().run()
    assert "1 of 10 criteria met" in texts(at)


def test_clear_my_answers_wipes_the_session(content):
    at = start("self")
    answer(at, 1)
    at.button(key="clear_answers").click().run()
    assert kc(at)["answers"] == {} and kc(at)["audience"] is None


def test_quick_exit_clears_and_leaves(content):
    at = start("self")
    answer(at, 1)
    at.button(key="quick_exit").click().run()
    assert kc(at)["answers"] == {}
    assert "Your answers are cleared" in texts(at)
    assert [b.key for b in at.button] == []  # nothing of the check is left on screen


def test_intake_clinician_summary_then_finish_and_clear(content):
    at = start("intake", region="IE")
    answer_all(at, content, lambda item: 1)
    at.button(key="see_result").click().run()
    at.button(key="to_clinician").click().run()
    assert not at.exception
    table = at.table[0].value
    answered = kc(at)["answers"]
    assert len(table) == len(answered) and set(table["Item"]) == set(answered)
    assert "RED FLAG" in set(table["Flag"])
    assert "Suggested next step" in texts(at)
    at.button(key="finish_clear").click().run()
    assert kc(at)["answers"] == {} and kc(at)["audience"] is None
    at.switch_page("pages/clinician.py").run()
    assert not at.table  # nothing of the last person is reachable
    at.switch_page("pages/result.py").run()
    assert "no result yet" in texts(at)


def test_region_defaults_from_the_browser_locale():
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "en-NZ"
    at.run()
    assert at.session_state["kc"]["region"] == "NZ"


def test_loved_one_help_includes_conversation_and_family_support(content):
    at = start("other", region="UK")
    answer_all(at, content, lambda item: 0)
    at.switch_page("pages/help.py").run()
    titles = [e.label for e in at.expander]
    sections = {s.id: s.title for s in content.education.sections}
    for sid in content.tiers.audience_sections["other"]:
        assert sections[sid] in titles
    assert any("family" in (c.value or "").lower() or "Family" in (c.value or "") for c in at.markdown)


def test_no_markdown_is_rendered_as_raw_html(content):
    at = start("self")
    answer_all(at, content, lambda item: item.max_level)
    at.button(key="see_result").click().run()
    for page in ("pages/result.py", "pages/help.py", "pages/learn.py", "pages/check.py", "pages/start.py"):
        at.switch_page(page).run()
        assert all(not m.proto.allow_html for m in at.markdown), page
        # st.html is used only for our fixed stylesheet.
        assert all(h.proto.body.lstrip().startswith("<style>") for h in at.get("html")), page

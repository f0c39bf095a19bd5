"""The app in another language, as a Spanish-speaking person meets it (AppTest): the browser's
language is the first guess, every page has a switch that keeps the answers, and the words on
screen, the content's and the app's own, are in that language."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from helpers import question, question_words, tap

APP = str(ROOT / "app.py")


def open_app(locale: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = locale
    at.run()
    assert not at.exception
    return at


def texts(at: AppTest) -> str:
    """The words on the page: Streamlit's text elements, and the question element's."""
    parts = [e.value for kind in ("markdown", "caption", "header", "subheader", "title", "info", "error", "success",
                                  "warning") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in [*parts, *question_words(at)])


def progress(at: AppTest) -> str:
    return question(at)["progress_text"]


@pytest.mark.parametrize(("locale", "language", "region", "emergency"), [
    ("es-ES", "es", "ES", "112"), ("es-MX", "es", "MX", "911"), ("es-US", "es", "US", "911"),
    ("es", "es", "INTL", "112"),  # Spanish, but no country: the region is asked (Other countries)
    ("en-GB", "en", "UK", "999"),
    ("zh-HK", "zh-Hant", "HK", "999"), ("zh-Hant-HK", "zh-Hant", "HK", "999"), ("zh-TW", "zh-Hant", "TW", "119"),
    ("zh-CN", "zh-Hans", "INTL", "112"),
    ("zh", "en", "INTL", "112"),  # bare zh: the start page asks, in both scripts
])
def test_the_browser_language_is_the_first_guess(locale, language, region, emergency):
    at = open_app(locale)
    kc = at.session_state["kc"]
    assert (kc["language"], kc["region"]) == (language, region)
    if language == "es":
        assert f"¿En peligro ahora? Llama al **[{emergency}](tel:{emergency})**." in texts(at)
        assert "**No es un diagnóstico**" in texts(at)
        assert [b.label for b in at.button][:2] == ["Salir rápido de esta web", "Para mí"]
    assert at.selectbox(key="language_switch").value == language
    if language == "zh-Hant":
        assert f"現在有危險？請致電 **[{emergency}](tel:{emergency})**。" in texts(at)
        assert [b.label for b in at.button][:2] == ["快速離開此網站", "我自己"]
    if language == "zh-Hans":
        assert f"现在有危险？请拨打 **[{emergency}](tel:{emergency})**。" in texts(at)
    asked = "請在上面選擇語言" in texts(at)
    assert asked == (locale == "zh")


def test_a_whole_spanish_core_check_then_the_switch_keeps_every_answer(content):
    at = open_app("es-MX")
    at.button(key="pick_audience_other").click().run()
    at.button(key="pick_prescribed_False").click().run()
    at.button(key="start_check").click().run()
    assert question(at)["title"] == "Ahora mismo, ¿le está pasando algo de esto?"
    tap(at, "answer_safety.now_0")  # Nada de esto
    tap(at, "answer_esc.frequency_3")
    assert at.session_state["kc"]["answers"] == {"safety.now": (0,), "esc.frequency": 3}
    shown = texts(at)
    assert "pregunta 3 de" in progress(at)
    for english in ("question", "Choose", "Don't know", "Back"):
        assert english not in shown, english
    at.selectbox(key="language_switch").set_value("en").run()
    assert at.session_state["kc"]["answers"] == {"safety.now": (0,), "esc.frequency": 3}
    assert at.session_state["kc"]["language"] == "en"
    assert "question 3 of" in progress(at)
    at.selectbox(key="language_switch").set_value("es").run()
    assert "pregunta 3 de" in progress(at)


def test_a_red_flag_in_spanish_gives_the_regions_number_in_spanish():
    at = open_app("es-ES")
    at.button(key="pick_audience_self").click().run()
    at.button(key="pick_prescribed_False").click().run()
    at.button(key="start_check").click().run()
    tap(at, "answer_safety.now_2")  # breathing
    assert at.header[0].value == "Pide ayuda ahora"
    assert at.get("link_button")[0].proto.label == "Llama al 112: Servicios de emergencia (112)"
    assert "Mientras esperas la ayuda" in texts(at)


def test_a_red_flag_in_chinese_is_punctuated_in_chinese():
    """The panel named the sign, then an English full stop: "**没有反应或叫不醒**. 有人..."."""
    from ketacheck import loader

    at = open_app("zh-CN")
    at.button(key="pick_audience_self").click().run()
    at.button(key="pick_prescribed_False").click().run()
    at.button(key="start_check").click().run()
    tap(at, "answer_safety.now_1")  # cannot be woken
    flags = loader.load(language="zh-Hans").red_flags
    lines = [m.value for m in at.markdown if m.value.startswith("**") and any(f"**{f.name}" in m.value for f in flags.values())]
    assert lines and all("**：" in line and "**." not in line and ". " not in line for line in lines), lines
    assert "112" in lines[0]


def test_how_long_the_check_is_reads_in_chinese_punctuation():
    """The Start button said "開始：15 個問題, 約 3 分鐘": the two halves joined by the code's English comma."""
    at = open_app("zh-TW")
    at.button(key="pick_audience_self").click().run()
    at.button(key="pick_prescribed_False").click().run()
    label = at.button(key="start_check").label
    assert label == "開始：15 個問題，約 3 分鐘", label
    assert any("15 個問題，約 3 分鐘" in c.value for c in at.caption)


def test_the_clinician_page_lists_in_chinese_punctuation():
    """Lists of red flags and of an answer's choices were joined with the code's "; "."""
    at = open_app("zh-HK")
    at.button(key="pick_audience_intake").click().run()
    at.button(key="pick_prescribed_False").click().run()
    at.button(key="start_check").click().run()
    tap(at, "answer_safety.now_1")  # cannot be woken (a multiple choice: tick two)
    tap(at, "answer_safety.now_2")
    at.switch_page("pages/clinician.py").run()
    assert not at.exception
    flags = at.error[0].value
    assert "；" in flags and "; " not in flags, flags
    row = next(m.value for m in at.markdown if "`safety.now`" in m.value)
    assert "；" in row and "; " not in row, row


def test_help_in_spanish_shows_the_legal_note_and_cards():
    at = open_app("es-ES")
    at.switch_page("pages/help.py").run()
    assert not at.exception
    shown = texts(at)
    assert "**La ley y la confidencialidad: España**" in shown
    assert "Ley Orgánica 4/2015" in shown and "Línea 024 de atención a la conducta suicida" in shown


def test_the_page_says_its_language_for_html_lang():
    at = open_app("es-ES")
    assert any('--kc-lang: "es"' in h.proto.body for h in at.get("html"))


def test_each_person_gets_pages_of_their_own_named_in_their_language():
    """The pages (and the browser tab's titles) are made once per language and copied for each
    person (ketacheck/ui/page_list.py): Streamlit marks the page it runs on the page object itself, so
    two people must never hold the same one."""
    spanish, english, other = open_app("es-ES"), open_app("en-US"), open_app("en-US")

    def titles(at: AppTest) -> dict[str, str]:
        return {p.url_path: p.title for p in at.session_state["_pages"]}

    assert titles(spanish)["result"] == "Resultado — KetaCheck"
    assert titles(english)["result"] == "Result — KetaCheck"
    assert titles(other) == titles(english)
    assert not {id(p) for p in english.session_state["_pages"]} & {id(p) for p in other.session_state["_pages"]}
    # Each goes on to its own page from what it holds.
    for at, words in ((spanish, "Todavía no hay resultado"), (other, "There is no result yet")):
        at.switch_page("pages/result.py").run()
        assert not at.exception
        assert words in texts(at)

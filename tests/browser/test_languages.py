"""The languages in a real browser on a phone (390×844): the browser's language is the first guess
(zh-HK, zh-TW, es-ES, es-MX, es-US), `<html lang>` follows, the switch keeps the answers, and a whole
check in Spanish shows no English sentence on any screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page

from ketacheck import loader
from ketacheck.translations import content_messages, ui_messages, ui_template
from .conftest import (PROGRESS, answer, button, by_key, chosen, current_question, mixed_answers, on_result,
                      open_app, open_first_screen, start_check, wait_for_app)

PHONE_SIZE = {"width": 390, "height": 844}

CASES = [
    # locale, language, region, emergency, words on the start page
    ("zh-HK", "zh-Hant", "HK", "999", "快速離開此網站"),
    ("zh-TW", "zh-Hant", "TW", "119", "這個檢查是為誰而做？"),
    ("es-ES", "es", "ES", "112", "¿Para quién es esta comprobación?"),
    ("es-MX", "es", "MX", "911", "¿Para quién es esta comprobación?"),
    ("es-US", "es", "US", "911", "¿Para quién es esta comprobación?"),
]


def phone(browser: Browser, locale: str):
    return browser.new_context(viewport=PHONE_SIZE, locale=locale, has_touch=True, is_mobile=True)


def html_lang(page: Page) -> str:
    page.wait_for_function("(want) => document.documentElement.lang === want",
                           arg=page.evaluate("() => getComputedStyle(document.documentElement).getPropertyValue('--kc-lang').trim().replace(/\"/g, '')"))
    return page.evaluate("() => document.documentElement.lang")


def switch_language(page: Page, name: str) -> None:
    box = by_key(page, "language_switch")
    field = box.locator("input")
    option = page.get_by_role("option", name=name, exact=True)
    field.scroll_into_view_if_needed()
    for attempt in range(4):  # as conftest.choose_region: type, open the list, tap the option
        wait_for_app(page)  # a rerun redraws the list under the tap
        field.fill(name)
        page.keyboard.press("ArrowDown")
        try:
            option.click(timeout=10000)  # a busy machine opens the list slowly
            break
        except Exception:  # the list closed or was redrawn (a late rerun): try again
            if attempt == 3:
                raise
            page.keyboard.press("Escape")
    wait_for_app(page)
    assert field.input_value() == name


@pytest.mark.parametrize(("locale", "language", "region", "emergency", "words"), CASES, ids=[c[0] for c in CASES])
def test_the_browser_language_is_the_first_guess(browser: Browser, server: str, locale, language, region,
                                                 emergency, words):
    context = phone(browser, locale)
    page = context.new_page()
    try:
        # The static first screen, before any script: its language, region and emergency number.
        with page.expect_response(server + "/") as reply:
            open_first_screen(page, server)
        assert reply.value.headers["content-language"] == language
        assert page.evaluate("() => document.documentElement.lang") == language
        page.get_by_text(words, exact=True).filter(visible=True).first.wait_for()
        assert page.locator("#kc-region").input_value() == region
        assert page.locator(f"[data-region='{region}']:not([hidden]) a[href='tel:{emergency}']").count() == 1
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE_SIZE["width"]
        # And the app's own start page guesses the same.
        open_app(page, server + "/start")
        page.get_by_text(words, exact=True).filter(visible=True).first.wait_for()
        assert html_lang(page) == language
        content = loader.load(language=language)
        assert by_key(page, "start_region").locator("input").input_value() == content.regions[region].name
        assert page.locator(f".st-key-crisis_line a[href='tel:{emergency}']").count() == 1
        # Nothing is wider than the phone (long Spanish labels, Chinese lines that must break).
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE_SIZE["width"]
    finally:
        context.close()


def test_a_bare_zh_chooses_its_script_on_the_first_screen(browser: Browser, server: str):
    context = phone(browser, "zh")
    page = context.new_page()
    try:
        open_first_screen(page, server)
        assert page.evaluate("() => document.documentElement.lang") == "en"  # not a guessed script
        page.locator("a[hreflang='zh-Hans']").click()
        page.wait_for_function("() => document.documentElement.lang === 'zh-Hans'")
        page.get_by_text("这个检查是为谁而做？", exact=True).wait_for()
    finally:
        context.close()


def test_the_switch_keeps_every_answer_and_html_lang_follows(browser: Browser, server: str):
    context = phone(browser, "es-MX")
    page = context.new_page()
    try:
        # Chosen on the static first screen, in Spanish: the check opens in Spanish (the tab's copy).
        start_check(page, server, loader.load(language="es"))
        es = loader.load(language="es")
        first = current_question(page, es)
        answer(page, first, [0])  # Nada de esto
        second = current_question(page, es)
        answer(page, second, 1)
        assert "pregunta 3 de" in page.locator(PROGRESS).inner_text()
        switch_language(page, "繁體中文")
        assert html_lang(page) == "zh-Hant"
        assert "第 3 題" in page.locator(PROGRESS).inner_text()
        switch_language(page, "English")
        assert html_lang(page) == "en"
        assert "question 3 of" in page.locator(PROGRESS).inner_text()
        # Back to the first two answers: still there, as chosen.
        button(page, "nav_back").click()
        wait_for_app(page)
        assert chosen(page, f"answer_{second.id}_1").count() == 1
    finally:
        context.close()


def _english_sentences() -> set[str]:
    """Every English sentence KetaCheck itself says (content and app), six words or more."""
    raw = {name: loader._read_yaml(loader.DEFAULT_DIR / name, []) for name in loader.FILES}
    ids = set(content_messages(raw)) | set(ui_messages(ui_template(loader.DEFAULT_DIR)))
    out = set()
    for text in ids:
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            plain = re.sub(r"\{[^}]*\}|[*_`]", "", sentence).strip()
            if len(plain.split()) >= 6 and re.search(r"[a-z]", plain):
                out.add(plain)
    return out


def test_a_whole_spanish_check_shows_no_english_sentence(browser: Browser, server: str):
    english = _english_sentences()
    assert len(english) > 500 and "If something is happening now, help comes first." in english  # the check can bite
    context = phone(browser, "es-ES")
    page = context.new_page()
    seen: list[str] = []

    def no_english(where: str) -> None:
        text = page.locator("[data-testid='stMain']").inner_text()
        found = [s for s in english if s in text]
        assert not found, (where, found[:3])
        seen.append(where)

    try:
        open_first_screen(page, server)
        first_screen = page.locator("body").inner_text()
        assert not [s for s in english if s in first_screen], "the first screen has English"
        open_app(page, server + "/start")
        no_english("start")
        start_check(page, server, loader.load(language="es"))
        es = loader.load(language="es")
        for _ in range(60):
            if on_result(page):
                break
            no_english(page.locator(PROGRESS).inner_text())
            item = current_question(page, es)
            answer(page, item, mixed_answers(item))
        page.wait_for_url(server + "/result")
        page.locator("h1").filter(visible=True).first.wait_for()
        wait_for_app(page)
        no_english("result")
        assert len(seen) >= 14
        # What is not on the page's face follows too: the tab's title, the row of page links' name
        # (read out by screen readers) and the manifest an install would use.
        page.wait_for_function("() => document.title === 'Resultado — KetaCheck'")
        page.wait_for_function("""() => document.querySelector('.st-key-page_links[aria-label="Páginas"]') !== null""")
        assert page.locator("link[rel='manifest']").get_attribute("href") == "/app.es.webmanifest"
        # The switch names the language the page is in (after the last answer opened the result it
        # showed "English" over a Spanish page).
        assert page.locator(".st-key-language_switch input").input_value() == "Español"
    finally:
        context.close()


CLIPPED = """() => {
  const out = [];
  for (const el of document.querySelectorAll('button, a, label, legend, h1, h2, [data-testid=stMarkdownContainer] p')) {
    const box = el.getBoundingClientRect();
    if (!box.width || getComputedStyle(el).visibility === 'hidden') continue;
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
      out.push(`${el.tagName} "${el.textContent.trim().slice(0, 40)}" clipped (${el.scrollWidth} > ${el.clientWidth})`);
    if (box.right > window.innerWidth + 1) out.push(`${el.tagName} "${el.textContent.trim().slice(0, 40)}" past the screen (${box.right})`);
  }
  return out;
}"""


@pytest.mark.parametrize("locale", ["zh-HK", "zh-CN", "es-MX"])
def test_text_at_200_percent_fits_the_phone(browser: Browser, server: str, locale: str):
    # Text twice the size (a browser's text-size setting), as Chinese lines must break and Spanish
    # labels run about a quarter longer: nothing wider than 390 px, no label cut off.
    context = browser.new_context(viewport=PHONE_SIZE, locale=locale, has_touch=True, is_mobile=True, bypass_csp=True)
    page = context.new_page()
    bigger = "html { font-size: 200% !important; } body { font-size: 34px !important; }"
    try:
        open_first_screen(page, server)
        page.add_style_tag(content=bigger)
        assert page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 32
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE_SIZE["width"]
        assert page.evaluate(CLIPPED) == []
        language = {"zh-HK": "zh-Hant", "zh-CN": "zh-Hans", "es-MX": "es"}[locale]
        start_check(page, server, loader.load(language=language))
        page.add_style_tag(content=bigger)
        wait_for_app(page)
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE_SIZE["width"]
        assert page.evaluate(CLIPPED) == []
    finally:
        context.close()

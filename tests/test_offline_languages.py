"""The pages and scripts that work without the app, in every language: the offline card, the
manifest, and the words /pwa.js and /assist.js show (the reconnect banner, landmark names)."""

from __future__ import annotations

import json
import re

import pytest
from starlette.applications import Starlette

from ketacheck import loader
from ketacheck.web import offline_page, pwa, script_words
from tests.test_web import call

LANGUAGES = ["es", "zh-Hant", "zh-Hans"]


@pytest.fixture(scope="module")
def app():
    return Starlette(routes=pwa.routes(loader.load()))


def get(app, path: str) -> bytes:
    status, _, body = call(app, path)
    assert status == 200, path
    return body


def _visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(style|title)>.*?</\1>", " ", html, flags=re.S))


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_its_own_offline_card_with_no_english_sentence(app, language):
    content = loader.load(language=language)
    html = get(app, offline_page.path(language)).decode("utf-8")
    english = get(app, "/offline.html").decode("utf-8")
    assert f'<html lang="{language}">' in html and '<html lang="en">' in english
    # Every sentence of the English card is gone (numbers, names and keywords stay as they are).
    for sentence in re.findall(r"[A-Z][a-z][^<>.;:]{12,}[.;]", _visible_text(english)):
        assert sentence not in html, sentence
    assert content.ui.gettext("Emergency and crisis numbers") in html
    # Hong Kong's emergency number and its region name in this language.
    assert 'href="tel:999"' in html and content.regions["HK"].name in html
    # The other cards are a link away, each named in its own language, without scripts.
    for other in ["en", *LANGUAGES]:
        if other != language:
            assert f'href="{offline_page.path(other)}" lang="{other}"' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_a_manifest_that_names_the_app_in_it(app, language):
    content = loader.load(language=language)
    manifest = json.loads(get(app, script_words.manifest_path(language)))
    english = json.loads(get(app, "/app.webmanifest"))
    assert manifest["lang"] == language and english["lang"] == "en"
    assert manifest["id"] == english["id"] == "/"  # one app, whatever the language it was installed in
    assert manifest["name"] != english["name"] and manifest["description"] != english["description"]
    assert manifest["name"] == content.ui.gettext(english["name"])


def _table(script: str) -> dict:
    match = re.search(r"var WORDS = (\{.*?\});\n", script)
    assert match, "the words table was not written into the script"
    return json.loads(match.group(1))


def test_the_scripts_carry_every_languages_words_and_point_to_served_pages(app):
    for path in ("/pwa.js", "/assist.js"):
        script = get(app, path).decode("utf-8")
        assert "__WORDS__" not in script
        table = _table(script)
        assert set(table) == {"en", *LANGUAGES}
        for language, words in table.items():
            get(app, words["offline"])
            get(app, words["manifest"])
            if language != "en":
                assert words["lost"] != table["en"]["lost"] and words["pages"] != table["en"]["pages"]
                assert "{number}" in words["call"]
    worker = get(app, "/sw.js").decode("utf-8")
    assert "__OFFLINE__" not in worker and "__MANIFESTS__" not in worker
    # The worker keeps every card for when the network is gone.
    precache = json.loads(re.search(r"const OFFLINE = (\{.*?\});", worker).group(1))
    assert precache == {lang: offline_page.path(lang) for lang in ["en", *LANGUAGES]}

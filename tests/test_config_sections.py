"""serve.py looks Streamlit's theme options up by section (ketacheck/web/config_sections.py): every
run's first message must carry exactly the theme Streamlit's own lookup gives, before and after the
config changes, or the app would lose its colours, contrast and heading sizes."""

from __future__ import annotations

import pytest
from streamlit import config
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime import app_session

from ketacheck.web import config_sections

SECTIONS = ["theme", "theme.light", "theme.dark", "theme.sidebar", "theme.light.sidebar", "theme.dark.sidebar",
            "server", "client", "browser", "runner", "no.such.section"]


@pytest.fixture
def installed():
    before = config.get_options_for_section  # another test may have run serve.main, which installs it
    config.get_options_for_section = config_sections._ORIGINAL
    assert config_sections.install()
    yield
    config.get_options_for_section = before


def theme_message() -> bytes:
    """The theme part of a run's first message, as AppSession fills it."""
    msg = ForwardMsg()
    app_session._populate_theme_msg(msg.new_session.custom_theme)
    app_session._populate_theme_msg(msg.new_session.custom_theme.light, "theme.light")
    app_session._populate_theme_msg(msg.new_session.custom_theme.dark.sidebar, "theme.dark.sidebar")
    return msg.SerializeToString()


def test_each_section_gives_what_streamlits_lookup_gives_in_its_order(installed):
    config.get_config_options(force_reparse=True)  # the project's .streamlit/config.toml, as served
    assert config.get_option("theme.primaryColor") == "#1F5F8B"
    for section in SECTIONS:
        ours = config.get_options_for_section(section)
        assert list(ours.items()) == list(config_sections._ORIGINAL(section).items()), section
    assert config.get_options_for_section("theme")["headingFontSizes"] == ["2rem", "1.5rem", "1.25rem"]


def test_a_changed_option_and_a_new_parse_show_at_once(installed):
    config.get_config_options(force_reparse=True)
    before = theme_message()
    config.set_option("theme.primaryColor", "#123456")
    try:
        assert config.get_options_for_section("theme")["primaryColor"] == "#123456"
        assert theme_message() != before
    finally:
        config.get_config_options(force_reparse=True)
    assert config.get_options_for_section("theme")["primaryColor"] == "#1F5F8B"
    assert theme_message() == before
    # A new parse (as `serve.py --set` makes) is a new set of options: the index follows it.
    config.get_config_options(force_reparse=True, options_from_flags={"theme.textColor": "#000000"})
    try:
        assert config.get_options_for_section("theme")["textColor"] == config_sections._ORIGINAL("theme")["textColor"] == "#000000"
    finally:
        config.get_config_options(force_reparse=True)
    assert config.get_options_for_section("theme")["textColor"] == "#1B2631"


def test_it_leaves_a_lookup_it_does_not_know_alone(monkeypatch):
    def someone_elses(section):
        return {}
    monkeypatch.setattr(config, "get_options_for_section", someone_elses)
    assert not config_sections.install()
    assert config.get_options_for_section is someone_elses


def test_serve_installs_it(monkeypatch):
    import serve

    original = config.get_options_for_section
    config.get_options_for_section = config_sections._ORIGINAL
    monkeypatch.setattr(serve.uvicorn, "run", lambda *a, **k: None)
    try:
        assert serve.main(["--port", "0"]) == 0
        assert config.get_options_for_section is config_sections.get_options_for_section
    finally:
        config.get_options_for_section = original

"""The app starts on valid content and refuses, saying why, on broken content."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from conftest import ROOT


def test_app_refuses_broken_content_and_names_the_problem(content_copy, monkeypatch):
    text = (content_copy / "tiers.yaml").read_text().replace("    criteria: 2\n", "    criteria: 5\n")
    (content_copy / "tiers.yaml").write_text(text)
    monkeypatch.setenv("KETACHECK_CONTENT", str(content_copy))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert "cannot start" in at.error[0].value
    assert "tiers.yaml: rule: some.criteria (5) must be below many.criteria (4)" in at.code[0].value

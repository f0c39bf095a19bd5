"""Shared fixtures: the real content, and helpers to build answer sets from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ketacheck import loader
from ketacheck.loader import Content

ROOT = Path(__file__).resolve().parent.parent
ASSESSMENTS = ROOT / "assessments"


@pytest.fixture(scope="session")
def content() -> Content:
    return loader.load(ASSESSMENTS)


@pytest.fixture()
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of assessments/ for tests that break it on purpose."""
    target = tmp_path / "assessments"
    shutil.copytree(ASSESSMENTS, target)
    return target

"""Shared fixtures: the real content, and helpers to build answer sets from it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ketacheck import loader
from ketacheck.loader import Content

ROOT = Path(__file__).resolve().parent.parent
ASSESSMENTS = ROOT / "assessments"


@pytest.fixture(scope="session", autouse=True)
def content_cache_dir(tmp_path_factory: pytest.TempPathFactory):
    """The command line keeps validated content between runs (ketacheck/content_cache.py): every
    command the tests run, here or in a child process, uses a throwaway folder, never the user's cache."""
    before = os.environ.get("KETACHECK_CACHE_DIR")
    os.environ["KETACHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("content-cache"))
    yield Path(os.environ["KETACHECK_CACHE_DIR"])
    if before is None:
        os.environ.pop("KETACHECK_CACHE_DIR", None)
    else:
        os.environ["KETACHECK_CACHE_DIR"] = before


@pytest.fixture(scope="session")
def content() -> Content:
    return loader.load(ASSESSMENTS)


@pytest.fixture()
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of assessments/ for tests that break it on purpose."""
    target = tmp_path / "assessments"
    shutil.copytree(ASSESSMENTS, target)
    return target

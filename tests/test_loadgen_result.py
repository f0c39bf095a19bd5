"""The load generator reads the level off the result page however a rewrite draws it, as long as
the page keeps its promise (`benchmarks.loadgen.RESULT_LEVEL_KEY`): the level's label as the page's
`st.title`, and/or inside a container keyed `result_level`. A page that breaks the promise, or
names two different levels there, is an error rather than a silent pass.

The layouts are real Streamlit pages (tests/result_layouts/app.py) served by `serve.py` and read
over the WebSocket protocol, so what is checked is the delta stream Streamlit really sends.
The real result page is read the same way by tests/test_load_correctness.py and the benchmark
smoke (tests/test_bench_smoke.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from benchmarks import loadgen
from benchmarks.protocol import ProtocolError, StreamlitSession
from benchmarks.servers import ServerProcess
from ketacheck.loader import Content

START_TIMEOUT_S = 60


@pytest.fixture(scope="module")
def layouts_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = ServerProcess(tmp_path_factory.mktemp("layouts"), app="tests.result_layouts.server:app", name="layouts")
    try:
        server.start(timeout=START_TIMEOUT_S)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server.url
    finally:
        server.stop()


def shown(url: str, content: Content | None, level: str, layout: str) -> str:
    """Open the stand-in page, draw `level` in `layout`, and read it as the load generator does."""
    async def go() -> str:
        async with StreamlitSession(url) as tab:
            await tab.rerun()
            await tab.click(f"level_{level}")
            await tab.click(f"layout_{layout}")
            assert not tab.problems, tab.problems
            return loadgen.read_level(tab, content)
    return asyncio.run(go())


def label_of(content: Content, level: str) -> str:
    tier = next(t for t in content.tiers.tiers if t.id == level)
    return tier.same_day.label if level == "urgent" and tier.same_day else tier.label


def test_every_label_in_the_content_is_a_level_the_reader_knows(content: Content):
    labels = loadgen.level_labels(content)
    for tier in content.tiers.tiers:
        assert tier.label in labels
    # Urgent help today has its own words; it is a level on the page like any other.
    assert {t.same_day.label for t in content.tiers.tiers if t.same_day and t.same_day.label} <= labels


@pytest.mark.parametrize("layout", ["title", "promised", "in_container", "decorated", "nested", "with_legend"])
def test_each_layout_within_the_promise_reads_as_its_level(layouts_url: str, content: Content, layout: str):
    assert shown(layouts_url, content, "high", layout) == label_of(content, "high")


def test_every_level_reads_as_itself_in_the_promised_layout(layouts_url: str, content: Content):
    for tier in content.tiers.tiers:
        assert shown(layouts_url, content, tier.id, "promised") == label_of(content, tier.id)


def test_without_the_content_the_title_or_a_heading_in_the_container_is_the_level(layouts_url: str, content: Content):
    assert shown(layouts_url, None, "some", "promised") == label_of(content, "some")
    assert shown(layouts_url, None, "some", "nested") == label_of(content, "some")


def test_a_page_that_shows_no_level_where_promised_is_an_error(layouts_url: str, content: Content):
    with pytest.raises(ProtocolError, match="shows no level"):
        shown(layouts_url, content, "some", "none")


def test_a_page_whose_title_and_container_disagree_is_an_error(layouts_url: str, content: Content):
    with pytest.raises(ProtocolError, match="more than one level"):
        shown(layouts_url, content, "some", "two_levels")


def test_a_level_inside_a_sentence_counts_only_as_the_exact_label():
    labels = {"Few warning signs", "Some warning signs"}
    assert loadgen.labels_in("What was answered already shows **some warning signs**.", labels) == set()
    assert loadgen.labels_in("Your level: **Some warning signs**", labels) == {"Some warning signs"}
    assert loadgen.labels_in(":material/flag: *Few warning signs*", labels) == {"Few warning signs"}

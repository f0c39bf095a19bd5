"""Load generator that speaks Streamlit's own WebSocket protocol, like the browser does.

Each simulated person opens `/_stcore/stream`, and clicks through a whole check with real widget
changes: the start page (audience, prescribed, sex), one answer per question (the last one leads
to the result page), and reads the level the result page shows (`read_level`). With `first_screen`
(`--first-screen`) people instead arrive from the static first screen `/` with their choices made,
as they now do: at the check, or an intake at the start page's modules (`run_person`). Every click is a
`BackMsg.rerun_script` whose `ClientState.widget_states` carries the button's id with
`trigger_value=True`, plus every other current widget value, exactly as Streamlit's frontend sends
them.

Afterwards each person's shown level is compared with the engine's level for that person's own
answers (`ketacheck.scoring.score`): a mismatch means answers crossed sessions or got lost.

    python -m benchmarks.loadgen --url http://127.0.0.1:8501 --people 30 --audience mix

The protocol itself (connecting, reruns, the element tree, the message cache) is
`benchmarks/protocol.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import statistics
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.protocol import ProtocolError, RunStats, StreamlitSession, text_of, wait_healthy

AUDIENCES = ("self", "other", "intake")
SEXES = ("female", "male", "unspecified")
# Browser locales, one per person in turn: every region of the content, plus one that is none of them.
LOCALES = ("en-US", "en-GB", "en-IE", "en-CA", "en-AU", "en-NZ", "de-DE")
RED_FLAG_RATE = 0.02  # chance of choosing a red-flag answer on a safety question
DONT_KNOW_RATE = 0.1  # chance of "Don't know", where it is offered (a loved one's check)
DONT_KNOW = "dont_know"
MAX_QUESTIONS = 200  # a check longer than this is stuck
QUESTION_VIEW = "question_view"  # the question screen's element (ketacheck/ui/question_view.py)



# ------------------------------------------------------------------------------------ one person


@dataclass
class Person:
    index: int
    audience: str
    prescribed: bool
    sex: str | None  # None: leaves the sex choice alone (shown for self and intake only)
    locale: str
    seed: int


@dataclass
class PersonResult:
    index: int
    audience: str
    prescribed: bool
    sex: str
    locale: str
    region: str | None = None
    session_id: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)  # as an answer file holds them
    shown_tier: str | None = None
    expected_tier: str | None = None
    finished: bool = False
    error: str | None = None
    problems: list[str] = field(default_factory=list)
    initial_load_s: float | None = None  # connect + first run
    answer_rtts: list[float] = field(default_factory=list)
    nav_rtts: list[float] = field(default_factory=list)  # start-page picks, start, see result
    # The answers that opened the result page (also in answer_rtts): two runs and the app's largest
    # page, one answer in about 22; the bench shows them apart as well (benchmarks/RESULTS.md).
    to_result_rtts: list[float] = field(default_factory=list)
    total_s: float = 0.0
    reruns: int = 0
    messages: int = 0
    bytes: int = 0
    # With a CPU meter (benchmarks/click_cost.py): the server's CPU seconds per kind of click.
    cpu_s: dict[str, list[float]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.error or self.problems or not self.finished)

    @property
    def mismatch(self) -> bool:
        return self.finished and self.shown_tier != self.expected_tier


def plan_people(n: int, audience: str = "mix", prescribed: str = "mix", seed: int = 1) -> list[Person]:
    """N people: audiences and prescribed cycle through every combination when 'mix'."""
    people = []
    for i in range(n):
        rng = random.Random(f"{seed}-plan-{i}")
        aud = AUDIENCES[i % 3] if audience == "mix" else audience
        if prescribed == "mix":
            rx = bool((i // 3) % 2)
        else:
            rx = prescribed in ("yes", "true", "1")
        sex = rng.choice((*SEXES, None)) if aud in ("self", "intake") else None
        people.append(Person(i, aud, rx, sex, LOCALES[i % len(LOCALES)], seed * 1_000_003 + i))
    return people


def choose_answer(rng: random.Random, lean: float, item_id: str, values: list[Any], content: Any) -> Any:
    """A plausible answer: around the person's `lean` (0 = no concern, 1 = a lot), rarely a red flag
    or "Don't know". For a multiple-choice question, a list: "None of these" for most people, or a
    few options, more of them the higher the lean."""
    item = content.items.get(item_id) if content is not None else None
    red = {o.value for o in item.options if o.red_flag} if item else set()
    known = [v for v in values if v != DONT_KNOW]
    if DONT_KNOW in values and rng.random() < DONT_KNOW_RATE:
        return DONT_KNOW
    red_here = sorted(red.intersection(known))
    if red_here and rng.random() < RED_FLAG_RATE:
        return [rng.choice(red_here)] if item and item.multiple else rng.choice(red_here)
    safe = [v for v in known if v not in red] or known
    if item is not None and item.multiple:
        exclusive = [o.value for o in item.options if o.exclusive and o.value in safe]
        others = [v for v in safe if v not in exclusive]
        if not others or rng.random() > lean:
            return exclusive[:1] or others[:1]
        return sorted(rng.sample(others, k=min(len(others), 1 + round(lean * 2))))
    index = round(rng.gauss(lean * (len(safe) - 1), 0.3))
    return safe[max(0, min(len(safe) - 1, index))]


# The result page's promise to this load generator (pages/result.py, ketacheck/ui/views.py): the
# page starts with `st.title(<the level's label>)`, and the level is drawn inside a container keyed
# `result_level` (`st-key-result_level` in the browser). Either is enough here; if both name a
# level they must name the same one. A rewrite of the page may change everything else on it.
RESULT_LEVEL_KEY = "result_level"
_DECORATION = re.compile(r":material/[a-z0-9_]+:|[*_`#]")  # markdown marks and icon codes round a label


def level_labels(content: Any) -> set[str]:
    """Every label a result can be shown with, read from the content (assessments/tiers.yaml): each
    level's own, and the ones that replace it for a prescribed patient or same-day help."""
    return {t.label for t in content.tiers.tiers} | {
        v.label for t in content.tiers.tiers for v in (t.prescribed, t.same_day) if v and v.label}


def labels_in(text: str, labels: set[str] | None) -> set[str]:
    """The level labels a piece of text shows: the whole text once markdown marks and icons are put
    aside, or else each label it holds as whole words (case matters: "some warning signs" in a
    sentence is not the level). Without labels (no content), the whole text is taken as the label."""
    plain = " ".join(_DECORATION.sub("", text).split())
    if labels is None:
        return {plain} if plain else set()
    if plain in labels:
        return {plain}
    return {label for label in labels if re.search(rf"(?<!\w){re.escape(label)}(?!\w)", plain)}


def read_level(session: StreamlitSession, content: Any) -> str:
    """The level the result page shows (see RESULT_LEVEL_KEY): the label in its title (the page's h1;
    there is one per page) and the first label inside its `result_level` container. A page that
    shows neither, or two different levels there, is a ProtocolError; whether the level is the
    right one for the answers is the caller's check (`expected_tier`)."""
    labels = level_labels(content) if content is not None else None
    title = next((body for tag, body in session.headings() if tag == "h1"), None)
    boxed = session.elements_in(RESULT_LEVEL_KEY)
    # Without the content's labels any text could be a label: then the container's first heading
    # is the level, or, with no container, the title.
    inside = [t for e in boxed if (t := text_of(e)) and (labels is not None or e.WhichOneof("type") == "heading")]
    shown = {"title": labels_in(title or "", labels) if labels is not None or not boxed else set(),
             RESULT_LEVEL_KEY: next((found for t in inside if (found := labels_in(t, labels))), set())}
    named = set().union(*shown.values())
    if not named:
        box = f"`{RESULT_LEVEL_KEY}` container"
        where = f"its {box} shows {inside[:4]}" if session.keyed_block(RESULT_LEVEL_KEY) is not None else f"it has no {box}"
        raise ProtocolError(f"the result page shows no level: its h1 is {title!r} and {where}")
    if len(named) > 1:
        raise ProtocolError(f"the result page shows more than one level: {shown}")
    return named.pop()


def question_data(session: StreamlitSession) -> dict[str, Any] | None:
    """The question on screen: the data of its element (ketacheck/ui/question_view.py), or None."""
    view = session.widgets("bidi_component").get(QUESTION_VIEW)
    return json.loads(view.bytes) if view is not None else None


def controls(session: StreamlitSession) -> list[str]:
    """What can be tapped: the page's buttons, and the question element's own (by the same keys
    the buttons had: `answer_<item>_<value>`, `nav_next`, ...)."""
    keys = list(session.buttons())
    data = question_data(session)
    if data is not None:
        keys += [o["key"] for o in data["options"]]
        keys += [data[n]["key"] for n in ("back", "next", "stop", "clear") if data[n] and not data[n].get("disabled")]
    return keys


async def tap(session: StreamlitSession, key: str) -> RunStats:
    """A tap on a button, or on the question element's control with that key (its event, as
    question.js sends it)."""
    data = question_data(session)
    if data is not None:
        for option in data["options"]:
            if option["key"] == key:
                event = "toggle" if option["toggles"] else "answer"
                return await session.component_event(QUESTION_VIEW, event, {"item": data["item"], "value": option["value"]})
        for name in ("back", "next", "stop", "clear"):
            if data[name] and data[name]["key"] == key:
                if data[name].get("disabled"):
                    raise ProtocolError(f"{key!r} is disabled on page {session.page_name}")
                return await session.component_event(QUESTION_VIEW, name, {"item": data["item"], "value": True})
    return await session.click(key)


def parse_answer_key(key: str) -> tuple[str, Any]:
    """`answer_<item>_<value>`: the value is an option's number, or "dont_know"."""
    rest = key[len("answer_"):]
    if rest.endswith("_" + DONT_KNOW):
        return rest[: -len(DONT_KNOW) - 1], DONT_KNOW
    item_id, value = rest.rsplit("_", 1)
    return item_id, int(value)


async def _think(think: tuple[float, float], rng: random.Random) -> None:
    if think[1] > 0:
        await asyncio.sleep(rng.uniform(*think))


@contextlib.asynccontextmanager
async def _person_tab(base_url: str, res: PersonResult, timeout: float) -> AsyncIterator[StreamlitSession]:
    """A person's tab. Any failure inside is recorded as the person's error, not raised; the tab is
    always closed and its problems kept. Start the body with `await _open(tab, res)`."""
    started = time.perf_counter()
    session = StreamlitSession(base_url, locale=res.locale, timeout=timeout)
    try:
        yield session
    except Exception as exc:  # noqa: BLE001 - protocol, connection or any other failure: a counted error
        res.error = f"{type(exc).__name__}: {exc}"
    finally:
        res.problems = list(session.problems)
        res.messages, res.bytes = session.messages, session.bytes
        try:
            await session.close()
        except Exception as exc:  # noqa: BLE001 - a failed close is counted, not raised
            res.problems.append(f"close failed: {exc}")
        res.total_s = time.perf_counter() - started


Meter = Callable[[], float]  # the server's CPU seconds so far (benchmarks/click_cost.py)


async def _open(session: StreamlitSession, res: PersonResult, page: str = "", meter: Meter | None = None) -> None:
    """Connect and show the first page (`page`: its URL path), as a browser tab opening the app (timed)."""
    started = time.perf_counter()
    before = meter() if meter else 0.0
    session.url_path = page
    await session.connect()
    await session.rerun()
    _metered(res, "open", meter, before)
    res.initial_load_s = time.perf_counter() - started
    res.reruns += 1
    res.session_id = session.session_id


def _metered(res: PersonResult, kind: str, meter: Meter | None, before: float) -> None:
    if meter:
        res.cpu_s.setdefault(kind, []).append(meter() - before)


_START_PAGE_DATA: dict[tuple[str, str], dict] = {}  # (content version, language) -> what /start.js is given


def _first_screen_copy(person: Person, content: Any, region: str) -> str:
    """The tab copy /start.js writes when Start is tapped on the first screen (`/`): the choices, no
    answers, the modules the first screen gives that context (an intake's all on), stamped with the
    content version (ketacheck/web/start_page.py, static/start.js)."""
    from ketacheck.web import start_page

    key = (content.version, content.language)
    if key not in _START_PAGE_DATA:  # once, not for every person of a crowd arriving at once
        _START_PAGE_DATA[key] = start_page.page_data(content)
    modules = _START_PAGE_DATA[key]["modules"][f"{person.audience}:{str(person.prescribed is True).lower()}"]
    return json.dumps({
        "audience": person.audience, "prescribed": person.prescribed, "region": region,
        "sex": person.sex or "unspecified", "answers": {}, "plan": [], "modules": modules, "current": None,
        "finished": False, "content": content.version, "language": content.language,
    })


async def _from_first_screen(session: StreamlitSession, res: PersonResult, person: Person, content: Any,
                             meter: Meter | None) -> None:
    """Arrive as people now do: the static first screen (one GET of `/`, its choices made in the
    page), then the check page, or for an intake the app's start page with its modules (static/start.js),
    whose fresh session takes the choices from the tab copy (tab_copy.js offers it: one more run,
    whose callback restores it)."""
    before = meter() if meter else 0.0
    request = urllib.request.Request(session.origin + session.base_path + "/", headers={"Accept-Encoding": "gzip"})
    await asyncio.to_thread(lambda: urllib.request.urlopen(request, timeout=session.timeout).read())
    _metered(res, "first screen", meter, before)
    page = "Start" if person.audience == "intake" else "Check"
    await _open(session, res, page.lower(), meter)
    if session.page_name != page:
        raise ProtocolError(f"the first screen's Start opened {session.page_name}, not the {page.lower()} page")
    res.region = content.region_for_locale(person.locale)
    before = meter() if meter else 0.0
    await session.component_event("tab_copy", "restore", _first_screen_copy(person, content, res.region))
    _metered(res, "open", meter, before)
    res.reruns += 1


async def run_person(base_url: str, person: Person, content: Any, *, timeout: float = 60.0,
                     think: tuple[float, float] = (0.0, 0.0), meter: Meter | None = None,
                     first_screen: bool = False) -> PersonResult:
    """One person's whole check. `first_screen`: the person starts on the static first screen and
    comes with the choices made (as people do now) to the check, or an intake to the app's start
    page, whose modules are all on, and taps Start; otherwise on the app's own start page, tapping
    each choice (as someone whose browser keeps no tab copy does)."""
    res = PersonResult(person.index, person.audience, person.prescribed, person.sex or "unspecified", person.locale)
    rng = random.Random(person.seed)
    lean = rng.random() ** 3  # most people show few signs; this gives every tier in a crowd

    async with _person_tab(base_url, res, timeout) as session:
        async def click(key: str, into: list[float]) -> RunStats:
            await _think(think, rng)
            before = meter() if meter else 0.0
            stats = await tap(session, key)
            kind = "nav" if into is res.nav_rtts else "answer, to the result" if session.page_name == "Result" \
                else "answer"
            _metered(res, kind, meter, before)
            into.append(stats.seconds)
            if kind == "answer, to the result":
                res.to_result_rtts.append(stats.seconds)
            res.reruns += 1
            return stats

        def expect_page(name: str) -> None:
            if session.page_name != name:
                raise ProtocolError(f"expected the {name} page, got {session.page_name}")

        if first_screen:
            await _from_first_screen(session, res, person, content, meter)
            if person.audience == "intake":  # the modules, all on, then Start
                expect_page("Start")
                await click("start_check", res.nav_rtts)
        else:
            await _open(session, res, "start", meter)  # the app's own start page
            expect_page("Start")
            await click(f"pick_audience_{person.audience}", res.nav_rtts)
            await click(f"pick_prescribed_{person.prescribed}", res.nav_rtts)
            if person.sex is not None:
                await click(f"pick_sex_{person.sex}", res.nav_rtts)
            # The region the start page shows (from the browser locale), as the selectbox value it holds.
            region_box = session.widgets("selectbox").get("start_region")
            region_state = session.widget_values.get(region_box.id) if region_box is not None else None
            shown_region = region_state.string_value if region_state is not None else None
            if content is not None:
                by_name = {r.name: r.id for r in content.regions.values()}
                res.region = by_name.get(shown_region or "") or content.region_for_locale(person.locale)
            await click("start_check", res.nav_rtts)
        expect_page("Check")

        # The last answer of the pass (the core; intake: every module) leads to the result by itself.
        last_item = None
        while session.page_name == "Check":
            options = [parse_answer_key(k) for k in controls(session) if k.startswith("answer_")]
            items = {item for item, _ in options}
            if len(items) != 1:
                raise ProtocolError(f"expected one question on screen, got {sorted(items) or 'none'}")
            item_id = items.pop()
            if item_id == last_item:
                raise ProtocolError(f"the answer to {item_id} did not register (same question shown again)")
            if len(res.answers) >= MAX_QUESTIONS:
                raise ProtocolError(f"more than {MAX_QUESTIONS} questions: the check does not end")
            value = choose_answer(rng, lean, item_id, [v for _, v in options], content)
            res.answers[item_id] = value
            last_item = item_id
            item = content.items.get(item_id) if content is not None else None
            exclusive = item is not None and item.multiple and isinstance(value, list) and \
                any(o.exclusive and o.value in value for o in item.options)
            if isinstance(value, list) and not exclusive:
                for v in value:  # ticks, then Continue
                    await click(f"answer_{item_id}_{v}", res.answer_rtts)
                await click("nav_next", res.answer_rtts)
            else:
                await click(f"answer_{item_id}_{value[0] if isinstance(value, list) else value}", res.answer_rtts)

        expect_page("Result")
        res.shown_tier = read_level(session, content)
        res.finished = True

    if res.finished and content is not None:
        res.expected_tier = expected_tier(res, content)
    return res


BARE_OPTIONS = 5  # answer buttons on benchmarks/bare/app.py
BARE_ANSWERS = 36  # clicks per bare-page person: about as many as a KetaCheck check has questions


async def run_bare_person(base_url: str, person: Person, *, timeout: float = 60.0,
                          think: tuple[float, float] = (0.0, 0.0), answers: int = BARE_ANSWERS,
                          meter: Meter | None = None) -> PersonResult:
    """The baseline: the same clicks on the bare one-question page (benchmarks/bare/app.py).

    The page shows how many answers its session holds; it must equal this person's own clicks."""
    res = PersonResult(person.index, "bare", False, "unspecified", person.locale)
    rng = random.Random(person.seed)
    async with _person_tab(base_url, res, timeout) as session:
        await _open(session, res, meter=meter)
        for n in range(answers):
            await _think(think, rng)
            value = rng.randrange(BARE_OPTIONS)
            res.answers[f"q{n}"] = value
            before = meter() if meter else 0.0
            stats = await session.click(f"answer_q_{value}")
            _metered(res, "answer", meter, before)
            res.answer_rtts.append(stats.seconds)
            res.reruns += 1
        shown = [e.markdown.body for e in session.elements.values() if e.WhichOneof("type") == "markdown"]
        if f"Answers so far: {answers}" not in shown:
            raise ProtocolError(f"after {answers} answers the page shows {shown}")
        res.finished = True
    return res


def expected_tier(res: PersonResult, content: Any) -> str:
    from ketacheck import scoring, submission

    sub = submission.parse({
        "audience": res.audience,
        "region": res.region,
        "prescribed": res.prescribed,
        "sex": res.sex,
        "answers": res.answers,
    }, content)
    return scoring.score(sub, content).tier_label


# ------------------------------------------------------------------------------------ the server


class ProcSampler:
    """CPU seconds, RSS and threads of the server process, from /proc (Linux), sampled twice a second."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid = pid
        self.interval = interval
        self.samples: list[tuple[float, float, int, int]] = []  # (t, cpu_s, rss_kb, threads)
        self._task: asyncio.Task | None = None

    def sample(self) -> tuple[float, float, int, int]:
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
        rss = threads = 0
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("Threads:"):
                    threads = int(line.split()[1])
        return time.perf_counter(), cpu, rss, threads

    async def _loop(self) -> None:
        while True:
            self.samples.append(self.sample())
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> dict[str, Any]:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self.samples.append(self.sample())
        first, last = self.samples[0], self.samples[-1]
        return {
            "pid": self.pid,
            "cpu_seconds": round(last[1] - first[1], 2),
            "cpu_cores_busy": round((last[1] - first[1]) / max(last[0] - first[0], 1e-9), 2),
            "rss_mb_start": round(first[2] / 1024, 1),
            "rss_mb_peak": round(max(s[2] for s in self.samples) / 1024, 1),
            "rss_mb_end": round(last[2] / 1024, 1),
            "threads_peak": max(s[3] for s in self.samples),
        }



# ------------------------------------------------------------------------------------ the run


def _without(values: list[float], taken: list[float]) -> list[float]:
    left = list(values)
    for t in taken:
        left.remove(t)
    return left


def percentiles(values: list[float], points: tuple[int, ...] = (50, 95, 99)) -> dict[str, float | None]:
    """Percentiles in milliseconds (linear interpolation between closest ranks), plus mean and max."""
    if not values:
        return {**{f"p{p}": None for p in points}, "mean": None, "max": None, "n": 0}
    ordered = sorted(values)
    out: dict[str, float | None] = {}
    for p in points:
        rank = (len(ordered) - 1) * p / 100
        lo = int(rank)
        hi = min(lo + 1, len(ordered) - 1)
        out[f"p{p}"] = round(1000 * (ordered[lo] + (ordered[hi] - ordered[lo]) * (rank - lo)), 1)
    out["mean"] = round(1000 * statistics.fmean(ordered), 1)
    out["max"] = round(1000 * ordered[-1], 1)
    out["n"] = len(ordered)
    return out


@dataclass
class Report:
    url: str
    people: int
    concurrency: int
    wall_s: float
    results: list[PersonResult]
    server: dict[str, Any] | None = None

    @property
    def errors(self) -> list[PersonResult]:
        return [r for r in self.results if r.failed]

    @property
    def mismatches(self) -> list[PersonResult]:
        return [r for r in self.results if r.mismatch]

    def summary(self) -> dict[str, Any]:
        answers = [t for r in self.results for t in r.answer_rtts]
        to_result = [t for r in self.results for t in r.to_result_rtts]
        others = [t for r in self.results for t in _without(r.answer_rtts, r.to_result_rtts)]
        navs = [t for r in self.results for t in r.nav_rtts]
        loads = [r.initial_load_s for r in self.results if r.initial_load_s is not None]
        reruns = sum(r.reruns for r in self.results)
        finished = [r for r in self.results if r.finished]
        answer_sets = {json.dumps(r.answers, sort_keys=True) for r in finished}
        return {
            "url": self.url,
            "people": self.people,
            "concurrency": self.concurrency,
            "finished": len(finished),
            "errors": len(self.errors),
            "mismatches": len(self.mismatches),
            "distinct_answer_sets": len(answer_sets),
            "wall_s": round(self.wall_s, 2),
            "answers": len(answers),
            "reruns": reruns,
            "answers_per_s": round(len(answers) / self.wall_s, 1) if self.wall_s else None,
            "reruns_per_s": round(reruns / self.wall_s, 1) if self.wall_s else None,
            "answer_rtt_ms": percentiles(answers),
            # answer_rtt_ms in two parts: the answers that opened the result page, and the rest
            "to_result_rtt_ms": percentiles(to_result),
            "other_answer_rtt_ms": percentiles(others),
            "nav_rtt_ms": percentiles(navs),
            "initial_load_ms": percentiles(loads),
            "person_total_ms": percentiles([r.total_s for r in self.results]),
            "mb_received": round(sum(r.bytes for r in self.results) / 1e6, 2),
            "tiers_shown": dict(Counter(r.shown_tier for r in finished)),
            "error_samples": [f"#{r.index}: {r.error or '; '.join(r.problems) or 'did not finish'}"
                              for r in self.errors[:10]],
            "mismatch_samples": [f"#{r.index}: shown {r.shown_tier!r}, engine {r.expected_tier!r}"
                                 for r in self.mismatches[:10]],
            "server": self.server,
            # Server CPU per script run (answers and the other clicks alike), from /proc.
            "cpu_ms_per_rerun": round(1000 * self.server["cpu_seconds"] / reruns, 2)
            if self.server and reruns else None,
        }

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "people": [asdict(r) for r in self.results]}

    def text(self) -> str:
        s = self.summary()
        a, n, load, t = s["answer_rtt_ms"], s["nav_rtt_ms"], s["initial_load_ms"], s["person_total_ms"]
        lines = [
            (f"{s['people']} people (concurrency {s['concurrency']}) against {s['url']}: "
             f"{s['finished']} finished, {s['errors']} errors, {s['mismatches']} tier mismatches, "
             f"{s['distinct_answer_sets']} distinct answer sets"),
            (f"wall {s['wall_s']} s; {s['answers']} answers ({s['answers_per_s']}/s), "
             f"{s['reruns']} reruns ({s['reruns_per_s']}/s), {s['mb_received']} MB received"),
            f"answer round trip ms: p50 {a['p50']}  p95 {a['p95']}  p99 {a['p99']}  max {a['max']}  mean {a['mean']}",
            f"other clicks ms:      p50 {n['p50']}  p95 {n['p95']}  p99 {n['p99']}  max {n['max']}",
            f"initial load ms:      p50 {load['p50']}  p95 {load['p95']}  p99 {load['p99']}  max {load['max']}",
            f"whole check s:        p50 {(t['p50'] or 0) / 1000:.1f}  max {(t['max'] or 0) / 1000:.1f}",
            f"tiers shown: {s['tiers_shown']}",
        ]
        if s["server"]:
            v = s["server"]
            lines.append(f"server pid {v['pid']}: {v['cpu_seconds']} CPU s ({v['cpu_cores_busy']} cores busy), "
                         f"RSS {v['rss_mb_start']} -> peak {v['rss_mb_peak']} -> {v['rss_mb_end']} MB, "
                         f"threads peak {v['threads_peak']}; {s['cpu_ms_per_rerun']} ms CPU per rerun")
        lines += [f"ERROR {e}" for e in s["error_samples"]]
        lines += [f"MISMATCH {m}" for m in s["mismatch_samples"]]
        return "\n".join(lines)


def load_content() -> Any:
    from ketacheck import loader

    return loader.load()


async def run_load(base_url: str, people: list[Person], *, content: Any = None, concurrency: int | None = None,
                   ramp_s: float = 0.0, timeout: float = 60.0, think: tuple[float, float] = (0.0, 0.0),
                   server_pid: int | None = None, bare: bool = False, first_screen: bool = False) -> Report:
    """Run every person (at most `concurrency` at once, starts spread over `ramp_s`).

    `bare`: the people click the bare one-question page instead of doing a KetaCheck check.
    `first_screen`: people start on the static first screen (`run_person`)."""
    concurrency = concurrency or len(people) or 1
    gate = asyncio.Semaphore(concurrency)
    sampler = ProcSampler(server_pid) if server_pid else None
    if sampler:
        sampler.start()

    async def one(person: Person) -> PersonResult:
        if ramp_s and len(people) > 1:
            await asyncio.sleep(ramp_s * person.index / (len(people) - 1))
        async with gate:
            if bare:
                return await run_bare_person(base_url, person, timeout=timeout, think=think)
            return await run_person(base_url, person, content, timeout=timeout, think=think, first_screen=first_screen)

    start = time.perf_counter()
    results = await asyncio.gather(*(one(p) for p in people))
    wall = time.perf_counter() - start
    server = await sampler.stop() if sampler else None
    return Report(base_url, len(people), concurrency, wall, list(results), server)


def run(base_url: str, n: int, *, audience: str = "mix", prescribed: str = "mix", seed: int = 1,
        **kwargs: Any) -> Report:
    """Synchronous entry point: plan `n` people and run them."""
    content = kwargs.pop("content", None) or load_content()
    return asyncio.run(run_load(base_url, plan_people(n, audience, prescribed, seed), content=content, **kwargs))


def _think_range(text: str) -> tuple[float, float]:
    lo, _, hi = text.partition("-")
    return float(lo), float(hi or lo)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.loadgen", description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8501", help="the app's base URL")
    ap.add_argument("--people", type=int, default=30, help="simulated people (one session each)")
    ap.add_argument("--concurrency", type=int, default=0, help="people at once (default: all)")
    ap.add_argument("--audience", choices=[*AUDIENCES, "mix"], default="mix")
    ap.add_argument("--prescribed", choices=["yes", "no", "mix"], default="mix")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ramp", type=float, default=0.0, help="spread the starts over this many seconds")
    ap.add_argument("--think", type=_think_range, default=(0.0, 0.0), metavar="S[-S]",
                    help="pause before each click, uniform in this range of seconds (default 0: no pause)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one rerun")
    ap.add_argument("--server-pid", type=int, default=None, help="sample this process's CPU and RSS (Linux /proc)")
    ap.add_argument("--bare", action="store_true", help="drive the bare one-question page (benchmarks/bare)")
    ap.add_argument("--first-screen", action="store_true",
                    help="people start on the static first screen / with their choices made")
    ap.add_argument("--json", type=Path, default=None, help="write the full report (every person) here")
    args = ap.parse_args(argv)

    try:
        wait_healthy(args.url, timeout=10)
    except TimeoutError as exc:
        print(f"loadgen: {exc}: start the app first (make run)", file=sys.stderr)
        return 2
    content = load_content()
    people = plan_people(args.people, args.audience, args.prescribed, args.seed)
    report = asyncio.run(run_load(args.url, people, content=content, concurrency=args.concurrency or None,
                                  ramp_s=args.ramp, timeout=args.timeout, think=args.think,
                                  server_pid=args.server_pid, bare=args.bare, first_screen=args.first_screen))
    print(report.text())
    if args.json:
        args.json.write_text(json.dumps(report.to_dict(), indent=1))
    return 1 if report.errors or report.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())

"""The validated content, as the engine uses it: `Content`, and `ContentError` when it fails.

Apart from the loader (which reads YAML and catalogs with PyYAML and Babel) so that a `Content`
unpickled from the command line's cache (`content_cache.py`) needs neither: this module imports
only the translator (the models only for annotations: the cache holds their plain twins).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import translations
from .problem import safe

if TYPE_CHECKING:  # annotations only: a `Content` of plain twins (the cache's) needs no pydantic
    from . import model
    from .model import AnswerAt, Education, Feedback, Instrument, Item, Module, Region, Tiers
    from .model.phrases import Phrases
    from .problem import Problem

__all__ = ["Content", "ContentError", "DEFAULT_DIR", "content_dir", "report"]

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "assessments"


_DEFAULT_NAME = str(DEFAULT_DIR)


def content_dir() -> Path:
    """`KETACHECK_CONTENT` points a deployment (or a test) at another content folder."""
    return Path(content_dir_name())


def content_dir_name() -> str:
    """`content_dir()` as a string, without making a Path (the loader asks on every `_` of every run)."""
    return os.environ.get("KETACHECK_CONTENT") or _DEFAULT_NAME


class ContentError(Exception):
    """Content failed validation; `problems` lists every one found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def report(problems: list[Problem]) -> list[str]:
    """What the command line and the server say of invalid content: a count, then each problem,
    safe for a terminal (a problem quotes the value it found)."""
    return [f"KetaCheck content is invalid ({len(problems)} problem(s)):", *(f"  {safe(str(p))}" for p in problems)]


@dataclass(frozen=True)
class Content:
    """Everything in `assessments/`, validated and indexed by id."""

    directory: Path
    sources: dict[str, model.Source]
    signs: dict[str, model.Sign]
    red_flags: dict[str, model.RedFlag]
    items: dict[str, Item]  # questionnaire and instrument items, in flow order
    instruments: dict[str, Instrument]
    tiers: Tiers
    regions: dict[str, Region]
    education: Education
    feedback: Feedback
    phrases: Phrases
    reach_words: model.ReachWords
    modules: dict[str, Module]  # in the order they are offered; `core` first
    dont_know: model.DontKnow
    seconds_per_question: int
    version: str = ""  # a short hash of the content files' bytes: a tab's copy says what it was made under
    instrument_of: dict[str, str] = field(default_factory=dict)  # item id -> instrument id
    module_of: dict[str, str] = field(default_factory=dict)  # item id -> module id
    language: str = translations.SOURCE_LANGUAGE  # the language every string above is in
    ui: translations.Translator = translations.ENGLISH  # the app's own words in that language
    _flows: dict[tuple, tuple[Item, ...]] = field(default_factory=dict, repr=False, compare=False)

    def flow(self, audience: str, prescribed: bool, modules: tuple[str, ...] | None = None) -> list[Item]:
        """Items this audience and context are asked, in order, before any show_if is applied: the
        core, then the given modules (all of them when None). An instrument item that a question
        already in this flow answers (`answered_by`) is not asked again."""
        # Worked out once per context: the check page asks for it several times on every answer.
        key = (audience, prescribed, modules)
        if key not in self._flows:
            wanted = set(self.modules) if modules is None else {"core", *modules}
            asked = [i for i in self.items.values() if self.module_of[i.id] in wanted and self._asks(i, audience, prescribed)]
            self._flows[key] = tuple(i for i in asked if not self.answered_by(i, audience, prescribed))
        return list(self._flows[key])

    def core(self, audience: str, prescribed: bool) -> list[Item]:
        return self.flow(audience, prescribed, ())

    def modules_for(self, audience: str, prescribed: bool) -> list[Module]:
        """The modules after the core that have questions for this audience and context."""
        full = self.flow(audience, prescribed)
        return [m for m in self.modules.values() if m.id != "core" and any(self.module_of[i.id] == m.id for i in full)]

    def answered_by(self, item: Item, audience: str, prescribed: bool) -> list[AnswerAt]:
        """The questions in this flow that answer an instrument item (yes when any of them holds)."""
        return [a for a in item.answered_by if self._asks(self.items[a.item], audience, prescribed)]

    def asks(self, item_id: str, audience: str, prescribed: bool) -> bool:
        """Whether this audience and context are ever asked this question (before show_if)."""
        return self._asks(self.items[item_id], audience, prescribed)

    def minutes(self, questions: int) -> int:
        """About how long this many questions take, in whole minutes (at least 1)."""
        return max(1, round(questions * self.seconds_per_question / 60))

    def offers_dont_know(self, audience: str) -> bool:
        return audience in self.dont_know.audiences

    def _asks(self, item: Item, audience: str, prescribed: bool) -> bool:
        instrument = self.instruments.get(self.instrument_of.get(item.id, ""))
        if instrument and audience not in instrument.allowed_audiences:
            return False
        return item.asked_in(audience, prescribed)

    def item_number(self, item_id: str) -> int:
        return int(item_id.rsplit(".", 1)[1])

    def region_for_locale(self, locale: str | None, default: str = "INTL") -> str:
        """Region whose locales include the browser locale (exact, then by country)."""
        if not locale:
            return default
        wanted = locale.replace("_", "-").lower()
        for region in self.regions.values():
            if wanted in (loc.lower() for loc in region.locales):
                return region.id
        # The country is a later two-letter subtag ("es-MX", "zh-Hant-TW"); a bare language ("es",
        # "zh") names no country, so it is not read as one (Spanish is not Spain).
        parts = wanted.split("-")
        country = next((p.upper() for p in reversed(parts[1:]) if len(p) == 2 and p.isalpha()), "")
        country = "UK" if country == "GB" else country
        return country if country in self.regions else default

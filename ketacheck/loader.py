"""Load and validate `assessments/` once per process.

Every problem is collected, not just the first: a clinician editing YAML should see the whole list
with file, path inside the file and what is wrong, then fix them in one pass.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from . import model
from .model import (
    ALL_TIERS,
    AUDIENCES,
    INSTRUMENT_IDS,
    REFERRAL_TYPES,
    SCORED_DOMAINS,
    SIGN_IDS,
    Education,
    Instrument,
    Instruments,
    Item,
    Module,
    Questionnaire,
    RedFlags,
    Region,
    Resources,
    Signs,
    Sources,
    Tiers,
)

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "assessments"


def content_dir() -> Path:
    """`KETACHECK_CONTENT` points a deployment (or a test) at another content folder."""
    return Path(os.environ.get("KETACHECK_CONTENT") or DEFAULT_DIR)

FILES: dict[str, type[BaseModel]] = {
    "sources.yaml": Sources,
    "signs.yaml": Signs,
    "red_flags.yaml": RedFlags,
    "questionnaire.yaml": Questionnaire,
    "instruments.yaml": Instruments,
    "tiers.yaml": Tiers,
    "resources.yaml": Resources,
    "education.yaml": Education,
}


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class ContentError(Exception):
    """Content failed validation; `problems` lists every one found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


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
    modules: dict[str, Module]  # in the order they are offered; `core` first
    dont_know: model.DontKnow
    seconds_per_question: int
    version: str = ""  # a short hash of the content files' bytes: a tab's copy says what it was made under
    instrument_of: dict[str, str] = field(default_factory=dict)  # item id -> instrument id
    module_of: dict[str, str] = field(default_factory=dict)  # item id -> module id
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
            self._flows[key] = tuple(i for i in asked if self.answered_by(i, audience, prescribed) is None)
        return list(self._flows[key])

    def core(self, audience: str, prescribed: bool) -> list[Item]:
        return self.flow(audience, prescribed, ())

    def modules_for(self, audience: str, prescribed: bool) -> list[Module]:
        """The modules after the core that have questions for this audience and context."""
        full = self.flow(audience, prescribed)
        return [m for m in self.modules.values() if m.id != "core" and any(self.module_of[i.id] == m.id for i in full)]

    def answered_by(self, item: Item, audience: str, prescribed: bool) -> model.AnsweredBy | None:
        """The question in this flow that answers an instrument item, if any (first one asked)."""
        return next((a for a in item.answered_by if self._asks(self.items[a.item], audience, prescribed)), None)

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
        country = wanted.rsplit("-", 1)[-1].upper()
        country = "UK" if country == "GB" else country
        return country if country in self.regions else default


# ---------------------------------------------------------------- reading files


def _format_loc(loc: tuple[Any, ...], raw: Any) -> str:
    """`items[3] (crav.urges).options[1].level` — ids make paths findable in long files."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int):
            label = f"[{key}]"
            if isinstance(node, list) and key < len(node):
                node = node[key]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label += f" ({node['id']})"
            else:
                node = None
            parts.append(label)
        else:
            node = node.get(key) if isinstance(node, dict) else None
            parts.append(("." if parts else "") + str(key))
    return "".join(parts)


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ContentLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML, but timestamps stay strings: PyYAML raises a bare ValueError on "2026-02-30",
    while pydantic names the field and says what is wrong."""


_ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# Friendlier words for pydantic's pattern errors, by field name.
_PATTERN_MESSAGES = {
    "phone": "a phone number may contain only digits, spaces and hyphens, with an optional leading +",
    "number": "a phone number may contain only digits, spaces and hyphens, with an optional leading +",
    "id": "ids use lowercase letters, digits and underscores (items: `domain.name`; regions: 2-4 capital letters)",
}


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(path.name, "", "file is missing"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path.name, "", f"cannot be read: {exc}"))
        return None
    try:
        data = yaml.load(text, Loader=_ContentLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problems.append(Problem(path.name, where, f"YAML syntax error: {exc.problem or exc}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(path.name, "", f"YAML syntax error: {exc}"))
        return None
    if data is None:
        problems.append(Problem(path.name, "", "file is empty"))
    elif not isinstance(data, dict):
        keys = ", ".join(f"{k}:" for k in FILES[path.name].model_fields) if path.name in FILES else ""
        problems.append(Problem(path.name, "", f"the top level must be a mapping ({keys} ...), not a {type(data).__name__}"))
        return None
    return data


def _parse(name: str, raw: Any, schema: type[BaseModel], problems: list[Problem]) -> Any:
    if raw is None:
        return None
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown field (check the spelling)"
            elif err["type"] == "missing":
                msg = "required field is missing"
            elif err["type"] == "string_pattern_mismatch" and err["loc"] and err["loc"][-1] in _PATTERN_MESSAGES:
                msg = f"{_PATTERN_MESSAGES[str(err['loc'][-1])]} (got {err.get('input')!r})"
            elif err["type"] == "literal_error" and err["loc"] and err["loc"][-1] == "id":
                msg = f"unknown id {err.get('input')!r}: {msg}"
            problems.append(Problem(name, _format_loc(err["loc"], raw), msg))
        return None


# ---------------------------------------------------------------- cross-file checks


def _check_ids_unique(name: str, kind: str, ids: list[str], problems: list[Problem]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            problems.append(Problem(name, f"id {i!r}", f"duplicate {kind} id"))
        seen.add(i)


def _check_item(where: str, path: str, item: Item, known: dict[str, set[str]], problems: list[Problem]) -> None:
    for sign in item.signs:
        if sign not in known["signs"]:
            problems.append(Problem(where, f"{path}.signs", f"unknown warning sign {sign!r}"))
    for n, option in enumerate(item.options):
        for sign in option.signs or []:
            if sign not in known["signs"]:
                problems.append(Problem(where, f"{path}.options[{n}].signs", f"unknown warning sign {sign!r}"))
    for n, option in enumerate(item.options):
        if option.red_flag and option.red_flag not in known["red_flags"]:
            problems.append(Problem(where, f"{path}.options[{n}].red_flag", f"unknown red flag {option.red_flag!r}"))
        flag = known["red_flag_defs"].get(option.red_flag or "")
        if flag and flag.advice(item.flag_when(option)) is None:
            when = item.flag_when(option)
            problems.append(Problem(where, f"{path}.options[{n}]", f"red flag {flag.id!r} has no `{when}` advice in red_flags.yaml"))
    # Instrument items are scored by their instrument; questionnaire items must say what they bear on.
    if where == "questionnaire.yaml" and not item.signs and not item.red_flags and item.domain != "context":
        problems.append(Problem(where, f"{path}", "names no warning sign or red flag it bears on"))
    if where == "questionnaire.yaml" and item.answered_by:
        problems.append(Problem(where, f"{path}.answered_by", "only instrument items can be answered by another question"))
    if item.show_if:
        if item.show_if.item not in known["items"]:
            problems.append(Problem(where, f"{path}.show_if.item", f"unknown item {item.show_if.item!r}"))
    for region in item.region_variants:
        if known["regions"] and region not in known["regions"]:
            problems.append(Problem(where, f"{path}.region_variants", f"unknown region {region!r}"))


def _cross_check(parts: dict[str, Any], problems: list[Problem]) -> None:
    sources, signs, red_flags = parts["sources.yaml"], parts["signs.yaml"], parts["red_flags.yaml"]
    questionnaire, instruments = parts["questionnaire.yaml"], parts["instruments.yaml"]
    tiers, resources, education = parts["tiers.yaml"], parts["resources.yaml"], parts["education.yaml"]

    source_ids = {s.id for s in sources.sources} if sources else set()
    seed_ids = {s.id for s in sources.sources if s.kind == "seed"} if sources else set()
    if sources:
        _check_ids_unique("sources.yaml", "source", [s.id for s in sources.sources], problems)

    def check_sources(file: str, path: str, ids: list[str]) -> None:
        for sid in ids:
            if sources and sid not in source_ids:
                problems.append(Problem(file, f"{path}.sources", f"unknown source {sid!r}"))

    if signs:
        ids = [s.id for s in signs.signs]
        _check_ids_unique("signs.yaml", "sign", ids, problems)
        for missing in sorted(set(SIGN_IDS) - set(ids)):
            problems.append(Problem("signs.yaml", "signs", f"warning sign {missing!r} is not defined"))
        for n, sign in enumerate(signs.signs):
            path = f"signs[{n}] ({sign.id})"
            check_sources("signs.yaml", path, sign.sources)
            if sources and not any(s in seed_ids for s in sign.sources):
                problems.append(Problem("signs.yaml", f"{path}.sources", "cites no seed document"))
    if red_flags:
        _check_ids_unique("red_flags.yaml", "red flag", [r.id for r in red_flags.red_flags], problems)
        for n, flag in enumerate(red_flags.red_flags):
            check_sources("red_flags.yaml", f"red_flags[{n}] ({flag.id})", flag.sources)
    if education:
        _check_ids_unique("education.yaml", "section", [s.id for s in education.sections], problems)
        for n, section in enumerate(education.sections):
            check_sources("education.yaml", f"sections[{n}] ({section.id})", section.sources)

    all_items: list[tuple[str, str, Item]] = []
    if questionnaire:
        all_items += [("questionnaire.yaml", f"items[{n}] ({i.id})", i) for n, i in enumerate(questionnaire.items)]
    if instruments:
        _check_ids_unique("instruments.yaml", "instrument", [i.id for i in instruments.instruments], problems)
        for k, inst in enumerate(instruments.instruments):
            for n, item in enumerate(inst.items):
                path = f"instruments[{k}] ({inst.id}).items[{n}] ({item.id})"
                all_items.append(("instruments.yaml", path, item))
                if item.id != f"{inst.id}.{n + 1}":
                    problems.append(Problem("instruments.yaml", path, f"item id should be {inst.id}.{n + 1}"))
            _check_instrument(k, inst, {r.id for r in resources.regions} if resources else set(), problems)
        for missing in sorted(set(INSTRUMENT_IDS) - {i.id for i in instruments.instruments}):
            problems.append(Problem("instruments.yaml", "instruments", f"instrument {missing!r} is not defined"))
    item_ids = [i.id for _, _, i in all_items]
    first_seen: dict[str, str] = {}
    for where, path, item in all_items:
        if item.id in first_seen:
            problems.append(Problem(where, path, f"duplicate item id (also at {first_seen[item.id]})"))
        else:
            first_seen[item.id] = f"{where}: {path}"
    known = {
        "signs": set(SIGN_IDS),
        "red_flags": {r.id for r in red_flags.red_flags} if red_flags else set(),
        "red_flag_defs": {r.id: r for r in red_flags.red_flags} if red_flags else {},
        "items": set(item_ids),
        "regions": {r.id for r in resources.regions} if resources else set(),
    }
    if not red_flags:
        known["red_flags"] = {f for _, _, i in all_items for f in i.red_flags}
    for where, path, item in all_items:
        _check_item(where, path, item, known, problems)
    if all_items:
        by_id = {i.id: i for _, _, i in all_items}
        for where, path, item in all_items:
            gate = by_id.get(item.show_if.item) if item.show_if else None
            if gate and item.show_if and item.show_if.min_level > gate.max_level:
                problems.append(
                    Problem(where, f"{path}.show_if.min_level", f"{gate.id} never reaches level {item.show_if.min_level}")
                )
        for where, path, item in all_items:
            if item.see_a_doctor and item.see_a_doctor.from_level > item.max_level:
                problems.append(Problem(where, f"{path}.see_a_doctor.from_level", f"{item.id} never reaches level {item.see_a_doctor.from_level}"))
        questionnaire_ids = {i.id for w, _, i in all_items if w == "questionnaire.yaml"}
        # Links into the questionnaire are checked only when it parsed (else every link is "unknown").
        for where, path, item in all_items if questionnaire else []:
            for n, source in enumerate(item.answered_by):
                here = f"{path}.answered_by[{n}]"
                if source.item not in questionnaire_ids:
                    problems.append(Problem(where, here, f"unknown questionnaire item {source.item!r}"))
                elif source.from_level > by_id[source.item].max_level:
                    problems.append(Problem(where, here, f"{source.item} never reaches level {source.from_level}"))
        if instruments and questionnaire:
            for k, inst in enumerate(instruments.instruments):
                lifts = [("lift_when_positive", inst.lift_when_positive)]
                lifts += [(f"lift_by_band.{b}", lift) for b, lift in inst.lift_by_band.items()]
                for name, lift in lifts:
                    if lift and lift.requires:
                        source = by_id.get(lift.requires.item)
                        path = f"instruments[{k}] ({inst.id}).{name}.requires"
                        if source is None:
                            problems.append(Problem("instruments.yaml", path, f"unknown item {lift.requires.item!r}"))
                        elif bad := [v for v in lift.requires.any_of if source.option(v) is None]:
                            problems.append(Problem("instruments.yaml", path, f"{source.id} has no option with value {bad}"))
                if inst.scoring == "sum" and any(i.answered_by for i in inst.items):
                    problems.append(Problem("instruments.yaml", f"instruments[{k}] ({inst.id})", "`answered_by` needs a yes/no (count_yes) instrument"))
    if questionnaire:
        _check_modules(questionnaire, {i.id for i in instruments.instruments} if instruments else set(INSTRUMENT_IDS), problems)
    if red_flags:
        _check_red_flags(red_flags, resources, problems)

    if tiers:
        _check_tiers(tiers, problems)
        if education:
            known_sections = {s.id for s in education.sections}
            placed = [(f"help.{t}.sections", s) for t, plan in tiers.help.items() for s in plan.sections]
            placed += [(f"audience_sections.{a}", s) for a, ids in tiers.audience_sections.items() for s in ids]
            for path, section in placed:
                if section not in known_sections:
                    problems.append(Problem("tiers.yaml", path, f"unknown education section {section!r}"))
    if resources:
        _check_resources(resources, problems)


def _check_instrument(k: int, inst: Instrument, regions: set[str], problems: list[Problem]) -> None:
    path = f"instruments[{k}] ({inst.id})"
    mins = [b.min for b in inst.bands]
    if mins != sorted(mins) or len(set(mins)) != len(mins):
        problems.append(Problem("instruments.yaml", f"{path}.bands", f"band minimums must rise strictly (got {mins})"))
    for band in inst.lift_by_band:
        if band not in {b.id for b in inst.bands}:
            problems.append(Problem("instruments.yaml", f"{path}.lift_by_band", f"unknown band {band!r}"))
    for n in inst.not_counted_when_solely_prescribed:
        if not 1 <= n <= len(inst.items):
            problems.append(Problem("instruments.yaml", f"{path}.not_counted_when_solely_prescribed", f"no item {n}"))
    tables = [("cutoffs", inst.cutoffs)] + [(f"region_cutoffs.{r}", c) for r, c in inst.region_cutoffs.items()]
    for region in inst.region_cutoffs:
        if regions and region not in regions:
            problems.append(Problem("instruments.yaml", f"{path}.region_cutoffs", f"unknown region {region!r}"))
    for where, table in tables:
        if table and set(table) != set(model.SEXES):
            problems.append(
                Problem("instruments.yaml", f"{path}.{where}", f"needs exactly {', '.join(model.SEXES)} (got {', '.join(table)})")
            )
        for sex, cutoff in table.items():
            if not 0 < cutoff <= inst.max_score:
                problems.append(
                    Problem("instruments.yaml", f"{path}.{where}.{sex}", f"cut-off {cutoff} outside 1..{inst.max_score}")
                )
    if inst.lift_when_positive and not inst.cutoffs:
        problems.append(Problem("instruments.yaml", f"{path}.lift_when_positive", "needs `cutoffs` to know when positive"))
    if inst.scoring == "count_yes":
        for n, item in enumerate(inst.items):
            if sorted(o.value for o in item.options) != [0, 1]:
                problems.append(Problem("instruments.yaml", f"{path}.items[{n}]", "yes/no items need values 0 and 1"))
    else:
        for n, item in enumerate(inst.items):
            if any(o.value != o.level for o in item.options):
                problems.append(
                    Problem("instruments.yaml", f"{path}.items[{n}] ({item.id})", "each option's value must equal its level (published points)")
                )


def _check_tiers(tiers: Tiers, problems: list[Problem]) -> None:
    if [t.id for t in tiers.tiers] != list(ALL_TIERS):
        problems.append(Problem("tiers.yaml", "tiers", f"tiers must be {list(ALL_TIERS)} in that order"))
    for n, text in enumerate(tiers.tiers):
        for field_name in ("summary", "explanation"):
            if getattr(text, field_name).other is None:
                problems.append(Problem("tiers.yaml", f"tiers[{n}] ({text.id}).{field_name}.other", "needs wording for a loved one"))
        if text.same_day and text.id != "urgent":
            problems.append(Problem("tiers.yaml", f"tiers[{n}] ({text.id}).same_day", "only the urgent tier has same-day words"))
    placeholders = {"some_at": 1, "high_at": 1, "high_min_signs": 1, "min_areas": 1, "areas": 1}
    texts = [("rule.explanation", tiers.rule.explanation)]
    texts += [(f"tiers ({t.id}).explanation", e) for t in tiers.tiers for e in (t.explanation.self_, t.explanation.other) if e]
    for path, text in texts:
        try:
            text.format(**placeholders)
        except (KeyError, IndexError, ValueError) as exc:
            problems.append(Problem("tiers.yaml", path, f"unknown placeholder {exc} (use {{some_at}}, {{high_at}}, {{high_min_signs}}, {{min_areas}}, {{areas}})"))
    cov = tiers.coverage
    if cov.min_areas > len(cov.areas):
        problems.append(Problem("tiers.yaml", "coverage.min_areas", f"{cov.min_areas} is more than the {len(cov.areas)} areas listed"))
    if tiers.rule.some_at >= tiers.rule.high_at:
        problems.append(
            Problem("tiers.yaml", "rule", f"some_at ({tiers.rule.some_at}) must be below high_at ({tiers.rule.high_at})")
        )
    if tiers.domain_bands.some_at >= tiers.domain_bands.high_at:
        problems.append(Problem("tiers.yaml", "domain_bands", "some_at must be below high_at"))
    for sign in tiers.rule.weights:
        if sign not in SIGN_IDS:
            problems.append(Problem("tiers.yaml", "rule.weights", f"unknown warning sign {sign!r}"))
    for sign in sorted(set(SIGN_IDS) - set(tiers.rule.weights)):
        problems.append(Problem("tiers.yaml", "rule.weights", f"no weight for warning sign {sign!r}"))
    for tier in sorted(set(ALL_TIERS) - set(tiers.help)):
        problems.append(Problem("tiers.yaml", "help", f"no help plan for tier {tier!r}"))
    if "urgent" in tiers.help and "emergency" not in tiers.help["urgent"].types:
        problems.append(Problem("tiers.yaml", "help.urgent.types", "urgent help must include emergency"))
    missing = sorted(set(SCORED_DOMAINS) - {d.id for d in tiers.domains})
    if missing:
        problems.append(Problem("tiers.yaml", "domains", f"no label for domains {missing}"))


def _check_modules(questionnaire: Questionnaire, instrument_ids: set[str], problems: list[Problem]) -> None:
    ids = [m.id for m in questionnaire.modules]
    _check_ids_unique("questionnaire.yaml", "module", ids, problems)
    if not ids or ids[0] != "core":
        problems.append(Problem("questionnaire.yaml", "modules", "the first module must be `core` (answered before the first result)"))
    allowed = {"core", "detail"} | instrument_ids
    for n, module_id in enumerate(ids):
        if module_id not in allowed:
            problems.append(Problem("questionnaire.yaml", f"modules[{n}]", f"unknown module {module_id!r} (core, detail or an instrument id)"))
    for missing in sorted(instrument_ids - set(ids)):
        problems.append(Problem("questionnaire.yaml", "modules", f"instrument {missing!r} has no module, so it is never asked"))
    if any(i.module == "detail" for i in questionnaire.items) and "detail" not in ids:
        problems.append(Problem("questionnaire.yaml", "modules", "items use module `detail`, but no `detail` module is listed"))


def _check_red_flags(red_flags: RedFlags, resources: Resources | None, problems: list[Problem]) -> None:
    """Every flag's words use only known placeholders, and its contacts reach someone in every region."""
    for n, flag in enumerate(red_flags.red_flags):
        for when in ("now", "recent"):
            advice = flag.advice(when)
            if advice is None:
                continue
            path = f"red_flags[{n}] ({flag.id}).{when}"
            texts = [advice.message.get(a) for a in AUDIENCES] + [s for a in AUDIENCES for s in advice.steps.get(a)]
            for text in texts:
                try:
                    text.format(emergency="")
                except (KeyError, IndexError, ValueError) as exc:
                    problems.append(Problem("red_flags.yaml", path, f"unknown placeholder {exc} in {text[:40]!r}... (only {{emergency}})"))
            if advice.urgency == "emergency" and advice.contacts[0] != "emergency":
                problems.append(Problem("red_flags.yaml", f"{path}.contacts", "an emergency flag must offer the emergency number first"))
            for region in resources.regions if resources else []:
                types = {r.type for r in region.resources}
                if "emergency" not in types:
                    continue  # reported once, for the region (resources.yaml)
                if not types & set(advice.contacts):
                    problems.append(Problem("red_flags.yaml", f"{path}.contacts", f"no contact of these types in region {region.id}"))


def _check_resources(resources: Resources, problems: list[Problem]) -> None:
    _check_ids_unique("resources.yaml", "region", [r.id for r in resources.regions], problems)
    _check_ids_unique("resources.yaml", "resource", [x.id for r in resources.regions for x in r.resources], problems)
    for n, region in enumerate(resources.regions):
        types = {x.type for x in region.resources}
        path = f"regions[{n}] ({region.id})"
        if "emergency" not in types:
            problems.append(Problem("resources.yaml", path, "region has no emergency number"))
        if "crisis" not in types:
            problems.append(Problem("resources.yaml", path, "region has no crisis line"))
        if not types & set(REFERRAL_TYPES):
            problems.append(Problem("resources.yaml", path, "region has no referral line (helpline or treatment_locator)"))
        for k, res in enumerate(region.resources):
            if res.type == "emergency" and not res.phone:
                problems.append(Problem("resources.yaml", f"{path}.resources[{k}] ({res.id})", "emergency needs a phone"))
    if "INTL" not in {r.id for r in resources.regions}:
        problems.append(Problem("resources.yaml", "regions", "no INTL fallback region"))


# ---------------------------------------------------------------- entry points


def _flow_order(questionnaire: Questionnaire, instruments: Instruments) -> list[tuple[str, Item]]:
    """(module, item) in the order asked: modules in their listed order, items in file order."""
    by_module: dict[str, list[Item]] = {}
    for item in questionnaire.items:
        by_module.setdefault(item.module, []).append(item)
    for inst in instruments.instruments:
        by_module[inst.id] = list(inst.items)
    return [(m.id, i) for m in questionnaire.modules for i in by_module.get(m.id, [])]


def validate(directory: Path | str | None = None) -> list[Problem]:
    """Every problem in the content directory (empty when valid)."""
    try:
        load(directory)
    except ContentError as exc:
        return exc.problems
    return []


def load(directory: Path | str | None = None) -> Content:
    """Validated content (cached per folder, so once per process); raises ContentError listing every problem."""
    return _load_named(str(directory or content_dir()))


# Every script run calls load(): look the folder up by the name given before resolving it, since
# Path.resolve() is a system call per path part (it was 8% of server CPU per rerun).
@functools.lru_cache(maxsize=8)
def _load_named(directory: str) -> Content:
    return _load(Path(directory).resolve())


@functools.lru_cache(maxsize=4)
def _load(directory: Path) -> Content:
    problems: list[Problem] = []
    if not directory.is_dir():
        raise ContentError([Problem(str(directory), "", "content directory does not exist")])
    parts: dict[str, Any] = {}
    for name, schema in FILES.items():
        parts[name] = _parse(name, _read_yaml(directory / name, problems), schema, problems)
    _cross_check(parts, problems)
    if problems:
        raise ContentError(problems)

    instruments: Instruments = parts["instruments.yaml"]
    questionnaire: Questionnaire = parts["questionnaire.yaml"]
    ordered = _flow_order(questionnaire, instruments)
    return Content(
        directory=directory,
        sources={s.id: s for s in parts["sources.yaml"].sources},
        signs={s.id: s for s in parts["signs.yaml"].signs},
        red_flags={r.id: r for r in parts["red_flags.yaml"].red_flags},
        items={i.id: i for _, i in ordered},
        instruments={i.id: i for i in instruments.instruments},
        tiers=parts["tiers.yaml"],
        regions={r.id: r for r in parts["resources.yaml"].regions},
        education=parts["education.yaml"],
        modules={m.id: m for m in questionnaire.modules},
        dont_know=questionnaire.dont_know,
        seconds_per_question=questionnaire.seconds_per_question,
        instrument_of={item.id: inst.id for inst in instruments.instruments for item in inst.items},
        module_of={i.id: m for m, i in ordered},
        version=hashlib.sha256(b"".join(n.encode() + b"\0" + (directory / n).read_bytes() for n in FILES)).hexdigest()[:12],
    )

"""Cross-file checks on the content: ids that must exist, thresholds in order, every region reachable
in an emergency, every line sourced. Each problem names its file, the path inside it and what is
wrong; `loader.py` reads the files and calls `cross_check` once they have parsed."""

from __future__ import annotations

from typing import Any

from . import model, phrases
from .model import (
    ALL_TIERS,
    AUDIENCES,
    INSTRUMENT_IDS,
    REFERRAL_TYPES,
    SCORED_DOMAINS,
    SIGN_IDS,
    AnswerAt,
    Feedback,
    Instrument,
    Item,
    Questionnaire,
    RedFlags,
    Resources,
    Tiers,
)
from .problem import Problem


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
    if (where == "questionnaire.yaml" and not item.signs and not item.red_flags and item.domain != "context"
            and item.id not in known["feedback_items"]):
        problems.append(Problem(where, f"{path}", "names no warning sign, red flag or feedback line it bears on"))
    if where == "questionnaire.yaml" and item.answered_by:
        problems.append(Problem(where, f"{path}.answered_by", "only instrument items can be answered by another question"))
    if item.show_if:
        if item.show_if.item not in known["items"]:
            problems.append(Problem(where, f"{path}.show_if.item", f"unknown item {item.show_if.item!r}"))
    for region in item.region_variants:
        if known["regions"] and region not in known["regions"]:
            problems.append(Problem(where, f"{path}.region_variants", f"unknown region {region!r}"))


def cross_check(parts: dict[str, Any], problems: list[Problem]) -> None:
    sources, signs, red_flags = parts["sources.yaml"], parts["signs.yaml"], parts["red_flags.yaml"]
    questionnaire, instruments = parts["questionnaire.yaml"], parts["instruments.yaml"]
    tiers, resources, education = parts["tiers.yaml"], parts["resources.yaml"], parts["education.yaml"]
    feedback = parts["feedback.yaml"]

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
        "feedback_items": {c.item for line in feedback.feedback for c in line.when} if feedback else set(),
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
        questionnaire_ids = {i.id for w, _, i in all_items if w == "questionnaire.yaml"}
        # Links into the questionnaire are checked only when it parsed (else every link is "unknown").
        for where, path, item in all_items if questionnaire else []:
            for n, source in enumerate(item.answered_by):
                here = f"{path}.answered_by[{n}]"
                if source.item not in questionnaire_ids:
                    problems.append(Problem(where, here, f"unknown questionnaire item {source.item!r}"))
                else:
                    _check_answer_at(where, here, source, by_id, problems)
        if instruments and questionnaire:
            for k, inst in enumerate(instruments.instruments):
                path = f"instruments[{k}] ({inst.id})"
                for n, shared in enumerate(inst.shared_answers):
                    _check_answer_at("instruments.yaml", f"{path}.shared_answers[{n}].answered_by", shared.answered_by, by_id, problems)
                    for c in shared.criteria:
                        if not 1 <= c <= len(inst.items):
                            problems.append(Problem("instruments.yaml", f"{path}.shared_answers[{n}]", f"no item {c}"))
                        elif inst.items[c - 1].answered_by:
                            problems.append(Problem("instruments.yaml", f"{path}.shared_answers[{n}]",
                                                    f"{inst.id}.{c} is already answered by a core question (`answered_by`)"))
                if inst.withdrawal:
                    for n, cond in enumerate(inst.withdrawal.also_when):
                        _check_answer_at("instruments.yaml", f"{path}.withdrawal.also_when[{n}]", cond, by_id, problems)
                    check_sources("instruments.yaml", f"{path}.withdrawal", inst.withdrawal.sources)
                check_sources("instruments.yaml", f"{path}.band", inst.band_sources)
                if inst.scoring == "sum" and any(i.answered_by for i in inst.items):
                    problems.append(Problem("instruments.yaml", f"instruments[{k}] ({inst.id})", "`answered_by` needs a yes/no (count_yes) instrument"))
    if questionnaire:
        _check_modules(questionnaire, {i.id for i in instruments.instruments} if instruments else set(INSTRUMENT_IDS), problems)
    if red_flags:
        _check_red_flags(red_flags, resources, problems)

    # Links into the questionnaire are checked only when it parsed (else every link is "unknown").
    if feedback and questionnaire:
        _check_feedback(feedback, by_id, known["signs"], check_sources, problems)
    if tiers:
        _check_tiers(tiers, problems)
        if questionnaire:
            rule = tiers.rule
            conditions = [(f"rule.many.harms[{n}]", c) for n, c in enumerate(rule.many.harms)]
            conditions += [("rule.many.harm_with_use", rule.many.harm_with_use)] if rule.many.harm_with_use else []
            for path, cond in conditions:
                _check_answer_at("tiers.yaml", path, cond, by_id, problems)
        if education:
            known_sections = {s.id for s in education.sections}
            placed = [(f"help.{t}.sections", s) for t, plan in tiers.help.items() for s in plan.sections]
            placed += [(f"audience_sections.{a}", s) for a, ids in tiers.audience_sections.items() for s in ids]
            for path, section in placed:
                if section not in known_sections:
                    problems.append(Problem("tiers.yaml", path, f"unknown education section {section!r}"))
    if resources:
        _check_resources(resources, problems)
    if parts.get("phrases.yaml"):
        problems += [Problem("phrases.yaml", f"phrases.{key}", message) for key, message in phrases.problems(parts["phrases.yaml"])]


def _check_instrument(k: int, inst: Instrument, regions: set[str], problems: list[Problem]) -> None:
    path = f"instruments[{k}] ({inst.id})"
    mins = [b.min for b in inst.bands]
    if mins != sorted(mins) or len(set(mins)) != len(mins):
        problems.append(Problem("instruments.yaml", f"{path}.bands", f"band minimums must rise strictly (got {mins})"))
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
    if inst.risk_bands:
        _check_risk_bands(path, inst, tables, problems)
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


def _check_risk_bands(path: str, inst: Instrument, tables: list[tuple[str, dict[str, int]]],
                      problems: list[Problem]) -> None:
    """AUDIT-C's bands start at 0 and rise strictly for every region's and sex's cut-off."""
    where = f"{path}.risk_bands"
    if inst.risk_bands[0].from_ != 0:
        problems.append(Problem("instruments.yaml", where, "the first band must start at 0"))
    if any(b.from_ == "cutoff" for b in inst.risk_bands) and not inst.cutoffs:
        problems.append(Problem("instruments.yaml", where, '`from: cutoff` needs `cutoffs`'))
        return
    if any(b.withdrawal for b in inst.risk_bands) and inst.withdrawal is None:
        problems.append(Problem("instruments.yaml", where, "a band says `withdrawal` but the instrument has no `withdrawal` advice"))
    for name, table in tables:
        for sex, cutoff in table.items():
            if not 0 < cutoff <= inst.max_score:
                continue  # reported as the cut-off's own problem
            starts = [cutoff if b.from_ == "cutoff" else b.from_ for b in inst.risk_bands]
            if starts != sorted(set(starts)) or starts[-1] > inst.max_score:
                problems.append(Problem("instruments.yaml", where,
                                        f"band starts must rise strictly within 0..{inst.max_score} ({name}, {sex}: {starts})"))
    if len({b.id for b in inst.risk_bands}) != len(inst.risk_bands):
        problems.append(Problem("instruments.yaml", where, "band ids repeat"))


def _check_answer_at(file: str, path: str, cond: AnswerAt, by_id: dict[str, Item], problems: list[Problem]) -> None:
    """An "answer counts" condition names a real question, a level it can reach, or real options."""
    item = by_id.get(cond.item)
    if item is None:
        problems.append(Problem(file, f"{path}.item", f"unknown item {cond.item!r}"))
    elif cond.from_level is not None and cond.from_level > item.max_level:
        problems.append(Problem(file, path, f"{item.id} never reaches level {cond.from_level}"))
    elif cond.any_of is not None and (bad := [v for v in cond.any_of if item.option(v) is None]):
        problems.append(Problem(file, path, f"{item.id} has no option with value {bad}"))


def _check_feedback(feedback: Feedback, by_id: dict[str, Item], signs: set[str], check_sources: Any,
                    problems: list[Problem]) -> None:
    _check_ids_unique("feedback.yaml", "feedback line", [f.id for f in feedback.feedback], problems)
    _check_ids_unique("feedback.yaml", "menu option", [o.id for o in feedback.menu.options], problems)
    texts: list[tuple[str, str]] = []
    for n, line in enumerate(feedback.feedback):
        path = f"feedback[{n}] ({line.id})"
        for k, cond in enumerate(line.when):
            _check_answer_at("feedback.yaml", f"{path}.when[{k}]", cond, by_id, problems)
        check_sources("feedback.yaml", path, line.sources)
        texts += [(path, t) for t in (line.text.self_, line.text.other, line.text.intake) if t]
    for n, option in enumerate(feedback.menu.options):
        path = f"menu.options[{n}] ({option.id})"
        check_sources("feedback.yaml", path, option.sources)
        texts.append((path, option.detail))
    check_sources("feedback.yaml", "frames.self_efficacy", feedback.frames.self_efficacy.sources)
    for audience in AUDIENCES:
        if not feedback.menu.for_audience(audience):
            problems.append(Problem("feedback.yaml", "menu.options", f"no option for audience {audience!r}"))
    for path, text in texts:
        try:
            text.format(emergency="")
        except (KeyError, IndexError, ValueError) as exc:
            problems.append(Problem("feedback.yaml", path, f"unknown placeholder {exc} in {text[:40]!r}... (only {{emergency}})"))


def _check_tiers(tiers: Tiers, problems: list[Problem]) -> None:
    if [t.id for t in tiers.tiers] != list(ALL_TIERS):
        problems.append(Problem("tiers.yaml", "tiers", f"tiers must be {list(ALL_TIERS)} in that order"))
    for n, text in enumerate(tiers.tiers):
        for field_name in ("summary", "explanation"):
            if getattr(text, field_name).other is None:
                problems.append(Problem("tiers.yaml", f"tiers[{n}] ({text.id}).{field_name}.other", "needs wording for a loved one"))
        if text.same_day and text.id != "urgent":
            problems.append(Problem("tiers.yaml", f"tiers[{n}] ({text.id}).same_day", "only the urgent tier has same-day words"))
    placeholders = {"many_criteria": 1, "some_criteria": 1, "min_areas": 1, "areas": 1}
    texts = [("rule.explanation", tiers.rule.explanation)]
    texts += [(f"tiers ({t.id}).explanation", e) for t in tiers.tiers for e in (t.explanation.self_, t.explanation.other) if e]
    for path, text in texts:
        try:
            text.format(**placeholders)
        except (KeyError, IndexError, ValueError) as exc:
            problems.append(Problem("tiers.yaml", path, f"unknown placeholder {exc} (use {{many_criteria}}, {{some_criteria}}, {{min_areas}}, {{areas}})"))
    cov = tiers.coverage
    if cov.min_areas > len(cov.areas):
        problems.append(Problem("tiers.yaml", "coverage.min_areas", f"{cov.min_areas} is more than the {len(cov.areas)} areas listed"))
    rule = tiers.rule
    if rule.some.criteria >= rule.many.criteria:
        problems.append(Problem("tiers.yaml", "rule", f"some.criteria ({rule.some.criteria}) must be below many.criteria ({rule.many.criteria})"))
    if rule.many.harm_with_criteria > rule.many.criteria:
        problems.append(Problem("tiers.yaml", "rule.many.harm_with_criteria", "must not be more than many.criteria"))
    if tiers.domain_bands.some_at >= tiers.domain_bands.high_at:
        problems.append(Problem("tiers.yaml", "domain_bands", "some_at must be below high_at"))
    for sign in rule.some.not_signs:
        if sign not in SIGN_IDS:
            problems.append(Problem("tiers.yaml", "rule.some.not_signs", f"unknown warning sign {sign!r}"))
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
                    text.format(emergency="", reach_crisis="", Reach_crisis="")
                except (KeyError, IndexError, ValueError) as exc:
                    problems.append(Problem("red_flags.yaml", path, f"unknown placeholder {exc} in {text[:40]!r}... "
                                                                    "(only {emergency}, {reach_crisis}, {Reach_crisis})"))
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

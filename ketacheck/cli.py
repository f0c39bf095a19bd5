"""`python -m ketacheck`: validate content, list a flow's questions, score an answer file.

Exit codes: 0 ok; 1 content is invalid; 2 the input (arguments or answer file) is not usable; 141 the
reader of stdout left early (as `| head` does).
Errors go to stderr one per line, never as a traceback, and nothing partial goes to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import content_cache, export, scoring, submission, translations
from .content import Content, ContentError, content_dir, report
from .model import DONT_KNOW, dump
from .problem import safe

if TYPE_CHECKING:  # annotations only: no pydantic on the command line's cached path
    from .model import Item


STAGES = ("core", "full")


def default_stage(audience: str) -> str:
    """Intake runs the whole pre-screen; a person or a loved one starts with the core."""
    return "full" if audience == "intake" else "core"


def questions(content: Content, audience: str, prescribed: bool, region: str | None = None,
              stage: str | None = None) -> list[dict]:
    """The items a flow asks, in order, as plain data. In an answer file a `multiple` item's value
    is a list of option values; "Don't know" (where offered) is the value "dont_know"."""
    stage = stage or default_stage(audience)
    items = content.core(audience, prescribed) if stage == "core" else content.flow(audience, prescribed)
    out = []
    for item in items:
        text, labels = item.wording(audience, region)
        options = [
            {"value": o.value, "label": label, "level": o.level, "red_flag": o.red_flag,
             "when": item.flag_when(o) if o.red_flag else None, "exclusive": o.exclusive}
            for o, label in zip(item.options, labels, strict=True)
        ]
        if content.offers_dont_know(audience):
            options.append({"value": DONT_KNOW, "label": content.dont_know.label, "level": None,
                            "red_flag": None, "when": None, "exclusive": True})
        out.append(
            {
                "id": item.id,
                "text": text,
                "module": content.module_of[item.id],
                "domain": item.domain,
                "instrument": content.instrument_of.get(item.id),
                "multiple": item.multiple,
                "signs": list(item.signs),
                "red_flags": item.red_flags,
                "optional": item.optional,
                "show_if": dump(item.show_if) if item.show_if else None,
                "also_answers": _also_answers(content, item, audience, prescribed),
                "options": options,
            }
        )
    return out


def _also_answers(content: Content, item: Item, audience: str, prescribed: bool) -> list[dict]:
    """Instrument items this question answers in this flow (one construct, asked once)."""
    out = []
    for inst_item in content.items.values():
        for source in content.answered_by(inst_item, audience, prescribed):
            if source.item == item.id:
                out.append({"item": inst_item.id, "yes_from_level": source.from_level, "yes_if_any_of": source.any_of})
    for inst in content.instruments.values():
        for shared in inst.shared_answers:
            if shared.answered_by.item == item.id:
                out.append({"items": [f"{inst.id}.{n}" for n in shared.criteria], "one_yes_from_level": shared.answered_by.from_level})
    return out


def _load(directory: str | None, err: TextIO, language: str = "en", *, cached: bool = True) -> Content | None:
    """The content, from the cache of an earlier run when nothing it depends on has changed
    (`content_cache`); `cached=False` always reads and validates the files."""
    try:
        if cached:
            return content_cache.load(directory, language)
        from . import loader  # YAML, Babel and the validators

        return loader.load(directory, language)
    except ContentError as exc:
        print("\n".join(report(exc.problems)), file=err)
        return None


def _read_input(path: str, stdin: TextIO) -> bytes:
    if path == "-":
        data = stdin.buffer.read(submission.MAX_INPUT_BYTES + 1) if hasattr(stdin, "buffer") else stdin.read().encode()
        return data
    file = Path(path)
    if not file.is_file():
        raise submission.InputError([f"{path}: no such file"])
    with file.open("rb") as handle:
        return handle.read(submission.MAX_INPUT_BYTES + 1)


def main(argv: list[str] | None = None, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(prog="python -m ketacheck", description="KetaCheck engine: content, questions, scoring.")
    parser.add_argument("--content", metavar="DIR", help="content directory (default: assessments/)")
    parser.add_argument("--lang", metavar="LANGUAGE",
                        help="language of the words (en, es, zh-Hant, zh-Hans); score and export default to the file's")
    sub = parser.add_subparsers(dest="command", required=True)
    p_validate = sub.add_parser("validate", help="check the content; exit 1 and list every problem if invalid")
    p_validate.add_argument("directory", nargs="?", help="content directory (default: assessments/)")
    p_questions = sub.add_parser("questions", help="the items a flow asks, as JSON")
    p_questions.add_argument("--audience", choices=("self", "other", "intake"), required=True)
    p_questions.add_argument("--prescribed", choices=("yes", "no", "dont_know"), default="no",
                             help='"dont_know" (a loved one\'s check) asks as for any ketamine use')
    p_questions.add_argument("--region", help="wording for this region (e.g. UK units for AUDIT-C)")
    p_questions.add_argument("--stage", choices=STAGES,
                             help="core (the first result) or full (core and every module); default: full for intake, else core")
    p_score = sub.add_parser("score", help="score an answer file, a KetaCheck JSON export or a FHIR response (or - "
                             "for stdin); prints the result as JSON")
    p_score.add_argument("file")
    p_export = sub.add_parser("export", help="write a summary (pdf, html, csv), a KetaCheck JSON file or a FHIR response")
    p_export.add_argument("--format", choices=("pdf", "html", "csv", "json", "fhir"), required=True)
    p_export.add_argument("file", help="answers: a score-style answer file, a KetaCheck JSON export or a FHIR response")
    p_export.add_argument("-o", "--output", required=True, help="file to write (- for stdout, not for pdf)")
    p_msg = sub.add_parser("messages", help="write locale/ui.pot and bring every language's catalogs up to date with the English")
    p_msg.add_argument("--init", metavar="LANGUAGE", help="start a new language (e.g. fr) with empty catalogs")
    p_fq = sub.add_parser("fhir-questionnaire", help="a FHIR R4 Questionnaire generated from the content")
    p_fq.add_argument("id", help="ketacheck-self, ketacheck-other, ketacheck-intake, audit_c, sds or dsm5_k")
    p_fq.add_argument("-o", "--output", required=True, help="file to write (- for stdout)")

    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has already printed its one-line usage error
        return int(exc.code or 0)

    if args.command == "validate":
        from . import loader

        directory = args.directory or args.content or content_dir()
        content = _load(str(directory), err, cached=False)  # never the cache: validate really validates
        if content is None:
            return 1
        problems = loader.validate(str(directory))
        if problems:
            print("\n".join(report(problems)), file=err)
            return 1
        langs = loader.languages(str(directory))
        print(f"ok: {Path(directory)} is valid ({len(content.items)} items, {len(content.regions)} regions, "
              f"languages {', '.join(langs)})", file=out)
        return 0

    if args.command == "messages":
        from . import messages  # Babel's extractor: only for maintainers

        for line in messages.run(Path(args.content or content_dir()), args.init):
            print(line, file=out)
        return 0

    langs = translations.languages(Path(args.content or content_dir()))  # as loader.languages, without the loader
    if args.lang is not None and args.lang not in langs:
        print(f"--lang: must be one of {', '.join(langs)} (got {args.lang!r})", file=err)
        return 2
    # In --lang's language from the start (its problems with the file are said in it too); English otherwise.
    content = _load(args.content, err, args.lang or "en")
    if content is None:
        return 1
    if args.command == "questions":
        if args.region and args.region not in content.regions:
            print(f"--region: must be one of {', '.join(content.regions)} (got {args.region!r})", file=err)
            return 2
        json.dump(questions(content, args.audience, args.prescribed == "yes", args.region, args.stage), out, indent=2,
                  ensure_ascii=False)
        out.write("\n")
        return 0

    if args.command == "fhir-questionnaire":
        try:
            resource = export.fhir_questionnaire(content, args.id)
        except ValueError as exc:
            print(f"id: {exc}", file=err)
            return 2
        return _write(args.output, json.dumps(resource, indent=2, ensure_ascii=False) + "\n", out, err)

    try:
        data = _read_input(args.file, stdin)
        sub_ = _submission(data, content)
    except submission.InputError as exc:
        for problem in exc.problems:
            print(safe(submission.translated(problem, content.ui.gettext)), file=err)
        return 2
    language = args.lang or sub_.language  # the file's language, unless --lang says otherwise
    if language != content.language:
        content = _load(args.content, err, language)
        if content is None:
            return 1
    result = scoring.score(sub_, content)
    if args.command == "score":
        json.dump(result.to_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    today = dt.date.today()
    if args.format == "pdf":
        if args.output == "-":
            print("--output: a PDF needs a file name, not -", file=err)
            return 2
        return _write(args.output, export.summary_pdf(sub_, result, content, today), out, err)
    if args.format == "html":
        text = export.summary_html(sub_, result, content, today)
    elif args.format == "csv":
        text = export.summary_csv(sub_, result, content, today)
    elif args.format == "json":
        text = json.dumps(export.to_json(sub_, result, content, today), indent=2, ensure_ascii=False) + "\n"
    else:
        text = json.dumps(export.fhir_questionnaire_response(sub_, result, content, today), indent=2, ensure_ascii=False) + "\n"
    return _write(args.output, text, out, err)


def _submission(data: bytes, content: Content) -> submission.Submission:
    """`score` and `export` read the same files, with the same checks as the import page: a
    score-style answer file, a KetaCheck JSON export (schema_version) or a FHIR response."""
    def read() -> submission.Submission:
        raw = export.read_json(data)
        if isinstance(raw, dict) and ("schema_version" in raw or "resourceType" in raw):
            return export.from_data(raw, content)
        return submission.parse(raw, content)
    return export.guarded(read)


def _write(path: str, data: str | bytes, out: TextIO, err: TextIO) -> int:
    if path == "-":
        out.write(safe(data if isinstance(data, str) else data.decode("utf-8")))
        return 0
    try:
        Path(path).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    except OSError as exc:
        print(f"--output: cannot write {path}: {exc.strerror}", file=err)
        return 2
    print(f"wrote {path}", file=err)
    return 0

"""A corpus of broken content: each case breaks `assessments/` in one known way and asserts the
loader names the file, the field and what is wrong, as a content editor would need to see it.

Cases live in `tests/broken_content/<case>.yaml` (format in `tests/broken_content/README.md`): a
patch applied to a fresh copy of the real content, plus the problems it must produce. By default
a case also asserts that nothing *else* is reported, so misleading follow-on errors show up too.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ketacheck import loader
from ketacheck.cli import main
from ketacheck.loader import Problem

CASES_DIR = Path(__file__).resolve().parent / "broken_content"
CASES = sorted(p for p in CASES_DIR.glob("*.yaml"))
PATCH_KEYS = {"file", "replace_text", "write", "delete"}
CASE_KEYS = PATCH_KEYS | {"description", "patches", "expect", "allow_other_problems"}
EXPECT_KEYS = {"file", "path", "path_contains", "line_of", "message_contains"}


def load_case(path: Path) -> dict[str, Any]:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(case, dict), f"{path.name}: a case is a mapping"
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"{path.name}: unknown keys {sorted(unknown)}"
    assert case.get("description"), f"{path.name}: say in `description` what the case breaks"
    assert case.get("expect"), f"{path.name}: `expect` lists at least one problem"
    for exp in case["expect"]:
        assert set(exp) <= EXPECT_KEYS, f"{path.name}: unknown expect keys {sorted(set(exp) - EXPECT_KEYS)}"
        assert "file" in exp and "message_contains" in exp, f"{path.name}: each expectation needs file and message"
    return case


def patches_of(case: dict[str, Any]) -> list[dict[str, Any]]:
    if "patches" in case:
        assert not set(case) & PATCH_KEYS, "use either `patches:` or a single top-level patch, not both"
        return case["patches"]
    return [{k: case[k] for k in PATCH_KEYS if k in case}]


def apply_patch(directory: Path, patch: dict[str, Any]) -> None:
    target = directory / patch["file"]
    actions = [k for k in ("replace_text", "write", "delete") if k in patch]
    assert len(actions) == 1, f"{patch['file']}: give exactly one of replace_text, write, delete"
    if "delete" in patch:
        target.unlink()
    elif "write" in patch:
        target.write_text(patch["write"], encoding="utf-8")
    else:
        subs = patch["replace_text"]
        text = target.read_text(encoding="utf-8")
        for sub in subs if isinstance(subs, list) else [subs]:
            text = substitute(patch["file"], text, sub)
        target.write_text(text, encoding="utf-8")


def _indent(block: str, prefix: str) -> str:
    return "".join(prefix + line if line.strip() else line for line in block.splitlines(keepends=True))


def substitute(name: str, text: str, sub: dict[str, Any]) -> str:
    """Replace `old` with `new` exactly once (after the `after` anchor, when given).

    A multi-line `old` is written as in the real file but shifted left (a YAML `|` block); it is
    matched at whatever indentation it has there, and `new` is indented the same way.
    """
    assert set(sub) <= {"old", "new", "after"}, f"{name}: replace_text takes old, new and after"
    old, new = sub["old"], sub["new"]
    # Exactly once, so a case keeps breaking what it says it breaks when the content changes.
    if "after" in sub:
        count = text.count(sub["after"])
        assert count == 1, f"{name}: anchor {sub['after']!r} occurs {count} times in the real content, not once"
        start = text.index(sub["after"]) + len(sub["after"])
        assert old in text[start:], f"{name}: {old!r} does not occur after {sub['after']!r}"
        at = text.index(old, start)
        return text[:at] + new + text[at + len(old) :]
    if "\n" in old.rstrip("\n"):
        prefixes = sorted({m.group(0) for m in re.finditer(r"(?m)^ *", text)})
        found = [p for p in prefixes if _indent(old, p) in text]
        hits = sum(text.count(_indent(old, p)) for p in found)
        assert hits == 1, f"{name}: block {old!r} occurs {hits} times in the real content, not once"
        return text.replace(_indent(old, found[0]), _indent(new, found[0]))
    count = text.count(old)
    assert count == 1, f"{name}: {old!r} occurs {count} times in the real content, not once"
    return text.replace(old, new)


def expected_path(exp: dict[str, Any], directory: Path) -> tuple[str, str]:
    """(how to match, what) for the expected path; `line_of` finds the line in the patched file."""
    if "line_of" in exp:
        lines = (directory / exp["file"]).read_text(encoding="utf-8").splitlines()
        hits = [n for n, line in enumerate(lines, 1) if exp["line_of"] in line]
        assert len(hits) == 1, f"line_of {exp['line_of']!r} is on lines {hits} of the patched file, not one"
        return "startswith", f"line {hits[0]},"
    if "path" in exp:
        return "equals", exp["path"]
    return "contains", exp.get("path_contains", "")


def matches(problem: Problem, exp: dict[str, Any], directory: Path) -> bool:
    how, want = expected_path(exp, directory)
    path_ok = {
        "equals": problem.path == want,
        "startswith": problem.path.startswith(want),
        "contains": want in problem.path,
    }[how]
    return problem.file == exp["file"] and path_ok and exp["message_contains"] in problem.message


def break_content(content_copy: Path, case: dict[str, Any]) -> Path:
    for patch in patches_of(case):
        apply_patch(content_copy, patch)
    return content_copy


def describe(exp: dict[str, Any]) -> str:
    where = exp.get("path") or exp.get("path_contains") or (f"line of {exp['line_of']!r}" if "line_of" in exp else "")
    return f"{exp['file']}: {where}: ...{exp['message_contains']}..."


@pytest.mark.parametrize("case_file", CASES, ids=[p.stem for p in CASES])
def test_broken_content_is_reported(case_file: Path, content_copy: Path) -> None:
    case = load_case(case_file)
    directory = break_content(content_copy, case)
    problems = loader.validate(directory)
    shown = "\n".join(f"  {p}" for p in problems) or "  (none)"

    missing = [exp for exp in case["expect"] if not any(matches(p, exp, directory) for p in problems)]
    assert not missing, (
        f"{case['description']}\nexpected but not reported:\n"
        + "\n".join(f"  {describe(e)}" for e in missing)
        + f"\nreported:\n{shown}"
    )
    if not case.get("allow_other_problems", False):
        extra = [p for p in problems if not any(matches(p, exp, directory) for exp in case["expect"])]
        assert not extra, (
            f"{case['description']}\nreported but not expected (misleading follow-on errors?):\n"
            + "\n".join(f"  {p}" for p in extra)
        )


def test_corpus_is_not_empty() -> None:
    assert len(CASES) >= 25


# ---------------------------------------------------------------- the CLI, in-process


def run_validate(directory: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["validate", str(directory)], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_unmodified_content_validates(content_copy: Path) -> None:
    assert loader.validate(content_copy) == []
    code, out, err = run_validate(content_copy)
    assert (code, err) == (0, "")
    assert out.startswith("ok: ") and "is valid" in out


@pytest.mark.parametrize(
    "case_name",
    [
        "item_unknown_sign",
        "resource_url_http",
        "yaml_syntax_error",
        "multiple_problems_two_files",
        "resource_verified_impossible_date",  # today: a ValueError traceback, not exit 1
    ],
)
def test_cli_validate_names_file_and_field(case_name: str, content_copy: Path) -> None:
    case = load_case(CASES_DIR / f"{case_name}.yaml")
    directory = break_content(content_copy, case)
    code, out, err = run_validate(directory)
    assert code == 1
    assert out == "", "nothing goes to stdout when content is invalid"
    lines = err.splitlines()
    assert lines[0] == f"KetaCheck content is invalid ({len(lines) - 1} problem(s)):"
    for exp in case["expect"]:
        _, want = expected_path(exp, directory)
        line = next((x for x in lines[1:] if x.strip().startswith(f"{exp['file']}: ") and want in x), None)
        assert line is not None, f"stderr names no problem in {exp['file']} at {want!r}:\n{err}"
        assert exp["message_contains"] in line

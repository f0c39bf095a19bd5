"""`python -m ketacheck messages`: keep the gettext catalogs in step with the English.

- `locale/ui.pot` is extracted (Babel) from the code that shows words: `_("...")` and
  `ngettext("one", "other", n)` in pages/ and ketacheck/ui, `content.ui.gettext(...)` elsewhere,
  `N_("...")` where a word is defined away from where it is shown, and `Line("...", name=value)`,
  the problems with a file a person is shown (ketacheck/submission.py).
- Each `locale/<language>/content.po` and `ui.po` is updated: a new English string arrives with an
  empty translation (or Babel's closest guess, marked fuzzy), a removed one becomes obsolete (`#~`);
  existing translations are kept. The loader refuses the language until every string is translated
  and no fuzzy mark is left, so nothing half-done reaches anyone.
- `--init LANGUAGE` starts a new language with empty catalogs.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from . import translations
from .loader import FILES, _read_yaml

ROOT = Path(__file__).resolve().parent.parent
# Code whose words people read. Relative to the project root.
UI_SOURCES = ("app.py", "pages/*.py", "ketacheck/ui/*.py", "ketacheck/web/*.py", "ketacheck/export/*.py",
              "ketacheck/wording.py", "ketacheck/charts.py", "ketacheck/submission.py")
# `Line("...", name=value)`: a problem with a file (ketacheck/submission.py), its template a msgid.
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "Line": None}
HEADER = "KetaCheck {what}. msgid is the English; see ketacheck/translations.py for the rules."
# A fixed date, so running the tool twice changes nothing (the catalogs live in git, which dates them).
STAMP = dt.datetime(2026, 12, 3, tzinfo=dt.timezone.utc)


def _new_catalog(what: str, language: str | None = None) -> Catalog:
    cat = Catalog(locale=translations.babel_locale(language) if language else None, project="KetaCheck",
                  header_comment="# " + HEADER.format(what=what), fuzzy=False, creation_date=STAMP,
                  revision_date=STAMP)
    return cat


def ui_template() -> Catalog:
    cat = _new_catalog("user interface")
    for pattern in UI_SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            rel = path.relative_to(ROOT).as_posix()
            for lineno, message, comments, _ in extract_from_file("python", str(path), keywords=KEYWORDS,
                                                                   comment_tags=("TRANSLATORS:",)):
                cat.add(message, locations=[(rel, lineno)], auto_comments=comments)
    return cat


def content_template(directory: Path) -> Catalog:
    problems: list = []
    raw = {name: _read_yaml(directory / name, problems) for name in FILES}
    if problems:
        raise SystemExit("\n".join(str(p) for p in problems))
    cat = _new_catalog("content")
    for msg in translations.content_messages(raw).values():
        cat.add((msg.msgid, msg.plural) if msg.plural else msg.msgid, auto_comments=list(msg.locations[:5]))
    return cat


def _dump(cat: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, cat, width=100, sort_output=False, include_previous=False)
    return buf.getvalue()


def _update(path: Path, template: Catalog, language: str) -> tuple[int, int]:
    """Merge the template into one language's catalog; (strings, still untranslated)."""
    if path.is_file():
        with path.open("rb") as fh:
            cat = read_po(fh, locale=translations.babel_locale(language))
    else:
        cat = _new_catalog("translation", language)
    cat.update(template, no_fuzzy_matching=False, update_header_comment=False, update_creation_date=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_dump(cat))
    with path.open("rb") as fh:  # counted as the loader will read it
        written = [m for m in read_po(fh) if m.id]
    forms = [list(m.string) if isinstance(m.string, (list, tuple)) else [m.string] for m in written]
    todo = sum(1 for m, f in zip(written, forms) if m.fuzzy or not all((s or "").strip() for s in f))
    return len(written), todo


def run(directory: Path, init: str | None = None) -> list[str]:
    """Write ui.pot and update every language's catalogs; lines saying what was done."""
    root = directory / translations.LOCALE
    root.mkdir(exist_ok=True)
    ui = ui_template()
    (root / "ui.pot").write_bytes(_dump(ui))
    lines = [f"{root / 'ui.pot'}: {sum(1 for m in ui if m.id)} strings"]
    content = content_template(directory)
    if init:
        if init == translations.SOURCE_LANGUAGE or "/" in init or not init.strip():
            raise SystemExit(f"--init: {init!r} is not a language tag like es or zh-Hant")
        (root / init).mkdir(exist_ok=True)
        validation = root / init / translations.VALIDATION_FILE
        if not validation.exists():
            ids = [i["id"] for i in (_read_yaml(directory / "instruments.yaml", []) or {}).get("instruments", [])]
            validation.write_text(
                "# Each instrument in this language: `validated` only where a validated wording in this language\n"
                "# is cited (say where); otherwise `translated` (shown as \"translated, not validated in this\n"
                "# language\"). statement and citation are in this language; the loader refuses empty ones.\n"
                + "".join(f"{i}:\n  status: translated\n  statement: \"\"\n  citation: \"\"\n" for i in ids),
                encoding="utf-8")
    for language in translations.languages(directory)[1:]:
        for name, template in (("content.po", content), ("ui.po", ui)):
            total, todo = _update(root / language / name, template, language)
            lines.append(f"{root / language / name}: {total} strings, {todo} to translate or review")
    return lines

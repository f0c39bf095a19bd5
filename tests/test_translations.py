"""The translation mechanism: gettext catalogs beside the content (ketacheck/translations.py).

A made-up language, "xx", wraps every English string in ⟦ ⟧, so a test can see that every word a
person reads went through the catalog, that scoring does not depend on the English, and that the
loader refuses a catalog that is incomplete, has extra strings or changes a placeholder."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
import yaml
from babel.messages.pofile import read_po, write_po

from ketacheck import loader, messages, translations, wording
from ketacheck.cli import main

from helpers import lowest, score


def pseudo(text: str) -> str:
    return f"⟦{text}⟧"


def fill(path, make=pseudo, skip=()):
    with path.open("rb") as fh:
        cat = read_po(fh)
    for m in cat:
        if not m.id:
            continue
        key = m.id if isinstance(m.id, str) else m.id[0]
        if key in skip:
            continue
        m.string = tuple(make(x) for x in m.id) if isinstance(m.id, (list, tuple)) else make(m.id)
        m.flags.discard("fuzzy")
    buf = io.BytesIO()
    write_po(buf, cat, width=100)
    path.write_bytes(buf.getvalue())


@pytest.fixture()
def xx(content_copy):
    """A content copy with a complete pseudo-language catalog."""
    messages.run(content_copy, init="xx")
    for name in ("content.po", "ui.po"):
        fill(content_copy / "locale" / "xx" / name)
    validation = content_copy / "locale" / "xx" / "validation.yaml"
    validation.write_text(validation.read_text(encoding="utf-8").replace('statement: ""', 'statement: "⟦not validated⟧"')
                          .replace('citation: ""', 'citation: "⟦none⟧"'), encoding="utf-8")
    return content_copy


def test_every_string_a_person_reads_goes_through_the_catalog(xx):
    xc = loader.load(xx, "xx")
    assert xc.language == "xx"
    for item in xc.items.values():
        text, labels = item.wording("self")
        assert text.startswith("⟦") and all(label.startswith("⟦") for label in labels), item.id
    for region in xc.regions.values():
        assert region.name.startswith("⟦") and region.legal_note.startswith("⟦")
        for res in region.resources:
            assert res.description.startswith("⟦") and all(lang.startswith("⟦") for lang in res.languages)
            assert not (res.phone or "").startswith("⟦") and not (res.url or "").startswith("⟦")  # dialled as is
    for sign in xc.signs.values():
        assert sign.name.startswith("⟦") and sign.meaning.startswith("⟦")
    assert all(s.title.startswith("⟦") and s.body.startswith("⟦") for s in xc.education.sections)
    assert all(w.startswith("⟦") for w in xc.reach_words.model_dump().values())  # "call", "text": words, not ids
    # ids, codes and sources stay as they are
    assert set(xc.items) == set(loader.load(xx).items)
    assert xc.sources == loader.load(xx).sources


def test_scoring_does_not_depend_on_the_words(xx):
    en, xc = loader.load(xx), loader.load(xx, "xx")
    answers = lowest(en)
    assert score(xc, answers).tier == score(en, answers).tier == "low"
    for item in en.flow("self", False):
        for option in item.options:
            if not option.red_flag:
                continue
            ans = {item.id: [option.value] if item.multiple else option.value}
            a, b = score(en, ans, region="HK"), score(xc, ans, region="HK")
            assert (b.tier, b.urgency, [f.id for f in b.red_flags]) == (a.tier, a.urgency, [f.id for f in a.red_flags])
            flag = b.red_flags[0]
            assert flag.message.startswith("⟦") and "{" not in flag.message
            if "999" in a.red_flags[0].message:
                assert "999" in flag.message  # the placeholder was filled in the translation too
            assert [c.phone for c in flag.contacts] == [c.phone for c in a.red_flags[0].contacts]


def test_the_engines_sentences_and_plurals_are_translated(xx):
    xc = loader.load(xx, "xx")
    from ketacheck.phrases import say
    assert say(xc, "basis.questions", n=1, asked=15) == pseudo("Based on 1 of 15 core questions")
    assert say(xc, "basis.questions", n=3, asked=15) == pseudo("Based on 3 of 15 core questions")


def _problems(directory, language="xx"):
    with pytest.raises(loader.ContentError) as err:
        loader.load(directory, language)
    return err.value.problems


def test_a_missing_string_is_refused_and_named(xx):
    fill(xx / "locale" / "xx" / "content.po", make=lambda s: "", skip=())  # blank every translation
    problems = _problems(xx)
    assert len(problems) == len(translations.content_messages(
        {n: yaml.safe_load((xx / n).read_text()) for n in loader.FILES}))
    assert all(p.file == "locale/xx/content.po" and "missing translation" in p.message for p in problems)
    first = [p for p in problems if "Emergency services (911)" in p.message][0]
    assert first.path == "resources.yaml regions[0] (US).resources[0] (us_emergency).name"


def test_an_extra_string_a_fuzzy_one_and_a_changed_placeholder_are_refused(xx):
    path = xx / "locale" / "xx" / "content.po"
    text = path.read_text(encoding="utf-8")
    text += '\nmsgid "A question nobody asks"\nmsgstr "⟦A question nobody asks⟧"\n'
    old = 'msgstr "⟦Someone who cannot be woken or is not responding needs an ambulance. Call {emergency} now.⟧"'
    assert old in text
    text = text.replace(old, old.replace("{emergency}", "{emergncy}"))
    path.write_text(text, encoding="utf-8")
    problems = _problems(xx)
    messages_ = sorted(p.message for p in problems)
    assert any("extra string 'A question nobody asks'" in m for m in messages_), messages_
    assert any("placeholders ['emergncy'] should be ['emergency']" in m for m in messages_), messages_
    assert len(problems) == 2
    # English still loads: a broken language never takes the source down with it.
    assert loader.load(xx).language == "en"


def test_a_plural_without_its_forms_is_refused(xx):
    path = xx / "locale" / "xx" / "content.po"
    text = path.read_text(encoding="utf-8")
    start = text.index('msgid "{n} of the {total} DSM-5-based criteria is met ({names}): {meaning}."')
    end = text.index("\n\n", start)
    text = text[:start] + 'msgid "{n} of the {total} DSM-5-based criteria is met ({names}): {meaning}."\nmsgstr "⟦x⟧"' + text[end:]
    path.write_text(text, encoding="utf-8")
    problems = _problems(xx)
    assert [p.path for p in problems] == ["phrases.yaml phrases.reason.criteria"]
    assert "needs plural forms" in problems[0].message


def test_an_unknown_language_and_an_unreadable_catalog_say_so(xx):
    assert "no such language" in _problems(xx, "fr")[0].message
    (xx / "locale" / "xx" / "ui.po").write_text('msgid "a"\nmsgstr "b"\nnot a catalog line\n', encoding="utf-8")
    problems = _problems(xx)
    assert problems[0].file == "locale/xx/ui.po" and "cannot be read as a gettext catalog" in problems[0].message


def test_validate_names_the_language_and_exits_1(xx, capsys):
    fill(xx / "locale" / "xx" / "content.po", make=lambda s: "", skip=())
    out, err = io.StringIO(), io.StringIO()
    assert main(["validate", str(xx)], out=out, err=err) == 1
    assert "locale/xx/content.po: resources.yaml regions[0] (US).resources[0] (us_emergency).name: missing translation" in err.getvalue()


def test_messages_keeps_translations_and_marks_new_english(xx):
    (xx / "questionnaire.yaml").write_text((xx / "questionnaire.yaml").read_text(encoding="utf-8").replace(
        'label: "Don\'t know"', 'label: "Not sure"'), encoding="utf-8")
    messages.run(xx)
    problems = _problems(xx)
    assert [p.message for p in problems if "Not sure" in p.message]  # new English: to translate (or a fuzzy guess)
    with (xx / "locale" / "xx" / "content.po").open("rb") as fh:
        cat = read_po(fh)
    assert cat.get("Cravings").string == "⟦Cravings⟧"  # untouched strings keep their translation
    assert cat.get("Don't know") is None and "Don't know" in cat.obsolete  # kept as #~ for reuse, not extra
    assert not [p for p in problems if "extra string" in p.message]


def test_the_ui_template_matches_the_code(tmp_path):
    """locale/ui.pot is what `python -m ketacheck messages` extracts today (run it after changing words)."""
    fresh = {m.id if isinstance(m.id, str) else m.id[0] for m in messages.ui_template() if m.id}
    committed = translations.ui_template(loader.DEFAULT_DIR)
    assert committed is not None
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in committed if m.id} == fresh


def test_each_instrument_says_whether_it_is_validated_in_this_language(xx):
    xc = loader.load(xx, "xx")
    assert {i.validation.status for i in xc.instruments.values()} == {"translated"}
    from types import SimpleNamespace

    from ketacheck.wording import status_words
    shown = status_words(xc, SimpleNamespace(validation=xc.instruments["audit_c"].validation.model_dump()))
    assert shown == pseudo("Translated, not validated in this language")


def test_a_language_without_a_validation_entry_per_instrument_is_refused(xx):
    path = xx / "locale" / "xx" / "validation.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("sds:", "sdss:").replace("status: translated", "status: validated_ish", 1), encoding="utf-8")
    problems = {(p.path, p.message) for p in _problems(xx)}
    assert ("sdss", "unknown instrument 'sdss'") in problems
    assert ("sds", "missing: say whether this instrument is asked in a validated wording in this language") in problems
    assert any(p == "audit_c.status" and "must be validated" in m for p, m in problems)


# ---------------------------------------------------------------- the shipped languages


@pytest.mark.parametrize("language", [lang for lang in loader.languages() if lang != "en"])
def test_each_shipped_language_is_complete_and_loads(language):
    xc = loader.load(language=language)
    en = loader.load()
    assert xc.language == language
    assert set(xc.items) == set(en.items) and set(xc.regions) == set(en.regions)
    # the same numbers to dial, the words around them in the language
    for rid, region in xc.regions.items():
        assert [r.phone for r in region.resources] == [r.phone for r in en.regions[rid].resources]
        assert region.legal_note != en.regions[rid].legal_note


def test_spanish_reads_as_spanish_where_it_matters_most():
    es = loader.load(language="es")
    r = score(es, {"safety.now": [2]}, region="ES")
    assert r.tier_label == "Urgente: pide ayuda ahora"
    assert r.red_flags[0].message.endswith("Llama al 112 ahora.")
    r = score(es, {"safety.suicide": 1}, region="US")  # 988 takes texts: "call or text", in Spanish
    assert r.red_flags[0].steps[0].startswith("Llamar o enviar un SMS a la línea de ayuda en crisis")
    assert "ketamina" in es.signs["craving"].meaning
    # AUDIT-C in the WHO's Spanish wording, but no Spanish AUDIT-C validation is cited: none says "validated"
    assert es.items["audit_c.1"].text.self_ == "¿Con qué frecuencia consume alguna bebida alcohólica?"
    assert {i: v.validation.status for i, v in es.instruments.items()} == {
        "audit_c": "translated", "sds": "translated", "dsm5_k": "translated"}
    assert "redacción publicada en español del manual AUDIT de la OMS" in es.instruments["audit_c"].validation.statement


def _all_strings(language):
    """Every translated string (content and UI) of a shipped language."""
    out = []
    for name in ("content.po", "ui.po"):
        with (loader.DEFAULT_DIR / "locale" / language / name).open("rb") as fh:
            for m in read_po(fh):
                if m.id:
                    out += list(m.string) if isinstance(m.string, (list, tuple)) else [m.string]
    return out


def test_simplified_holds_no_traditional_only_characters_and_the_other_way_round():
    import opencc

    to_simplified = opencc.OpenCC("t2s")
    hans, hant = _all_strings("zh-Hans"), _all_strings("zh-Hant")
    assert len(hans) == len(hant) > 1000
    left = {ch for s in hans for ch in s if to_simplified.convert(ch) != ch}
    assert not left, f"Traditional-only characters in zh-Hans: {sorted(left)}"
    # A Simplified-only character: Simplified already, and neither the Taiwan nor the Hong Kong
    # standard writes it. Variant preferences (床/牀, 裏/裡) are not flagged. Two characters are
    # Traditional in the words used here although OpenCC maps them alone: 游 (游泳, to swim) and
    # 里 (克里語, Cree, a transliteration).
    standards = [opencc.OpenCC("s2tw"), opencc.OpenCC("s2hk")]
    in_words = {"游", "里"}
    left = {ch for s in hant for ch in s if to_simplified.convert(ch) == ch and ch not in in_words
            and all(cc.convert(ch) != ch for cc in standards)}
    assert not left, f"Simplified-only characters in zh-Hant: {sorted(left)}"
    assert to_simplified.convert("醫") == "医" and all(cc.convert("医") != "医" for cc in standards)  # the check bites


def test_chinese_uses_local_names_and_says_the_instruments_are_translated():
    hant, hans = loader.load(language="zh-Hant"), loader.load(language="zh-Hans")
    assert "K仔" in hant.regions["HK"].legal_note and "K他命" in hant.regions["TW"].legal_note
    learn = " ".join(s.body for s in hant.education.sections)
    assert "K仔" in learn and "K他命" in learn
    assert "K粉" in " ".join(s.body for s in hans.education.sections)  # the mainland name
    for xc in (hant, hans):
        assert {v.validation.status for v in xc.instruments.values()} == {"translated"}
    r = score(hant, {"safety.now": [2]}, region="HK")
    assert r.red_flags[0].message.endswith("請立即致電 999。")
    r = score(hans, {"safety.now": [2]}, region="INTL")
    assert r.red_flags[0].message.endswith("请立即拨打 112。")


@pytest.mark.parametrize("name", ["content.po", "ui.po"])
def test_the_simplified_file_says_which_lines_were_reviewed(name):
    path = loader.DEFAULT_DIR / "locale" / "zh-Hans" / name
    head = path.read_text(encoding="utf-8").split("msgid", 1)[0]
    assert "Lines marked `# reviewed`" in head
    with path.open("rb") as fh:
        cat = read_po(fh)
    reviewed = [m for m in cat if m.id and any("reviewed" in c for c in m.user_comments)]
    drafted = [m for m in cat if m.id and any("opencc hk2s" in c for c in m.user_comments)]
    assert len(reviewed) + len(drafted) == sum(1 for m in cat if m.id)
    assert f"(not yet by a native speaker): {len(reviewed)} of {len(reviewed) + len(drafted)}." in head
    if name == "ui.po":
        return
    # every red flag's words were read in Simplified
    flagged = {m.id for m in reviewed}
    assert "Someone who cannot be woken or is not responding needs an ambulance. Call {emergency} now." in flagged


def _kind(ch: str | None) -> str:
    if ch is None or ch.isspace():
        return "space"
    return "punct" if unicodedata.category(ch)[0] in "PS" else "other"


def unclosed_bold(text: str) -> list[str]:
    """Each `**` that, by CommonMark's flanking rules (which Streamlit's Markdown follows), cannot
    open (the 1st, 3rd, ...) or close (the 2nd, 4th, ...) where it stands: it shows as two
    asterisks. Placeholders are filled with a word first, as they are on screen."""
    text = re.sub(r"\{[^{}]*\}", "x", text)
    bad = []
    for n, m in enumerate(re.finditer(r"(?<!\*)\*\*(?!\*)", text)):
        before = _kind(text[m.start() - 1] if m.start() else None)
        after = _kind(text[m.end()] if m.end() < len(text) else None)
        opens = after != "space" and (after != "punct" or before != "other")
        closes = before != "space" and (before != "punct" or after != "other")
        if not (closes if n % 2 else opens):
            bad.append(text[max(0, m.start() - 10):m.end() + 10])
    return bad


def test_unclosed_bold_reads_as_commonmark_does():
    assert unclosed_bold("**Set:** calm") == [] and unclosed_bold("**X** and **Y**.") == []
    # "**心態：**當事人" is drawn with its asterisks: a closing ** after "：" needs a space or
    # punctuation after it. "**心態**：當事人" is bold.
    assert unclosed_bold("- **心態：**當事人") and not unclosed_bold("- **心態**：當事人")
    assert not unclosed_bold("事。**這不是診斷**，而且") and not unclosed_bold("顯示為**{level}**。")


@pytest.mark.parametrize("language", ["es", "zh-Hant", "zh-Hans"])
def test_every_bold_in_every_translation_is_drawn_bold(language):
    """Bold in Chinese follows full-width punctuation with no space: in 20 strings (a red flag's
    first aid among them) the closing ** stood after "：" or "。" and showed as asterisks."""
    found = []
    for name in ("content.po", "ui.po"):
        with (loader.DEFAULT_DIR / "locale" / language / name).open("rb") as fh:
            for m in read_po(fh):
                for text in (m.string if isinstance(m.string, (list, tuple)) else [m.string]):
                    found += [f"{name}: {bit!r}" for bit in unclosed_bold(text or "")]
    assert not found


@pytest.mark.parametrize("language", loader.languages())
def test_the_result_says_not_a_diagnosis_in_one_sentence_in_every_language(language):
    """Under the level, the first sentence of "not a diagnosis": a Chinese paragraph ends its
    sentences with "。", and splitting on ". " showed the whole paragraph with "。." at its end."""
    whole = wording.not_a_diagnosis(loader.load(language=language))
    line = wording.first_sentence(whole)
    assert line and len(line) < len(whole) and whole.startswith(line)
    assert line[-1] in ".。" and not line.endswith("。.")
    assert wording.first_sentence("No stop here") == "No stop here"

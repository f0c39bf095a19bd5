"""The command line's content cache (ketacheck/content_cache.py), as a person running
`python -m ketacheck score` meets it: the same output as without it, a changed content file or
catalog shown at once, a damaged cache file or a cache folder that cannot be written never noticed,
and `validate` always reading the files. Nothing here times anything (that is benchmarks/engine.py).
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.engine import full_answers
from conftest import ASSESSMENTS, ROOT
from ketacheck import content_cache, loader, model, scoring, submission
from ketacheck.model import plain
from ketacheck.content import Content

# A run of the real command in a fresh process, which also says what it imported: on a cache hit
# the loader (and with it YAML and Babel) is never imported, nor pydantic (the cache holds the
# models' plain twins), nor anything the printouts need.
PROBE = """import io, json, sys
from ketacheck.cli import main
out, err = io.StringIO(), io.StringIO()
code = main(sys.argv[1:], out=out, err=err)
heavy = sorted(m for m in ("ketacheck.loader", "pydantic", "yaml", "babel", "plotly", "streamlit", "fpdf") if m in sys.modules)
print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue(), "heavy": heavy}))
"""
LOADED = ["ketacheck.loader", "pydantic", "yaml"]  # what a run that really loads the English imports


def probe(cache: Path | str, *argv: str, **env: str) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "KETACHECK_CACHE_DIR": str(cache), **env}, check=True)
    return json.loads(done.stdout)


def command(cache: Path | str, *argv: str) -> subprocess.CompletedProcess:
    """`python -m ketacheck ...` exactly as a person types it."""
    return subprocess.run([sys.executable, "-m", "ketacheck", *argv], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, env={**os.environ, "KETACHECK_CACHE_DIR": str(cache)})


@pytest.fixture(scope="module")
def answers(tmp_path_factory, content) -> Path:
    """The longest check, every question answered (tier "high", Samaritans among the UK's help)."""
    audience, prescribed, chosen = full_answers(content)
    path = tmp_path_factory.mktemp("answers") / "check.json"
    path.write_text(json.dumps({"audience": audience, "region": "UK", "prescribed": prescribed, "sex": "female",
                                "answers": {k: list(v) if isinstance(v, tuple) else v for k, v in chosen.items()}}))
    return path


@pytest.fixture(scope="module")
def uncached(answers, tmp_path_factory) -> dict[str, str]:
    """Today's output without any cache (its folder cannot be created), in English and Spanish."""
    blocked = tmp_path_factory.mktemp("blocked") / "a-file"
    blocked.write_text("not a folder")
    out = {}
    for lang in ("en", "es"):
        done = command(blocked / "cache", "--lang", lang, "score", str(answers))
        assert done.returncode == 0 and done.stderr == "", done.stderr
        out[lang] = done.stdout
    return out


def highest(content: Content, audience: str, prescribed: bool) -> dict:
    """Every question of a flow at its highest level short of a red flag (as full_answers does)."""
    answers = {}
    for item in content.flow(audience, prescribed):
        safe = [o for o in item.options if not o.red_flag] or item.options
        if item.multiple:
            answers[item.id] = [o.value for o in safe if not o.exclusive] or [o.value for o in safe][:1]
        else:
            answers[item.id] = max(safe, key=lambda o: o.level).value
    return {"audience": audience, "region": "US", "prescribed": prescribed, "answers": answers}


def samaritans(output: str) -> str:
    return next(r["phone"] for r in json.loads(output)["resources"] if r["id"] == "uk_samaritans")


# ------------------------------------------------------------------ hits, and the same output


def test_a_second_run_reads_the_cache_and_prints_the_same(tmp_path, answers, uncached):
    cache = tmp_path / "cache"
    first = probe(cache, "score", str(answers))
    assert first["heavy"] == LOADED and first["code"] == 0
    assert [p.name.startswith("content-") and p.suffix == ".pickle" for p in cache.iterdir()] == [True]
    second = probe(cache, "score", str(answers))
    assert second["heavy"] == [] and second["code"] == 0 and second["err"] == ""
    assert first["out"] == second["out"] == uncached["en"]
    # As typed, byte for byte; and the Spanish too (its own entry, from the file's language or --lang).
    assert command(cache, "score", str(answers)).stdout == uncached["en"]
    assert command(cache, "--lang", "es", "score", str(answers)).stdout == uncached["es"]
    spanish = probe(cache, "--lang", "es", "score", str(answers))
    assert spanish["heavy"] == [] and spanish["out"] == uncached["es"]


def test_the_cache_holds_validated_content_only(tmp_path, answers):
    cache = tmp_path / "cache"
    assert command(cache, "score", str(answers)).returncode == 0
    for path in cache.iterdir():  # no answers, no result: only the content, whole
        data = path.read_bytes()
        payload = data[len(content_cache.MAGIC) + 64:]
        assert data.startswith(content_cache.MAGIC) and isinstance(pickle.loads(payload), Content)


def test_cached_content_scores_exactly_like_freshly_loaded_content(tmp_path, monkeypatch):
    monkeypatch.setenv("KETACHECK_CACHE_DIR", str(tmp_path))
    for language in loader.languages(ASSESSMENTS):
        fresh = loader.load_now(ASSESSMENTS.resolve(), language)
        content_cache.load(ASSESSMENTS, language)  # stores it
        cached = content_cache.load(ASSESSMENTS, language)  # reads it back
        assert cached is not fresh and cached == fresh and cached.version == fresh.version
        assert cached.ui == fresh.ui and cached.language == language
        for audience in ("self", "other", "intake"):
            for prescribed in (False, True):
                flows = [[i.id for i in c.flow(audience, prescribed)] for c in (fresh, cached)]
                assert flows[0] == flows[1]
                doc = highest(fresh, audience, prescribed)
                results = [scoring.score(submission.parse(doc, c), c).to_dict() for c in (fresh, cached)]
                assert json.dumps(results[0]) == json.dumps(results[1])
        item = cached.items["crav.urges"]  # the models' own methods, without their validators built
        assert item.wording("self", "UK") == fresh.items["crav.urges"].wording("self", "UK")


def test_dump_gives_what_model_dump_gives_for_every_shape_in_the_content():
    """`model.dump` stands in for `model_dump` on the scoring path (see its docstring)."""
    def walk(value):
        if isinstance(value, model.Strict):
            yield value
            value = list(value.__dict__.values())
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, (list, tuple)):
            for v in value:
                yield from walk(v)

    for content in loader.in_every_language(ASSESSMENTS).values():
        shapes = [m for field in ("sources", "signs", "red_flags", "items", "instruments", "tiers", "regions",
                                  "education", "feedback", "phrases", "modules", "dont_know")
                  for m in walk(getattr(content, field))]
        assert len({type(m) for m in shapes}) > 30
        for shape in shapes:
            assert repr(model.dump(shape)) == repr(shape.model_dump())  # order and types (dates stay dates)
            assert json.dumps(model.dump(shape, json=True)) == json.dumps(shape.model_dump(mode="json"))
            twin = plain.to_plain(shape)  # as the cache holds it: the same values, the same dump
            assert type(twin) is not type(shape) and twin == shape and repr(model.dump(twin)) == repr(model.dump(shape))


def strict_models() -> list[type]:
    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)
    return sorted(set(below(model.Strict)), key=lambda c: c.__name__)


def test_every_model_has_a_plain_twin_with_its_methods():
    """A method written on a model itself, not in model/methods.py, would be missing from the twin
    a cached run scores with: every model's methods are its mixin's, and the twin has the same."""
    models = strict_models()
    assert len(models) > 40 and len({m.__name__ for m in models}) == len(models)  # twins go by name
    for cls in models:
        assert plain._own_methods(cls) == [], cls
        twin = getattr(plain, cls.__name__)  # as pickle finds it
        assert plain._mixins(twin) == plain._mixins(cls) and issubclass(twin, plain.Frozen)
    item = loader.load().items["crav.urges"]
    with pytest.raises(AttributeError):
        plain.to_plain(item).id = "crav.other"  # read-only, as the model is
    assert not hasattr(plain, "DONT_KNOW") and not hasattr(plain, "NotAShape")


def test_a_model_without_a_twin_is_never_cached(tmp_path, monkeypatch):
    """Content holding a shape the cache cannot twin is not stored (and still loads and scores)."""
    class Unlisted(model.Strict):
        x: int

    monkeypatch.setenv("KETACHECK_CACHE_DIR", str(tmp_path))
    with pytest.raises(TypeError, match="Unlisted has no plain twin"):
        plain.to_plain({"a": [Unlisted(x=1)]})
    fresh = loader.load_now(ASSESSMENTS.resolve(), "en")
    odd = dataclasses.replace(fresh, sources={**fresh.sources, "odd": Unlisted(x=1)})
    folder = ASSESSMENTS.resolve()
    content_cache._write(content_cache._file(tmp_path, folder, "en"), content_cache.key(folder, "en"), odd)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ the key: every change is seen at once


def test_a_changed_phone_number_shows_at_once(tmp_path, content_copy, answers, uncached):
    cache = tmp_path / "cache"
    assert samaritans(command(cache, "--content", str(content_copy), "score", str(answers)).stdout) == "116 123"
    resources = content_copy / "resources.yaml"
    old = 'id: uk_samaritans\n        name: "Samaritans"\n        type: crisis\n        phone: "116 123"'
    assert resources.read_text().count(old) == 1
    resources.write_text(resources.read_text().replace(old, old.replace("116 123", "116 124")))
    changed = probe(cache, "--content", str(content_copy), "score", str(answers))
    assert changed["heavy"] == LOADED and samaritans(changed["out"]) == "116 124"
    # KETACHECK_CONTENT reaches the same folder; the real content keeps its own entry.
    env_run = probe(cache, "score", str(answers), KETACHECK_CONTENT=str(content_copy))
    assert env_run["heavy"] == [] and samaritans(env_run["out"]) == "116 124"
    assert command(cache, "score", str(answers)).stdout == uncached["en"]
    assert command(cache, "--content", str(content_copy), "score", str(answers)).stdout == changed["out"]


def test_a_changed_translation_shows_at_once(tmp_path, content_copy, answers):
    cache = tmp_path / "cache"
    run = ["--content", str(content_copy), "--lang", "es", "score", str(answers)]
    assert json.loads(command(cache, *run).stdout)["tier_label"] == "Muchas señales de alarma"
    catalog = content_copy / "locale" / "es" / "content.po"
    old = 'msgid "Many warning signs"\nmsgstr "Muchas señales de alarma"'
    assert catalog.read_text().count(old) == 1
    catalog.write_text(catalog.read_text().replace(old, old.replace("alarma", "alerta")))
    assert json.loads(command(cache, *run).stdout)["tier_label"] == "Muchas señales de alerta"


def test_the_key_covers_every_content_file_catalog_and_engine_source(tmp_path, content_copy, monkeypatch):
    engine = tmp_path / "engine"
    for source in content_cache.ENGINE.rglob("*.py"):
        target = engine / source.relative_to(content_cache.ENGINE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    monkeypatch.setattr(content_cache, "ENGINE", engine)
    seen = {content_cache.key(content_copy, "en")}

    def changed(path: Path) -> bytes:
        path.write_bytes(path.read_bytes() + b"\n# changed\n")
        return content_cache.key(content_copy, "en")

    for path in (content_copy / "resources.yaml", content_copy / "locale" / "es" / "content.po",
                 content_copy / "locale" / "zh-Hant" / "validation.yaml", content_copy / "locale" / "ui.pot",
                 engine / "model" / "regions.py", engine / "loader.py", engine / "translations.py"):
        new = changed(path)
        assert new not in seen, path
        seen.add(new)
    (content_copy / "locale" / "fr").mkdir()
    (content_copy / "locale" / "fr" / "content.po").write_text("")
    assert content_cache.key(content_copy, "en") not in seen  # a new language's catalog
    seen.add(content_cache.key(content_copy, "en"))
    # The UI and the web server use the content but do not build it: no new key.
    assert changed(engine / "ui" / "views.py") in seen and changed(engine / "web" / "headers.py") in seen
    assert content_cache.key(content_copy, "es") not in seen  # each language its own
    twin = shutil.copytree(content_copy, tmp_path / "twin")
    assert content_cache.key(twin, "en") not in seen  # each folder its own, even with the same files


# ------------------------------------------------------------------ never a traceback, never wrong content


def _entry(cache: Path) -> Path:
    [path] = cache.iterdir()
    return path


@pytest.mark.parametrize("damage", ["empty", "garbage", "truncated", "a changed phone number", "another key"])
def test_a_damaged_cache_file_is_ignored_and_replaced(tmp_path, answers, uncached, damage):
    cache = tmp_path / "cache"
    assert probe(cache, "score", str(answers))["code"] == 0
    path = _entry(cache)
    data = path.read_bytes()
    if damage == "empty":
        data = b""
    elif damage == "garbage":
        data = os.urandom(len(data))
    elif damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "a changed phone number":  # still unpickles: only the payload's hash tells
        assert data.count(b"116 123") >= 1
        data = data.replace(b"116 123", b"116 124")
    else:  # a whole, valid entry for other content (the Spanish), under the English entry's name
        probe(tmp_path / "other", "--lang", "es", "score", str(answers))
        data = _entry(tmp_path / "other").read_bytes()
    path.write_bytes(data)
    run = probe(cache, "score", str(answers))
    assert (run["code"], run["out"], run["err"]) == (0, uncached["en"], "")
    assert run["heavy"] == LOADED  # it really loaded the content again...
    again = probe(cache, "score", str(answers))
    assert again["heavy"] == [] and again["out"] == uncached["en"]  # ...and the entry is whole again


def test_a_cache_folder_that_cannot_be_written_is_never_noticed(tmp_path, answers, uncached):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for _ in range(2):
        done = command(blocker / "ketacheck", "score", str(answers))
        assert (done.returncode, done.stdout, done.stderr) == (0, uncached["en"], "")


def test_no_home_means_no_cache_and_the_content_still_loads(monkeypatch):
    for name in ("KETACHECK_CACHE_DIR", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)

    def no_home():
        raise RuntimeError("Could not determine home directory.")
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert content_cache.cache_dir() is None
    assert content_cache.load(ASSESSMENTS) == loader.load(ASSESSMENTS)


def test_where_the_cache_lives(monkeypatch, tmp_path):
    monkeypatch.delenv("KETACHECK_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert content_cache.cache_dir() == tmp_path / "home" / ".cache" / "ketacheck"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    assert content_cache.cache_dir() == tmp_path / "home" / ".cache" / "ketacheck"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert content_cache.cache_dir() == tmp_path / "xdg" / "ketacheck"
    monkeypatch.setenv("KETACHECK_CACHE_DIR", str(tmp_path / "mine"))
    assert content_cache.cache_dir() == tmp_path / "mine"


def test_first_runs_at_the_same_time_all_print_the_same(tmp_path, answers, uncached):
    cache = tmp_path / "cache"
    env = {**os.environ, "KETACHECK_CACHE_DIR": str(cache)}
    runs = [subprocess.Popen([sys.executable, "-m", "ketacheck", "score", str(answers)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env) for _ in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert outputs == [(uncached["en"], "")] * 4
    assert [p.suffix for p in cache.iterdir()] == [".pickle"]  # one whole entry, no temporary file left
    assert probe(cache, "score", str(answers))["heavy"] == []


# ------------------------------------------------------------------ validate always reads the files


def test_validate_reports_broken_content_even_with_a_cache_entry_for_it(tmp_path, content_copy):
    cache = tmp_path / "cache"
    good = loader.load_now(content_copy.resolve(), "en")
    resources = content_copy / "resources.yaml"
    resources.write_text(resources.read_text().replace('phone: "116 123"', 'phone: "call us"', 1))
    # An entry for the broken files holding the good content, as if a cache had gone wrong: the
    # commands that use the cache trust it (the probe shows the entry is found), validate never looks.
    folder = content_copy.resolve()
    content_cache._write(content_cache._file(cache, folder, "en"), content_cache.key(folder, "en"), good)
    assert probe(cache, "--content", str(content_copy), "questions", "--audience", "self")["heavy"] == []
    for argv in (["validate", str(content_copy)], ["--content", str(content_copy), "validate"]):
        done = command(cache, *argv)
        assert done.returncode == 1 and done.stdout == ""
        assert "resources.yaml" in done.stderr and "'call us'" in done.stderr

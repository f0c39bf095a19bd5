"""The command line's content cache: validated `Content` kept between processes.

Every `python -m ketacheck score` used to read and validate all of `assessments/` (YAML, pydantic,
cross-checks, catalogs) and import what that needs; a process that reuses an earlier one's result
does neither. The models are stored as their plain twins (`model/plain.py`), so a hit imports
neither pydantic nor the model classes. Only the command line uses it (`cli.py`); `validate` never
does, and the server loads once per process, as before.

Correctness before speed:
- Only content that passed full validation is stored: `loader.load` returns a `Content` only then.
- The key covers every file under the content directory (`locale/**` too), every engine source file
  that defines, validates or builds the content, the Python, pydantic and installed packages, the
  folder and the language. Any edit (a phone number, a translation, a model) is a new key, so a
  stale entry can never be shown.
- A file that is missing, unreadable, truncated, corrupt (its payload's hash is checked before it is
  unpickled) or made for another key is ignored and rebuilt. Failing to write is silent.
- It holds the content only, never a person's answers.

Pickle is acceptable here: the folder is the user's own (like `__pycache__`), written only by
KetaCheck, and whoever can write to it can already change the code that runs.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import sys
from dataclasses import replace
from pathlib import Path

from .content import Content, content_dir
from .translations import LOCALE

__all__ = ["cache_dir", "key", "load"]

ENV = "KETACHECK_CACHE_DIR"
# Bumped when the file's layout changes; the rest of the header is the key and the payload's hash.
MAGIC = b"KetaCheck content cache 2\n"  # 2: plain twins of the models
_DIGEST = 32  # sha256
_MAX_BYTES = 64 << 20  # an entry is a few hundred KB; anything far bigger is not one of ours
ENGINE = Path(__file__).resolve().parent
# The UI and the web server use the content but do not define, validate or build it.
_NOT_ENGINE = frozenset({"ui", "web", "__pycache__"})


def cache_dir() -> Path | None:
    """`KETACHECK_CACHE_DIR`, else `$XDG_CACHE_HOME/ketacheck`, else `~/.cache/ketacheck` (None: no home)."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):  # the XDG spec: a relative value is invalid and is ignored
        return Path(xdg) / "ketacheck"
    try:
        return Path.home() / ".cache" / "ketacheck"
    except (RuntimeError, KeyError):  # no HOME and no password entry
        return None


def _hash_files(digest, base: Path, folder: Path, keep, recursive: bool = True) -> None:
    """Each kept file's path (from base) and bytes, in a fixed order; linked folders followed once."""
    seen: set[str] = set()
    for here, dirs, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(here)
        if real in seen:  # a link back up the tree
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if recursive and keep(d, True))
        for name in sorted(files):
            path = os.path.join(here, name)
            # A pipe or a broken link is skipped, never waited on (the loader names a file it needs).
            if not keep(name, False) or not os.path.isfile(path):
                continue
            with open(path, "rb") as fh:
                data = fh.read()
            rel = os.path.relpath(path, base).encode("utf-8", "surrogateescape")
            digest.update(len(rel).to_bytes(8, "big") + rel + len(data).to_bytes(8, "big") + data)


def _any(name: str, is_dir: bool) -> bool:
    return True


def _engine_file(name: str, is_dir: bool) -> bool:
    return name not in _NOT_ENGINE if is_dir else name.endswith(".py")


def key(directory: Path, language: str) -> bytes:
    """What the validated content depends on; raises OSError if a file cannot be read."""
    digest = hashlib.sha256(MAGIC)
    # Every installed distribution by name and version (pydantic, PyYAML and Babel check and read
    # the files), listed from the folder pydantic is installed in, found without importing it (a
    # cache hit never does); cheaper than importlib.metadata.
    spec = importlib.util.find_spec("pydantic")
    if spec is None or spec.origin is None:
        raise OSError("pydantic is not installed")
    packages = Path(spec.origin).resolve().parent.parent
    installed = sorted(n for n in os.listdir(packages) if n.endswith(".dist-info"))
    for part in (sys.version, sys.implementation.cache_tag, *installed, str(directory), language):
        data = str(part).encode("utf-8", "surrogateescape")
        digest.update(len(data).to_bytes(8, "big") + data)
    # The loader reads the folder's own files and the catalogs under locale/: every file there, not
    # only those it knows (and not the rest of a folder such as --content ~ by mistake).
    _hash_files(digest, directory, directory, _any, recursive=False)
    _hash_files(digest, directory, directory / LOCALE, _any)
    digest.update(b"\0engine\0")
    _hash_files(digest, ENGINE, ENGINE, _engine_file)
    return digest.digest()


def _file(where: Path, directory: Path, language: str) -> Path:
    """One file per checkout, folder and language: a new key replaces the old entry rather than piling up."""
    name = hashlib.sha256(f"{ENGINE}\0{directory}\0{language}".encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return where / f"content-{name}.pickle"


def _read(path: Path, want: bytes, directory: Path, language: str) -> Content | None:
    try:
        with open(path, "rb") as fh:
            if os.fstat(fh.fileno()).st_size > _MAX_BYTES:
                return None
            data = fh.read()
        head = len(MAGIC)
        if data[:head] != MAGIC or data[head:head + _DIGEST] != want:
            return None
        payload = data[head + 2 * _DIGEST:]
        if hashlib.sha256(payload).digest() != data[head + _DIGEST:head + 2 * _DIGEST]:
            return None
        content = pickle.loads(payload)  # noqa: S301 - the user's own cache folder, hash-checked (see above)
    except Exception:  # noqa: BLE001 - any failure to read means "not cached"
        return None
    if type(content) is not Content or content.directory != directory or content.language != language:
        return None
    return content


def _write(path: Path, want: bytes, content: Content) -> None:
    try:
        # The per-process memo of flows is not content: a fresh one, as after a load. The models
        # are stored as their plain twins, which a later run reads without pydantic.
        from .model.plain import to_plain

        payload = pickle.dumps(to_plain(replace(content, _flows={})), protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # A unique temporary name, then one rename: a concurrent reader sees the old file or the new
        # one whole, and concurrent writers (same bytes for the same key) cannot interleave.
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(MAGIC + want + hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except Exception:  # noqa: BLE001, S110 - a read-only disk or a full one: the command works without it
        pass


def _key_or_none(directory: Path, language: str) -> bytes | None:
    try:
        return key(directory, language)
    except Exception:  # noqa: BLE001 - an unreadable file: no cache, and the loader names the problem
        return None


def load(directory: Path | str | None = None, language: str = "en") -> Content:
    """`loader.load`, reusing an earlier process's result when nothing it depends on has changed.
    Raises ContentError (from the loader, which then really ran) when the content is invalid."""
    folder = Path(directory or content_dir()).resolve()
    where = cache_dir()
    want = _key_or_none(folder, language) if where is not None else None
    if where is not None and want is not None:
        found = _read(_file(where, folder, language), want, folder, language)
        if found is not None:
            return found
    from . import loader  # YAML, Babel and the validators: only when the cache cannot answer

    # Read from the files now, not from this process's memo of an earlier load, which the files
    # may have changed since.
    content = loader.load_now(folder, language)
    # Stored only if nothing changed while it loaded: the entry is then exactly what the key describes.
    if where is not None and want is not None and _key_or_none(folder, language) == want:
        _write(_file(where, folder, language), want, content)
    return content

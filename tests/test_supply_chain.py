"""What runs is what was locked: every installed package is in the hashed lock file at its locked
version (CI installs from the lock on a clean clone, so a drift shows here), and the two lock files
agree on every package they share."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

from conftest import ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for block in path.read_text(encoding="utf-8").split("\n"):
        match = PIN.match(block)
        if match:
            pins[normal(match.group(1))] = match.group(2)
    return pins


def test_every_locked_package_has_a_hash():
    for lock in ("requirements.lock", "requirements-dev.lock", "requirements-policy.lock"):
        text = (ROOT / lock).read_text(encoding="utf-8")
        entries = re.split(r"\n(?=[A-Za-z0-9])", text)  # one per package (comments start with #)
        pinned = [e for e in entries if PIN.match(e)]
        assert len(pinned) >= 40, lock
        for entry in pinned:
            assert HASH.search(entry), f"{lock}: {entry.splitlines()[0]} has no hash"


def test_the_locks_agree_and_cover_every_direct_requirement():
    runtime, dev = locked(ROOT / "requirements.lock"), locked(ROOT / "requirements-dev.lock")
    assert {k: dev.get(k) for k in runtime} == runtime  # the test set runs the same runtime packages
    for name, lock in (("requirements.txt", runtime), ("requirements-dev.txt", dev)):
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            match = PIN.match(line)
            if match:
                assert lock.get(normal(match.group(1))) == match.group(2), f"{name}: {line} is not what the lock holds"
    for direct in ("uvicorn", "h11", "starlette", "websockets", "protobuf"):  # imported or served directly
        assert direct in runtime, direct


def test_what_is_installed_is_exactly_the_lock():
    lock = locked(ROOT / "requirements-dev.lock")
    installed = {normal(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()}
    # pip and setuptools too: `python -m venv` puts old ones in, and the lock's replace them.
    assert installed == lock, {
        "installed, not locked": sorted(set(installed) - set(lock)),
        "locked, not installed": sorted(set(lock) - set(installed)),
        "other version": sorted(k for k in set(lock) & set(installed) if lock[k] != installed[k]),
    }

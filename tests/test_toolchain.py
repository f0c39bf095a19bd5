"""The toolchain (issue 21, point 11): no lock holds a version with a known advisory, the venv runs
the locked pip and setuptools (not the old ones `python -m venv` puts in), and the Python that runs
is the one the project says it supports.

`pip-audit` cannot do the advisory check here: it asks PyPI's JSON API or OSV, and this machine
reaches only the package index (`pip-audit -r requirements.lock` answers "No known vulnerabilities
found" after skipping every package as "not found on PyPI"). So the check reads the advisories from
requirements-advisories.json, a copy of the PyPA advisory database for the locked packages
(scripts/advisories.py rebuilds it), with the same rule pip-audit applies to OSV ranges."""

from __future__ import annotations

import importlib.metadata
import json
import re
import sys
import tomllib

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from conftest import ROOT

LOCKS = ("requirements.lock", "requirements-dev.lock", "requirements-policy.lock")
APP_LOCKS = ("requirements.lock", "requirements-dev.lock")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.MULTILINE)
DATA = json.loads((ROOT / "requirements-advisories.json").read_text(encoding="utf-8"))


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    return {normal(m.group(1)): m.group(2) for m in PIN.finditer(text)}


def affects(advisory: dict, version: str) -> bool:
    """OSV's rule: inside a range (introduced <= v < fixed, or <= last_affected; open-ended when it
    has neither), or one of the versions listed."""
    v = Version(version)
    if any(Version(listed) == v for listed in advisory.get("versions", [])):
        return True
    for events in advisory["ranges"]:
        start = None
        for event in events:
            if "introduced" in event:
                start = Version(event["introduced"])
            elif start is not None and "fixed" in event:
                if start <= v < Version(event["fixed"]):
                    return True
                start = None
            elif start is not None and "last_affected" in event:
                if start <= v <= Version(event["last_affected"]):
                    return True
                start = None
        if start is not None and start <= v:
            return True
    return False


def findings(text: str) -> dict[str, list[str]]:
    """{"name==version": [advisory ids]} for every pin in a lock's text that an advisory affects."""
    found: dict[str, list[str]] = {}
    for name, version in pins(text).items():
        ids = [a["id"] for a in DATA["advisories"] if a["package"] == name and affects(a, version)]
        if ids:
            found[f"{name}=={version}"] = ids
    return found


def accepted_in(lock: str) -> set[str]:
    return {a["id"] for a in DATA["accepted"] if lock in a["locks"]}


@pytest.mark.parametrize("lock", LOCKS)
def test_no_locked_version_has_a_known_advisory(lock):
    found = findings((ROOT / lock).read_text(encoding="utf-8"))
    open_ = {pin: ids for pin, ids in found.items() if set(ids) - accepted_in(lock)}
    assert not open_, f"{lock} pins versions with known advisories (upgrade them and run make lock): {open_}"


def test_the_check_finds_the_advisories_of_the_installer_python_venv_brings():
    # What `python3.11 -m venv` put in before issue 21: the check must see them, or it checks nothing.
    found = findings("pip==23.2.1 \\\nsetuptools==65.5.0 \\\nstreamlit==1.67.0 \\\n")
    assert {"CVE-2023-5752", "CVE-2025-8869", "CVE-2026-13346"} <= aliases(found["pip==23.2.1"])
    assert {"CVE-2022-40897", "CVE-2024-6345", "CVE-2025-47273"} <= aliases(found["setuptools==65.5.0"])
    assert "streamlit==1.67.0" not in found
    # ... and the first fixed release of each is clean of that advisory.
    assert "PYSEC-2026-3721" not in findings("pip==26.2 \\\n").get("pip==26.2", [])
    assert "PYSEC-2025-49" not in findings("setuptools==78.1.1 \\\n").get("setuptools==78.1.1", [])


def aliases(ids: list[str]) -> set[str]:
    return {alias for a in DATA["advisories"] if a["id"] in ids for alias in a["aliases"]}


def test_every_locked_package_was_looked_up():
    # A package added by `make lock` has not been checked until scripts/advisories.py has run.
    locked = set().union(*(pins((ROOT / lock).read_text(encoding="utf-8")) for lock in LOCKS))
    missing = sorted(locked - set(DATA["looked_up"]))
    assert not missing, f"run scripts/advisories.py: these locked packages were never looked up: {missing}"


def test_what_is_accepted_has_no_fix_a_reason_and_still_applies():
    for item in DATA["accepted"]:
        (advisory,) = [a for a in DATA["advisories"] if a["id"] == item["id"] and a["package"] == item["package"]]
        assert not any("fixed" in e for r in advisory["ranges"] for e in r), f"{item['id']} has a fix: upgrade"
        assert len(item["why"]) > 40
        assert not set(item["locks"]) & set(APP_LOCKS), "the app's own locks accept nothing"
        for lock in item["locks"]:
            assert item["id"] in sum(findings((ROOT / lock).read_text(encoding="utf-8")).values(), []), (
                f"{item['id']} no longer applies to {lock}: remove it from accepted"
            )


def test_every_advisory_says_where_it_comes_from():
    assert "pypa/advisory-database" in DATA["snapshot"]
    for advisory in DATA["advisories"]:
        assert advisory["url"].startswith("https://osv.dev/vulnerability/")
        if "added_by_hand" in advisory:
            assert "https://" in advisory["added_by_hand"]


def test_the_venv_runs_the_locked_pip_and_setuptools():
    # `make` installs the lock into the venv, and the lock now holds pip and setuptools: the ones
    # `python -m venv` put there (pip 23.2.1, setuptools 65.5.0) are replaced.
    lock = pins((ROOT / "requirements-dev.lock").read_text(encoding="utf-8"))
    for name in ("pip", "setuptools"):
        assert importlib.metadata.version(name) == lock[name], f"{name}: run make (the venv predates the lock)"
        assert lock[name] == pins((ROOT / "requirements.lock").read_text(encoding="utf-8"))[name]
        assert lock[name] == pins((ROOT / "requirements-policy.lock").read_text(encoding="utf-8"))[name]


def test_the_python_that_runs_is_the_one_the_project_supports():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    supported = SpecifierSet(pyproject["project"]["requires-python"])
    running = "%d.%d.%d" % sys.version_info[:3]
    assert running in supported, f"Python {running} runs the tests; pyproject.toml supports {supported}"
    # The Makefile refuses another version, the image runs it, the locks were resolved with it and
    # the README says it: all the same minor version.
    minor = re.search(r"^PYTHON_VERSION := (\d+\.\d+)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)[1]
    assert minor == "%d.%d" % sys.version_info[:2]
    assert f"{minor}.0" in supported and f"{int(minor.split('.')[0])}.{int(minor.split('.')[1]) + 1}.0" not in supported
    image = re.search(r"^FROM python:(\d+\.\d+)\.\d+", (ROOT / "deploy/Dockerfile").read_text(encoding="utf-8"), re.M)
    assert image[1] == minor
    for lock in LOCKS:
        assert f"autogenerated by pip-compile with Python {minor}\n" in (ROOT / lock).read_text(encoding="utf-8")
    assert f"Python {minor} only" in (ROOT / "README.md").read_text(encoding="utf-8")

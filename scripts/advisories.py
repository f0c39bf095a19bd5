"""Rebuild requirements-advisories.json: the known advisories for every package in the lock files.

Why this exists: `pip-audit` asks PyPI's JSON API or OSV for advisories, and neither is reachable
from the machines this project is built on (only the package index is). So `make test` checks the
locks against a copy of the advisories kept in the repository (tests/test_toolchain.py), and this
script refreshes that copy from a checkout of the PyPA advisory database (the data PyPI's own
vulnerability service publishes, in OSV format):

    git clone https://github.com/pypa/advisory-database /tmp/advisory-database
    .venv/bin/python scripts/advisories.py /tmp/advisory-database "pypa/advisory-database at <commit>, <date>"

Run it after `make lock` adds a package (the test fails until every locked package has been looked
up). Entries with "added_by_hand" (advisories newer than the snapshot, each with its source) are
kept, and dropped once the database has them; "accepted" (advisories with no fixed version that
the project lives with, each with its reason) is kept as it is.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ("requirements.lock", "requirements-dev.lock", "requirements-policy.lock")
OUT = ROOT / "requirements-advisories.json"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.MULTILINE)


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_names() -> list[str]:
    names: set[str] = set()
    for lock in LOCKS:
        names.update(normal(m.group(1)) for m in PIN.finditer((ROOT / lock).read_text(encoding="utf-8")))
    return sorted(names)


def entries(database: Path, names: set[str]):
    for path in sorted((database / "vulns").glob("*/*.yaml")):
        if normal(path.parent.name) not in names:
            continue
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        if record.get("withdrawn"):
            continue
        for affected in record.get("affected", []):
            package = normal(affected["package"]["name"])
            if package not in names:
                continue
            ranges = [
                [{k: str(v) for k, v in event.items()} for event in r["events"]]
                for r in affected.get("ranges", [])
                if r.get("type") == "ECOSYSTEM"
            ]
            entry = {
                "package": package,
                "id": record["id"],
                "aliases": sorted(record.get("aliases") or []),
                "summary": (record.get("summary") or record.get("details") or "").split("\n")[0][:160],
                "ranges": ranges,
                "url": f"https://osv.dev/vulnerability/{record['id']}",
            }
            if not ranges:  # only an explicit list of versions
                entry["versions"] = [str(v) for v in affected.get("versions", [])]
            yield entry


def main(database: str, snapshot: str) -> None:
    names = locked_names()
    kept, accepted = [], []
    if OUT.exists():
        old = json.loads(OUT.read_text(encoding="utf-8"))
        kept = [e for e in old["advisories"] if "added_by_hand" in e]
        accepted = old.get("accepted", [])
    found = list(entries(Path(database), set(names)))
    ids = {(e["package"], e["id"]) for e in found} | {(e["package"], a) for e in found for a in e["aliases"]}
    kept = [e for e in kept if (e["package"], e["id"]) not in ids]
    advisories = sorted(found + kept, key=lambda e: (e["package"], e["id"]))
    data = {
        "about": "Known advisories for the packages in " + ", ".join(LOCKS) + "; checked by tests/test_toolchain.py, "
        "rebuilt by scripts/advisories.py. An advisory affects a version inside one of its ranges "
        "(introduced <= version < fixed, or <= last_affected) or in its list of versions.",
        "snapshot": snapshot,
        "looked_up": names,
        "accepted": accepted,
        "advisories": advisories,
    }
    # One advisory a line, so that a refresh reads as a short diff.
    text = json.dumps({k: v for k, v in data.items() if k != "advisories"}, indent=1, ensure_ascii=False)[:-2]
    lines = ",\n  ".join(json.dumps(e, ensure_ascii=False) for e in advisories)
    OUT.write_text(text + ',\n "advisories": [\n  ' + lines + "\n ]\n}\n", encoding="utf-8")
    print(f"{OUT.name}: {len(data['advisories'])} advisories for {len(names)} locked packages", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])

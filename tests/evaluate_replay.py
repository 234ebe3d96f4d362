"""Print how a replay's records agree with sample_inbox/expected.json, per key and per message.

.venv/bin/python -m tests.evaluate_replay OUT_DIR [INBOX_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KEYS = (
    "status",
    "channel",
    "kind",
    "delegation_type",
    "general_categories",
    "activities",
    "completeness_status",
    "missing",
    "flags",
    "agency",
    "submitter_name",
    "submitter_title",
)


def _got(record: dict, key: str):
    if key == "completeness_status":
        return record["completeness"]["status"]
    if key == "missing":
        return sorted(record["completeness"]["missing"])
    if key in ("agency", "submitter_name", "submitter_title"):
        return record["fields"][key]["value"]
    value = record[key]
    return sorted(value) if isinstance(value, list) else value


def _want(expected: dict, key: str):
    if key in ("agency", "submitter_name", "submitter_title"):
        return (expected.get("fields") or {}).get(key)
    value = expected[key]
    return sorted(value) if isinstance(value, list) else value


def _norm(value):
    return value.lower().removeprefix("california ").strip() if isinstance(value, str) else value


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    inbox = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "sample_inbox"
    expected = json.loads((inbox / "expected.json").read_text())
    lines = (out / "triage.jsonl").read_text().splitlines()
    records = {r["source"]["path"]: r for r in map(json.loads, lines)}
    right = {k: 0 for k in KEYS}
    wrong: list[str] = []
    for name, want in sorted(expected.items()):
        got = records.get(name)
        if got is None:
            wrong.append(f"{name}: no record")
            continue
        for key in KEYS:
            if _norm(_got(got, key)) == _norm(_want(want, key)):
                right[key] += 1
            else:
                wrong.append(f"{name}: {key}: got {_got(got, key)!r}, want {_want(want, key)!r}")
    n = len(expected)
    core = ("status", "kind", "delegation_type", "completeness_status", "missing", "flags")
    all_core = sum(
        all(_norm(_got(records[m], k)) == _norm(_want(e, k)) for k in core)
        for m, e in expected.items()
        if m in records
    )
    print(f"messages: {n}; records: {len(records)}")
    for key in KEYS:
        print(f"  {key:22s} {right[key]:3d}/{n}  {100 * right[key] / n:5.1f} %")
    print(f"  all of kind, type, status, missing, flags right: {all_core}/{n}")
    for line in wrong:
        print("  -", line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

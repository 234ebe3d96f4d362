"""Paths and checks shared by the tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SCHEMA = SHARED / "contract" / "triage-record.schema.json"
SAMPLE_INBOX = ROOT / "sample_inbox"
TRIAGE = Path(sys.executable).with_name("triage")


@lru_cache(maxsize=1)
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def validate_record(record: dict) -> None:
    """Raise if the record does not validate against the contract's schema."""
    validator().validate(record)


def run_triage(
    *args: str, env: dict[str, str] | None = None, timeout: int = 600
) -> subprocess.CompletedProcess:
    """Run the installed `triage` command."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [str(TRIAGE), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        cwd=ROOT,
    )


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

"""Score a request's completeness against the policy's rules, kept as data."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from models import Check, Completeness, Extraction

RULES = Path(__file__).with_name("data") / "completeness.toml"


@lru_cache(maxsize=1)
def load_rules(path: Path = RULES) -> tuple[dict[str, Any], ...]:
    """The completeness rules, in the order of the data file."""
    with path.open("rb") as fh:
        return tuple(tomllib.load(fh)["rule"])


def score_completeness(extraction: Extraction) -> Completeness:
    """Apply the rules of the request's delegation type (general when the type is unknown)."""
    if extraction.kind != "delegation_request":
        return Completeness(score=0, status="not_applicable", missing=[], checks=[])
    dtype = extraction.delegation_type or "general"
    checks: list[Check] = []
    missing: list[str] = []
    for rule in load_rules():
        if dtype not in rule["types"]:
            continue
        field = rule["field"]
        if field == "delegation_type":
            passed = extraction.delegation_type is not None
        else:
            value = extraction.fields.get(field)
            passed = bool(value and value.present)
            if passed and rule.get("cio_equivalent"):
                passed = extraction.title_is_cio is True
        required = rule.get("required", True)
        checks.append(
            Check(rule=rule["rule"], passed=passed, reference=rule["reference"], required=required)
        )
        if required and not passed:
            missing.append(field)
    required_checks = [c for c in checks if c.required]
    passed = sum(c.passed for c in required_checks)
    score = round(100 * passed / len(required_checks), 1) if required_checks else 0
    return Completeness(
        score=score,
        status="complete" if not missing else "incomplete",
        missing=sorted(missing),
        checks=checks,
    )

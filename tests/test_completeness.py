"""Tests of pipeline.completeness.score_completeness on Extraction records built here."""

from __future__ import annotations

import pytest

from models import Extraction, FieldValue, Timeframe
from pipeline.completeness import load_rules, score_completeness

VALUES: dict[str, object] = {
    "agency": "Department of Motor Vehicles",
    "submitter_name": "Maria Lopez",
    "submitter_title": "Chief Information Officer",
    "project_scope": "Replace the headquarters PBX",
    "project_purpose": "The PBX is end of life",
    "timeframe": Timeframe(text="Q2 2027", start="2027-04-01", end="2027-06-30"),
    "locations": ["Sacramento"],
    "staff_qualifications": "Three PBX installations",
    "adverse_consequences": "Phones fail",
    "products_services": ["Avaya IP Office 500"],
    "justification": "Not on CALNET; staff can do it",
    "catalog_reference": "Catalog B item MNS-1234",
}
GENERAL_REQUIRED = {
    "delegation_type",
    "agency",
    "submitter_name",
    "submitter_title",
    "project_scope",
    "project_purpose",
    "timeframe",
    "locations",
    "staff_qualifications",
    "adverse_consequences",
    "products_services",
    "justification",
}


def _extraction(
    *,
    kind: str = "delegation_request",
    dtype: str | None = "general",
    drop: tuple[str, ...] = (),
    title_is_cio: bool | None = True,
    **values: object,
) -> Extraction:
    fields = {
        name: FieldValue(value=value, confidence=0.9)
        for name, value in {**VALUES, **values}.items()
        if name not in drop
    }
    return Extraction(kind=kind, delegation_type=dtype, fields=fields, title_is_cio=title_is_cio)


def test_complete_general_request() -> None:
    result = score_completeness(_extraction(drop=("catalog_reference",)))
    assert result.status == "complete"
    assert result.score == 100
    assert result.missing == []
    assert {c.rule for c in result.checks} == GENERAL_REQUIRED
    assert all(c.passed and c.required for c in result.checks)


def test_missing_staff_qualifications() -> None:
    result = score_completeness(_extraction(drop=("staff_qualifications",)))
    assert result.status == "incomplete"
    assert result.missing == ["staff_qualifications"]
    assert result.score < 100
    assert result.score == pytest.approx(round(100 * 11 / 12, 1))
    (check,) = [c for c in result.checks if c.rule == "staff_qualifications"]
    assert check.passed is False


@pytest.mark.parametrize("empty", [None, "", []])
def test_empty_values_count_as_missing(empty: object) -> None:
    result = score_completeness(_extraction(locations=empty))
    assert "locations" in result.missing
    assert result.status == "incomplete"


def test_missing_list_is_sorted() -> None:
    result = score_completeness(_extraction(drop=("timeframe", "agency", "justification")))
    assert result.missing == ["agency", "justification", "timeframe"]
    assert result.score == pytest.approx(round(100 * 9 / 12, 1))


def test_title_not_cio_equivalent_is_missing() -> None:
    result = score_completeness(
        _extraction(submitter_title="Telecommunications Manager", title_is_cio=False)
    )
    assert result.status == "incomplete"
    assert result.missing == ["submitter_title"]
    (check,) = [c for c in result.checks if c.rule == "submitter_title"]
    assert check.passed is False


def test_contract_delegation_rules() -> None:
    result = score_completeness(
        _extraction(
            dtype="calnet_contract",
            drop=("products_services", "justification", "catalog_reference"),
        )
    )
    assert result.status == "complete"
    assert result.score == 100
    assert result.missing == []
    rules = {c.rule: c for c in result.checks}
    assert "products_services" not in rules and "justification" not in rules
    catalog = rules["catalog_reference"]
    assert catalog.required is False and catalog.passed is False


def test_contract_catalog_reference_passes_when_present() -> None:
    result = score_completeness(
        _extraction(dtype="calnet_contract", drop=("products_services", "justification"))
    )
    catalog = next(c for c in result.checks if c.rule == "catalog_reference")
    assert catalog.passed is True
    assert result.score == 100


def test_contract_recommended_check_not_counted_in_score() -> None:
    result = score_completeness(
        _extraction(
            dtype="calnet_contract",
            drop=("products_services", "justification", "catalog_reference", "locations"),
        )
    )
    required = [c for c in result.checks if c.required]
    assert len(required) == 10
    assert result.score == pytest.approx(90.0)
    assert result.missing == ["locations"]


def test_unknown_type_uses_general_rules_and_reports_delegation_type() -> None:
    result = score_completeness(_extraction(dtype=None, drop=("catalog_reference",)))
    assert result.status == "incomplete"
    assert result.missing == ["delegation_type"]
    assert {c.rule for c in result.checks} == GENERAL_REQUIRED
    unknown = score_completeness(
        _extraction(dtype=None, drop=("catalog_reference", "products_services"))
    )
    assert unknown.missing == ["delegation_type", "products_services"]


@pytest.mark.parametrize("kind", ["other", "follow_up"])
def test_not_a_request_is_not_applicable(kind: str) -> None:
    result = score_completeness(_extraction(kind=kind, drop=("staff_qualifications",)))
    assert result.status == "not_applicable"
    assert result.missing == []
    assert result.checks == []


@pytest.mark.parametrize("dtype", ["general", "calnet_contract", None])
def test_every_check_cites_its_policy_line(dtype: str | None) -> None:
    result = score_completeness(_extraction(dtype=dtype))
    assert result.checks
    for check in result.checks:
        assert "STMM 3-502.0 line" in check.reference, check.rule


def test_rules_file_cites_policy_lines() -> None:
    for rule in load_rules():
        assert "STMM 3-502.0 line" in rule["reference"], rule["rule"]

"""Tests for pipeline.reports: CSV rows and columns, HTML escaping, determinism, error records."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import pytest

from models.records import FIELD_NAMES
from pipeline.reports import CSV_COLUMNS, build_report

SCHEMA_PATH = (
    Path(__file__).resolve().parents[2] / "shared" / "contract" / "triage-record.schema.json"
)
"""The contract schema: `shared/` sits beside the repository (here and in CI)."""

HOSTILE_SUBJECT = "<script>alert(1)</script>"
HOSTILE_FROM = "<img src=x onerror=alert(1)>"


def field(value: Any = None, confidence: float = 0.0) -> dict[str, Any]:
    return {"value": value, "confidence": confidence, "evidence": []}


def request_record(case_id: str, queue: str = "general", **overrides: Any) -> dict[str, Any]:
    """A complete general delegation request, valid under the contract schema."""
    fields = {name: field() for name in FIELD_NAMES}
    fields["agency"] = field("Department of Water Resources", 0.9)
    fields["submitter_title"] = field("Chief Information Officer", 0.9)
    record: dict[str, Any] = {
        "schema_version": 1,
        "case_id": case_id,
        "message_id": f"<{case_id}@example.ca.gov>",
        "source": {"kind": "imap", "mailbox": "INBOX", "uidvalidity": 7, "uid": 42},
        "received_at": "2025-03-05T09:12:00-08:00",
        "channel": "email",
        "from": "Jane Ortiz <cio@water.ca.gov>",
        "subject": "Delegation request: PBX replacement",
        "status": "ok",
        "kind": "delegation_request",
        "delegation_type": "general",
        "general_categories": ["pbx_key_telephone", "ivr_acd"],
        "activities": ["installation"],
        "fields": fields,
        "completeness": {
            "score": 87.5,
            "status": "incomplete",
            "missing": ["justification", "staff_qualifications"],
            "checks": [{"rule": "justification", "passed": False, "reference": "reason(s) why"}],
        },
        "flags": ["new_to_market", "possible_duplicate"],
        "route": {"queue": queue, "reviewer": "analyst-a", "reason": "general delegation"},
        "documents": [],
        "errors": [],
    }
    record.update(overrides)
    return record


def error_record(case_id: str) -> dict[str, Any]:
    """A message that could not be processed at all."""
    return request_record(
        case_id,
        queue="errors",
        received_at=None,
        channel="fax",
        subject="",
        status="error",
        kind="other",
        delegation_type=None,
        general_categories=[],
        activities=[],
        fields={name: field() for name in FIELD_NAMES},
        completeness={"score": 0, "status": "not_applicable", "missing": [], "checks": []},
        flags=[],
        route={"queue": "errors", "reviewer": None, "reason": "message could not be read"},
        errors=[
            {"where": "mime", "message": "not an RFC 5322 message"},
            {"where": "documents", "message": "fax.tif: truncated"},
        ],
    )


@pytest.fixture
def records() -> list[dict[str, Any]]:
    recs = [
        request_record("c-0001", subject=HOSTILE_SUBJECT, **{"from": HOSTILE_FROM}),
        error_record("c-0002"),
        request_record("c-0003", queue="contract", channel="fax", subject='=HYPERLINK("x")'),
    ]
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    for record in recs:
        jsonschema.validate(record, schema, cls=jsonschema.Draft202012Validator)
    return recs


def test_csv_rows_and_columns(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    build_report(tmp_path, records)
    frame = pd.read_csv(tmp_path / "report.csv", dtype=str, keep_default_na=False)

    assert list(frame.columns) == list(CSV_COLUMNS)
    assert list(frame["case_id"]) == ["c-0001", "c-0002", "c-0003"]
    first = frame.iloc[0]
    assert first["subject"] == HOSTILE_SUBJECT and first["from"] == HOSTILE_FROM
    assert first["general_categories"] == "pbx_key_telephone;ivr_acd"
    assert first["missing"] == "justification;staff_qualifications"
    assert first["flags"] == "new_to_market;possible_duplicate"
    assert first["score"] == "87.5" and first["agency"] == "Department of Water Resources"
    assert first["packet"] == "packets/general/c-0001/summary.html"

    error = frame.iloc[1]
    assert error["status"] == "error" and error["queue"] == "errors"
    assert error["errors"] == "not an RFC 5322 message; fax.tif: truncated"
    assert error["agency"] == "" and error["received_at"] == "" and error["score"] == "0"
    assert error["packet"] == "packets/errors/c-0002/summary.html"

    assert frame.iloc[2]["subject"] == '\'=HYPERLINK("x")'  # not run as a formula


def test_html_escapes_and_links(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    build_report(tmp_path, records)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")

    # the only script is the report's own, allowed by its hash in the CSP; no image at all
    assert html.count("<script") == 1 and "<img" not in html
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+';", html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="packets/general/c-0001/summary.html"' in html
    assert 'href="packets/errors/c-0002/summary.html"' in html
    assert "Generated from 3 records" in html
    # rows keep the order they were given in
    assert html.index("c-0001") < html.index("c-0002") < html.index("c-0003")
    # self-contained: no external assets
    assert "<link" not in html and "src=" not in html.replace("src=x", "")


def test_totals(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    build_report(tmp_path, records)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    totals = html.split('<div class="wrap">')[0]
    assert '<td>errors</td><td class="n">1</td>' in totals
    assert '<td>general</td><td class="n">1</td>' in totals
    assert '<td>fax</td><td class="n">2</td>' in totals
    assert '<td>not applicable</td><td class="n">1</td>' in totals


def test_report_is_deterministic(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    build_report(first, records)
    build_report(second, records)
    build_report(second, records)  # replacing an existing report
    for name in ("report.html", "report.csv", "report.xlsx"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert sorted(p.name for p in second.iterdir()) == ["report.csv", "report.html", "report.xlsx"]


def test_empty_report(tmp_path: Path) -> None:
    build_report(tmp_path, [])
    frame = pd.read_csv(tmp_path / "report.csv")
    assert list(frame.columns) == list(CSV_COLUMNS) and frame.empty
    assert "No records." in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_xlsx_has_the_csv_rows(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    build_report(tmp_path, records)
    csv = pd.read_csv(tmp_path / "report.csv", dtype=str, keep_default_na=False)
    xlsx = pd.read_excel(tmp_path / "report.xlsx", sheet_name="Cases", dtype=str)
    xlsx = xlsx.fillna("")
    assert list(xlsx.columns) == list(CSV_COLUMNS)
    assert xlsx.to_dict("records") == csv.to_dict("records")
    assert xlsx.iloc[2]["subject"] == '\'=HYPERLINK("x")'  # a string, never a formula


def test_xlsx_drops_characters_a_workbook_cannot_hold(tmp_path: Path) -> None:
    record = request_record("c-0009", subject="bell\x07 and\x0bvtab")
    build_report(tmp_path, [record])
    xlsx = pd.read_excel(tmp_path / "report.xlsx", dtype=str)
    assert xlsx.iloc[0]["subject"] == "bell andvtab"


def test_charts_filters_and_history(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    follow_up = request_record(
        "c-0004",
        kind="follow_up",
        received_at="2025-03-07T10:00:00-08:00",
        links={"follows": "c-0001", "duplicate_of": None},
        flags=[],
    )
    build_report(tmp_path, [*records, follow_up])
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 4
    assert "<title>2025-03-05: 2</title>" in html and "<title>2025-03-07: 1</title>" in html
    assert "<title>Department of Water Resources: 2</title>" in html  # requests only
    assert "<title>PBX and key telephone systems: 2</title>" in html
    # filter choices are the values that occur
    assert '<option value="errors">errors</option>' in html
    assert '<option value="incomplete">incomplete</option>' in html
    assert '<option value="possible_duplicate">possible duplicate</option>' in html
    # row attributes the filters read, and the case history both ways
    assert 'data-flags="new_to_market possible_duplicate"' in html
    assert 'data-received="2025-03-05T17:12:00Z"' in html
    assert 'follow-up of <a href="#c-0001">c-0001</a>' in html
    assert 'follow-up <a href="#c-0004">c-0004</a>' in html


def test_review_clock_low_confidence_and_case_history_in_the_report(tmp_path: Path) -> None:
    case = request_record("DLG-20261103-00000001")
    case["fields"]["agency"] = field("Employment Development Department", 0.3)
    case["route"].update(clock="running", clock_started="2026-11-18", target_business_days=10,
                         due="2026-12-04", due_soon_from="2026-12-02", quality_check=None)
    case["case"] = {"follow_ups": ["DLG-20261118-00000002"],
                    "completeness": {"score": 100, "status": "complete", "missing": [], "checks": []}}
    other = request_record("DLG-20261104-00000003")
    follow = request_record("DLG-20261118-00000002", kind="follow_up",
                            links={"follows": "DLG-20261103-00000001", "duplicate_of": None})
    build_report(tmp_path, [case, other, follow])
    rows = pd.read_csv(tmp_path / "report.csv", dtype=str, keep_default_na=False)
    first = rows.iloc[0]
    assert (first["due"], first["case_status"], first["follow_ups"], first["low_confidence"]) == (
        "2026-12-04", "complete", "DLG-20261118-00000002", "agency")
    html = (tmp_path / "report.html").read_text()
    assert 'data-due="2026-12-04" data-due-soon="2026-12-02"' in html
    assert "with follow-ups (was incomplete)" in html or "with follow-ups" in html
    # the follow-up is listed right under its case, before the next case
    order = [m.group(1) for m in re.finditer(r'<tr id="([^"]+)" data-case=', html)]
    assert order == ["DLG-20261103-00000001", "DLG-20261118-00000002", "DLG-20261104-00000003"]
    assert 'data-parent="DLG-20261103-00000001"' in html

"""Tests of pipeline.cases: linking follow-ups (headers, case id in the subject, near-equal text)
and re-scoring a case with what its follow-up supplied."""

from __future__ import annotations

import pytest

from models import Evidence, Extraction, FieldValue
from pipeline.cases import CaseIndex, FollowUp, PriorCase, apply_follow_up, link_case, rescore_case
from pipeline.settings import load_settings

WORDS = frozenset(["caltrans", "district", "office", "telephone", "system", "replacement", "mitel", "oakland"])


@pytest.fixture
def index() -> CaseIndex:
    return CaseIndex([
        PriorCase(case_id="DLG-20261109-c3a354e5", message_id="<a@x>", kind="delegation_request",
                  agency="Department of Transportation", words=WORDS, sha256="1"),
        PriorCase(case_id="DLG-20261110-00000001", message_id="<b@x>", kind="follow_up", agency=None,
                  words=frozenset(), sha256="2", follows="DLG-20261109-c3a354e5"),
    ])


def _link(index: CaseIndex, **over):
    args = {"message_id": "<new@x>", "in_reply_to": None, "references": [], "kind": "follow_up",
            "agency": None, "words": [], "sha256": "3", "index": index, "subject": ""}
    return link_case(**{**args, **over})[0]


def test_follow_up_by_in_reply_to_leads_to_the_root_request(index: CaseIndex) -> None:
    assert _link(index, in_reply_to="<b@x>").follows == "DLG-20261109-c3a354e5"


def test_follow_up_by_case_id_in_the_subject(index: CaseIndex) -> None:
    subject = "RE: Re: [Case DLG-20261109-C3A354E5] Information needed for your CALNET delegation request"
    assert _link(index, subject=subject).follows == "DLG-20261109-c3a354e5"
    assert _link(index, subject="[Case DLG-20991231-deadbeef] unknown") is None


def test_follow_up_by_same_agency_and_near_equal_text(index: CaseIndex) -> None:
    words = sorted(WORDS | {"qualifications", "technicians"})
    assert _link(index, agency="Department of Transportation", words=words).follows == "DLG-20261109-c3a354e5"
    assert _link(index, agency="Department of Justice", words=words) is None
    assert _link(index, agency="Department of Transportation", words=["other", "words"]) is None


def _record(**over) -> dict:
    from models import Completeness  # noqa: F401 - the record is a plain contract dict
    fields = {name: {"value": None, "confidence": 0.0, "evidence": []} for name in (
        "agency", "submitter_name", "submitter_title", "project_scope", "project_purpose", "timeframe",
        "locations", "staff_qualifications", "adverse_consequences", "products_services", "justification",
        "catalog_reference", "contact_email", "contact_phone", "exemption_reference", "form20_reference",
        "additional_information")}
    filled = {"agency": "Employment Development Department", "submitter_name": "A. Person",
              "submitter_title": "Chief Information Officer", "project_scope": "IVR upgrade",
              "project_purpose": "Replace IVR", "timeframe": {"text": "2027", "start": None, "end": None},
              "locations": ["Sacramento"], "adverse_consequences": "Outage risk",
              "products_services": ["IVR"], "justification": "Expertise in house"}
    for name, value in filled.items():
        fields[name] = {"value": value, "confidence": 0.9, "evidence": []}
    record = {
        "case_id": "DLG-20261103-8a309762", "status": "ok", "kind": "delegation_request",
        "delegation_type": "general", "general_categories": ["ivr_acd"], "channel": "email", "flags": [],
        "fields": fields,
        "completeness": {"score": 92.3, "status": "incomplete", "missing": ["staff_qualifications"],
                         "checks": [{"rule": "submitter_title", "passed": True, "reference": "r"}]},
        "route": {"queue": "deficiency", "reviewer": "r.okafor", "reason": "rule 5", "clock": "paused",
                  "clock_started": None, "due": None, "quality_check": None},
    }
    record.update(over)
    return record


def _follow_up(**fields) -> FollowUp:
    extraction = Extraction(kind="follow_up", fields={
        name: FieldValue(value=value, confidence=0.8, evidence=[Evidence(document="body.txt", text=str(value))])
        for name, value in fields.items()
    })
    return FollowUp(case_id="DLG-20261118-d5c960fb", follows="DLG-20261103-8a309762",
                    received_at="2026-11-18T15:22:09-08:00", extraction=extraction)


def test_rescore_fills_what_was_missing_and_keeps_what_was_there() -> None:
    case = rescore_case(_record(), _follow_up(staff_qualifications="Seven engineers", agency="Someone else"))
    assert case["follow_ups"] == ["DLG-20261118-d5c960fb"]
    assert case["completeness"]["status"] == "complete" and case["completeness"]["missing"] == []
    assert set(case["fields"]) == {"staff_qualifications"}
    assert case["fields"]["staff_qualifications"]["supplied_by"] == "DLG-20261118-d5c960fb"


def test_follow_up_without_the_missing_item_leaves_the_case_incomplete() -> None:
    case = rescore_case(_record(), _follow_up(contact_phone="916-555-0100"))
    assert case["completeness"]["status"] == "incomplete"
    assert case["completeness"]["missing"] == ["staff_qualifications"]


def test_apply_follow_up_starts_the_clock_and_reroutes() -> None:
    settings = load_settings()
    new = apply_follow_up(_record(), _follow_up(staff_qualifications="Seven engineers"), settings, [])
    assert new["completeness"]["status"] == "incomplete"  # what the message itself said stays
    assert new["case"]["completeness"]["status"] == "complete"
    route = new["route"]
    assert route["queue"] == "general-ivr-acd" and route["reviewer"] == "s.patel"
    assert route["reason"].startswith("re-routed after follow-up DLG-20261118-d5c960fb (was deficiency (r.okafor))")
    assert (route["clock"], route["clock_started"], route["due"]) == ("running", "2026-11-18", "2026-12-04")

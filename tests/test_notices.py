"""Tests for pipeline.notices: the deficiency notice draft of an incomplete request."""

from __future__ import annotations

import copy
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest

from pipeline.notices import needs_notice, notice_items, render_notice
from tests.test_packets import make_record, validate

POLICY_QUOTES = {
    "adverse_consequences": "any adverse consequences to the agency or others if delegation is "
    "denied.",
    "staff_qualifications": "Staff technical qualifications and prior experience with projects "
    "that fall within the requested delegation.",
}


def incomplete_record(**overrides: Any) -> dict[str, Any]:
    """An incomplete email request missing two items, each with its policy line."""
    record = make_record(**overrides)
    record["completeness"]["checks"] = [
        {"rule": "agency", "passed": True, "reference": 'STMM 3-502.0 line 32: "Non- exempt"'},
        *(
            {"rule": name, "passed": False, "reference": f'STMM 3-502.0 line 76: "{quote}"'}
            for name, quote in POLICY_QUOTES.items()
        ),
    ]
    validate(record)
    return record


def parse(data: bytes) -> EmailMessage:
    return message_from_bytes(data, policy=default)  # type: ignore[return-value]


def test_notice_headers() -> None:
    msg = parse(render_notice(incomplete_record()) or b"")
    assert msg["From"] == "CALNET Program Delegations <STNDdelegations@state.ca.gov>"
    assert msg["To"] == "Jane Ortiz <cio@water.ca.gov>"
    assert "c-3f2a9b1e" in msg["Subject"] and "PBX replacement" in msg["Subject"]
    assert msg["In-Reply-To"] == "<abc@example.ca.gov>" == msg["References"]
    assert msg["Message-ID"] == "<deficiency.c-3f2a9b1e@state.ca.gov>"
    assert msg["Date"] == "Wed, 05 Mar 2025 09:12:00 -0800"  # the request's own time
    assert msg["X-Unsent"] == "1"
    assert msg.get_content_type() == "text/plain"


def test_notice_lists_exactly_the_missing_items_in_policy_terms() -> None:
    record = incomplete_record()
    body = parse(render_notice(record) or b"").get_content()
    flat = " ".join(body.split())
    for quote in POLICY_QUOTES.values():
        assert f'STMM 3-502.0: "{quote}"' in flat
    assert "Non- exempt" not in flat  # a passed check is not asked for
    assert [i["field"] for i in notice_items(record)] == [
        "adverse_consequences",
        "staff_qualifications",
    ]
    assert "1. Any adverse consequences" in body and "2. Your staff's technical" in body
    assert "3. " not in body
    assert "Dear Jane Ortiz," in body and "case c-3f2a9b1e" in flat
    assert all(len(line) <= 78 for line in body.splitlines())


def test_same_record_same_bytes() -> None:
    record = incomplete_record()
    assert render_notice(record) == render_notice(copy.deepcopy(record))


@pytest.mark.parametrize(
    "overrides",
    [
        {"completeness": {"score": 100, "status": "complete", "missing": [], "checks": []}},
        {"kind": "follow_up"},
        {"status": "error"},
    ],
)
def test_no_notice_unless_an_incomplete_request(overrides: dict[str, Any]) -> None:
    record = make_record(**overrides)
    if "kind" in overrides:
        record["completeness"] = {
            "score": 0,
            "status": "not_applicable",
            "missing": [],
            "checks": [],
        }
    assert not needs_notice(record) and render_notice(record) is None


def test_fax_goes_to_the_contact_email_not_the_gateway() -> None:
    record = incomplete_record(channel="fax", **{"from": "eFax <fax-gateway@efax.state.ca.gov>"})
    assert "To" not in parse(render_notice(record) or b"")  # no address known: reviewer adds one
    record["fields"]["contact_email"] = {
        "value": "jane@water.ca.gov",
        "confidence": 0.8,
        "evidence": [],
    }
    assert parse(render_notice(record) or b"")["To"] == "jane@water.ca.gov"


def test_hostile_headers_stay_on_one_line() -> None:
    record = incomplete_record(
        subject="PBX\r\nBcc: victim@example.com",
        message_id="<x>\r\nBcc: victim@example.com",
        **{"from": "Eve <eve@example.com>\r\nBcc: victim@example.com"},
    )
    data = render_notice(record) or b""
    msg = parse(data)
    assert "Bcc" not in msg and b"\nBcc:" not in data
    assert "In-Reply-To" not in msg  # not a Message-ID: not referenced
    assert "PBX Bcc: victim@example.com" in " ".join(msg["Subject"].split())

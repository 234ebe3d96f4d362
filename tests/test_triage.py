"""Tests of pipeline.triage.triage_message on sample messages, and of pipeline.cases.link_case."""

from __future__ import annotations

import hashlib

import pytest

from models import Source
from pipeline.cases import CaseIndex, PriorCase, link_case
from pipeline.mime import parse_message
from pipeline.settings import Settings, load_settings
from pipeline.triage import Triaged, make_case_id, triage_message
from tests.helpers import SAMPLE_INBOX, validate_record


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


def _source(name: str) -> Source:
    return Source(kind="file", path=name)


def _prior(triaged: Triaged) -> PriorCase:
    """The case index entry a filed message becomes (as pipeline.intake files it)."""
    return PriorCase(
        case_id=triaged.record.case_id,
        message_id=triaged.record.message_id,
        kind=triaged.record.kind,
        agency=triaged.agency,
        words=frozenset(triaged.fingerprint),
        sha256=hashlib.sha256(triaged.raw).hexdigest(),
    )


@pytest.fixture(scope="module")
def triaged(settings: Settings) -> dict[str, Triaged]:
    """Sample messages triaged once, in order, each seeing the ones before it."""
    index = CaseIndex()
    out: dict[str, Triaged] = {}
    for name in (
        "01-dmv-pbx-complete.eml",
        "03-edd-ivr-acd-no-staff-quals.eml",
        "19-edd-reply-adds-staff-quals.eml",
        "27-broken-empty-file.eml",
        "28-broken-binary-garbage.eml",
        "30-broken-multipart-no-boundary.eml",
    ):
        raw = (SAMPLE_INBOX / name).read_bytes()
        t = triage_message(raw, _source(name), None, settings, index)
        index.add(_prior(t))
        out[name] = t
    return out


def test_complete_request(triaged: dict[str, Triaged]) -> None:
    r = triaged["01-dmv-pbx-complete.eml"].record.to_contract()
    assert r["status"] == "ok"
    assert r["kind"] == "delegation_request"
    assert r["delegation_type"] == "general"
    assert r["general_categories"] == ["pbx_key_telephone"]
    assert r["completeness"]["status"] == "complete"
    assert r["completeness"]["score"] == 100
    assert r["completeness"]["missing"] == []
    assert r["flags"] == []
    assert r["route"]["queue"] == "general-pbx"
    assert r["fields"]["agency"]["value"] == "Department of Motor Vehicles"
    assert r["fields"]["submitter_title"]["value"] == "Chief Information Officer"
    assert r["source"] == {"kind": "file", "path": "01-dmv-pbx-complete.eml"}
    assert r["errors"] == []
    assert r["received_at"] and r["received_at"].startswith("2026-")
    assert r["documents"][0]["text_source"] == "body"


def test_incomplete_request_goes_to_deficiency(triaged: dict[str, Triaged]) -> None:
    r = triaged["03-edd-ivr-acd-no-staff-quals.eml"].record.to_contract()
    assert r["kind"] == "delegation_request"
    assert r["completeness"]["status"] == "incomplete"
    assert r["completeness"]["missing"] == ["staff_qualifications"]
    assert r["route"]["queue"] == "deficiency"


def test_follow_up_linked_by_in_reply_to(triaged: dict[str, Triaged]) -> None:
    original = triaged["03-edd-ivr-acd-no-staff-quals.eml"].record
    r = triaged["19-edd-reply-adds-staff-quals.eml"].record.to_contract()
    assert r["kind"] == "follow_up"
    assert r["completeness"]["status"] == "not_applicable"
    assert r["links"] == {"follows": original.case_id, "duplicate_of": None}
    assert r["route"]["queue"] == "follow-ups"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("27-broken-empty-file.eml", "empty"),
        ("28-broken-binary-garbage.eml", "RFC 5322"),
        ("30-broken-multipart-no-boundary.eml", "NoBoundaryInMultipartDefect"),
    ],
)
def test_unreadable_message_is_an_error_record(
    triaged: dict[str, Triaged], name: str, message: str
) -> None:
    r = triaged[name].record.to_contract()
    assert r["status"] == "error"
    assert r["kind"] == "other"
    assert r["completeness"]["status"] == "not_applicable"
    assert r["route"]["queue"] == "errors"
    assert r["errors"] and r["errors"][0]["where"] == "mime"
    assert message in r["errors"][0]["message"]
    assert r["case_id"].startswith("DLG-00000000-")
    assert r["message_id"].endswith("@triage.invalid>")


def test_every_record_validates_against_the_contract(triaged: dict[str, Triaged]) -> None:
    for name, t in triaged.items():
        record = t.record.to_contract()
        validate_record(record)
        assert list(record["fields"]) == list(dict.fromkeys(record["fields"]))  # no repeats
        assert record["case_id"] == t.record.case_id, name


def test_same_input_same_record(settings: Settings) -> None:
    raw = (SAMPLE_INBOX / "01-dmv-pbx-complete.eml").read_bytes()
    a = triage_message(raw, _source("a.eml"), None, settings, CaseIndex()).record.to_contract()
    b = triage_message(raw, _source("a.eml"), None, settings, CaseIndex()).record.to_contract()
    assert a == b
    assert a["case_id"] == make_case_id(raw, parse_message(raw))
    assert a["case_id"].startswith("DLG-2026")


def test_identical_bytes_are_a_possible_duplicate(
    settings: Settings, triaged: dict[str, Triaged]
) -> None:
    first = triaged["01-dmv-pbx-complete.eml"]
    index = CaseIndex([_prior(first)])
    again = triage_message(
        first.raw, _source("copy/01-dmv-pbx-complete.eml"), "DLG-copy", settings, index
    )
    r = again.record.to_contract()
    validate_record(r)
    assert r["case_id"] == "DLG-copy"
    assert "possible_duplicate" in r["flags"]
    assert r["links"] == {"follows": None, "duplicate_of": first.record.case_id}


def test_oversized_message_is_an_error_record(settings: Settings) -> None:
    small = settings.model_copy(
        update={"limits": settings.limits.model_copy(update={"max_message_bytes": 100})}
    )
    raw = (SAMPLE_INBOX / "01-dmv-pbx-complete.eml").read_bytes()
    r = triage_message(raw, _source("big.eml"), "DLG-big", small, CaseIndex()).record.to_contract()
    validate_record(r)
    assert r["status"] == "error"
    assert r["errors"][0]["where"] == "limits"


# --- link_case directly ------------------------------------------------------------------------


def _case(
    case_id: str,
    *,
    message_id: str = "<x@y>",
    kind: str = "delegation_request",
    agency: str | None = "Franchise Tax Board",
    words: tuple[str, ...] = ("alpha", "beta"),
    sha256: str = "a" * 64,
) -> PriorCase:
    return PriorCase(
        case_id=case_id,
        message_id=message_id,
        kind=kind,
        agency=agency,
        words=frozenset(words),
        sha256=sha256,
    )


def _link(index: CaseIndex, **kw):
    base = {
        "message_id": "<new@y>",
        "in_reply_to": None,
        "references": [],
        "kind": "delegation_request",
        "agency": "Franchise Tax Board",
        "words": ["gamma"],
        "sha256": "b" * 64,
    }
    return link_case(**{**base, **kw}, index=index)


def test_link_identical_bytes_even_without_agency() -> None:
    links, flags = _link(CaseIndex([_case("C1")]), sha256="a" * 64, agency=None)
    assert links is not None and links.duplicate_of == "C1"
    assert flags == ["possible_duplicate"]


def test_link_same_agency_similar_words() -> None:
    words = [f"w{i}" for i in range(10)]
    prior = _case("C1", words=tuple(words))
    links, flags = _link(CaseIndex([prior]), words=words[:9] + ["other"])
    assert links.duplicate_of == "C1" and flags == ["possible_duplicate"]
    links, flags = _link(
        CaseIndex([prior]), words=words[:9] + ["other"], agency="Department of Justice"
    )
    assert links is None and flags == []


def test_link_different_request_is_not_a_duplicate() -> None:
    assert _link(CaseIndex([_case("C1")])) == (None, [])


def test_link_follow_up_by_in_reply_to_and_references() -> None:
    index = CaseIndex(
        [_case("C1", message_id="<orig@edd>"), _case("C2", message_id="<second@edd>")]
    )
    links, flags = _link(index, kind="follow_up", in_reply_to="<orig@edd>")
    assert (links.follows, links.duplicate_of, flags) == ("C1", None, [])
    links, _ = _link(index, kind="follow_up", references=["<orig@edd>", "<second@edd>"])
    assert links.follows == "C2"  # the latest reference first
    assert _link(index, kind="follow_up", in_reply_to="<unknown@edd>") == (None, [])


def test_follow_up_is_never_a_duplicate_and_other_is_never_linked() -> None:
    index = CaseIndex([_case("C1", message_id="<orig@edd>")])
    links, flags = _link(index, kind="follow_up", in_reply_to="<orig@edd>", sha256="a" * 64)
    assert links.duplicate_of is None and flags == []
    assert _link(index, kind="other", in_reply_to="<orig@edd>", sha256="a" * 64) == (None, [])

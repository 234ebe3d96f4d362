"""End to end: `triage replay sample_inbox` against sample_inbox/expected.json and the contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import SAMPLE_INBOX, read_jsonl, run_triage, validate_record

EXPECTED = json.loads((SAMPLE_INBOX / "expected.json").read_text())


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("replay") / "out"
    result = run_triage("replay", str(SAMPLE_INBOX), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "report:" in result.stdout
    return out


@pytest.fixture(scope="module")
def records(replay: Path) -> dict[str, dict]:
    return {r["source"]["path"]: r for r in read_jsonl(replay / "triage.jsonl")}


def test_every_message_has_one_record(records: dict[str, dict]) -> None:
    assert sorted(records) == sorted(EXPECTED)


def test_every_record_validates_against_the_contract(records: dict[str, dict]) -> None:
    for record in records.values():
        validate_record(record)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_record_matches_expected(records: dict[str, dict], name: str) -> None:
    want, got = EXPECTED[name], records[name]
    assert {
        "status": got["status"],
        "channel": got["channel"],
        "kind": got["kind"],
        "delegation_type": got["delegation_type"],
        "completeness_status": got["completeness"]["status"],
        "missing": sorted(got["completeness"]["missing"]),
        "flags": sorted(got["flags"]),
    } == {
        "status": want["status"],
        "channel": want["channel"],
        "kind": want["kind"],
        "delegation_type": want["delegation_type"],
        "completeness_status": want["completeness_status"],
        "missing": sorted(want["missing"]),
        "flags": sorted(want["flags"]),
    }


def test_packets_are_laid_out_as_the_contract_says(replay: Path, records: dict[str, dict]) -> None:
    for name, record in records.items():
        packet = replay / "packets" / record["route"]["queue"] / record["case_id"]
        assert (packet / "request.json").is_file(), name
        assert json.loads((packet / "request.json").read_text()) == record
        assert (packet / "message.eml").read_bytes() == (SAMPLE_INBOX / name).read_bytes()
        assert (packet / "summary.html").is_file()
        for doc in record["documents"]:
            if doc["text_path"]:
                assert (packet / doc["text_path"]).is_file(), (name, doc["text_path"])


def test_report_lists_every_case(replay: Path, records: dict[str, dict]) -> None:
    html = (replay / "report.html").read_text()
    csv = (replay / "report.csv").read_text()
    for record in records.values():
        assert record["case_id"] in html
        assert record["case_id"] in csv


def test_second_run_adds_nothing_and_loses_nothing(replay: Path) -> None:
    before = (replay / "triage.jsonl").read_bytes()
    result = run_triage("replay", str(SAMPLE_INBOX), "--out", str(replay), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "triaged 0 new message(s)" in result.stdout
    assert (replay / "triage.jsonl").read_bytes() == before


def test_same_input_gives_the_same_bytes(replay: Path, tmp_path: Path) -> None:
    other = tmp_path / "again"
    result = run_triage("replay", str(SAMPLE_INBOX), "--out", str(other), "--quiet")
    assert result.returncode == 0, result.stderr
    assert (other / "triage.jsonl").read_bytes() == (replay / "triage.jsonl").read_bytes()


def test_fax_cover_sheet_is_recorded(records: dict[str, dict]) -> None:
    fax = records["14-parks-fax-pdf-cover-premise.eml"]
    covers = [d["cover_sheet"] for d in fax["documents"] if d.get("cover_sheet")]
    assert len(covers) == 1
    assert covers[0]["sender_fax"] == "916-555-0178"
    assert covers[0]["page_count"] == 3
    # The cover's "From" is the fax's sender; the request's submitter comes from the letter.
    assert fax["fields"]["submitter_name"]["evidence"][0]["page"] != 1

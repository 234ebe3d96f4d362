"""Tests of pipeline.ledger: filing, reading back in order, case ids and the run lock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pipeline.ledger import LEDGER_NAME, Ledger, RunLocked, run_lock, unique_case_id


def _record(
    case_id: str, message_id: str = "<m@x>", kind: str = "delegation_request", status: str = "ok"
) -> dict:
    return {
        "case_id": case_id,
        "message_id": message_id,
        "kind": kind,
        "status": status,
        "subject": f"subject of {case_id}",
        "from": "José <jose@dmv.ca.gov>",
    }


def _file(ledger: Ledger, n: int, **kw) -> dict:
    record = _record(f"DLG-20260101-{n:08x}", message_id=f"<{n}@dmv.ca.gov>", **kw)
    ledger.file(
        source_key=f"file:{n:02d}.eml",
        record=record,
        words=["pbx", f"word{n}"],
        sha256=f"{n:064x}",
        agency="Department of Motor Vehicles",
        packet=f"packets/q/{record['case_id']}",
    )
    return record


@pytest.fixture
def ledger(tmp_path: Path):
    led = Ledger(tmp_path / "out")
    yield led
    led.close()


def test_new_ledger_is_empty(ledger: Ledger, tmp_path: Path) -> None:
    assert (tmp_path / "out" / LEDGER_NAME).exists()
    assert ledger.known_sources() == set()
    assert ledger.records() == []
    assert ledger.case_index().cases == []


def test_records_come_back_in_filing_order(ledger: Ledger) -> None:
    filed = [_file(ledger, n) for n in (5, 1, 9, 3)]
    assert ledger.records() == filed
    assert ledger.known_sources() == {"file:05.eml", "file:01.eml", "file:09.eml", "file:03.eml"}
    assert ledger.case_ids() == {r["case_id"] for r in filed}


def test_filing_the_same_source_twice_raises(ledger: Ledger) -> None:
    _file(ledger, 1)
    again = _record("DLG-20260101-other", message_id="<other@x>")
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        ledger.file(
            source_key="file:01.eml",
            record=again,
            words=[],
            sha256="0" * 64,
            agency=None,
            packet="p",
        )
    assert len(ledger.records()) == 1


def test_filing_the_same_case_id_twice_raises(ledger: Ledger) -> None:
    first = _file(ledger, 1)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        ledger.file(
            source_key="file:other.eml",
            record=first,
            words=[],
            sha256="0" * 64,
            agency=None,
            packet="p",
        )
    assert ledger.known_sources() == {"file:01.eml"}


def test_ledger_survives_reopening(tmp_path: Path) -> None:
    first = Ledger(tmp_path / "out")
    filed = [_file(first, n) for n in (2, 1)]
    first.close()
    second = Ledger(tmp_path / "out")
    try:
        assert second.records() == filed
        assert second.known_sources() == {"file:02.eml", "file:01.eml"}
    finally:
        second.close()


def test_case_index_in_filing_order(ledger: Ledger) -> None:
    _file(ledger, 7)
    _file(ledger, 2, kind="follow_up")
    cases = ledger.case_index().cases
    assert [c.message_id for c in cases] == ["<7@dmv.ca.gov>", "<2@dmv.ca.gov>"]
    assert [c.kind for c in cases] == ["delegation_request", "follow_up"]
    assert cases[0].words == frozenset({"pbx", "word7"})
    assert cases[0].sha256 == f"{7:064x}"
    assert cases[0].agency == "Department of Motor Vehicles"


@pytest.mark.parametrize(
    ("base", "taken", "expected"),
    [
        ("DLG-1", set(), "DLG-1"),
        ("DLG-1", {"DLG-1"}, "DLG-1-2"),
        ("DLG-1", {"DLG-1", "DLG-1-2"}, "DLG-1-3"),
        ("DLG-1", {"DLG-1-2"}, "DLG-1"),
    ],
)
def test_unique_case_id(base: str, taken: set[str], expected: str) -> None:
    assert unique_case_id(base, taken) == expected


def test_second_run_lock_on_same_folder_raises(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with run_lock(out), pytest.raises(RunLocked, match="another run"), run_lock(out):
        pass  # pragma: no cover - must not be reached
    with run_lock(out):  # released: a later run may take it
        pass


def test_run_locks_on_different_folders_do_not_clash(tmp_path: Path) -> None:
    with run_lock(tmp_path / "a"), run_lock(tmp_path / "b"):
        pass

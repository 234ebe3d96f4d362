"""What touches the output folder: file a triaged message (packet, then ledger) and publish the outputs."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from models import Source
from pipeline.cases import CaseIndex, PriorCase
from pipeline.errors import TriageError
from pipeline.ledger import Ledger, prior_case, run_lock
from pipeline.packets import packet_path, rewrite_packet, write_file_atomic, write_packet
from pipeline.reports import build_report
from pipeline.settings import Settings
from pipeline.triage import Triaged, triage_message

log = logging.getLogger(__name__)

JSONL_NAME = "triage.jsonl"


def file_triaged(out_dir: Path, ledger: Ledger, source_key: str, triaged: Triaged,
                 index: CaseIndex | None = None) -> PriorCase:
    """Write the packet durably, then record the message in the ledger; return it as a prior case.

    A linked follow-up also updates its case: the case's record (re-scored, clock started, maybe
    re-routed) and packet are written first, then the follow-up's row and the case's new record
    go into the ledger in one transaction. The follow-up keeps its own record. The returned
    prior case carries the updated case in `updated`.
    """
    record = triaged.to_contract()
    write_packet(out_dir, record, triaged.raw, triaged.attachments, triaged.record.documents)
    sha = hashlib.sha256(triaged.raw).hexdigest()
    packet = packet_path(out_dir, record).relative_to(out_dir).as_posix()
    follows = (record.get("links") or {}).get("follows")
    update = None
    if triaged.update_case is not None and follows:
        update = update_followed_case(out_dir, ledger, follows, triaged.update_case,
                                      (index or ledger.case_index()).assignments())
    ledger.file(source_key=source_key, record=record, words=triaged.fingerprint, sha256=sha,
                agency=triaged.agency, packet=packet, update=update)
    log.info("%s: filed as %s in queue %s", source_key, record["case_id"], record["route"]["queue"])
    prior = prior_case(record, agency=triaged.agency, words=triaged.fingerprint, sha256=sha)
    if update is not None:
        case_id, new, _ = update
        row = ledger.db.execute("SELECT agency, words, sha256 FROM messages WHERE case_id = ?",
                                (case_id,)).fetchone()
        prior.updated.append(prior_case(new, agency=row[0], words=json.loads(row[1]), sha256=row[2]))
        log.info("case %s: updated by its follow-up (case status %s, queue %s)", case_id,
                 (new.get("case", {}).get("completeness") or {}).get("status", "-"), new["route"]["queue"])
    return prior


def update_followed_case(out_dir: Path, ledger: Ledger, case_id: str, update,
                         assigned: list) -> tuple[str, dict, str] | None:
    """A follow-up's change to its filed case: (case id, new record, packet), the packet rewritten.

    The ledger is not changed here; `file_triaged` stores the new record with the follow-up.
    """
    found = ledger.find_case(case_id)
    if found is None:
        return None
    _, record, packet = found
    new = update(record, assigned)
    if new == record:
        return None
    folder = out_dir / packet
    if not (folder / "message.eml").is_file():
        # A run stopped after moving the packet to a new queue, before the ledger said so.
        moved = [p for p in (out_dir / "packets").glob(f"*/{folder.name}") if (p / "message.eml").is_file()]
        if not moved:
            return None
        folder = moved[0]
    target = rewrite_packet(out_dir, folder, new)
    return case_id, new, target.relative_to(out_dir).as_posix()


def render_jsonl(records: list[dict]) -> str:
    """One record a line, in filing order; same records, same bytes."""
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)


def publish(out_dir: Path, ledger: Ledger) -> list[dict]:
    """Rewrite `triage.jsonl` and the report from every record in the ledger; return the records."""
    records = ledger.records()
    write_file_atomic(out_dir / JSONL_NAME, render_jsonl(records).encode("utf-8"), mode=0o644)
    build_report(out_dir, records)
    return records


def reprocess_case(out_dir: Path, case_id: str, settings: Settings) -> dict:
    """Triage a filed case again from its packet's original bytes; the one way to process a message twice."""
    with run_lock(out_dir):
        ledger = Ledger(out_dir)
        try:
            found = ledger.find_case(case_id)
            if found is None:
                raise TriageError(f"no case {case_id} in {out_dir}", where="ledger")
            source_key, record, packet = found
            raw = (out_dir / packet / "message.eml").read_bytes()
            earlier = []
            for case in ledger.case_index().cases:
                if case.case_id == case_id:
                    break
                earlier.append(case)
            triaged = triage_message(raw, Source(**record["source"]), case_id, settings, CaseIndex(earlier))
            new = triaged.to_contract()
            if "case" in record:  # what its follow-ups brought stays with the case
                new["case"] = record["case"]
            write_packet(out_dir, new, raw, triaged.attachments, triaged.record.documents)
            ledger.replace(source_key=source_key, record=new, words=triaged.fingerprint, agency=triaged.agency,
                           packet=packet_path(out_dir, new).relative_to(out_dir).as_posix())
            publish(out_dir, ledger)
            return new
        finally:
            ledger.close()

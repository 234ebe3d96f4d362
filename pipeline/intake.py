"""What touches the output folder: file a triaged message (packet, then ledger) and publish the outputs."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from pipeline.cases import PriorCase
from pipeline.ledger import Ledger
from pipeline.packets import packet_path, write_file_atomic, write_packet
from pipeline.reports import build_report
from pipeline.triage import Triaged

log = logging.getLogger(__name__)

JSONL_NAME = "triage.jsonl"


def file_triaged(out_dir: Path, ledger: Ledger, source_key: str, triaged: Triaged) -> PriorCase:
    """Write the packet durably, then record the message in the ledger; return it as a prior case."""
    record = triaged.record.to_contract()
    write_packet(out_dir, record, triaged.raw, triaged.attachments, triaged.record.documents)
    sha = hashlib.sha256(triaged.raw).hexdigest()
    packet = packet_path(out_dir, record).relative_to(out_dir).as_posix()
    ledger.file(source_key=source_key, record=record, words=triaged.fingerprint, sha256=sha,
                agency=triaged.agency, packet=packet)
    log.info("%s: filed as %s in queue %s", source_key, record["case_id"], record["route"]["queue"])
    return PriorCase(case_id=record["case_id"], message_id=record["message_id"], kind=record["kind"],
                     agency=triaged.agency, words=frozenset(triaged.fingerprint), sha256=sha)


def render_jsonl(records: list[dict]) -> str:
    """One record a line, in filing order; same records, same bytes."""
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)


def publish(out_dir: Path, ledger: Ledger) -> list[dict]:
    """Rewrite `triage.jsonl` and the report from every record in the ledger; return the records."""
    records = ledger.records()
    write_file_atomic(out_dir / JSONL_NAME, render_jsonl(records).encode("utf-8"), mode=0o644)
    build_report(out_dir, records)
    return records


def reprocess_case(out_dir: Path, case_id: str, settings) -> dict:
    """Triage a filed case again from its packet's original bytes; the one way to process a message twice."""
    from models import Source
    from pipeline.cases import CaseIndex
    from pipeline.errors import TriageError
    from pipeline.ledger import run_lock
    from pipeline.triage import triage_message

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
            new = triaged.record.to_contract()
            write_packet(out_dir, new, raw, triaged.attachments, triaged.record.documents)
            ledger.replace(source_key=source_key, record=new, words=triaged.fingerprint, agency=triaged.agency,
                           packet=packet_path(out_dir, new).relative_to(out_dir).as_posix())
            publish(out_dir, ledger)
            return new
        finally:
            ledger.close()

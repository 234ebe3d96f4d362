"""One pass over the mailbox: triage each new message exactly once, then file it on the server."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from models import Source
from pipeline.imap import Mailbox
from pipeline.intake import file_triaged, publish
from pipeline.ledger import Ledger, run_lock, unique_case_id
from pipeline.mime import parse_message
from pipeline.packets import remove_stale_tmp
from pipeline.settings import Settings
from pipeline.triage import triage_message

log = logging.getLogger(__name__)


@dataclass
class PassResult:
    """What one pass did."""

    processed: int = 0
    """Messages triaged and filed in this pass."""
    refiled: int = 0
    """Messages already in the ledger that were only moved (a pass stopped before moving them)."""
    resynced: int = 0
    """Messages recognised after a UIDVALIDITY change and not processed again."""
    errors: int = 0
    """Messages whose record has status "error"."""
    total: int = 0
    """Records in the ledger after the pass."""
    case_ids: list[str] = field(default_factory=list)
    """Cases this pass added, in filing order."""


def _message_id(raw: bytes) -> str:
    try:
        return parse_message(raw).message_id
    except Exception:  # noqa: BLE001 - an unreadable message has a content-hash id
        return f"<sha256-{hashlib.sha256(raw).hexdigest()[:32]}@triage.invalid>"


def poll_mailbox(
    settings: Settings,
    out_dir: Path,
    *,
    password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PassResult:
    """Fetch the folder's new messages, triage and file each one, then publish the outputs.

    Exactly once: a message is written (packet, then ledger) before it is moved on the server,
    and a message already in the ledger is only moved, never processed again. A pass stopped at
    any point and run again yields one record and one packet per message.
    """
    cfg = settings.mailbox
    result = PassResult()
    with run_lock(out_dir):
        ledger = Ledger(out_dir)
        try:
            remove_stale_tmp(out_dir)
            with Mailbox(cfg, password) as box:
                box.ensure_folder(cfg.processed_folder)
                box.ensure_folder(cfg.error_folder)
                state = box.select(cfg.folder)
                last = ledger.last_uid(cfg.folder, state.uidvalidity)

                def key(uid: int) -> str:
                    return Source(
                        kind="imap", mailbox=cfg.folder, uidvalidity=state.uidvalidity, uid=uid
                    ).key

                def file_on_server(uid: int) -> None:
                    status = ledger.status_of(key(uid))
                    box.file([uid], cfg.error_folder if status == "error" else cfg.processed_folder)

                # Filed in the ledger but still here: an earlier pass stopped before moving them, or
                # in the middle of a move (the copy made, the original not yet removed).
                leftovers = box.uids_up_to(last)
                known = ledger.known_sources()
                unfiled = [u for u in leftovers if key(u) not in known]
                for uid in (u for u in leftovers if key(u) in known):
                    folder = cfg.error_folder if ledger.status_of(key(uid)) == "error" else cfg.processed_folder
                    if box.holds(folder, ledger.message_id_of(key(uid)) or "", back_to=cfg.folder):
                        box.discard([uid])
                    else:
                        file_on_server(uid)
                    result.refiled += 1

                new = unfiled + box.uids_above(last)
                index = ledger.case_index()
                taken = ledger.case_ids()
                for n, (uid, raw) in enumerate(box.fetch(new), 1):
                    source = Source(
                        kind="imap", mailbox=cfg.folder, uidvalidity=state.uidvalidity, uid=uid
                    )
                    sha = hashlib.sha256(raw).hexdigest()
                    alias = ledger.resync_match(
                        cfg.folder, state.uidvalidity, _message_id(raw), sha
                    )
                    if alias is not None:
                        ledger.add_alias(
                            source_key=source.key,
                            case_id=alias,
                            mailbox=cfg.folder,
                            uidvalidity=state.uidvalidity,
                            uid=uid,
                        )
                        log.info(
                            "%s: same message as case %s (UIDVALIDITY changed)", source.key, alias
                        )
                        file_on_server(uid)
                        result.resynced += 1
                        continue
                    triaged = triage_message(raw, source, None, settings, index)
                    triaged.record.case_id = unique_case_id(triaged.record.case_id, taken)
                    taken.add(triaged.record.case_id)
                    index.add(file_triaged(out_dir, ledger, source.key, triaged))
                    file_on_server(uid)
                    result.processed += 1
                    result.case_ids.append(triaged.record.case_id)
                    result.errors += triaged.record.status == "error"
                    if progress is not None:
                        progress(n, len(new))
            if (
                result.processed
                or result.refiled
                or result.resynced
                or not (out_dir / "triage.jsonl").exists()
            ):
                result.total = len(publish(out_dir, ledger))
            else:
                result.total = len(ledger.records())
        finally:
            ledger.close()
    return result

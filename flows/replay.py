"""Prefect flows: they only wire the plain stages of `pipeline/` together."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from flows.environment import set_defaults

set_defaults()

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from flows.artifacts import publish_artifacts  # noqa: E402
from models import Attachment, DocumentText, ParsedMessage  # noqa: E402
from pipeline.documents import read_document  # noqa: E402
from pipeline.errors import LimitExceeded, TriageError  # noqa: E402
from pipeline.intake import file_triaged, publish  # noqa: E402
from pipeline.ledger import Ledger, run_lock, unique_case_id  # noqa: E402
from pipeline.mime import parse_message  # noqa: E402
from pipeline.packets import remove_stale_tmp  # noqa: E402
from pipeline.settings import LimitSettings, Settings, load_settings  # noqa: E402
from pipeline.sources import list_inbox, read_raw  # noqa: E402
from pipeline.triage import (  # noqa: E402
    body_document,
    error_triaged,
    make_case_id,
    over_limit_documents,
    readable_attachments,
    triage_parsed,
)

Progress = Callable[[str, int, int], None]
"""Called as progress(stage, done, total) while a run goes on."""
progress_hook: Progress | None = None
"""The CLI sets this to draw its progress bar; flow parameters stay plain data."""


def _report(stage: str, done: int, total: int) -> None:
    if progress_hook is not None:
        progress_hook(stage, done, total)


@task(name="parse-message", cache_policy=NO_CACHE)
def parse_task(raw: bytes, limits: LimitSettings) -> ParsedMessage | TriageError:
    """The parsed message, or the expected error of an unreadable one (returned, not raised)."""
    try:
        if len(raw) > limits.max_message_bytes:
            raise LimitExceeded(f"message of {len(raw)} bytes is over the limit of {limits.max_message_bytes}")
        return parse_message(raw, limits)
    except TriageError as e:
        return e


@task(name="read-document", cache_policy=NO_CACHE)
def read_document_task(attachment: Attachment, settings: Settings) -> DocumentText:
    return read_document(attachment, settings)


@flow(
    name="replay-inbox",
    task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 2),
    validate_parameters=False,
    persist_result=False,
)
def replay_inbox(inbox_dir: str, out_dir: str, config_path: str | None = None) -> dict[str, int]:
    """Triage every message file under `inbox_dir` not yet in OUT_DIR's ledger, then publish."""
    settings = load_settings(config_path)
    inbox, out = Path(inbox_dir), Path(out_dir)
    with run_lock(out):
        ledger = Ledger(out)
        try:
            remove_stale_tmp(out)
            known = ledger.known_sources()
            items = [i for i in list_inbox(inbox) if i.source.key not in known]
            raws = [read_raw(i) for i in items]
            parsed = [parse_task.submit(raw, settings.limits) for raw in raws]
            # Every attachment of every message is read concurrently (OCR runs in tesseract processes).
            reads: list[list] = []
            for fut in parsed:
                try:
                    message = fut.result()
                except Exception:  # noqa: BLE001 - recorded below as the message's error
                    message = None
                if not isinstance(message, ParsedMessage):
                    reads.append([])
                    continue
                reads.append(
                    [
                        read_document_task.submit(a, settings)
                        for a in readable_attachments(message, settings)
                    ]
                )
            index = ledger.case_index()
            taken = ledger.case_ids()
            before = set(taken)
            for n, (item, raw, fut, docs) in enumerate(
                zip(items, raws, parsed, reads, strict=True), 1
            ):
                message: ParsedMessage | None = None
                try:
                    result = fut.result()
                    if isinstance(result, TriageError):
                        raise result
                    message = result
                    case_id = unique_case_id(make_case_id(raw, message), taken)
                    documents = [body_document(message), *(d.result() for d in docs)]
                    documents += over_limit_documents(message, settings)
                    triaged = triage_parsed(
                        raw, message, documents, item.source, case_id, settings, index
                    )
                except Exception as exc:  # noqa: BLE001 - one message's failure is its record
                    case_id = unique_case_id(make_case_id(raw, message), taken)
                    triaged = error_triaged(raw, item.source, case_id, exc, settings, message)
                taken.add(case_id)
                index.add(file_triaged(out, ledger, item.source.key, triaged))
                _report("triage", n, len(items))
            records = publish(out, ledger)
        finally:
            ledger.close()
    publish_artifacts(
        records, sorted(taken - before), key="replay", title=f"Replay of {inbox.name}"
    )
    return {"processed": len(items), "total": len(records)}
